#!/usr/bin/env bash
# Builds the demo server (release) and serves the demos at http://127.0.0.1:3000. Only Rust is
# needed: the UI bundle ships prebuilt inside the rheo-live crate.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cargo build --release -p rheo-demos
exec ./target/release/rheo-demos
