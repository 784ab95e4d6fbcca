//! The interfaces and HTTP helpers the integration tests share.

use std::time::Duration;

use axum::{
    body::Body,
    http::{Request, StatusCode},
    Router,
};
use http_body_util::BodyExt;
use rheo::{Blocks, Button, Checkbox, Interface, Label, Number, Radio, Registry, Textbox, Update};
use rheo_shared::Classification;
use serde_json::{json, Value as Json};
use tower::ServiceExt;

pub(crate) fn describe(name: String, count: f64, loud: bool) -> (String, f64) {
    let text = format!("{name} x{count}");
    (if loud { text.to_uppercase() } else { text }, count * 2.0)
}

pub(crate) async fn slow_double(x: f64) -> f64 {
    tokio::time::sleep(Duration::from_millis(5)).await;
    x * 2.0
}

pub(crate) fn fragile(x: f64) -> f64 {
    if x < 0.0 {
        panic!("negative input reached the handler");
    }
    x.sqrt()
}

pub(crate) fn reciprocal(x: f64) -> f64 {
    1.0 / x
}

pub(crate) fn checked(x: f64) -> Result<f64, String> {
    if x > 1.0 {
        Err(format!("{x} is too big for this model"))
    } else {
        Ok(x)
    }
}

pub(crate) fn classify(x: f64) -> Classification {
    Classification::from_scores([("small", 1.0 - x / 10.0), ("large", x / 10.0)])
}

pub(crate) fn registry() -> Registry {
    Registry::new()
        .mount(
            "describe",
            Interface::new(describe)
                .inputs((Textbox::new().label("name"), Number::new().minimum(0.0).maximum(5.0), Checkbox::new()))
                .outputs((Textbox::new(), Number::new()))
                .title("Describe")
                .description("Typed mapping over tuples."),
        )
        .mount("double", Interface::new(slow_double).inputs(Number::new()).outputs(Number::new()).live(true))
        .mount("fragile", Interface::new(fragile).inputs(Number::new()).outputs(Number::new()))
        .mount("reciprocal", Interface::new(reciprocal).inputs(Number::new()).outputs(Number::new()))
        .mount("classify", Interface::new(classify).inputs(Number::new()).outputs(Label::new()))
        .mount("checked", Interface::new(checked).inputs(Number::new()).outputs(Number::new()))
        .mount(
            "pick",
            Interface::new(|choice: String| choice.len() as f64)
                .inputs(Radio::new(["a", "bb"]).label("choice"))
                .outputs(Number::new()),
        )
        .mount("studio", studio())
}

/// A Blocks app: a row of a number and its double; a click doubles it, and a private step
/// chained on success says so in words.
pub(crate) fn studio() -> Blocks {
    let mut app = Blocks::new().title("Studio");
    let (x, doubled) = app.row(|app| (app.add(Number::new().label("x")), app.add(Number::new().label("doubled"))));
    let (go, said) = (app.add(Button::new("Double")), app.add(Textbox::new().label("said")));
    app.on(go.click(), slow_double, x, doubled)
        .api_name("double")
        .success(|x: f64| format!("the double is {x}"), doubled, said)
        .private();
    // An update: `said` shows only for a number not below zero, labelled with it.
    let look = |x: f64| Update::<Textbox>::new().visible(x >= 0.0).label(format!("said, for {x}"));
    app.on(x.input(), look, x, said).private();
    app
}

/// Serves `registry` on a free loopback port, over real TCP; returns the port.
pub(crate) async fn serve(registry: Registry) -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let router = registry.into_router();
    // With each client's address, as `Registry::serve` gives it (per-client limits apply).
    let app = router.into_make_service_with_connect_info::<std::net::SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    port
}

pub(crate) fn router() -> Router {
    registry().into_router()
}

pub(crate) async fn post(path: &str, body: impl Into<Body>) -> (StatusCode, Json) {
    let request = Request::post(path).header("content-type", "application/json").body(body.into()).unwrap();
    let response = router().oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or_else(|_| json!(String::from_utf8_lossy(&bytes))))
}

pub(crate) async fn get(path: &str) -> (StatusCode, String) {
    let response = router().oneshot(Request::get(path).body(Body::empty()).unwrap()).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8(bytes.to_vec()).unwrap())
}
