#!/usr/bin/env bash
# Runs every test: Rust unit, integration and doc tests, then the browser tests in headless
# Chromium against the release build.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

# The wasm entry crate (rheo-frontend) is left out: it is built for the browser below, and
# building it here would unify the app's `hydrate` and `ssr` features into one build.
cargo test -p rheo-shared -p rheo-app -p rheo

cargo leptos build --release --precompress
(cd end2end && CI=1 npx playwright test)
