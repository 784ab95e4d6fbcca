//! Streams: one WebSocket per stream of webcam frames or microphone chunks, speaking
//! `rheo_shared::protocol::stream`.
//!
//! Each frame (a JPEG, or a WAV chunk) is decoded, run through the interface's handler with the other inputs as they
//! are at that moment, and answered with the outputs (images as JPEG). One frame runs at a time
//! and at most one more waits: a newer frame replaces the waiting one, which is answered
//! `Skipped`, so a slow handler makes the stream drop frames instead of falling behind. A stream
//! ends at its time limit, or when the browser closes it or vanishes; its task, and any frame
//! in progress, go with the connection.
//!
//! A conversation (an endpoint whose handler takes the whole stream) gets every frame in
//! order through a bounded inbox (a frame that finds it full is answered `Skipped`), and its
//! answers go out as the handler says them, numbered in that order, with `Interrupted` when it
//! voids its reply.

use std::{sync::Arc, time::Duration};

use axum::{
    body::Bytes,
    extract::{
        ws::{Message, WebSocket},
        Path, Query, State, WebSocketUpgrade,
    },
    response::Response,
};
use futures::{
    future::BoxFuture,
    stream::{BoxStream, StreamExt},
    Sink, SinkExt,
};
use rheo_shared::protocol::stream::{
    decode_frame, split_parts, ClientMessage, ServerMessage, FRAME_HEADER_BYTES, MAX_FRAME_BYTES,
};
use serde::Deserialize;
use tokio::{
    sync::mpsc,
    time::{sleep_until, timeout_at, Instant},
};

use super::{check_session, rheo::ApiError, ClientTicket, Failure, Interfaces};
use crate::{
    engine::{
        codec::{answer_frame, blocking},
        last,
        value::Payload,
        Checked, Heard, Mounted, OpenStream, Said,
    },
    site::ClientAddress,
};

/// The largest WebSocket message read at all; frames between [`MAX_FRAME_BYTES`] and this get
/// an error and the stream goes on, larger ones end the connection.
const MAX_MESSAGE_BYTES: usize = 4 * MAX_FRAME_BYTES;
/// How long a new connection may take to send its start message.
const START_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a message may wait for the client to take it before the stream is closed.
const SEND_TIMEOUT: Duration = Duration::from_secs(10);
/// Frames a conversation may have waiting for its handler (a second of 20 ms chunks, say).
const CONVERSATION_INBOX: usize = 64;

/// Which endpoint a stream goes to: an interface's one (index 0), or a Blocks app's stream event.
#[derive(Deserialize)]
pub(crate) struct StreamTo {
    #[serde(default)]
    fn_index: usize,
}

/// `GET /<name>/stream?fn_index=<event>`: upgrades to a WebSocket for one stream, if the
/// endpoint and the client may open another (`Limits::max_streams`,
/// `Limits::max_streams_per_client`).
pub(crate) async fn connect(
    ws: WebSocketUpgrade,
    State(interfaces): State<Arc<Interfaces>>,
    Path(name): Path<String>,
    Query(StreamTo { fn_index }): Query<StreamTo>,
    ClientAddress(client): ClientAddress,
) -> Result<Response, ApiError> {
    let interface = interfaces.find(&name)?.endpoint(fn_index).cloned();
    let streaming = interface.as_ref().map(|i| i.spec().streaming_inputs()).unwrap_or_default();
    let Some(interface) = interface.filter(|_| !streaming.is_empty()) else {
        return Err(Failure::NoStream(name, fn_index).into());
    };
    let limits = interfaces.limits;
    let ticket = interfaces
        .streams_by_client
        .take(client, limits.max_streams_per_client)
        .ok_or(Failure::TooManyStreams(limits.max_streams_per_client))?;
    let open = interface.open_stream(limits.max_streams).ok_or(Failure::StreamsFull(limits.max_streams))?;
    let stream = FrameStream {
        interfaces,
        interface,
        client,
        streaming,
        inputs: None,
        session: None,
        waiting: None,
        conversation: None,
    };
    Ok(ws.max_message_size(MAX_MESSAGE_BYTES).on_upgrade(move |socket| stream.run(socket, (ticket, open))))
}

/// The frame being processed: its number and its answer (a binary message) or error.
type Running = BoxFuture<'static, (u32, Result<Vec<u8>, String>)>;

/// One stream's connection.
struct FrameStream {
    interfaces: Arc<Interfaces>,
    interface: Arc<Mounted>,
    /// Whose stream it is (its frames' calls are the client's).
    client: Option<std::net::IpAddr>,
    /// The positions of the streaming inputs: one, or a webcam and a microphone whose frames
    /// come together.
    streaming: Vec<usize>,
    /// Every input's current value, checked (the streaming slot waits for a frame); `None`
    /// before the start message.
    inputs: Option<Checked>,
    /// The session whose `State` the calls use: the page's, or this stream's own.
    session: Option<String>,
    /// A frame that came while another was running.
    waiting: Option<Frame>,
    /// The conversation, for an endpoint whose handler takes the whole stream, once started.
    conversation: Option<Conversation>,
}

/// A frame from the client: its number, and a part for each streaming input.
struct Frame {
    seq: u32,
    parts: Vec<Bytes>,
}

/// A running conversation: where its frames go, what it says, and how many answers it gave.
struct Conversation {
    inbox: mpsc::Sender<(u32, Checked)>,
    heard: BoxStream<'static, Heard>,
    answers: u32,
}

enum Event {
    TimeUp,
    /// No frame came for the idle timeout.
    Idle,
    Stopping,
    Received(Option<Message>),
    Answered(u32, Result<Vec<u8>, String>),
    Heard(Option<Heard>),
}

impl FrameStream {
    /// Serves the stream; `_counted` are its places among the client's and the interface's.
    async fn run(mut self, mut socket: WebSocket, _counted: (ClientTicket, OpenStream)) {
        let mut stopping = std::pin::pin!(self.interfaces.stopping());
        let mut deadline = Instant::now() + START_TIMEOUT;
        let idle_timeout = self.interfaces.limits.stream_idle_timeout;
        // Until a frame comes after the start, its wait is the start's.
        let mut last_frame: Option<Instant> = None;
        let mut running: Option<Running> = None;
        loop {
            // A timeout too long to add is none.
            let idle_at = last_frame.and_then(|at| at.checked_add(idle_timeout));
            let event = tokio::select! {
                () = sleep_until(deadline) => Event::TimeUp,
                () = sleep_until(idle_at.unwrap_or(deadline)), if idle_at.is_some_and(|at| at < deadline) => Event::Idle,
                () = &mut stopping => Event::Stopping,
                message = socket.recv() => Event::Received(message.and_then(Result::ok)),
                (seq, answer) = async { running.as_mut().expect("guarded").await }, if running.is_some() => {
                    Event::Answered(seq, answer)
                }
                heard = async { self.conversation.as_mut().expect("guarded").heard.next().await },
                    if self.conversation.is_some() => Event::Heard(heard),
            };
            let reply = match event {
                Event::TimeUp => {
                    let _ = send(&mut socket, ServerMessage::Ended { reason: self.ended_reason() }, deadline).await;
                    break;
                }
                Event::Idle => {
                    let reason =
                        format!("No chunk or frame came for {} s; the stream was closed.", idle_timeout.as_secs());
                    let _ = send(&mut socket, ServerMessage::Ended { reason }, Instant::now() + SEND_TIMEOUT).await;
                    break;
                }
                Event::Stopping => {
                    let reason = "The server is restarting; start again in a moment.".to_owned();
                    let _ = send(&mut socket, ServerMessage::Ended { reason }, Instant::now() + SEND_TIMEOUT).await;
                    break;
                }
                Event::Received(None | Some(Message::Close(_))) => break,
                Event::Received(Some(Message::Text(control))) => {
                    let (reply, started) = self.control(&control);
                    if started {
                        deadline = self.time_limit().map_or_else(far_future, |limit| Instant::now() + limit);
                        last_frame = Some(Instant::now());
                    }
                    reply.map(as_message)
                }
                Event::Received(Some(Message::Binary(frame))) => match self.frame(frame) {
                    Ok(frame) => {
                        last_frame = Some(Instant::now());
                        self.take(frame, &mut running)
                    }
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
                Event::Heard(None) => {
                    let reason = "The conversation is over.".to_owned();
                    let _ = send(&mut socket, ServerMessage::Ended { reason }, Instant::now() + SEND_TIMEOUT).await;
                    break;
                }
                Event::Heard(Some(heard)) => self.said(heard).await,
            };
            // A client that does not read its answers is not waited on past the stream's time
            // limit, nor for long at all.
            if let Some(reply) = reply {
                if !send_by(&mut socket, reply, deadline.min(Instant::now() + SEND_TIMEOUT)).await {
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
        if started {
            self.conversation = self.converse();
        }
        let time_limit = self.interface.spec().time_limit;
        (started.then_some(ServerMessage::Started { time_limit }), started)
    }

    /// A frame to process, or why it cannot be.
    fn frame(&self, frame: Bytes) -> Result<Frame, ServerMessage> {
        let (seq, media) =
            decode_frame(&frame).map_err(|e| ServerMessage::Error { seq: None, message: e.to_string() })?;
        let refused = |message: String| ServerMessage::Error { seq: Some(seq), message };
        if self.inputs.is_none() {
            return Err(refused("send a start message first".into()));
        }
        if media.len() > MAX_FRAME_BYTES {
            return Err(refused(format!(
                "the frame is {} KiB; the limit is {} KiB",
                media.len() / 1024,
                MAX_FRAME_BYTES / 1024
            )));
        }
        let parts = split_parts(media, self.streaming.len()).map_err(|e| refused(e.to_string()))?;
        let media = frame.slice(FRAME_HEADER_BYTES..);
        Ok(Frame { seq, parts: parts.into_iter().map(|range| media.slice(range)).collect() })
    }

    /// The stream's inputs with this frame's parts.
    fn row(&self, inputs: Checked, frame: Frame) -> Checked {
        inputs.with_frame(self.streaming.iter().copied().zip(frame.parts))
    }

    /// Takes a frame: to the conversation, or to run now if none runs, or else to wait in
    /// place of the one waiting, which is skipped.
    fn take(&mut self, frame: Frame, running: &mut Option<Running>) -> Option<Message> {
        if self.conversation.is_some() {
            self.hand_over(frame).map(as_message)
        } else if running.is_none() {
            *running = Some(self.process(frame));
            None
        } else {
            self.waiting.replace(frame).map(|frame| as_message(ServerMessage::Skipped { seq: frame.seq }))
        }
    }

    /// The endpoint's conversation, started, if its handler takes the whole stream.
    fn converse(&self) -> Option<Conversation> {
        let (inbox, rows) = mpsc::channel(CONVERSATION_INBOX);
        let heard = self.interface.converse(&self.interfaces.files, self.client, rows)?;
        Some(Conversation { inbox, heard, answers: 0 })
    }

    /// Hands a frame to the conversation; a frame that finds its inbox full is skipped.
    fn hand_over(&self, frame: Frame) -> Option<ServerMessage> {
        let (conversation, inputs, seq) = (self.conversation.as_ref()?, self.inputs.clone()?, frame.seq);
        let row = self.row(inputs, frame);
        match conversation.inbox.try_send((seq, row)) {
            Ok(()) | Err(mpsc::error::TrySendError::Closed(_)) => None,
            Err(mpsc::error::TrySendError::Full(_)) => Some(ServerMessage::Skipped { seq }),
        }
    }

    /// What to send for what the conversation said: its outputs as the next answer, encoded
    /// off the runtime, or why it failed.
    async fn said(&mut self, heard: Heard) -> Option<Message> {
        let outputs = match heard {
            Heard::Said(Said::Outputs(outputs)) => outputs,
            Heard::Said(Said::Interrupted) => return Some(as_message(ServerMessage::Interrupted)),
            Heard::Refused(seq, e) => {
                return Some(as_message(ServerMessage::Error { seq: Some(seq), message: e.to_string() }))
            }
            Heard::Failed(e) => return Some(as_message(ServerMessage::Error { seq: None, message: e.to_string() })),
        };
        let conversation = self.conversation.as_mut()?;
        conversation.answers += 1;
        let seq = conversation.answers;
        Some(match encoded_answer(&self.interfaces, self.interface.clone(), seq, outputs).await {
            Ok(binary) => Message::Binary(binary.into()),
            Err(message) => as_message(ServerMessage::Error { seq: None, message }),
        })
    }

    /// Runs a frame through the handler, off the runtime for the codecs.
    fn process(&self, frame: Frame) -> Running {
        let (interfaces, interface) = (self.interfaces.clone(), self.interface.clone());
        let inputs = self.inputs.clone().expect("frames are taken only after the start message");
        let seq = frame.seq;
        let inputs = self.row(inputs, frame);
        let (client, session) = (self.client, self.session.clone());
        Box::pin(async move {
            let answer = async {
                let call = interface.call(&interfaces.files, client, session, inputs, None);
                let outputs = last(call).await.map_err(|e| e.to_string())?;
                encoded_answer(&interfaces, interface.clone(), seq, outputs).await
            };
            (seq, answer.await)
        })
    }
}

/// Answer `seq` of `outputs` as its binary message, encoded off the runtime (JPEG, WAV).
async fn encoded_answer(
    interfaces: &Interfaces,
    interface: Arc<Mounted>,
    seq: u32,
    outputs: Vec<Payload>,
) -> Result<Vec<u8>, String> {
    let max_files = interfaces.files.value_bounds().files;
    let answer = blocking(move || answer_frame(seq, outputs, &interface.spec().outputs, max_files)).await;
    answer.and_then(|answer| answer).map_err(|e| e.to_string())
}

/// Sends a last message, giving the client a moment to take it even past `by`.
async fn send(socket: &mut WebSocket, message: ServerMessage, by: Instant) -> bool {
    send_by(socket, as_message(message), by.max(Instant::now() + Duration::from_millis(100))).await
}

/// Sends `message`, unless the client has not taken it by `by` (a client that stopped reading
/// once kept its stream open past the time limit: the limit was not checked while a send
/// waited); says whether it was sent.
async fn send_by<S: Sink<Message> + Unpin>(socket: &mut S, message: Message, by: Instant) -> bool {
    matches!(timeout_at(by, socket.send(message)).await, Ok(Ok(())))
}

fn as_message(message: ServerMessage) -> Message {
    Message::Text(serde_json::to_string(&message).expect("messages always serialise").into())
}

fn far_future() -> Instant {
    Instant::now() + Duration::from_secs(365 * 24 * 3600)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_send_the_client_does_not_take_gives_up_at_its_deadline() {
        // A sink that is never ready: a client whose socket buffers are full.
        let stuck = futures::sink::unfold((), |(), _: Message| std::future::pending::<Result<(), ()>>());
        let mut stuck = std::pin::pin!(stuck);
        let start = Instant::now();
        assert!(!send_by(&mut stuck, Message::Text("late".into()), start + Duration::from_secs(3)).await);
        assert_eq!(start.elapsed(), Duration::from_secs(3));
        let mut open = futures::sink::drain();
        let by = Instant::now() + Duration::from_secs(3);
        assert!(send_by(&mut open, Message::Text("taken".into()), by).await, "a ready client takes it at once");
    }
}
