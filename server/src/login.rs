//! An optional login, as Gradio's `auth=`: a login page, a signed session cookie, and every
//! page, API route, file and stream refused without it.
//!
//! Gradio's clients log in the way Gradio expects: `POST <interface>/login` with the form
//! fields `username` and `password` (what `gradio_client.Client(url, auth=…)` sends), answered
//! with the cookie. Failed logins lock the client's address out for a time that doubles with
//! each failure. Passwords are compared in constant time and never logged.

use std::{
    collections::HashMap,
    net::IpAddr,
    sync::{Arc, Mutex},
    time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};

use axum::{
    body::Bytes,
    extract::{Request, State},
    http::{
        header::{ACCEPT, CACHE_CONTROL, CONTENT_TYPE, COOKIE, LOCATION, RETRY_AFTER, SET_COOKIE},
        HeaderMap, HeaderValue, Method, StatusCode,
    },
    middleware::Next,
    response::{Html, IntoResponse, Response},
    Json,
};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use hmac::{Hmac, Mac};
use rheo_shared::i18n::{Languages, Strings, Text};
use sha2::{Digest, Sha256};

use crate::site::{accept_language, network_of, theme_attribute, ClientAddress, PublicUrl};

/// The session cookie's name.
pub(crate) const SESSION_COOKIE: &str = "rheo-session";
/// How long a login lasts. Fixed: a week of a demo left open between uses; logging out ends
/// one sooner, and a new `RHEO_SECRET_KEY` (or a restart without one) ends them all.
const SESSION_LIFETIME: Duration = Duration::from_secs(7 * 24 * 3600);
/// The longest a client address is locked out after failed logins. Fixed: long enough that
/// guessing is slow (under 100 guesses an hour an address), short enough that a person who
/// mistyped is not locked out for long.
const MAX_LOCKOUT: Duration = Duration::from_secs(60);
/// Addresses remembered for their failed logins; the oldest are forgotten first. Fixed: a few
/// hundred KiB at most, and past it only the quiet ones are forgotten.
const MAX_TRACKED_ADDRESSES: usize = 10_000;
/// A login form's body, at most. Fixed: a user name and a password, never more.
const MAX_FORM_BYTES: usize = 4096;

/// Who may log in: a list of users, or a function that checks a user name and password.
///
/// ```
/// use rheo::Login;
/// let team = Login::users([("ada", "correct horse battery staple")]);
/// let custom = Login::check(|user: &str, password: &str| user == "grace" && password.len() > 12);
/// # let _ = (team, custom);
/// ```
#[derive(Clone)]
pub struct Login(Arc<CheckFn>);

/// Whether a user name and password may log in.
type CheckFn = dyn Fn(&str, &str) -> bool + Send + Sync;

impl Login {
    /// These users, each with their password.
    pub fn users<U: Into<String>, P: AsRef<str>>(users: impl IntoIterator<Item = (U, P)>) -> Self {
        let users: Vec<(String, [u8; 32])> =
            users.into_iter().map(|(user, password)| (user.into(), digest(password.as_ref()))).collect();
        Self(Arc::new(move |user: &str, password: &str| {
            let given = digest(password);
            // Every entry is compared, and each comparison takes the same time, so neither the
            // user's position nor the password's length shows in the time taken.
            users.iter().fold(false, |found, (name, expected)| found | (name == user && same(expected, &given)))
        }))
    }

    /// Users checked by `check(user, password)`.
    pub fn check(check: impl Fn(&str, &str) -> bool + Send + Sync + 'static) -> Self {
        Self(Arc::new(check))
    }

    /// Users from `user:password` pairs separated by commas (the `RHEO_USERS` variable).
    pub(crate) fn from_list(list: &str) -> Result<Self, String> {
        let users = list
            .split(',')
            .filter(|entry| !entry.trim().is_empty())
            .map(|entry| match entry.split_once(':') {
                Some((user, password)) if !user.trim().is_empty() && !password.is_empty() => {
                    Ok((user.trim().to_owned(), password.to_owned()))
                }
                _ => Err("RHEO_USERS must be user:password pairs separated by commas".to_owned()),
            })
            .collect::<Result<Vec<_>, _>>()?;
        if users.is_empty() {
            return Err("RHEO_USERS names no user".to_owned());
        }
        Ok(Self::users(users))
    }
}

impl std::fmt::Debug for Login {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Login(..)")
    }
}

fn digest(text: &str) -> [u8; 32] {
    Sha256::digest(text.as_bytes()).into()
}

fn same(a: &[u8; 32], b: &[u8; 32]) -> bool {
    a.iter().zip(b).fold(0u8, |differs, (x, y)| differs | (x ^ y)) == 0
}

/// The login's state: who may log in, the key that signs cookies, failed logins by address.
pub(crate) struct Gate {
    login: Login,
    key: [u8; 32],
    failures: Mutex<HashMap<IpAddr, Failures>>,
    /// The stylesheet of the UI bundle, for the login page.
    stylesheet: String,
    /// The languages the login page speaks.
    languages: Languages,
}

/// How a visitor's login page looks: `<html>`'s attribute for their theme (or nothing), and
/// their language.
struct Look {
    theme: String,
    words: &'static Strings,
}

#[derive(Clone, Copy)]
struct Failures {
    count: u32,
    locked_until: Instant,
}

impl Gate {
    pub(crate) fn new(login: Login, key: [u8; 32], stylesheet: String, languages: Languages) -> Self {
        Self { login, key, failures: Mutex::new(HashMap::new()), stylesheet, languages }
    }

    /// The login page's look for a request with these `headers`.
    fn look(&self, headers: &HeaderMap) -> Look {
        Look { theme: theme_attribute(headers), words: self.languages.choose(accept_language(headers)) }
    }

    /// The cookie value that proves `user` logged in, valid until `expires` (seconds since 1970).
    fn sign(&self, user: &str, expires: u64) -> String {
        let payload = format!("{}.{expires}", URL_SAFE_NO_PAD.encode(user));
        format!("{payload}.{}", URL_SAFE_NO_PAD.encode(self.mac(&payload).finalize().into_bytes()))
    }

    /// The user a cookie value proves, when its signature holds and it has not expired.
    fn verify(&self, value: &str, now: u64) -> Option<String> {
        let (payload, signature) = value.rsplit_once('.')?;
        let signature = URL_SAFE_NO_PAD.decode(signature).ok()?;
        self.mac(payload).verify_slice(&signature).ok()?;
        let (user, expires) = payload.split_once('.')?;
        (expires.parse::<u64>().ok()? > now).then_some(())?;
        String::from_utf8(URL_SAFE_NO_PAD.decode(user).ok()?).ok()
    }

    fn mac(&self, payload: &str) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes a key of any length");
        mac.update(payload.as_bytes());
        mac
    }

    /// Takes a login attempt of `client`, or says how long it must still wait. The attempt
    /// counts as failed (and locks the address out: 1 s, then 2 s, 4 s… up to a minute) until
    /// [`Gate::succeeded`] says otherwise, so attempts sent all at once get one guess between
    /// them. An address that stops failing starts over after a quiet quarter hour.
    fn attempt(&self, client: Option<IpAddr>, now: Instant) -> Result<(), Duration> {
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let key = bucket(client);
        if let Some(until) = failures.get(&key).map(|f| f.locked_until).filter(|until| *until > now) {
            return Err(until - now);
        }
        if failures.len() >= MAX_TRACKED_ADDRESSES {
            failures.retain(|_, f| now.saturating_duration_since(f.locked_until) < QUIET);
            if failures.len() >= MAX_TRACKED_ADDRESSES {
                // Under a spray from many addresses, forget the ones whose lock ends first.
                let mut ends: Vec<Instant> = failures.values().map(|f| f.locked_until).collect();
                ends.sort_unstable();
                let cutoff = ends[ends.len() / 2];
                failures.retain(|_, f| f.locked_until > cutoff);
            }
        }
        let entry = failures.entry(key).or_insert(Failures { count: 0, locked_until: now });
        if now.saturating_duration_since(entry.locked_until) >= QUIET {
            entry.count = 0;
        }
        entry.count = entry.count.saturating_add(1);
        entry.locked_until = now + Duration::from_secs(1 << (entry.count - 1).min(6)).min(MAX_LOCKOUT);
        Ok(())
    }

    fn succeeded(&self, client: Option<IpAddr>) {
        self.failures.lock().unwrap_or_else(|e| e.into_inner()).remove(&bucket(client));
    }
}

/// After this long without a failed login, an address starts over.
const QUIET: Duration = Duration::from_secs(900);

/// Whose failures a client's count with: its network (see [`network_of`]). Clients with no
/// known address (a router served without `ConnectInfo`) share one count.
fn bucket(client: Option<IpAddr>) -> IpAddr {
    client.map_or(IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED), network_of)
}

fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

/// Whether the request comes from a person's browser (which gets pages and redirects) rather
/// than an API client (which gets status codes and JSON).
fn wants_html(headers: &HeaderMap) -> bool {
    headers.get(ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|accept| accept.contains("text/html"))
}

/// The login routes, and the check in front of everything else.
pub(crate) async fn guard(State(gate): State<Arc<Gate>>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let public = request.extensions().get::<PublicUrl>().cloned().expect("the site guard runs first");
    // `/login`, and `/<name>/login` where Gradio's clients log in to an interface.
    let is_login = path.strip_suffix("/login").is_some_and(|name| !name.get(1..).unwrap_or("").contains('/'));
    match (request.method().clone(), path.as_str()) {
        (Method::GET, "/login") => {
            let look = gate.look(request.headers());
            return login_page(&gate, &public, &look, &next_page(request.uri().query()), None);
        }
        (Method::POST, _) if is_login => return log_in(&gate, request).await,
        (Method::GET, "/logout") => return log_out(&public),
        // The UI bundle is the same for every server, public, and the login page needs its styles.
        (Method::GET | Method::HEAD, path) if path.starts_with("/pkg/") => return next.run(request).await,
        _ => {}
    }
    let user = cookie(request.headers(), SESSION_COOKIE).and_then(|value| gate.verify(&value, unix_now()));
    if user.is_some() {
        return next.run(request).await;
    }
    if matches!(*request.method(), Method::GET | Method::HEAD) && wants_html(request.headers()) {
        let target = request.uri().path_and_query().map_or(path.clone(), |p| p.to_string());
        let query = form_urlencoded::Serializer::new(String::new()).append_pair("next", &public.path(&target)).finish();
        return redirect(&format!("{}?{query}", public.path("/login")));
    }
    (StatusCode::UNAUTHORIZED, Json(serde_json::json!({ "detail": "Not authenticated: log in first." })))
        .into_response()
}

/// A value of the request's `Cookie` header.
fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(cookie::Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_owned())
}

/// The `next` parameter of a query: where to go after logging in.
fn next_page(query: Option<&str>) -> String {
    let next = query
        .map(|q| form_urlencoded::parse(q.as_bytes()))
        .and_then(|mut pairs| pairs.find(|(k, _)| k == "next").map(|(_, v)| v.into_owned()))
        .unwrap_or_default();
    local_path(next)
}

/// A path on this server, never another site (`//evil.example`, `/\\evil.example` and
/// `/<tab>/evil.example`, whose tab browsers drop, are another site to a browser); `""`
/// otherwise.
fn local_path(path: String) -> String {
    let local = path.starts_with('/')
        && !path.starts_with("//")
        && !path.contains('\\')
        && !path.chars().any(|c| c.is_control() || c.is_whitespace());
    if local {
        path
    } else {
        String::new()
    }
}

async fn log_in(gate: &Gate, request: Request) -> Response {
    let client = request.extensions().get::<ClientAddress>().and_then(|c| c.0);
    let public = request.extensions().get::<PublicUrl>().cloned().expect("the site guard runs first");
    let html = wants_html(request.headers());
    let look = gate.look(request.headers());
    let form = match axum::body::to_bytes(request.into_body(), MAX_FORM_BYTES).await {
        Ok(body) => Form::read(&body),
        Err(_) => return (StatusCode::PAYLOAD_TOO_LARGE, "The login form is too large.").into_response(),
    };
    if let Err(wait) = gate.attempt(client, Instant::now()) {
        let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
        // API clients read English; the page speaks the visitor's language.
        let mut response = match html {
            true => {
                let message = look.words.fill(Text::TooManyLogins, &[("seconds", &seconds)]);
                login_page(gate, &public, &look, &form.next, Some(&message))
            }
            false => {
                let message = Strings::english().fill(Text::TooManyLogins, &[("seconds", &seconds)]);
                Json(serde_json::json!({ "detail": message })).into_response()
            }
        };
        *response.status_mut() = StatusCode::TOO_MANY_REQUESTS;
        response.headers_mut().insert(RETRY_AFTER, HeaderValue::from(seconds));
        return response;
    }
    // An author's check may be slow (a directory lookup): off the runtime's threads.
    let (check, user, password) = (gate.login.0.clone(), form.username.clone(), form.password.clone());
    let accepted = tokio::task::spawn_blocking(move || check(&user, &password)).await.unwrap_or(false);
    if !accepted {
        // Not the user name: people type their password there by mistake.
        tracing::info!(client = ?client, "failed login");
        let mut response = match html {
            true => login_page(gate, &public, &look, &form.next, Some(look.words.get(Text::LoginIncorrect))),
            false => Json(serde_json::json!({ "detail": Text::LoginIncorrect.english() })).into_response(),
        };
        *response.status_mut() = StatusCode::UNAUTHORIZED;
        return response;
    }
    gate.succeeded(client);
    let expires = unix_now() + SESSION_LIFETIME.as_secs();
    let session = cookie::Cookie::build((SESSION_COOKIE, gate.sign(&form.username, expires)))
        .path(cookie_path(&public))
        .http_only(true)
        .same_site(cookie::SameSite::Lax)
        .secure(public.secure())
        .max_age(cookie::time::Duration::seconds(SESSION_LIFETIME.as_secs() as i64))
        .build();
    let mut response = match html {
        true => redirect(&Some(form.next).filter(|n| !n.is_empty()).unwrap_or_else(|| public.path("/"))),
        false => Json(serde_json::json!({ "success": true })).into_response(),
    };
    if let Ok(value) = HeaderValue::from_str(&session.to_string()) {
        response.headers_mut().insert(SET_COOKIE, value);
    }
    response
}

fn log_out(public: &PublicUrl) -> Response {
    let cleared =
        cookie::Cookie::build((SESSION_COOKIE, "")).path(cookie_path(public)).max_age(cookie::time::Duration::ZERO);
    let mut response = redirect(&public.path("/login"));
    if let Ok(value) = HeaderValue::from_str(&cleared.to_string()) {
        response.headers_mut().insert(SET_COOKIE, value);
    }
    response
}

/// The session cookie's path: the root path without a trailing slash, so that `/demos` itself
/// gets it too (and `/demosx` does not), or `/`.
fn cookie_path(public: &PublicUrl) -> String {
    match public.root.as_str() {
        "" => "/".to_owned(),
        root => root.to_owned(),
    }
}

/// The fields of a login form.
struct Form {
    username: String,
    password: String,
    next: String,
}

impl Form {
    fn read(body: &Bytes) -> Self {
        let mut form = Form { username: String::new(), password: String::new(), next: String::new() };
        for (key, value) in form_urlencoded::parse(body) {
            match key.as_ref() {
                "username" => form.username = value.into_owned(),
                "password" => form.password = value.into_owned(),
                "next" => form.next = local_path(value.into_owned()),
                _ => {}
            }
        }
        form
    }
}

fn redirect(location: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(LOCATION, value);
    }
    response
}

/// The login page: a plain form (it works before and without the UI bundle), in the visitor's
/// theme and language.
fn login_page(gate: &Gate, public: &PublicUrl, look: &Look, next: &str, error: Option<&str>) -> Response {
    let escape = crate::site::escape_html;
    let error = error.map(|e| format!(r#"<p class="error" role="alert">{}</p>"#, escape(e))).unwrap_or_default();
    let word = |text| escape(look.words.get(text));
    let page = format!(
        r#"<!DOCTYPE html>
<html lang="{lang}"{theme}><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{log_in}</title><link rel="stylesheet" href="{stylesheet}"></head>
<body><main class="login"><h1>{log_in}</h1>{error}
<form method="post" action="{action}">
<input type="hidden" name="next" value="{next}">
<label>{user_name} <input name="username" autocomplete="username" required autofocus></label>
<label>{password} <input name="password" type="password" autocomplete="current-password" required></label>
<button type="submit" class="primary">{log_in}</button>
</form></main></body></html>"#,
        lang = escape(&look.words.lang),
        theme = look.theme,
        log_in = word(Text::LogIn),
        user_name = word(Text::UserName),
        password = word(Text::Password),
        stylesheet = escape(&public.path(&gate.stylesheet)),
        action = escape(&public.path("/login")),
        next = escape(next),
    );
    let mut response = Html(page).into_response();
    response.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gate() -> Gate {
        Gate::new(Login::users([("ada", "lovelace")]), [7; 32], "/pkg/rheo.css".into(), Languages::new(Vec::new()))
    }

    #[test]
    fn users_are_checked_by_name_and_password() {
        let Login(check) = Login::users([("ada", "lovelace"), ("alan", "turing")]);
        assert!(check("ada", "lovelace") && check("alan", "turing"));
        assert!(!check("ada", "turing") && !check("grace", "lovelace") && !check("ada", ""));
        assert!(Login::from_list("ada:love:lace, alan:turing").is_ok_and(|Login(c)| c("ada", "love:lace")));
        assert!(Login::from_list("ada").is_err() && Login::from_list(" , ").is_err());
    }

    #[test]
    fn a_cookie_holds_only_when_signed_by_this_key_and_unexpired() {
        let gate = gate();
        let value = gate.sign("ada", 2_000);
        assert_eq!(gate.verify(&value, 1_999), Some("ada".into()));
        assert_eq!(gate.verify(&value, 2_000), None, "expired");
        let forged = value.replacen(&URL_SAFE_NO_PAD.encode("ada"), &URL_SAFE_NO_PAD.encode("root"), 1);
        assert_eq!(gate.verify(&forged, 1_000), None);
        let other = Gate::new(Login::users([("ada", "x")]), [8; 32], String::new(), Languages::new(Vec::new()));
        assert_eq!(other.verify(&value, 1_000), None, "another key");
        assert_eq!(gate.verify("garbage", 0), None);
    }

    #[test]
    fn failed_logins_lock_the_address_out_for_longer_each_time() {
        let gate = gate();
        let (client, now) = (Some("192.0.2.1".parse().unwrap()), Instant::now());
        assert_eq!(gate.attempt(client, now), Ok(()));
        assert_eq!(gate.attempt(client, now), Err(Duration::from_secs(1)), "one guess at a time");
        assert_eq!(gate.attempt(client, now + Duration::from_secs(1)), Ok(()));
        assert_eq!(gate.attempt(client, now + Duration::from_secs(1)), Err(Duration::from_secs(2)));
        let mut later = now + Duration::from_secs(3);
        for _ in 0..20 {
            assert_eq!(gate.attempt(client, later), Ok(()));
            later += MAX_LOCKOUT;
        }
        assert_eq!(gate.attempt(client, later - MAX_LOCKOUT), Err(MAX_LOCKOUT), "a minute at most");
        assert_eq!(gate.attempt(Some("192.0.2.2".parse().unwrap()), now), Ok(()), "another address");
        assert_eq!(gate.attempt(client, later + QUIET), Ok(()));
        assert_eq!(gate.attempt(client, later + QUIET), Err(Duration::from_secs(1)), "quiet: starts over");
        gate.succeeded(client);
        assert_eq!(gate.attempt(client, later + QUIET), Ok(()), "a success clears it");
    }

    #[test]
    fn an_ipv6_network_counts_as_one_client_and_unknown_clients_share_a_count() {
        let gate = gate();
        let now = Instant::now();
        assert_eq!(gate.attempt(Some("2001:db8:1:2::1".parse().unwrap()), now), Ok(()));
        assert!(gate.attempt(Some("2001:db8:1:2:ffff::9".parse().unwrap()), now).is_err(), "same /64");
        assert!(gate.attempt(Some("2001:db8:1:3::1".parse().unwrap()), now).is_ok(), "another /64");
        assert_eq!(gate.attempt(None, now), Ok(()));
        assert!(gate.attempt(None, now).is_err());
    }

    #[test]
    fn the_page_after_login_is_on_this_server() {
        assert_eq!(next_page(Some("next=%2Fdemos%2Fflip%3Fx%3D1")), "/demos/flip?x=1");
        for elsewhere in [
            "next=https%3A%2F%2Fevil.example",
            "next=%2F%2Fevil.example",
            "next=%2F%5Cevil.example",
            "next=%2F%09%2Fevil.example",
            "",
        ] {
            assert_eq!(next_page(Some(elsewhere)), "", "{elsewhere}");
        }
    }
}
