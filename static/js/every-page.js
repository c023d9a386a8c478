// The scripts every page runs, in the order they run, built into one ES module
// (static/build/every-page.js, `make assets`). static/js/app.js runs before it on its own: it
// shows the menu when this module never ran.
import "./outbox/interface.js";
import "./govuk.js";
import "./offline-pages.js";
import "./idle-lock.js";
