//! The author's API and Rheo's own HTTP routes, exercised in-process.

use crate::common;

use axum::{
    body::Body,
    http::{Request, StatusCode},
};
use common::{post, router};
use http_body_util::BodyExt;
use rheo::{Interface, Limits, Number, Registry};
use serde_json::{json, Value as Json};
use tower::ServiceExt;

async fn run(name: &str, data: Json) -> (StatusCode, Json) {
    post(&format!("/{name}/run"), json!({ "data": data }).to_string()).await
}

#[tokio::test]
async fn typed_arguments_and_tuple_returns_map_in_order() {
    assert_eq!(run("describe", json!(["ada", 2, true])).await, (StatusCode::OK, json!({"data": ["ADA X2", 4.0]})));
}

#[tokio::test]
async fn async_handlers_and_closures_work() {
    assert_eq!(run("double", json!([21])).await, (StatusCode::OK, json!({"data": [42.0]})));
    assert_eq!(run("pick", json!(["bb"])).await, (StatusCode::OK, json!({"data": [2.0]})));
}

#[tokio::test]
async fn label_outputs_carry_a_classification() {
    let (status, body) = run("classify", json!([8])).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["data"][0]["label"], "large");
    assert_eq!(body["data"][0]["confidences"][1]["label"], "small");
}

#[tokio::test]
async fn bad_inputs_get_a_4xx_naming_the_component() {
    let cases = [
        (json!(["ada", "two", true]), "number: expected a number, got text"),
        (json!(["ada", 7, true]), "number: 7 is above the maximum 5"),
        (json!(["ada", null, true]), "number: a value is required"),
        (json!(["ada", 1, "yes"]), "checkbox: expected a boolean, got text"),
        (json!(["ada", 1]), "expected 3 values (name, number, checkbox), got 2"),
    ];
    for (data, message) in cases {
        assert_eq!(run("describe", data).await, (StatusCode::UNPROCESSABLE_ENTITY, json!({ "error": message })));
    }
    assert_eq!(
        run("pick", json!(["ccc"])).await,
        (StatusCode::UNPROCESSABLE_ENTITY, json!({"error": "choice: \"ccc\" is not one of the choices: a, bb"}))
    );
}

#[tokio::test]
async fn malformed_oversized_and_misaddressed_requests_get_json_errors() {
    let (status, body) = post("/describe/run", "{\"data\": [").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["error"].as_str().unwrap().contains("JSON"), "{body}");

    let huge = format!("{{\"data\": [\"{}\", 1, true]}}", "x".repeat(2 << 20));
    let (status, body) = post("/describe/run", huge).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(body["error"].as_str().unwrap().starts_with("the request is too large"), "{body}");

    assert_eq!(
        run("nope", json!([])).await,
        (StatusCode::NOT_FOUND, json!({"error": "there is no interface named \"nope\""}))
    );
}

#[tokio::test]
async fn the_request_size_limit_is_a_setting_both_apis_name() {
    let limits = Limits::default().max_request_bytes(4 << 10);
    let app = common::registry().limits(limits).into_router();
    let body = json!({ "data": ["x".repeat(5 << 10), 1, true], "session_hash": "s" }).to_string();
    for path in ["/describe/run", "/describe/gradio_api/queue/join"] {
        let request = Request::post(path).header("content-type", "application/json").body(Body::from(body.clone()));
        let response = app.clone().oneshot(request.unwrap()).await.unwrap();
        assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE, "{path}");
        let text = response.into_body().collect().await.unwrap().to_bytes();
        assert!(String::from_utf8_lossy(&text).contains("the request is too large: the limit is 4 KiB"), "{path}");
    }
    let small = json!({ "data": ["x".repeat(1 << 10), 1, true] }).to_string();
    let request = Request::post("/describe/run").header("content-type", "application/json").body(Body::from(small));
    assert_eq!(app.oneshot(request.unwrap()).await.unwrap().status(), StatusCode::OK);
}

/// NaN on the way in is refused by the engine (its unit tests: JSON has no NaN to send); on
/// the way out it is the caller's inputs that took the result out of range (`1/0`,
/// `1.79e308 * 10`): a 422 that says so, not a server fault.
#[tokio::test]
async fn a_result_out_of_range_is_refused_as_the_inputs_fault() {
    let (status, body) = run("reciprocal", json!([0])).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"], "output: inf is not a finite number: the inputs may be too large or out of range");
}

#[tokio::test]
async fn a_panic_fails_one_call_and_the_next_call_works() {
    let app = router();
    let call = |x: i32| {
        Request::post("/fragile/run")
            .header("content-type", "application/json")
            .body(Body::from(json!({ "data": [x] }).to_string()))
            .unwrap()
    };
    let panicked = app.clone().oneshot(call(-1)).await.unwrap();
    assert_eq!(panicked.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let body = panicked.into_body().collect().await.unwrap().to_bytes();
    assert!(String::from_utf8_lossy(&body).contains("the handler crashed"));
    let fine = app.oneshot(call(16)).await.unwrap();
    assert_eq!(fine.status(), StatusCode::OK);
    assert_eq!(fine.into_body().collect().await.unwrap().to_bytes(), r#"{"data":[4.0]}"#);
}

#[tokio::test]
async fn handler_errors_reach_the_caller_as_written() {
    let (status, body) = post("/checked/run", json!({ "data": [2] }).to_string()).await;
    assert_eq!((status, body), (StatusCode::UNPROCESSABLE_ENTITY, json!({"error": "2 is too big for this model"})));
    let (status, body) = post("/checked/run", json!({ "data": [0.5] }).to_string()).await;
    assert_eq!((status, body), (StatusCode::OK, json!({"data": [0.5]})));
}

#[test]
#[should_panic(expected = "example 1: number: 9 is above the maximum 5")]
fn a_wrong_declaration_stops_the_program_at_mount() {
    let _ = Registry::new().mount(
        "bad",
        Interface::new(|x: f64| x).inputs(Number::new().maximum(5.0)).outputs(Number::new()).examples([(9.0,)]),
    );
}

#[test]
#[should_panic(expected = "another interface is already mounted at /twice")]
fn a_name_can_be_mounted_once() {
    let once = || Interface::new(|x: f64| x).inputs(Number::new()).outputs(Number::new());
    let _ = Registry::new().mount("twice", once()).mount("twice", once());
}

#[test]
#[should_panic(expected = "reserved")]
fn server_paths_cannot_be_taken() {
    let _ = Registry::new().mount("pkg", Interface::new(|x: f64| x).inputs(Number::new()).outputs(Number::new()));
}

/// Session ids are kept as map keys for an hour: a long one is refused before it is kept.
#[tokio::test]
async fn an_over_long_session_id_is_refused() {
    let long = "s".repeat(129);
    let (status, body) = post("/describe/run", json!({ "data": ["ada", 1, true], "session": long }).to_string()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"], "the session id is 129 bytes long; the limit is 128");
    let (status, _) = post(&format!("/describe/sessions/{long}/end"), "").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) =
        post("/describe/run", json!({ "data": ["ada", 1, true], "session": "s".repeat(128) }).to_string()).await;
    assert_eq!(status, StatusCode::OK, "128 bytes are fine");
}

/// Warns, then ticks twice over 300 ms; one call at a time (the default).
fn careful_triple(x: f64) -> f64 {
    rheo::warning("<b>careful</b>");
    for _ in rheo::track(0..2, "working") {
        std::thread::sleep(std::time::Duration::from_millis(150));
    }
    x * 3.0
}

/// The NDJSON lines of a `/run` call that asks for its events.
async fn run_with_events(app: axum::Router, x: f64) -> Vec<Json> {
    let body = json!({"data": [x], "events": true}).to_string();
    let request = Request::post("/careful/run").header("content-type", "application/json").body(Body::from(body));
    let response = app.oneshot(request.unwrap()).await.unwrap();
    assert_eq!(response.headers()["content-type"], "application/x-ndjson");
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    bytes.split(|b| *b == b'\n').filter(|line| !line.is_empty()).map(|l| serde_json::from_slice(l).unwrap()).collect()
}

#[tokio::test]
async fn a_run_that_asks_for_events_hears_its_place_its_progress_and_its_alerts() {
    let app = Registry::new()
        .mount("careful", Interface::new(careful_triple).inputs(Number::new()).outputs(Number::new()))
        .into_router();
    let alone = run_with_events(app.clone(), 1.0).await;
    assert_eq!(
        alone,
        [
            json!({"event": "started"}),
            json!({"event": "alert", "level": "warning", "message": "<b>careful</b>"}),
            json!({"event": "progress", "fraction": 0.5, "description": "working 1/2"}),
            json!({"event": "progress", "fraction": 1.0, "description": "working 2/2"}),
            json!({"data": [3.0]}),
        ],
        "a call that finds a free slot starts at once; the markup is the message's text"
    );
    // Three at once: the third waits behind two, and is told when the line moves.
    let calls = [1.0, 2.0, 3.0].map(|x| run_with_events(app.clone(), x));
    let [first, _, third] = futures::future::join_all(calls).await.try_into().unwrap();
    assert_eq!(first[0], json!({"event": "started"}));
    let places: Vec<&Json> = third.iter().take_while(|line| line["event"] == "waiting").collect();
    let aheads: Vec<u64> = places.iter().map(|line| line["ahead"].as_u64().unwrap()).collect();
    assert_eq!(aheads, [1, 0], "behind two, then behind one: {third:?}");
    let eta = places[0]["eta"].as_f64().expect("an estimate from the first call's time");
    assert!(eta > 0.5, "two rounds of a 300 ms call, at least: {eta}");
    assert_eq!(third.last().unwrap(), &json!({"data": [9.0]}));
}

/// `POST /<name>/run` of `body` over a connection of its own; the status and the body.
async fn run_over_tcp(port: u16, name: &str, body: &str) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut socket = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let request = format!(
        "POST /{name}/run HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    socket.write_all(request.as_bytes()).await.unwrap();
    let mut answer = String::new();
    socket.read_to_string(&mut answer).await.unwrap();
    let status = answer.split(' ').nth(1).and_then(|code| code.parse().ok()).unwrap_or(0);
    (status, answer)
}

/// One client's `/run` calls in flight are capped as its Gradio queue events are: past
/// `max_pending_per_client`, a 429 in words, and a place comes back when a call ends.
#[tokio::test]
async fn one_client_may_run_only_so_many_calls_at_once() {
    async fn nap(x: f64) -> f64 {
        tokio::time::sleep(std::time::Duration::from_millis(400)).await;
        x
    }
    let registry = Registry::new()
        .mount("nap", Interface::new(nap).inputs(Number::new()).outputs(Number::new()).concurrency_limit(None))
        .limits(Limits::default().max_pending_per_client(2));
    let port = common::serve(registry).await;
    let body = r#"{"data": [1]}"#;
    let running: Vec<_> = (0..2).map(|_| tokio::spawn(run_over_tcp(port, "nap", body))).collect();
    tokio::time::sleep(std::time::Duration::from_millis(150)).await;
    let (status, answer) = run_over_tcp(port, "nap", body).await;
    assert_eq!(status, 429, "{answer}");
    assert!(answer.contains("you have 2 calls running or waiting already"), "{answer}");
    for call in running {
        assert_eq!(call.await.unwrap().0, 200);
    }
    assert_eq!(run_over_tcp(port, "nap", body).await.0, 200, "the places came back");
}
