//! Every route the server answers, as constants in axum's path syntax (`/{name}/run`), with the
//! bodies of Rheo's own HTTP API, which the UI uses; [`stream`] is the stream socket's
//! protocol and [`gradio`] Gradio's routes.
//!
//! Rheo's own API:
//! `POST /<name>/run` with a [`RunRequest`] answers a [`RunResponse`] (200) or an
//! [`ErrorBody`] (4xx/5xx). A generator interface answers [`NDJSON`] instead: one
//! [`RunResponse`] line per value it yields, as it yields it, and an [`ErrorBody`] line if it
//! fails after the first (a failure before the first is a 4xx/5xx as above).
//!
//! A request with `"events": true` (the page's) is answered NDJSON whatever the interface:
//! [`RunLine`]s, that is the call's [`CallEvent`]s (its place in line, its start, progress,
//! alerts) between its answers, as they happen. A request that fails before the call is
//! taken (an unknown interface, bad inputs) is still a 4xx. With `"diffs": true` too, a
//! generator's answers after its first are [`RunDiff`]s: each output's [`diff::Edit`]s from
//! its last value, so a reply that grows token by token costs what it adds.
//!
//! A Blocks app has several endpoints, one per event: a request names one by `api_name` (as
//! API clients do) or by `fn_index` (its event's index; the page's, which calls private events
//! too); with neither, it calls the first (an interface's one function).
//!
//! An event fired by a like ([`Trigger::Like`](crate::Trigger::Like)) takes what was liked as
//! the request's `event_data`, a [`LikeData`], as Gradio's `/queue/join` takes it; one fired by
//! an edit ([`Trigger::Edit`](crate::Trigger::Edit)) an [`EditData`].

use crate::wire_names::wire_names;
use serde::{de::DeserializeOwned, de::Error as _, Deserialize, Deserializer, Serialize};

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
    /// Send the call's events too (see the module's documentation).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub events: bool,
    /// The endpoint by its index (see the module's documentation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fn_index: Option<usize>,
    /// The endpoint by its name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_name: Option<String>,
    /// With `events`: send a generator's answers after its first as edits (see the module's
    /// documentation).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub diffs: bool,
    /// What fired the call, for an event that takes it (see the module's documentation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_data: Option<serde_json::Value>,
}

/// The event data an event's calls take ([`EventSpec::event_data`](crate::EventSpec::event_data)).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventDataKind {
    Like,
    Edit,
}

/// A message of a Chatbot edited (Gradio's `gr.EditData`): its place in the conversation, its
/// new text and its text before.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EditData {
    pub index: usize,
    pub value: String,
    pub previous_value: String,
}

/// A like or dislike of a Chatbot's message (Gradio's `gr.LikeData`): the message's place in
/// the conversation, the message itself, and whether it was liked.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LikeData {
    pub index: usize,
    pub value: serde_json::Value,
    pub liked: bool,
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

/// Something a call reports besides its outputs, while it waits or runs (Gradio's
/// `estimation`, `progress` and `log` messages): `{"event": "progress", "fraction": 0.5,
/// "description": "…"}`.
///
/// Read through an `EventRecord`, not serde's internal tagging: that buffers the message and
/// reads the buffer, a reader compiled into the page's wasm for every type inside.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case", try_from = "EventRecord")]
pub enum CallEvent {
    /// The call waits for a slot behind `ahead` others; `eta`: seconds until its result, as
    /// far as the interface's recent calls tell (none before the first has finished).
    Waiting { ahead: usize, eta: Option<f64> },
    /// The call has its slot: the handler starts.
    Started,
    /// The handler says how far it has come: a fraction in 0..=1, or none (it ticks without
    /// knowing the total), with a description.
    Progress { fraction: Option<f64>, description: String },
    /// A message for the person waiting, which does not stop the call; shown as text.
    Alert { level: AlertLevel, message: String },
}

/// A [`CallEvent`] as read: its tag, and every variant's fields, each optional.
#[derive(Deserialize)]
struct EventRecord {
    event: EventKind,
    ahead: Option<usize>,
    eta: Option<f64>,
    fraction: Option<f64>,
    description: Option<String>,
    level: Option<AlertLevel>,
    message: Option<String>,
}

#[derive(Clone, Copy)]
enum EventKind {
    Waiting,
    Started,
    Progress,
    Alert,
}

wire_names!(EventKind { Waiting => "waiting", Started => "started", Progress => "progress", Alert => "alert" });

impl TryFrom<EventRecord> for CallEvent {
    type Error = MissingField;

    fn try_from(record: EventRecord) -> Result<Self, MissingField> {
        let EventRecord { event, ahead, eta, fraction, description, level, message } = record;
        Ok(match event {
            EventKind::Waiting => CallEvent::Waiting { ahead: required(ahead, "ahead")?, eta },
            EventKind::Started => CallEvent::Started,
            EventKind::Progress => CallEvent::Progress { fraction, description: required(description, "description")? },
            EventKind::Alert => {
                CallEvent::Alert { level: required(level, "level")?, message: required(message, "message")? }
            }
        })
    }
}

/// A field that a message read as a record (every variant's fields optional) lacks for its
/// variant.
#[derive(Debug, thiserror::Error)]
#[error("missing field `{0}`")]
pub struct MissingField(&'static str);

pub(crate) fn required<T>(field: Option<T>, name: &'static str) -> Result<T, MissingField> {
    field.ok_or(MissingField(name))
}

/// How an alert is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AlertLevel {
    Info,
    Warning,
}

// Its name is also a Gradio `log` message's `level`.
wire_names!(pub AlertLevel { Info => "info", Warning => "warning" });

/// A generator's answer after its first, as each output's edits from its last value (for a
/// request with `diffs`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunDiff {
    pub diff: Vec<Vec<diff::Edit>>,
}

/// One line of an NDJSON answer: outputs, their edits, an event, or the error that ended the
/// call; told apart by their keys (`data`, `diff`, `event`, `error`).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum RunLine<V = Value> {
    Answer(RunResponse<V>),
    Diff(RunDiff),
    Event(CallEvent),
    Error(ErrorBody),
}

impl<'de, V: DeserializeOwned> Deserialize<'de> for RunLine<V> {
    /// Read as JSON, then by its keys. Not serde's `untagged`, which buffers the line and tries
    /// each shape on the buffer (a reader of the buffer for every type inside, in the page's
    /// wasm), and answers a line that fits none with no more than that.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let json = serde_json::Value::deserialize(deserializer)?;
        let has = |key| json.get(key).is_some();
        // By reference, as `Value::from_json` reads objects (one reader of JSON trees).
        let line = if has("data") {
            RunResponse::deserialize(&json).map(RunLine::Answer)
        } else if has("diff") {
            RunDiff::deserialize(&json).map(RunLine::Diff)
        } else if has("event") {
            CallEvent::deserialize(&json).map(RunLine::Event)
        } else {
            ErrorBody::deserialize(&json).map(RunLine::Error)
        };
        line.map_err(D::Error::custom)
    }
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

/// In development (reload on save), where a page hears which start of the server it talks to:
/// a server-sent event stream whose first event is the start's id, open while the server runs.
/// A page that hears another id than its own reloads itself.
pub const RELOAD_ROUTE: &str = "/_rheo/reload";

/// Where a page flags a call (when its interface has flagging on): `POST` a [`FlagRequest`],
/// answered 204, or an [`ErrorBody`] (404 when flagging is off, 422 for values that do not fit,
/// 507 when the flagging directory is full).
pub const FLAG_ROUTE: &str = "/{name}/flag";

/// The path that flags a call of interface `name`.
pub fn flag_path(name: &str) -> String {
    FLAG_ROUTE.replace("{name}", name)
}

/// A flag: the values shown (the inputs', then the outputs', State slots as `null`) and why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FlagRequest {
    pub data: Vec<Value>,
    /// The reason chosen (one of the interface's flagging options), or none.
    #[serde(default)]
    pub reason: Option<String>,
}

/// Interface `name`'s "Use via API" page: its endpoint, parameters and snippets to call it.
pub const API_PAGE_ROUTE: &str = "/{name}/api";

/// The path of interface `name`'s "Use via API" page.
pub fn api_page_path(name: &str) -> String {
    API_PAGE_ROUTE.replace("{name}", name)
}

pub mod diff;
pub mod gradio;
pub mod stream;

#[cfg(test)]
mod tests {
    use super::*;

    fn read(json: &str) -> Result<RunLine, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn every_run_line_reads_back_as_written() {
        let lines = [
            RunLine::Answer(RunResponse { data: vec![Value::Text("hi".into()), Value::Null] }),
            RunLine::Event(CallEvent::Waiting { ahead: 2, eta: Some(1.5) }),
            RunLine::Event(CallEvent::Waiting { ahead: 0, eta: None }),
            RunLine::Event(CallEvent::Started),
            RunLine::Event(CallEvent::Progress { fraction: Some(0.5), description: "half".into() }),
            RunLine::Event(CallEvent::Progress { fraction: None, description: String::new() }),
            RunLine::Event(CallEvent::Alert { level: AlertLevel::Warning, message: "careful".into() }),
            RunLine::Error(ErrorBody { error: "boom".into() }),
            RunLine::Diff(RunDiff {
                diff: vec![vec![diff::Edit(diff::Action::Append, vec![0.into(), "text".into()], "lo".into())], vec![]],
            }),
        ];
        for line in lines {
            let json = serde_json::to_string(&line).unwrap();
            assert_eq!(read(&json).unwrap(), line, "{json}");
        }
    }

    #[test]
    fn a_line_that_fits_no_shape_is_refused_with_what_it_lacks() {
        let error = read(r#"{"event":"progress","fraction":0.5}"#).unwrap_err();
        assert!(error.to_string().contains("missing field `description`"), "{error}");
        let error = read(r#"{"event":"alert","message":"x"}"#).unwrap_err();
        assert!(error.to_string().contains("missing field `level`"), "{error}");
        assert!(read(r#"{"event":"paused"}"#).is_err());
        assert!(read(r#"{"data":"not a list"}"#).is_err());
        let error = read(r#"{"outputs":[]}"#).unwrap_err();
        assert!(error.to_string().contains("missing field `error`"), "{error}");
        assert!(read("[1, 2]").is_err());
    }
}
