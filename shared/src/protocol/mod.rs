//! The bodies of Rheo's own HTTP API, which the UI uses:
//! `POST /<name>/run` with a [`RunRequest`] answers a [`RunResponse`] (200) or an
//! [`ErrorBody`] (4xx/5xx).

use serde::{Deserialize, Serialize};

use crate::Value;

/// The largest request body the API accepts, in bytes.
pub const MAX_REQUEST_BYTES: usize = 1 << 20;

/// One call: a value for each input, in order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunRequest {
    pub data: Vec<Value>,
}

/// A call's result: a value for each output, in order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunResponse {
    pub data: Vec<Value>,
}

/// Why a call failed, in words meant for the person who made it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: String,
}

/// Where files go up (multipart, one part per file; Gradio's upload route): the answer is a
/// JSON list of the paths to refer to them by.
pub fn upload_path(name: &str) -> String {
    format!("/{name}/gradio_api/upload")
}

/// Where the stored file `path` is served (Gradio's `file=` route).
pub fn file_url(name: &str, path: &str) -> String {
    format!("/{name}/gradio_api/file={path}")
}

/// The run endpoint's route, in axum's path syntax.
pub const RUN_ROUTE: &str = "/{name}/run";

/// The path of interface `name`'s run endpoint.
pub fn run_path(name: &str) -> String {
    RUN_ROUTE.replace("{name}", name)
}

pub mod stream;
