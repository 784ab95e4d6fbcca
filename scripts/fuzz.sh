#!/usr/bin/env bash
# Runs the property tests of every decoder of outside bytes (stream frames and control
# messages, input values, Gradio's join and call bodies, multipart uploads, file= paths, image
# and audio bytes) for a while, with many more cases than the test command's 256, a new seed
# each round. Builds once, then runs the test binaries themselves (cargo may build other things
# meanwhile). Stops by itself; loopback and in-process only.
#   scripts/fuzz.sh [minutes]        (default 30; FUZZ_CASES per property per round, default 20000)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
minutes=${1:-30}
cases=${FUZZ_CASES:-20000}
# Each suite: the cargo arguments that build it, and the filter of its tests.
suites=(
  "-p rheo-shared --test decoders|"
  "-p rheo-live --lib|properties"
  "-p rheo-live --test integration|fuzz::"
)
binaries=()
for suite in "${suites[@]}"; do
  build="${suite%%|*}"
  # shellcheck disable=SC2086 # the build arguments are words
  executable=$(cargo test --release --no-run $build 2>&1 | sed -n 's/.*Executable .*(\(.*\))$/\1/p' | tail -1)
  [ -x "$executable" ] || { echo "[fuzz] could not build: cargo test --release $build" >&2; exit 1; }
  binaries+=("$executable|${suite#*|}")
done
end=$(( $(date +%s) + minutes * 60 ))
round=0
while [ "$(date +%s)" -lt "$end" ]; do
  round=$((round + 1))
  for binary in "${binaries[@]}"; do
    if ! PROPTEST_CASES=$cases "${binary%%|*}" ${binary#*|} -q >target/fuzz.log 2>&1; then
      grep -E -A12 "panicked|minimal failing|FAILED" target/fuzz.log | head -60
      echo "[fuzz] round $round: a property failed (${binary%%|*}); whole log in target/fuzz.log" >&2
      exit 1
    fi
  done
  echo "[fuzz] round $round passed: $cases cases per property"
done
echo "[fuzz] $round rounds in $minutes min, nothing found"
