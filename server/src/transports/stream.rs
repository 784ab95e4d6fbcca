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
    response::Response,
};
use futures::future::BoxFuture;
use rheo_shared::protocol::stream::{decode_frame, ClientMessage, ServerMessage, FRAME_HEADER_BYTES, MAX_FRAME_BYTES};
use tokio::time::{sleep_until, Instant};

use super::{check_session, rheo::ApiError, Failure, Interfaces};
use crate::engine::{
    codec::{answer_frame, blocking},
    last, Checked, Mounted,
};

/// The largest WebSocket message read at all; frames between [`MAX_FRAME_BYTES`] and this get
/// an error and the stream goes on, larger ones end the connection.
const MAX_MESSAGE_BYTES: usize = 4 * MAX_FRAME_BYTES;
/// How long a new connection may take to send its start message.
const START_TIMEOUT: Duration = Duration::from_secs(10);

/// `GET /<name>/stream`: upgrades to a WebSocket for one stream.
pub(crate) async fn connect(
    ws: WebSocketUpgrade,
    State(interfaces): State<Arc<Interfaces>>,
    Path(name): Path<String>,
) -> Result<Response, ApiError> {
    let interface = interfaces.find(&name)?.clone();
    let streaming = interface.spec().streaming_input().ok_or(Failure::NoStream(name))?;
    let stream = FrameStream { interfaces, interface, streaming, inputs: None, session: None, waiting: None };
    Ok(ws.max_message_size(MAX_MESSAGE_BYTES).on_upgrade(move |socket| stream.run(socket)))
}

/// The frame being processed: its number and its answer (a binary message) or error.
type Running = BoxFuture<'static, (u32, Result<Vec<u8>, String>)>;

/// One stream's connection.
struct FrameStream {
    interfaces: Arc<Interfaces>,
    interface: Arc<Mounted>,
    /// The position of the streaming input.
    streaming: usize,
    /// Every input's current value, checked (the streaming slot waits for a frame); `None`
    /// before the start message.
    inputs: Option<Checked>,
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

impl FrameStream {
    async fn run(mut self, mut socket: WebSocket) {
        let interface = self.interface.clone();
        let _open = interface.open_stream();
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
                if let Some(Err(e)) = session.as_deref().map(check_session) {
                    return error(e.to_string());
                }
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
        let checked = match self.interface.check_stream_inputs(data) {
            Ok(checked) => checked,
            Err(e) => return error(e.to_string()),
        };
        let started = start && self.inputs.is_none();
        self.inputs = Some(checked);
        let time_limit = self.interface.spec().time_limit;
        (started.then_some(ServerMessage::Started { time_limit }), started)
    }

    /// A frame to process, or why it cannot be.
    fn frame(&self, frame: Bytes) -> Result<(u32, Bytes), ServerMessage> {
        let (seq, media) =
            decode_frame(&frame).map_err(|e| ServerMessage::Error { seq: None, message: e.to_string() })?;
        if self.inputs.is_none() {
            return Err(ServerMessage::Error { seq: Some(seq), message: "send a start message first".into() });
        }
        if media.len() > MAX_FRAME_BYTES {
            let message =
                format!("the frame is {} KiB; the limit is {} KiB", media.len() / 1024, MAX_FRAME_BYTES / 1024);
            return Err(ServerMessage::Error { seq: Some(seq), message });
        }
        Ok((seq, frame))
    }

    /// Runs a frame through the handler, off the runtime for the codecs.
    fn process(&self, (seq, frame): (u32, Bytes)) -> Running {
        let (interfaces, interface) = (self.interfaces.clone(), self.interface.clone());
        let inputs = self.inputs.clone().expect("frames are taken only after the start message");
        let inputs = inputs.with_frame(self.streaming, frame.slice(FRAME_HEADER_BYTES..));
        let session = self.session.clone();
        Box::pin(async move {
            let answer = async {
                let outputs =
                    last(interface.call(&interfaces.files, session, inputs)).await.map_err(|e| e.to_string())?;
                blocking(move || answer_frame(seq, outputs)).await.map_err(|e| e.to_string())
            };
            (seq, answer.await)
        })
    }
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
