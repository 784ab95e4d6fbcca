#!/usr/bin/env bash
# Runs every test (`scripts/test.sh`, what CI runs): formatting and lints; Rust unit,
# integration and doc tests (the embedded UI bundle's fingerprint among them); then, against the
# release builds of the demos and of an author's project outside the workspace built from the
# library's packages (examples/first-demo), the real gradio_client (Python), the browser tests
# in headless Chromium, a short load, and the benchmark's quick mode as a smoke test.
#
# `scripts/test.sh quick`, the loop while working: formatting, lints, the Rust tests, and the
# browser tests of the demos (no packaging, author's project, deployment, replicas, Python
# client, load or bench).
set -euo pipefail
tier="${1:-full}"
case "$tier" in
  full | quick) ;;
  *) echo "usage: scripts/test.sh [quick]" >&2; exit 2 ;;
esac
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh" tests

# Everything the tests and the programs they drive write goes under target/scratch, emptied on
# each run, not into /tmp or the user's home: temporary files (the servers' file stores, the
# Rust tests' directories, gradio_client's downloads, the bench's Gradio cache) by TMPDIR;
# Chromium's settings, NSS database and caches and PulseAudio's cookie by the XDG directories.
scratch="$root/target/scratch"
rm -rf "$scratch" && mkdir -p "$scratch"/{tmp,config,data,cache}
export TMPDIR="$scratch/tmp" XDG_CONFIG_HOME="$scratch/config" XDG_DATA_HOME="$scratch/data" \
  XDG_CACHE_HOME="$scratch/cache"

# Formatting and lints first: they fail fast. The app is compiled twice, for the browser
# (hydrate, on wasm32) and for the server (ssr, with everything native), and linted both ways.
cargo fmt --all --check
cargo clippy -p rheo-frontend --target wasm32-unknown-unknown -- -D warnings
# The library as an author who turns its optional parts off builds it (redis, mcp, tls).
cargo clippy -p rheo-live --no-default-features -- -D warnings

# The native crates are linted as the tests build them: clippy-driver stands in for rustc on
# the workspace's crates (what `cargo clippy` does, with `cargo check`), so every target is
# linted with -D warnings and compiled once, instead of a `cargo clippy --all-targets` that
# compiled every dependency a second time to check it (over a minute of a fresh run). The
# wasm entry crate (rheo-frontend) is left out: it is built for the browser by
# scripts/bundle.sh, and building it here would unify the app's `hydrate` and `ssr` features.
# `CLIPPY_ARGS`, its words joined by `__CLIPPY_HACKERY__`, is how cargo-clippy hands its arguments
# to the driver: not a documented interface, so the driver is first shown a plain `main`, which
# it must pass, and a needless `return`, which it must refuse by the lint's name, or a change in
# clippy would drop -D warnings without a word. (Its output
# goes to a scratch file, never `-o /dev/null`: rustc, run as root, replaces that by renaming a
# regular file over it.)
export CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__"
canary() { echo "$1" | clippy-driver --edition 2021 --emit=metadata -o "$TMPDIR/lint-canary.rmeta" - 2>&1; }
refused=$(canary 'fn main() { return; }' || true)
if ! canary 'fn main() {}' >/dev/null || ! grep -q 'clippy::needless_return' <<<"$refused"; then
  echo "clippy-driver does not run, or let a lint pass with CLIPPY_ARGS=$CLIPPY_ARGS: see this comment" >&2
  exit 1
fi
RUSTC_WORKSPACE_WRAPPER=clippy-driver cargo test -p rheo-shared -p rheo-app -p rheo-live -p rheo-demos -p rheo-load
unset CLIPPY_ARGS

# Plain cargo builds, no UI tooling: the demos; then the library's crates packaged, and an
# author's project built from those packages (sharing this target directory only to reuse the
# compiled dependencies).
scripts/build-release.sh
ports=(3000)
if [ "$tier" = full ]; then
  scripts/package-check.sh
  ports+=(7860)
fi

for port in "${ports[@]}"; do
  if curl -s -o /dev/null "http://127.0.0.1:$port/"; then
    echo "port $port is taken: stop the server there first" >&2
    exit 1
  fi
done
# The servers' ports are the ones in their code (3000 and the default 7860), not the shell's.
unset PORT RHEO_SERVER_NAME RHEO_SERVER_PORT
export RUST_LOG=warn
# Flags from the browser tests go here, where they read them back.
export RHEO_FLAGGING_DIR="$root/target/flagged"
rm -rf "$RHEO_FLAGGING_DIR"
./target/release/rheo-demos &
demos=$!
first_demo=
if [ "$tier" = full ]; then
  ./target/release/first-demo &
  first_demo=$!
fi
deploy_pids=()
trap 'kill $demos $first_demo "${deploy_pids[@]}" 2>/dev/null || true' EXIT
for port in "${ports[@]}"; do
  for _ in $(seq 100); do
    curl -s -o /dev/null "http://127.0.0.1:$port/" && break
    sleep 0.1
  done
done

if [ "$tier" = quick ]; then
  # Every spec but the author's project's; the deployment and replica specs skip themselves.
  (cd end2end && npx playwright test $(ls tests/*.spec.ts | grep -v first-demo))
  exit 0
fi
# A deployment: nginx in front under /demos/ with a login, and TLS (exports RHEO_DEPLOY_URL…).
source scripts/deploy-test-env.sh
# Three replicas sharing a Redis behind nginx round-robin (exports RHEO_REPLICAS_URL…).
replicas_pids=()
trap 'kill $demos $first_demo "${deploy_pids[@]}" "${replicas_pids[@]}" 2>/dev/null || true; stop_redis 2>/dev/null || true' EXIT
source scripts/replicas-test-env.sh

compat/.venv/bin/python -m pytest -q compat
(cd end2end && npx playwright test)

# Load with vanishing clients, briefly (bench/RESULTS.md has the long runs): live sessions,
# webcam streams and generators at once; any failure but a vanished client's fails the run.
./target/release/rheo-load --url http://127.0.0.1:3000 --pid $demos --seconds 10 --sessions 100 \
  --streams 4 --generators 5 --vanish 0.1 --settle 2

# The side-by-side benchmark in quick mode, as a smoke test: every figure must be produced
# for Rheo (a Gradio figure that fails is reported with its reason), streams per core
# briefly, and the chat's and the real-time (beside FastRTC) figures likewise (timings are not checked here; see
# bench/RESULTS.md).
kill $demos $first_demo "${deploy_pids[@]}" "${replicas_pids[@]}" 2>/dev/null || true
wait $demos $first_demo "${deploy_pids[@]}" "${replicas_pids[@]}" 2>/dev/null || true
stop_redis
./bench/run.sh --quick --out target/bench-smoke
./bench/streams.sh 1 target/bench-smoke/streams.md 16
./bench/chat.sh --quick --out target/bench-smoke/chat.md
./bench/realtime.sh --quick --out target/bench-smoke/realtime.md
./bench/batch.sh --quick --out target/bench-smoke/batch.md
