//! A Blocks app (`common::studio`) through Rheo's and Gradio's HTTP APIs, in-process: every
//! event an endpoint by index, the named ones by name, the private one by index alone.

use crate::common::{get, post};

use axum::http::StatusCode;
use serde_json::{json, Value as Json};

#[tokio::test]
async fn config_has_the_layout_and_a_dependency_per_event() {
    let (status, body) = get("/studio/config").await;
    assert_eq!(status, StatusCode::OK);
    let config: Json = serde_json::from_str(&body).unwrap();
    assert_eq!(config["mode"], "blocks");
    let types: Vec<&str> =
        config["components"].as_array().unwrap().iter().map(|c| c["type"].as_str().unwrap()).collect();
    assert_eq!(types, ["number", "number", "button", "textbox", "row"]);
    assert_eq!(config["layout"]["children"][0], json!({ "id": 4, "children": [{ "id": 0 }, { "id": 1 }] }));
    let [double, said] = [&config["dependencies"][0], &config["dependencies"][1]];
    assert_eq!(
        (&double["targets"], &double["inputs"], &double["outputs"]),
        (&json!([[2, "click"]]), &json!([0]), &json!([1]))
    );
    assert_eq!((&double["api_name"], &double["api_visibility"]), (&json!("double"), &json!("public")));
    assert_eq!((&said["trigger_after"], &said["trigger_only_on_success"]), (&json!(0), &json!(true)));
    // Named after its function, as in Gradio, where a private event keeps its name.
    assert_eq!((&said["api_name"], &said["api_visibility"]), (&json!("predict"), &json!("private")));
}

#[tokio::test]
async fn info_lists_only_the_named_events() {
    let (_, body) = get("/studio/gradio_api/info").await;
    let info: Json = serde_json::from_str(&body).unwrap();
    let named: Vec<&String> = info["named_endpoints"].as_object().unwrap().keys().collect();
    assert_eq!(named, ["/double"]);
    assert_eq!(info["named_endpoints"]["/double"]["parameters"][0]["parameter_name"], "x");
}

#[tokio::test]
async fn rheo_runs_an_event_by_name_or_by_index_and_refuses_others_in_words() {
    let run = |body: Json| post("/studio/run", body.to_string());
    assert_eq!(run(json!({"data": [4], "api_name": "double"})).await, (StatusCode::OK, json!({"data": [8.0]})));
    assert_eq!(run(json!({"data": [8], "fn_index": 1})).await, (StatusCode::OK, json!({"data": ["the double is 8"]})));
    let private = run(json!({"data": [8], "api_name": "predict"})).await;
    assert_eq!(private, (StatusCode::NOT_FOUND, json!({"error": "there is no endpoint named \"predict\""})));
    let missing = run(json!({"data": [8], "fn_index": 3})).await;
    assert_eq!(missing, (StatusCode::NOT_FOUND, json!({"error": "there is no endpoint with index 3"})));
}

#[tokio::test]
async fn an_update_travels_as_gradio_sends_one() {
    let run = |body: Json| post("/studio/run", body.to_string());
    let hidden = json!({"__type__": "update", "visible": false, "label": "said, for -1"});
    assert_eq!(run(json!({"data": [-1], "fn_index": 2})).await, (StatusCode::OK, json!({"data": [hidden]})));
    // An update is an output's: as an input it is refused in words.
    let given = run(json!({"data": [{"__type__": "update", "value": 1}], "api_name": "double"})).await;
    assert_eq!(given.0, StatusCode::UNPROCESSABLE_ENTITY, "{}", given.1);
    assert!(given.1["error"].as_str().unwrap().contains("expected a number, got an update"), "{}", given.1);
}

#[tokio::test]
async fn gradio_calls_a_named_event_and_joins_any_by_index() {
    let (status, called) = post("/studio/gradio_api/call/double", json!({"data": [3]}).to_string()).await;
    assert_eq!(status, StatusCode::OK, "{called}");
    assert!(called["event_id"].is_string());
    let (status, refused) = post("/studio/gradio_api/call/predict", json!({"data": [3]}).to_string()).await;
    assert_eq!((status, refused), (StatusCode::NOT_FOUND, json!({"detail": "there is no endpoint named \"predict\""})));
    let join = json!({"data": [3], "fn_index": 1, "session_hash": "s"}).to_string();
    let (status, joined) = post("/studio/gradio_api/queue/join", join).await;
    assert_eq!(status, StatusCode::OK, "{joined}");
}
