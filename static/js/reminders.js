// The Reminders page: turn push reminders on for this device. The browser asks for
// permission only after a tap on the button, never on page load. The page says whether this
// phone gets the person's reminders: whether the browser's subscription is among the devices
// the server lists for them.

// Which subscription the server was told of, and for whom: each page checks it
// (static/js/app.js), and signing out forgets it (static/js/outbox/interface.js).
const PUSH_TOLD = "ap-field-push";
const user = document.querySelector('meta[name="ap-user"]')?.content;
const panel = document.querySelector("[data-push]");
const statusLine = panel && panel.querySelector("[data-push-status]");
const action = panel && panel.querySelector("[data-push-action]");
const button = panel && panel.querySelector("[data-push-subscribe]");

function say(message) {
  statusLine.textContent = message;
}

function bytesFromBase64url(text) {
  const base64 = text.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(text.length / 4) * 4, "=");
  return Uint8Array.from(atob(base64), (character) => character.charCodeAt(0));
}

function sameKey(buffer, key) {
  if (!buffer) {
    return false;
  }
  const bytes = new Uint8Array(buffer);
  return bytes.length === key.length && bytes.every((byte, index) => byte === key[index]);
}

// Registered as every page registers it (static/js/app.js): a module.
async function registration() {
  await navigator.serviceWorker.register(panel.dataset.serviceWorker, { type: "module", updateViaCache: "none" });
  return navigator.serviceWorker.ready;
}

// This browser's subscription, made with this server's key (an old key's is replaced).
async function subscription(pushManager, key) {
  const existing = await pushManager.getSubscription();
  if (existing && sameKey(existing.options.applicationServerKey, key)) {
    return existing;
  }
  if (existing) {
    await existing.unsubscribe();
  }
  return pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
}

function told(subscribed) {
  localStorage.setItem(PUSH_TOLD, JSON.stringify({ user, endpoint: subscribed.endpoint }));
}

// A subscription the browser renewed names the endpoint it `replaces`.
function tell(subscribed, replaces) {
  return fetch(panel.dataset.subscribeUrl, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": panel.dataset.csrfToken },
    body: JSON.stringify(replaces ? { ...subscribed.toJSON(), replaces } : subscribed),
  });
}

async function turnOn() {
  button.disabled = true;
  try {
    const permission = await Notification.requestPermission();
    if (permission !== "granted") {
      say("Notifications are blocked for ap-field on this phone. Allow them in the browser's site settings, then try again.");
      return;
    }
    say("Turning reminders on…");
    const { pushManager } = await registration();
    const subscribed = await subscription(pushManager, bytesFromBase64url(panel.dataset.publicKey));
    const response = await tell(subscribed);
    if (!response.ok) {
      const problem = await response.json().catch(() => ({}));
      say(problem.error || "ap-field could not save this phone. Reload the page and try again.");
      return;
    }
    told(subscribed);
    window.location.reload();
  } catch (error) {
    say(`This phone's browser could not turn reminders on (${error.message}). Check it is online and try again.`);
  } finally {
    button.disabled = false;
  }
}

// Marks this phone in the device list; turning it off there also unsubscribes the browser.
function markThisDevice(current) {
  for (const card of document.querySelectorAll("[data-device-endpoint]")) {
    if (card.dataset.deviceEndpoint !== current.endpoint) {
      continue;
    }
    card.querySelector("[data-this-device]").hidden = false;
    const form = card.querySelector("[data-turn-off]");
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      localStorage.removeItem(PUSH_TOLD);
      current.unsubscribe().finally(() => form.submit());
    }, { once: true });
    return true;
  }
  return false;
}

async function start() {
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    say("This browser cannot receive reminders. On an iPhone, add ap-field to your Home Screen (Share, then Add to Home Screen) and open it from there.");
    return;
  }
  if (Notification.permission === "denied") {
    say("Notifications are blocked for ap-field on this phone. Allow them in the browser's site settings, then reload this page.");
    return;
  }
  const existing = await navigator.serviceWorker.getRegistration(panel.dataset.serviceWorker);
  const current = existing && (await existing.pushManager.getSubscription());
  const granted = current && Notification.permission === "granted";
  if (granted && markThisDevice(current)) {
    told(current);
    say("Reminders are on for this phone.");
    return;
  }
  // The browser renewed the subscription and the server was not told: it is told now.
  const before = JSON.parse(localStorage.getItem(PUSH_TOLD));
  if (granted && before && before.user === user && before.endpoint !== current.endpoint) {
    if ((await tell(current, before.endpoint)).ok) {
      told(current);
      window.location.reload();
      return;
    }
  }
  say("Reminders are off for this phone.");
  button.addEventListener("click", turnOn);
  action.hidden = false;
}

if (panel) {
  start().catch(() => say("This browser cannot receive reminders."));
}
