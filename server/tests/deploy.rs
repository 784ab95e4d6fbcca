//! Deployment through the whole router: a root path and a proxy's forwarded headers in every
//! URL handed out, the hosts answered, cross-site requests refused, and the login.
//! (nginx, TLS and a browser in front of the release build: end2end/tests/deploy.spec.ts.)
//!
//! One test runs the parts in turn: pages rendered on several test runtimes at once hang now
//! and then (see pages.rs), which the server, on one runtime, does not do.

use std::net::SocketAddr;

use axum::{
    body::Body,
    extract::ConnectInfo,
    http::{header, Request, StatusCode},
    Router,
};
use http_body_util::BodyExt;
use rheo::{
    image::{imageops, RgbImage},
    Image, Interface, Login, Number, Registry,
};
use serde_json::{json, Value as Json};
use tower::ServiceExt;

fn flip(image: RgbImage) -> RgbImage {
    imageops::flip_vertical(&image)
}

fn double(x: f64) -> f64 {
    2.0 * x
}

fn registry() -> Registry {
    Registry::new()
        .mount("flip", Interface::new(flip).inputs(Image::new()).outputs(Image::new()))
        .mount("double", Interface::new(double).inputs(Number::new()).outputs(Number::new()))
}

struct Answer {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
}

impl Answer {
    fn json(&self) -> Json {
        serde_json::from_str(&self.body).unwrap_or(Json::Null)
    }
}

async fn send(router: &Router, request: Request<Body>) -> Answer {
    let response = router.clone().oneshot(request).await.unwrap();
    let (status, headers) = (response.status(), response.headers().clone());
    let body = String::from_utf8_lossy(&response.into_body().collect().await.unwrap().to_bytes()).into_owned();
    Answer { status, headers, body }
}

#[tokio::test]
async fn deployment() {
    a_root_path_is_in_every_url_handed_out_and_requests_come_with_or_without_it().await;
    a_trusted_proxy_says_where_the_client_sees_the_server_and_no_one_else_can().await;
    only_the_configured_names_are_answered().await;
    another_sites_pages_cannot_post_upload_or_stream().await;
    every_answer_has_the_security_headers().await;
    with_a_login_nothing_is_shown_or_run_without_it().await;
}

/// A request from `peer`, as the server's accept loop marks it.
fn from(peer: &str, mut request: Request<Body>) -> Request<Body> {
    request.extensions_mut().insert(ConnectInfo(peer.parse::<SocketAddr>().unwrap()));
    request
}

/// A JSON call of `path` with these inputs.
fn run_request(path: &str, data: Json) -> Request<Body> {
    Request::post(path)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::HOST, "127.0.0.1:7860")
        .body(Body::from(json!({ "data": data }).to_string()))
        .unwrap()
}

/// Uploads a small PNG (from `peer`) and answers the image input that refers to it.
async fn uploaded_png(router: &Router, peer: &str) -> Json {
    let mut png = Vec::new();
    RgbImage::new(4, 2).write_to(&mut std::io::Cursor::new(&mut png), rheo::image::ImageFormat::Png).unwrap();
    let mut body = b"--b\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.png\"\r\n\r\n".to_vec();
    body.extend_from_slice(&png);
    body.extend_from_slice(b"\r\n--b--\r\n");
    let request = Request::post("/flip/gradio_api/upload")
        .header(header::HOST, "127.0.0.1:7860")
        .header(header::CONTENT_TYPE, "multipart/form-data; boundary=b")
        .body(Body::from(body))
        .unwrap();
    let paths = send(router, from(peer, request)).await.json();
    json!({ "path": paths[0], "meta": { "_type": "gradio.FileData" } })
}

async fn a_root_path_is_in_every_url_handed_out_and_requests_come_with_or_without_it() {
    let router = registry().root_path("/demos/").into_router();
    for path in ["/demos/flip", "/flip"] {
        let page =
            send(&router, Request::get(path).header(header::HOST, "127.0.0.1:7860").body(Body::empty()).unwrap()).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert!(page.body.contains(r#"href="/demos/pkg/"#), "the bundle under the root: {}", page.body);
        // The image widget's chunk, preloaded under the root too.
        let preloads: Vec<&str> = (page.body.match_indices(r#"rel="preload" href=""#))
            .map(|(at, link)| page.body[at + link.len()..].split('"').next().unwrap())
            .collect();
        assert!(preloads.iter().any(|href| href.ends_with("/split_image_widgets.wasm")), "{preloads:?}");
        assert!(preloads.iter().all(|href| href.starts_with("/demos/pkg/")), "{preloads:?}");
        assert!(page.body.contains(r#"<a href="/demos/">All demos</a>"#));
        assert!(page.body.contains(r#"<meta name="rheo-root" content="/demos">"#));
    }
    let config = send(
        &router,
        Request::get("/demos/flip/config").header(header::HOST, "127.0.0.1:7860").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(config.json()["root"], "http://127.0.0.1:7860/demos/flip");
    let image = uploaded_png(&router, "127.0.0.1:1").await;
    let answer = send(&router, run_request("/demos/flip/run", json!([image]))).await;
    let url = answer.json()["data"][0]["url"].as_str().unwrap().to_owned();
    assert!(url.starts_with("/demos/flip/gradio_api/file="), "the page's own URLs are under the root: {url}");
    let file =
        send(&router, Request::get(&url).header(header::HOST, "127.0.0.1:7860").body(Body::empty()).unwrap()).await;
    assert_eq!(file.status, StatusCode::OK);
}

async fn a_trusted_proxy_says_where_the_client_sees_the_server_and_no_one_else_can() {
    let router = registry().trusted_proxies(["10.0.0.0/8"]).into_router();
    let config = |peer: &str| {
        let request = Request::get("/flip/config")
            .header(header::HOST, "10.0.0.2:7860")
            .header("x-forwarded-host", "demos.example.com")
            .header("x-forwarded-proto", "https")
            .header("x-forwarded-prefix", "/ml/demos")
            .body(Body::empty())
            .unwrap();
        from(peer, request)
    };
    let proxied = send(&router, config("10.1.2.3:50000")).await;
    assert_eq!(proxied.json()["root"], "https://demos.example.com/ml/demos/flip");
    let forged = send(&router, config("203.0.113.9:50000")).await;
    assert_eq!(forged.json()["root"], "http://10.0.0.2:7860/flip", "headers from anyone else are ignored");
    let image = uploaded_png(&router, "10.1.2.3:1").await;
    let call = |peer: &str| {
        let mut request = run_request("/flip/gradio_api/call/flip", json!([image]));
        request.headers_mut().insert("x-forwarded-host", "demos.example.com".parse().unwrap());
        from(peer, request)
    };
    let event = send(&router, call("10.1.2.3:1")).await.json()["event_id"].as_str().unwrap().to_owned();
    let result = Request::get(format!("/flip/gradio_api/call/flip/{event}")).body(Body::empty()).unwrap();
    let events = send(&router, from("10.1.2.3:1", result)).await.body;
    assert!(events.contains(r#""url":"http://demos.example.com/flip/gradio_api/file="#), "{events}");
    let bad = from(
        "10.1.2.3:1",
        Request::get("/flip/config").header("x-forwarded-prefix", "/a/../b").body(Body::empty()).unwrap(),
    );
    assert_eq!(send(&router, bad).await.status, StatusCode::BAD_REQUEST);
}

async fn only_the_configured_names_are_answered() {
    let router = registry().allowed_hosts(["demos.example.com"]).into_router();
    let get = |host: &str| Request::get("/double/config").header(header::HOST, host).body(Body::empty()).unwrap();
    assert_eq!(send(&router, get("demos.example.com")).await.status, StatusCode::OK);
    let rebound = send(&router, get("attacker.example:7860")).await;
    assert_eq!(rebound.status, StatusCode::MISDIRECTED_REQUEST);
    assert!(rebound.body.contains("RHEO_ALLOWED_HOSTS"), "{}", rebound.body);
}

async fn another_sites_pages_cannot_post_upload_or_stream() {
    let router = registry().allowed_origins(["https://friend.example"]).into_router();
    let upload = |origin: &str| {
        let body = "--b\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.txt\"\r\n\r\nhi\r\n--b--\r\n";
        Request::post("/flip/gradio_api/upload")
            .header(header::HOST, "127.0.0.1:7860")
            .header(header::ORIGIN, origin)
            .header(header::CONTENT_TYPE, "multipart/form-data; boundary=b")
            .body(Body::from(body))
            .unwrap()
    };
    let refused = send(&router, upload("http://evil.example")).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(!refused.headers.contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN));
    assert!(refused.body.contains("cross-site"), "{}", refused.body);
    assert_eq!(send(&router, upload("http://127.0.0.1:7860")).await.status, StatusCode::OK);
    let friend = send(&router, upload("https://friend.example")).await;
    assert_eq!(friend.status, StatusCode::OK);
    assert_eq!(friend.headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], "https://friend.example", "it may read the answer");
    assert!(!friend.headers.contains_key(header::ACCESS_CONTROL_ALLOW_CREDENTIALS));
    let preflight = Request::options("/double/run")
        .header(header::HOST, "127.0.0.1:7860")
        .header(header::ORIGIN, "https://friend.example")
        .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
        .header(header::ACCESS_CONTROL_REQUEST_HEADERS, "content-type")
        .body(Body::empty())
        .unwrap();
    let preflight = send(&router, preflight).await;
    assert_eq!(preflight.headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], "https://friend.example");

    let run = Request::post("/double/run")
        .header(header::HOST, "127.0.0.1:7860")
        .header("sec-fetch-site", "cross-site")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(r#"{"data":[1]}"#))
        .unwrap();
    assert_eq!(send(&router, run).await.status, StatusCode::FORBIDDEN);
    let socket = Request::get("/flip/stream")
        .header(header::HOST, "127.0.0.1:7860")
        .header(header::ORIGIN, "http://evil.example")
        .header(header::UPGRADE, "websocket")
        .header(header::CONNECTION, "upgrade")
        .header(header::SEC_WEBSOCKET_VERSION, "13")
        .header(header::SEC_WEBSOCKET_KEY, "dGhlIHNhbXBsZSBub25jZQ==")
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&router, socket).await.status, StatusCode::FORBIDDEN);
}

async fn every_answer_has_the_security_headers() {
    let router = registry().frame_ancestors("'none'").into_router();
    for path in ["/", "/double", "/double/config", "/nothing-here"] {
        let answer = send(&router, Request::get(path).body(Body::empty()).unwrap()).await;
        assert_eq!(answer.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff", "{path}");
        let policy = answer.headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(policy.contains("frame-ancestors 'none'") && !policy.contains("unsafe-inline"), "{path}: {policy}");
    }
}

async fn with_a_login_nothing_is_shown_or_run_without_it() {
    let router = registry().login(Login::users([("ada", "lovelace")])).into_router();
    let page =
        send(&router, Request::get("/double?x=1").header(header::ACCEPT, "text/html").body(Body::empty()).unwrap())
            .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(page.headers[header::LOCATION], "/login?next=%2Fdouble%3Fx%3D1");
    for request in [
        run_request("/double/run", json!([1])),
        Request::get("/double/config").body(Body::empty()).unwrap(),
        Request::get("/flip/gradio_api/file=anything.png").body(Body::empty()).unwrap(),
        Request::get("/api/interfaces").body(Body::empty()).unwrap(),
    ] {
        let path = request.uri().to_string();
        assert_eq!(send(&router, request).await.status, StatusCode::UNAUTHORIZED, "{path}");
    }
    let login_page = send(&router, Request::get("/login").body(Body::empty()).unwrap()).await;
    assert!(login_page.body.contains(r#"<form method="post" action="/login">"#));
    let stylesheet =
        login_page.body.split(r#"<link rel="stylesheet" href=""#).nth(1).unwrap().split('"').next().unwrap();
    let styles = send(&router, Request::get(stylesheet).body(Body::empty()).unwrap()).await;
    assert_eq!(styles.status, StatusCode::OK, "the bundle is public: the login page uses it");

    let log_in = |client: &str, password: &str| {
        let request = Request::post("/double/login")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!("username=ada&password={password}")))
            .unwrap();
        from(client, request)
    };
    let wrong = send(&router, log_in("192.0.2.1:1", "babbage")).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(!wrong.headers.contains_key(header::SET_COOKIE));
    let locked = send(&router, log_in("192.0.2.1:1", "lovelace")).await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS, "the right password waits out the lockout too");
    assert_eq!(locked.headers[header::RETRY_AFTER], "1");
    let right = send(&router, log_in("192.0.2.2:1", "lovelace")).await;
    assert_eq!((right.status, right.json()), (StatusCode::OK, json!({ "success": true })));
    let cookie = right.headers[header::SET_COOKIE].to_str().unwrap().to_owned();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && !cookie.contains("Secure"), "{cookie}");
    let session = cookie.split(';').next().unwrap().to_owned();
    let mut call = run_request("/double/run", json!([21]));
    call.headers_mut().insert(header::COOKIE, session.parse().unwrap());
    let answer = send(&router, call).await;
    assert_eq!((answer.status, answer.json()), (StatusCode::OK, json!({ "data": [42.0] })));
}
