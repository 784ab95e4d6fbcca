//! The UI bundle embedded in this crate (`bundle/`) must have been built from the UI's sources
//! as they are: the app, shared and frontend crates, the styles, the wasm profile and the
//! frontend's dependencies. Their fingerprint is recorded in `bundle/FINGERPRINT` when the
//! bundle is built (`scripts/bundle.sh` runs this test with `RHEO_WRITE_FINGERPRINT=1`).

use std::{
    fs,
    path::{Path, PathBuf},
    process::Command,
};

const REBUILD: &str = "./scripts/bundle.sh";

#[test]
fn the_embedded_bundle_was_built_from_the_sources_as_they_are() {
    let server = Path::new(env!("CARGO_MANIFEST_DIR"));
    let workspace = server.parent().expect("the crate is in a workspace");
    if !workspace.join("app/src").is_dir() {
        eprintln!("not in the Rheo workspace (a packaged crate): nothing to compare");
        return;
    }
    let recorded_at = server.join("bundle/FINGERPRINT");
    let fingerprint = fingerprint(workspace);
    if std::env::var_os("RHEO_WRITE_FINGERPRINT").is_some() {
        fs::write(&recorded_at, format!("{fingerprint}\n")).expect("cannot write the fingerprint");
        return;
    }
    let recorded = fs::read_to_string(&recorded_at).unwrap_or_default();
    assert_eq!(
        recorded.trim(),
        fingerprint,
        "the UI bundle in server/bundle/ is stale: the app, shared or frontend crate, the styles, the wasm \
         profile or the frontend's dependencies changed since it was built. Rebuild it with `{REBUILD}` and \
         commit server/bundle/."
    );
}

/// A hash of every input of the bundle's build.
fn fingerprint(workspace: &Path) -> String {
    let mut files = Vec::new();
    for dir in ["app/src", "shared/src", "frontend/src", "style"] {
        collect(&workspace.join(dir), &mut files);
    }
    files.extend(["app/Cargo.toml", "shared/Cargo.toml", "frontend/Cargo.toml"].map(|f| workspace.join(f)));
    files.sort();
    let mut input = Vec::new();
    for file in &files {
        let relative = file.strip_prefix(workspace).expect("below the workspace");
        input.extend_from_slice(relative.to_string_lossy().as_bytes());
        input.push(0);
        input.extend(fs::read(file).expect("a source file is readable"));
        input.push(0);
    }
    input.extend(wasm_profile(workspace).as_bytes());
    input.extend(frontend_dependencies(workspace).as_bytes());
    // Two FNV-1a hashes with different offsets: 128 bits, to tell sources apart, not to resist
    // an attacker.
    format!("{:016x}{:016x}", fnv1a(0xcbf2_9ce4_8422_2325, &input), fnv1a(0x6c62_272e_07bb_0142, &input))
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("a source directory is readable") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            collect(&path, files);
        } else {
            files.push(path);
        }
    }
}

/// The workspace's `[profile.wasm-release]` section: how the bundle is optimised.
fn wasm_profile(workspace: &Path) -> String {
    let manifest = fs::read_to_string(workspace.join("Cargo.toml")).expect("the workspace manifest");
    let section = manifest.split("\n[").find(|s| s.starts_with("profile.wasm-release]")).unwrap_or_default();
    section.to_owned()
}

/// Every package the frontend is built from, with its version (paths left out: they differ
/// from one checkout to the next).
fn frontend_dependencies(workspace: &Path) -> String {
    let output = Command::new(env!("CARGO"))
        .args(["tree", "--locked", "-p", "rheo-frontend", "--target", "wasm32-unknown-unknown"])
        .args(["-e", "normal", "--prefix", "none", "--format", "{p} {f}"])
        .current_dir(workspace)
        .output()
        .expect("cargo tree runs");
    assert!(output.status.success(), "cargo tree failed: {}", String::from_utf8_lossy(&output.stderr));
    let mut packages: Vec<String> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| match line.split_once(" (") {
            // `name v1.0.0 (/path/to/it) features` → `name v1.0.0 features`
            Some((package, rest)) => format!("{package}{}", rest.split_once(')').map_or("", |(_, tail)| tail)),
            None => line.to_owned(),
        })
        .map(|line| line.trim_end_matches(" (*)").to_owned())
        .collect();
    packages.sort();
    packages.dedup();
    packages.join("\n")
}

fn fnv1a(offset: u64, bytes: &[u8]) -> u64 {
    bytes.iter().fold(offset, |hash, byte| (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3))
}
