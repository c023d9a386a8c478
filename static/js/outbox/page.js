// The outbox page (/outbox): what this phone holds that the server does not have yet, what
// needs the person's choice, and what went in the last week, of one person: whoever is signed
// in (static/js/outbox/interface.js says who). The page itself holds nothing; it is filled
// from the phone's storage, so it works with no signal and signed out.
import { button, element, onIPhone, timeOf } from "./dom.js";

// The outbox's store (./store.js) as the page's outbox opened it, passed in by
// showOutboxPage: this module is loaded on its own (build/page.js), and a copy of the store
// of its own would be a second connection that the page's outbox does not hear.
let store = null;

const STATES = {
  saved: "Saved on this phone",
  sending: "Sending",
  retrying: "Saved on this phone",
  signin: "Waiting for you to sign in",
};

function summaryList(entry) {
  const details = element("details", "govuk-details govuk-!-margin-bottom-2");
  details.append(element("summary", "govuk-details__summary", "What it says"));
  const list = element("dl", "govuk-summary-list govuk-details__text");
  for (const [label, value] of entry.summary || []) {
    const row = element("div", "govuk-summary-list__row");
    row.append(element("dt", "govuk-summary-list__key", label), element("dd", "govuk-summary-list__value", value));
    list.append(row);
  }
  details.append(list);
  return details;
}

function card(entry) {
  const item = element("li", "app-card");
  item.dataset.outboxEntry = entry.op_id;
  item.append(element("h3", "app-card__title", entry.title));
  if (entry.caption) item.append(element("p", "app-card__meta", entry.caption));
  return item;
}

function waitingCard(entry) {
  const item = card(entry);
  let state = STATES[entry.state] || entry.state;
  if (entry.state === "retrying" && entry.next_at) {
    state += `: ${entry.last_error}. Trying again from ${timeOf(entry.next_at)}`;
  }
  item.append(
    element("p", "govuk-body-s", `${state}. Saved ${timeOf(entry.created_at)}.`),
    summaryList(entry),
  );
  return item;
}

// The server's answer is one of our own pages; only its text is shown.
function problemsIn(answer) {
  const page = new DOMParser().parseFromString(answer || "", "text/html");
  const listed = [...page.querySelectorAll(".govuk-error-summary__list li, .govuk-error-message")]
    .map((node) => node.textContent.replace(/^\s*Error:\s*/, "").trim())
    .filter(Boolean);
  if (listed.length) return [...new Set(listed)];
  const heading = page.querySelector("main h1");
  return [heading ? heading.textContent.trim() : "The server refused it."];
}

function confirmDelete(item, entry) {
  const actions = item.querySelector(".govuk-button-group");
  const question = element("div", "govuk-warning-text");
  question.append(
    element("strong", "govuk-warning-text__text", "Delete it from this phone? It has not been sent and cannot be got back."),
  );
  const answers = element("div", "govuk-button-group");
  answers.append(
    button("Yes, delete it", "govuk-button--warning", async () => {
      await store.remove(entry.op_id);
    }),
    button("No, keep it", "govuk-button--secondary", () => {
      question.remove();
      answers.remove();
      actions.hidden = false;
    }),
  );
  actions.hidden = true;
  item.append(question, answers);
}

function attentionCard(entry) {
  const item = card(entry);
  const problems = element("ul", "govuk-list govuk-error-message");
  for (const problem of problemsIn(entry.answer)) problems.append(element("li", "", problem));
  item.append(
    element("p", "govuk-body-s", `Not sent: ${entry.last_error}. Saved ${timeOf(entry.created_at)}.`),
    problems,
    summaryList(entry),
  );
  const actions = element("div", "govuk-button-group");
  const change = element("a", "govuk-button govuk-button--secondary", "Change it");
  const page = new URL(entry.page_url, location.origin);
  page.searchParams.set("outbox", entry.op_id);
  change.href = page.pathname + page.search;
  actions.append(
    change,
    button("Send again", "govuk-button--secondary", async () => {
      await store.update(entry.op_id, { state: "saved", next_at: 0, last_error: null });
      flush({ everything: true });
    }),
    button("Delete", "govuk-button--warning", () => confirmDelete(item, entry)),
  );
  item.append(actions);
  return item;
}

// The person's choice becomes a new entry, with a new key, in place of the old one.
async function requeue(entry, changes) {
  const chosen = {
    ...entry,
    ...changes,
    op_id: crypto.randomUUID(),
    state: "saved",
    attempts: 0,
    next_at: 0,
    answer: null,
    last_error: null,
  };
  await store.add(chosen, [entry.op_id]);
  flush({ everything: true });
}

// Someone else saved the record after this phone's copy was opened: the server's 409 page
// holds both versions; the choice is made here.
function conflictCard(entry) {
  const item = card(entry);
  const page = new DOMParser().parseFromString(entry.answer || "", "text/html");
  const table = page.querySelector("main table");
  const theirs = page.querySelector("[data-keep-theirs]");
  const saveMine = page.querySelector("form[data-keep-mine]");
  const both = page.querySelector("form[data-keep-both]");
  item.append(
    element(
      "p",
      "govuk-body",
      "Someone else changed this after you opened it. Nothing of yours is saved on the server yet.",
    ),
  );
  if (table) item.append(document.importNode(table, true));
  const actions = element("div", "govuk-button-group");
  if (saveMine) {
    actions.append(
      button("Keep mine", "", async () => {
        const version = saveMine.querySelector('input[name="version"]').value;
        const fields = entry.fields.map(([name, value, filename]) =>
          name === "version" ? [name, version] : [name, value, filename],
        );
        await requeue(entry, { fields });
      }),
    );
  }
  if (theirs) {
    actions.append(
      button("Keep theirs", "govuk-button--secondary", async () => {
        await store.remove(entry.op_id);
        location.assign(theirs.getAttribute("href"));
      }),
    );
  }
  if (both) {
    actions.append(
      button("Keep both", "govuk-button--secondary", async () => {
        const fields = entry.fields
          .filter(([name]) => name !== "version")
          .map(([name, value, filename]) => (name === "client_uuid" ? [name, crypto.randomUUID()] : [name, value, filename]));
        if (!fields.some(([name]) => name === "client_uuid")) fields.push(["client_uuid", crypto.randomUUID()]);
        await requeue(entry, { fields, url: new URL(both.getAttribute("action"), location.origin).href });
      }),
    );
  }
  item.append(actions);
  return item;
}

function sentCard(line) {
  const item = element("li", "app-card");
  const title = element("h3", "app-card__title");
  if (line.location) {
    const link = element("a", "govuk-link", line.title);
    link.href = line.location;
    title.append(link);
  } else {
    title.textContent = line.title;
  }
  item.append(title);
  if (line.caption) item.append(element("p", "app-card__meta", line.caption));
  item.append(element("p", "govuk-body-s", `Sent ${timeOf(line.sent_at)}`));
  return item;
}

function fillSection(name, entries, render) {
  const section = document.querySelector(`[data-outbox-section="${name}"]`);
  const list = section.querySelector("ul");
  list.replaceChildren(...entries.map(render));
  section.hidden = entries.length === 0;
}

let flush = () => {};

/** Fills the outbox page (the caller loads this module there only, with its `outbox`, the
 * store module) with `entries` and `sent`, those of `user`, the
 * person whose outbox it is (null when nobody is: signed out here, the phone is no one's);
 * `send` sends the outbox, for the page's buttons. */
export async function showOutboxPage({ outbox, user, entries, sent, send }) {
  const page = document.querySelector("[data-outbox-page]");
  store = outbox;
  flush = send;
  const waiting = entries.filter((entry) => store.waiting(entry));
  fillSection("waiting", waiting, waitingCard);
  fillSection("conflict", entries.filter((entry) => entry.state === "conflict"), conflictCard);
  fillSection("attention", entries.filter((entry) => entry.state === "attention"), attentionCard);
  fillSection("sent", sent, sentCard);
  page.querySelector("[data-outbox-nobody]").hidden = user !== null;
  page.querySelector("[data-outbox-empty]").hidden = user === null || entries.length > 0;
  page.querySelector("[data-outbox-signin]").hidden = !entries.some((entry) => entry.state === "signin");
  page.querySelector("[data-outbox-send]").hidden = waiting.length === 0;
  page.querySelector("[data-outbox-connection]").textContent = navigator.onLine
    ? "This phone has a connection."
    : "This phone has no connection. What is saved here is sent when the signal comes back.";
  const storage = page.querySelector("[data-outbox-storage]");
  const kept = navigator.storage && navigator.storage.persisted ? await navigator.storage.persisted() : false;
  storage.textContent = kept
    ? "This phone keeps what is saved here even when it is short of space."
    : "This phone may clear what is saved here when it is short of space. Send it as soon as you can.";
  page.querySelector("[data-iphone-hint]").hidden = !onIPhone();
}

