//! Conversations, handlers of a whole stream: one of the author's, and `ReplyOnPause`, over
//! the stream socket on real TCP on loopback, and called once through Rheo's API.

use crate::common;

use std::{
    sync::atomic::{AtomicBool, Ordering},
    time::Duration,
};

use axum::{body::Body, http::Request, Router};
use futures::{SinkExt, Stream, StreamExt};
use http_body_util::BodyExt;
use rheo::{Audio, AudioData, Incoming, Interface, Limits, Number, Registry, ReplyOnPause};
use rheo_shared::protocol::stream::{decode_answer, encode_frame, ServerMessage};
use serde_json::{json, Value as Json};
use tokio::{net::TcpStream, time::timeout};
use tokio_tungstenite::{connect_async, tungstenite::Message, MaybeTlsStream, WebSocketStream};
use tower::ServiceExt;

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

const RATE: u32 = 16_000;
/// A microphone's chunk: 20 ms.
const CHUNK: usize = 320;

/// Says how many chunks it has heard, every second one; hangs up after six.
fn counting(chunks: Incoming<AudioData>) -> impl Stream<Item = f64> {
    chunks
        .take(6)
        .enumerate()
        .filter_map(|(heard, _)| std::future::ready((heard % 2 == 1).then_some((heard + 1) as f64)))
}

/// Says the utterance back in six pieces, a piece every 100 ms, as a slow model would.
fn say_back(utterance: AudioData) -> impl Stream<Item = AudioData> {
    let piece = utterance.samples.len().div_ceil(6).max(1);
    let pieces: Vec<AudioData> = utterance.samples.chunks(piece).map(|p| AudioData::mono(RATE, p.to_vec())).collect();
    futures::stream::iter(pieces).then(|piece| async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        piece
    })
}

fn registry() -> Registry {
    let microphone = || Audio::new().microphone().streaming(true);
    Registry::new()
        .mount("counting", Interface::new(counting).inputs(microphone()).outputs(Number::new()).live(true))
        .mount(
            "talk",
            Interface::new(ReplyOnPause::new(say_back).pause(Duration::from_millis(300)))
                .inputs(microphone())
                .outputs(Audio::new().streaming(true).autoplay(true))
                .live(true),
        )
}

/// `seconds` of a voice-like buzz (harmonics of 140 Hz, rising and falling like syllables), or
/// of silence, in 20 ms chunks as WAV files.
fn sound(seconds: f64, voiced: bool) -> Vec<Vec<u8>> {
    let samples: Vec<f32> = (0..(seconds * f64::from(RATE)) as usize)
        .map(|i| {
            let t = i as f64 / f64::from(RATE);
            let buzz: f64 = (1..12).map(|k| (2.0 * std::f64::consts::PI * 140.0 * k as f64 * t).sin() / k as f64).sum();
            let syllables = 0.5 - 0.5 * (2.0 * std::f64::consts::PI * 4.0 * t).cos();
            if voiced {
                (0.25 * syllables * buzz) as f32
            } else {
                0.0
            }
        })
        .collect();
    samples.chunks(CHUNK).map(|chunk| AudioData::mono(RATE, chunk.to_vec()).to_wav()).collect()
}

/// Opens a stream to `name` and starts it.
async fn open(port: u16, name: &str) -> Socket {
    let (mut socket, _) = connect_async(format!("ws://127.0.0.1:{port}/{name}/stream")).await.unwrap();
    socket.send(Message::text(json!({"type": "start", "data": [null]}).to_string())).await.unwrap();
    assert!(matches!(next(&mut socket).await, Some(Heard::Message(ServerMessage::Started { .. }))));
    socket
}

/// Sends `frames`, numbered on from `first`.
async fn send(socket: &mut Socket, first: u32, frames: Vec<Vec<u8>>) {
    for (seq, frame) in (first..).zip(frames) {
        socket.send(Message::binary(encode_frame(seq, &frame))).await.unwrap();
    }
}

#[derive(Debug)]
enum Heard {
    Message(ServerMessage),
    /// An answer's number and its outputs' JSON.
    Answer(u32, Vec<Json>),
}

/// The next thing the server says, if it says something within 5 s.
async fn next(socket: &mut Socket) -> Option<Heard> {
    loop {
        let message = timeout(Duration::from_secs(5), socket.next()).await.ok()??.ok()?;
        return Some(match message {
            Message::Text(text) => Heard::Message(serde_json::from_str(&text).unwrap()),
            Message::Binary(bytes) => {
                let answer = decode_answer(&bytes).unwrap();
                Heard::Answer(answer.seq, answer.data)
            }
            _ => continue,
        });
    }
}

#[tokio::test]
async fn a_conversation_says_what_it_likes_and_ends_with_its_handler() {
    let port = common::serve(registry()).await;
    let mut socket = open(port, "counting").await;
    let mut frames = sound(0.12, false);
    frames.insert(2, b"not audio".to_vec());
    send(&mut socket, 1, frames).await;
    let mut heard = Vec::new();
    while let Some(next) = next(&mut socket).await {
        heard.push(match next {
            Heard::Answer(seq, data) => json!({"answer": seq, "data": data}),
            Heard::Message(message) => json!(message),
        });
    }
    let refusal = json!({
        "type": "error", "seq": 3,
        "message": "audio: this is not audio in a format the server reads (WAV, FLAC, MP3 or Ogg Vorbis)"
    });
    let position = heard.iter().position(|h| *h == refusal).expect("the bad chunk is refused by its number");
    heard.remove(position);
    // Six good chunks: it spoke three times, its answers numbered as said, then hung up.
    assert_eq!(
        heard,
        [
            json!({"answer": 1, "data": [2.0]}),
            json!({"answer": 2, "data": [4.0]}),
            json!({"answer": 3, "data": [6.0]}),
            json!({"type": "ended", "reason": "The conversation is over."}),
        ]
    );
}

#[tokio::test]
async fn reply_on_pause_answers_a_turn_after_its_pause_and_stops_when_talked_over() {
    let port = common::serve(registry()).await;
    let mut socket = open(port, "talk").await;
    // Speech without a pause: no reply.
    send(&mut socket, 1, sound(0.6, true)).await;
    assert!(timeout(Duration::from_millis(500), next(&mut socket)).await.is_err(), "no reply while the person speaks");
    // The pause: the reply streams back, the utterance's sound.
    send(&mut socket, 31, sound(0.5, false)).await;
    let Some(Heard::Answer(1, first)) = next(&mut socket).await else { panic!("the reply's first piece") };
    assert_eq!(first[0]["is_stream"], true, "a piece to play after the last");
    // Talked over: the reply is void, and no more of it comes.
    send(&mut socket, 56, sound(0.4, true)).await;
    let mut pieces = 1;
    loop {
        match next(&mut socket).await {
            Some(Heard::Answer(..)) => pieces += 1,
            Some(Heard::Message(ServerMessage::Interrupted)) => break,
            other => panic!("expected the rest of the reply or an interruption, not {other:?}"),
        }
    }
    assert!(pieces < 6, "the reply was cut short: {pieces} of 6 pieces");
    let after = timeout(Duration::from_millis(400), next(&mut socket)).await;
    assert!(after.is_err(), "nothing more of the cancelled reply: {after:?}");
    // That turn's pause: its own reply, all of it, numbered on.
    send(&mut socket, 76, sound(0.5, false)).await;
    let mut numbers = Vec::new();
    while let Ok(Some(Heard::Answer(seq, _))) = timeout(Duration::from_secs(2), next(&mut socket)).await {
        numbers.push(seq);
    }
    assert_eq!(numbers, (pieces + 1..pieces + 7).collect::<Vec<_>>());
}

/// Set when [`lingering`]'s conversation is dropped.
static LINGERING_DROPPED: AtomicBool = AtomicBool::new(false);

/// Says 1 for each chunk, and would wait for more for ever.
fn lingering(chunks: Incoming<AudioData>) -> impl Stream<Item = f64> {
    struct Dropped;
    impl Drop for Dropped {
        fn drop(&mut self) {
            LINGERING_DROPPED.store(true, Ordering::SeqCst);
        }
    }
    let dropped = Dropped;
    chunks.map(move |_| {
        let _kept = &dropped;
        1.0
    })
}

#[tokio::test]
async fn a_client_that_stops_sending_is_dropped_with_its_conversation() {
    let registry = Registry::new()
        .mount(
            "lingering",
            Interface::new(lingering).inputs(Audio::new().streaming(true)).outputs(Number::new()).live(true),
        )
        .limits(Limits::default().stream_idle_timeout(Duration::from_secs(1)));
    let port = common::serve(registry).await;
    let mut socket = open(port, "lingering").await;
    send(&mut socket, 1, sound(0.02, false)).await;
    assert!(matches!(next(&mut socket).await, Some(Heard::Answer(1, _))));
    let Some(Heard::Message(ServerMessage::Ended { reason })) = next(&mut socket).await else { panic!("ended") };
    assert_eq!(reason, "No chunk or frame came for 1 s; the stream was closed.");
    for _ in 0..50 {
        if LINGERING_DROPPED.load(Ordering::SeqCst) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the conversation was not dropped with its stream");
}

/// Posts `request`; the status and the body as text.
async fn send_request(router: &Router, request: Request<Body>) -> (u16, String) {
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status().as_u16();
    (status, String::from_utf8(response.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap())
}

/// Uploads `samples` of sound to app `name` as a WAV (as `gradio_client` does) and calls it
/// with that file through Rheo's API; the status and the answer's lines.
async fn call_with_sound(router: &Router, name: &str, samples: usize) -> (u16, Vec<Json>) {
    let mut body = b"--b\r\nContent-Disposition: form-data; name=\"files\"; filename=\"said.wav\"\r\n\r\n".to_vec();
    body.extend_from_slice(&AudioData::mono(RATE, vec![0.1; samples]).to_wav());
    body.extend_from_slice(b"\r\n--b--\r\n");
    let upload = Request::post(format!("/{name}/gradio_api/upload"))
        .header("content-type", "multipart/form-data; boundary=b")
        .body(Body::from(body))
        .unwrap();
    let (status, paths) = send_request(router, upload).await;
    assert_eq!(status, 200, "{paths}");
    let path = serde_json::from_str::<Json>(&paths).unwrap()[0].clone();
    let file = json!({"path": path, "meta": {"_type": "gradio.FileData"}});
    let run = Request::post(format!("/{name}/run"))
        .header("content-type", "application/json")
        .body(Body::from(json!({"data": [file]}).to_string()))
        .unwrap();
    let (status, lines) = send_request(router, run).await;
    (status, lines.lines().map(|line| serde_json::from_str(line).unwrap()).collect())
}

#[tokio::test]
async fn an_api_call_of_a_conversation_is_one_row_and_of_reply_on_pause_one_utterance() {
    let router = registry().into_router();
    let (status, lines) = call_with_sound(&router, "counting", 320).await;
    assert_eq!(
        (status, lines),
        (422, vec![json!({"error": "the handler produced no value"})]),
        "one chunk: nothing said"
    );
    let (status, lines) = call_with_sound(&router, "talk", 1600).await;
    assert_eq!(status, 200);
    // The reply to the recording in six pieces, each played after the last, then all of it.
    let streamed: Vec<&Json> = lines.iter().map(|line| &line["data"][0]["is_stream"]).collect();
    assert_eq!(streamed, [&json!(true); 6].into_iter().chain([&json!(false)]).collect::<Vec<_>>(), "{lines:?}");
}
