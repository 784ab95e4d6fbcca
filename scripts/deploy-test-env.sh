#!/usr/bin/env bash
# Starts a deployment to test against, on free loopback ports, and exports where it is:
#   RHEO_DEPLOY_URL  http://127.0.0.1:<p>/demos/ : Debian's nginx with docs/deploy/nginx.conf,
#                    in front of the demos, which ask for a login and trust the proxy
#   RHEO_TLS_URL     https://127.0.0.1:<p>/ : the demos over their own TLS (a self-signed
#                    certificate made here), with the same login
#   RHEO_DEPLOY_USER, RHEO_DEPLOY_PASSWORD : the login
#   deploy_pids      the processes, for the caller to stop
# Sourced by scripts/test.sh after the release build of the demos; run alone to try it:
#   source scripts/deploy-test-env.sh && echo "$RHEO_DEPLOY_URL"
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="$root/target/deploy-test"
rm -rf "$dir" && mkdir -p "$dir/tmp"

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
wait_for() {
  for _ in $(seq 100); do
    curl -sk -o /dev/null "$1" && return 0
    sleep 0.1
  done
  echo "deploy-test-env: nothing answered at $1" >&2
  return 1
}

export RHEO_DEPLOY_USER=ada
RHEO_DEPLOY_PASSWORD="$(python3 -c 'import secrets; print(secrets.token_urlsafe(12))')"
export RHEO_DEPLOY_PASSWORD
app_port=$(free_port)
tls_port=$(free_port)
nginx_port=$(free_port)

# Behind nginx: the demos believe its X-Forwarded-* headers, and nothing else's.
RHEO_SERVER_PORT=$app_port RHEO_TRUSTED_PROXIES=127.0.0.1 \
  RHEO_USERS="$RHEO_DEPLOY_USER:$RHEO_DEPLOY_PASSWORD" \
  "$root/target/release/rheo-demos" >"$dir/behind-nginx.log" 2>&1 &
deploy_pids=($!)

# Over TLS: a self-signed certificate for 127.0.0.1 (the browser test trusts it by flag).
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=127.0.0.1" \
  -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
  -keyout "$dir/key.pem" -out "$dir/cert.pem" 2>/dev/null
RHEO_SERVER_PORT=$tls_port RHEO_SSL_CERTFILE="$dir/cert.pem" RHEO_SSL_KEYFILE="$dir/key.pem" \
  RHEO_USERS="$RHEO_DEPLOY_USER:$RHEO_DEPLOY_PASSWORD" \
  "$root/target/release/rheo-demos" >"$dir/tls.log" 2>&1 &
deploy_pids+=($!)

# nginx as the test's own process, with the documented configuration on these ports.
sed -e "s/listen 8080;/listen 127.0.0.1:$nginx_port;/" -e "s/server 127.0.0.1:7860;/server 127.0.0.1:$app_port;/" \
  "$root/docs/deploy/nginx.conf" >"$dir/rheo.conf"
cat >"$dir/nginx.conf" <<CONF
daemon off;
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/nginx-error.log warn;
events { worker_connections 1024; }
http {
    access_log $dir/nginx-access.log;
    client_body_temp_path $dir/tmp/body;
    proxy_temp_path $dir/tmp/proxy;
    fastcgi_temp_path $dir/tmp/fastcgi;
    uwsgi_temp_path $dir/tmp/uwsgi;
    scgi_temp_path $dir/tmp/scgi;
    include $dir/rheo.conf;
}
CONF
/usr/sbin/nginx -c "$dir/nginx.conf" -p "$dir" -e "$dir/nginx-error.log" &
deploy_pids+=($!)

export RHEO_DEPLOY_URL="http://127.0.0.1:$nginx_port/demos/"
export RHEO_TLS_URL="https://127.0.0.1:$tls_port/"
wait_for "http://127.0.0.1:$app_port/login"
wait_for "${RHEO_TLS_URL}login"
wait_for "${RHEO_DEPLOY_URL}login"
