#!/usr/bin/env bash
# Runs every test: Rust unit, integration and doc tests; then, against the release server,
# the real gradio_client (Python) and the browser tests in headless Chromium.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

# Formatting and lints first: they fail fast. Clippy runs twice, as the app is compiled twice:
# for the server (ssr, with everything native) and for the browser (hydrate, on wasm32).
cargo fmt --all --check
cargo clippy -p rheo-shared -p rheo-app -p rheo -p rheo-demos --all-targets -- -D warnings
cargo clippy -p rheo-frontend --target wasm32-unknown-unknown -- -D warnings

# The wasm entry crate (rheo-frontend) is left out: it is built for the browser below, and
# building it here would unify the app's `hydrate` and `ssr` features into one build.
cargo test -p rheo-shared -p rheo-app -p rheo -p rheo-demos

cargo leptos build --release --precompress

export LEPTOS_SITE_ROOT=target/site LEPTOS_SITE_ADDR=127.0.0.1:3000 LEPTOS_ENV=PROD RUST_LOG=warn
if curl -s -o /dev/null http://127.0.0.1:3000/; then
  echo "port 3000 is taken: stop the server there first" >&2
  exit 1
fi
./target/release/rheo-demos &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  curl -s -o /dev/null http://127.0.0.1:3000/ && break
  sleep 0.1
done

compat/.venv/bin/python -m pytest -q compat
(cd end2end && npx playwright test)

# The side-by-side benchmark in quick mode, as a smoke test: every figure must be produced
# for both Rheo and Gradio (timings are not checked here; see bench/RESULTS.md).
kill $server && wait $server 2>/dev/null || true
./bench/run.sh --quick --out target/bench-smoke
