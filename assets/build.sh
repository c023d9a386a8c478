#!/usr/bin/env bash
# Rebuild the committed front-end assets from package-lock.json.
# Run from the repository root (make assets); needs Node/npm and .venv.
set -euo pipefail

cd "$(dirname "$0")/.."

npm ci --ignore-scripts --no-audit --no-fund

mkdir -p static/css static/vendor static/icons

npx --no-install sass \
  --style=compressed \
  --no-source-map \
  --quiet-deps \
  --load-path=node_modules/govuk-frontend/dist \
  assets/scss/app.scss static/css/app.css

cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx.min.js
# Our JavaScript, minified, with the GOV.UK Frontend components it uses (see the script).
bash assets/build_scripts.sh

# axe-core, which the accessibility tests run in the browser (tests/browser/test_accessibility.py).
mkdir -p tests/browser/vendor
cp node_modules/axe-core/axe.min.js tests/browser/vendor/axe.min.js

.venv/bin/python assets/make_icons.py
