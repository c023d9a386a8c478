// The scripts every page runs, in the order they run, built into one ES module
// (static/build/every-page.js, `make assets`). static/js/app.js runs before it on its own: it
// shows the menu when this module never ran. The idle lock and the kept pages' clean-up come
// first, so that nothing after them failing can stop them hiding a record.
import "./idle-lock.js";
import "./offline-pages.js";
import "./outbox/interface.js";
import "./govuk.js";
