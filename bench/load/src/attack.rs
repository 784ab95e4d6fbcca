//! The attack run (issue 34): honest clients of the demos while others try what once took a
//! Rheo server down or locked people out, each from loopback addresses of its own, bounded in
//! count and time. The honest ones must all be served, the server's memory stay under 1 GiB.
//!
//! Honest: live calculator sessions (`/run`), Gradio queue users of the calculator (join, then
//! read their session's stream), and people who upload a file, read it back, and find it still
//! there at the end.
//! Attacks, all at once:
//! * joins never read: sessions that join the calculator's queue and never open their stream;
//! * REST calls never read: `call/predict` on the /synth generator (one call at a time, so
//!   they wait in line), their results never asked for;
//! * an upload flood: one client uploading 4 MiB files as fast as it can;
//! * decoding pressure: clients sending 20 s of 48 kHz stereo WAV to /echo, many at once;
//! * readers: one session opening its stream many times over;
//! * idle connections: many connections that never send a request.
//!
//! ```sh
//! cargo run --release -p rheo-load -- --attack 60 --pid <server pid> [--url http://127.0.0.1:3000]
//! ```

use std::{
    collections::BTreeMap,
    net::{IpAddr, Ipv4Addr, SocketAddr},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use reqwest::{
    multipart::{Form, Part},
    Client,
};
use serde_json::{json, Value as Json};

use crate::{address, kinds_failed, kinds_report, live_session, Options, PeakRss, Stats};

/// The server's memory must stay under this, in MiB.
const MAX_RSS_MIB: f64 = 1024.0;

/// What the attackers' requests got, by attack and answer (a status, or what happened).
#[derive(Clone, Default)]
struct Outcomes(Arc<Mutex<BTreeMap<(&'static str, String), u64>>>);

impl Outcomes {
    fn saw(&self, attack: &'static str, outcome: impl Into<String>) {
        *self.0.lock().unwrap().entry((attack, outcome.into())).or_default() += 1;
    }
}

fn client(from: IpAddr) -> Client {
    Client::builder().local_address(from).timeout(Duration::from_secs(60)).build().expect("a client")
}

/// A 64 KiB file, different for each `seed`.
fn file_bytes(seed: usize, size: usize) -> Vec<u8> {
    (0..size).map(|i| (i * 31 + seed * 7) as u8).collect()
}

/// Uploads `bytes` to app `app` as `gradio_client` does; the path it was stored as.
async fn upload(client: &Client, url: &str, app: &str, name: &str, bytes: Vec<u8>) -> Result<String, String> {
    let part = Part::bytes(bytes).file_name(name.to_owned()).mime_str("application/octet-stream").expect("a type");
    let response = client
        .post(format!("{url}/{app}/gradio_api/upload"))
        .multipart(Form::new().part("files", part))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = response.status();
    if !status.is_success() {
        return Err(status.as_u16().to_string());
    }
    let paths: Json = response.json().await.map_err(|e| e.to_string())?;
    paths[0].as_str().map(str::to_owned).ok_or_else(|| format!("no path in {paths}"))
}

async fn download(client: &Client, url: &str, app: &str, path: &str) -> Result<Vec<u8>, String> {
    let response = client.get(format!("{url}/{app}/gradio_api/file={path}")).send().await.map_err(|e| e.to_string())?;
    if !response.status().is_success() {
        return Err(response.status().as_u16().to_string());
    }
    Ok(response.bytes().await.map_err(|e| e.to_string())?.to_vec())
}

/// Someone who uploads a file, reads it back, and finds it still there at the end.
async fn honest_upload(i: usize, url: Arc<String>, stats: Stats, until: Instant) {
    const KIND: &str = "honest: upload, read back, still there at the end";
    let client = client(address(30_000 + i));
    let bytes = file_bytes(i, 64 << 10);
    let started = Instant::now();
    let path = match upload(&client, &url, "flip", "mine.bin", bytes.clone()).await {
        Ok(path) => path,
        Err(e) => return stats.failed(KIND, format!("upload: {e}")),
    };
    match download(&client, &url, "flip", &path).await {
        Ok(read) if read == bytes => {}
        Ok(_) => return stats.failed(KIND, "read back other bytes"),
        Err(e) => return stats.failed(KIND, format!("read back: {e}")),
    }
    tokio::time::sleep(until.saturating_duration_since(Instant::now())).await;
    match download(&client, &url, "flip", &path).await {
        Ok(read) if read == bytes => stats.ok(KIND, started.elapsed()),
        Ok(_) => stats.failed(KIND, "other bytes at the end"),
        Err(e) => stats.failed(KIND, format!("gone at the end: {e}")),
    }
}

/// A Gradio queue user of the calculator: joins, reads its session's stream to the answer.
async fn honest_queue_user(i: usize, url: Arc<String>, stats: Stats, until: Instant) {
    const KIND: &str = "honest: Gradio queue call (/calculator)";
    let client = client(address(31_000 + i));
    let mut n = 0.0;
    while Instant::now() < until {
        n += 1.0;
        let session = format!("honest-{i}-{n}");
        let started = Instant::now();
        let body = json!({"data": [i as f64, "add", n], "fn_index": 0, "session_hash": session});
        let joined = client.post(format!("{url}/calculator/gradio_api/queue/join")).json(&body).send().await;
        match joined {
            Ok(response) if response.status().is_success() => {}
            Ok(response) => {
                stats.failed(KIND, format!("join: {}", response.status()));
                continue;
            }
            Err(e) => {
                stats.failed(KIND, format!("join: {e}"));
                continue;
            }
        }
        let data = client.get(format!("{url}/calculator/gradio_api/queue/data?session_hash={session}")).send().await;
        let text = match data {
            Ok(response) if response.status().is_success() => response.text().await.unwrap_or_default(),
            Ok(response) => {
                stats.failed(KIND, format!("data: {}", response.status()));
                continue;
            }
            Err(e) => {
                stats.failed(KIND, format!("data: {e}"));
                continue;
            }
        };
        let completed = text.lines().filter_map(|line| line.strip_prefix("data: ")).find_map(|message| {
            let message: Json = serde_json::from_str(message).ok()?;
            (message["msg"] == "process_completed").then_some(message)
        });
        match completed {
            Some(message) if message["output"]["data"][0] == json!(i as f64 + n) => stats.ok(KIND, started.elapsed()),
            Some(message) => stats.failed(KIND, format!("wrong answer {message}")),
            None => stats.failed(KIND, "no completion on its stream"),
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// Joins from `client` that are never read, 64 at a time (a client's most pending), again
/// every few seconds.
async fn joins_never_read(attacker: usize, url: Arc<String>, outcomes: Outcomes, until: Instant) {
    const ATTACK: &str = "joins never read (/calculator queue)";
    let client = client(address(40_000 + attacker));
    let mut round = 0;
    while Instant::now() < until {
        round += 1;
        for j in 0..64 {
            let session = format!("never-read-{attacker}-{round}-{j}");
            let body = json!({"data": [1, "add", 2], "fn_index": 0, "session_hash": session});
            match client.post(format!("{url}/calculator/gradio_api/queue/join")).json(&body).send().await {
                Ok(response) => outcomes.saw(ATTACK, response.status().as_u16().to_string()),
                Err(e) => outcomes.saw(ATTACK, e.to_string()),
            }
        }
        tokio::time::sleep(Duration::from_secs(3)).await;
    }
}

/// REST calls of the slow /synth generator whose results are never asked for.
async fn rest_never_read(attacker: usize, url: Arc<String>, outcomes: Outcomes, until: Instant) {
    const ATTACK: &str = "REST calls never read (/synth call/synth)";
    let client = client(address(41_000 + attacker));
    while Instant::now() < until {
        let body = json!({"data": ["C4 E4 G4", 240.0]});
        match client.post(format!("{url}/synth/gradio_api/call/synth")).json(&body).send().await {
            Ok(response) => outcomes.saw(ATTACK, response.status().as_u16().to_string()),
            Err(e) => outcomes.saw(ATTACK, e.to_string()),
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// One client uploading 4 MiB files as fast as it can.
async fn upload_flood(url: Arc<String>, outcomes: Outcomes, until: Instant) {
    const ATTACK: &str = "upload flood (4 MiB files, one client)";
    let client = client(address(42_000));
    let mut n = 0;
    while Instant::now() < until {
        n += 1;
        match upload(&client, &url, "flip", "flood.bin", file_bytes(n, 4 << 20)).await {
            Ok(_) => outcomes.saw(ATTACK, "200"),
            Err(e) => outcomes.saw(ATTACK, e),
        }
    }
}

/// 20 s of 48 kHz stereo, as a WAV.
fn long_wav() -> Vec<u8> {
    let spec = hound::WavSpec {
        channels: 2,
        sample_rate: 48_000,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut bytes = std::io::Cursor::new(Vec::new());
    let mut writer = hound::WavWriter::new(&mut bytes, spec).expect("a WAV");
    for i in 0..(20 * 48_000 * 2) {
        writer.write_sample(((i % 200) as i16 - 100) * 50).expect("a sample");
    }
    writer.finalize().expect("a WAV");
    bytes.into_inner()
}

/// Clients sending long WAVs to /echo (no concurrency limit), each decoded on arrival.
async fn decoding_pressure(attacker: usize, url: Arc<String>, wav: Arc<Vec<u8>>, outcomes: Outcomes, until: Instant) {
    const ATTACK: &str = "decoding pressure (20 s stereo WAVs to /echo)";
    let client = client(address(43_000 + attacker));
    while Instant::now() < until {
        let path = match upload(&client, &url, "echo", "long.wav", wav.to_vec()).await {
            Ok(path) => path,
            Err(e) => {
                outcomes.saw(ATTACK, format!("upload {e}"));
                continue;
            }
        };
        let body = json!({"data": [{"path": path, "meta": {"_type": "gradio.FileData"}}]});
        match client.post(format!("{url}/echo/run")).json(&body).send().await {
            Ok(response) => {
                let status = response.status().as_u16().to_string();
                // Read to the end: the generator's four answers.
                let _ = response.bytes().await;
                outcomes.saw(ATTACK, status);
            }
            Err(e) => outcomes.saw(ATTACK, e.to_string()),
        }
    }
}

/// One session opening its stream 20 times at once.
async fn many_readers(url: Arc<String>, outcomes: Outcomes) {
    const ATTACK: &str = "20 readers of one session";
    let client = client(address(44_000));
    let body = json!({"data": [1, "add", 2], "fn_index": 0, "session_hash": "many-readers"});
    let _ = client.post(format!("{url}/calculator/gradio_api/queue/join")).json(&body).send().await;
    let readers = (0..20).map(|_| {
        let client = client.clone();
        let url = format!("{url}/calculator/gradio_api/queue/data?session_hash=many-readers");
        async move {
            match client.get(url).timeout(Duration::from_secs(5)).send().await {
                Ok(response) => response.status().as_u16().to_string(),
                Err(e) => e.to_string(),
            }
        }
    });
    for outcome in futures::future::join_all(readers).await {
        outcomes.saw(ATTACK, outcome);
    }
}

/// 200 connections that never send a request: the server closes each after its header
/// timeout (30 s).
async fn idle_connections(port: u16, outcomes: Outcomes, until: Instant) {
    const ATTACK: &str = "idle connections (never a request)";
    let connections = (0..200).map(|_| async move {
        let socket = tokio::net::TcpSocket::new_v4().expect("a socket");
        socket.bind(SocketAddr::new(address(45_000), 0)).expect("a loopback address");
        let Ok(mut tcp) = socket.connect(SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port)).await else {
            return "cannot connect".to_owned();
        };
        let mut byte = [0u8; 1];
        let wait = until.saturating_duration_since(Instant::now()) + Duration::from_secs(40);
        match tokio::time::timeout(wait, tokio::io::AsyncReadExt::read(&mut tcp, &mut byte)).await {
            Ok(Ok(0)) => "closed by the server".to_owned(),
            Ok(Ok(_)) => "the server sent something".to_owned(),
            Ok(Err(e)) => format!("closed: {e}"),
            Err(_) => "still open".to_owned(),
        }
    });
    for outcome in futures::future::join_all(connections).await {
        outcomes.saw(ATTACK, outcome);
    }
}

pub(crate) async fn run(options: Arc<Options>, seconds: u64) -> Result<(), String> {
    let url = Arc::new(options.url.trim_end_matches('/').to_owned());
    let port = url.rsplit(':').next().and_then(|p| p.parse::<u16>().ok()).ok_or("--url needs a port")?;
    let (stats, outcomes) = (Stats::default(), Outcomes::default());
    let peak = PeakRss::watch(options.pid);
    let until = Instant::now() + Duration::from_secs(seconds);
    let wav = Arc::new(long_wav());
    let mut tasks = Vec::new();
    for i in 0..50 {
        tasks.push(tokio::spawn(live_session(i, options.clone(), stats.clone(), until)));
    }
    for i in 0..10 {
        tasks.push(tokio::spawn(honest_upload(i, url.clone(), stats.clone(), until)));
        tasks.push(tokio::spawn(honest_queue_user(i, url.clone(), stats.clone(), until)));
    }
    for attacker in 0..80 {
        tasks.push(tokio::spawn(joins_never_read(attacker, url.clone(), outcomes.clone(), until)));
    }
    for attacker in 0..20 {
        tasks.push(tokio::spawn(rest_never_read(attacker, url.clone(), outcomes.clone(), until)));
    }
    for attacker in 0..16 {
        tasks.push(tokio::spawn(decoding_pressure(attacker, url.clone(), wav.clone(), outcomes.clone(), until)));
    }
    tasks.push(tokio::spawn(upload_flood(url.clone(), outcomes.clone(), until)));
    tasks.push(tokio::spawn(many_readers(url.clone(), outcomes.clone())));
    tasks.push(tokio::spawn(idle_connections(port, outcomes.clone(), until)));
    // Every task stops by itself; one stuck past the bound is left behind, not waited on.
    let _ = tokio::time::timeout(Duration::from_secs(seconds + 90), futures::future::join_all(tasks)).await;
    let peak = peak.mib();

    println!("{seconds} s of attacks while honest clients are served");
    let failed_total = kinds_failed(&kinds_report(&stats));
    println!("\n| attack | answer | count |\n| --- | --- | ---: |");
    for ((attack, outcome), count) in outcomes.0.lock().unwrap().iter() {
        println!("| {attack} | {outcome} | {count} |");
    }
    println!(
        "\nserver memory: peak {peak:.0} MiB (the bound: {MAX_RSS_MIB:.0}); file store at the end {:.0} MiB",
        crate::file_store_mib()
    );
    if failed_total > 0 {
        return Err(format!("{failed_total} honest requests failed"));
    }
    if peak > MAX_RSS_MIB {
        return Err(format!("the server's memory reached {peak:.0} MiB"));
    }
    Ok(())
}
