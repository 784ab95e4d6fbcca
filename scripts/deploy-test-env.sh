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

source "$root/scripts/test-env-lib.sh"

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
start_nginx "$dir"
deploy_pids+=("$nginx_pid")

export RHEO_DEPLOY_URL="http://127.0.0.1:$nginx_port/demos/"
export RHEO_TLS_URL="https://127.0.0.1:$tls_port/"
wait_for "http://127.0.0.1:$app_port/login"
wait_for "${RHEO_TLS_URL}login"
wait_for "${RHEO_DEPLOY_URL}login"
