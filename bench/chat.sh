#!/usr/bin/env bash
# Chat, side by side: Rheo's /echo_chat and the same generator in Gradio 6's ChatInterface,
# each streamed into a page of headless Chromium (bench/chat.mjs). Writes bench/chat.md, which
# bench/RESULTS.md includes. Loopback only; stops by itself.
#   bench/chat.sh [--quick] [--out FILE]
# The test command runs it with --quick, to check that every figure is produced (Rheo's; a
# Gradio figure that fails is reported with its reason).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh tests
source bench/gradio-env.sh
scripts/build-release.sh
node bench/chat.mjs "$@"
