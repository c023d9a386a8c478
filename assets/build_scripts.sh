#!/usr/bin/env bash
# Build our JavaScript (static/js) into what the pages and the service worker load
# (static/build/), minified by esbuild. The scripts every page runs become one ES module,
# with only the parts of GOV.UK Frontend they use: a phone on a weak signal fetches half the
# bytes, in fewer requests. static/js stays the readable source that ESLint checks and people
# edit; static/build is committed, as the CSS is, so the app runs without Node.
#
#   bash assets/build_scripts.sh           rebuild static/build (make assets runs it)
#   bash assets/build_scripts.sh --check   fail if static/build is not what static/js builds
#                                          to (make lint runs it)
set -euo pipefail

cd "$(dirname "$0")/.."

OUT=static/build
# ES2022, as ESLint reads the sources: the build minifies, it does not rewrite for older browsers.
MINIFY=(--minify --target=es2022 --legal-comments=none --log-level=warning)

# Scripts that only some pages load, each built alone; the site-check item's three are one file.
PAGE_SCRIPTS=(action-link body-map concern-form copy-link drafts passkeys photos print reminders signature)

build() {
  local out=$1
  rm -rf "$out"
  # One module per entry, with what it imports: every-page.js for the pages, and the outbox's
  # sender for the service worker (static/sw.js), so the two always run the same outbox. The
  # outbox page's drawing (outbox/page.js) is imported only on that page, from build/page.js.
  npx --no-install esbuild static/js/every-page.js static/js/outbox/sender.js \
    --bundle --format=esm --external:./page.js "${MINIFY[@]}" --outbase=static/js --outdir="$out"
  npx --no-install esbuild static/js/outbox/page.js \
    --bundle --format=esm "${MINIFY[@]}" --outfile="$out/page.js"
  npx --no-install esbuild static/js/site-check-item.js \
    --bundle --format=esm "${MINIFY[@]}" --outfile="$out/site-check-item.js"
  # Each minified alone. app.js is a plain script of its own, run before the module: if the
  # module never runs (a request lost on a weak signal), app.js shows the menu the module
  # would have folded.
  local plain=(static/js/app.js)
  for name in "${PAGE_SCRIPTS[@]}"; do
    plain+=("static/js/$name.js")
  done
  npx --no-install esbuild "${plain[@]}" "${MINIFY[@]}" --outdir="$out"
}

if [[ "${1:-}" == "--check" ]]; then
  built=$(mktemp -d)
  trap 'rm -rf "$built"' EXIT
  build "$built/build"
  if ! diff -r "$built/build" "$OUT" >/dev/null; then
    diff -rq "$built/build" "$OUT" || true
    echo "$OUT is not what static/js builds to: run make assets and commit the result." >&2
    exit 1
  fi
else
  build "$OUT"
fi
