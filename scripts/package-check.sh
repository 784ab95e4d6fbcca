#!/usr/bin/env bash
# The crates an author depends on, packaged as crates.io would take them (the UI bundle
# inside), and an author's project (examples/first-demo) built in release from those packages
# rather than from the sources: a file left out of a package, or a dependency that only the
# workspace declares, fails here. This takes the place of `cargo package`'s own verification,
# which built the same crates once more in debug, in a target directory and a Cargo home of its
# own (six minutes of a fresh test command); here each package is compiled once, with the
# dependencies the release build of the demos has already compiled. The packages themselves are
# compiled without optimisation (a profile override given on the command line, so the project
# stays as an author's would be): this checks that they build and run, the demos' release build
# is what is measured, and optimising the library a second time took 4.5 minutes of a fresh
# test command (2.5 now). Only the checkout's target/ is written.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
packages="$root/target/package"
rm -rf "$packages"
cargo package --no-verify -q -p rheo-shared -p rheo-app -p rheo-live --allow-dirty
# The project names the library as an author does (`rheo-live = "0.1"`) and patches it to the
# sources; these patches, given on the command line, take precedence and point at the packages.
patches=()
for file in "$packages"/*.crate; do
  tar -xzf "$file" -C "$packages"
  unpacked="$packages/$(basename "$file" .crate)"
  name="$(basename "$unpacked")"
  patches+=(--config "patch.crates-io.${name%-*}.path=\"$unpacked\"")
  patches+=(--config "profile.release.package.${name%-*}.opt-level=0")
done
cd examples/first-demo
CARGO_TARGET_DIR="$root/target" cargo build --release "${patches[@]}"
