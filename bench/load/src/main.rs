//! A native load generator for a running `rheo-demos`: live calculator sessions changing their
//! inputs, webcam streams at 30 fps and streamed-audio generators, all at once, for a bounded
//! time, with a share of clients vanishing mid-call and mid-stream. It reports failures and
//! latencies per kind, and the server's memory (RSS) before, at its peak and after a quiet
//! settle, and the size of its file store. Loopback only; it stops by itself.
//!
//! ```sh
//! cargo run --release -p rheo-load -- --pid <server pid> [--url http://127.0.0.1:3000]
//!     [--seconds 120] [--sessions 500] [--streams 20] [--generators 50] [--vanish 0.1]
//! ```
//!
//! Each virtual client sends from its own loopback address (127.1.x.y), as distinct people
//! would, so the server's per-client limits apply to each one and not to all together.
//!
//! `--capacity webcam` or `--capacity microphone` instead finds how many streams the server
//! holds (see `capacity`; it tries at most `--max-streams`, 2048 by default), `--seconds` being
//! each count's measured time; with `--system gradio`, a Gradio server's (its own protocol, see
//! `gradio`). `--attack <seconds>` instead runs the attack run (see `attack`).

mod attack;
mod capacity;
mod gradio;

use std::{
    collections::{BTreeMap, HashMap},
    net::{IpAddr, Ipv4Addr, SocketAddr},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use futures::{SinkExt, StreamExt};
use rheo_shared::protocol::stream::{decode_answer, encode_frame, FrameError, ServerMessage};
use serde_json::{json, Value as Json};
use tokio_tungstenite::tungstenite::Message;

struct Options {
    url: String,
    pid: Option<u32>,
    seconds: u64,
    sessions: usize,
    streams: usize,
    generators: usize,
    vanish: f64,
    settle: u64,
    capacity: Option<String>,
    /// The most streams `--capacity` tries, 2048 by default (past the server's own bound,
    /// `RHEO_MAX_STREAMS`, 256 by default: bench/streams.sh raises it).
    max_streams: usize,
    system: String,
    attack: Option<u64>,
}

impl Options {
    fn parse() -> Result<Self, String> {
        let mut options = Options {
            url: "http://127.0.0.1:3000".into(),
            pid: None,
            seconds: 120,
            sessions: 500,
            streams: 20,
            generators: 50,
            vanish: 0.0,
            settle: 15,
            capacity: None,
            max_streams: 2048,
            system: "rheo".into(),
            attack: None,
        };
        let mut args = std::env::args().skip(1);
        while let Some(flag) = args.next() {
            let value = args.next().ok_or(format!("{flag} needs a value"))?;
            let number = |v: &str| v.parse::<f64>().map_err(|_| format!("{flag} {v}: not a number"));
            match flag.as_str() {
                "--url" => options.url = value,
                "--pid" => options.pid = Some(number(&value)? as u32),
                "--seconds" => options.seconds = number(&value)? as u64,
                "--sessions" => options.sessions = number(&value)? as usize,
                "--streams" => options.streams = number(&value)? as usize,
                "--generators" => options.generators = number(&value)? as usize,
                "--vanish" => options.vanish = number(&value)?,
                "--settle" => options.settle = number(&value)? as u64,
                "--capacity" => options.capacity = Some(value),
                "--max-streams" => options.max_streams = number(&value)? as usize,
                "--system" => options.system = value,
                "--attack" => options.attack = Some(number(&value)? as u64),
                other => return Err(format!("unknown flag {other}")),
            }
        }
        if !options.url.starts_with("http://127.") {
            return Err("the load goes to loopback only: --url http://127.x.y.z:port".into());
        }
        Ok(options)
    }
}

/// The number of the frame a stream's answer answers, once the bytes after its JSON are
/// checked against the files of its first `media_outputs` outputs, each read as a plain value
/// (the demos the load drives answer with one image).
pub(crate) fn read_answer(message: &[u8], media_outputs: usize) -> Result<u32, FrameError> {
    let answer = decode_answer(message)?;
    let seq = answer.seq;
    answer.outputs(|index, json| (serde_json::from_value(json).unwrap_or_default(), index < media_outputs))?;
    Ok(seq)
}

/// What happened to the requests of one kind.
#[derive(Default)]
struct Kind {
    ok: u64,
    vanished: u64,
    failed: BTreeMap<String, u64>,
    latencies: Vec<Duration>,
}

#[derive(Clone, Default)]
struct Stats(Arc<Mutex<HashMap<&'static str, Kind>>>);

impl Stats {
    fn ok(&self, kind: &'static str, latency: Duration) {
        let mut kinds = self.0.lock().unwrap();
        let kind = kinds.entry(kind).or_default();
        kind.ok += 1;
        kind.latencies.push(latency);
    }

    fn failed(&self, kind: &'static str, why: impl Into<String>) {
        let mut why: String = why.into();
        why.truncate(120);
        *self.0.lock().unwrap().entry(kind).or_default().failed.entry(why).or_default() += 1;
    }

    fn vanished(&self, kind: &'static str) {
        self.0.lock().unwrap().entry(kind).or_default().vanished += 1;
    }
}

/// A small deterministic generator per client (xorshift): jitter and who vanishes when.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Client `i`'s own loopback address.
pub(crate) fn address(i: usize) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(127, 1, (i / 250) as u8, (i % 250 + 1) as u8))
}

/// A live calculator session: changes its inputs every 0.2 to 0.8 s and checks each answer.
async fn live_session(i: usize, options: Arc<Options>, stats: Stats, until: Instant) {
    const KIND: &str = "live call (/calculator/run)";
    let client = reqwest::Client::builder().local_address(address(i)).build().expect("a client");
    let mut dice = Dice(0x9E37_79B9_7F4A_7C15 ^ (i as u64 + 1));
    let url = format!("{}/calculator/run", options.url);
    let mut n = 0.0;
    while Instant::now() < until {
        n += 1.0;
        let body = json!({ "data": [i as f64, "add", n], "session": format!("load-{i}") });
        let started = Instant::now();
        let call = client.post(&url).json(&body).send();
        if dice.next() < options.vanish {
            // Gone mid-call: the request is dropped after a moment.
            let _ = tokio::time::timeout(Duration::from_millis((dice.next() * 5.0) as u64), call).await;
            stats.vanished(KIND);
        } else {
            match call.await {
                Ok(response) if response.status().is_success() => match response.json::<Json>().await {
                    Ok(answer) if answer["data"][0] == json!(i as f64 + n) => stats.ok(KIND, started.elapsed()),
                    Ok(answer) => stats.failed(KIND, format!("wrong answer {answer}")),
                    Err(e) => stats.failed(KIND, format!("unreadable answer: {e}")),
                },
                Ok(response) => stats.failed(KIND, format!("{}", response.status())),
                Err(e) => stats.failed(KIND, format!("{e}")),
            }
        }
        tokio::time::sleep(Duration::from_millis(200 + (dice.next() * 600.0) as u64)).await;
    }
}

/// A 640x480 camera frame as the browser sends it (JPEG); frames of different `mark`s differ
/// in their pixels.
pub(crate) fn camera_frame(mark: u32) -> Vec<u8> {
    let [_, _, high, low] = mark.to_be_bytes();
    let image = image::RgbImage::from_fn(640, 480, |x, y| image::Rgb([(x / 3) as u8, (y / 2) as u8 ^ high, 128 ^ low]));
    let mut bytes = std::io::Cursor::new(Vec::new());
    image::DynamicImage::from(image).write_to(&mut bytes, image::ImageFormat::Jpeg).expect("a JPEG");
    bytes.into_inner()
}

/// A webcam stream to /flip at 30 fps, started again whenever it ends (its time limit, or this
/// client vanishing mid-stream).
async fn webcam(i: usize, options: Arc<Options>, stats: Stats, until: Instant, frame: Arc<Vec<u8>>) {
    const KIND: &str = "webcam frame (/flip/stream)";
    let mut dice = Dice(0xD1B5_4A32_D192_ED03 ^ (i as u64 + 1));
    let port = options.url.rsplit(':').next().and_then(|p| p.trim_end_matches('/').parse::<u16>().ok()).unwrap_or(80);
    while Instant::now() < until {
        let socket = tokio::net::TcpSocket::new_v4().expect("a socket");
        socket.bind(SocketAddr::new(address(10_000 + i), 0)).expect("a loopback address");
        let Ok(tcp) = socket.connect(SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port)).await else {
            stats.failed(KIND, "cannot connect");
            tokio::time::sleep(Duration::from_secs(1)).await;
            continue;
        };
        let url = format!("ws://127.0.0.1:{port}/flip/stream");
        let Ok((socket, _)) = tokio_tungstenite::client_async(url, tcp).await else {
            stats.failed(KIND, "the stream was refused");
            tokio::time::sleep(Duration::from_secs(1)).await;
            continue;
        };
        let (mut send, mut receive) = socket.split();
        let start = json!({"type": "start", "data": [null]}).to_string();
        if send.send(Message::text(start)).await.is_err() {
            stats.failed(KIND, "the start message was not taken");
            continue;
        }
        let sent_at: Arc<Mutex<HashMap<u32, Instant>>> = Arc::default();
        let vanish_at =
            (dice.next() < options.vanish).then(|| Instant::now() + Duration::from_secs_f64(dice.next() * 10.0));
        let reader = {
            let (stats, sent_at) = (stats.clone(), sent_at.clone());
            tokio::spawn(async move {
                while let Some(Ok(message)) = receive.next().await {
                    match message {
                        Message::Binary(bytes) => match read_answer(&bytes, 1) {
                            Ok(seq) => match sent_at.lock().unwrap().remove(&seq) {
                                Some(sent) => stats.ok(KIND, sent.elapsed()),
                                None => stats.failed(KIND, "an answer to no frame"),
                            },
                            Err(e) => stats.failed(KIND, format!("unreadable answer: {e}")),
                        },
                        Message::Text(text) => match serde_json::from_str::<ServerMessage>(&text) {
                            Ok(ServerMessage::Skipped { seq }) => {
                                sent_at.lock().unwrap().remove(&seq);
                            }
                            Ok(ServerMessage::Ended { .. }) => return,
                            Ok(ServerMessage::Error { message, .. }) => stats.failed(KIND, message),
                            _ => {}
                        },
                        _ => {}
                    }
                }
            })
        };
        let mut seq = 0;
        let mut tick = tokio::time::interval(Duration::from_millis(33));
        while Instant::now() < until && !reader.is_finished() {
            tick.tick().await;
            if vanish_at.is_some_and(|at| Instant::now() >= at) {
                stats.vanished(KIND);
                break; // dropped without a close: the client is simply gone
            }
            seq += 1;
            sent_at.lock().unwrap().insert(seq, Instant::now());
            if send.send(Message::binary(encode_frame(seq, &frame))).await.is_err() {
                break;
            }
        }
        reader.abort();
    }
}

/// Streamed-audio generator calls of /synth, one after another, each read to its end (or left
/// after its first chunk by a client that vanishes).
async fn generator(i: usize, options: Arc<Options>, stats: Stats, until: Instant) {
    const KIND: &str = "generator, whole (/synth/run)";
    const FIRST: &str = "generator, first chunk";
    let client = reqwest::Client::builder().local_address(address(20_000 + i)).build().expect("a client");
    let mut dice = Dice(0x94D0_49BB_1331_11EB ^ (i as u64 + 1));
    let url = format!("{}/synth/run", options.url);
    while Instant::now() < until {
        let started = Instant::now();
        let response = match client.post(&url).json(&json!({"data": ["C4 E4 G4", 240.0]})).send().await {
            Ok(response) if response.status().is_success() => response,
            Ok(response) => {
                stats.failed(KIND, format!("{}", response.status()));
                continue;
            }
            Err(e) => {
                stats.failed(KIND, format!("{e}"));
                continue;
            }
        };
        let vanish = dice.next() < options.vanish;
        let mut body = response.bytes_stream();
        let mut lines = 0;
        let mut failed = false;
        while let Some(chunk) = body.next().await {
            let Ok(chunk) = chunk else {
                failed = true;
                break;
            };
            let text = String::from_utf8_lossy(&chunk);
            if text.contains("\"error\"") {
                stats.failed(KIND, text.trim().to_owned());
                failed = true;
                break;
            }
            if lines == 0 {
                stats.ok(FIRST, started.elapsed());
            }
            lines += text.matches('\n').count();
            if vanish {
                break;
            }
        }
        match (vanish, failed) {
            (true, _) => stats.vanished(KIND),
            (false, false) if lines >= 4 => stats.ok(KIND, started.elapsed()),
            (false, false) => stats.failed(KIND, format!("{lines} answers, expected 4")),
            (false, true) => {}
        }
    }
}

/// The server's peak resident memory while it lives, sampled every 250 ms.
struct PeakRss {
    peak: Arc<Mutex<f64>>,
    sampler: Option<tokio::task::JoinHandle<()>>,
}

impl PeakRss {
    /// Watches server `pid`'s memory (nothing without one).
    fn watch(pid: Option<u32>) -> Self {
        let peak = Arc::new(Mutex::new(pid.and_then(rss_mib).unwrap_or(0.0)));
        let sampler = pid.map(|pid| {
            let peak = peak.clone();
            tokio::spawn(async move {
                loop {
                    if let Some(rss) = rss_mib(pid) {
                        let mut peak = peak.lock().unwrap();
                        *peak = peak.max(rss);
                    }
                    tokio::time::sleep(Duration::from_millis(250)).await;
                }
            })
        });
        PeakRss { peak, sampler }
    }

    fn mib(&self) -> f64 {
        *self.peak.lock().unwrap()
    }
}

impl Drop for PeakRss {
    fn drop(&mut self) {
        if let Some(sampler) = &self.sampler {
            sampler.abort();
        }
    }
}

/// Prints the table of what happened to each kind of request, and gives it as JSON by kind.
fn kinds_report(stats: &Stats) -> serde_json::Map<String, Json> {
    println!("\n| kind | ok | failed | vanished | p50 ms | p99 ms |\n| --- | ---: | ---: | ---: | ---: | ---: |");
    let mut kinds: Vec<_> = std::mem::take(&mut *stats.0.lock().unwrap()).into_iter().collect();
    kinds.sort_by_key(|(name, _)| *name);
    let mut report = serde_json::Map::new();
    for (name, mut kind) in kinds {
        kind.latencies.sort();
        let failed: u64 = kind.failed.values().sum();
        let (p50, p99) = (percentile(&kind.latencies, 0.5), percentile(&kind.latencies, 0.99));
        println!("| {name} | {} | {failed} | {} | {p50:.1} | {p99:.1} |", kind.ok, kind.vanished);
        for (why, count) in &kind.failed {
            println!("|   {count} × {why} | | | | | |");
        }
        report.insert(
            name.to_owned(),
            json!({"ok": kind.ok, "failed": kind.failed, "vanished": kind.vanished, "p50_ms": p50, "p99_ms": p99}),
        );
    }
    report
}

/// The server's resident memory, in MiB.
fn rss_mib(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kib: f64 = status.lines().find(|l| l.starts_with("VmRSS:"))?.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// The size of the servers' file stores (`rheo-*` in the temp dir), in MiB.
fn file_store_mib() -> f64 {
    fn size(path: &std::path::Path) -> u64 {
        match std::fs::symlink_metadata(path) {
            Ok(meta) if meta.is_dir() => {
                std::fs::read_dir(path).map(|entries| entries.flatten().map(|e| size(&e.path())).sum()).unwrap_or(0)
            }
            Ok(meta) => meta.len(),
            Err(_) => 0,
        }
    }
    let stores = std::fs::read_dir(std::env::temp_dir()).into_iter().flatten().flatten();
    let bytes: u64 =
        stores.filter(|e| e.file_name().to_string_lossy().starts_with("rheo-")).map(|e| size(&e.path())).sum();
    bytes as f64 / (1 << 20) as f64
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize].as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() -> Result<(), String> {
    let options = Arc::new(Options::parse()?);
    if let Some(seconds) = options.attack {
        return attack::run(options.clone(), seconds).await;
    }
    if let Some(kind) = &options.capacity {
        let port = options.url.rsplit(':').next().and_then(|p| p.trim_end_matches('/').parse().ok());
        let port = port.ok_or("--url needs a port")?;
        return capacity::run(
            capacity::Kind::parse(kind)?,
            capacity::System::parse(&options.system, port).await?,
            port,
            options.pid,
            options.seconds,
            options.max_streams,
        )
        .await;
    }
    let stats = Stats::default();
    let rss_start = options.pid.and_then(rss_mib);
    let peak = PeakRss::watch(options.pid);
    let until = Instant::now() + Duration::from_secs(options.seconds);
    let frame = Arc::new(camera_frame(0));
    let mut clients = Vec::new();
    for i in 0..options.sessions {
        clients.push(tokio::spawn(live_session(i, options.clone(), stats.clone(), until)));
    }
    for i in 0..options.streams {
        clients.push(tokio::spawn(webcam(i, options.clone(), stats.clone(), until, frame.clone())));
    }
    for i in 0..options.generators {
        clients.push(tokio::spawn(generator(i, options.clone(), stats.clone(), until)));
    }
    // Every client stops at the deadline; one stuck past it is left behind, not waited on.
    let _ = tokio::time::timeout(Duration::from_secs(options.seconds + 30), futures::future::join_all(clients)).await;
    tokio::time::sleep(Duration::from_secs(options.settle)).await;
    let rss_end = options.pid.and_then(rss_mib);
    let rss_peak = peak.mib();
    drop(peak);

    println!(
        "{} s: {} live sessions, {} webcam streams at 30 fps, {} generators; {:.0}% of clients vanish",
        options.seconds,
        options.sessions,
        options.streams,
        options.generators,
        options.vanish * 100.0
    );
    let mut report = kinds_report(&stats);
    let memory = json!({
        "rss_start_mib": rss_start, "rss_peak_mib": rss_peak, "rss_end_mib": rss_end,
        "file_store_end_mib": file_store_mib(),
    });
    println!("\nserver memory: {memory}");
    report.insert("memory".into(), memory);
    let failures: u64 = kinds_failed(&report);
    println!("\n{}", Json::Object(report));
    if failures > 0 {
        return Err(format!("{failures} requests failed (besides the vanished clients')"));
    }
    Ok(())
}

/// How many requests failed, over every kind of the report.
fn kinds_failed(report: &serde_json::Map<String, Json>) -> u64 {
    report
        .values()
        .filter_map(|kind| kind["failed"].as_object())
        .flat_map(|failed| failed.values().filter_map(Json::as_u64))
        .sum()
}
