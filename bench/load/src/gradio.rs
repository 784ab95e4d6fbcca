//! Gradio's streaming protocol, as its page drives a streaming event (`@gradio/client`'s
//! `submit`, then `send_chunk` for each further frame and `close_stream` at the end), for
//! `capacity`: the first frame joins the queue (`queue/join`); the session's event stream
//! (`queue/data`, sse_v3) carries a `process_streaming` message for each frame the handler
//! ran on; each further frame goes to `stream/{event_id}`, and `stream/{event_id}/close` ends
//! the event. A webcam frame goes as a JPEG data URL (the page's `toDataURL`); a microphone
//! chunk is uploaded first (`upload`) and goes as the file it became, as the page's recorder
//! does. An output image is a file the page then loads, so its frame is shown once loaded.
//! Gradio stores inputs and outputs under their content's hash, so each stream cycles through
//! frames of its own (`Kind::distinct_frames`), as a camera's frames all differ.
//!
//! Gradio's messages do not say which frame they answer. It runs a streaming event's frames
//! one at a time, each time on the newest it has been sent, taking it as soon as the previous
//! answer is out; with at most two frames in flight (one running, one waiting) none is
//! replaced before it runs, so the n-th answer is the n-th frame's.

use std::{net::IpAddr, sync::Arc, time::Instant};

use base64::{engine::general_purpose::STANDARD, Engine};
use eventsource_stream::Eventsource;
use futures::StreamExt;
use reqwest::multipart::{Form, Part};
use rheo_shared::protocol::gradio::{Output, QueueMessage};
use serde_json::{json, Value as Json};
use tokio::sync::mpsc;

use crate::capacity::{AbortOnDrop, Answer, Kind, Link, Media};

type Failure = Box<dyn std::error::Error + Send + Sync>;

/// The streaming event of a Gradio app, from its `/config`.
#[derive(Clone)]
pub(crate) struct Event {
    /// The API's path prefix (`/gradio_api`).
    api: String,
    fn_index: u64,
    /// The component whose `stream` event it is.
    trigger_id: u64,
    /// How many inputs the function takes (the streamed one first; the rest, `State`, null).
    inputs: usize,
}

impl Event {
    /// The first event of the app at `port` that a component's `stream` triggers.
    pub(crate) async fn discover(port: u16) -> Result<Event, String> {
        let config: Json = async { reqwest::get(format!("http://127.0.0.1:{port}/config")).await?.json().await }
            .await
            .map_err(|error: reqwest::Error| format!("Gradio's /config: {error}"))?;
        let dependencies = config["dependencies"].as_array().map(Vec::as_slice).unwrap_or_default();
        dependencies
            .iter()
            .find_map(|dependency| {
                let targets = dependency["targets"].as_array()?;
                let trigger = targets.iter().find(|target| target[1] == "stream")?;
                Some(Event {
                    api: config["api_prefix"].as_str().unwrap_or("/gradio_api").to_owned(),
                    fn_index: dependency["id"].as_u64()?,
                    trigger_id: trigger[0].as_u64()?,
                    inputs: dependency["inputs"].as_array()?.len(),
                })
            })
            .ok_or_else(|| "Gradio's /config has no streaming event".to_owned())
    }
}

/// Distinct frames each stream cycles through: enough that a frame's file is long loaded
/// before it is written again.
const DISTINCT_FRAMES: usize = 8;

/// The `stream`-th stream to the Gradio app at `port`, from the loopback address `from`.
pub(crate) fn connect(kind: Arc<Kind>, event: Event, stream: usize, from: IpAddr, port: u16) -> Option<Link> {
    let client = reqwest::Client::builder().local_address(from).build().ok()?;
    let nanos = std::time::UNIX_EPOCH.elapsed().map_or(0, |since| since.as_nanos());
    let sender = Sender {
        base: format!("http://127.0.0.1:{port}{}", event.api),
        session: format!("rheo-load-{from}-{nanos}"),
        frames: kind
            .distinct_frames(stream, DISTINCT_FRAMES)
            .into_iter()
            .map(|frame| match kind.media {
                Media::Camera => {
                    Frame::Image(json!({"url": format!("data:image/jpeg;base64,{}", STANDARD.encode(frame))}))
                }
                Media::Microphone => Frame::Chunk(frame),
            })
            .collect(),
        client,
        event,
    };
    let (answer, answers) = mpsc::unbounded_channel();
    let (frames, numbers) = mpsc::unbounded_channel();
    let driver = tokio::spawn(async move {
        if let Err(error) = sender.drive(numbers, answer.clone()).await {
            eprintln!("a Gradio stream from {from} failed: {error:?}");
            let _ = answer.send(Answer::Failed);
        }
    });
    Some(Link { frames, answers, driver })
}

/// What one stream sends with.
struct Sender {
    client: reqwest::Client,
    base: String,
    session: String,
    event: Event,
    /// The frames it cycles through.
    frames: Vec<Frame>,
}

/// A frame, ready to send.
enum Frame {
    /// A webcam frame's value, a data URL.
    Image(Json),
    /// A microphone chunk, a WAV to upload.
    Chunk(Vec<u8>),
}

impl Sender {
    /// Joins with the first frame, then sends each further one; closes the event when the
    /// frames end.
    async fn drive(
        &self,
        mut numbers: mpsc::UnboundedReceiver<u32>,
        answer: mpsc::UnboundedSender<Answer>,
    ) -> Result<(), Failure> {
        let Some(first) = numbers.recv().await else { return Ok(()) };
        let mut join = self.body(first).await?;
        join["trigger_id"] = self.event.trigger_id.into();
        let joined: Json = self
            .client
            .post(format!("{}/queue/join", self.base))
            .json(&join)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        let id = joined["event_id"].as_str().ok_or("queue/join gave no event_id")?;
        let events = self
            .client
            .get(format!("{}/queue/data", self.base))
            .query(&[("session_hash", &self.session)])
            .send()
            .await?
            .error_for_status()?;
        let loads_image = matches!(self.frames[0], Frame::Image(_));
        let _reader = AbortOnDrop(tokio::spawn(read(events, loads_image, self.client.clone(), answer, first)));
        let sent = async {
            while let Some(seq) = numbers.recv().await {
                let body = self.body(seq).await?;
                self.client.post(format!("{}/stream/{id}", self.base)).json(&body).send().await?.error_for_status()?;
            }
            Ok::<_, Failure>(())
        }
        .await;
        self.client.post(format!("{}/stream/{id}/close", self.base)).json(&json!({})).send().await?;
        sent
    }

    /// The request body of frame `seq`: the frame as the first input, null for the others.
    async fn body(&self, seq: u32) -> Result<Json, Failure> {
        let value = match &self.frames[seq as usize % self.frames.len()] {
            Frame::Image(image) => image.clone(),
            Frame::Chunk(wav) => self.upload(wav).await?,
        };
        let mut data = vec![Json::Null; self.event.inputs.max(1)];
        data[0] = value;
        Ok(json!({"data": data, "event_data": null, "fn_index": self.event.fn_index, "session_hash": self.session}))
    }

    /// Uploads a microphone chunk; its value is the file it became.
    async fn upload(&self, wav: &[u8]) -> Result<Json, Failure> {
        let part = Part::bytes(wav.to_vec()).file_name("audio.wav").mime_str("audio/wav")?;
        let paths: Vec<String> = self
            .client
            .post(format!("{}/upload", self.base))
            .multipart(Form::new().part("files", part))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        let path = paths.into_iter().next().ok_or("upload gave no path")?;
        Ok(json!({
            "path": path, "orig_name": "audio.wav", "size": wav.len(), "mime_type": "audio/wav",
            "is_stream": false, "meta": {"_type": "gradio.FileData"},
        }))
    }
}

/// The session's events: each `process_streaming` answers the next frame, from `first` on
/// (an image's once its file is loaded); a failed completion fails the stream.
async fn read(
    events: reqwest::Response,
    loads_image: bool,
    client: reqwest::Client,
    answer: mpsc::UnboundedSender<Answer>,
    first: u32,
) {
    let mut events = events.bytes_stream().eventsource();
    let mut next = first;
    while let Some(Ok(event)) = events.next().await {
        // Messages this generator has no use for, or that it cannot read, are passed over.
        let Ok(message) = serde_json::from_str::<QueueMessage>(&event.data) else { continue };
        match message {
            QueueMessage::ProcessStreaming { output, .. } => {
                if loads_image {
                    let data = match output {
                        Output::Data { data, .. } => data,
                        Output::Error { .. } => Vec::new(),
                    };
                    let url = data.first().and_then(|image| image["url"].as_str()).unwrap_or_default();
                    if let Err(error) = load(&client, url).await {
                        eprintln!("a Gradio stream's output {url}: {error}");
                        let _ = answer.send(Answer::Failed);
                        continue;
                    }
                }
                let _ = answer.send(Answer::Shown(next, Instant::now()));
                next += 1;
            }
            QueueMessage::ProcessCompleted { success: false, output, .. } => {
                eprintln!("a Gradio stream failed: {output:?}");
                let _ = answer.send(Answer::Failed);
            }
            _ => {}
        }
    }
}

async fn load(client: &reqwest::Client, url: &str) -> Result<(), Failure> {
    client.get(url).send().await?.error_for_status()?.bytes().await?;
    Ok(())
}
