// Every form marked `data-outbox`, full-page or htmx, with signal or without, takes one path
// (docs/architecture.md, "The offline protocol"): the submission is written to the outbox
// on this phone first, and only then sent, with its Idempotency-Key. It leaves the outbox on
// the server's final answer. With no answer it stays, the form says "Saved on this phone",
// and it is sent again: when the signal comes back, on the next page, or by Background Sync.
// The form hears "outbox:kept" once its submission is stored, "outbox:sent" once the server
// has it and "outbox:refused" when the server sends it back to be corrected.
import { button, element, notificationBanner, onIPhone } from "./dom.js";
import * as sender from "./sender.js";
import * as store from "./store.js";

const FLUSH_EVERY_MS = 30 * 1000;
const LAST_USER = "ap-field-user";
const SAVED = "Saved on this phone, not sent yet";
const SAVED_BRIEFLY = `${SAVED}. It will be sent when there is a signal.`;

const timeout = document.querySelector('meta[name="ap-outbox-timeout"]');
if (timeout) sender.configure({ timeout: Number(timeout.content) * 1000 });

// ---- Who is using this phone ----------------------------------------------------------------
// A phone may be shared, one person after another: the outbox shows and sends only the
// signed-in person's entries. Each page notes who is signed in (LAST_USER), and signing out
// here empties it. So a page with no user of its own (the sign-in page, the outbox page kept
// for no signal) shows nobody's entries after a sign-out, and after a session that ended
// without one, the last person's, asking them to sign in again. What someone set aside when
// they signed out is shown to nobody until they sign in again.

function signedInUser() {
  const meta = document.querySelector('meta[name="ap-user"]');
  return meta && meta.content ? Number(meta.content) : null;
}

// The session this page belongs to (its `ap-session` tag; the outbox page has none).
function sessionOf() {
  const meta = document.querySelector('meta[name="ap-session"]');
  return meta ? meta.content : "";
}

// Noted once, as the page loads: a page left open does not undo a sign-out made since.
try {
  if (signedInUser() !== null) localStorage.setItem(LAST_USER, String(signedInUser()));
} catch {
  // Storage refused: a page without a user of its own shows nobody's entries.
}

function currentUser() {
  const user = signedInUser();
  if (user !== null) return user;
  const last = localStorage.getItem(LAST_USER);
  return last ? Number(last) : null;
}

// Whose outbox this page shows. Signed out, the last person's name on this phone can be
// lost with the browser closed straight after (local storage reaches the disk in batches,
// the outbox at once); the newest thing saved, and not set aside, was then theirs.
function ownerOf(all) {
  const user = currentUser();
  if (user !== null || localStorage.getItem(LAST_USER) !== null) return user;
  const newest = all
    .filter((entry) => !entry.set_aside)
    .reduce((latest, entry) => (!latest || entry.created_at > latest.created_at ? entry : latest), null);
  return newest ? newest.user : null;
}

/** Whose outbox this page shows, and that person's entries: one read of the outbox. Signed
 * in again, in another session than the one they signed out of, they take back what they
 * set aside. */
async function mine() {
  const all = await store.entries();
  const user = ownerOf(all);
  const signedIn = signedInUser() !== null;
  const entries = all.filter((entry) => entry.user === user && (signedIn || !entry.set_aside));
  const session = sessionOf();
  if (signedIn && session && entries.some((entry) => entry.set_aside && entry.set_aside.session !== session)) {
    await store.signedIn(user, session);
  }
  return { user, entries };
}

// ---- Turning a form into an outbox entry ----------------------------------------------------

function labelOf(form, control) {
  if (control.type === "radio" || control.type === "checkbox") {
    const legend = control.closest("fieldset")?.querySelector("legend");
    if (legend) return legend.textContent.trim();
  }
  const label = control.id && form.querySelector(`label[for="${CSS.escape(control.id)}"]`);
  return label ? label.textContent.trim() : control.name;
}

function shownValue(form, control, value) {
  if (control.type === "radio" || control.type === "checkbox") {
    const label = control.id && form.querySelector(`label[for="${CSS.escape(control.id)}"]`);
    return label ? label.textContent.trim() : value;
  }
  if (control.tagName === "SELECT") {
    const option = [...control.options].find((candidate) => candidate.value === value);
    return option ? option.textContent.trim() : value;
  }
  return value;
}

// What the outbox page shows of an entry: each answer beside its question.
function summaryOf(form, submitter) {
  const summary = [];
  for (const control of form.elements) {
    if (!control.name || control.type === "hidden" || control.name === "csrf_token") continue;
    if (control.type === "submit") continue;
    if ((control.type === "radio" || control.type === "checkbox") && !control.checked) continue;
    if (control.hasAttribute("data-sensitive")) {
      // Safeguarding text: the outbox page says it is there, never what it says.
      if (control.value) summary.push([labelOf(form, control), "Written, not shown here"]);
      continue;
    }
    if (control.type === "file") {
      for (const file of control.files) summary.push([labelOf(form, control), file.name]);
      continue;
    }
    const values =
      control.tagName === "SELECT" ? [...control.selectedOptions].map((option) => option.value) : [control.value];
    for (const value of values) {
      if (value !== "") summary.push([labelOf(form, control), shownValue(form, control, value)]);
    }
  }
  if (submitter && submitter.name) summary.push(["Chosen", submitter.textContent.trim()]);
  return summary;
}

function fieldsOf(form, submitter) {
  const fields = [];
  for (const [name, value] of new FormData(form, submitter)) {
    if (value instanceof File) {
      if (value.size || value.name) fields.push([name, value, value.name]);
    } else {
      fields.push([name, value]);
    }
  }
  return fields;
}

// An htmx form says which part of the page its answer replaces.
function swapOf(form) {
  if (!form.hasAttribute("hx-post")) return null;
  return { target: form.getAttribute("hx-target"), style: form.getAttribute("hx-swap") || "innerHTML" };
}

function entryOf(form, submitter) {
  const data = new FormData(form);
  const heading = document.querySelector("main h1");
  const caption = document.querySelector("main .govuk-caption-l, main .govuk-caption-m");
  return {
    op_id: crypto.randomUUID(),
    user: currentUser(),
    url: form.getAttribute("hx-post") ? new URL(form.getAttribute("hx-post"), location.href).href : form.action,
    page_url: location.pathname + location.search,
    client_uuid: data.get("client_uuid") || null,
    base_version: data.get("version") || null,
    swap: swapOf(form),
    title: form.dataset.outbox || (heading ? heading.textContent.trim() : document.title),
    caption: caption ? caption.textContent.trim() : "",
    sensitive: form.querySelector("[data-sensitive]") !== null,
    summary: summaryOf(form, submitter),
    fields: fieldsOf(form, submitter),
    state: "sending",
    lease_until: sender.lease(),
    attempts: 0,
    next_at: 0,
    last_error: null,
    created_at: Date.now(),
  };
}

// A second submission of the same record from the same page (a register mark tapped again,
// a form sent twice) replaces the first while neither has gone: the server would otherwise
// take the first as the record and the second as a repeat of it.
function supersedes(entry, older) {
  return (
    older.url === entry.url &&
    older.user === entry.user &&
    older.client_uuid === entry.client_uuid &&
    older.base_version === entry.base_version &&
    ["saved", "retrying", "signin"].includes(older.state)
  );
}

// ---- What the form says ---------------------------------------------------------------------

function iPhoneHint() {
  return element(
    "p",
    "govuk-body",
    "On an iPhone, add ap-field to your Home Screen (Share, then Add to Home Screen) so that " +
      "Safari keeps what is saved on this phone.",
  );
}

// A one-line status at the end of the part of the page an htmx form replaces, tied to the
// entry so that it can say "Sent" once the outbox has sent it.
function statusLine(part, text, opId) {
  part.querySelector(":scope > [data-outbox-status]")?.remove();
  const note = element("p", "govuk-body-s app-outbox-status", text);
  note.setAttribute("role", "status");
  note.dataset.outboxStatus = "";
  if (opId) note.dataset.outboxEntry = opId;
  part.append(note);
}

function showSaved(form, entry) {
  const signedOut = entry.state === "signin";
  if (entry.swap) {
    const text = signedOut ? `${SAVED}: sign in again and it will be sent.` : SAVED_BRIEFLY;
    statusLine(targetOf(entry.swap) || form, text, entry.op_id);
    return;
  }
  const { banner, content } = notificationBanner("status", "Not sent yet", SAVED);
  banner.dataset.outboxSaved = "";
  content.append(
    element(
      "p",
      "govuk-body",
      signedOut
        ? "You have been signed out. Sign in again and it will be sent."
        : "It will be sent when there is a signal. You can leave this page.",
    ),
  );
  const link = element("a", "govuk-notification-banner__link", "See what is waiting to be sent");
  link.href = "/outbox";
  const line = element("p", "govuk-body");
  line.append(link);
  content.append(line);
  if (onIPhone()) content.append(iPhoneHint());
  form.before(banner);
  form.hidden = true;
  banner.querySelector("h2").focus?.();
}

// While a form is being sent, its buttons wait: a second tap would be a second write.
function busy(form, on) {
  // The register's code buttons have no type (a button submits its form anyway): htmx sets up
  // each [type=submit] as a page loads, and a register has some 200 of them.
  for (const control of form.querySelectorAll('button:not([type]), [type="submit"]')) {
    control.disabled = on;
  }
  form.toggleAttribute("aria-busy", on);
}

// ---- Showing the server's answer ------------------------------------------------------------

function targetOf(swap) {
  return swap && swap.target ? document.querySelector(swap.target) : null;
}

function swapIn(swap, html) {
  const target = targetOf(swap);
  if (!target) return null;
  const id = target.id;
  htmx.swap(target, html, { swapStyle: swap.style });
  return (id && document.getElementById(id)) || null;
}

// A replayed answer carries no HTML: the part of the page is asked for afresh.
async function refreshPart(swap) {
  const target = targetOf(swap);
  if (!target || !target.id) return target;
  try {
    const response = await sender.request(location.href, { cache: "no-store" });
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const fresh = page.getElementById(target.id);
    if (fresh) htmx.swap(target, fresh.outerHTML, { swapStyle: "outerHTML" });
  } catch {
    // No signal again: the part stays as it was; the outbox has what was sent.
  }
  return document.getElementById(target.id);
}

// A full page the server answered with (a form to correct, a conflict to settle) takes the
// place of this page's main content, where the person is; the new main content is returned.
function showPage(html) {
  const page = new DOMParser().parseFromString(html, "text/html");
  const answered = page.querySelector("main");
  if (!answered) return null;
  const main = document.importNode(answered, true);
  document.title = page.title;
  document.querySelector("main").replaceWith(main);
  htmx.process(main);
  htmx.trigger(main, "htmx:load", { elt: main });
  const first = main.querySelector(".govuk-error-summary, h1");
  if (first) {
    first.tabIndex = -1;
    first.focus();
  }
  return main;
}

// The answer a person must act on: the form to correct, or both versions to choose from.
// The entry stays in the outbox until they do: what they send from it takes its place, and
// "Keep theirs" lets it go.
function showAnswer(entry, html) {
  if (!html) return;
  const shown = entry.swap ? swapIn(entry.swap, html) : showPage(html);
  if (!shown) return;
  for (const form of shown.querySelectorAll("form[data-outbox]")) form.dataset.outboxReplaces = entry.op_id;
  for (const link of shown.querySelectorAll("a[data-keep-theirs]")) {
    link.addEventListener("click", async (event) => {
      event.preventDefault();
      await store.remove(entry.op_id);
      location.assign(link.href);
    });
  }
}

// ---- Keeping and sending --------------------------------------------------------------------

function askToKeepStorage() {
  if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(() => {});
}

function wakeWhenOnline() {
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker.ready
    .then((registration) => registration.sync && registration.sync.register("ap-field-outbox"))
    .catch(() => {});
}

// "Late" asks how late on the phone, so that a late mark saved with no signal is complete.
function asksHowLate(form, submitter) {
  const group = form.querySelector("[data-late-minutes]");
  if (!group || !submitter || submitter.value !== "L") return false;
  const minutes = group.querySelector('input[name="minutes_late"]');
  if (!group.hidden && minutes.value.trim()) return false;
  group.hidden = false;
  minutes.focus();
  return true;
}

// A register mark, an arrival or a departure says when it happened by the phone's clock.
function stamp(form) {
  for (const input of form.querySelectorAll("input[data-phone-time]")) input.value = new Date().toISOString();
}

async function submit(form, submitter) {
  if (asksHowLate(form, submitter)) return;
  stamp(form);
  const entry = entryOf(form, submitter);
  busy(form, true);
  let result;
  try {
    result = await keepThenSend(form, entry);
  } catch {
    // The phone's storage refused it (full, or a private window): the form posts as it
    // would with no JavaScript, while there is a signal to take it.
    postNatively(form, submitter);
    return;
  } finally {
    busy(form, false);
  }
  await answered(form, entry, result);
}

function postNatively(form, submitter) {
  if (submitter && submitter.name) {
    const chosen = element("input");
    Object.assign(chosen, { type: "hidden", name: submitter.name, value: submitter.value });
    form.append(chosen);
  }
  form.submit();
}

// Written to the outbox before it is sent: closing the page while it goes loses nothing.
// The entry's lock is held from before it is written, so no flush sends it meanwhile.
function keepThenSend(form, entry) {
  return sender.holdingItsLock(entry, async () => {
    const older = (await store.entries()).filter((candidate) => supersedes(entry, candidate));
    const replaced = older.map((candidate) => candidate.op_id);
    if (form.dataset.outboxReplaces) replaced.push(form.dataset.outboxReplaces);
    await store.add(entry, replaced);
    form.dispatchEvent(new CustomEvent("outbox:kept", { bubbles: true }));
    askToKeepStorage();
    wakeWhenOnline();
    if (!navigator.onLine) {
      await store.update(entry.op_id, { state: "saved", lease_until: 0 });
      return { outcome: "offline" };
    }
    const token = new FormData(form).get("csrf_token") || "";
    return sender.sendHolding(entry, { token, foreground: true });
  });
}

async function answered(form, entry, result) {
  const { outcome, html } = result;
  if (outcome === "sent") {
    form.dispatchEvent(new CustomEvent("outbox:sent", { bubbles: true }));
    if (!entry.swap) {
      location.assign(result.location || location.href);
      return;
    }
    const part = html ? swapIn(entry.swap, html) : await refreshPart(entry.swap);
    if (part) statusLine(part, "Sent.");
    refresh();
    return;
  }
  if (outcome === "refused") form.dispatchEvent(new CustomEvent("outbox:refused", { bubbles: true }));
  if (["refused", "conflict", "attention"].includes(outcome)) {
    showAnswer(entry, html);
    return;
  }
  showSaved(form, { ...entry, state: outcome === "signin" ? "signin" : "saved" });
  flushSoon();
}

document.addEventListener(
  "submit",
  (event) => {
    const form = event.target;
    if (!form.matches("form[data-outbox]")) return;
    // htmx never sees the submission: the outbox sends it, and swaps in the answer.
    event.preventDefault();
    event.stopImmediatePropagation();
    submit(form, event.submitter);
  },
  true,
);

// ---- Changing an entry that needs attention ---------------------------------------------------

function fillForm(form, entry) {
  const files = new Map();
  for (const [name, value, filename] of entry.fields) {
    if (value instanceof Blob) {
      if (!files.has(name)) files.set(name, new DataTransfer());
      files.get(name).items.add(new File([value], filename || "photo.jpg", { type: value.type }));
    }
  }
  const values = (name) =>
    entry.fields.filter(([field, value]) => field === name && !(value instanceof Blob)).map(([, value]) => value);
  for (const control of form.elements) {
    if (!control.name || control.name === "csrf_token" || control.type === "submit") continue;
    if (control.type === "file") {
      if (files.has(control.name)) control.files = files.get(control.name).files;
    } else if (control.type === "radio" || control.type === "checkbox") {
      control.checked = values(control.name).includes(control.value);
    } else if (control.tagName === "SELECT") {
      for (const option of control.options) option.selected = values(control.name).includes(option.value);
    } else if (values(control.name).length) {
      control.value = values(control.name)[0];
    }
  }
}

async function openForChanges() {
  const opId = new URLSearchParams(location.search).get("outbox");
  if (!opId) return;
  const entry = await store.get(opId);
  const path = entry && entry.user === signedInUser() && new URL(entry.url).pathname;
  const form = [...document.querySelectorAll("form[data-outbox]")].find(
    (candidate) => path && new URL(candidate.action).pathname === path,
  );
  if (!form) return;
  fillForm(form, entry);
  form.dataset.outboxReplaces = opId;
  const note = element(
    "div",
    "govuk-inset-text",
    "You are changing something saved on this phone. Send it when it is ready; the saved copy is replaced.",
  );
  form.before(note);
}

// ---- What every page shows ------------------------------------------------------------------

async function showCount(waiting) {
  const badge = document.querySelector("[data-outbox-badge]");
  if (!badge) return;
  badge.querySelector("[data-outbox-count]").textContent = String(waiting.length);
  badge.hidden = waiting.length === 0;
}

// A register counts the marks the server has and those still on this phone.
function showRegisterCount(waiting) {
  const counter = document.querySelector("[data-register-count]");
  if (!counter) return;
  const rows = [...document.querySelectorAll("[data-register-row]")];
  const onPhone = rows.filter(
    (row) =>
      !row.hasAttribute("data-marked") &&
      waiting.some((entry) => entry.url === new URL(row.dataset.registerRow, location.href).href &&
        entry.fields.some(([name, value]) => name === "date" && value === counter.dataset.date) &&
        entry.fields.some(([name, value]) => name === "session" && value === counter.dataset.session)),
  ).length;
  const marked = rows.filter((row) => row.hasAttribute("data-marked")).length;
  let text = `${marked + onPhone} of ${counter.dataset.total} pupils marked.`;
  if (onPhone) text += ` ${onPhone} saved on this phone, not sent yet.`;
  counter.textContent = text;
}

// Statuses of submissions this page saved: once the entry has gone, it was sent, and the
// part of the page it changed is asked for afresh.
async function showSent(entries, lines) {
  const kept = new Set(entries.map((entry) => entry.op_id));
  const sent = new Set(lines.map((line) => line.op_id));
  const notes = [...document.querySelectorAll("[data-outbox-status][data-outbox-entry]")];
  const gone = notes.filter((note) => !kept.has(note.dataset.outboxEntry) && sent.has(note.dataset.outboxEntry));
  for (const note of gone) {
    const part = note.parentElement;
    if (!part) continue;
    note.remove();
    const form = part.querySelector("form[data-outbox][hx-post]");
    const fresh = form && part.id ? await refreshPart({ target: `#${CSS.escape(part.id)}` }) : part;
    if (fresh) statusLine(fresh, "Sent.");
  }
}

// ---- Signing out ----------------------------------------------------------------------------
// Signing out leaves nothing of this person on the phone but what they choose to keep. Their
// drafts go (static/js/drafts.js keeps them as "ap-field.draft.<user>.<form>"), and so do the
// lines about what they sent and the phone's push subscription: the browser ends it, and the
// form names it to the server, which removes it if it is theirs. What they saved and is not
// sent yet is sent first, kept for their next sign-in here, or discarded, as they choose.
// Without JavaScript the form simply signs out.

// Which push subscription the server was told of, and for whom (static/js/app.js).
const PUSH_TOLD = "ap-field-push";
const PUSH_WAIT_MS = 3000;

document.addEventListener(
  "submit",
  async (event) => {
    const form = event.target;
    if (!form.matches("form[data-sign-out]") || "confirmed" in form.dataset) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    const waiting = await mine().then(({ entries }) => entries, () => []);
    if (waiting.length) showSignOutChoice(form, waiting.length);
    else signOut(form);
  },
  true,
);

function forgetDrafts(user) {
  const prefix = `ap-field.draft.${user}.`;
  for (const key of Object.keys(localStorage)) {
    if (key.startsWith(prefix)) localStorage.removeItem(key);
  }
}

async function leavePush(form) {
  localStorage.removeItem(PUSH_TOLD);
  const registration = await navigator.serviceWorker?.getRegistration();
  const subscription = await registration?.pushManager?.getSubscription();
  if (!subscription) return;
  form.elements.push_endpoint.value = subscription.endpoint;
  await subscription.unsubscribe();
}

// A browser slow to answer about push does not hold the sign-out up.
function shortly(promise) {
  return Promise.race([promise, new Promise((resolve) => setTimeout(resolve, PUSH_WAIT_MS))]);
}

async function signOut(form, { discard = false } = {}) {
  const user = signedInUser();
  // Whatever the phone refuses (storage turned off, no push), the sign-out goes ahead.
  await Promise.allSettled([store.signedOut(user, sessionOf(), { discard }), shortly(leavePush(form))]);
  try {
    // Last, with nothing between them and the form going: drafts.js keeps nothing after it.
    forgetDrafts(user);
    localStorage.setItem(LAST_USER, "");
  } catch {
    // Storage refused: there is nothing in it to forget.
  }
  form.dataset.confirmed = "";
  form.requestSubmit();
}

function notSent(left) {
  const refused = left.filter((entry) => !store.waiting(entry)).length;
  if (refused) {
    const which = refused === 1 ? ["1 of them", "it"] : [`${refused} of them`, "them"];
    return `The server did not accept ${which[0]}. See what is not sent to change or delete ${which[1]}, or choose again.`;
  }
  return `${left.length === 1 ? "It" : "They"} could not be sent: this phone may have no signal. Try again, or choose again.`;
}

function showSignOutChoice(form, count) {
  document.querySelector("[data-sign-out-warning]")?.remove();
  const things = count === 1 ? "1 thing you saved has" : `${count} things you saved have`;
  const them = count === 1 ? "it" : "them";
  const { banner, content } = notificationBanner("alert", "Important", `${things} not been sent yet`);
  banner.dataset.signOutWarning = "";
  const said = element(
    "p",
    "govuk-body",
    `Choose what happens to ${them} before you sign out: nobody else who signs in on this phone sees ${them}. ` +
      "What you discard cannot be got back.",
  );
  const actions = element("div", "govuk-button-group");
  // One choice at a time: the buttons wait while it is carried out.
  const choice = (act) => async () => {
    for (const control of actions.children) control.disabled = true;
    try {
      await act();
    } finally {
      for (const control of actions.children) control.disabled = false;
    }
  };
  actions.append(
    button(
      "Wait and send them",
      "",
      choice(async () => {
        said.textContent = "Sending…";
        await sender.flush({ everything: true }).catch(() => "offline");
        const { entries: left } = await mine();
        if (!left.length) return signOut(form);
        said.textContent = notSent(left);
      }),
    ),
    button("Keep them for my next sign-in on this phone", "govuk-button--secondary", choice(() => signOut(form))),
    button("Discard them", "govuk-button--warning", choice(() => signOut(form, { discard: true }))),
  );
  const see = element("a", "govuk-notification-banner__link", "See what is not sent");
  see.href = "/outbox";
  const seeLine = element("p", "govuk-body");
  seeLine.append(see);
  content.append(said, actions, seeLine);
  document.querySelector("main").prepend(banner);
  banner.scrollIntoView();
}

async function redraw() {
  const { user, entries } = await mine();
  const sent = (await store.sent()).filter((line) => line.user === user);
  await showSent(entries, sent);
  showCount(entries);
  showRegisterCount(entries);
  // The outbox page's drawing is fetched on that page only (precached, so offline too).
  if (document.querySelector("[data-outbox-page]")) {
    const { showOutboxPage } = await import("./page.js");
    await showOutboxPage({ outbox: store, user, entries, sent, send: flush });
  }
}

// What the page shows of the outbox, drawn again after each change, one drawing at a time.
let drawn = Promise.resolve();
function refresh() {
  drawn = drawn.then(redraw).catch(() => {});
  return drawn;
}

// ---- When to send ---------------------------------------------------------------------------

let flushing = null;
let asked = null;

// One flush at a time from this page; asked for during one, another follows it, so that
// what was saved meanwhile does not wait for the timer.
function flush(options = {}) {
  if (flushing) {
    asked = { everything: Boolean(options.everything || (asked && asked.everything)) };
    return flushing;
  }
  flushing = sender
    .flush(options)
    .catch(() => "offline")
    .finally(() => {
      flushing = null;
      refresh();
      if (asked) {
        const next = asked;
        asked = null;
        flush(next);
      }
    });
  return flushing;
}

// What did not go while the person waited is tried again once its back-off is over.
function flushSoon() {
  if (navigator.onLine) flush();
}

store.onChange(refresh);
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-outbox-send]")) flush({ everything: true });
});
// Back in signal, or a new page: send at once, whatever the back-off said.
addEventListener("online", () => flush({ everything: true }));
addEventListener("offline", refresh);
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible") flush();
});
setInterval(() => flush(), FLUSH_EVERY_MS);

refresh();
openForChanges();
flush({ everything: true });
