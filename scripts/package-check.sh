#!/usr/bin/env bash
# The crates an author depends on package (with the UI bundle inside) and build from their
# packages, as crates.io would take them. Cargo verifies them against each other through a
# temporary registry and, as registry crates never change, keeps their unpacked sources by
# version (0.1.0, the same every run): an older copy would be built instead of the sources as
# they are now. So the check gets a Cargo home of its own, under target/, from which it drops
# our crates' copies each run; the user's Cargo home is only read, to seed it (a copy of the
# registry index, hard links to the downloaded crates, which Cargo never rewrites). Without
# debug info: the build checks that the packages compile, nothing runs under a debugger.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
user_home="${CARGO_HOME:-$HOME/.cargo}"
check_home="$root/target/package-cargo-home"
if [ ! -d "$check_home/registry" ]; then
  mkdir -p "$check_home/registry"
  if [ -d "$user_home/registry/index" ]; then
    cp -a "$user_home/registry/index" "$check_home/registry/"
  fi
  if [ -d "$user_home/registry/cache" ]; then
    cp -al "$user_home/registry/cache" "$check_home/registry/" 2>/dev/null ||
      cp -a "$user_home/registry/cache" "$check_home/registry/"
  fi
fi
# The user's settings (a mirror, say) apply here too.
for config in config.toml config; do
  if [ -f "$user_home/$config" ]; then
    cp "$user_home/$config" "$check_home/$config"
  fi
done
rm -rf target/package target/package-verify/debug/.fingerprint/rheo-* \
  "$check_home"/registry/src/*/rheo-{shared,app,live}-0.1.0 \
  "$check_home"/registry/cache/*/rheo-{shared,app,live}-0.1.0.crate
CARGO_HOME="$check_home" CARGO_PROFILE_DEV_DEBUG=0 \
  cargo package -q -p rheo-shared -p rheo-app -p rheo-live --allow-dirty --target-dir target/package-verify
