// GOV.UK Frontend's own behaviour for the components the pages use: the error summary takes
// focus when a page shows one and its links move to the field's first input; the menu folds
// behind a "Menu" button on a phone. Pages htmx swaps in get the same. Only these components
// are built into the page's module (static/js/every-page.js), from npm's govuk-frontend.
import { createAll, ErrorSummary, ServiceNavigation } from "govuk-frontend";

createAll(ServiceNavigation);
createAll(ErrorSummary);
document.body.addEventListener("htmx:load", (event) => createAll(ErrorSummary, undefined, event.target.parentElement ?? document),
);
