// GOV.UK Frontend styles some components differently once JavaScript runs.
document.body.classList.add("js-enabled", "govuk-frontend-supported");

// The service worker keeps the app's files and kept pages for use without signal, and shows
// push reminders; registered from every page so it is there whichever page a phone opens
// first. Without it the app works the same online.
if ("serviceWorker" in navigator) {
  // A module, whose imports are always asked of the server when the worker is updated.
  navigator.serviceWorker.register("/sw.js", { type: "module", updateViaCache: "none" }).catch(() => {});
}
