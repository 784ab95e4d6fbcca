//! The UI bundle embedded in this crate (`bundle/`) must have been built from the UI's sources
//! as they are: the app, shared and frontend crates (what the browser's build compiles of them:
//! their tokens, without comments or server-only and test items), the styles, the wasm profile,
//! Cargo's settings and the frontend's dependencies. Their fingerprint is recorded in `bundle/FINGERPRINT` when
//! the bundle is built (`scripts/bundle.sh` runs this test with `RHEO_WRITE_FINGERPRINT=1`).

// The helpers the integration tests share; these tests use a part of them.
#[allow(dead_code)]
#[path = "integration/common.rs"]
mod common;

use std::{
    fs,
    iter::Peekable,
    path::{Path, PathBuf},
    process::Command,
    str::FromStr,
};

use axum::{body::Body, http::Request};
use http_body_util::BodyExt;
use proc_macro2::{token_stream, Delimiter, Group, TokenStream, TokenTree};
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

/// A comment, a doc comment, a test or a server-only item is not in the wasm, so it does not
/// call for a new bundle; any change to what the browser's build compiles does.
#[test]
fn the_fingerprint_reads_what_the_browser_build_compiles() {
    let tokens = |source: &str| wasm_tokens(Path::new("example.rs"), source);
    let plain = tokens("fn shown() -> u8 { 1 }");
    let annotated =
        "//! A module.\n/// One.\nfn shown() -> u8 {\n    1 // one\n}\n#[cfg(test)]\nmod tests {\n    fn t() {}\n}\n\
                     #[cfg(feature = \"ssr\")]\nfn on_the_server() -> u8 { 2 }\n";
    assert_eq!(tokens(annotated), plain);
    assert_eq!(tokens("#![cfg(all(test, feature = \"ssr\"))]\nfn shown() {}"), "");
    assert_ne!(tokens("fn shown() -> u8 { 2 }"), plain);
    assert_ne!(tokens("fn shown() -> u8 { 1 }\n#[cfg(feature = \"hydrate\")]\nfn in_the_browser() {}"), plain);
    assert_ne!(tokens("fn shown() -> u8 { 1 }\n#[cfg(not(feature = \"ssr\"))]\nfn in_the_browser() {}"), plain);
}

/// The page names the embedded files under a hash of their contents; they are served from memory,
/// compressed as the client accepts, cached for good; any other name is a 404.
#[tokio::test]
async fn the_page_loads_the_embedded_bundle() {
    let (_, html) = common::get("/double").await;
    let url = |extension: &str| {
        let file = format!("/rheo.{extension}");
        let end = html.find(&file).expect(extension) + file.len();
        let start = html[..end].rfind("/pkg/").expect("a bundle URL");
        html[start..end].to_owned()
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
    let in_the_stylesheets_folder = url("css").replace("rheo.css", "rheo.wasm");
    for missing in
        ["/pkg/0000000000000000/rheo.wasm", "/pkg/rheo.wasm", "/pkg/../Cargo.toml", &in_the_stylesheets_folder]
    {
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
    // The manifests, and Cargo's settings for this workspace (its rustflags reach the wasm).
    files.extend(
        ["app/Cargo.toml", "shared/Cargo.toml", "frontend/Cargo.toml", ".cargo/config.toml"].map(|f| workspace.join(f)),
    );
    files.sort();
    let mut input = Vec::new();
    for file in &files {
        let relative = file.strip_prefix(workspace).expect("below the workspace");
        input.extend_from_slice(relative.to_string_lossy().as_bytes());
        input.push(0);
        let contents = fs::read(file).expect("a source file is readable");
        match file.extension().and_then(|e| e.to_str()) {
            Some("rs") => input.extend(wasm_tokens(relative, &String::from_utf8_lossy(&contents)).as_bytes()),
            _ => input.extend(contents),
        }
        input.push(0);
    }
    input.extend(wasm_profile(workspace).as_bytes());
    input.extend(frontend_dependencies(workspace).as_bytes());
    // Two FNV-1a hashes with different offsets: 128 bits, to tell sources apart, not to resist
    // an attacker.
    format!("{:016x}{:016x}", fnv1a(0xcbf2_9ce4_8422_2325, &input), fnv1a(0x6c62_272e_07bb_0142, &input))
}

/// What the browser's build compiles of a Rust source: its tokens, without comments, doc
/// comments, or the items it leaves out (`#[cfg(test)]`, `#[cfg(feature = "ssr")]`), so that a
/// comment or a change on the server's side alone does not call for a new bundle (1.7 MB of
/// binaries in git each time).
fn wasm_tokens(file: &Path, source: &str) -> String {
    let tokens = TokenStream::from_str(source).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    browser_side(tokens).to_string()
}

fn browser_side(tokens: TokenStream) -> TokenStream {
    let mut kept = TokenStream::new();
    let mut trees = tokens.into_iter().peekable();
    while let Some(tree) = trees.next() {
        let TokenTree::Punct(hash) = &tree else {
            kept.extend([within_browser_side(tree)]);
            continue;
        };
        // An attribute is `#`, for an inner one `!`, then a bracketed group.
        let inner = matches!(trees.peek(), Some(TokenTree::Punct(p)) if p.as_char() == '!');
        let is_attribute = hash.as_char() == '#' && {
            let mut ahead = trees.clone().skip(usize::from(inner));
            matches!(ahead.next(), Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Bracket)
        };
        if !is_attribute {
            kept.extend([tree]);
            continue;
        }
        let bang = inner.then(|| trees.next()).flatten();
        let Some(TokenTree::Group(body)) = trees.next() else { unreachable!("checked above") };
        match attribute(&body.stream()) {
            Attribute::Doc => {}
            Attribute::LeftOut if inner => return kept,
            Attribute::LeftOut => skip_item(&mut trees),
            Attribute::Kept => kept.extend([tree].into_iter().chain(bang).chain([TokenTree::Group(body)])),
        }
    }
    kept
}

fn within_browser_side(tree: TokenTree) -> TokenTree {
    match tree {
        TokenTree::Group(group) => {
            let mut filtered = Group::new(group.delimiter(), browser_side(group.stream()));
            filtered.set_span(group.span());
            TokenTree::Group(filtered)
        }
        other => other,
    }
}

enum Attribute {
    Doc,
    /// A `cfg` that the browser's build (feature `hydrate`, not `ssr`, not `test`) leaves out.
    LeftOut,
    Kept,
}

fn attribute(body: &TokenStream) -> Attribute {
    let mut trees = body.clone().into_iter();
    match (trees.next(), trees.next()) {
        (Some(TokenTree::Ident(name)), _) if name == "doc" => Attribute::Doc,
        (Some(TokenTree::Ident(name)), Some(TokenTree::Group(predicate))) if name == "cfg" => {
            if in_browser_build(&predicate.stream()) {
                Attribute::Kept
            } else {
                Attribute::LeftOut
            }
        }
        _ => Attribute::Kept,
    }
}

/// A `cfg` predicate as the browser's build evaluates it; one this does not know counts as true
/// (kept in the fingerprint).
fn in_browser_build(predicate: &TokenStream) -> bool {
    let trees: Vec<TokenTree> = predicate.clone().into_iter().collect();
    let each = |group: &TokenTree| -> Vec<bool> {
        let TokenTree::Group(group) = group else { return Vec::new() };
        let mut parts = vec![TokenStream::new()];
        for tree in group.stream() {
            match &tree {
                TokenTree::Punct(p) if p.as_char() == ',' => parts.push(TokenStream::new()),
                _ => parts.last_mut().expect("one part at least").extend([tree]),
            }
        }
        parts.iter().filter(|part| !part.is_empty()).map(in_browser_build).collect()
    };
    match trees.as_slice() {
        [TokenTree::Ident(name)] if name == "test" => false,
        [TokenTree::Ident(name), TokenTree::Punct(_), TokenTree::Literal(value)] if name == "feature" => {
            value.to_string() != "\"ssr\""
        }
        [TokenTree::Ident(name), group] if name == "not" => !each(group).iter().all(|b| *b),
        [TokenTree::Ident(name), group] if name == "all" => each(group).iter().all(|b| *b),
        [TokenTree::Ident(name), group] if name == "any" => each(group).iter().any(|b| *b),
        _ => true,
    }
}

/// Skips one item (or statement) after an attribute that leaves it out: its other attributes,
/// then up to its `;` or its braced body.
fn skip_item(trees: &mut Peekable<token_stream::IntoIter>) {
    for tree in trees.by_ref() {
        match tree {
            TokenTree::Punct(p) if p.as_char() == ';' => return,
            TokenTree::Group(g) if g.delimiter() == Delimiter::Brace => return,
            _ => {}
        }
    }
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
