// Forms marked `data-outbox` keep working with no signal. A submission that cannot reach the
// server (offline, a network error, a 5xx, a signed-out session) is kept in the outbox on this
// phone (static/js/outbox-core.js) and sent later; the page says "Saved on this phone" only
// once the phone's storage has it. Every page shows how many things are waiting. The form
// hears "outbox:kept" once its submission is stored and "outbox:sent" once the server has it.
(function () {
  const outbox = self.apOutbox;
  const SENDING_TIMEOUT_MS = 30 * 1000;
  const FLUSH_EVERY_MS = 30 * 1000;
  const LAST_USER = "ap-field-user";
  const SAVED = "Saved on this phone, not sent yet";

  // ---- Who is using this phone ---------------------------------------------------------------

  function currentUser() {
    const meta = document.querySelector('meta[name="ap-user"]');
    if (meta && meta.content) {
      localStorage.setItem(LAST_USER, meta.content);
      return Number(meta.content);
    }
    // Signed out, or a copy of a page kept for offline use: the outbox stays the last
    // signed-in person's until they sign in again.
    const last = localStorage.getItem(LAST_USER);
    return last ? Number(last) : null;
  }

  // Whose outbox this page shows. Signed out, the last person's name on this phone can be
  // lost with the browser closed straight after (local storage reaches the disk in batches,
  // the outbox at once); the newest thing saved was then theirs.
  async function owner() {
    const user = currentUser();
    if (user !== null) return user;
    const newest = (await outbox.entries()).reduce(
      (latest, entry) => (!latest || entry.created_at > latest.created_at ? entry : latest),
      null,
    );
    return newest ? newest.user : null;
  }

  async function mine() {
    const user = await owner();
    return (await outbox.entries()).filter((entry) => entry.user === user);
  }

  function onIPhone() {
    const standalone =
      navigator.standalone === true || matchMedia("(display-mode: standalone)").matches;
    const iOS =
      /iPhone|iPad|iPod/.test(navigator.userAgent) ||
      (navigator.platform === "MacIntel" && navigator.maxTouchPoints > 1);
    return iOS && !standalone;
  }

  // ---- Small DOM builders (text only: nothing typed by a user is parsed as HTML) ---------------

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function button(text, className, onClick) {
    const node = element("button", `govuk-button ${className || ""}`.trim(), text);
    node.type = "button";
    node.addEventListener("click", onClick);
    return node;
  }

  function timeOf(milliseconds) {
    return new Date(milliseconds).toLocaleString("en-GB", {
      weekday: "short",
      day: "numeric",
      month: "short",
      hour: "2-digit",
      minute: "2-digit",
    });
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
      if (control.type === "file") {
        for (const file of control.files) summary.push([labelOf(form, control), file.name]);
        continue;
      }
      const values =
        control.tagName === "SELECT"
          ? [...control.selectedOptions].map((option) => option.value)
          : [control.value];
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

  function entryOf(form, submitter) {
    const data = new FormData(form);
    const heading = document.querySelector("main h1");
    const caption = document.querySelector("main .govuk-caption-l, main .govuk-caption-m");
    return {
      op_id: crypto.randomUUID(),
      user: currentUser(),
      url: form.action,
      page_url: location.pathname + location.search,
      client_uuid: data.get("client_uuid") || null,
      base_version: data.get("version") || null,
      title: form.dataset.outbox || (heading ? heading.textContent.trim() : document.title),
      caption: caption ? caption.textContent.trim() : "",
      summary: summaryOf(form, submitter),
      fields: fieldsOf(form, submitter),
      state: "saved",
      attempts: 0,
      next_at: 0,
      last_error: null,
      created_at: Date.now(),
    };
  }

  // ---- Keeping and sending ------------------------------------------------------------------

  function askToKeepStorage() {
    if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(() => {});
  }

  function wakeWhenOnline() {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.ready
      .then((registration) => registration.sync && registration.sync.register("ap-field-outbox"))
      .catch(() => {});
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

  async function keep(form, entry) {
    const older = (await outbox.entries()).filter((candidate) => supersedes(entry, candidate));
    await outbox.add(entry);
    for (const superseded of older) await outbox.remove(superseded.op_id);
    if (form.dataset.outboxReplaces) await outbox.remove(form.dataset.outboxReplaces);
    form.dispatchEvent(new CustomEvent("outbox:kept", { bubbles: true }));
    askToKeepStorage();
    wakeWhenOnline();
    showSaved(form, entry);
    if (navigator.onLine) flush();
  }

  function iPhoneHint() {
    return element(
      "p",
      "govuk-body",
      "On an iPhone, add ap-field to your Home Screen (Share, then Add to Home Screen) so that " +
        "Safari keeps what is saved on this phone.",
    );
  }

  // A GOV.UK notification banner: its title, its heading line, and the content after them.
  function notificationBanner(role, title, heading) {
    const banner = element("div", "govuk-notification-banner");
    banner.setAttribute("role", role);
    const header = element("div", "govuk-notification-banner__header");
    header.append(element("h2", "govuk-notification-banner__title", title));
    const content = element("div", "govuk-notification-banner__content");
    content.append(element("p", "govuk-notification-banner__heading", heading));
    banner.append(header, content);
    return { banner, content };
  }

  function showSaved(form, entry) {
    const signedOut = entry.state === "signin";
    if (form.hasAttribute("hx-post")) {
      form.parentElement.querySelector(":scope > [data-outbox-saved]")?.remove();
      const note = element("p", "govuk-inset-text", `${SAVED}.`);
      note.setAttribute("role", "status");
      note.dataset.outboxSaved = "";
      form.after(note);
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

  function resubmitNatively(form, submitter) {
    form.dataset.outboxNative = "";
    form.requestSubmit(submitter && submitter.form === form ? submitter : undefined);
  }

  async function freshToken() {
    const response = await fetch("/sync/token", { credentials: "same-origin", cache: "no-store" });
    return response.ok ? (await response.json()).csrf_token : null;
  }

  function post(entry, body) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), SENDING_TIMEOUT_MS);
    return fetch(entry.url, {
      method: "POST",
      body,
      credentials: "same-origin",
      redirect: "manual",
      signal: controller.signal,
      headers: { "Idempotency-Key": entry.op_id },
    }).finally(() => clearTimeout(timer));
  }

  // Online, a form is sent at once, with the key the outbox would use; if the answer never
  // arrives, the outbox sends it again with the same key and the server does not save it twice.
  async function sendOrKeep(form, submitter, entry) {
    const submit = submitter || form.querySelector('[type="submit"]');
    if (submit) submit.disabled = true;
    let response;
    try {
      const body = new FormData(form, submitter);
      response = await post(entry, body);
      if (response.status === 400) {
        // The page's form token has expired (a copy kept for offline use, or a long wait).
        const token = await freshToken();
        if (token) {
          body.set("csrf_token", token);
          response = await post(entry, body);
        }
      }
    } catch {
      response = null;
    } finally {
      if (submit) submit.disabled = false;
    }
    const saved = response && response.ok && response.headers.get("Content-Type") === "application/json";
    if (saved) {
      if (form.dataset.outboxReplaces) await outbox.remove(form.dataset.outboxReplaces);
      form.dispatchEvent(new CustomEvent("outbox:sent", { bubbles: true }));
      location.assign(response.headers.get("Location") || location.href);
      return;
    }
    if (response && response.status === 401) {
      await keep(form, { ...entry, state: "signin", last_error: "Signed out" });
      return;
    }
    const serverTrouble = !response || response.status >= 500 || response.status === 429;
    if (serverTrouble) {
      await keep(form, entry);
      return;
    }
    // Refused (a mistake in the form, someone else's change, too big): the server's own page
    // says what to do, with the answers kept. A refused form answers its page with 200.
    resubmitNatively(form, submitter);
  }

  document.addEventListener(
    "submit",
    (event) => {
      const form = event.target;
      if (!form.matches("form[data-outbox]")) return;
      if ("outboxNative" in form.dataset) {
        delete form.dataset.outboxNative;
        return;
      }
      const online = navigator.onLine;
      // htmx sends its own forms while there is a signal; it hands them over if that fails.
      if (form.hasAttribute("hx-post") && online) return;
      event.preventDefault();
      event.stopImmediatePropagation();
      const entry = entryOf(form, event.submitter);
      if (online) sendOrKeep(form, event.submitter, entry);
      else keep(form, entry);
    },
    true,
  );

  function keepFromHtmx(event) {
    const form = event.detail.elt.closest("form[data-outbox]");
    if (!form) return;
    const trigger = event.detail.requestConfig && event.detail.requestConfig.triggeringEvent;
    keep(form, entryOf(form, trigger && trigger.submitter));
  }

  document.addEventListener("htmx:sendError", keepFromHtmx);
  document.addEventListener("htmx:responseError", (event) => {
    if (event.detail.xhr.status >= 500) keepFromHtmx(event);
  });

  // ---- Changing an entry that needs attention --------------------------------------------------

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
    const entry = await outbox.get(opId);
    const path = entry && new URL(entry.url).pathname;
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

  // ---- What every page shows ----------------------------------------------------------------

  async function showCount() {
    const badge = document.querySelector("[data-outbox-badge]");
    if (!badge) return;
    const waiting = await mine();
    badge.querySelector("[data-outbox-count]").textContent = String(waiting.length);
    badge.hidden = waiting.length === 0;
  }

  // Signing out with unsent items: they stay on this phone and go once the same person signs
  // in again, but without signal they cannot go anywhere, so say so first.
  document.addEventListener(
    "submit",
    async (event) => {
      const form = event.target;
      if (!form.matches("form[data-sign-out]") || "confirmed" in form.dataset) return;
      event.preventDefault();
      event.stopImmediatePropagation();
      const waiting = await mine();
      if (!waiting.length) {
        form.dataset.confirmed = "";
        form.requestSubmit();
        return;
      }
      showSignOutWarning(form, waiting.length);
    },
    true,
  );

  function showSignOutWarning(form, count) {
    document.querySelector("[data-sign-out-warning]")?.remove();
    const things = count === 1 ? "1 thing you saved has" : `${count} things you saved have`;
    const { banner: warning, content } = notificationBanner(
      "alert",
      "Important",
      `${things} not been sent yet`,
    );
    warning.dataset.signOutWarning = "";
    content.append(
      element(
        "p",
        "govuk-body",
        "They stay on this phone and are sent when you sign in here again. " +
          "Send them first if you can.",
      ),
    );
    const actions = element("div", "govuk-button-group");
    const see = element("a", "govuk-button", "See what is not sent");
    see.href = "/outbox";
    actions.append(
      see,
      button("Sign out anyway", "govuk-button--warning", () => {
        form.dataset.confirmed = "";
        form.requestSubmit();
      }),
    );
    content.append(actions);
    document.querySelector("main").prepend(warning);
    warning.scrollIntoView();
  }

  // ---- The outbox page ----------------------------------------------------------------------

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
        await outbox.remove(entry.op_id);
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
        await outbox.update(entry.op_id, { state: "saved", next_at: 0, last_error: null });
        flush({ everything: true });
      }),
      button("Delete", "govuk-button--warning", () => confirmDelete(item, entry)),
    );
    item.append(actions);
    return item;
  }

  // The user's choice becomes a new entry, written before the old one is removed so that
  // leaving the page half-way loses nothing.
  async function requeue(entry, changes) {
    await outbox.add({
      ...entry,
      ...changes,
      op_id: crypto.randomUUID(),
      state: "saved",
      attempts: 0,
      next_at: 0,
      answer: null,
      last_error: null,
    });
    await outbox.remove(entry.op_id);
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
          await outbox.remove(entry.op_id);
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

  async function showOutboxPage() {
    const page = document.querySelector("[data-outbox-page]");
    if (!page) return;
    const entries = await mine();
    const user = await owner();
    const sent = (await outbox.sent()).filter((line) => line.user === user);
    const waiting = entries.filter((entry) => outbox.waiting(entry));
    fillSection("waiting", waiting, waitingCard);
    fillSection("conflict", entries.filter((entry) => entry.state === "conflict"), conflictCard);
    fillSection("attention", entries.filter((entry) => entry.state === "attention"), attentionCard);
    fillSection("sent", sent, sentCard);
    page.querySelector("[data-outbox-empty]").hidden = entries.length > 0;
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
    flushing = outbox
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

  function refresh() {
    showCount();
    showOutboxPage();
  }

  outbox.onChange(refresh);
  document.addEventListener("click", (event) => {
    if (event.target.closest("[data-outbox-send]")) flush({ everything: true });
  });
  addEventListener("online", () => flush());
  addEventListener("offline", refresh);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") flush();
  });
  setInterval(() => flush(), FLUSH_EVERY_MS);

  refresh();
  openForChanges();
  flush();
})();
