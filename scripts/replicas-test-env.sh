#!/usr/bin/env bash
# Starts three replicas of the demos sharing one Redis, behind nginx round-robin with no
# stickiness, on free loopback ports, and exports where they are (REPLICAS=1 starts one, and
# SHARED=memory leaves Redis out, for the bench's comparisons):
#   RHEO_REPLICAS_URL     http://127.0.0.1:<p>/ : Debian's nginx with docs/deploy/nginx-replicas.conf
#   RHEO_REPLICA_PIDS     the replicas' process ids, in the order of
#   RHEO_REPLICA_PORTS    their ports (nginx's X-Rheo-Replica header names 127.0.0.1:<port>)
#   RHEO_REPLICAS_DIR     logs: nginx-access.log (each request's replica), replica-<k>.log
#   RHEO_REDIS_PORT       Debian's redis-server, no persistence; its pid is in $dir/redis.pid
#                         (a test may stop and start it again with RHEO_REDIS_COMMAND)
#   replicas_pids         what the caller stops (the replicas and nginx; Redis with stop_redis)
# Sourced by scripts/test.sh after the release build of the demos; run alone to try it:
#   source scripts/replicas-test-env.sh && echo "$RHEO_REPLICAS_URL"
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="$root/target/replicas-test"

# Stops the Redis started here, and waits until it is gone (it removes its pid file as it
# exits, which must not be the next one's).
stop_redis() {
  local pid
  pid=$(cat "$dir/redis.pid" 2>/dev/null) || return 0
  kill "$pid" 2>/dev/null || return 0
  while [ -e "/proc/$pid" ]; do sleep 0.05; done
}
stop_redis
rm -rf "$dir" && mkdir -p "$dir/tmp"

source "$root/scripts/test-env-lib.sh"

export RHEO_REDIS_PORT=$(free_port)
export RHEO_REDIS_COMMAND="/usr/bin/redis-server --bind 127.0.0.1 --port $RHEO_REDIS_PORT --save '' --appendonly no --daemonize yes --pidfile $dir/redis.pid --logfile $dir/redis.log --dir $dir"
eval "$RHEO_REDIS_COMMAND"
for _ in $(seq 100); do
  [ "$(redis-cli -p "$RHEO_REDIS_PORT" ping 2>/dev/null)" = PONG ] && break
  sleep 0.05
done
[ "$(redis-cli -p "$RHEO_REDIS_PORT" ping 2>/dev/null)" = PONG ] || { echo "replicas-test-env: Redis did not start" >&2; return 1; }

replicas_pids=()
ports=()
store=()
if [ "${SHARED:-redis}" = redis ]; then store=(RHEO_REDIS_URL="redis://127.0.0.1:$RHEO_REDIS_PORT/0"); fi
for k in $(seq "${REPLICAS:-3}"); do
  port=$(free_port)
  env RHEO_SERVER_PORT=$port RHEO_TRUSTED_PROXIES=127.0.0.1 "${store[@]}" \
    RUST_LOG=warn "$root/target/release/rheo-demos" >"$dir/replica-$k.log" 2>&1 &
  replicas_pids+=($!)
  ports+=("$port")
done

# nginx as the test's own process, with the documented configuration on these ports (the
# servers past REPLICAS left out).
nginx_port=$(free_port)
upstreams=(-e "s/listen 8080;/listen 127.0.0.1:$nginx_port;/")
for k in 1 2 3; do
  if [ "$k" -le "${#ports[@]}" ]; then
    upstreams+=(-e "s/server 127.0.0.1:786$k /server 127.0.0.1:${ports[$((k - 1))]} /")
  else
    upstreams+=(-e "/server 127.0.0.1:786$k /d")
  fi
done
sed "${upstreams[@]}" "$root/docs/deploy/nginx-replicas.conf" >"$dir/rheo.conf"
start_nginx "$dir"
replicas_pids+=("$nginx_pid")

export RHEO_REPLICAS_URL="http://127.0.0.1:$nginx_port/"
export RHEO_REPLICA_PIDS="${replicas_pids[*]:0:${#ports[@]}}"
export RHEO_REPLICA_PORTS="${ports[*]}"
export RHEO_REPLICAS_DIR="$dir"
for port in "${ports[@]}"; do wait_for "http://127.0.0.1:$port/"; done
wait_for "$RHEO_REPLICAS_URL"
