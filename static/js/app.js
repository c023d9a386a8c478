// GOV.UK Frontend styles some components differently once JavaScript runs.
document.body.classList.add("js-enabled", "govuk-frontend-supported");

// On a phone the menu starts folded when scripts run (assets/scss/app.scss), for
// static/js/govuk.js to open it with its button; if that module never ran, the menu is shown.
window.addEventListener("load", () => {
  const toggle = document.querySelector(".govuk-service-navigation__toggle");
  if (toggle && toggle.hidden && window.matchMedia("(max-width: 40.0525em)").matches) {
    document.documentElement.classList.add("app-menu-unfolded");
  }
});

// The service worker keeps the app's files and kept pages for use without signal, and shows
// push reminders; registered from every page so it is there whichever page a phone opens
// first. Without it the app works the same online.
if ("serviceWorker" in navigator) {
  // A module, whose imports are always asked of the server when the worker is updated.
  navigator.serviceWorker.register("/sw.js", { type: "module", updateViaCache: "none" }).catch(() => {});
}

// Reminders reach this phone only for the person who turned them on here. The phone keeps
// which push subscription the server was told of, and for whom (static/js/reminders.js). At
// each start, a subscription the browser renewed while the server could not be told (signed
// out, or no signal, when static/sw.js tried) is sent again in place of the old one; one left
// by someone who did not sign out here is ended, so their reminders stop coming to this
// phone. The Reminders page checks against the server's own list instead.
const PUSH_TOLD = "ap-field-push";

async function checkReminders(user) {
  const told = JSON.parse(localStorage.getItem(PUSH_TOLD));
  const registration = told && (await navigator.serviceWorker.getRegistration("/"));
  const current = registration && (await registration.pushManager.getSubscription());
  if (!told || (current && current.endpoint === told.endpoint && told.user === user)) return;
  if (!current || told.user !== user) {
    localStorage.removeItem(PUSH_TOLD);
    if (current) await current.unsubscribe();
    return;
  }
  const token = JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
  const response = await fetch("/reminders/devices", {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": token },
    body: JSON.stringify({ ...current.toJSON(), replaces: told.endpoint }),
  });
  // Refused (another person's, or a push service ap-field does not send to): not asked again.
  if (response.ok) localStorage.setItem(PUSH_TOLD, JSON.stringify({ user, endpoint: current.endpoint }));
  else if (response.status === 422) localStorage.removeItem(PUSH_TOLD);
}

const signedIn = document.querySelector('meta[name="ap-user"]');
if (signedIn && "PushManager" in window && !document.querySelector("[data-push]")) {
  checkReminders(signedIn.content).catch(() => {});
}
