// GOV.UK Frontend styles some components differently once JavaScript runs.
document.body.classList.add("js-enabled", "govuk-frontend-supported");
