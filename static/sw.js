// ap-field's service worker, served from /sw.js so that its scope is the whole app.
// Each feature keeps to its own section.

// ---- Push reminders ----------------------------------------------------------------
// A reminder carries no names: a title, a line of text, an opaque id and the page to open.

function showReminder(event) {
  let message = {};
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
