#!/usr/bin/env bash
# Installs what building and testing Rheo needs, skipping whatever is already there at the
# right version. Sourced with the parts wanted, safe to run again:
#   source scripts/setup.sh tests    # the browser and client tests: wasm32 target (to lint the
#                                    # browser side), Debian's Chromium, nginx, redis-server and openssl, node
#                                    # packages, gradio_client
#   source scripts/setup.sh bundle   # rebuilding the UI bundle: wasm32 target, cargo-leptos,
#                                    # the wasm-bindgen CLI, node packages (binaryen's wasm-opt)
# Serving needs none of these: only Rust (the UI bundle ships prebuilt in server/bundle/), and
# what every build needs, checked whenever this is sourced (a working /dev/null, below).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# npm's and pip's download caches in the checkout's target/, not the user's home: what the
# tests write stays in the checkout, but for the tools installed on purpose (below) and the
# crates Cargo downloads into its own cache.
export npm_config_cache="$root/target/npm-cache" PIP_CACHE_DIR="$root/target/pip-cache"

CARGO_LEPTOS_VERSION=0.3.11
WASM_SPLIT_VERSION=0.2.4
# The wasm-bindgen CLI must be exactly the version of the wasm-bindgen crate in Cargo.lock.
WASM_BINDGEN_VERSION=$(grep -A1 '^name = "wasm-bindgen"$' Cargo.lock | sed -n 's/^version = "\(.*\)"$/\1/p')

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

# /dev/null must be the null device. `rustc -o /dev/null`, run as root, renames a regular file
# over it, and one such run (a lint check of this script's, since mended) left this machine's
# /dev/null a file that every `2>/dev/null` writes into and every null stdin reads back: cargo's
# probe of rustc (`rustc - --print=cfg`, stdin null) then compiled a build script's last error
# message as its source, failed, and cached the failure in target/.rustc_info.json (CI, stop
# 50). Put the device back, or stop and say why, before anything runs a compiler.
null_device() {
  [ -c /dev/null ] && return 0
  say "/dev/null is not a character device: putting the null device back"
  if ! { mknod -m 666 /dev/null.rheo c 1 3 && mv -f /dev/null.rheo /dev/null; }; then
    rm -f /dev/null.rheo
    echo "/dev/null is a $(stat -c %F /dev/null), not the null device, and it could not be" \
      "recreated (mknod needs root): builds read it as a compiler's input and fail" >&2
    return 1
  fi
  rm -f target/.rustc_info.json
}
null_device

wasm_target() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32 target"
    rustup target add wasm32-unknown-unknown
  fi
}

# cargo-leptos 0.3.11, the first whose wasm splitting (`--split`) reads the wasm-bindgen
# 0.2.128+ glue (older ones pin wasm_split_cli_support 0.2.2, whose split modules fail to load).
# Built from its own lock file, with two crates moved:
# - cargo-util-schemas held at 0.14.0: the locked 0.14.2 needs Rust 1.96, and 0.14.0 builds with
#   1.94 or newer (this machine has 1.95; rebuilding the bundle needs more than the workspace's
#   rust-version);
# - the splitter, wasm_split_cli_support, at 0.2.4 (with the rayon it needs): the locked 0.2.3 copied bytes that two
#   chunks share (identical strings the linker merged) into each, found the data segment longer
#   than before, and put the whole segment in the main module. Which builds hit that changed
#   with unrelated code: one did, and every page downloaded every chunk's data (36 KB more).
# The splitter's version is kept in a file beside the binary with the binary's hash, so that a
# build with another splitter (an older one, or one installed by hand) is replaced. About 15
# minutes, once.
cargo_leptos_build() {
  local binary
  binary=$(command -v cargo-leptos) || return 0
  echo "$WASM_SPLIT_VERSION $(sha256sum < "$binary" | cut -d' ' -f1)"
}
cargo_leptos() {
  local stamp
  stamp="$(dirname "$(command -v cargo-leptos || echo "${CARGO_HOME:-$HOME/.cargo}/bin/cargo-leptos")")/.cargo-leptos-build"
  if [ "$(cargo leptos --version 2>/dev/null | awk '{print $2}')" != "$CARGO_LEPTOS_VERSION" ] \
    || [ "$(cat "$stamp" 2>/dev/null)" != "$(cargo_leptos_build)" ]; then
    say "installing cargo-leptos $CARGO_LEPTOS_VERSION (slow, once)"
    local work crate
    work=$(mktemp -d)
    # The crate's source with its lock file: fetched as the dependency of a throwaway crate.
    (cd "$work" && cargo init -q --lib --name fetch_cargo_leptos && cargo add -q "cargo-leptos@=$CARGO_LEPTOS_VERSION" && cargo fetch -q)
    crate=$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/"cargo-leptos-$CARGO_LEPTOS_VERSION" | head -n 1)
    cp -r "$crate" "$work/cargo-leptos"
    # Its toolchain file names "stable", which rustup would download where the installed Rust
    # has another name: build with the Rust this machine has.
    rm -f "$work/cargo-leptos/rust-toolchain.toml"
    if ! (cd "$work/cargo-leptos" && cargo update -q -p cargo-util-schemas --precise 0.14.0 \
      && cargo update -q -p rayon --precise 1.12.0 \
      && cargo update -q -p wasm_split_cli_support --precise "$WASM_SPLIT_VERSION" && cargo install --path . --locked --force); then
      rm -rf "$work"
      return 1
    fi
    rm -rf "$work"
    stamp="$(dirname "$(command -v cargo-leptos)")/.cargo-leptos-build"
    cargo_leptos_build > "$stamp"
  fi
}

# wasm-bindgen CLI (no --locked: its lock file names a yanked crate).
wasm_bindgen() {
  if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
    say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
  fi
}

# Chromium for the browser tests (Debian's; Playwright's own download is not reachable).
chromium() {
  if [ ! -x /usr/bin/chromium ]; then
    say "installing Chromium"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq chromium >/dev/null
  fi
}

# Debian's nginx (the proxy the deployment tests run in front of the demos), openssl (their
# self-signed certificate) and redis-server (the store replicas share). Only the binaries are
# used: the tests run nginx and Redis as their own processes, on ports of their own.
deploy_tools() {
  if [ ! -x /usr/sbin/nginx ] || [ ! -x /usr/bin/redis-server ] || ! command -v openssl >/dev/null; then
    say "installing nginx, redis-server and openssl"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq nginx redis-server openssl >/dev/null
  fi
}

# Node packages from the committed lock file: Playwright, @gradio/client, and binaryen's
# wasm-opt (Debian's wasm-opt is too old and breaks hydration).
node_packages() {
  if [ ! -f end2end/node_modules/.package-lock.json ] ||
     ! cmp -s end2end/package-lock.json end2end/node_modules/.rheo-lock; then
    say "installing node packages"
    (cd end2end && npm ci --no-audit --no-fund && cp package-lock.json node_modules/.rheo-lock)
  fi
  export PATH="$root/end2end/node_modules/.bin:$PATH"
}

# Python packages for the compatibility tests: the real gradio_client, pinned.
python_packages() {
  if ! cmp -s compat/requirements.txt compat/.venv/.rheo-requirements; then
    say "installing the Python packages of compat/requirements.txt"
    python3 -m venv compat/.venv
    compat/.venv/bin/pip install --quiet -r compat/requirements.txt
    cp compat/requirements.txt compat/.venv/.rheo-requirements
  fi
}

# The Rust Gradio client (the `gradio` crate's `gr`), for the compatibility tests: installed
# on purpose outside the checkout, in a directory of its version under the user's cache
# (`~/.cache/rheo/tools`, or RHEO_TOOLS), so that a fresh clone does not build it again (about 3
# minutes); a machine without it, or with another version, installs it here. RHEO_GR names it
# for the tests. RHEO_TOOLS is exported so that scripts the tests run, sourcing this again with
# XDG_CACHE_HOME moved into the checkout (scripts/test.sh), find the same install.
export RHEO_TOOLS="${RHEO_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/rheo/tools}"
GRADIO_RS_VERSION=0.4.2
rust_gradio_client() {
  local tools="$RHEO_TOOLS/gradio-$GRADIO_RS_VERSION"
  if ! "$tools/bin/gr" --version 2>/dev/null | grep -q "$GRADIO_RS_VERSION"; then
    say "installing the gradio crate's gr $GRADIO_RS_VERSION into $tools"
    cargo install --quiet --locked --root "$tools" gradio --version "$GRADIO_RS_VERSION"
  fi
  export RHEO_GR="$tools/bin/gr"
}

for part in "$@"; do
  case "$part" in
    tests) wasm_target; chromium; deploy_tools; node_packages; python_packages; rust_gradio_client ;;
    bundle) wasm_target; cargo_leptos; wasm_bindgen; node_packages ;;
    *) echo "setup.sh: unknown part '$part' (tests, bundle)" >&2; exit 2 ;;
  esac
done
