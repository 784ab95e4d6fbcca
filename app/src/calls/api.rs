//! The browser side of Rheo's HTTP API (see `rheo_shared::protocol`): calls (NDJSON read as
//! it arrives: outputs, a generator's one by one, with the call's events) and uploads.

use gloo_net::http::{Request, Response};
use js_sys::{Reflect, Uint8Array};
use rheo_shared::{
    protocol::{
        end_session_path, flag_path,
        gradio::{file_url, upload_path},
        run_path,
        stream::stream_path,
        ErrorBody, FlagRequest, RunLine, RunRequest,
    },
    FileData,
};
use serde_json::Value as JsonValue;

use crate::words::{tr, words, Text};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, ReadableStreamDefaultReader};

/// Outputs as JSON, to be read each with its component (`ComponentSpec::read_value`).
pub(crate) type Outputs = Vec<JsonValue>;

/// Where an endpoint of an app's API is: the app's name, under the root path the page was
/// served from (`""`, or `/demos` behind a proxy), and the endpoint's index (0 for an
/// interface's one function, a Blocks app's event's otherwise).
#[derive(Clone, Debug)]
pub(crate) struct Endpoint {
    pub(crate) root: String,
    pub(crate) name: String,
    pub(crate) fn_index: usize,
}

impl Endpoint {
    fn run(&self) -> String {
        format!("{}{}", self.root, run_path(&self.name))
    }

    fn flag(&self) -> String {
        format!("{}{}", self.root, flag_path(&self.name))
    }

    fn upload(&self) -> String {
        format!("{}{}", self.root, upload_path(&self.name))
    }

    fn file(&self, path: &str) -> String {
        format!("{}{}", self.root, file_url(&self.name, path))
    }

    pub(crate) fn end_session(&self, session: &str) -> String {
        format!("{}{}", self.root, end_session_path(&self.name, session))
    }

    /// The stream socket's URL, on the page's own host and scheme.
    pub(crate) fn stream(&self) -> Result<String, String> {
        let location = web_sys::window().ok_or("no browser window")?.location();
        let scheme = if location.protocol().ok().as_deref() == Some("https:") { "wss" } else { "ws" };
        let host = location.host().map_err(|_| "the page has no host")?;
        Ok(format!("{scheme}://{host}{}{}", self.root, stream_path(&self.name, self.fn_index)))
    }
}

/// Runs one call, asking for its events: hands each line of the answer (outputs, an event,
/// an error) to `on_line` as it arrives, until the call ends or `abort` fires (which stops it
/// on the server too). The error is a message to show as it is.
pub(crate) async fn run(
    endpoint: &Endpoint,
    request: RunRequest,
    abort: Option<&AbortSignal>,
    mut on_line: impl FnMut(RunLine<JsonValue>),
) -> Result<(), String> {
    let request = RunRequest { events: true, ..request };
    let response = post(&endpoint.run(), &request, abort).await?;
    let reader: ReadableStreamDefaultReader =
        response.body().ok_or("the server's answer has no body")?.get_reader().unchecked_into();
    let lost = |_| tr(Text::ConnectionLost);
    let mut pending = Vec::new();
    loop {
        let chunk = JsFuture::from(reader.read()).await.map_err(lost)?;
        if Reflect::get(&chunk, &"done".into()).map_err(lost)?.as_bool().unwrap_or(true) {
            return Ok(());
        }
        let bytes: Uint8Array = Reflect::get(&chunk, &"value".into()).map_err(lost)?.unchecked_into();
        pending.extend(bytes.to_vec());
        while let Some(end) = pending.iter().position(|b| *b == b'\n') {
            let line: Vec<u8> = pending.drain(..=end).collect();
            // From text, as every JSON the page reads (see `decode_answer`).
            let text = String::from_utf8_lossy(&line);
            let line = serde_json::from_str(&text).unwrap_or_else(|e| {
                RunLine::Error(ErrorBody { error: format!("the server's answer was unreadable: {e}") })
            });
            on_line(line);
        }
    }
}

/// Flags the values shown, with the reason chosen.
pub(crate) async fn flag(endpoint: &Endpoint, request: FlagRequest) -> Result<(), String> {
    post(&endpoint.flag(), &request, None).await.map(drop)
}

/// Posts a JSON body; a 4xx/5xx becomes its message.
async fn post(url: &str, body: &impl serde::Serialize, abort: Option<&AbortSignal>) -> Result<Response, String> {
    let response = Request::post(url)
        .abort_signal(abort)
        .json(body)
        .map_err(|e| format!("could not encode the values: {e}"))?
        .send()
        .await
        .map_err(|e| words().fill(Text::CannotReachServer, &[("error", &e)]))?;
    if response.ok() {
        return Ok(response);
    }
    match response.json::<ErrorBody>().await {
        Ok(body) => Err(body.error),
        Err(_) => {
            let status = format!("{} {}", response.status(), response.status_text());
            Err(words().fill(Text::ServerAnswered, &[("status", &status)]))
        }
    }
}

/// Uploads a file for the interface; the answer refers to the stored file.
pub(crate) async fn upload(endpoint: &Endpoint, files: &[(web_sys::Blob, String)]) -> Result<Vec<FileData>, String> {
    let form = web_sys::FormData::new().map_err(|_| "the browser cannot build a form".to_string())?;
    for (file, file_name) in files {
        form.append_with_blob_and_filename("files", file, file_name).map_err(|_| tr(Text::UnreadableFile))?;
    }
    let response = Request::post(&endpoint.upload())
        .body(form)
        .map_err(|e| format!("could not send the file: {e}"))?
        .send()
        .await
        .map_err(|e| words().fill(Text::CannotReachServer, &[("error", &e)]))?;
    if !response.ok() {
        let detail = response.text().await.unwrap_or_default();
        return Err(match response.status() {
            413 => tr(Text::FileTooLarge),
            status => words().fill(Text::UploadFailed, &[("status", &status), ("detail", &detail)]),
        });
    }
    let paths: Vec<String> = response.json().await.map_err(|e| format!("the server's answer was unreadable: {e}"))?;
    if paths.len() != files.len() {
        return Err("the server did not store every file".into());
    }
    let stored = paths.into_iter().zip(files).map(|(path, (file, file_name))| FileData {
        url: Some(endpoint.file(&path)),
        path,
        orig_name: Some(file_name.clone()),
        mime_type: Some(file.type_()).filter(|t| !t.is_empty()),
        size: Some(file.size() as u64),
        ..FileData::default()
    });
    Ok(stored.collect())
}
