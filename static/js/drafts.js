// Drafts of long forms: a form marked `data-draft="<key>"` keeps what the user types on this
// phone, and offers it back after a reload or a crash. Sending the form removes the draft.
//
// Drafts live in localStorage, not IndexedDB: a write to localStorage is synchronous, so the
// draft is on disk before `pagehide` returns or the tab dies mid-typing, where an IndexedDB
// transaction may still be pending. A draft is text only (files are never kept), so its size
// suits localStorage.
(() => {
  const user = document.querySelector('meta[name="ap-user"]')?.content;
  if (!user) return;

  const SAVE_AFTER_MS = 500;
  const NEVER_KEPT = new Set(["csrf_token"]);
  const CLOCK = { hour: "2-digit", minute: "2-digit", timeZone: "Europe/London" };
  const DAY = { day: "numeric", month: "long", timeZone: "Europe/London" };

  // The user's id is part of the key, so a draft is only ever offered to whoever typed it,
  // and signing out removes all of theirs (static/js/outbox/interface.js, "Signing out"):
  // the next person on a shared phone finds none.
  const storageKey = (form) => `ap-field.draft.${user}.${form.dataset.draft}`;

  function read(form) {
    try {
      return JSON.parse(localStorage.getItem(storageKey(form)));
    } catch {
      return null;
    }
  }

  // Once the person signs out, nothing more is kept, not even what leaving the page would
  // save: the sign-out removes their drafts just before the form goes.
  let signingOut = false;
  document.addEventListener("submit", (event) => {
    if (event.target.matches("form[data-sign-out]")) signingOut = true;
  });

  /** The draft keeps the form as it was sent (`base`) beside what it is now (`fields`). */
  function write(form, base) {
    if (signingOut) return;
    const draft = { saved_at: new Date().toISOString(), base, fields: fieldsOf(form) };
    try {
      localStorage.setItem(storageKey(form), JSON.stringify(draft));
    } catch {
      // Storage full or refused (private browsing): the form still works, without a draft.
    }
  }

  function remove(form) {
    try {
      localStorage.removeItem(storageKey(form));
    } catch {
      // Storage refused: there is no draft to remove.
    }
  }

  // Safeguarding text is never kept on the phone: a field marked `data-sensitive` stays
  // out of every draft, and is typed again if the page is lost.
  function sensitive(form) {
    return new Set([...form.querySelectorAll("[data-sensitive]")].map((field) => field.name));
  }

  /** Every field as [name, value] in page order; files, the CSRF token and sensitive text are
   * never kept. */
  function fieldsOf(form) {
    const left = sensitive(form);
    return [...new FormData(form)].filter(
      ([name, value]) => typeof value === "string" && !NEVER_KEPT.has(name) && !left.has(name),
    );
  }

  function hiddenNames(form) {
    return new Set(
      [...form.elements].filter((element) => element.type === "hidden").map((e) => e.name),
    );
  }

  /** What the user typed: the hidden fields say which record and version, not what was typed. */
  function typed(form, fields) {
    const hidden = hiddenNames(form);
    return JSON.stringify(fields.filter(([name]) => !hidden.has(name)));
  }

  function valueOf(fields, name) {
    return fields.find(([field]) => field === name)?.[1] ?? "";
  }

  function byName(fields) {
    const values = new Map();
    for (const [name, value] of fields) values.set(name, [...(values.get(name) ?? []), value]);
    return values;
  }

  /** The names of the fields the user changed in the draft. */
  function changedIn(draft) {
    const before = byName(draft.base ?? []);
    return new Set(
      [...byName(draft.fields)]
        .filter(([name, values]) => JSON.stringify(values) !== JSON.stringify(before.get(name)))
        .map(([name]) => name),
    );
  }

  // A create form carries a client_uuid and no version (docs/architecture.md, "The offline
  // protocol"). Its draft keeps the client_uuid the form first had, so a note that was in fact
  // sent is recognised as a replay.
  function isCreate(form) {
    return Boolean(form.elements.client_uuid?.value) && !form.elements.version?.value;
  }

  /** Fills the form from the draft. A new record takes the whole draft; an existing one
   * only the fields the user changed, so a change someone else saved since to another
   * field is not undone. A field the draft does not have is left as it is. */
  function restore(form, draft) {
    const queues = byName(draft.fields);
    const create = isCreate(form);
    const edited = changedIn(draft);
    for (const element of form.elements) {
      const values = queues.get(element.name);
      if (!element.name || NEVER_KEPT.has(element.name) || element.type === "file") continue;
      if (!create && !edited.has(element.name)) continue;
      if (element.type === "hidden") {
        if (create && element.name === "client_uuid" && values) element.value = values[0];
      } else if (element.type === "checkbox" || element.type === "radio") {
        element.checked = Boolean(values?.includes(element.value));
      } else if (element.type === "select-multiple") {
        for (const option of element.options) {
          option.selected = Boolean(values?.includes(option.value));
        }
      } else if (values?.length) {
        element.value = values.shift();
      }
    }
  }

  function when(iso) {
    const saved = new Date(iso);
    const time = saved.toLocaleTimeString("en-GB", CLOCK);
    const day = saved.toLocaleDateString("en-GB", DAY);
    return day === new Date().toLocaleDateString("en-GB", DAY) ? time : `${time} on ${day}`;
  }

  function element(tag, className, text) {
    const made = document.createElement(tag);
    made.className = className;
    if (text) made.textContent = text;
    return made;
  }

  function button(text, secondary) {
    const made = element("button", `govuk-button${secondary ? " govuk-button--secondary" : ""}`);
    made.type = "button";
    made.textContent = text;
    return made;
  }

  /** The GOV.UK notification banner offering the draft, above the form. */
  function offer(form, draft, onUse, onDiscard) {
    const id = `draft-title-${form.dataset.draft}`;
    const banner = element("div", "govuk-notification-banner");
    banner.setAttribute("role", "region");
    banner.setAttribute("aria-labelledby", id);
    banner.tabIndex = -1;
    const header = element("div", "govuk-notification-banner__header");
    const title = element("h2", "govuk-notification-banner__title", "Important");
    title.id = id;
    header.append(title);
    const content = element("div", "govuk-notification-banner__content");
    const heading = element(
      "p",
      "govuk-notification-banner__heading",
      "You have a draft of this form saved on this phone at ",
    );
    const time = element("time", "", when(draft.saved_at));
    time.dateTime = draft.saved_at;
    heading.append(time);
    content.append(heading);
    const version = form.elements.version?.value;
    if (version && valueOf(draft.fields, "version") !== version) {
      content.append(
        element(
          "p",
          "govuk-body",
          "This record has been changed since then. Check the form before you save it.",
        ),
      );
    }
    const use = button("Use my draft", false);
    const discard = button("Discard draft", true);
    const buttons = element("div", "govuk-button-group");
    buttons.append(use, discard);
    content.append(buttons);
    banner.append(header, content);
    form.before(banner);

    const settle = (message) => {
      content.replaceChildren(element("p", "govuk-notification-banner__heading", message));
      banner.focus();
    };
    use.addEventListener("click", () => {
      onUse();
      settle("Your draft is back in the form.");
    });
    discard.addEventListener("click", () => {
      onDiscard();
      settle("Your draft is discarded.");
    });
  }

  function keep(form) {
    const saved = read(form);
    const base = fieldsOf(form);
    // Only the user's own changes make a draft; opening a form and leaving makes none.
    let changed = false;
    let timer;

    const save = () => {
      clearTimeout(timer);
      if (changed) write(form, base);
    };
    const typing = () => {
      changed = true;
      clearTimeout(timer);
      timer = setTimeout(save, SAVE_AFTER_MS);
    };
    form.addEventListener("input", typing);
    form.addEventListener("change", typing);
    window.addEventListener("pagehide", save);
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "hidden") save();
    });
    // Handed to the outbox (static/js/outbox/interface.js), which keeps it from then on.
    const submitted = () => {
      clearTimeout(timer);
      changed = false;
      remove(form);
    };
    form.addEventListener("outbox:kept", submitted);
    form.addEventListener("outbox:sent", submitted);
    // Sent back with mistakes to correct: the draft keeps it while the person corrects it.
    form.addEventListener("outbox:refused", () => write(form, base));

    // A draft the form already shows (the form sent back to correct) is kept, not offered.
    if (!saved?.fields || typed(form, saved.fields) === typed(form, base)) return;
    offer(
      form,
      saved,
      () => restore(form, saved),
      // What was typed since the page opened replaces the discarded draft.
      () => (changed ? write(form, base) : remove(form)),
    );
  }

  // The forms of the page, and those a page swaps in later (a form sent back to correct).
  function keepEach(root) {
    const forms = root.matches("form[data-draft]") ? [root] : root.querySelectorAll("form[data-draft]");
    for (const form of forms) {
      if ("draftKept" in form.dataset) continue;
      form.dataset.draftKept = "";
      keep(form);
    }
  }

  keepEach(document.body);
  htmx.onLoad(keepEach);
})();
