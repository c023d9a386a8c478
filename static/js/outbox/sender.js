// Sending the outbox (docs/architecture.md, "The offline protocol"). Every write is sent with
// its Idempotency-Key, the first time included, so a send repeated after a lost answer is
// answered as the first was. An entry leaves the outbox only on a final answer; every
// request gives up after a timeout, so one hung request never holds the queue. Used by the
// pages and by the service worker.
import * as store from "./store.js";

const FIRST_RETRY_MS = 5 * 1000;
const LONGEST_WAIT_MS = 5 * 60 * 1000;
const READ_ANSWER_UP_TO = 200 * 1000;
const LOCK = "ap-field-outbox";
// A form with mistakes, or a photo too big: the answer is the form, with what to correct.
const REFUSED = [413, 422];

let timeoutMs = 20 * 1000;

/** Sets how long a request may take before it is given up (the server's OUTBOX_TIMEOUT). */
export function configure({ timeout }) {
  if (timeout > 0) timeoutMs = timeout;
}

/** Where the browser has no Web Locks: how long an entry being sent is left to its sender
 * before a flush may send it again. */
export function lease() {
  return Date.now() + timeoutMs * 2;
}

// Whoever sends an entry holds its lock until the answer is in, and the browser releases it
// when that page closes: an entry "sending" whose lock is free was left half-sent.
function entryLock(opId) {
  return `ap-field-outbox-entry-${opId}`;
}

/** Runs `work` holding the entry's lock: its saving and its sending, for a form. */
export function holdingItsLock(entry, work) {
  if (!self.navigator.locks) return work();
  return self.navigator.locks.request(entryLock(entry.op_id), work);
}

async function abandoned(entry) {
  if (!self.navigator.locks) return !entry.lease_until || entry.lease_until < Date.now();
  return self.navigator.locks.request(entryLock(entry.op_id), { ifAvailable: true }, (lock) => lock !== null);
}

/** fetch, given up after the timeout. */
export async function request(url, options = {}) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    return await fetch(url, { credentials: "same-origin", ...options, signal: controller.signal });
  } finally {
    clearTimeout(timer);
  }
}

/** Exponential back-off from 5 seconds, capped at 5 minutes, with jitter so that phones
 * coming back into signal together do not all call at once. */
export function nextTry(attempts) {
  const wait = Math.min(LONGEST_WAIT_MS, FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1));
  return Date.now() + Math.round(wait * (0.5 + Math.random() * 0.5));
}

/** A fresh CSRF token and whose session it is, or null when signed out: entries are only
 * ever sent as the person who saved them. */
export async function session() {
  const response = await request("/sync/token", { cache: "no-store" });
  if (response.status === 401) return null;
  if (!response.ok) throw new Error(`The server answered ${response.status}`);
  return response.json();
}

function bodyOf(entry, csrfToken) {
  const body = new FormData();
  for (const [name, value, filename] of entry.fields) {
    if (name === "csrf_token") continue;
    if (value instanceof Blob) body.append(name, value, filename || "photo.jpg");
    else body.append(name, value);
  }
  body.append("csrf_token", csrfToken);
  return body;
}

async function answerText(response) {
  const text = await response.text();
  return text.length > READ_ANSWER_UP_TO ? text.slice(0, READ_ANSWER_UP_TO) : text;
}

function post(entry, token, foreground) {
  const headers = { "Idempotency-Key": entry.op_id, "X-CSRFToken": token };
  if (!foreground) headers["X-Outbox"] = "replay";
  else if (entry.swap) {
    // As htmx would send them: the server answers with the part of the page to swap.
    headers["HX-Request"] = "true";
    if ((entry.swap.target || "").startsWith("#")) headers["HX-Target"] = entry.swap.target.slice(1);
  }
  return request(entry.url, { method: "POST", body: bodyOf(entry, token), redirect: "manual", headers });
}

function isHtml(response) {
  return (response.headers.get("Content-Type") || "").startsWith("text/html");
}

/**
 * Sends one entry and records what became of it. The outcome is one of:
 * "sent" (delivered; `html` is an htmx form's part of the page, if the answer was one),
 * "offline" (no answer: stop for now), "signin" (stop until the person signs in),
 * "retry" (the server had trouble; the entry waits its turn), "conflict" (someone else's
 * change; `html` is the choice), "refused" (the form has mistakes or a file is too big;
 * `html` is the form) and
 * "attention" (refused otherwise). A conflict or a refusal stays in the outbox until the
 * person chooses what becomes of it: the page shows it at once to a person waiting on it
 * (`foreground`), and the outbox page lists it.
 */
export function send(entry, options) {
  return holdingItsLock(entry, () => sendHolding(entry, options));
}

/** `send`, for whoever holds the entry's lock already. */
export async function sendHolding(entry, { token, foreground = false }) {
  await store.update(entry.op_id, {
    state: "sending",
    attempts: (entry.attempts || 0) + 1,
    lease_until: lease(),
  });
  let response;
  try {
    response = await post(entry, token, foreground);
    if (response.status === 400 && foreground) {
      // The page's form token has expired (a copy kept for offline use, or a long wait).
      const current = await session();
      if (current) response = await post(entry, current.csrf_token, foreground);
    }
  } catch {
    await store.update(entry.op_id, {
      state: "retrying",
      next_at: nextTry((entry.attempts || 0) + 1),
      last_error: "No connection",
    });
    return { outcome: "offline" };
  }
  return settle(entry, response);
}

async function settle(entry, response) {
  const status = response.status;
  if (response.ok) {
    const html = entry.swap && isHtml(response) ? await response.text() : null;
    await store.delivered(entry, response.headers.get("Location"));
    return { outcome: "sent", html, location: response.headers.get("Location") };
  }
  if (status === 401) {
    await store.update(entry.op_id, { state: "signin", last_error: "Signed out" });
    return { outcome: "signin" };
  }
  if (status >= 500 || status === 429 || status === 408) {
    await store.update(entry.op_id, {
      state: "retrying",
      next_at: nextTry((entry.attempts || 0) + 1),
      status,
      last_error: `The server answered ${status}`,
    });
    return { outcome: "retry" };
  }
  const html = isHtml(response) ? await answerText(response) : "";
  const outcome = status === 409 ? "conflict" : REFUSED.includes(status) && html ? "refused" : "attention";
  await store.update(entry.op_id, {
    state: outcome === "conflict" ? "conflict" : "attention",
    status,
    answer: html,
    last_error: refusal(response, outcome),
  });
  return { outcome, html };
}

function refusal(response, outcome) {
  if (outcome === "conflict") return "Someone else changed this record";
  return response.type === "opaqueredirect" ? "Unexpected answer" : `Refused (${response.status})`;
}

async function due(entry, everything, now) {
  if (entry.state === "sending") return abandoned(entry);
  if (!["saved", "retrying", "signin"].includes(entry.state)) return false;
  return everything || !entry.next_at || entry.next_at <= now;
}

async function sendWaiting(everything) {
  if (self.navigator.onLine === false) return "offline";
  const waiting = [];
  for (const entry of await store.entries()) {
    if (await due(entry, everything, Date.now())) waiting.push(entry);
  }
  if (!waiting.length) return "nothing";
  let current;
  try {
    current = await session();
  } catch {
    return "offline";
  }
  if (current === null) {
    for (const entry of waiting.filter((entry) => entry.state !== "signin")) {
      await store.update(entry.op_id, { state: "signin", last_error: "Signed out" });
    }
    return "signin";
  }
  for (const entry of waiting.filter((entry) => entry.user === current.user)) {
    // Another tab may have sent or changed it meanwhile.
    const latest = await store.get(entry.op_id);
    if (!latest || !(await due(latest, everything, Date.now()))) continue;
    const { outcome } = await send(latest, { token: current.csrf_token });
    if (outcome === "offline" || outcome === "signin") return outcome;
  }
  return "done";
}

/** Sends what is due, oldest first: one flush at a time across every tab and the worker; a
 * flush asked for while one runs waits for it and then runs. `everything` sends what waits
 * out its back-off too. */
export function flush({ everything = false } = {}) {
  if (self.navigator.locks) {
    return self.navigator.locks.request(LOCK, () => sendWaiting(everything));
  }
  return sendWaiting(everything);
}
