#!/usr/bin/env bash
# Builds the release server and UI, then serves the demos at http://127.0.0.1:3000.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

cargo leptos build --release --precompress
export LEPTOS_SITE_ROOT=target/site LEPTOS_SITE_ADDR=127.0.0.1:3000 LEPTOS_ENV=PROD
echo "serving the demos at http://127.0.0.1:3000"
exec ./target/release/rheo-demos
