// ESLint for ap-field's own JavaScript (make lint): the pages' scripts and the service worker.
// They run as the browser loads them, with no build step: the outbox and the service worker
// as ES modules, the rest as plain scripts.
const js = require("@eslint/js");
const globals = require("globals");

module.exports = [
  js.configs.recommended,
  {
    files: ["static/js/**/*.js"],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: "script",
      globals: { ...globals.browser, htmx: "readonly" },
    },
  },
  {
    files: ["static/js/outbox/*.js", "static/js/govuk.js"],
    languageOptions: { sourceType: "module" },
  },
  {
    files: ["static/sw.js"],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: "module",
      globals: {
        ...globals.serviceworker,
        // Written above the script by the server (ap_field/pwa/services.py).
        VERSION: "readonly",
        PRECACHE: "readonly",
        OFFLINE_URL: "readonly",
        OUTBOX_URL: "readonly",
        SUBSCRIBE_URL: "readonly",
        OUTBOX_TIMEOUT: "readonly",
      },
    },
  },
  {
    files: ["eslint.config.js"],
    languageOptions: { sourceType: "commonjs", globals: globals.node },
  },
  {
    rules: {
      eqeqeq: "error",
      "no-var": "error",
      "prefer-const": "error",
      "no-unused-vars": ["error", { args: "after-used", caughtErrors: "none" }],
    },
  },
];
