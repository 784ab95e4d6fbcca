#!/usr/bin/env bash
# Builds the demo server (release) and serves the demos at http://127.0.0.1:3000. Only Rust is
# needed: the UI bundle ships prebuilt inside the rheo-live crate. It builds what the test and
# bench scripts build (scripts/build-release.sh), so switching between them rebuilds nothing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
set -- # setup.sh takes this script's arguments as parts: none, only the checks every build needs
source scripts/setup.sh
scripts/build-release.sh
exec ./target/release/rheo-demos
