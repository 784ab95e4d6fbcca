//! The UI bundle embedded in this crate (`bundle/`) must have been built from the UI's sources
//! as they are: the app, shared and frontend crates, the styles, the wasm profile and the
//! frontend's dependencies. Their fingerprint is recorded in `bundle/FINGERPRINT` when the
//! bundle is built (`scripts/bundle.sh` runs this test with `RHEO_WRITE_FINGERPRINT=1`).

// The helpers the integration tests share; these tests use a part of them.
#[allow(dead_code)]
#[path = "integration/common.rs"]
mod common;

use std::{
    fs,
    path::{Path, PathBuf},
    process::Command,
};

use axum::{body::Body, http::Request};
use http_body_util::BodyExt;
use tower::ServiceExt;

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

/// The page names the embedded files by a hash of their contents; they are served from memory,
/// compressed as the client accepts, cached for good; any other name is a 404.
#[tokio::test]
async fn the_page_loads_the_embedded_bundle() {
    let (_, html) = common::get("/double").await;
    let url = |extension: &str| {
        let end =
            html.find(&format!(".{extension}'")).or_else(|| html.find(&format!(".{extension}\""))).expect(extension);
        let start = html[..end].rfind("/pkg/rheo-").expect("a bundle URL");
        html[start..end + 1 + extension.len()].to_owned()
    };
    for (extension, mime_type) in [("js", "text/javascript"), ("wasm", "application/wasm"), ("css", "text/css")] {
        let path = url(extension);
        let request = Request::get(&path).header("accept-encoding", "gzip, deflate, br").body(Body::empty()).unwrap();
        let response = common::router().oneshot(request).await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        let header = |name: &str| response.headers()[name].to_str().unwrap().to_owned();
        assert_eq!(header("content-type"), mime_type);
        assert_eq!(header("content-encoding"), "br");
        assert_eq!(header("cache-control"), "public, max-age=31536000, immutable");
        let compressed = response.into_body().collect().await.unwrap().to_bytes();
        let raw = fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("bundle/rheo.{extension}"))).unwrap();
        assert!(!compressed.is_empty() && compressed.len() < raw.len(), "{path}: compressed");
        // Without Accept-Encoding, the file as it is.
        let plain = common::router().oneshot(Request::get(&path).body(Body::empty()).unwrap()).await.unwrap();
        assert!(plain.headers().get("content-encoding").is_none());
        assert_eq!(plain.into_body().collect().await.unwrap().to_bytes().len(), raw.len());
    }
    for missing in ["/pkg/rheo-0000000000000000.wasm", "/pkg/rheo.wasm", "/pkg/../Cargo.toml"] {
        let response = common::router().oneshot(Request::get(missing).body(Body::empty()).unwrap()).await.unwrap();
        assert_eq!(response.status(), 404, "{missing}");
    }
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
