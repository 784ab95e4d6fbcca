#!/usr/bin/env bash
# Rebuilds the UI bundle that ships inside the rheo-live crate (server/bundle/): the app,
# shared and frontend crates compiled to wasm with cargo-leptos, the stylesheet, each also
# brotli- and gzip-compressed; then records the fingerprint of the sources it was built from,
# which the test command checks. Run it after changing the UI, and commit server/bundle/.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh" bundle

# The wasm and the stylesheet only: the server is built by scripts/build-release.sh, with its own
# features (a server built here would be thrown away, costing minutes).
cargo leptos build --release --precompress --frontend-only
for file in rheo.js rheo.wasm rheo.css; do
  for encoding in "" .br .gz; do
    cp "target/site/pkg/$file$encoding" "server/bundle/$file$encoding"
  done
done
RHEO_WRITE_FINGERPRINT=1 cargo test -q -p rheo-live --test bundle
ls -l server/bundle
