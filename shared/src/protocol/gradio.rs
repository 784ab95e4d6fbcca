//! The routes of Gradio's HTTP API that each interface answers under `/<name>/`, as Gradio 6
//! names them, and the messages of its queue, as Gradio 6 writes them, so that
//! `gradio_client` and `@gradio/client` work unchanged. The server writes these messages and
//! the load generator reads them (from Rheo and from Gradio itself): one definition for both.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value as Json};

use super::{AlertLevel, CallEvent};
use crate::Value;

/// The app's config: components and the one endpoint.
pub const CONFIG_ROUTE: &str = "/{name}/config";
/// The API description: each endpoint's parameters and returns.
pub const INFO_ROUTE: &str = "/{name}/gradio_api/info";
/// Files go up here (multipart, one part per file); the answer is a JSON list of the paths to
/// refer to them by.
pub const UPLOAD_ROUTE: &str = "/{name}/gradio_api/upload";
/// A stored file: `GET /<name>/gradio_api/file=<path>` (the `file=` prefix is part of the
/// segment, so the route takes the rest of the path).
pub const FILE_ROUTE: &str = "/{name}/gradio_api/{*file}";
/// Starts a call in a session (`Client.predict`, `Client.submit`).
pub const QUEUE_JOIN_ROUTE: &str = "/{name}/gradio_api/queue/join";
/// A session's server-sent events.
pub const QUEUE_DATA_ROUTE: &str = "/{name}/gradio_api/queue/data";
/// Starts a call by REST, inputs by position.
pub const CALL_ROUTE: &str = "/{name}/gradio_api/call/{api_name}";
/// Starts a call by REST, inputs by parameter name.
pub const CALL_BY_NAME_ROUTE: &str = "/{name}/gradio_api/call/v2/{api_name}";
/// A REST call's result, as server-sent events.
pub const CALL_RESULT_ROUTE: &str = "/{name}/gradio_api/call/{api_name}/{event_id}";

/// Where interface `name` takes uploads.
pub fn upload_path(name: &str) -> String {
    UPLOAD_ROUTE.replace("{name}", name)
}

/// Where interface `name` serves the stored file `path`.
pub fn file_url(name: &str, path: &str) -> String {
    FILE_ROUTE.replace("{name}", name).replace("{*file}", &format!("file={path}"))
}

/// A message of a session's stream (`queue/data`, Gradio's sse_v3 protocol): a JSON object
/// tagged by `msg`, as Gradio's `server_messages.py` defines them. Fields Gradio sends that no
/// client needs here (`eta`, `avg_time`, `time_limit`, …) are ignored when read.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "msg", rename_all = "snake_case")]
pub enum QueueMessage {
    /// The call's place in line: `rank` calls ahead of it (0: it is next, or runs at once).
    Estimation {
        event_id: Option<String>,
        rank: Option<usize>,
        queue_size: usize,
        rank_eta: Option<f64>,
    },
    ProcessStarts {
        event_id: Option<String>,
    },
    /// How far the call has come, as `gr.Progress` sends it.
    Progress {
        event_id: Option<String>,
        progress_data: Vec<ProgressUnit>,
    },
    /// An alert, as `gr.Info` and `gr.Warning` send it.
    Log {
        event_id: Option<String>,
        log: String,
        level: AlertLevel,
        duration: Option<f64>,
        visible: bool,
        title: String,
    },
    /// A generator's value: the first carries the outputs, the next ones a diff per output.
    ProcessGenerating {
        event_id: Option<String>,
        output: Output,
        success: bool,
    },
    /// The answer to one chunk of a streamed input (Gradio's own; Rheo streams over its socket).
    ProcessStreaming {
        event_id: Option<String>,
        output: Output,
        success: bool,
    },
    /// The call's last value, or the error its client raises.
    ProcessCompleted {
        event_id: Option<String>,
        output: Output,
        success: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        title: Option<String>,
    },
    /// Nothing to say: sent so that proxies keep the stream open.
    Heartbeat,
    /// The stream ends: nothing is pending (its `event_id` is null).
    CloseStream {
        event_id: Option<String>,
    },
    /// The queue itself failed (the shared store is unavailable, say).
    UnexpectedError {
        message: String,
        success: bool,
    },
}

/// One unit of a `progress` message.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProgressUnit {
    pub index: Option<f64>,
    pub length: Option<f64>,
    pub unit: Option<String>,
    pub progress: Option<f64>,
    pub desc: Option<String>,
}

/// A call's output as a message carries it: the outputs' values (or diffs), or an error.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Output {
    Data {
        data: Vec<Json>,
        #[serde(default)]
        is_generating: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        changed_state_ids: Option<Vec<String>>,
    },
    Error {
        error: Option<String>,
        #[serde(default)]
        visible: bool,
        #[serde(default)]
        title: Option<String>,
    },
}

impl QueueMessage {
    /// What a call reported, as Gradio says it.
    pub fn reported(event_id: &str, reported: &CallEvent) -> Self {
        let event_id = Some(event_id.to_owned());
        match reported {
            CallEvent::Waiting { ahead, eta } => {
                QueueMessage::Estimation { event_id, rank: Some(*ahead), queue_size: ahead + 1, rank_eta: *eta }
            }
            CallEvent::Started => QueueMessage::ProcessStarts { event_id },
            CallEvent::Progress { fraction, description } => QueueMessage::Progress {
                event_id,
                progress_data: vec![ProgressUnit {
                    index: None,
                    length: None,
                    unit: Some("steps".into()),
                    progress: *fraction,
                    desc: Some(description.clone()),
                }],
            },
            CallEvent::Alert { level, message } => QueueMessage::Log {
                event_id,
                log: message.clone(),
                level: *level,
                duration: Some(10.0),
                visible: true,
                title: match level {
                    AlertLevel::Warning => "Warning",
                    AlertLevel::Info => "Info",
                }
                .into(),
            },
        }
    }

    /// A generator's value: the first of a call carries the outputs, the next ones each
    /// output's edits from the `last` (see [`super::diff`]), as Gradio's sse_v3 does.
    pub fn generating(event_id: &str, data: &[Value], last: Option<&[Value]>) -> Self {
        let data = match last {
            None => data.iter().map(|value| json!(value)).collect(),
            Some(last) => super::diff::diff_outputs(last, data).iter().map(|edits| json!(edits)).collect(),
        };
        QueueMessage::ProcessGenerating {
            event_id: Some(event_id.to_owned()),
            output: Output::Data { data, is_generating: true, changed_state_ids: None },
            success: true,
        }
    }

    /// The call's end: its outputs, or the error its client raises.
    pub fn completed(event_id: &str, answer: Result<Vec<Value>, String>) -> Self {
        let event_id = Some(event_id.to_owned());
        match answer {
            Ok(data) => QueueMessage::ProcessCompleted {
                event_id,
                output: Output::Data {
                    data: data.iter().map(|value| json!(value)).collect(),
                    is_generating: false,
                    changed_state_ids: Some(Vec::new()),
                },
                success: true,
                title: None,
            },
            Err(error) => QueueMessage::ProcessCompleted {
                event_id,
                output: Output::Error { error: Some(error), visible: true, title: Some("Error".into()) },
                success: false,
                title: Some("Error".into()),
            },
        }
    }

    /// The event this message completes, if it is a completion.
    pub fn completes(&self) -> Option<&str> {
        match self {
            QueueMessage::ProcessCompleted { event_id, .. } => event_id.as_deref(),
            _ => None,
        }
    }

    pub fn close_stream() -> Self {
        QueueMessage::CloseStream { event_id: None }
    }

    /// The message as a stream's event carries it.
    pub fn to_json_text(&self) -> String {
        serde_json::to_string(self).expect("a queue message is plain JSON")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The exact objects Gradio 6 sends, which its clients match on.
    #[test]
    fn each_queue_message_is_written_as_gradio_writes_it() {
        let cases = [
            (QueueMessage::Heartbeat, json!({"msg": "heartbeat"})),
            (QueueMessage::close_stream(), json!({"msg": "close_stream", "event_id": null})),
            (
                QueueMessage::reported("e", &CallEvent::Waiting { ahead: 2, eta: Some(1.5) }),
                json!({"msg": "estimation", "event_id": "e", "rank": 2, "queue_size": 3, "rank_eta": 1.5}),
            ),
            (
                QueueMessage::reported("e", &CallEvent::Progress { fraction: Some(0.5), description: "half".into() }),
                json!({"msg": "progress", "event_id": "e", "progress_data": [
                    {"index": null, "length": null, "unit": "steps", "progress": 0.5, "desc": "half"}]}),
            ),
            (
                QueueMessage::reported("e", &CallEvent::Alert { level: AlertLevel::Warning, message: "hm".into() }),
                json!({"msg": "log", "event_id": "e", "log": "hm", "level": "warning", "duration": 10.0,
                    "visible": true, "title": "Warning"}),
            ),
            (
                QueueMessage::generating(
                    "e",
                    &[Value::Number(1.0), Value::Text("Hello there".into())],
                    Some(&[Value::Number(0.0), Value::Text("Hello".into())]),
                ),
                json!({"msg": "process_generating", "event_id": "e", "success": true,
                    "output": {"data": [[["replace", [], 1.0]], [["append", [], " there"]]], "is_generating": true}}),
            ),
            (
                QueueMessage::completed("e", Ok(vec![Value::Text("hi".into())])),
                json!({"msg": "process_completed", "event_id": "e", "success": true,
                    "output": {"data": ["hi"], "is_generating": false, "changed_state_ids": []}}),
            ),
            (
                QueueMessage::completed("e", Err("no".into())),
                json!({"msg": "process_completed", "event_id": "e", "success": false, "title": "Error",
                    "output": {"error": "no", "visible": true, "title": "Error"}}),
            ),
        ];
        for (message, written) in cases {
            assert_eq!(serde_json::to_value(&message).unwrap(), written);
            let read: QueueMessage = serde_json::from_value(written).unwrap();
            assert_eq!(read, message, "read back as written");
        }
    }

    /// As Gradio 6.31 wrote them in the bench (with fields only it sends).
    #[test]
    fn gradios_own_messages_read() {
        let streaming = json!({"msg": "process_streaming", "event_id": "e", "success": true, "time_limit": 30,
            "output": {"data": [{"path": "a.png"}], "is_generating": true, "duration": 0.01,
                "average_duration": 0.01, "render_config": null, "changed_state_ids": []}});
        let QueueMessage::ProcessStreaming { output: Output::Data { data, .. }, .. } =
            serde_json::from_value(streaming).unwrap()
        else {
            panic!("not read as a streamed answer")
        };
        assert_eq!(data[0]["path"], "a.png");
        let heartbeat = json!({"msg": "heartbeat", "event_id": null});
        assert_eq!(serde_json::from_value::<QueueMessage>(heartbeat).unwrap(), QueueMessage::Heartbeat);
        let failed = json!({"msg": "process_completed", "event_id": "e", "success": false,
            "output": {"error": null}, "title": "Error"});
        assert!(matches!(
            serde_json::from_value(failed).unwrap(),
            QueueMessage::ProcessCompleted { success: false, .. }
        ));
    }

    #[test]
    fn paths_fill_the_routes() {
        assert_eq!(upload_path("flip"), "/flip/gradio_api/upload");
        assert_eq!(file_url("flip", "/tmp/rheo-x/1/a.png"), "/flip/gradio_api/file=/tmp/rheo-x/1/a.png");
    }
}
