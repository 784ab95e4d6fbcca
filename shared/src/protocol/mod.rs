//! Every route the server answers, as constants in axum's path syntax (`/{name}/run`), with the
//! bodies of Rheo's own HTTP API, which the UI uses; [`stream`] is the stream socket's
//! protocol and [`gradio`] Gradio's routes.
//!
//! Rheo's own API:
//! `POST /<name>/run` with a [`RunRequest`] answers a [`RunResponse`] (200) or an
//! [`ErrorBody`] (4xx/5xx). A generator interface answers [`NDJSON`] instead: one
//! [`RunResponse`] line per value it yields, as it yields it, and an [`ErrorBody`] line if it
//! fails after the first (a failure before the first is a 4xx/5xx as above).

use serde::{Deserialize, Serialize};

use crate::Value;

/// The longest session id any route takes (a page's session, a stream's, a Gradio client's
/// `session_hash`), in bytes: ids are short, and each one kept costs memory.
pub const MAX_SESSION_BYTES: usize = 128;

/// The content type of a generator's answer: one JSON document per line.
pub const NDJSON: &str = "application/x-ndjson";

/// One call: a value for each input, in order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunRequest {
    pub data: Vec<Value>,
    /// The page's session, which `State` values belong to; none for a call without history.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
}

/// A call's result: a value for each output, in order. A client reads the values as raw JSON
/// (`RunResponse<serde_json::Value>`) and each with its component
/// ([`ComponentSpec::read_value`](crate::ComponentSpec::read_value)).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunResponse<V = Value> {
    pub data: Vec<V>,
}

/// Why a call failed, in words meant for the person who made it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: String,
}

/// The run endpoint's route, in axum's path syntax.
pub const RUN_ROUTE: &str = "/{name}/run";

/// The path of interface `name`'s run endpoint.
pub fn run_path(name: &str) -> String {
    RUN_ROUTE.replace("{name}", name)
}

/// Where a page says its session has ended (it is closing, or Clear started a new one), so
/// the session's `State` is dropped at once: `POST` with an empty body, answered 204.
pub const END_SESSION_ROUTE: &str = "/{name}/sessions/{session}/end";

/// The path that ends `session` of interface `name`.
pub fn end_session_path(name: &str, session: &str) -> String {
    END_SESSION_ROUTE.replace("{name}", name).replace("{session}", session)
}

/// Interface `name`'s "Use via API" page: its endpoint, parameters and snippets to call it.
pub const API_PAGE_ROUTE: &str = "/{name}/api";

/// The path of interface `name`'s "Use via API" page.
pub fn api_page_path(name: &str) -> String {
    API_PAGE_ROUTE.replace("{name}", name)
}

pub mod gradio;
pub mod stream;
