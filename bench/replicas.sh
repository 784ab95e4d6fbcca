#!/usr/bin/env bash
# Calls/s and latency through nginx with one replica in memory, one with Redis, and three with
# Redis (scripts/replicas-test-env.sh for each), and what the shared store adds per call.
# Writes bench/replicas.md, which bench/RESULTS.md includes. --quick: 1 s per figure.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh tests
scripts/build-release.sh
out=target/bench-replicas
rm -rf "$out" && mkdir -p "$out"
run() { # replicas, store, label
  REPLICAS=$1 SHARED=$2 source scripts/replicas-test-env.sh
  local first=${RHEO_REPLICA_PORTS%% *}
  node bench/replicas.mjs "${@:4}" --label "$3" --url "$RHEO_REPLICAS_URL" --direct "http://127.0.0.1:$first/" \
    --pids "$RHEO_REPLICA_PIDS" --out "$out/$1-$2.json"
  kill "${replicas_pids[@]}"; wait "${replicas_pids[@]}" 2>/dev/null || true
  stop_redis
}
run 1 memory "1 replica, in memory" "$@"
run 1 redis "1 replica, Redis" "$@"
run 3 redis "3 replicas, Redis" "$@"
node bench/replicas.mjs --report "$out" "$@" | tee bench/replicas.md
