//! The MCP endpoint's bounds, in-process (the official Python client exercises the rest in
//! compat/test_mcp.py).

use axum::{
    body::Body,
    http::{Request, StatusCode},
    Router,
};
use base64::{engine::general_purpose::STANDARD as BASE64, Engine as _};
use http_body_util::BodyExt;
use rheo::{image::RgbImage, Image, Interface, Limits, Registry};
use serde_json::{json, Value as Json};
use tower::ServiceExt;

fn router(mcp: bool) -> Router {
    let limits = Limits::default().max_upload_bytes(1 << 10).max_request_bytes(4 << 10);
    Registry::new()
        .mount(
            "same",
            Interface::new(|picture: RgbImage| picture).inputs(Image::new().label("picture")).outputs(Image::new()),
        )
        .limits(limits)
        .mcp_server(mcp)
        .into_router()
}

async fn post(app: Router, body: String) -> (StatusCode, Json) {
    let request = Request::post("http://localhost/gradio_api/mcp/")
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
        .body(Body::from(body))
        .unwrap();
    let response = app.oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or_else(|_| json!(String::from_utf8_lossy(&bytes))))
}

fn call(picture: &str) -> String {
    json!({
        "jsonrpc": "2.0", "id": 7, "method": "tools/call",
        "params": { "name": "same", "arguments": { "picture": picture } },
    })
    .to_string()
}

#[tokio::test]
async fn an_oversized_image_is_a_json_rpc_error_naming_the_limit() {
    let (status, answer) = post(router(true), call(&BASE64.encode(vec![0u8; 2 << 10]))).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["error"]["code"], -32602);
    assert_eq!(answer["error"]["message"], "picture: the file is larger than the limit of 1 KiB");
}

#[tokio::test]
async fn a_body_past_the_limit_is_a_json_rpc_error_too() {
    let (status, answer) = post(router(true), call(&"A".repeat(64 << 10))).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{answer}");
    assert_eq!(answer["error"]["code"], -32600);
    assert!(answer["error"]["message"].as_str().unwrap().contains("exceeds"), "{answer}");
}

#[tokio::test]
async fn without_the_setting_there_is_no_mcp_endpoint() {
    let (status, _) = post(router(false), call("")).await;
    assert!(status == StatusCode::NOT_FOUND || status == StatusCode::METHOD_NOT_ALLOWED, "{status}");
}
