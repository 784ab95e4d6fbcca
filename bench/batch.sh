#!/usr/bin/env bash
# Batching, side by side: Rheo's /topics and the same model in Gradio 6, each batched and one
# text a run, under 1 to 64 API clients (bench/batch.mjs). Writes bench/batch.md, which
# bench/RESULTS.md includes. Loopback only; stops by itself.
#   bench/batch.sh [--quick] [--out FILE]
# The test command runs it with --quick, to check that every Rheo figure is produced.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh tests
source bench/gradio-env.sh
scripts/build-release.sh
node bench/batch.mjs "$@"
