# What the scripts that start a test deployment share (sourced by deploy-test-env.sh and
# replicas-test-env.sh): free loopback ports, waiting for a server, and nginx as the test's own
# process in `$dir` with `$dir/rheo.conf` as its site.

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_for() {
  for _ in $(seq 100); do
    curl -sk -o /dev/null "$1" && return 0
    sleep 0.1
  done
  echo "$(basename "$0"): nothing answered at $1" >&2
  return 1
}

# Starts nginx for `$1` (a directory holding rheo.conf); its access log names the upstream that
# answered each request first, then the request and its status. Sets nginx_pid.
start_nginx() {
  local dir=$1
  mkdir -p "$dir/tmp"
  cat >"$dir/nginx.conf" <<CONF
daemon off;
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/nginx-error.log warn;
events { worker_connections 1024; }
http {
    log_format upstreams '\$upstream_addr \$request_method \$request_uri \$status';
    access_log $dir/nginx-access.log upstreams;
    client_body_temp_path $dir/tmp/body;
    proxy_temp_path $dir/tmp/proxy;
    fastcgi_temp_path $dir/tmp/fastcgi;
    uwsgi_temp_path $dir/tmp/uwsgi;
    scgi_temp_path $dir/tmp/scgi;
    include $dir/rheo.conf;
}
CONF
  /usr/sbin/nginx -c "$dir/nginx.conf" -p "$dir" -e "$dir/nginx-error.log" &
  nginx_pid=$!
}
