// The outbox's storage: each write waits in IndexedDB on this phone, with its Idempotency-Key
// (op_id), until the server has given it a final answer (docs/architecture.md, "The offline
// protocol"). Used by the pages and by the service worker, so it touches no page.

const DB_NAME = "ap-field";
const DB_VERSION = 1;
const ENTRIES = "outbox";
const SENT = "sent";
const SENT_SHOWN_FOR_MS = 7 * 24 * 60 * 60 * 1000;
const CHANNEL = "ap-field-outbox";

let connection = null;
const listeners = [];
const channel = "BroadcastChannel" in self ? new BroadcastChannel(CHANNEL) : null;
if (channel) channel.onmessage = () => listeners.forEach((listener) => listener());

/** Calls `listener` whenever the outbox changes, here or in another tab or the worker. */
export function onChange(listener) {
  listeners.push(listener);
}

function changed() {
  listeners.forEach((listener) => listener());
  if (channel) channel.postMessage("changed");
}

function open() {
  if (!connection) {
    connection = new Promise((resolve, reject) => {
      const request = self.indexedDB.open(DB_NAME, DB_VERSION);
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

/** Writes `entry`, and removes the entries it replaces, in one transaction. */
export async function add(entry, replaces = []) {
  await transaction([ENTRIES], "readwrite", (tx) => {
    const store = tx.objectStore(ENTRIES);
    store.put(entry);
    for (const opId of replaces) store.delete(opId);
  });
  changed();
  return entry;
}

/** Every entry, oldest first. */
export function entries() {
  return transaction([ENTRIES], "readonly", (tx) => readAll(tx, ENTRIES, "created_at"));
}

/** The lines about what was sent in the last week, newest first. */
export async function sent() {
  const all = await transaction([SENT], "readonly", (tx) => readAll(tx, SENT));
  return all.sort((a, b) => b.sent_at - a.sent_at);
}

export function get(opId) {
  return transaction([ENTRIES], "readonly", (tx) => {
    const request = tx.objectStore(ENTRIES).get(opId);
    return () => request.result;
  });
}

/** Changes an entry still in the outbox; one already gone stays gone. */
export async function update(opId, changes) {
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

export async function remove(opId) {
  await transaction([ENTRIES], "readwrite", (tx) => {
    tx.objectStore(ENTRIES).delete(opId);
  });
  changed();
}

/** A delivered entry leaves the outbox; a line about it stays for a week so the outbox page
 * can say when it was sent. A line about safeguarding text does not say whom it was about. */
export async function delivered(entry, location) {
  const now = Date.now();
  await transaction([ENTRIES, SENT], "readwrite", (tx) => {
    tx.objectStore(ENTRIES).delete(entry.op_id);
    const kept = tx.objectStore(SENT);
    kept.put({
      op_id: entry.op_id,
      user: entry.user,
      title: entry.title,
      caption: entry.sensitive ? "" : entry.caption,
      sent_at: now,
      location: location || null,
    });
    eachIn(kept, (cursor) => {
      if (cursor.value.sent_at < now - SENT_SHOWN_FOR_MS) cursor.delete();
    });
  });
  changed();
}

function eachIn(store, visit) {
  const request = store.openCursor();
  request.onsuccess = () => {
    const cursor = request.result;
    if (!cursor) return;
    visit(cursor);
    cursor.continue();
  };
}

/** The person signs out of this phone, which someone else may use next. The lines about
 * what they sent go; what they saved and did not send is discarded, or else set aside until
 * they sign in here again (`set_aside`: when, and the `session` they signed out of), shown to
 * nobody meanwhile. One transaction, on the disk before the sign-out is sent. */
export async function signedOut(user, session, { discard = false } = {}) {
  const setAside = { session, at: Date.now() };
  await transaction([ENTRIES, SENT], "readwrite", (tx) => {
    eachIn(tx.objectStore(ENTRIES), (cursor) => {
      if (cursor.value.user !== user) return;
      if (discard) cursor.delete();
      else cursor.update({ ...cursor.value, set_aside: setAside });
    });
    eachIn(tx.objectStore(SENT), (cursor) => {
      if (cursor.value.user === user) cursor.delete();
    });
  });
  changed();
}

/** The person is signed in here again, in a session other than the one they signed out of:
 * what they set aside is theirs to see again. */
export async function signedIn(user, session) {
  await transaction([ENTRIES], "readwrite", (tx) => {
    eachIn(tx.objectStore(ENTRIES), (cursor) => {
      if (cursor.value.user === user && cursor.value.set_aside && cursor.value.set_aside.session !== session) {
        cursor.update({ ...cursor.value, set_aside: null });
      }
    });
  });
  changed();
}

/** Still to be sent, as opposed to waiting for the person to choose what to do with it. */
export function waiting(entry) {
  return !["attention", "conflict"].includes(entry.state);
}
