//! The browser side of Rheo's HTTP API (see `rheo_shared::protocol`).

use gloo_net::http::Request;
use rheo_shared::{
    protocol::{run_path, ErrorBody, RunRequest, RunResponse},
    Value,
};

/// Runs one call of interface `name`; the error is a message to show as it is.
pub async fn run(name: &str, data: Vec<Value>) -> Result<Vec<Value>, String> {
    let response = Request::post(&run_path(name))
        .json(&RunRequest { data })
        .map_err(|e| format!("could not encode the inputs: {e}"))?
        .send()
        .await
        .map_err(|e| format!("could not reach the server: {e}"))?;
    if response.ok() {
        let body: RunResponse =
            response.json().await.map_err(|e| format!("the server's answer was unreadable: {e}"))?;
        return Ok(body.data);
    }
    match response.json::<ErrorBody>().await {
        Ok(body) => Err(body.error),
        Err(_) => Err(format!("the server answered {} {}", response.status(), response.status_text())),
    }
}
