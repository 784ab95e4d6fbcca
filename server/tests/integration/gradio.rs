//! Gradio's HTTP API, exercised in-process (the real clients are tested in compat/ and
//! end2end/ against the release server).

use crate::common;

use axum::{
    body::Body,
    http::{Request, StatusCode},
};
use common::{get, post, router};
use http_body_util::BodyExt;
use serde_json::{json, Value as Json};
use tower::ServiceExt;

async fn get_json(path: &str) -> Json {
    let (status, body) = get(path).await;
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    serde_json::from_str(&body).unwrap()
}

/// The `data:` payloads of a whole server-sent-events body.
fn sse_messages(body: &str) -> Vec<Json> {
    body.split("\n\n")
        .filter_map(|event| event.strip_prefix("data: "))
        .map(|data| serde_json::from_str(data).unwrap())
        .collect()
}

#[tokio::test]
async fn config_describes_components_and_the_one_endpoint() {
    let config = get_json("/describe/config").await;
    assert_eq!(config["protocol"], "sse_v3");
    assert_eq!(config["api_prefix"], "/gradio_api");
    // The inputs from id 0, the outputs after them, then the buttons, as Gradio's Interface
    // numbers them (its containers come last).
    let components = config["components"].as_array().unwrap();
    let labels: Vec<&str> = components[..7].iter().map(|c| c["props"]["label"].as_str().unwrap()).collect();
    assert_eq!(labels, ["name", "number", "checkbox", "output 1", "output 2", "Clear", "Submit"]);
    assert_eq!(config["mode"], "interface");
    let dependency = &config["dependencies"][0];
    assert_eq!(dependency["api_name"], "describe");
    assert_eq!(dependency["inputs"], json!([0, 1, 2]));
    assert_eq!(dependency["outputs"], json!([3, 4]));
    assert_eq!(config["components"][1]["props"]["maximum"], 5.0);
}

#[tokio::test]
async fn info_names_parameters_and_returns() {
    let info = get_json("/pick/gradio_api/info?serialize=False").await;
    let endpoint = &info["named_endpoints"]["/predict"];
    assert_eq!(endpoint["parameters"][0]["parameter_name"], "choice");
    assert_eq!(endpoint["parameters"][0]["type"]["enum"], json!(["a", "bb"]));
    assert_eq!(endpoint["parameters"][0]["python_type"]["type"], "Literal['a', 'bb']");
    assert_eq!(endpoint["returns"][0]["component"], "Number");
}

#[tokio::test]
async fn a_session_streams_every_event_then_closes() {
    let app = router();
    let join = |x: i32| {
        let body = json!({"data": [x], "fn_index": 0, "session_hash": "s1"}).to_string();
        Request::post("/double/gradio_api/queue/join")
            .header("content-type", "application/json")
            .body(Body::from(body))
            .unwrap()
    };
    let mut events = Vec::new();
    for x in [1, 2] {
        let response = app.clone().oneshot(join(x)).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let body: Json = serde_json::from_slice(&response.into_body().collect().await.unwrap().to_bytes()).unwrap();
        events.push(body["event_id"].as_str().unwrap().to_string());
    }
    let stream = app
        .oneshot(Request::get("/double/gradio_api/queue/data?session_hash=s1").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(stream.headers()["content-type"], "text/event-stream");
    let body = String::from_utf8(stream.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap();
    let messages = sse_messages(&body);
    let completed: Vec<(&str, &Json)> = messages
        .iter()
        .filter(|m| m["msg"] == "process_completed")
        .map(|m| (m["event_id"].as_str().unwrap(), &m["output"]["data"][0]))
        .collect();
    assert_eq!(completed.len(), 2);
    for (event, expected) in events.iter().zip([2.0, 4.0]) {
        assert!(completed.contains(&(event.as_str(), &json!(expected))), "{body}");
    }
    assert_eq!(messages.last().unwrap()["msg"], "close_stream");
}

#[tokio::test]
async fn bad_values_are_refused_at_join_with_one_entry_per_parameter() {
    let body = json!({"data": ["ada", 9, "yes"], "fn_index": 0, "session_hash": "s2"}).to_string();
    let (status, response) = post("/describe/gradio_api/queue/join", body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        response["detail"],
        json!([
            {"__type__": "validate", "is_valid": true, "parameter_name": "name"},
            {"__type__": "validate", "is_valid": false, "parameter_name": "number", "message": "9 is above the maximum 5"},
            {"__type__": "validate", "is_valid": false, "parameter_name": "checkbox", "message": "expected a boolean, got text"},
        ])
    );
    let (status, _) = post("/describe/gradio_api/queue/join", r#"{"data": [], "session_hash": 1}"#).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = get("/describe/gradio_api/queue/data?session_hash=never-joined").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, response) =
        post("/describe/gradio_api/queue/join", r#"{"data": ["ada", 1, true], "fn_index": 7, "session_hash": "s"}"#)
            .await;
    assert_eq!((status, &response["detail"]), (StatusCode::NOT_FOUND, &json!("There is no function with index 7.")));
}

#[tokio::test]
async fn an_over_long_session_hash_is_refused() {
    let long = "h".repeat(512 << 10); // within the 1 MiB body limit
    let body = json!({ "data": ["ada", 1, true], "session_hash": long }).to_string();
    let (status, response) = post("/describe/gradio_api/queue/join", body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(response["detail"], "the session id is 524288 bytes long; the limit is 128");
    let (status, _) = get(&format!("/describe/gradio_api/queue/data?session_hash={}", "h".repeat(129))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_rest_call_answers_once_with_its_result_or_error() {
    let app = router();
    let call = |data: Json| {
        Request::post("/fragile/gradio_api/call/fragile")
            .header("content-type", "application/json")
            .body(Body::from(json!({ "data": data }).to_string()))
            .unwrap()
    };
    let read =
        |event: &str| Request::get(format!("/fragile/gradio_api/call/fragile/{event}")).body(Body::empty()).unwrap();
    let text = |response: axum::response::Response| async move {
        (
            response.status(),
            String::from_utf8(response.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap(),
        )
    };
    for (input, expected) in [
        (json!([9]), "event: complete\ndata: [3.0]\n\n"),
        (json!([-1]), "event: error\ndata: {\"error\":\"the handler crashed while computing this result; the server log has the details\",\"title\":\"Error\",\"visible\":true}\n\n"),
    ] {
        let (status, started) = text(app.clone().oneshot(call(input)).await.unwrap()).await;
        assert_eq!(status, StatusCode::OK);
        let event: Json = serde_json::from_str(&started).unwrap();
        let event = event["event_id"].as_str().unwrap();
        assert_eq!(text(app.clone().oneshot(read(event)).await.unwrap()).await, (StatusCode::OK, expected.to_string()));
        assert_eq!(app.clone().oneshot(read(event)).await.unwrap().status(), StatusCode::NOT_FOUND, "read once");
    }
}

#[tokio::test]
async fn keyword_calls_and_unknown_endpoints() {
    let (status, body) = post("/pick/gradio_api/call/v2/predict", r#"{"choice": "bb"}"#).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = post("/pick/gradio_api/call/v2/predict", r#"{"choice": "a", "extra": 1}"#).await;
    assert_eq!(
        (status, body["detail"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("There is no parameter named \"extra\"."))
    );
    let (status, _) = post("/pick/gradio_api/call/other", r#"{"data": ["a"]}"#).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = get("/nope/gradio_api/info").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// Warns, then ticks twice: one call at a time (the default), so others wait in line.
fn careful_double(x: f64) -> f64 {
    rheo::warning("<b>careful</b>");
    for _ in rheo::track(0..2, "working") {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    x * 2.0
}

#[tokio::test]
async fn a_joined_call_hears_its_place_in_line_its_progress_and_its_alerts() {
    let app = rheo::Registry::new()
        .mount("careful", rheo::Interface::new(careful_double).inputs(rheo::Number::new()).outputs(rheo::Number::new()))
        .into_router();
    let mut events = Vec::new();
    for x in [1, 2, 3] {
        let body = json!({"data": [x], "fn_index": 0, "session_hash": "s"}).to_string();
        let request = Request::post("/careful/gradio_api/queue/join").header("content-type", "application/json");
        let response = app.clone().oneshot(request.body(Body::from(body)).unwrap()).await.unwrap();
        let body: Json = serde_json::from_slice(&response.into_body().collect().await.unwrap().to_bytes()).unwrap();
        events.push(body["event_id"].as_str().unwrap().to_string());
    }
    let stream =
        app.oneshot(Request::get("/careful/gradio_api/queue/data?session_hash=s").body(Body::empty()).unwrap());
    let body = stream.await.unwrap().into_body().collect().await.unwrap().to_bytes();
    let messages = sse_messages(std::str::from_utf8(&body).unwrap());
    let of = |event: &str| -> Vec<Json> { messages.iter().filter(|m| m["event_id"] == event).cloned().collect() };
    for event in &events {
        let mine = of(event);
        let mut kinds: Vec<&str> = mine.iter().map(|m| m["msg"].as_str().unwrap()).collect();
        kinds.dedup_by(|a, b| a == b && *a == "estimation"); // a place in line that moved is told again
        assert_eq!(kinds, ["estimation", "process_starts", "log", "progress", "progress", "process_completed"]);
        assert_eq!((&mine[2]["log"], &mine[2]["level"]), (&json!("<b>careful</b>"), &json!("warning")));
        assert_eq!(mine[3]["progress_data"][0]["progress"], 0.5);
        assert_eq!(mine[4]["progress_data"][0]["desc"], "working 2/2");
    }
    let ranks: Vec<(Json, Json)> =
        events.iter().map(|e| (of(e)[0]["rank"].clone(), of(e)[0]["queue_size"].clone())).collect();
    assert_eq!(
        ranks,
        [(json!(0), json!(1)), (json!(0), json!(1)), (json!(1), json!(2))],
        "the third waits behind the second"
    );
}
