//! The WebSocket stream of frames, over real TCP on loopback.

use crate::common;

use std::time::Duration;

use common::serve;

use futures::{SinkExt, StreamExt};
use rheo::{
    image::{imageops, DynamicImage, Rgb, RgbImage},
    Audio, AudioData, Image, ImageSource, Interface, Number, Radio, Registry,
};
use rheo_shared::protocol::stream::{
    decode_answer, encode_frame, parts_header, ClientMessage, ServerMessage, MAX_FRAME_BYTES,
};
use serde_json::json;
use tokio::net::TcpStream;
use tokio_tungstenite::{connect_async, tungstenite::Message, MaybeTlsStream, WebSocketStream};

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

fn webcam() -> Image {
    Image::new().sources([ImageSource::Webcam]).streaming(true)
}

fn flip(frame: RgbImage) -> RgbImage {
    imageops::flip_vertical(&frame)
}

fn maybe_flip(frame: RgbImage, direction: String) -> RgbImage {
    if direction == "down" {
        flip(frame)
    } else {
        frame
    }
}

async fn slow_flip(frame: RgbImage) -> RgbImage {
    tokio::time::sleep(Duration::from_millis(300)).await;
    flip(frame)
}

fn registry() -> Registry {
    Registry::new()
        .mount("flip", Interface::new(flip).inputs(webcam()).outputs(Image::new()).live(true))
        .mount(
            "turn",
            Interface::new(maybe_flip).inputs((webcam(), Radio::new(["up", "down"]))).outputs(Image::new()).live(true),
        )
        .mount("slow", Interface::new(slow_flip).inputs(webcam()).outputs(Image::new()).live(true))
        .mount(
            "brief",
            Interface::new(flip)
                .inputs(webcam())
                .outputs(Image::new())
                .live(true)
                .time_limit(Some(Duration::from_millis(300))),
        )
        .mount("still", Interface::new(flip).inputs(Image::new()).outputs(Image::new()))
        .mount(
            "see_and_hear",
            Interface::new(see_and_hear)
                .inputs((Audio::new().microphone().streaming(true), webcam()))
                .outputs((Image::new(), Number::new()))
                .live(true),
        )
}

/// The picture flipped, and how long the sound that came with it lasts.
fn see_and_hear(sound: AudioData, picture: RgbImage) -> (RgbImage, f64) {
    (flip(picture), sound.duration())
}

async fn open(port: u16, name: &str, start: serde_json::Value) -> Socket {
    let (mut socket, _) = connect_async(format!("ws://127.0.0.1:{port}/{name}/stream")).await.unwrap();
    socket.send(Message::text(start.to_string())).await.unwrap();
    socket
}

/// White top half, black bottom half, as a JPEG like the browser sends.
fn two_tone_jpeg() -> Vec<u8> {
    let image = RgbImage::from_fn(64, 48, |_, y| if y < 24 { Rgb([250; 3]) } else { Rgb([5; 3]) });
    let mut bytes = std::io::Cursor::new(Vec::new());
    DynamicImage::from(image).write_to(&mut bytes, rheo::image::ImageFormat::Jpeg).unwrap();
    bytes.into_inner()
}

enum Reply {
    Event(ServerMessage),
    /// An answer: its frame number and the brightness of its top and bottom rows.
    Frame {
        seq: u32,
        top: u8,
        bottom: u8,
    },
}

async fn next(socket: &mut Socket) -> Reply {
    let message = tokio::time::timeout(Duration::from_secs(5), socket.next()).await.expect("a reply in time");
    match message.expect("the stream is open").unwrap() {
        Message::Text(text) => Reply::Event(serde_json::from_str(&text).unwrap()),
        Message::Binary(bytes) => {
            let answer = decode_answer(&bytes).unwrap();
            let seq = answer.seq;
            // The flipped frame is the first output, a file with its bytes after the JSON.
            let outputs = answer.outputs(|index, json| (serde_json::from_value(json).unwrap(), index == 0)).unwrap();
            let image = rheo::image::load_from_memory(outputs[0].1[0]).unwrap().into_luma8();
            let (w, h) = image.dimensions();
            Reply::Frame { seq, top: image.get_pixel(w / 2, 2).0[0], bottom: image.get_pixel(w / 2, h - 3).0[0] }
        }
        other => panic!("unexpected message {other:?}"),
    }
}

async fn expect_event(socket: &mut Socket) -> ServerMessage {
    match next(socket).await {
        Reply::Event(event) => event,
        Reply::Frame { seq, .. } => panic!("expected an event, got the answer to frame {seq}"),
    }
}

/// Expects the answer to frame `seq`; says whether it is upside down (dark top).
async fn expect_frame(socket: &mut Socket, seq: u32) -> bool {
    match next(socket).await {
        Reply::Frame { seq: got, top, bottom } => {
            assert_eq!(got, seq);
            assert!(top.abs_diff(bottom) > 200, "a two-tone frame: {top} vs {bottom}");
            top < bottom
        }
        Reply::Event(event) => panic!("expected frame {seq}, got {event:?}"),
    }
}

async fn send_frame(socket: &mut Socket, seq: u32, media: &[u8]) {
    socket.send(Message::binary(encode_frame(seq, media))).await.unwrap();
}

#[tokio::test]
async fn each_frame_comes_back_processed() {
    let port = serve(registry()).await;
    let mut socket = open(port, "flip", json!({"type": "start", "data": [null]})).await;
    assert_eq!(expect_event(&mut socket).await, ServerMessage::Started { time_limit: Some(30.0) });
    for seq in 1..=3 {
        send_frame(&mut socket, seq, &two_tone_jpeg()).await;
        assert!(expect_frame(&mut socket, seq).await, "frame {seq} is upside down");
    }
}

/// A webcam and a microphone stream together: each frame is a picture and the sound with it,
/// which the handler gets at once; a frame whose parts do not add up is refused by number.
#[tokio::test]
async fn a_picture_and_its_sound_come_in_one_frame() {
    let port = serve(registry()).await;
    let mut socket = open(port, "see_and_hear", json!({"type": "start", "data": [null, null]})).await;
    expect_event(&mut socket).await;
    let (picture, sound) = (two_tone_jpeg(), AudioData::mono(16_000, vec![0.1; 533]).to_wav());
    let frame = [parts_header(&[picture.len(), sound.len()]), picture.clone(), sound].concat();
    send_frame(&mut socket, 1, &frame).await;
    assert!(expect_frame(&mut socket, 1).await, "the picture, upside down");
    let lying = [parts_header(&[picture.len() + 1000, 0]), picture].concat();
    send_frame(&mut socket, 2, &lying).await;
    assert_eq!(
        expect_event(&mut socket).await,
        ServerMessage::Error { seq: Some(2), message: "the frame's parts do not add up to its length".into() }
    );
}

#[tokio::test]
async fn bad_frames_get_an_error_and_the_stream_goes_on() {
    let port = serve(registry()).await;
    let mut socket = open(port, "flip", json!({"type": "start", "data": [null]})).await;
    expect_event(&mut socket).await;
    let jpeg = two_tone_jpeg();
    let cases: [(&[u8], &str); 3] = [
        (b"not a picture", "image: this is not an image"),
        (&jpeg[..jpeg.len() / 3], "image: the image is corrupt or truncated"),
        (&vec![0xff; MAX_FRAME_BYTES + 1], "the frame is 4096 KiB; the limit is 4096 KiB"),
    ];
    for (seq, (media, message)) in (1..).zip(cases) {
        send_frame(&mut socket, seq, media).await;
        match expect_event(&mut socket).await {
            ServerMessage::Error { seq: Some(got), message: said } => {
                assert_eq!(got, seq);
                assert!(said.starts_with(message), "{said:?} should start with {message:?}");
            }
            other => panic!("expected an error for frame {seq}, got {other:?}"),
        }
    }
    send_frame(&mut socket, 9, &jpeg).await;
    assert!(expect_frame(&mut socket, 9).await);
}

#[tokio::test]
async fn other_inputs_change_between_frames_and_are_checked() {
    let port = serve(registry()).await;
    let mut socket = open(port, "turn", json!({"type": "start", "data": [null, "up"]})).await;
    expect_event(&mut socket).await;
    send_frame(&mut socket, 1, &two_tone_jpeg()).await;
    assert!(!expect_frame(&mut socket, 1).await, "up: as it was");
    let change =
        ClientMessage::Inputs { data: vec![rheo_shared::Value::Null, rheo_shared::Value::Text("down".into())] };
    socket.send(Message::text(serde_json::to_string(&change).unwrap())).await.unwrap();
    send_frame(&mut socket, 2, &two_tone_jpeg()).await;
    assert!(expect_frame(&mut socket, 2).await, "down: flipped from the next frame on");
    socket.send(Message::text(json!({"type": "inputs", "data": [null, "sideways"]}).to_string())).await.unwrap();
    let ServerMessage::Error { seq: None, message } = expect_event(&mut socket).await else {
        panic!("expected an error")
    };
    assert_eq!(message, "radio: \"sideways\" is not one of the choices: up, down");
    send_frame(&mut socket, 3, &two_tone_jpeg()).await;
    assert!(expect_frame(&mut socket, 3).await, "the bad change was not applied");
}

#[tokio::test]
async fn a_busy_stream_skips_the_frames_it_cannot_keep_up_with() {
    let port = serve(registry()).await;
    let mut socket = open(port, "slow", json!({"type": "start", "data": [null]})).await;
    expect_event(&mut socket).await;
    for seq in 1..=4 {
        send_frame(&mut socket, seq, &two_tone_jpeg()).await;
    }
    // 1 runs; 2 and then 3 wait in turn and are replaced; 4 runs after 1.
    assert_eq!(expect_event(&mut socket).await, ServerMessage::Skipped { seq: 2 });
    assert_eq!(expect_event(&mut socket).await, ServerMessage::Skipped { seq: 3 });
    assert!(expect_frame(&mut socket, 1).await);
    assert!(expect_frame(&mut socket, 4).await);
}

#[tokio::test]
async fn the_time_limit_ends_the_stream_and_frees_it() {
    let registry = registry();
    let brief = registry.monitor("brief").unwrap();
    let port = serve(registry).await;
    let mut socket = open(port, "brief", json!({"type": "start", "data": [null]})).await;
    assert_eq!(expect_event(&mut socket).await, ServerMessage::Started { time_limit: Some(0.3) });
    assert_eq!(brief.active_streams(), 1);
    let ended = expect_event(&mut socket).await;
    assert_eq!(ended, ServerMessage::Ended { reason: "The stream reached its time limit of 0.3 s.".into() });
    assert!(matches!(socket.next().await, None | Some(Ok(Message::Close(_))) | Some(Err(_))), "closed");
    assert_eq!(brief.active_streams(), 0);
}

#[tokio::test]
async fn a_client_that_vanishes_frees_its_stream_at_once() {
    let registry = registry();
    let slow = registry.monitor("slow").unwrap();
    let port = serve(registry).await;
    let mut socket = open(port, "slow", json!({"type": "start", "data": [null]})).await;
    expect_event(&mut socket).await;
    send_frame(&mut socket, 1, &two_tone_jpeg()).await;
    assert_eq!(slow.active_streams(), 1);
    drop(socket); // no close handshake: the connection just goes
    for _ in 0..50 {
        if slow.active_streams() == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the stream is still open half a second after its client vanished");
}

#[tokio::test]
async fn frames_before_start_and_bad_control_messages_are_explained() {
    let port = serve(registry()).await;
    let (mut socket, _) = connect_async(format!("ws://127.0.0.1:{port}/flip/stream")).await.unwrap();
    send_frame(&mut socket, 1, &two_tone_jpeg()).await;
    assert_eq!(
        expect_event(&mut socket).await,
        ServerMessage::Error { seq: Some(1), message: "send a start message first".into() }
    );
    socket.send(Message::text("{\"type\": \"dance\"}")).await.unwrap();
    let ServerMessage::Error { message, .. } = expect_event(&mut socket).await else { panic!("expected an error") };
    assert!(message.starts_with("unreadable control message"), "{message}");
}

#[tokio::test]
async fn an_over_long_session_id_does_not_start_a_stream() {
    let port = serve(registry()).await;
    let start = json!({"type": "start", "data": [null], "session": "s".repeat(16 << 10)});
    let mut socket = open(port, "flip", start).await;
    assert_eq!(
        expect_event(&mut socket).await,
        ServerMessage::Error { seq: None, message: "the session id is 16384 bytes long; the limit is 128".into() }
    );
    send_frame(&mut socket, 1, &two_tone_jpeg()).await;
    assert_eq!(
        expect_event(&mut socket).await,
        ServerMessage::Error { seq: Some(1), message: "send a start message first".into() }
    );
}

#[tokio::test]
async fn only_streaming_interfaces_take_streams() {
    let port = serve(registry()).await;
    let refused = |name: &'static str| async move {
        connect_async(format!("ws://127.0.0.1:{port}/{name}/stream")).await.unwrap_err()
    };
    let status = |e: tokio_tungstenite::tungstenite::Error| match e {
        tokio_tungstenite::tungstenite::Error::Http(response) => response.status().as_u16(),
        other => panic!("{other}"),
    };
    assert_eq!(status(refused("still").await), 400);
    assert_eq!(status(refused("nowhere").await), 404);
}

#[tokio::test]
async fn one_client_may_open_only_so_many_streams() {
    let port = serve(registry()).await;
    let mut open_streams = Vec::new();
    for _ in 0..8 {
        open_streams.push(open(port, "flip", json!({"type": "start", "data": [null]})).await);
    }
    let refused = connect_async(format!("ws://127.0.0.1:{port}/flip/stream")).await.unwrap_err();
    let tokio_tungstenite::tungstenite::Error::Http(response) = refused else { panic!("{refused:?}") };
    assert_eq!(response.status(), 429);
    let body = String::from_utf8(response.body().clone().unwrap_or_default()).unwrap();
    assert!(body.contains("you have 8 streams open already"), "{body}");
    open_streams.pop();
    tokio::time::sleep(Duration::from_millis(100)).await; // the server sees it close
    let mut again = open(port, "flip", json!({"type": "start", "data": [null]})).await;
    assert!(matches!(expect_event(&mut again).await, ServerMessage::Started { .. }));
}
