// The outbox: forms that could not reach the server wait in IndexedDB on this phone and are
// sent later, one at a time, oldest first (docs/architecture.md, "The offline protocol").
// This part touches no page, so the service worker can send from it too when Background
// Sync wakes it with no page open. Pages use it through static/js/outbox.js.
(function (scope) {
  const DB_NAME = "ap-field";
  const DB_VERSION = 1;
  const ENTRIES = "outbox";
  const SENT = "sent";
  const SENT_SHOWN_FOR_MS = 7 * 24 * 60 * 60 * 1000;
  const FIRST_RETRY_MS = 5 * 1000;
  const LONGEST_WAIT_MS = 5 * 60 * 1000;
  const CHANNEL = "ap-field-outbox";
  const READ_ANSWER_UP_TO = 200 * 1000;

  // An entry waits in one of these states; only "saved" and "retrying" are sent by a flush.
  const WAITING = ["saved", "retrying"];

  let connection = null;
  const listeners = [];
  const channel = "BroadcastChannel" in scope ? new BroadcastChannel(CHANNEL) : null;
  if (channel) channel.onmessage = () => listeners.forEach((listener) => listener());

  function changed() {
    listeners.forEach((listener) => listener());
    if (channel) channel.postMessage("changed");
  }

  function open() {
    if (!connection) {
      connection = new Promise((resolve, reject) => {
        const request = scope.indexedDB.open(DB_NAME, DB_VERSION);
        request.onupgradeneeded = () => {
          const db = request.result;
          db.createObjectStore(ENTRIES, { keyPath: "op_id" }).createIndex("created_at", "created_at");
          db.createObjectStore(SENT, { keyPath: "op_id" });
        };
        request.onsuccess = () => {
          const db = request.result;
          // The browser may close the connection (iOS does under memory pressure), and a newer
          // page may need to upgrade it: either way the next use opens a new one.
          db.onclose = () => {
            connection = null;
          };
          db.onversionchange = () => {
            db.close();
            connection = null;
          };
          resolve(db);
        };
        request.onerror = () => {
          connection = null;
          reject(request.error);
        };
      });
    }
    return connection;
  }

  // One transaction: `work` issues its requests and returns a getter for the result, which is
  // read only once the transaction has completed, so "saved" means written to the disk.
  async function transaction(stores, mode, work) {
    let db = await open();
    let tx;
    try {
      tx = db.transaction(stores, mode, { durability: "strict" });
    } catch (error) {
      if (error.name !== "InvalidStateError") throw error;
      connection = null;
      db = await open();
      tx = db.transaction(stores, mode, { durability: "strict" });
    }
    const result = work(tx);
    return new Promise((resolve, reject) => {
      tx.oncomplete = () => resolve(result ? result() : undefined);
      tx.onabort = () => reject(tx.error || new Error("The phone's storage refused the change"));
    });
  }

  function readAll(tx, store, index) {
    const source = index ? tx.objectStore(store).index(index) : tx.objectStore(store);
    const request = source.getAll();
    return () => request.result;
  }

  async function add(entry) {
    await transaction([ENTRIES], "readwrite", (tx) => {
      tx.objectStore(ENTRIES).put(entry);
    });
    changed();
    return entry;
  }

  function entries() {
    return transaction([ENTRIES], "readonly", (tx) => readAll(tx, ENTRIES, "created_at"));
  }

  async function sent() {
    const all = await transaction([SENT], "readonly", (tx) => readAll(tx, SENT));
    return all.sort((a, b) => b.sent_at - a.sent_at);
  }

  function get(opId) {
    return transaction([ENTRIES], "readonly", (tx) => {
      const request = tx.objectStore(ENTRIES).get(opId);
      return () => request.result;
    });
  }

  async function update(opId, changes) {
    const updated = await transaction([ENTRIES], "readwrite", (tx) => {
      const store = tx.objectStore(ENTRIES);
      const request = store.get(opId);
      let entry;
      request.onsuccess = () => {
        if (!request.result) return;
        entry = { ...request.result, ...changes };
        store.put(entry);
      };
      return () => entry;
    });
    changed();
    return updated;
  }

  async function remove(opId) {
    await transaction([ENTRIES], "readwrite", (tx) => {
      tx.objectStore(ENTRIES).delete(opId);
    });
    changed();
  }

  // A delivered entry leaves the outbox; a line about it stays for a week so the outbox page
  // can say when it was sent.
  async function delivered(entry, location) {
    const now = Date.now();
    await transaction([ENTRIES, SENT], "readwrite", (tx) => {
      tx.objectStore(ENTRIES).delete(entry.op_id);
      const kept = tx.objectStore(SENT);
      kept.put({
        op_id: entry.op_id,
        user: entry.user,
        title: entry.title,
        caption: entry.caption,
        sent_at: now,
        location: location || null,
      });
      const old = kept.openCursor();
      old.onsuccess = () => {
        const cursor = old.result;
        if (!cursor) return;
        if (cursor.value.sent_at < now - SENT_SHOWN_FOR_MS) cursor.delete();
        cursor.continue();
      };
    });
    changed();
  }

  // Exponential back-off from 5 seconds, capped at 5 minutes, with jitter so that phones
  // coming back into signal together do not all call at once.
  function nextTry(attempts) {
    const wait = Math.min(LONGEST_WAIT_MS, FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1));
    return Date.now() + Math.round(wait * (0.5 + Math.random() * 0.5));
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

  // Sends one entry and records what became of it: "sent", "offline" (stop for now),
  // "signin" (stop until the user signs in) or "kept" (the entry waits; go on with the next).
  async function send(entry, token) {
    await update(entry.op_id, { state: "sending", attempts: (entry.attempts || 0) + 1 });
    let response;
    try {
      response = await fetch(entry.url, {
        method: "POST",
        body: bodyOf(entry, token),
        credentials: "same-origin",
        redirect: "manual",
        headers: { "Idempotency-Key": entry.op_id, "X-CSRFToken": token, "X-Outbox": "replay" },
      });
    } catch {
      await update(entry.op_id, {
        state: "retrying",
        next_at: nextTry((entry.attempts || 0) + 1),
        last_error: "No connection",
      });
      return "offline";
    }
    if (response.ok) {
      await delivered(entry, response.headers.get("Location"));
      return "sent";
    }
    if (response.status === 401) {
      await update(entry.op_id, { state: "signin", last_error: "Signed out" });
      return "signin";
    }
    if (response.status === 409) {
      await update(entry.op_id, {
        state: "conflict",
        answer: await answerText(response),
        status: 409,
        last_error: "Someone else changed this record",
      });
      return "kept";
    }
    if (response.status >= 500 || response.status === 429 || response.status === 408) {
      await update(entry.op_id, {
        state: "retrying",
        next_at: nextTry((entry.attempts || 0) + 1),
        status: response.status,
        last_error: `The server answered ${response.status}`,
      });
      return "kept";
    }
    await update(entry.op_id, {
      state: "attention",
      status: response.status,
      answer: response.type === "opaqueredirect" ? "" : await answerText(response),
      last_error: response.type === "opaqueredirect" ? "Unexpected answer" : `Refused (${response.status})`,
    });
    return "kept";
  }

  // A fresh CSRF token, and whose session it is: entries are only ever sent as the person
  // who saved them.
  async function session() {
    const response = await fetch("/sync/token", { credentials: "same-origin", cache: "no-store" });
    if (response.status === 401) return null;
    if (!response.ok) throw new Error(`The server answered ${response.status}`);
    return response.json();
  }

  async function sendWaiting(everything) {
    if (scope.navigator.onLine === false) return "offline";
    const all = await entries();
    const due = all.filter(
      (entry) =>
        (WAITING.includes(entry.state) || entry.state === "signin" || entry.state === "sending") &&
        (everything || !entry.next_at || entry.next_at <= Date.now()),
    );
    if (!due.length) return "nothing";
    let current;
    try {
      current = await session();
    } catch {
      return "offline";
    }
    if (current === null) {
      for (const entry of due.filter((entry) => entry.state !== "signin")) {
        await update(entry.op_id, { state: "signin", last_error: "Signed out" });
      }
      return "signin";
    }
    for (const entry of due.filter((entry) => entry.user === current.user)) {
      const outcome = await send(entry, current.csrf_token);
      if (outcome === "offline" || outcome === "signin") return outcome;
    }
    return "done";
  }

  // One flush at a time across every tab and the service worker.
  function flush({ everything = false } = {}) {
    if (scope.navigator.locks) {
      return scope.navigator.locks.request("ap-field-outbox", { ifAvailable: true }, (lock) =>
        lock ? sendWaiting(everything) : "busy",
      );
    }
    return sendWaiting(everything);
  }

  scope.apOutbox = {
    add,
    entries,
    sent,
    get,
    update,
    remove,
    flush,
    onChange: (listener) => listeners.push(listener),
    waiting: (entry) => !["attention", "conflict"].includes(entry.state),
  };
})(self);
