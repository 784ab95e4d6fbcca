#!/usr/bin/env bash
# The attack run (issue 34): honest clients of the release demos while others flood them with
# what once took a Rheo server down or locked people out (joins and REST calls never read, an
# upload flood, decoding pressure, readers of one session, idle connections). Writes
# bench/attack.md. Loopback only; bounded in time; stops by itself; fails if an honest request
# failed or the server's memory passed 1 GiB.
#   bench/attack.sh [seconds]      (default 60)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
seconds=${1:-60}
scripts/build-release.sh
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
RUST_LOG=warn RHEO_SERVER_PORT=$port ./target/release/rheo-demos >target/attack-server.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
status=0
out=$(./target/release/rheo-load --url "http://127.0.0.1:$port" --pid "$server" --attack "$seconds" 2>&1) || status=$?
{
  echo "## The attack run"
  echo
  echo "Produced by \`bench/attack.sh $seconds\` on $(nproc) cores, $(date -u +%Y-%m-%dT%H:%M:%SZ): one release server"
  echo "with the default limits; \`rheo-load --attack\` (bench/load/src/attack.rs) from loopback"
  echo "addresses of its own per client. Honest: 50 live calculator sessions, 10 Gradio queue users"
  echo "of the calculator, 10 people who upload a 64 KiB file, read it back and read it again at the"
  echo "end. Attacks, all at once: 80 clients joining the calculator's queue 64 sessions at a time"
  echo "and never reading, 20 clients sending REST calls to the /synth generator and never asking"
  echo "for the results, one client uploading 4 MiB files as fast as it can, 16 clients sending"
  echo "20 s stereo WAVs to /echo, one session opening its stream 20 times, 200 connections that"
  echo "never send a request. The run fails if any honest request fails or the server's memory"
  echo "passes 1 GiB."
  echo
  echo "$out"
} >bench/attack.md
cat bench/attack.md
exit "$status"
