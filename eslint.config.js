// ESLint for ap-field's own JavaScript (make lint): the sources of the pages' scripts and the
// service worker. What every page runs (static/js/every-page.js and what it imports) and the
// service worker are ES modules, the rest plain scripts. static/build holds what they build to
// (assets/build_scripts.sh), minified, and is not linted.
const js = require("@eslint/js");
const globals = require("globals");

module.exports = [
  { ignores: ["static/build/"] },
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
    files: [
      "static/js/every-page.js",
      "static/js/site-check-item.js",
      "static/js/outbox/*.js",
      "static/js/govuk.js",
      "static/js/offline-pages.js",
      "static/js/idle-lock.js",
    ],
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
