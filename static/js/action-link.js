// The page of the link an action's owner is mailed ([data-action-link]): they have no account,
// so no outbox, and may have no signal where the work was done. What they send is kept on this
// phone, in IndexedDB under the link's address, until the server has it: sent again when the
// phone is back online, every few seconds while the page is open, and when the link is opened
// again. The link takes one photo and note, so a second send of the same changes nothing.
const DB_NAME = "ap-field-action-links";
const STORE = "waiting";
const RETRY_MS = 5000;

function database() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function stored(mode, use) {
  const db = await database();
  return new Promise((resolve, reject) => {
    const transaction = db.transaction(STORE, mode);
    const request = use(transaction.objectStore(STORE));
    transaction.oncomplete = () => resolve(request.result);
    transaction.onerror = () => reject(transaction.error);
  });
}

const address = () => location.origin + location.pathname;
const keep = (entry) => stored("readwrite", (store) => store.put(entry, address()));
const waiting = () => stored("readonly", (store) => store.get(address()));
const forget = () => stored("readwrite", (store) => store.delete(address()));

function entryOf(form) {
  const photo = form.querySelector("[data-photo-input]").files[0] || null;
  return {
    note: form.querySelector('[name="note"]').value,
    photoUuid: form.querySelector("[data-photo-uuid]").value,
    photo,
    photoName: photo ? photo.name : "",
  };
}

/** The server's answer: "taken" (it redirects to the link's own page), "refused", or null
 * when it could not be reached. */
async function send(form, entry) {
  const body = new FormData();
  body.append("csrf_token", form.querySelector('[name="csrf_token"]').value);
  body.append("photo_uuid", entry.photoUuid);
  body.append("note", entry.note);
  if (entry.photo) body.append("photo", entry.photo, entry.photoName);
  try {
    const response = await fetch(address(), { method: "POST", body, redirect: "manual" });
    return response.type === "opaqueredirect" ? "taken" : "refused";
  } catch {
    return null;
  }
}

let sending = false;

/** Sends what waits on this phone. Taken, the page is opened afresh to say so; refused (a
 * photo the server cannot read), the note comes back into the form to send again. */
async function sendWaiting(form) {
  if (sending) return;
  const entry = await waiting();
  if (!entry) return;
  document.querySelector("[data-link-waiting]").hidden = false;
  sending = true;
  const answer = await send(form, entry);
  sending = false;
  if (answer === null) return;
  await forget();
  if (answer === "taken") {
    location.assign(address());
    return;
  }
  document.querySelector("[data-link-waiting]").hidden = true;
  document.querySelector("[data-link-refused]").hidden = false;
  form.querySelector('[name="note"]').value = entry.note;
}

function start(form) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const entry = entryOf(form);
    const answer = await send(form, entry);
    if (answer === "taken") {
      location.assign(address());
    } else if (answer === "refused") {
      // The server says what to correct on the page it answers a normal send with.
      form.submit();
    } else {
      await keep(entry);
      document.querySelector("[data-link-waiting]").hidden = false;
    }
  });
  addEventListener("online", () => sendWaiting(form));
  setInterval(() => sendWaiting(form), RETRY_MS);
  sendWaiting(form);
}

const linkForm = document.querySelector("[data-action-link]");
if (linkForm) start(linkForm);
