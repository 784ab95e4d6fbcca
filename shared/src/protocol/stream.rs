//! The streaming protocol: one WebSocket per stream, at `GET /<name>/stream?fn_index=<n>`
//! (`n` the endpoint: 0, the default, for an interface; a Blocks app's stream event's index).
//!
//! 1. The browser sends [`ClientMessage::Start`] (text) with a value for every input; the
//!    streaming input's slot is ignored.
//! 2. It then sends frames, binary messages `[seq: u32 LE][media bytes]` (a JPEG for a webcam,
//!    a WAV of the last `stream_every` seconds for a microphone), and [`ClientMessage::Inputs`]
//!    whenever another input changes; the change applies from the next frame on. A stream of a
//!    webcam with a microphone (an endpoint with two streaming inputs) sends both in each frame:
//!    its media is `[picture length: u32 LE][the picture's JPEG][a WAV of the sound since the
//!    last picture]` ([`parts_header`], [`split_parts`]), so the handler hears what was said
//!    while it sees each picture, the two kept together in time.
//! 3. The server answers every frame, in order: with an answer, binary
//!    `[seq: u32 LE][json length: u32 LE][json: the outputs][media bytes]`, in which every file
//!    of the media outputs (a component whose `Kind::media` is some) is followed, in order, by
//!    its `size` bytes; or with
//!    [`ServerMessage::Skipped`] when a newer frame came before it could start; or with
//!    [`ServerMessage::Error`].
//! 4. The server ends the stream with [`ServerMessage::Ended`] (the time limit was reached);
//!    either side may also just close it.
//!
//! A **conversation** (an endpoint whose spec is `duplex`: its handler takes the whole stream)
//! differs in step 3: the server answers when the handler says something, not once per frame.
//! Its answers are numbered from 1 in the order they are said (`seq` is not a frame's), a frame
//! that finds the handler's inbox full is answered [`ServerMessage::Skipped`], and
//! [`ServerMessage::Interrupted`] says that the reply so far is void: the page stops playing
//! it at once (the person talked over it).
//!
//! Media travels as raw bytes, never base64 inside JSON.
//!
//! ```
//! use rheo_shared::{protocol::stream, FileData, Value};
//!
//! let frame = stream::encode_frame(7, b"jpeg bytes");
//! assert_eq!(stream::decode_frame(&frame), Ok((7, &b"jpeg bytes"[..])));
//!
//! let image = Value::File(FileData { size: Some(3), mime_type: Some("image/jpeg".into()), ..Default::default() });
//! let answer = stream::encode_answer(7, &[image.clone()], &[b"abc"]);
//! let decoded = stream::decode_answer(&answer).unwrap();
//! assert_eq!(decoded.seq, 7);
//! // The page reads each output with its component (here, the image as it was sent), which
//! // says whether it is media.
//! let outputs = decoded.outputs(|_index, _json| (image.clone(), true)).unwrap();
//! assert_eq!(outputs, [(image, vec![&b"abc"[..]])]);
//! ```

use crate::wire_names::wire_names;
use serde::{Deserialize, Serialize};

use super::{required, MissingField};
use crate::Value;

/// The stream endpoint's route, in axum's path syntax.
pub const STREAM_ROUTE: &str = "/{name}/stream";

/// The bytes before a frame's media: its number, a `u32`.
pub const FRAME_HEADER_BYTES: usize = 4;

/// The largest frame (a binary message from the browser) the server accepts, in bytes.
pub const MAX_FRAME_BYTES: usize = 4 << 20;

/// The path of the stream to endpoint `fn_index` of app `name`.
pub fn stream_path(name: &str, fn_index: usize) -> String {
    format!("{}?fn_index={fn_index}", STREAM_ROUTE.replace("{name}", name))
}

/// A control message from the browser (a text message, JSON).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientMessage {
    /// Opens the stream with a value for every input, in the page's session (which the
    /// interface's `State` values belong to).
    Start {
        data: Vec<Value>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        session: Option<String>,
    },
    /// New values of the inputs; the streaming input's slot is ignored.
    Inputs { data: Vec<Value> },
}

/// An event from the server (a text message, JSON). Read through a `MessageRecord`, as a
/// [`CallEvent`](super::CallEvent) is and for its reason.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", try_from = "MessageRecord")]
pub enum ServerMessage {
    /// The stream is open; it will end after `time_limit` seconds, if set.
    Started { time_limit: Option<f64> },
    /// Frame `seq` was dropped unprocessed: a newer frame arrived while the server was busy.
    Skipped { seq: u32 },
    /// Frame `seq` (or the stream, when `None`) failed; the stream goes on.
    Error { seq: Option<u32>, message: String },
    /// The server ended the stream.
    Ended { reason: String },
    /// A conversation's reply so far is void (the person talked over it): stop playing it.
    Interrupted,
}

/// A [`ServerMessage`] as read: its tag, and every variant's fields, each optional.
#[derive(Deserialize)]
struct MessageRecord {
    r#type: MessageKind,
    time_limit: Option<f64>,
    seq: Option<u32>,
    message: Option<String>,
    reason: Option<String>,
}

#[derive(Clone, Copy)]
enum MessageKind {
    Started,
    Skipped,
    Error,
    Ended,
    Interrupted,
}

wire_names!(MessageKind {
    Started => "started",
    Skipped => "skipped",
    Error => "error",
    Ended => "ended",
    Interrupted => "interrupted",
});

impl TryFrom<MessageRecord> for ServerMessage {
    type Error = MissingField;

    fn try_from(record: MessageRecord) -> Result<Self, MissingField> {
        let MessageRecord { r#type, time_limit, seq, message, reason } = record;
        Ok(match r#type {
            MessageKind::Started => ServerMessage::Started { time_limit },
            MessageKind::Skipped => ServerMessage::Skipped { seq: required(seq, "seq")? },
            MessageKind::Error => ServerMessage::Error { seq, message: required(message, "message")? },
            MessageKind::Ended => ServerMessage::Ended { reason: required(reason, "reason")? },
            MessageKind::Interrupted => ServerMessage::Interrupted,
        })
    }
}

/// Why a binary message could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    #[error("the message is too short to hold its header")]
    TooShort,
    #[error("the outputs are not valid JSON: {0}")]
    BadJson(String),
    #[error("the media bytes do not match the sizes the outputs declare")]
    SizeMismatch,
    #[error("the frame's parts do not add up to its length")]
    PartsMismatch,
}

/// A frame from the browser: its number and the media bytes.
pub fn encode_frame(seq: u32, media: &[u8]) -> Vec<u8> {
    let mut message = Vec::with_capacity(4 + media.len());
    message.extend_from_slice(&seq.to_le_bytes());
    message.extend_from_slice(media);
    message
}

pub fn decode_frame(message: &[u8]) -> Result<(u32, &[u8]), FrameError> {
    let (seq, media) = split_u32(message)?;
    Ok((seq, media))
}

/// What comes before the media of a frame of several parts (one per streaming input, in the
/// endpoint's order) of these `lengths`: the length of each part but the last.
pub fn parts_header(lengths: &[usize]) -> Vec<u8> {
    let leading = &lengths[..lengths.len().saturating_sub(1)];
    leading.iter().flat_map(|&length| (length as u32).to_le_bytes()).collect()
}

/// A frame's media split into its `parts` (see [`parts_header`]), as byte ranges of `media`;
/// one part is the media itself.
pub fn split_parts(media: &[u8], parts: usize) -> Result<Vec<std::ops::Range<usize>>, FrameError> {
    let header = 4 * parts.saturating_sub(1);
    let lengths = media.get(..header).ok_or(FrameError::TooShort)?;
    let mut start = header;
    let mut ranges = Vec::with_capacity(parts);
    for length in lengths.chunks_exact(4) {
        let length = u32::from_le_bytes(length.try_into().expect("chunks of 4")) as usize;
        let end = start.checked_add(length).filter(|&end| end <= media.len()).ok_or(FrameError::PartsMismatch)?;
        ranges.push(start..end);
        start = end;
    }
    ranges.push(start..media.len());
    Ok(ranges)
}

/// The server's answer to one frame.
#[derive(Debug, PartialEq)]
pub struct Answer<'a> {
    pub seq: u32,
    /// One value per output, as JSON (read each with its component: [`Answer::outputs`]).
    pub data: Vec<serde_json::Value>,
    /// The bytes of each file among the media outputs, in order.
    media: &'a [u8],
}

/// An output of an answer, read: its value, and the bytes of each of its files if it is media.
pub type Output<'a> = (Value, Vec<&'a [u8]>);

impl<'a> Answer<'a> {
    /// Each output as `read(index, json)` reads it (its component's reading, and whether it is
    /// media), with the bytes of each of a media output's files: wherever the value keeps them
    /// (one, a list, a message's, inside an update: `Value::files_mut`), they take the bytes after
    /// the JSON in order, each as many as its `size`. Read through the values, not the JSON's
    /// shape, which a Json output may share. An error if the bytes and the sizes disagree.
    pub fn outputs(
        self,
        mut read: impl FnMut(usize, serde_json::Value) -> (Value, bool),
    ) -> Result<Vec<Output<'a>>, FrameError> {
        let mut rest = self.media;
        let mut outputs = Vec::with_capacity(self.data.len());
        for (index, json) in self.data.into_iter().enumerate() {
            let (mut value, media) = read(index, json);
            let mut bytes = Vec::new();
            for file in value.files_mut().iter().filter(|_| media) {
                let size = file.size.and_then(|size| usize::try_from(size).ok()).filter(|size| *size <= rest.len());
                let (these, tail) = rest.split_at(size.ok_or(FrameError::SizeMismatch)?);
                bytes.push(these);
                rest = tail;
            }
            outputs.push((value, bytes));
        }
        if rest.is_empty() {
            Ok(outputs)
        } else {
            Err(FrameError::SizeMismatch)
        }
    }
}

/// `data` holds one value per output; `media` the bytes of each file among them, in order
/// (each file's `size` must be its bytes' length).
pub fn encode_answer(seq: u32, data: &[Value], media: &[&[u8]]) -> Vec<u8> {
    let json = serde_json::to_vec(data).expect("values always serialise");
    let media_len: usize = media.iter().map(|m| m.len()).sum();
    let mut message = Vec::with_capacity(8 + json.len() + media_len);
    message.extend_from_slice(&seq.to_le_bytes());
    message.extend_from_slice(&(json.len() as u32).to_le_bytes());
    message.extend_from_slice(&json);
    for bytes in media {
        message.extend_from_slice(bytes);
    }
    message
}

/// Reads an answer: its number and its outputs' JSON; [`Answer::outputs`] reads the outputs
/// and gives their files the bytes after it.
pub fn decode_answer(message: &[u8]) -> Result<Answer<'_>, FrameError> {
    let (seq, rest) = split_u32(message)?;
    let (json_len, rest) = split_u32(rest)?;
    let json_len = json_len as usize;
    if rest.len() < json_len {
        return Err(FrameError::TooShort);
    }
    let (json, media) = rest.split_at(json_len);
    // From text, never `from_slice`: the page then holds one JSON reader (`StrRead`) instead of
    // two, each instantiated for every type read (89 KB of wasm before optimisation).
    let json = std::str::from_utf8(json).map_err(|e| FrameError::BadJson(e.to_string()))?;
    let data: Vec<serde_json::Value> = serde_json::from_str(json).map_err(|e| FrameError::BadJson(e.to_string()))?;
    Ok(Answer { seq, data, media })
}

fn split_u32(bytes: &[u8]) -> Result<(u32, &[u8]), FrameError> {
    let (head, rest) = bytes.split_first_chunk::<4>().ok_or(FrameError::TooShort)?;
    Ok((u32::from_le_bytes(*head), rest))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::FileData;

    fn data(size: u64) -> FileData {
        FileData { size: Some(size), ..Default::default() }
    }

    fn file(size: u64) -> Value {
        Value::File(data(size))
    }

    /// The media outputs' files' bytes, as the page takes them: `read` stands for its
    /// components, which read each output (`None`: not media).
    fn media_of(message: &[u8], read: &[Option<Value>]) -> Result<Vec<Vec<u8>>, FrameError> {
        let answer = decode_answer(message)?;
        assert_eq!(answer.data.len(), read.len());
        let outputs = answer.outputs(|index, _| read[index].clone().map_or((Value::Null, false), |v| (v, true)))?;
        Ok(outputs.into_iter().flat_map(|(_, bytes)| bytes).map(<[u8]>::to_vec).collect())
    }

    #[test]
    fn answers_round_trip_with_several_files_and_values() {
        let data = vec![file(2), Value::Number(1.5), file(0), file(3)];
        let message = encode_answer(u32::MAX, &data, &[b"ab", b"", b"cde"]);
        let answer = decode_answer(&message).unwrap();
        assert_eq!(answer.seq, u32::MAX);
        assert_eq!(answer.data, serde_json::to_value(&data).unwrap().as_array().unwrap().clone());
        let read = [Some(file(2)), None, Some(file(0)), Some(file(3))];
        assert_eq!(media_of(&message, &read).unwrap(), [&b"ab"[..], b"", b"cde"]);
        // A Json output shaped like a file carries no bytes.
        let json = Value::Json(serde_json::json!({"path": "x", "size": 3}));
        let message = encode_answer(1, &[json, file(2)], &[b"ab"]);
        assert_eq!(media_of(&message, &[None, Some(file(2))]).unwrap(), [b"ab"]);
    }

    /// The bug this prevents: each media output was read as one file with a `size`, so a list
    /// of files, a message with files, or a file inside an update (a change of look) made the
    /// page say the answer was unreadable.
    #[test]
    fn every_file_of_a_media_output_has_its_bytes() {
        let files = Value::Files(vec![data(1), data(2)]);
        let message = Value::Multimodal(crate::MultimodalData { text: "hi".into(), files: vec![data(3)] });
        let mut update: crate::Update = serde_json::from_str(r#"{"__type__": "update", "visible": true}"#).unwrap();
        update.value = Some(file(1));
        let sent = [files, message, Value::Update(Box::new(update)), Value::Null];
        let message = encode_answer(3, &sent, &[b"a", b"bc", b"def", b"g"]);
        let read = sent.map(Some);
        assert_eq!(media_of(&message, &read).unwrap(), [&b"a"[..], b"bc", b"def", b"g"]);
    }

    #[test]
    fn damaged_messages_are_refused() {
        assert_eq!(decode_frame(b"abc"), Err(FrameError::TooShort));
        let message = encode_answer(1, &[file(3)], &[b"abc"]);
        let read = [Some(file(3))];
        assert_eq!(media_of(&message[..message.len() - 1], &read), Err(FrameError::SizeMismatch));
        assert_eq!(media_of(&message[..6], &read), Err(FrameError::TooShort));
        let mut extra = message.clone();
        extra.push(0);
        assert_eq!(media_of(&extra, &read), Err(FrameError::SizeMismatch));
        let sizeless = [Some(Value::File(FileData::default()))];
        assert_eq!(media_of(&encode_answer(1, &[Value::Null], &[]), &sizeless), Err(FrameError::SizeMismatch));
        let mut bad_json = encode_answer(1, &[], &[]);
        bad_json[8] = b'{';
        assert!(matches!(decode_answer(&bad_json), Err(FrameError::BadJson(_))));
    }

    #[test]
    fn a_frame_of_two_parts_splits_back_and_a_lying_length_is_refused() {
        let (picture, sound) = (b"jpeg".as_slice(), b"wave!".as_slice());
        let media = [parts_header(&[picture.len(), sound.len()]), picture.to_vec(), sound.to_vec()].concat();
        let parts = split_parts(&media, 2).unwrap();
        assert_eq!((&media[parts[0].clone()], &media[parts[1].clone()]), (picture, sound));
        assert_eq!(split_parts(b"one", 1).unwrap(), vec![0..3], "one part is the media itself");
        let lying = [100u32.to_le_bytes().to_vec(), picture.to_vec()].concat();
        assert_eq!(split_parts(&lying, 2), Err(FrameError::PartsMismatch));
        assert_eq!(split_parts(b"ab", 2), Err(FrameError::TooShort));
    }

    #[test]
    fn control_messages_are_tagged_json() {
        let json = serde_json::to_string(&ClientMessage::Inputs { data: vec![Value::Text("flip".into())] }).unwrap();
        assert_eq!(json, r#"{"type":"inputs","data":["flip"]}"#);
        let ended: ServerMessage = serde_json::from_str(r#"{"type":"ended","reason":"time"}"#).unwrap();
        assert_eq!(ended, ServerMessage::Ended { reason: "time".into() });
    }

    #[test]
    fn every_server_message_reads_back_as_written() {
        let messages = [
            ServerMessage::Started { time_limit: Some(2.5) },
            ServerMessage::Started { time_limit: None },
            ServerMessage::Skipped { seq: 7 },
            ServerMessage::Error { seq: Some(3), message: "bad frame".into() },
            ServerMessage::Error { seq: None, message: "bad stream".into() },
            ServerMessage::Ended { reason: "time".into() },
            ServerMessage::Interrupted,
        ];
        for message in messages {
            let json = serde_json::to_string(&message).unwrap();
            assert_eq!(serde_json::from_str::<ServerMessage>(&json).unwrap(), message, "{json}");
        }
    }

    #[test]
    fn a_server_message_missing_its_variants_field_is_refused_by_name() {
        let error = serde_json::from_str::<ServerMessage>(r#"{"type":"skipped"}"#).unwrap_err();
        assert!(error.to_string().contains("missing field `seq`"), "{error}");
        assert!(serde_json::from_str::<ServerMessage>(r#"{"type":"paused"}"#).is_err());
        assert!(serde_json::from_str::<ServerMessage>(r#"{"reason":"time"}"#).is_err());
    }
}
