#!/usr/bin/env bash
# Rebuilds the UI bundle that ships inside the rheo-live crate (server/bundle/): the app,
# shared and frontend crates compiled to wasm with cargo-leptos (a main module and the widgets'
# chunks), the stylesheet, each also brotli- and gzip-compressed; then records the fingerprint of the sources it was built from,
# which the test command checks. Run it after changing the UI, and commit server/bundle/.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh" bundle

# The wasm and the stylesheet only: the server is built by scripts/build-release.sh, with its own
# features (a server built here would be thrown away, costing minutes). `--split` puts the
# split functions (the widgets only some pages show, app/src/components/lazy.rs) in wasm chunks
# beside the main module; the folder starts empty so that no chunk of an earlier build is kept.
rm -rf target/site/pkg
cargo leptos build --release --precompress --frontend-only --split
rm -f server/bundle/*.js* server/bundle/*.wasm* server/bundle/*.css*
for file in target/site/pkg/*.js target/site/pkg/*.wasm target/site/pkg/*.css; do
  for encoding in "" .br .gz; do
    cp "$file$encoding" "server/bundle/$(basename "$file")$encoding"
  done
done
# Which files each chunk needs, for the server's preloads.
cp target/site/pkg/__wasm_split_manifest.json server/bundle/
RHEO_WRITE_FINGERPRINT=1 cargo test -q -p rheo-live --test bundle
ls -l server/bundle
