// A site check's item page (templates/premises/item.html) loads its scripts as one file, built
// into static/build/site-check-item.js: the photo input, marks on the photo, and the answer's
// draft, run in that order.
import "./photos.js";
import "./annotate.js";
import "./drafts.js";
