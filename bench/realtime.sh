#!/usr/bin/env bash
# Real time both ways, side by side: Rheo's /flip and /talk beside the same demos in FastRTC
# 0.0.34, each in pages of headless Chromium (bench/realtime.mjs). Writes bench/realtime.md,
# which bench/RESULTS.md includes. Loopback only; stops by itself.
#   bench/realtime.sh [--quick] [--out FILE]
# The test command runs it with --quick, to check that every figure is produced (Rheo's; a
# FastRTC figure that fails is reported with its reason).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh tests
source bench/fastrtc-env.sh
scripts/build-release.sh
node bench/realtime.mjs "$@"
