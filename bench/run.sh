#!/usr/bin/env bash
# The side-by-side benchmark: builds Rheo's release server, installs Gradio 6 in a
# virtualenv (once), and runs bench.mjs. Pass --quick for the smoke-test mode.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/setup.sh" tests

source bench/gradio-env.sh

scripts/build-release.sh
node bench/bench.mjs "$@"
