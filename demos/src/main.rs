//! The demo server: mounts Rheo's demos and serves them at http://127.0.0.1:3000 (unless
//! `RHEO_SERVER_PORT` or `PORT` says another port). `RHEO_DEMOS_STREAM_EVERY` (seconds) sets
//! how often /flip and /transcribe stream instead of their own 1/30 s and 0.5 s: the bench
//! measures them at several rates. `RHEO_DEMOS_BATCH=off` runs /topics one text a run instead of in
//! batches: the bench compares the two.

mod calculator;
mod chat;
mod classify;
mod contact_sheet;
mod detect;
mod diffusion;
mod echo;
mod echo_chat;
mod event;
mod files;
mod filters;
mod flip;
mod format_json;
mod greet;
mod landscapes;
mod mirror;
mod notes;
mod signal;
mod summary;
mod synth;
mod tagger;
mod talk;
mod topics;
mod transcribe;
mod turn;
mod watch;
mod word_count;
mod workshop;

use std::time::Duration;

use rheo::{Registry, TabbedInterface};

// jemalloc, giving freed memory back to the system after a second (its background thread
// purges even when the server is idle): with glibc's malloc the demos' RSS stayed at its peak
// after a load (13 MiB at start, 57 MiB after; 20 MiB with this; bench/load.md).
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[allow(non_upper_case_globals, unsafe_code)]
#[export_name = "_rjem_malloc_conf"]
static malloc_conf: &[u8] = b"background_thread:true,dirty_decay_ms:1000,muzzy_decay_ms:0\0";

#[tokio::main]
async fn main() -> Result<(), rheo::ServeError> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .init();
    let (stream_every, batched) = match (stream_every_override(), batched()) {
        (Ok(seconds), Ok(batched)) => (seconds, batched),
        (Err(message), _) | (_, Err(message)) => {
            eprintln!("{message}");
            std::process::exit(2);
        }
    };
    Registry::new()
        .mount("calculator", calculator::interface())
        .mount("greet", greet::interface())
        .mount("flip", flip::interface(stream_every.unwrap_or(Duration::from_secs_f64(1.0 / 30.0))))
        .mount("filters", filters::interface())
        .mount("mirror", mirror::interface())
        .mount("transcribe", transcribe::blocks(stream_every.unwrap_or(Duration::from_millis(500))))
        .mount("echo", echo::interface())
        .mount("synth", synth::interface())
        .mount("diffusion", diffusion::interface())
        .mount("word_count", word_count::interface())
        .mount("classify", classify::interface())
        .mount("workshop", workshop::blocks())
        .mount("chat", chat::interface())
        .mount("echo_chat", echo_chat::interface())
        .mount("files", files::interface())
        .mount("topics", topics::interface(batched))
        .mount("event", event::interface())
        .mount("tagger", tagger::interface())
        .mount("format_json", format_json::interface())
        .mount("landscapes", landscapes::interface())
        .mount("detect", detect::interface())
        .mount("summary", summary::interface())
        .mount("signal", signal::interface())
        .mount("turn", turn::interface())
        .mount("contact_sheet", contact_sheet::interface())
        .mount("talk", talk::interface())
        .mount("watch", watch::interface())
        .mount(
            "text_tools",
            TabbedInterface::new()
                .title("Text tools")
                .tab("Greet", greet::interface())
                .tab("Count words", word_count::interface()),
        )
        .language(calculator::in_french())
        // Every demo is also a tool for LLM agents, at /gradio_api/mcp/.
        .mcp_server(true)
        .port(3000)
        .serve()
        .await
}

/// `RHEO_DEMOS_STREAM_EVERY`, if set: a number of seconds above 0 and at most 10.
fn stream_every_override() -> Result<Option<Duration>, String> {
    let Ok(text) = std::env::var("RHEO_DEMOS_STREAM_EVERY") else { return Ok(None) };
    match text.trim().parse::<f64>() {
        Ok(seconds) if seconds > 0.0 && seconds <= 10.0 => Ok(Some(Duration::from_secs_f64(seconds))),
        _ => Err(format!("RHEO_DEMOS_STREAM_EVERY must be a number of seconds above 0 and at most 10, not {text:?}")),
    }
}

/// `RHEO_DEMOS_BATCH`: `on` (or unset) for /topics in batches, `off` for one text a run.
fn batched() -> Result<bool, String> {
    match std::env::var("RHEO_DEMOS_BATCH").as_deref().map(str::trim) {
        Err(_) | Ok("on") => Ok(true),
        Ok("off") => Ok(false),
        Ok(other) => Err(format!("RHEO_DEMOS_BATCH must be on or off, not {other:?}")),
    }
}
