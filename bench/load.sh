#!/usr/bin/env bash
# Load, soak and vanishing clients against the release demos (Rheo alone: Gradio has no native
# client for its streams to drive the same way). Two phases on a fresh server: every client
# stays, then 10% of calls and streams are dropped midway. Writes bench/load.md, which
# bench/run.sh includes in RESULTS.md. Loopback only; bounded in time; stops by itself.
#   bench/load.sh [seconds per phase]      (default 120)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
seconds=${1:-120}
scripts/build-release.sh
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
RUST_LOG=warn RHEO_SERVER_PORT=$port ./target/release/rheo-demos >target/load-server.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
phase() {
  ./target/release/rheo-load --url "http://127.0.0.1:$port" --pid "$server" --seconds "$seconds" \
    --sessions 500 --streams 20 --generators 50 --settle 15 --vanish "$1"
}
{
  echo "## Load, soak and vanishing clients (Rheo alone)"
  echo
  echo "Produced by \`bench/load.sh $seconds\` on $(nproc) cores, $(date -u +%Y-%m-%dT%H:%M:%SZ): one release server,"
  echo "then \`rheo-load\` (bench/load, native) from its own loopback addresses: 500 live calculator"
  echo "sessions changing inputs every 0.2-0.8 s, 20 webcam streams of 640x480 JPEG at 30 fps to"
  echo "/flip, 50 clients calling the /synth generator one call after another (it runs one call at a"
  echo "time, so they queue). Latencies: per call, per frame (sent to answered), per generator call (to"
  echo "its first chunk, to its end). RSS: the server's before, at its peak, and 15 s after; the file"
  echo "store: its temp dir at the end. A failure is any request that did not get its right answer."
} >bench/load.md
for vanish in 0 0.1; do
  out=$(phase "$vanish") || true
  {
    echo
    if [ "$vanish" = 0 ]; then echo "### Every client stays"; else echo "### 10% of calls and streams dropped midway"; fi
    echo
    echo "$out" | sed -n '/^| kind/,/^$/p'
    echo "$out" | sed -n 's/^server memory: \(.*\)/Server memory (MiB): `\1`/p'
  } >>bench/load.md
done
cat bench/load.md
