//! Streams: one WebSocket per stream of webcam frames or microphone chunks, speaking
//! `rheo_shared::protocol::stream`.
//!
//! Each frame (a JPEG, or a WAV chunk) is decoded, run through the interface's handler with the other inputs as they
//! are at that moment, and answered with the outputs (images as JPEG). One frame runs at a time
//! and at most one more waits: a newer frame replaces the waiting one, which is answered
//! `Skipped`, so a slow handler makes the stream drop frames instead of falling behind. A stream
//! ends at its time limit, or when the browser closes it or vanishes; its task, and any frame
//! in progress, go with the connection.

use std::{sync::Arc, time::Duration};

use axum::{
    body::Bytes,
    extract::{
        ws::{Message, WebSocket},
        Path, State, WebSocketUpgrade,
    },
    http::StatusCode,
    response::{IntoResponse, Response},
};
use futures::future::BoxFuture;
use rheo_shared::{
    protocol::stream::{decode_frame, encode_answer, ClientMessage, ServerMessage, MAX_FRAME_BYTES},
    FileData, Value,
};
use tokio::time::{sleep_until, Instant};

use crate::{
    handler::CallError,
    http::ApiError,
    interface::{check, Mounted},
    media,
    registry::Served,
    value::Payload,
};

/// The largest WebSocket message read at all; frames between [`MAX_FRAME_BYTES`] and this get
/// an error and the stream goes on, larger ones end the connection.
const MAX_MESSAGE_BYTES: usize = 4 * MAX_FRAME_BYTES;
/// How long a new connection may take to send its start message.
const START_TIMEOUT: Duration = Duration::from_secs(10);
/// The JPEG quality of streamed output frames.
const OUTPUT_JPEG_QUALITY: u8 = 85;

/// `GET /<name>/stream`: upgrades to a WebSocket for one stream.
pub async fn connect(ws: WebSocketUpgrade, State(served): State<Arc<Served>>, Path(name): Path<String>) -> Response {
    let Some(interface) = served.interface(&name).cloned() else {
        return ApiError(StatusCode::NOT_FOUND, format!("there is no interface named {name:?}")).into_response();
    };
    let Some(streaming) = interface.spec().streaming_input() else {
        return ApiError(StatusCode::BAD_REQUEST, format!("the interface {name:?} has no streaming input")).into_response();
    };
    ws.max_message_size(MAX_MESSAGE_BYTES)
        .on_upgrade(move |socket| Stream { interface, streaming, inputs: None, session: None, waiting: None }.run(socket))
}

/// The frame being processed: its number and its answer (a binary message) or error.
type Running = BoxFuture<'static, (u32, Result<Vec<u8>, String>)>;

struct Stream {
    interface: Arc<Mounted>,
    /// The position of the streaming input.
    streaming: usize,
    /// Every input's current value (the streaming slot unused); `None` before the start message.
    inputs: Option<Vec<Value>>,
    /// The session whose `State` the calls use: the page's, or this stream's own.
    session: Option<String>,
    /// A frame that came while another was running.
    waiting: Option<(u32, Bytes)>,
}

enum Event {
    TimeUp,
    Received(Option<Message>),
    Answered(u32, Result<Vec<u8>, String>),
}

impl Stream {
    async fn run(mut self, mut socket: WebSocket) {
        let _open = OpenStream::count(&self.interface);
        let mut deadline = Instant::now() + START_TIMEOUT;
        let mut running: Option<Running> = None;
        loop {
            let event = tokio::select! {
                () = sleep_until(deadline) => Event::TimeUp,
                message = socket.recv() => Event::Received(message.and_then(Result::ok)),
                (seq, answer) = async { running.as_mut().expect("guarded").await }, if running.is_some() => {
                    Event::Answered(seq, answer)
                }
            };
            let reply = match event {
                Event::TimeUp => {
                    let _ = send(&mut socket, ServerMessage::Ended { reason: self.ended_reason() }).await;
                    break;
                }
                Event::Received(None | Some(Message::Close(_))) => break,
                Event::Received(Some(Message::Text(control))) => {
                    let (reply, started) = self.control(&control);
                    if started {
                        deadline = self.time_limit().map_or_else(far_future, |limit| Instant::now() + limit);
                    }
                    reply.map(as_message)
                }
                Event::Received(Some(Message::Binary(frame))) => match self.frame(frame) {
                    Ok(frame) if running.is_none() => {
                        running = Some(self.process(frame));
                        None
                    }
                    Ok(frame) => self.waiting.replace(frame).map(|(seq, _)| as_message(ServerMessage::Skipped { seq })),
                    Err(error) => Some(as_message(error)),
                },
                Event::Received(Some(_)) => None,
                Event::Answered(seq, answer) => {
                    running = self.waiting.take().map(|frame| self.process(frame));
                    Some(match answer {
                        Ok(binary) => Message::Binary(binary.into()),
                        Err(message) => as_message(ServerMessage::Error { seq: Some(seq), message }),
                    })
                }
            };
            if let Some(reply) = reply {
                if socket.send(reply).await.is_err() {
                    break;
                }
            }
        }
    }

    fn time_limit(&self) -> Option<Duration> {
        self.interface.spec().time_limit.map(Duration::from_secs_f64)
    }

    fn ended_reason(&self) -> String {
        match (&self.inputs, self.interface.spec().time_limit) {
            (Some(_), Some(limit)) => format!("The stream reached its time limit of {limit} s."),
            _ => "No start message came; the stream was closed.".to_owned(),
        }
    }

    /// Handles a control message; says whether it started the stream.
    fn control(&mut self, text: &str) -> (Option<ServerMessage>, bool) {
        let error = |message: String| (Some(ServerMessage::Error { seq: None, message }), false);
        let (data, start) = match serde_json::from_str::<ClientMessage>(text) {
            Ok(ClientMessage::Start { data, session }) => {
                if self.session.is_none() {
                    self.session = Some(session.unwrap_or_else(|| uuid::Uuid::new_v4().simple().to_string()));
                }
                (data, true)
            }
            Ok(ClientMessage::Inputs { data }) => (data, false),
            Err(e) => return error(format!("unreadable control message: {e}")),
        };
        if !start && self.inputs.is_none() {
            return error("send a start message first".into());
        }
        let mut checked = data;
        if let Some(slot) = checked.get_mut(self.streaming) {
            // The streaming input's value comes with each frame; it checks as a file here.
            *slot = Value::File(FileData::default());
        }
        if let Err(message) = check(&self.interface.spec().inputs, &checked) {
            return error(message);
        }
        let started = start && self.inputs.is_none();
        self.inputs = Some(checked);
        let time_limit = self.interface.spec().time_limit;
        (started.then_some(ServerMessage::Started { time_limit }), started)
    }

    /// A frame to process, or why it cannot be.
    fn frame(&self, frame: Bytes) -> Result<(u32, Bytes), ServerMessage> {
        let (seq, media) = decode_frame(&frame).map_err(|e| ServerMessage::Error { seq: None, message: e.to_string() })?;
        if self.inputs.is_none() {
            return Err(ServerMessage::Error { seq: Some(seq), message: "send a start message first".into() });
        }
        if media.len() > MAX_FRAME_BYTES {
            let message = format!("the frame is {} KiB; the limit is {} KiB", media.len() / 1024, MAX_FRAME_BYTES / 1024);
            return Err(ServerMessage::Error { seq: Some(seq), message });
        }
        Ok((seq, frame))
    }

    /// Runs a frame through the handler, off the runtime for the codecs.
    fn process(&self, (seq, frame): (u32, Bytes)) -> Running {
        let interface = self.interface.clone();
        let inputs = self.inputs.clone().expect("frames are taken only after the start message");
        let streaming = self.streaming;
        let session = self.session.clone();
        Box::pin(async move {
            let answer = async {
                let component = &interface.spec().inputs[streaming];
                let (label, kind) = (component.label.clone(), component.kind.clone());
                let decoded = blocking(move || media::decode_for(&kind, &frame[4..]));
                let mut decoded = Some(decoded.await?.map_err(|e| format!("{label}: {e}"))?);
                let payloads = inputs
                    .into_iter()
                    .enumerate()
                    .map(|(i, value)| if i == streaming { decoded.take().expect("one slot") } else { Payload::Json(value) })
                    .collect();
                let outputs = interface.run(session, payloads).await.map_err(|e| e.to_string())?;
                blocking(move || encode_answer_frame(seq, outputs)).await
            };
            (seq, answer.await)
        })
    }
}

/// The answer to frame `seq`: images as JPEG and audio as WAV bytes after the JSON of the outputs.
fn encode_answer_frame(seq: u32, outputs: Vec<Payload>) -> Vec<u8> {
    let mut media = Vec::new();
    let mut attach = |bytes: Vec<u8>, mime_type: &str, name: String| {
        let file = FileData { size: Some(bytes.len() as u64), mime_type: Some(mime_type.into()), orig_name: Some(name), ..FileData::default() };
        media.push(bytes);
        Value::File(file)
    };
    let data: Vec<Value> = outputs
        .into_iter()
        .map(|output| match output {
            Payload::Json(value) => value,
            Payload::Image(image) => attach(media::encode_jpeg(&image, OUTPUT_JPEG_QUALITY), "image/jpeg", format!("frame-{seq}.jpg")),
            Payload::Audio(audio) => attach(audio.to_wav(), "audio/wav", format!("chunk-{seq}.wav")),
            Payload::State(_) => Value::Null,
        })
        .collect();
    let media: Vec<&[u8]> = media.iter().map(Vec::as_slice).collect();
    encode_answer(seq, &data, &media)
}

async fn blocking<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T, String> {
    tokio::task::spawn_blocking(work).await.map_err(|_| CallError::Panicked.to_string())
}

async fn send(socket: &mut WebSocket, message: ServerMessage) -> Result<(), axum::Error> {
    socket.send(as_message(message)).await
}

fn as_message(message: ServerMessage) -> Message {
    Message::Text(serde_json::to_string(&message).expect("messages always serialise").into())
}

fn far_future() -> Instant {
    Instant::now() + Duration::from_secs(365 * 24 * 3600)
}

/// Counts a stream as open on its interface for as long as it lives.
struct OpenStream(Arc<Mounted>);

impl OpenStream {
    fn count(interface: &Arc<Mounted>) -> Self {
        interface.streams.fetch_add(1, std::sync::atomic::Ordering::AcqRel);
        OpenStream(interface.clone())
    }
}

impl Drop for OpenStream {
    fn drop(&mut self) {
        self.0.streams.fetch_sub(1, std::sync::atomic::Ordering::AcqRel);
    }
}
