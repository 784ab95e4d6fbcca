#!/usr/bin/env bash
# The side-by-side benchmark: builds Rheo's release server, installs Gradio 6 in a
# virtualenv (once), and runs bench.mjs. Pass --quick for the smoke-test mode.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/setup.sh" tests

source bench/gradio-env.sh

# The packages scripts/test.sh builds, so that its build is reused: rheo-load turns on the
# client features of hyper-util, and rheo-demos alone would rebuild hyper, axum and Leptos.
cargo build --release -p rheo-demos -p rheo-load
node bench/bench.mjs "$@"
