//! Generators, streaming audio out, and State, through Rheo's own API (`/run`, NDJSON for a
//! generator) and the stream socket.

use crate::common;

use std::{
    sync::atomic::{AtomicBool, AtomicUsize, Ordering},
    time::Duration,
};

use axum::{body::Body, http::Request, Router};
use futures::{SinkExt, Stream, StreamExt};
use http_body_util::BodyExt;
use rheo::{Audio, AudioData, Interface, Number, Registry, State, Textbox};
use rheo_shared::protocol::stream::{decode_answer, encode_frame, ServerMessage};
use serde_json::{json, Value as Json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_tungstenite::{connect_async, tungstenite::Message};
use tower::ServiceExt;

fn count(upto: f64) -> impl Stream<Item = Result<f64, String>> {
    async_stream::stream! {
        for n in 1..=upto as u32 {
            yield Ok(f64::from(n));
        }
        if upto > 3.0 {
            yield Err("four is too many".to_string());
        }
    }
}

/// `chunks` chunks of 0.1 s of audio at 8 kHz.
fn tones(chunks: f64) -> impl Stream<Item = AudioData> {
    futures::stream::iter((0..chunks as usize).map(|_| AudioData::mono(8000, vec![0.25; 800])))
}

static STOPPED: AtomicBool = AtomicBool::new(false);
static YIELDED: AtomicUsize = AtomicUsize::new(0);

/// Sets `STOPPED` when dropped: when the generator holding it is.
struct Watch;

impl Drop for Watch {
    fn drop(&mut self) {
        STOPPED.store(true, Ordering::SeqCst);
    }
}

fn forever(_: f64) -> impl Stream<Item = f64> {
    let watch = Watch;
    async_stream::stream! {
        let _watch = watch;
        loop {
            YIELDED.fetch_add(1, Ordering::SeqCst);
            yield 1.0;
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

fn tally(word: String, State(seen): State<Vec<String>>) -> (String, State<Vec<String>>) {
    let mut seen = seen;
    seen.push(word);
    (seen.join(" "), State(seen))
}

/// How many chunks this stream has had, and how long this one is.
fn chunk_count(chunk: AudioData, State(count): State<u32>) -> (f64, f64, State<u32>) {
    (f64::from(count + 1), chunk.duration(), State(count + 1))
}

fn registry() -> Registry {
    let empty = || State(Vec::<String>::new());
    Registry::new()
        .mount("count", Interface::new(count).inputs(Number::new().minimum(0.0)).outputs(Number::new()))
        .mount(
            "tones",
            Interface::new(tones).inputs(Number::new()).outputs(Audio::new().streaming(true).autoplay(true)),
        )
        .mount("forever", Interface::new(forever).inputs(Number::new()).outputs(Number::new()))
        .mount("tally", Interface::new(tally).inputs((Textbox::new(), empty())).outputs((Textbox::new(), empty())))
        .mount(
            "chunks",
            Interface::new(chunk_count)
                .inputs((Audio::new().microphone().streaming(true), State(0u32)))
                .outputs((Number::new(), Number::new(), State(0u32)))
                .live(true),
        )
}

fn router() -> Router {
    registry().into_router()
}

/// Posts a call; the status, the content type and the body's lines (JSON each).
async fn run(router: &Router, name: &str, body: Json) -> (u16, String, Vec<Json>) {
    let request = Request::post(format!("/{name}/run"))
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status().as_u16();
    let content_type = response.headers()["content-type"].to_str().unwrap().to_owned();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let lines = String::from_utf8(bytes.to_vec()).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    (status, content_type, lines)
}

#[tokio::test]
async fn a_generator_answers_each_value_as_a_line_in_order() {
    let (status, content_type, lines) = run(&router(), "count", json!({"data": [3]})).await;
    assert_eq!((status, content_type.as_str()), (200, "application/x-ndjson"));
    assert_eq!(lines, [json!({"data": [1.0]}), json!({"data": [2.0]}), json!({"data": [3.0]})]);
}

#[tokio::test]
async fn a_generator_that_fails_midway_ends_with_its_error_and_bad_inputs_get_a_4xx() {
    let (status, _, lines) = run(&router(), "count", json!({"data": [4]})).await;
    assert_eq!(status, 200);
    assert_eq!(lines.len(), 5);
    assert_eq!(lines[4], json!({"error": "four is too many"}));
    let (status, content_type, lines) = run(&router(), "count", json!({"data": [-1]})).await;
    assert_eq!((status, content_type.as_str()), (422, "application/json"));
    assert_eq!(lines[0]["error"], "number: -1 is below the minimum 0");
    let (status, _, lines) = run(&router(), "count", json!({"data": [0]})).await;
    assert_eq!((status, &lines[0]["error"]), (422, &json!("the handler produced no value")));
}

#[tokio::test]
async fn streamed_audio_chunks_end_as_one_file_of_them_all() {
    let router = router();
    let (status, _, lines) = run(&router, "tones", json!({"data": [3]})).await;
    assert_eq!((status, lines.len()), (200, 4), "three chunks, then the whole");
    for chunk in &lines[..3] {
        assert_eq!(chunk["data"][0]["is_stream"], true);
        assert_eq!(chunk["data"][0]["size"], 44 + 2 * 800, "a 16-bit WAV of 800 samples");
    }
    let whole = &lines[3]["data"][0];
    assert_eq!((whole["is_stream"].clone(), whole["mime_type"].clone()), (json!(false), json!("audio/wav")));
    let url = whole["url"].as_str().unwrap();
    let response = router.oneshot(Request::get(url).body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(response.headers()["content-type"], "audio/wav");
    let wav = response.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(wav.len(), 44 + 2 * 3 * 800, "the joined file lasts the sum of its chunks");
}

#[tokio::test]
async fn a_client_that_leaves_stops_the_generator_at_once() {
    let port = common::serve(registry()).await;
    let mut socket = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let body = r#"{"data": [1]}"#;
    let request = format!(
        "POST /forever/run HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    socket.write_all(request.as_bytes()).await.unwrap();
    let mut received = Vec::new();
    while !String::from_utf8_lossy(&received).contains("\"data\"") {
        let mut buffer = [0; 1024];
        let read = socket.read(&mut buffer).await.unwrap();
        assert!(read > 0, "the answer began");
        received.extend_from_slice(&buffer[..read]);
    }
    assert!(!STOPPED.load(Ordering::SeqCst), "running while the client listens");
    drop(socket);
    for _ in 0..100 {
        if STOPPED.load(Ordering::SeqCst) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(STOPPED.load(Ordering::SeqCst), "the generator was dropped within a second of the client leaving");
    let yielded = YIELDED.load(Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(YIELDED.load(Ordering::SeqCst), yielded, "and yields no more");
}

#[tokio::test]
async fn state_is_kept_per_session_and_never_sent() {
    let router = router();
    let call = |word: &str, session: Option<&str>| {
        let body = json!({"data": [word, null], "session": session});
        let router = router.clone();
        async move { run(&router, "tally", body).await.2.remove(0)["data"].clone() }
    };
    assert_eq!(call("a1", Some("a")).await, json!(["a1", null]), "the state's slot is null on the wire");
    assert_eq!(call("b1", Some("b")).await, json!(["b1", null]));
    assert_eq!(call("a2", Some("a")).await, json!(["a1 a2", null]));
    assert_eq!(call("b2", Some("b")).await, json!(["b1 b2", null]));
    assert_eq!(call("x", None).await, json!(["x", null]), "no session, no history");
    assert_eq!(call("y", None).await, json!(["y", null]));
    // The page closes: its state goes.
    let end = Request::post("/tally/sessions/a/end").body(Body::empty()).unwrap();
    assert_eq!(router.clone().oneshot(end).await.unwrap().status(), 204);
    assert_eq!(call("a3", Some("a")).await, json!(["a3", null]));
    assert_eq!(call("b3", Some("b")).await, json!(["b1 b2 b3", null]), "the others keep theirs");
}

#[tokio::test]
async fn microphone_chunks_stream_in_with_state_and_bad_chunks_are_refused() {
    let port = common::serve(registry()).await;
    let (mut socket, _) = connect_async(format!("ws://127.0.0.1:{port}/chunks/stream")).await.unwrap();
    socket.send(Message::text(json!({"type": "start", "data": [null, null]}).to_string())).await.unwrap();
    let mut replies = Vec::new();
    let half_second = AudioData::mono(16_000, vec![0.1; 8000]).to_wav();
    let frames: [(u32, Vec<u8>); 4] = [
        (1, half_second.clone()),
        (2, b"not audio at all".to_vec()),
        (3, AudioData::mono(16_000, Vec::new()).to_wav()),
        (4, half_second),
    ];
    for (seq, frame) in frames {
        socket.send(Message::binary(encode_frame(seq, &frame))).await.unwrap();
        // One at a time: none is skipped.
        loop {
            let reply = tokio::time::timeout(Duration::from_secs(5), socket.next()).await.unwrap().unwrap().unwrap();
            match reply {
                Message::Text(text) => match serde_json::from_str::<ServerMessage>(&text).unwrap() {
                    ServerMessage::Started { .. } => continue,
                    other => replies.push(json!(other)),
                },
                Message::Binary(bytes) => replies.push(json!(decode_answer(&bytes).unwrap().data)),
                _ => continue,
            }
            break;
        }
    }
    assert_eq!(replies[0], json!([1.0, 0.5, null]));
    assert_eq!(replies[1]["type"], "error");
    assert_eq!(
        replies[1]["message"],
        "audio: this is not audio in a format the server reads (WAV, FLAC, MP3 or Ogg Vorbis)"
    );
    assert_eq!(replies[2]["message"], "audio: the recording is empty: it holds no sound");
    assert_eq!(replies[3], json!([2.0, 0.5, null]), "the stream went on, with its state");
}
