// ap-field's service worker, served from /sw.js so that its scope is the whole app, and run
// as a module (static/js/app.js registers it so).
// Each feature keeps to its own section. The server writes VERSION, OFFLINE_URL, OUTBOX_URL,
// SUBSCRIBE_URL, OUTBOX_TIMEOUT and PRECACHE above this file (ap_field/pwa/services.py).

// ---- Push reminders ----------------------------------------------------------------
// A reminder carries no names: a title, a line of text, an opaque id and the page to open.

function showReminder(event) {
  let message;
  try {
    message = event.data ? event.data.json() : {};
  } catch {
    message = {};
  }
  return self.registration.showNotification(message.title || "ap-field reminder", {
    body: message.body || "Open ap-field to see what is due.",
    tag: message.tag || undefined,
    icon: "/static/icons/icon-192.png",
    data: { url: message.url || "/", id: message.id },
  });
}

// Only ever a page of ap-field itself, whatever the message says.
function targetOf(notification) {
  const target = new URL((notification.data && notification.data.url) || "/", self.location.origin);
  return target.origin === self.location.origin ? target.href : new URL("/", self.location.origin).href;
}

async function openReminder(notification) {
  const target = targetOf(notification);
  const open = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  const same = open.find((client) => client.url === target);
  if (same) {
    return same.focus();
  }
  return self.clients.openWindow(target);
}

self.addEventListener("push", (event) => {
  event.waitUntil(showReminder(event));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  event.waitUntil(openReminder(event.notification));
});

// A push service may renew a subscription, or end it for the browser to make another. The
// worker subscribes again with the same server key, and tells the server, as whoever is
// signed in (a CSRF token from /sync/token, as the outbox gets one), which endpoint the new
// one replaces: the server moves this phone's row to it, if the row is that person's, so
// reminders go on and none go to the old endpoint. Signed out or without signal, the server
// is told by the next page that starts (static/js/app.js).

function renewedSubscription(event) {
  if (event.newSubscription) return event.newSubscription;
  const old = event.oldSubscription;
  const key = old && old.options && old.options.applicationServerKey;
  const { pushManager } = self.registration;
  return key ? pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key }) : pushManager.getSubscription();
}

async function subscribeAgain(event) {
  const renewed = await renewedSubscription(event);
  const current = renewed && (await session());
  if (!current) return;
  const old = event.oldSubscription;
  await request(SUBSCRIBE_URL, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-CSRFToken": current.csrf_token },
    body: JSON.stringify({ ...renewed.toJSON(), replaces: old ? old.endpoint : null }),
  });
}

self.addEventListener("pushsubscriptionchange", (event) => {
  event.waitUntil(subscribeAgain(event));
});

// ---- Outbox ------------------------------------------------------------------------------
// Where the browser has Background Sync, it wakes the worker when the signal comes back, even
// with no page of ap-field open, and the worker sends what the pages saved in the outbox
// (static/js/outbox/sender.js, built with the store it uses as the pages' outbox is, by
// `make assets`). Elsewhere the pages send it themselves.
import { configure, flush, request, session } from "/static/build/outbox/sender.js";

configure({ timeout: OUTBOX_TIMEOUT * 1000 });

async function sendSaved() {
  if ((await flush()) === "offline") {
    // Rejecting asks the browser to try again later.
    throw new Error("No connection yet");
  }
}

self.addEventListener("sync", (event) => {
  if (event.tag === "ap-field-outbox") {
    event.waitUntil(sendSaved());
  }
});

// ---- Offline pages ----------------------------------------------------------------------
// Static files come from the cache of this version (their URLs carry a hash of their bytes).
// Pages come from the network; without one, from the copy the user kept on this phone, or
// else the offline page. Form posts are left alone: the outbox in the page keeps them.
// Kept pages live in "pages-<session tag>" caches; a page of another session deletes them
// (static/js/offline-pages.js).

const STATIC_CACHE = `static-${VERSION}`;
const PAGES_CACHE_PREFIX = "pages-";
const KEEP_AT_ONCE = 4;

function neverCached(url) {
  return url.pathname === "/sw.js" || url.pathname.startsWith("/sync/");
}

async function precache() {
  const cache = await caches.open(STATIC_CACHE);
  await cache.addAll(PRECACHE);
  // Without cookies: the offline page and the outbox's page must be the same for everybody
  // (the outbox page lists what the phone holds from the phone itself).
  for (const url of [OFFLINE_URL, OUTBOX_URL]) {
    await cache.add(new Request(url, { credentials: "omit", cache: "reload" }));
  }
}

// Pages already open keep working: an old static URL missing from the new cache is
// fetched, or answered with the current version of the same file when offline.
async function dropOldVersions() {
  const names = await caches.keys();
  const old = names.filter((name) => name.startsWith("static-") && name !== STATIC_CACHE);
  await Promise.all(old.map((name) => caches.delete(name)));
  await self.clients.claim();
}

async function staticFile(request) {
  const cache = await caches.open(STATIC_CACHE);
  const cached = await cache.match(request);
  if (cached) {
    return cached;
  }
  try {
    const response = await fetch(request);
    if (response.status === 200 && /immutable/.test(response.headers.get("Cache-Control") || "")) {
      await cache.put(request, response.clone());
    }
    return response;
  } catch (error) {
    const sameFile = await cache.match(request, { ignoreSearch: true });
    if (sameFile) {
      return sameFile;
    }
    throw error;
  }
}

async function pagesCaches() {
  const names = await caches.keys();
  return names.filter((name) => name.startsWith(PAGES_CACHE_PREFIX));
}

function keptDate(response) {
  return response.headers.get("X-Kept-At") || "";
}

// A kept page is stored only when it belongs to the session it is kept for: the page's own
// session tag must be the cache's.
async function keepResponse(cacheName, url, response, keptAt) {
  const html = await response.text();
  const tag = cacheName.slice(PAGES_CACHE_PREFIX.length);
  if (!tag || !html.includes(`<meta name="ap-session" content="${tag}">`)) {
    return false;
  }
  const title = (html.match(/<title>([\s\S]*?)<\/title>/) || ["", url])[1];
  const headers = new Headers(response.headers);
  headers.delete("Content-Length");
  headers.set("X-Kept-At", keptAt);
  headers.set("X-Kept-Title", encodeURIComponent(title.replace(/\s+/g, " ").replace(/ – ap-field$/, "").trim()));
  const cache = await caches.open(cacheName);
  await cache.put(url, new Response(html, { status: 200, headers }));
  return true;
}

function keepable(response) {
  return (
    response.status === 200 &&
    response.type === "basic" &&
    !response.redirected &&
    (response.headers.get("Content-Type") || "").startsWith("text/html")
  );
}

async function refreshKept(request, response) {
  for (const name of await pagesCaches()) {
    const cache = await caches.open(name);
    if (await cache.match(request, { ignoreVary: true })) {
      await keepResponse(name, request.url, response.clone(), new Date().toISOString());
    }
  }
}

// What the SW serves is a copy: the page's script says so and gives its create forms new ids.
async function markedCopy(kept) {
  const html = await kept.text();
  const headers = new Headers(kept.headers);
  headers.delete("Content-Length");
  const marked = html.replace("<html", `<html data-offline-copy="${keptDate(kept)}"`);
  return new Response(marked, { status: 200, headers });
}

// The kept page at the request's URL; for a link whose query string only fills the form in
// (Today's "Write the note" for a slot), the kept page of its path.
async function keptCopy(request) {
  for (const ignoreSearch of [false, true]) {
    for (const name of await pagesCaches()) {
      const cache = await caches.open(name);
      const kept = await cache.match(request, { ignoreVary: true, ignoreSearch });
      if (kept) {
        return markedCopy(kept);
      }
    }
  }
  return null;
}

async function page(event) {
  try {
    const response = await fetch(event.request);
    if (keepable(response)) {
      event.waitUntil(refreshKept(event.request, response.clone()));
    }
    return response;
  } catch {
    const kept = await keptCopy(event.request);
    if (kept) {
      return kept;
    }
    const cache = await caches.open(STATIC_CACHE);
    const fallback = new URL(event.request.url).pathname === OUTBOX_URL ? OUTBOX_URL : OFFLINE_URL;
    return (await cache.match(fallback)) || Response.error();
  }
}

async function keepOne(cacheName, url, keptAt) {
  try {
    const response = await fetch(url, { credentials: "same-origin", cache: "no-store" });
    return keepable(response) && (await keepResponse(cacheName, url, response, keptAt));
  } catch {
    return false;
  }
}

// Asked by "Keep on this phone": fetch each page now, a few at a time, and file it under
// the session that asked. Answers how many were kept and when.
async function keepPages(message, port) {
  const keptAt = new Date().toISOString();
  const urls = (Array.isArray(message.urls) ? message.urls : [])
    .map((url) => new URL(url, self.location.origin))
    .filter((url) => url.origin === self.location.origin && !neverCached(url))
    .map((url) => url.href);
  let kept = 0;
  if (/^[0-9a-f]+$/.test(message.tag || "")) {
    const cacheName = PAGES_CACHE_PREFIX + message.tag;
    const queue = [...urls];
    const worker = async () => {
      while (queue.length) {
        if (await keepOne(cacheName, queue.shift(), keptAt)) {
          kept += 1;
        }
      }
    };
    await Promise.all(Array.from({ length: KEEP_AT_ONCE }, worker));
  }
  port.postMessage({ kept, failed: urls.length - kept, keptAt });
}

self.addEventListener("install", (event) => {
  event.waitUntil(precache().then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(dropOldVersions());
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin || neverCached(url)) {
    return;
  }
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(staticFile(request));
  } else if (request.mode === "navigate") {
    event.respondWith(page(event));
  }
});

self.addEventListener("message", (event) => {
  const message = event.data || {};
  if (message.type === "keep-pages" && event.ports[0]) {
    event.waitUntil(keepPages(message, event.ports[0]));
  }
});
