//! The UI bundle: the compiled page (wasm and its JS glue) and the stylesheet, built once by
//! `scripts/bundle.sh` and shipped inside this crate, so an interface runs with nothing but
//! `cargo run` (the UI is generic: one bundle serves every author).
//!
//! The files are served from memory at content-hashed names (`/pkg/rheo-<hash>.wasm`) with
//! immutable caching, precompressed (brotli and gzip, chosen by the request's
//! `Accept-Encoding`). `bundle/FINGERPRINT` names the sources the bundle was built from; a
//! test in the workspace fails when they have changed since.
//!
//! While developing the UI, `cargo leptos watch` sets `LEPTOS_SITE_ROOT`: the bundle then comes
//! from that directory, rebuilt and reloaded on every change.

use std::{io::Write as _, sync::LazyLock};

use axum::{
    extract::{Path, State},
    http::{
        header::{ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_TYPE, VARY},
        HeaderMap, StatusCode,
    },
    response::{IntoResponse, Response},
};
use bytes::Bytes;
use rheo_app::Assets;

/// Where the bundle's files are served.
pub(crate) const PKG_DIR: &str = "pkg";

/// One file of the bundle, in its three encodings.
#[derive(Clone)]
struct File {
    /// `rheo-<hash of the contents>.<extension>`
    name: String,
    mime_type: &'static str,
    raw: Bytes,
    brotli: Bytes,
    gzip: Bytes,
}

macro_rules! bundle_file {
    ($file:literal, $mime_type:literal) => {
        File::new(
            $file,
            $mime_type,
            include_bytes!(concat!("../bundle/", $file)),
            include_bytes!(concat!("../bundle/", $file, ".br")),
            include_bytes!(concat!("../bundle/", $file, ".gz")),
        )
    };
}

/// The embedded bundle: the JS glue, the wasm, the stylesheet.
static FILES: LazyLock<[File; 3]> = LazyLock::new(|| {
    [
        bundle_file!("rheo.js", "text/javascript"),
        bundle_file!("rheo.wasm", "application/wasm"),
        bundle_file!("rheo.css", "text/css"),
    ]
});

impl File {
    fn new(
        file: &str,
        mime_type: &'static str,
        raw: &'static [u8],
        brotli: &'static [u8],
        gzip: &'static [u8],
    ) -> Self {
        let (stem, extension) = file.rsplit_once('.').expect("bundle files have an extension");
        let name = format!("{stem}-{:016x}.{extension}", fnv1a(raw));
        File {
            name,
            mime_type,
            raw: Bytes::from_static(raw),
            brotli: Bytes::from_static(brotli),
            gzip: Bytes::from_static(gzip),
        }
    }

    /// The stylesheet with `added` after it (a theme's rules), compressed now.
    fn with_css(&self, added: &str) -> Self {
        let raw = [&self.raw[..], added.as_bytes()].concat();
        let mut brotli = Vec::new();
        brotli::BrotliCompress(&mut &raw[..], &mut brotli, &brotli::enc::BrotliEncoderParams::default())
            .expect("compressing in memory cannot fail");
        let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gzip.write_all(&raw).expect("compressing in memory cannot fail");
        let gzip = gzip.finish().expect("compressing in memory cannot fail");
        let name = format!("rheo-{:016x}.css", fnv1a(&raw));
        File { name, mime_type: self.mime_type, raw: raw.into(), brotli: brotli.into(), gzip: gzip.into() }
    }

    fn url(&self) -> String {
        format!("/{PKG_DIR}/{}", self.name)
    }
}

/// FNV-1a (64 bits): a content hash for cache-busting names and keys, not for security.
pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3))
}

/// The embedded bundle as this server serves it: its stylesheet followed by the theme's CSS,
/// if the author set a theme (see [`crate::Theme`]).
pub(crate) struct Bundle {
    files: [File; 3],
}

impl Bundle {
    pub(crate) fn embedded(theme_css: Option<&str>) -> Self {
        let [js, wasm, css] = FILES.clone();
        let css = match theme_css {
            Some(added) => css.with_css(added),
            None => css,
        };
        Bundle { files: [js, wasm, css] }
    }

    /// The URLs of its files.
    pub(crate) fn assets(&self) -> Assets {
        let [js, wasm, css] = &self.files;
        Assets { js: js.url(), wasm: wasm.url(), css: css.url() }
    }
}

/// The URLs of the bundle `cargo leptos` writes to `LEPTOS_SITE_ROOT/pkg` (its output name is
/// the same for all three, `rheo`).
pub(crate) fn site_assets(output_name: &str) -> Assets {
    let url = |extension: &str| format!("/{PKG_DIR}/{output_name}.{extension}");
    Assets { js: url("js"), wasm: url("wasm"), css: url("css") }
}

/// `GET /pkg/<file>`: an embedded file, in the best encoding the client takes; 404 for any
/// other name.
pub(crate) async fn serve(
    State(bundle): State<std::sync::Arc<Bundle>>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Response {
    let Some(file) = bundle.files.iter().find(|file| file.name == name) else {
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
        let (plain, themed) = (Bundle::embedded(None), Bundle::embedded(Some(":root { --radius: 2px; }")));
        assert_eq!((plain.assets().js, plain.assets().wasm), (themed.assets().js, themed.assets().wasm));
        assert_ne!(plain.assets().css, themed.assets().css);
        let css = &themed.files[2];
        assert!(css.raw.starts_with(&plain.files[2].raw) && css.raw.ends_with(b":root { --radius: 2px; }"));
        let mut unzipped = String::new();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&css.gzip[..]), &mut unzipped).unwrap();
        assert_eq!(unzipped.as_bytes(), &css.raw[..]);
        let mut unbrotlied = Vec::new();
        brotli::BrotliDecompress(&mut &css.brotli[..], &mut unbrotlied).unwrap();
        assert_eq!(unbrotlied, css.raw);
    }

    #[test]
    fn names_carry_a_hash_of_the_contents() {
        let assets = Bundle::embedded(None).assets();
        assert!(assets.wasm.starts_with("/pkg/rheo-") && assets.wasm.ends_with(".wasm"), "{}", assets.wasm);
        assert_ne!(fnv1a(b"a"), fnv1a(b"b"));
        for file in &*FILES {
            assert!(!file.raw.is_empty() && !file.brotli.is_empty() && !file.gzip.is_empty(), "{}", file.name);
        }
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
