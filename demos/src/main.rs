//! The demo server: mounts Rheo's demos and serves them at http://127.0.0.1:3000 (unless
//! `RHEO_SERVER_PORT` or `PORT` says another port).

mod calculator;
mod classify;
mod diffusion;
mod echo;
mod filters;
mod flip;
mod greet;
mod mirror;
mod notes;
mod synth;
mod transcribe;
mod word_count;

use rheo::Registry;

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
    Registry::new()
        .mount("calculator", calculator::interface())
        .mount("greet", greet::interface())
        .mount("flip", flip::interface())
        .mount("filters", filters::interface())
        .mount("mirror", mirror::interface())
        .mount("transcribe", transcribe::interface())
        .mount("echo", echo::interface())
        .mount("synth", synth::interface())
        .mount("diffusion", diffusion::interface())
        .mount("word_count", word_count::interface())
        .mount("classify", classify::interface())
        // Every demo is also a tool for LLM agents, at /gradio_api/mcp/.
        .mcp_server(true)
        .port(3000)
        .serve()
        .await
}
