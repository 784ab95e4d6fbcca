#!/usr/bin/env bash
# Streams per core: how many webcam streams (640x480 JPEG at 30 fps, /flip) and microphone
# streams (16 kHz, 0.1 s chunks, /transcribe) one release server holds with every stream
# answered at 25/30 of its pace or better and p95 frame latency under 100 ms, found by
# rheo-load --capacity (native, each system's stream protocol as its page speaks it), beside
# the limit the server's own CPU per frame sets; Rheo's demos, then Gradio's same demos
# (bench/gradio_demos.py). Writes bench/streams.md, which bench/RESULTS.md includes. Loopback
# only; stops by itself. A Gradio figure that fails is reported with its reason; a Rheo one
# fails the script.
#   bench/streams.sh [seconds per count (default 8)] [report (default bench/streams.md)]
#                    [most streams tried (default 2048)]
# The test command runs it for 1 s per count up to 16 streams, to check that every figure is
# produced.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
seconds=${1:-8}
report=${2:-bench/streams.md}
most=${3:-2048}
scripts/build-release.sh
source bench/gradio-env.sh
source scripts/test-env-lib.sh
declare -A demo=([webcam]=flip [microphone]=transcribe)
declare -A every=([webcam]=0.03333 [microphone]=0.1)
rows=()
for kind in webcam microphone; do
  for system in rheo gradio; do
    port=$(free_port)
    log="target/streams-$kind-$system"
    if [ $system = rheo ]; then
      RUST_LOG=warn RHEO_SERVER_PORT=$port RHEO_MAX_STREAMS=4096 ./target/release/rheo-demos >"$log.log" 2>&1 &
    else
      # Gradio runs one call of an event at a time by default (a second webcam waits for the
      # first to end); none, as Rheo's demos.
      GRADIO_DEFAULT_CONCURRENCY_LIMIT=none bench/.venv/bin/python bench/gradio_demos.py "${demo[$kind]}" "$port" "${every[$kind]}" >"$log.log" 2>&1 &
    fi
    server=$!
    for _ in $(seq 600); do
      curl -s -o /dev/null "http://127.0.0.1:$port/" && break
      sleep 0.1
    done
    status=0
    ./target/release/rheo-load --url "http://127.0.0.1:$port" --pid "$server" --capacity "$kind" --system $system \
      --seconds "$seconds" --max-streams "$most" 2>&1 | tee "$log.txt" || status=$?
    kill "$server"; wait "$server" 2>/dev/null || true
    if row=$(grep '^| ' "$log.txt") && [ $status = 0 ]; then
      rows+=("$row")
    elif [ $system = rheo ]; then
      echo "streams.sh: rheo-load gave no $kind figure for Rheo (exit $status)" >&2; exit 1
    else
      reason=$(grep -m1 -E '^Error|failed' "$log.txt" | tr '|' '/' | cut -c1-200)
      rows+=("${row:-| ${demo[$kind]} | Gradio | not measured: ${reason:-exit $status} | | | | |}")
    fi
  done
done
{
  echo "## Streams per core (bench/streams.sh)"
  echo
  echo "Run $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) cores, $seconds s per count. A count holds when every stream"
  echo "has 25/30 of its frames answered and the p95 of frame latency (sent to answered) is under"
  echo "100 ms; each client keeps at most two frames in flight (Rheo's page, three). The limit: the"
  echo "server's CPU time per answered frame with one stream (decode, handler, encode, the socket),"
  echo "divided into the cores; the load generator runs on the same cores. One stream: what a"
  echo "single stream got (median frames answered per second, p95 latency)."
  echo
  echo "| streams | system | most held | one stream | server CPU per frame | limit it sets | held / limit |"
  echo "| --- | --- | --- | --- | --- | --- | --- |"
  printf '%s\n' "${rows[@]}"
  echo
  echo "Gradio is driven over its own protocol as its page drives a streaming event (the first"
  echo "frame joins the queue, each further one is posted to stream/<event_id>, answers come on the"
  echo "session's event stream; a webcam frame as a JPEG data URL, a microphone chunk uploaded"
  echo "first), and a shown frame includes loading the output image file its answer names, as the"
  echo "page must; Rheo's answer carries the image. Gradio's demos run with"
  echo "GRADIO_DEFAULT_CONCURRENCY_LIMIT=none: by default Gradio runs one call of an event at a time,"
  echo "so it holds one stream and a second waits for the first to end. Gradio stores each frame"
  echo "under its content's hash, so every stream cycles through 8 frames of its own (a stream that"
  echo "repeats one frame lets Gradio skip encoding its output, and two streams with one frame"
  echo "write the same file while it is read). Rheo's server runs with RHEO_MAX_STREAMS=4096 (256 by"
  echo "default) and the search stops at $most. The limit comes from one stream's cost per frame,"
  echo "which is higher than under load (warm caches, fuller batches on the socket), so a count past"
  echo "it can hold. Both systems' demos have no concurrency limit: one person's frames come one at a"
  echo "time anyway."
} >"$report"
cat "$report"
