#!/usr/bin/env bash
# Runs the property tests of every decoder of outside bytes (stream frames and control
# messages, input values, Gradio's join and call bodies, multipart uploads, file= paths, image
# and audio bytes) for a while, with many more cases than the test command's 256, a new seed
# each round. Stops by itself; loopback and in-process only.
#   scripts/fuzz.sh [minutes]        (default 30; FUZZ_CASES per property per round, default 20000)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
minutes=${1:-30}
cases=${FUZZ_CASES:-20000}
suites=(
  "-p rheo-shared --test decoders"
  "-p rheo-live --lib properties"
  "-p rheo-live --test fuzz"
)
for suite in "${suites[@]}"; do
  cargo test --release --no-run $suite 2>/dev/null || cargo test --release --no-run $suite
done
end=$(( $(date +%s) + minutes * 60 ))
round=0
while [ "$(date +%s)" -lt "$end" ]; do
  round=$((round + 1))
  for suite in "${suites[@]}"; do
    if ! PROPTEST_CASES=$cases cargo test --release -q $suite >target/fuzz.log 2>&1; then
      grep -E -A12 "panicked|minimal failing|FAILED" target/fuzz.log | head -60
      echo "[fuzz] round $round: a property failed ($suite); whole log in target/fuzz.log" >&2
      exit 1
    fi
  done
  echo "[fuzz] round $round passed: $cases cases per property"
done
echo "[fuzz] $round rounds in $minutes min, nothing found"
