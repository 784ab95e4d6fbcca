//! How many streams one server holds: webcam streams of 640x480 JPEG at 30 fps to /flip, or
//! 16 kHz microphone streams in 0.1 s chunks to /transcribe, each client behaving as the page
//! does (a frame is dropped rather than queued), but with at most two frames in flight, one
//! fewer than Rheo's page. A count holds when every stream gets at least 25/30 of its frames
//! answered and the p95 of frame latency (sent to answered) is under 100 ms; the search doubles
//! the count until one fails, then halves the gap. Beside it, the limit the server's own cost
//! per frame sets: its CPU time per answered frame with one stream, divided into the cores.
//! `--system gradio` measures a Gradio server's same demo the same way, over its own protocol
//! (`gradio`).

use std::{
    collections::HashMap,
    net::{IpAddr, Ipv4Addr, SocketAddr},
    sync::Arc,
    time::{Duration, Instant},
};

use futures::{SinkExt, StreamExt};
use rheo_shared::protocol::stream::{encode_frame, ServerMessage};
use serde_json::json;
use tokio::{sync::mpsc, task::JoinHandle};
use tokio_tungstenite::tungstenite::Message;

use crate::{address, gradio};

/// The share of its frames every stream must get answered.
const MIN_ANSWERED: f64 = 25.0 / 30.0;
/// The p95 of frame latency a count must stay under.
const MAX_P95: Duration = Duration::from_millis(100);
/// Frames a client has sent and not had answered, at most (as the page's `FrameWindow`).
const IN_FLIGHT: usize = 2;
/// What a stream carries.
#[derive(Clone, Copy)]
pub(crate) enum Media {
    /// 640x480 JPEG frames; the first output is the processed image.
    Camera,
    /// 16 kHz WAV chunks; the outputs are text.
    Microphone,
}

/// What streams: the interface, its media, how often a frame goes, and the frame.
pub(crate) struct Kind {
    pub(crate) name: &'static str,
    pub(crate) interface: &'static str,
    pub(crate) media: Media,
    every: Duration,
    pub(crate) frame: Vec<u8>,
}

impl Kind {
    pub(crate) fn parse(name: &str) -> Result<Kind, String> {
        match name {
            "webcam" => Ok(Kind {
                name: "webcam 640x480 at 30 fps (/flip)",
                interface: "flip",
                media: Media::Camera,
                every: Duration::from_secs_f64(1.0 / 30.0),
                frame: crate::camera_frame(0),
            }),
            "microphone" => Ok(Kind {
                name: "microphone 16 kHz, stream_every 0.1 (/transcribe)",
                interface: "transcribe",
                media: Media::Microphone,
                every: Duration::from_millis(100),
                frame: tone_wav(16_000, 0.1),
            }),
            other => Err(format!("--capacity {other}: give webcam or microphone")),
        }
    }
}

/// Whose server is measured, and so which protocol the streams speak.
pub(crate) enum System {
    /// Rheo's stream socket (`rheo_shared::protocol::stream`).
    Rheo,
    /// Gradio's queue, as its page drives a streaming event (see `gradio`).
    Gradio(gradio::Event),
}

impl System {
    pub(crate) async fn parse(name: &str, port: u16) -> Result<System, String> {
        match name {
            "rheo" => Ok(System::Rheo),
            "gradio" => Ok(System::Gradio(gradio::Event::discover(port).await?)),
            other => Err(format!("--system {other}: give rheo or gradio")),
        }
    }

    fn name(&self) -> &'static str {
        match self {
            System::Rheo => "Rheo",
            System::Gradio(_) => "Gradio",
        }
    }
}

/// What the server said of a frame.
pub(crate) enum Answer {
    /// Its outputs are in (and, for an image, loaded), at this instant.
    Shown(u32, Instant),
    /// The server let it go for a newer one.
    Skipped(u32),
    /// The stream failed.
    Failed,
}

/// One stream's link to the server: frame numbers go to `frames` (the driver sends the frame
/// under that number), answers come back on `answers`. Closing `frames` ends the stream; the
/// driver then closes it as its protocol says.
pub(crate) struct Link {
    pub(crate) frames: mpsc::UnboundedSender<u32>,
    pub(crate) answers: mpsc::UnboundedReceiver<Answer>,
    pub(crate) driver: JoinHandle<()>,
}

impl Kind {
    /// Frames of the kind that differ from each other, `count` for each `stream`: a server that
    /// names what it stores by its content (Gradio) then never has two streams, or one stream's
    /// consecutive frames, write the same file, as no two frames of a real camera are alike.
    pub(crate) fn distinct_frames(&self, stream: usize, count: usize) -> Vec<Vec<u8>> {
        let marks = (0..count).map(|n| (stream * count + n + 1) as u32);
        match self.media {
            Media::Camera => marks.map(crate::camera_frame).collect(),
            Media::Microphone => marks.map(|mark| tone_wav_at(16_000, 0.1, 12_000 - (mark % 4_000) as i16)).collect(),
        }
    }
}

/// A WAV of `seconds` of A4 at `rate` Hz, 16-bit mono, as the page's microphone sends.
fn tone_wav(rate: u32, seconds: f64) -> Vec<u8> {
    tone_wav_at(rate, seconds, 12_000)
}

/// `tone_wav` at the `amplitude` given.
fn tone_wav_at(rate: u32, seconds: f64, amplitude: i16) -> Vec<u8> {
    let spec =
        hound::WavSpec { channels: 1, sample_rate: rate, bits_per_sample: 16, sample_format: hound::SampleFormat::Int };
    let mut bytes = std::io::Cursor::new(Vec::new());
    let mut writer = hound::WavWriter::new(&mut bytes, spec).expect("a WAV");
    for n in 0..(f64::from(rate) * seconds) as u32 {
        let phase = std::f64::consts::TAU * 440.0 * f64::from(n) / f64::from(rate);
        writer.write_sample((phase.sin() * f64::from(amplitude)) as i16).expect("a sample");
    }
    writer.finalize().expect("a WAV");
    bytes.into_inner()
}

/// One trial's figures.
struct Trial {
    streams: usize,
    /// The lowest share of its frames any stream had answered.
    worst_answered: f64,
    /// Frames answered per second, the median stream's.
    median_fps: f64,
    p50: Duration,
    p95: Duration,
    failures: usize,
    /// The server's CPU seconds per answered frame.
    cpu_per_frame: Option<f64>,
}

impl Trial {
    fn holds(&self) -> bool {
        self.failures == 0 && self.worst_answered >= MIN_ANSWERED && self.p95 < MAX_P95
    }

    fn line(&self) -> String {
        format!(
            "{} streams: worst stream {:.0}% of its frames answered, median {:.1} fps, latency p50 {:.1} ms, p95 {:.1} ms, {} failures: {}",
            self.streams,
            self.worst_answered * 100.0,
            self.median_fps,
            self.p50.as_secs_f64() * 1000.0,
            self.p95.as_secs_f64() * 1000.0,
            self.failures,
            if self.holds() { "holds" } else { "does not hold" }
        )
    }
}

/// What one stream saw while measured.
#[derive(Default)]
struct Seen {
    sent: u32,
    answered: u32,
    latencies: Vec<Duration>,
    failures: usize,
}

/// One stream for `warmup` and then `measured`, to `system` at `port`.
async fn stream(
    kind: Arc<Kind>,
    system: Arc<System>,
    i: usize,
    port: u16,
    warmup: Duration,
    measured: Duration,
) -> Seen {
    let from = address(30_000 + i);
    let link = match &*system {
        System::Rheo => connect(kind.clone(), from, port).await,
        System::Gradio(event) => gradio::connect(kind.clone(), event.clone(), i, from, port),
    };
    match link {
        Some(link) => paced(&kind, link, warmup, measured).await,
        None => Seen { failures: 1, ..Seen::default() },
    }
}

/// Frames at the kind's pace, at most two in flight (Rheo's page allows three; two keep each
/// of Gradio's answers paired with its frame, see `gradio.rs`); the figures of those sent from
/// `warmup` on, for `measured`.
async fn paced(kind: &Kind, link: Link, warmup: Duration, measured: Duration) -> Seen {
    let Link { frames, mut answers, driver } = link;
    let mut seen = Seen::default();
    let mut in_flight: HashMap<u32, Instant> = HashMap::new();
    let measuring_from = Instant::now() + warmup;
    let until = measuring_from + measured;
    let mut settle = |answer: Answer, in_flight: &mut HashMap<u32, Instant>| match answer {
        Answer::Shown(seq, at) => {
            let Some(sent) = in_flight.remove(&seq) else { return };
            if sent >= measuring_from && sent < until {
                seen.answered += 1;
                seen.latencies.push(at - sent);
            }
        }
        Answer::Skipped(seq) => {
            in_flight.remove(&seq);
        }
        Answer::Failed => seen.failures += 1,
    };
    let mut tick = tokio::time::interval(kind.every);
    let (mut seq, mut sent) = (0, 0);
    while Instant::now() < until {
        tick.tick().await;
        while let Ok(answer) = answers.try_recv() {
            settle(answer, &mut in_flight);
        }
        let now = Instant::now();
        if now >= measuring_from {
            sent += 1;
        }
        // As the page: a frame that would be a third in flight is dropped, not queued.
        if in_flight.len() >= IN_FLIGHT {
            continue;
        }
        seq += 1;
        in_flight.insert(seq, now);
        if frames.send(seq).is_err() {
            break;
        }
    }
    // The last frames' answers, then the stream closes.
    let deadline = tokio::time::Instant::now() + MAX_P95;
    while let Ok(Some(answer)) = tokio::time::timeout_at(deadline, answers.recv()).await {
        settle(answer, &mut in_flight);
    }
    drop(frames);
    let abort = driver.abort_handle();
    if tokio::time::timeout(Duration::from_secs(1), driver).await.is_err() {
        abort.abort();
    }
    Seen { sent, ..seen }
}

/// A stream to Rheo's stream socket from the loopback address `from`: the start message, then
/// each frame binary under its number; answers are decoded as the page decodes them.
async fn connect(kind: Arc<Kind>, from: IpAddr, port: u16) -> Option<Link> {
    let socket = tokio::net::TcpSocket::new_v4().ok()?;
    socket.bind(SocketAddr::new(from, 0)).ok()?;
    let tcp = socket.connect(SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port)).await.ok()?;
    let url = format!("ws://127.0.0.1:{port}/{}/stream", kind.interface);
    let (socket, _) = tokio_tungstenite::client_async(url, tcp).await.ok()?;
    let (mut send, mut receive) = socket.split();
    let (media_outputs, start) = match kind.media {
        Media::Camera => (1, json!({"type": "start", "data": [null]})),
        Media::Microphone => (0, json!({"type": "start", "data": [null, null]})),
    };
    send.send(Message::text(start.to_string())).await.ok()?;
    let (answer, answers) = mpsc::unbounded_channel();
    let (frames, mut numbers) = mpsc::unbounded_channel::<u32>();
    let driver = tokio::spawn(async move {
        let reader = {
            let answer = answer.clone();
            AbortOnDrop(tokio::spawn(async move {
                while let Some(Ok(message)) = receive.next().await {
                    let said = match message {
                        Message::Binary(bytes) => {
                            crate::read_answer(&bytes, media_outputs).ok().map(|seq| Answer::Shown(seq, Instant::now()))
                        }
                        Message::Text(text) => match serde_json::from_str::<ServerMessage>(&text) {
                            Ok(ServerMessage::Skipped { seq }) => Some(Answer::Skipped(seq)),
                            Ok(ServerMessage::Error { .. } | ServerMessage::Ended { .. }) => Some(Answer::Failed),
                            _ => None,
                        },
                        _ => None,
                    };
                    if let Some(said) = said {
                        let _ = answer.send(said);
                    }
                }
            }))
        };
        while let Some(seq) = numbers.recv().await {
            if send.send(Message::binary(encode_frame(seq, &kind.frame))).await.is_err() {
                let _ = answer.send(Answer::Failed);
                break;
            }
        }
        let _ = send.close().await;
        drop(reader);
    });
    Some(Link { frames, answers, driver })
}

/// Aborts its task when dropped.
pub(crate) struct AbortOnDrop(pub(crate) JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// CPU seconds (user + system) the process `pid` has used so far.
fn cpu_seconds(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0) // USER_HZ, 100 on Linux
}

async fn trial(
    kind: &Arc<Kind>,
    system: &Arc<System>,
    streams: usize,
    port: u16,
    pid: Option<u32>,
    measured: Duration,
) -> Trial {
    let warmup = Duration::from_secs(1);
    let cpu_start = pid.and_then(cpu_seconds);
    let started = Instant::now();
    let all = (0..streams).map(|i| tokio::spawn(stream(kind.clone(), system.clone(), i, port, warmup, measured)));
    let seen: Vec<Seen> = futures::future::join_all(all).await.into_iter().map(Result::unwrap_or_default).collect();
    let answered: u32 = seen.iter().map(|s| s.answered).sum();
    let cpu_per_frame = pid.and_then(cpu_seconds).zip(cpu_start).map(|(end, start)| {
        // The warm-up's frames are served too: count the whole run's share.
        let whole = started.elapsed().as_secs_f64() / measured.as_secs_f64();
        (end - start) / (f64::from(answered) * whole).max(1.0)
    });
    let mut fps: Vec<f64> = seen.iter().map(|s| f64::from(s.answered) / measured.as_secs_f64()).collect();
    fps.sort_by(f64::total_cmp);
    let worst_answered = seen.iter().map(|s| f64::from(s.answered) / f64::from(s.sent.max(1))).fold(1.0, f64::min);
    let mut latencies: Vec<Duration> = seen.iter().flat_map(|s| s.latencies.iter().copied()).collect();
    latencies.sort();
    let at = |q: f64| latencies.get(((latencies.len().max(1) - 1) as f64 * q).round() as usize).copied();
    Trial {
        streams,
        worst_answered,
        median_fps: fps.get(fps.len() / 2).copied().unwrap_or(0.0),
        p50: at(0.5).unwrap_or(Duration::MAX),
        p95: at(0.95).unwrap_or(Duration::MAX),
        failures: seen.iter().map(|s| s.failures).sum(),
        cpu_per_frame,
    }
}

/// Finds the most streams of `kind` the server at `port` holds, trying at most `max_streams`;
/// prints each trial and the figures (a Markdown row and JSON).
pub(crate) async fn run(
    kind: Kind,
    system: System,
    port: u16,
    pid: Option<u32>,
    seconds: u64,
    max_streams: usize,
) -> Result<(), String> {
    let (kind, system) = (Arc::new(kind), Arc::new(system));
    let measured = Duration::from_secs(seconds.max(2));
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    println!("{} ({}): each count for 1 s of warm-up and {} s measured", kind.name, system.name(), measured.as_secs());
    let one = trial(&kind, &system, 1, port, pid, measured).await;
    println!("  {}", one.line());
    let cost = one.cpu_per_frame;
    let limit = cost.map(|cost| cores as f64 / (cost / kind.every.as_secs_f64()));
    // Double the count while it holds, then halve the gap to the first that did not.
    let (one_fps, one_p95) = (one.median_fps, one.p95);
    let (mut best, mut failed) = (one.holds().then_some(one), None::<usize>);
    while let Some(low) = best.as_ref().map(|trial| trial.streams) {
        let next = match failed {
            None => low * 2,
            Some(high) if high - low > 1 => (low + high) / 2,
            Some(_) => break,
        };
        if next > max_streams {
            break;
        }
        let figures = trial(&kind, &system, next, port, pid, measured).await;
        println!("  {}", figures.line());
        if figures.holds() {
            best = Some(figures);
        } else {
            failed = Some(next);
        }
    }
    let most = best.as_ref().map_or(0, |trial| trial.streams);
    let ratio = limit.map(|limit| most as f64 / limit);
    println!(
        "\n| {} | {} | {most} | {:.1} fps, p95 {:.0} ms | {} | {} | {} |",
        kind.name,
        system.name(),
        one_fps,
        one_p95.as_secs_f64() * 1000.0,
        cost.map_or("—".into(), |c| format!("{:.2} ms", c * 1000.0)),
        limit.map_or("unknown (no --pid)".into(), |l| format!("{l:.1}")),
        ratio.map_or("—".into(), |r| format!("{:.0}%", r * 100.0)),
    );
    let at_most = best.as_ref().map(|trial| {
        json!({"median_fps": trial.median_fps, "p50_ms": trial.p50.as_secs_f64() * 1000.0, "p95_ms": trial.p95.as_secs_f64() * 1000.0})
    });
    let report = json!({
        "kind": kind.name, "system": system.name(), "most_streams": most, "cores": cores, "server_cpu_ms_per_frame": cost.map(|c| c * 1000.0),
        "limit_streams": limit, "ratio_to_limit": ratio, "at_most": at_most,
    });
    println!("{report}");
    if most == 0 {
        return Err(format!("{} ({}): not even one stream held", kind.name, system.name()));
    }
    Ok(())
}
