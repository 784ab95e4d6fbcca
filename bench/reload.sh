#!/usr/bin/env bash
# Reload on save, timed on the demos crate with the watcher the README documents
# (`cargo watch`, installed if missing): the demos run in development (a debug build) with
# RHEO_RELOAD=1; a browser types into /greet; the script saves a change to demos/src/greet.rs
# (its title) and times until the open page shows it, rebuilt and reloaded, with the typing
# kept (bench/reload.mjs). Three saves; the file is put back after. Writes bench/reload.md.
# Loopback only; stops by itself.
#   bench/reload.sh [--out FILE]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh tests
command -v cargo-watch > /dev/null || cargo install --locked cargo-watch
node bench/reload.mjs "$@"
