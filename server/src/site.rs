//! Where the server is as its visitors see it, and who may drive it: the path it is served
//! under, the proxy in front of it, the names it answers to, the sites allowed to call it, and
//! the headers that keep other sites out.
//!
//! One middleware ([`guard`]) runs before routing. It works out each request's [`PublicUrl`]
//! (from the `Host` header, or from a trusted proxy's `X-Forwarded-*` headers), refuses a
//! host the server was not told to answer to (DNS rebinding), refuses a cross-site WebSocket or
//! POST (so another site cannot drive a visitor's camera stream or session), strips the root
//! path, and adds the security headers to every answer.

use std::{
    net::{IpAddr, SocketAddr},
    sync::Arc,
};

use axum::{
    extract::{ConnectInfo, FromRequestParts, Request, State},
    http::{
        header::{
            CONTENT_SECURITY_POLICY, CONTENT_TYPE, HOST, ORIGIN, REFERRER_POLICY, STRICT_TRANSPORT_SECURITY, UPGRADE,
            X_CONTENT_TYPE_OPTIONS,
        },
        request::Parts,
        HeaderMap, HeaderValue, Method, StatusCode, Uri,
    },
    middleware::Next,
    response::{IntoResponse, Response},
};
use ipnet::IpNet;

const X_FORWARDED_FOR: &str = "x-forwarded-for";
const X_FORWARDED_HOST: &str = "x-forwarded-host";
const X_FORWARDED_PROTO: &str = "x-forwarded-proto";
const X_FORWARDED_PREFIX: &str = "x-forwarded-prefix";
const SEC_FETCH_SITE: &str = "sec-fetch-site";
/// Longest root path accepted, from the settings or a proxy.
const MAX_ROOT_PATH_BYTES: usize = 256;

/// The deployment settings, resolved from the code and the environment (see `Registry`).
#[derive(Clone, Debug, Default)]
pub(crate) struct Site {
    /// `""` or a path like `/demos` (no trailing slash).
    pub(crate) root_path: String,
    pub(crate) trusted_proxies: Vec<IpNet>,
    /// Host names (without port) the server answers to; `None` answers to any.
    pub(crate) allowed_hosts: Option<Vec<String>>,
    /// Origins (`https://example.com`) besides the server's own that may post and stream.
    pub(crate) allowed_origins: Vec<String>,
    /// The `frame-ancestors` sources: who may show the pages in a frame.
    pub(crate) frame_ancestors: String,
    /// Whether the server itself speaks TLS.
    pub(crate) tls: bool,
    /// The policy of every answer that sets none itself, made once.
    pub(crate) default_policy: std::sync::OnceLock<Option<HeaderValue>>,
}

/// The names a server bound to a loopback address answers to when no list is given: a page
/// on another site whose name resolves to 127.0.0.1 (DNS rebinding) is refused.
pub(crate) const LOOPBACK_NAMES: [&str; 3] = ["localhost", "127.0.0.1", "[::1]"];

/// How the request's client sees the server: the origin (`https://example.com`) and the root
/// path (`/demos`, or `""`). Every URL handed out starts with them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PublicUrl {
    pub(crate) origin: String,
    pub(crate) root: String,
}

impl PublicUrl {
    /// The absolute URL of `path` (which starts with `/`), for clients on other machines.
    pub(crate) fn absolute(&self, path: &str) -> String {
        format!("{}{}{path}", self.origin, self.root)
    }

    /// `path` under the root path, for the pages' own use.
    pub(crate) fn path(&self, path: &str) -> String {
        format!("{}{path}", self.root)
    }

    /// Whether the client reached the server over TLS (its own, or a proxy's).
    pub(crate) fn secure(&self) -> bool {
        self.origin.starts_with("https://")
    }
}

impl<S: Send + Sync> FromRequestParts<S> for PublicUrl {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        // The guard puts it there before routing; a handler reached some other way (none is)
        // gets a harmless default rather than the unchecked Host.
        let fallback = || PublicUrl { origin: "http://localhost".into(), root: String::new() };
        Ok(parts.extensions.get::<PublicUrl>().cloned().unwrap_or_else(fallback))
    }
}

/// What counts as one client of `address`: an IPv4 address, or an IPv6 /64 (one subscriber's
/// whole network, which an attacker has as easily as one address; an IPv4-mapped IPv6 address
/// is its IPv4 one).
pub(crate) fn network_of(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(std::net::Ipv6Addr::from(v6.to_bits() & !u128::from(u64::MAX))),
        },
        v4 @ IpAddr::V4(_) => v4,
    }
}

/// The client's address: the peer's, or the one a trusted proxy forwarded for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ClientAddress(pub(crate) Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts.extensions.get::<ClientAddress>().copied().unwrap_or(ClientAddress(None)))
    }
}

/// ` data-theme="dark"` (or light) for a page's `<html>`, when the request's cookie chose a
/// theme; else nothing (the page follows the system's).
pub(crate) fn theme_attribute(headers: &axum::http::HeaderMap) -> String {
    let cookies = headers.get_all(axum::http::header::COOKIE).iter().filter_map(|header| header.to_str().ok());
    rheo_shared::theme::chosen_theme(cookies).map(|theme| format!(r#" data-theme="{theme}""#)).unwrap_or_default()
}

/// The browser's languages, as it asks for them (`Accept-Language`).
pub(crate) fn accept_language(headers: &axum::http::HeaderMap) -> Option<&str> {
    headers.get(axum::http::header::ACCEPT_LANGUAGE).and_then(|value| value.to_str().ok())
}

/// `text` safe to put in HTML, in text or in a quoted attribute.
pub(crate) fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

/// A request refused before routing, with the reason in words.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Refusal(pub(crate) StatusCode, pub(crate) String);

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        (self.0, self.1).into_response()
    }
}

impl Site {
    /// Checks a root path and makes it canonical: `"/demos/"` → `"/demos"`, `"/"` → `""`.
    pub(crate) fn root_path(path: &str) -> Result<String, String> {
        let trimmed = path.trim().trim_end_matches('/');
        // Only characters that need no escaping anywhere the path is written: URLs, the page's
        // script, the cookie's `Path`.
        let safe = |c: char| c.is_ascii_alphanumeric() || "-._~/".contains(c);
        if trimmed.is_empty() {
            return Ok(String::new());
        }
        if !trimmed.starts_with('/')
            || trimmed.len() > MAX_ROOT_PATH_BYTES
            || !trimmed.chars().all(safe)
            || trimmed.split('/').any(|segment| segment == "." || segment == "..")
            || trimmed.contains("//")
        {
            return Err(format!(
                "{path:?} is not a root path: give one like \"/demos\" (starting with /; letters, digits, - . _ ~ and /; no dot segments)"
            ));
        }
        Ok(trimmed.to_owned())
    }

    /// Works out where the client sees the server and who the client is, refusing a host the
    /// server does not answer to.
    fn locate(
        &self,
        peer: Option<IpAddr>,
        headers: &HeaderMap,
        uri: &Uri,
    ) -> Result<(PublicUrl, ClientAddress), Refusal> {
        let trusted = peer.is_some_and(|peer| self.trusted_proxies.iter().any(|net| net.contains(&peer)));
        let forwarded = |name: &str| {
            trusted.then(|| header(headers, name)).flatten().and_then(|v| v.split(',').next()).map(str::trim)
        };
        let bad = |what: &str| Refusal(StatusCode::BAD_REQUEST, format!("The proxy sent an unusable {what}."));
        let scheme = match forwarded(X_FORWARDED_PROTO) {
            Some(proto) if proto.eq_ignore_ascii_case("https") => "https",
            Some(proto) if proto.eq_ignore_ascii_case("http") => "http",
            Some(_) => return Err(bad(X_FORWARDED_PROTO)),
            None if self.tls => "https",
            None => "http",
        };
        // HTTP/1.0 may name no host: only a server that answers to any name takes it.
        let host = match forwarded(X_FORWARDED_HOST).or_else(|| host_header(headers, uri)) {
            Some(host) => host,
            None if self.allowed_hosts.is_none() => "localhost",
            None => return Err(Refusal(StatusCode::BAD_REQUEST, "The request names no host.".into())),
        };
        if !valid_host(host) {
            return Err(Refusal(StatusCode::BAD_REQUEST, "The request's host is not a valid name.".into()));
        }
        if !self.answers_to(host) {
            return Err(Refusal(
                StatusCode::MISDIRECTED_REQUEST,
                format!(
                    "This server does not answer to the name {:?}; its operator can allow it with \
                     RHEO_ALLOWED_HOSTS.",
                    host_name(host)
                ),
            ));
        }
        // An empty prefix is none: a proxy that passes paths on unchanged clears the header.
        let root = match forwarded(X_FORWARDED_PREFIX).filter(|prefix| !prefix.is_empty()) {
            Some(prefix) => Site::root_path(prefix).map_err(|_| bad(X_FORWARDED_PREFIX))?,
            None => self.root_path.clone(),
        };
        let client = match trusted.then(|| forwarded_client(headers, &self.trusted_proxies)).flatten() {
            Some(client) => Some(client),
            None => peer,
        };
        Ok((PublicUrl { origin: format!("{scheme}://{host}"), root }, ClientAddress(client)))
    }

    fn answers_to(&self, host: &str) -> bool {
        let name = host_name(host);
        match &self.allowed_hosts {
            None => true,
            Some(names) => names.iter().any(|allowed| allowed.eq_ignore_ascii_case(name)),
        }
    }

    /// Refuses a WebSocket or a state-changing request that another site's page sent. Browsers
    /// always send `Origin` with both; clients that are not browsers send none and pass.
    fn check_origin(&self, public: &PublicUrl, method: &Method, headers: &HeaderMap) -> Result<(), Refusal> {
        let upgrade = headers.contains_key(UPGRADE);
        let changes_state = !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS);
        if !upgrade && !changes_state {
            return Ok(());
        }
        let refused = |from: &str| {
            Refusal(
                StatusCode::FORBIDDEN,
                format!("Refused a cross-site request from {from}: only this server's own pages may send it."),
            )
        };
        match header(headers, ORIGIN.as_str()) {
            Some(origin) if origin.eq_ignore_ascii_case(&public.origin) => Ok(()),
            Some(origin) if self.allowed_origins.iter().any(|allowed| allowed.eq_ignore_ascii_case(origin)) => Ok(()),
            Some(origin) => Err(refused(origin)),
            None if header(headers, SEC_FETCH_SITE) == Some("cross-site") => Err(refused("another site")),
            None => Ok(()),
        }
    }

    /// The Content-Security-Policy of a page: the bundle and the server's own scripts (which
    /// carry the page's `nonce`), nothing inline that markup could add.
    pub(crate) fn content_security_policy(&self, nonce: Option<&str>) -> String {
        // wasm-unsafe-eval lets the bundle compile its WebAssembly; blob: scripts are the
        // microphone's AudioWorklet module and the webcam's encoding Worker, which only our own
        // code can make; blob: reads are media the page received on a stream (a conversation's
        // reply, decoded for Web Audio).
        let nonce = nonce.map(|n| format!(" 'nonce-{n}'")).unwrap_or_default();
        format!(
            "default-src 'self'; script-src 'self'{nonce} 'wasm-unsafe-eval' blob:; style-src 'self'; \
             img-src 'self' data: blob:; media-src 'self' data: blob:; connect-src 'self' blob:; object-src 'none'; \
             base-uri 'none'; form-action 'self'; frame-ancestors {}",
            self.frame_ancestors
        )
    }
}

/// Runs before routing: see the module's docs.
pub(crate) async fn guard(State(site): State<Arc<Site>>, mut request: Request, next: Next) -> Response {
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(peer)| peer.ip());
    let located = site.locate(peer, request.headers(), request.uri()).and_then(|(public, client)| {
        site.check_origin(&public, request.method(), request.headers())?;
        Ok((public, client))
    });
    let (public, client) = match located {
        Ok(located) => located,
        Err(refusal) => return with_security_headers(&site, refusal.into_response()),
    };
    if let Some(uri) = strip_root(&site.root_path, request.uri()) {
        *request.uri_mut() = uri;
    }
    request.extensions_mut().insert(public);
    request.extensions_mut().insert(client);
    with_security_headers(&site, next.run(request).await)
}

fn with_security_headers(site: &Site, mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    if site.tls {
        // Served over Rheo's own TLS: browsers keep to HTTPS for a year (not the subdomains,
        // which this server does not know). Behind a TLS proxy, the proxy sets it.
        headers.insert(STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000"));
    }
    if !headers.contains_key(CONTENT_SECURITY_POLICY) && governed(headers) {
        let policy =
            site.default_policy.get_or_init(|| HeaderValue::from_str(&site.content_security_policy(None)).ok());
        if let Some(policy) = policy {
            headers.insert(CONTENT_SECURITY_POLICY, policy.clone());
        }
    }
    response
}

/// Whether a response is one a Content Security Policy governs: a document or a script (a
/// worker's policy comes with its script). A stylesheet or a wasm module is bytes a page reads,
/// under the page's policy; each of a page's wasm chunks would carry 300 bytes of policy.
fn governed(headers: &HeaderMap) -> bool {
    let content_type = headers.get(CONTENT_TYPE).and_then(|value| value.to_str().ok()).unwrap_or_default();
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    !matches!(essence, "application/wasm" | "text/css")
}

/// The URI without the configured root path, when it starts with it; a request that does not
/// (a proxy that strips the prefix itself) is routed as it is.
fn strip_root(root: &str, uri: &Uri) -> Option<Uri> {
    if root.is_empty() {
        return None;
    }
    let rest = uri.path().strip_prefix(root)?;
    let path = match rest {
        "" => "/",
        rest if rest.starts_with('/') => rest,
        _ => return None,
    };
    let path_and_query = match uri.query() {
        Some(query) => format!("{path}?{query}"),
        None => path.to_owned(),
    };
    path_and_query.parse().ok()
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|value| value.to_str().ok())
}

/// The `Host` header, or the authority of an HTTP/2 request.
fn host_header<'a>(headers: &'a HeaderMap, uri: &'a Uri) -> Option<&'a str> {
    header(headers, HOST.as_str()).or_else(|| uri.authority().map(|a| a.as_str()))
}

/// A host as `Host` may give it: a name or address, and maybe a port.
fn valid_host(host: &str) -> bool {
    !host.is_empty() && host.len() <= 255 && host.chars().all(|c| c.is_ascii_alphanumeric() || "-.:[]_".contains(c))
}

/// The host without its port: `example.com:8080` → `example.com`, `[::1]:80` → `[::1]`.
fn host_name(host: &str) -> &str {
    match host.rfind(':') {
        Some(colon) if !host[colon..].contains(']') => &host[..colon],
        _ => host,
    }
}

/// The client a chain of trusted proxies forwarded for: the right-most address in
/// `X-Forwarded-For` that is not one of them (those left of it could be forged by the client).
/// An entry that is not an address ends the search: what lies left of it is not trusted.
fn forwarded_client(headers: &HeaderMap, trusted: &[IpNet]) -> Option<IpAddr> {
    for entry in header(headers, X_FORWARDED_FOR)?.rsplit(',') {
        let address = entry.trim().parse::<IpAddr>().ok()?;
        if !trusted.iter().any(|net| net.contains(&address)) {
            return Some(address);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        pairs.iter().map(|(k, v)| (k.parse().unwrap(), v.parse().unwrap())).collect()
    }

    fn proxied() -> Site {
        Site { trusted_proxies: vec!["127.0.0.1/32".parse().unwrap()], ..Site::default() }
    }

    const PROXY: Option<IpAddr> = Some(IpAddr::V4(std::net::Ipv4Addr::LOCALHOST));
    const STRANGER: Option<IpAddr> = Some(IpAddr::V4(std::net::Ipv4Addr::new(203, 0, 113, 9)));

    #[test]
    fn over_its_own_tls_the_server_asks_browsers_to_keep_to_https() {
        let hsts = |tls: bool| {
            let site = Site { tls, ..Site::default() };
            let response = with_security_headers(&site, Response::default());
            response.headers().get(STRICT_TRANSPORT_SECURITY).map(|v| v.to_str().unwrap().to_owned())
        };
        assert_eq!(hsts(true).as_deref(), Some("max-age=31536000"));
        assert_eq!(hsts(false), None, "plain HTTP, or behind a proxy that ends TLS");
    }

    #[test]
    fn forwarded_headers_count_only_from_a_trusted_proxy() {
        let sent = headers(&[
            ("host", "127.0.0.1:7860"),
            ("x-forwarded-host", "example.com"),
            ("x-forwarded-proto", "https"),
            ("x-forwarded-prefix", "/demos/"),
            ("x-forwarded-for", "198.51.100.1, 192.0.2.7, 127.0.0.1"),
        ]);
        let uri = Uri::from_static("/calculator");
        let (public, client) = proxied().locate(PROXY, &sent, &uri).unwrap();
        assert_eq!(public, PublicUrl { origin: "https://example.com".into(), root: "/demos".into() });
        assert_eq!(client, ClientAddress("192.0.2.7".parse().ok()), "the address the proxy saw, not the forgeable one");
        let (public, client) = proxied().locate(STRANGER, &sent, &uri).unwrap();
        assert_eq!(public, PublicUrl { origin: "http://127.0.0.1:7860".into(), root: String::new() });
        assert_eq!(client, ClientAddress(STRANGER));
        let unparseable = headers(&[("host", "h"), ("x-forwarded-for", "192.0.2.7, unknown")]);
        assert_eq!(proxied().locate(PROXY, &unparseable, &uri).unwrap().1, ClientAddress(PROXY), "not a guess");
        let cleared = headers(&[("host", "h"), ("x-forwarded-prefix", "")]);
        let site = Site { root_path: "/demos".into(), ..proxied() };
        assert_eq!(site.locate(PROXY, &cleared, &uri).unwrap().0.root, "/demos", "an empty prefix is none");
    }

    #[test]
    fn a_host_not_allowed_is_refused() {
        let site = Site { allowed_hosts: Some(LOOPBACK_NAMES.map(String::from).to_vec()), ..Site::default() };
        let uri = Uri::from_static("/");
        for allowed in ["127.0.0.1:7860", "localhost", "LOCALHOST:1", "[::1]:7860"] {
            assert!(site.locate(PROXY, &headers(&[("host", allowed)]), &uri).is_ok(), "{allowed}");
        }
        let refusal = site.locate(PROXY, &headers(&[("host", "rebind.evil.example:7860")]), &uri).unwrap_err();
        assert_eq!(refusal.0, StatusCode::MISDIRECTED_REQUEST);
        assert!(refusal.1.contains("\"rebind.evil.example\""), "{}", refusal.1);
        let refusal = site.locate(PROXY, &headers(&[("host", "a b")]), &uri).unwrap_err();
        assert_eq!(refusal.0, StatusCode::BAD_REQUEST);
    }

    #[test]
    fn cross_site_websockets_and_posts_are_refused() {
        let site = Site { allowed_origins: vec!["https://friend.example".into()], ..Site::default() };
        let public = PublicUrl { origin: "http://127.0.0.1:7860".into(), root: String::new() };
        let check = |method: Method, pairs: &[(&str, &str)]| site.check_origin(&public, &method, &headers(pairs));
        let socket = |origin: &str| check(Method::GET, &[("upgrade", "websocket"), ("origin", origin)]);
        assert!(socket("http://127.0.0.1:7860").is_ok());
        assert!(socket("https://friend.example").is_ok());
        assert_eq!(socket("http://evil.example").unwrap_err().0, StatusCode::FORBIDDEN);
        assert!(socket("null").is_err());
        assert!(check(Method::POST, &[("origin", "http://evil.example")]).is_err());
        assert!(check(Method::POST, &[("sec-fetch-site", "cross-site")]).is_err());
        assert!(check(Method::POST, &[]).is_ok(), "clients that are not browsers send no Origin");
        assert!(check(Method::GET, &[("origin", "http://evil.example")]).is_ok(), "reading is not driving");
    }

    #[test]
    fn the_root_path_is_checked_and_stripped() {
        assert_eq!(Site::root_path("/demos/"), Ok("/demos".into()));
        assert_eq!(Site::root_path("/"), Ok(String::new()));
        for bad in ["demos", "/a/../b", "/a//b", "/a b", "/<x>", "/'+alert(1)+'", "/x;Domain=evil"] {
            assert!(Site::root_path(bad).is_err(), "{bad}");
        }
        let strip = |uri: &'static str| strip_root("/demos", &Uri::from_static(uri)).map(|u| u.to_string());
        assert_eq!(strip("/demos/calculator?x=1"), Some("/calculator?x=1".into()));
        assert_eq!(strip("/demos"), Some("/".into()));
        assert_eq!(strip("/demosx/calculator"), None);
        assert_eq!(strip("/calculator"), None, "a proxy that strips the prefix itself");
    }
}
