//! The UI bundle: the compiled page (the main wasm, its JS glue, and the chunks of the widgets
//! only some pages show: see `rheo_app`'s `components::lazy`) and the stylesheet, built once by
//! `scripts/bundle.sh` and shipped inside this crate, so an interface runs with nothing but
//! `cargo run` (the UI is generic: one bundle serves every author).
//!
//! The files are served from memory under a folder named by a hash of their contents
//! (`/pkg/<hash>/rheo.wasm`; the glue finds the chunks beside it by their names) with immutable
//! caching, precompressed (brotli and gzip, chosen by the request's `Accept-Encoding`).
//! `bundle/FINGERPRINT` names the sources the bundle was built from; a test in the workspace
//! fails when they have changed since.
//!
//! While developing the UI, `cargo leptos watch` sets `LEPTOS_SITE_ROOT`: the bundle then comes
//! from that directory, rebuilt and reloaded on every change.

use std::{collections::BTreeSet, io::Write as _, sync::LazyLock};

use axum::{
    extract::{Path, State},
    http::{
        header::{ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_TYPE, VARY},
        HeaderMap, StatusCode,
    },
    response::{IntoResponse, Response},
};
use bytes::Bytes;
use include_dir::{include_dir, Dir};
use rheo_app::Assets;
use rheo_shared::BlocksSpec;

/// Where the bundle's files are served.
pub(crate) const PKG_DIR: &str = "pkg";

/// What `scripts/bundle.sh` wrote: each file beside its `.br` and `.gz`, and the fingerprint.
static EMBEDDED: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/bundle");

/// One file of the bundle, in its three encodings.
#[derive(Clone)]
struct File {
    name: String,
    mime_type: &'static str,
    raw: Bytes,
    brotli: Bytes,
    gzip: Bytes,
}

/// The files of each chunk of widgets, by its name (what `cargo leptos build --split` wrote to
/// `__wasm_split_manifest.json`: each chunk's files, without `.wasm`, its own and the ones it
/// shares with others).
type Manifest = std::collections::BTreeMap<String, Vec<String>>;

static MANIFEST: LazyLock<Manifest> = LazyLock::new(|| {
    let file = EMBEDDED.get_file("__wasm_split_manifest.json").expect("the bundle has the chunks' manifest");
    serde_json::from_slice(file.contents()).expect("the chunks' manifest is a map of lists of names")
});

/// The embedded code (the glue, the main wasm and its chunks) and the stylesheet.
static FILES: LazyLock<(Vec<File>, File)> = LazyLock::new(|| {
    let compressed = |name: String| {
        let file = EMBEDDED.get_file(&name).unwrap_or_else(|| panic!("the bundle lacks {name}"));
        Bytes::from_static(file.contents())
    };
    let mut code = Vec::new();
    let mut css = None;
    for file in EMBEDDED.files() {
        let name = file.path().to_str().expect("the bundle's names are UTF-8");
        let Some(mime_type) = mime_type(name) else { continue };
        let file = File {
            name: name.to_owned(),
            mime_type,
            raw: Bytes::from_static(file.contents()),
            brotli: compressed(format!("{name}.br")),
            gzip: compressed(format!("{name}.gz")),
        };
        match mime_type {
            "text/css" => css = Some(file),
            _ => code.push(file),
        }
    }
    code.sort_by(|a, b| a.name.cmp(&b.name));
    (code, css.expect("the bundle has a stylesheet"))
});

/// The type of a file the bundle serves, by its extension; `None` for the rest (compressed
/// copies, the fingerprint, the chunks' manifest).
fn mime_type(name: &str) -> Option<&'static str> {
    match name.rsplit_once('.')?.1 {
        "js" => Some("text/javascript"),
        "wasm" => Some("application/wasm"),
        "css" => Some("text/css"),
        _ => None,
    }
}

impl File {
    /// The stylesheet with `added` after it (a theme's rules, the components'), compressed now.
    fn with_css(&self, added: &str) -> Self {
        let raw = [&self.raw[..], added.as_bytes()].concat();
        let mut brotli = Vec::new();
        brotli::BrotliCompress(&mut &raw[..], &mut brotli, &brotli::enc::BrotliEncoderParams::default())
            .expect("compressing in memory cannot fail");
        let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gzip.write_all(&raw).expect("compressing in memory cannot fail");
        let gzip = gzip.finish().expect("compressing in memory cannot fail");
        File {
            name: self.name.clone(),
            mime_type: self.mime_type,
            raw: raw.into(),
            brotli: brotli.into(),
            gzip: gzip.into(),
        }
    }
}

/// FNV-1a (64 bits): a content hash for cache-busting names and keys, not for security.
pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    fnv1a_from(0xcbf2_9ce4_8422_2325, bytes)
}

fn fnv1a_from(hash: u64, bytes: &[u8]) -> u64 {
    bytes.iter().fold(hash, |hash, byte| (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3))
}

/// Files served together under a folder named by the hash of all their names and contents.
struct Folder {
    name: String,
    files: Vec<File>,
}

impl Folder {
    fn new(files: Vec<File>) -> Self {
        let hash = files
            .iter()
            .fold(0xcbf2_9ce4_8422_2325, |hash, file| fnv1a_from(fnv1a_from(hash, file.name.as_bytes()), &file.raw));
        Folder { name: format!("{hash:016x}"), files }
    }

    fn url(&self, file: &str) -> String {
        format!("/{PKG_DIR}/{}/{file}", self.name)
    }
}

/// The embedded bundle as this server serves it: its stylesheet followed by the theme's CSS,
/// if the author set a theme (see [`crate::Theme`]), and the rules the apps' components add
/// (an author's colours). Under `cargo leptos watch` the page takes `cargo leptos`'s own
/// stylesheet instead, without either.
pub(crate) struct Bundle {
    code: Folder,
    style: Folder,
}

impl Bundle {
    pub(crate) fn embedded(theme_css: Option<&str>, apps: &[BlocksSpec]) -> Self {
        let (code, css) = FILES.clone();
        let added = theme_css.unwrap_or_default().to_owned() + &component_rules(apps);
        let css = if added.is_empty() { css } else { css.with_css(&added) };
        Bundle { code: Folder::new(code), style: Folder::new(vec![css]) }
    }

    /// The URLs of its files.
    pub(crate) fn assets(&self) -> Assets {
        let js_imports =
            self.code.files.iter().filter(|file| file.mime_type == "text/javascript" && file.name != "rheo.js");
        let chunk_urls =
            |files: &Vec<String>| files.iter().map(|file| self.code.url(&format!("{file}.wasm"))).collect();
        Assets {
            js: self.code.url("rheo.js"),
            wasm: self.code.url("rheo.wasm"),
            css: self.style.url("rheo.css"),
            js_imports: js_imports.map(|file| self.code.url(&file.name)).collect(),
            chunks: MANIFEST.iter().map(|(chunk, files)| (chunk.clone(), chunk_urls(files))).collect(),
        }
    }

    fn file(&self, folder: &str, name: &str) -> Option<&File> {
        [&self.code, &self.style]
            .into_iter()
            .find(|candidate| candidate.name == folder)
            .and_then(|folder| folder.files.iter().find(|file| file.name == name))
    }
}

/// The stylesheet rules of every component of `apps`, each once, in one block.
fn component_rules(apps: &[BlocksSpec]) -> String {
    let rules: BTreeSet<String> =
        apps.iter().flat_map(|app| &app.components).flat_map(|component| component.kind.stylesheet_rules()).collect();
    if rules.is_empty() {
        return String::new();
    }
    rules.into_iter().fold("\n/* The components' own */\n".to_owned(), |css, rule| css + &rule + "\n")
}

/// The URLs of the bundle `cargo leptos` writes to `LEPTOS_SITE_ROOT/pkg` (its output name is
/// the same for all three, `rheo`).
pub(crate) fn site_assets(output_name: &str) -> Assets {
    let url = |extension: &str| format!("/{PKG_DIR}/{output_name}.{extension}");
    Assets { js: url("js"), wasm: url("wasm"), css: url("css"), ..Assets::default() }
}

/// `GET /pkg/<folder>/<file>`: an embedded file, in the best encoding the client takes; 404 for
/// any other name.
pub(crate) async fn serve(
    State(bundle): State<std::sync::Arc<Bundle>>,
    Path((folder, name)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let Some(file) = bundle.file(&folder, &name) else {
        return (StatusCode::NOT_FOUND, "There is no such file in the UI bundle.").into_response();
    };
    let accepts = |encoding: &str| accepts(&headers, encoding);
    let (encoding, body) = if accepts("br") {
        (Some("br"), file.brotli.clone())
    } else if accepts("gzip") {
        (Some("gzip"), file.gzip.clone())
    } else {
        (None, file.raw.clone())
    };
    let mut response = (
        [
            (CONTENT_TYPE, file.mime_type),
            (CACHE_CONTROL, "public, max-age=31536000, immutable"),
            (VARY, "accept-encoding"),
        ],
        body,
    )
        .into_response();
    if let Some(encoding) = encoding {
        response.headers_mut().insert(CONTENT_ENCODING, encoding.parse().expect("a valid header value"));
    }
    response
}

/// Whether the request's `Accept-Encoding` takes `encoding` (named in any case, with a
/// quality above 0).
fn accepts(headers: &HeaderMap, encoding: &str) -> bool {
    let offers = headers.get_all(ACCEPT_ENCODING).iter().filter_map(|value| value.to_str().ok());
    offers.flat_map(|value| value.split(',')).any(|offer| {
        let mut parts = offer.split(';').map(str::trim);
        let named = parts.next().is_some_and(|name| name.eq_ignore_ascii_case(encoding));
        let refused =
            parts.filter_map(|p| p.strip_prefix("q=")).any(|q| q.trim().parse::<f32>().is_ok_and(|q| q <= 0.0));
        named && !refused
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_theme_follows_the_stylesheet_under_a_name_of_its_own() {
        let (plain, themed) = (Bundle::embedded(None, &[]), Bundle::embedded(Some(":root { --radius: 2px; }"), &[]));
        assert_eq!((plain.assets().js, plain.assets().wasm), (themed.assets().js, themed.assets().wasm));
        assert_ne!(plain.assets().css, themed.assets().css);
        let css = &themed.style.files[0];
        assert!(css.raw.starts_with(&plain.style.files[0].raw) && css.raw.ends_with(b":root { --radius: 2px; }"));
        let mut unzipped = String::new();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&css.gzip[..]), &mut unzipped).unwrap();
        assert_eq!(unzipped.as_bytes(), &css.raw[..]);
        let mut unbrotlied = Vec::new();
        brotli::BrotliDecompress(&mut &css.brotli[..], &mut unbrotlied).unwrap();
        assert_eq!(unbrotlied, css.raw);
    }

    #[test]
    fn the_components_rules_follow_the_theme_each_once() {
        use rheo_shared::{components::HighlightedText, ComponentKind, ComponentSpec};
        let tagged = |colors: &[(&str, &str)]| {
            let color_map = colors.iter().map(|(label, hex)| (label.to_string(), hex.to_string())).collect();
            ComponentSpec::new(ComponentKind::HighlightedText(HighlightedText { color_map, ..Default::default() }))
        };
        let app = |components: Vec<ComponentSpec>| -> BlocksSpec {
            let json =
                serde_json::json!({"name": "a", "title": "a", "components": components, "layout": [], "events": []});
            serde_json::from_value(json).unwrap()
        };
        let apps = [
            app(vec![tagged(&[("name", "#ff8000"), ("place", "#00f")]), tagged(&[])]),
            app(vec![tagged(&[("person", "#FF8000")])]),
        ];
        let bundle = Bundle::embedded(Some(":root { --radius: 2px; }"), &apps);
        let css = std::str::from_utf8(&bundle.style.files[0].raw).unwrap();
        let added = &css[css.find(":root { --radius: 2px; }").expect("the theme first")..];
        assert_eq!(added.matches(".hl-c-ff8000 ").count(), 1, "one rule a colour: {added}");
        assert!(added.contains(".hl-c-0000ff { background: light-dark(color-mix(in srgb, #0000ff 40%"), "{added}");
        assert_eq!(component_rules(&[app(vec![tagged(&[])])]), "", "nothing to add");
    }

    #[test]
    fn names_carry_a_hash_of_the_contents() {
        let bundle = Bundle::embedded(None, &[]);
        let assets = bundle.assets();
        assert_eq!(assets.wasm, format!("/pkg/{}/rheo.wasm", bundle.code.name));
        assert_eq!(assets.css, format!("/pkg/{}/rheo.css", bundle.style.name));
        assert_eq!(bundle.code.name.len(), 16);
        assert_ne!(bundle.code.name, Folder::new(vec![bundle.style.files[0].clone()]).name);
        assert_ne!(fnv1a(b"a"), fnv1a(b"b"));
        let (code, css) = &*FILES;
        for file in code.iter().chain([css]) {
            assert!(!file.raw.is_empty() && !file.brotli.is_empty() && !file.gzip.is_empty(), "{}", file.name);
        }
        // Every chunk the page names is in the manifest, and every file it lists is served.
        for kind in ["Image", "Chatbot", "Code", "Dropdown", "Plot"] {
            let chunk = rheo_app::widget_chunk(kind).expect("a lazily loaded kind");
            let urls = &assets.chunks[chunk];
            assert!(urls.iter().any(|url| url.ends_with(&format!("/split_{chunk}.wasm"))), "{urls:?}");
            for url in urls {
                let name = url.rsplit('/').next().unwrap();
                assert!(bundle.file(&bundle.code.name, name).is_some(), "{url}");
            }
        }
        assert_eq!(rheo_app::widget_chunk("Number"), None);
        assert_eq!(assets.js_imports.len(), 1);
        // The glue, the main module and the widgets' chunks.
        assert!(code.iter().filter(|file| file.mime_type == "application/wasm").count() > 1);
        assert!(
            bundle.file(&bundle.code.name, "rheo.js").is_some() && bundle.file(&bundle.style.name, "rheo.js").is_none()
        );
    }

    #[test]
    fn accept_encoding_is_read_with_case_and_quality() {
        let headers = |value: &'static str| {
            let mut headers = HeaderMap::new();
            headers.insert(ACCEPT_ENCODING, value.parse().unwrap());
            headers
        };
        assert!(accepts(&headers("gzip, deflate, br"), "br"));
        assert!(accepts(&headers("BR;q=0.5"), "br"));
        assert!(!accepts(&headers("br;q=0, gzip"), "br"));
        assert!(accepts(&headers("br;q=0, gzip"), "gzip"));
        assert!(!accepts(&headers("brotli"), "br"));
    }
}
