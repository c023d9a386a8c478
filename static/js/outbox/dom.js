// Small DOM builders for the outbox's messages. Text only: nothing typed by a person, and
// nothing the server answered, is ever parsed into this page as HTML.

export function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export function button(text, className, onClick) {
  const node = element("button", `govuk-button ${className || ""}`.trim(), text);
  node.type = "button";
  node.addEventListener("click", onClick);
  return node;
}

export function timeOf(milliseconds) {
  return new Date(milliseconds).toLocaleString("en-GB", {
    weekday: "short",
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
  });
}

/** A GOV.UK notification banner: its title, its heading line, and the content after them. */
export function notificationBanner(role, title, heading) {
  const banner = element("div", "govuk-notification-banner");
  banner.setAttribute("role", role);
  const header = element("div", "govuk-notification-banner__header");
  header.append(element("h2", "govuk-notification-banner__title", title));
  const content = element("div", "govuk-notification-banner__content");
  content.append(element("p", "govuk-notification-banner__heading", heading));
  banner.append(header, content);
  return { banner, content };
}

export function onIPhone() {
  const standalone =
    navigator.standalone === true || matchMedia("(display-mode: standalone)").matches;
  const iOS =
    /iPhone|iPad|iPod/.test(navigator.userAgent) ||
    (navigator.platform === "MacIntel" && navigator.maxTouchPoints > 1);
  return iOS && !standalone;
}
