#!/usr/bin/env bash
# The release build every test and bench script runs: the demos and the load generator, always
# together. rheo-load turns on the client features of hyper-util, so a build of rheo-demos alone
# would rebuild hyper, axum and Leptos without them (3 min of a fresh test command).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cargo build --release -p rheo-demos -p rheo-load
