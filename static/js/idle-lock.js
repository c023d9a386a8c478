// The idle lock on the page (docs/architecture.md, "Security"): after the minutes the server
// gives without a tap, a key or a scroll, the page gives way to the lock screen, so a phone
// left on a car seat shows no child's record. The server locks the session after the same
// time; the outbox goes on sending from the lock screen.
(function () {
  "use strict";

  const setting = document.querySelector('meta[name="ap-idle-lock"]');
  if (!setting) return;
  const lockUrl = setting.dataset.lockUrl;
  if (location.pathname === lockUrl) return;
  // setTimeout counts in a signed 32-bit number of milliseconds: about 24 days at most.
  const idleFor = Math.min(Number(setting.content) * 60 * 1000, 2 ** 31 - 1);
  if (!(idleFor > 0)) return;

  let timer = null;
  function lock() {
    location.replace(`${lockUrl}?next=${encodeURIComponent(location.pathname + location.search)}`);
  }
  function used() {
    clearTimeout(timer);
    timer = setTimeout(lock, idleFor);
  }
  for (const kind of ["pointerdown", "keydown", "scroll", "input"]) {
    addEventListener(kind, used, { passive: true, capture: true });
  }
  used();
})();
