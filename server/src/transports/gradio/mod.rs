//! Gradio's HTTP API, so that the official clients (`gradio_client` for Python,
//! `@gradio/client` for JavaScript) work against a Rheo interface unchanged:
//!
//! ```python
//! from gradio_client import Client
//! client = Client("http://127.0.0.1:3000/calculator/")
//! client.predict(3, "multiply", 4, api_name="/calculator")  # 12.0
//! ```
//!
//! Under `/<name>/`: `config` and `gradio_api/info` describe the interface;
//! `gradio_api/queue/join` + `gradio_api/queue/data` (SSE) is what `Client.predict` and
//! `Client.submit` use; `gradio_api/call/<api_name>` (+ `/<event_id>`) is the two-step REST
//! form of Gradio's "querying with curl" guide, and `call/v2/<api_name>` its keyword form.
//! Inputs are validated when a call is made: a misfit is a 422 listing every bad parameter,
//! which `gradio_client` raises as a `ValidationError`.
//!
//! Files (`handle_file` on the client side) go up through `gradio_api/upload` (multipart) and
//! come back, as outputs, as `FileData` whose URL is on `gradio_api/file=<path>`; that route
//! serves only what the server's file store handed out.

pub(crate) mod describe;
mod queue;

use std::{collections::HashMap, convert::Infallible, io::ErrorKind, net::IpAddr, sync::Arc};

use axum::{
    body::Body,
    extract::{
        multipart::MultipartError, rejection::JsonRejection, DefaultBodyLimit, Multipart, Path, Query, Request, State,
    },
    http::{
        header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_SECURITY_POLICY, CONTENT_TYPE, X_CONTENT_TYPE_OPTIONS},
        HeaderValue, StatusCode,
    },
    response::{
        sse::{Event, Sse},
        IntoResponse, Response,
    },
    routing::{get, post},
    Json, Router,
};
use futures::{Stream, StreamExt};
use rheo_shared::{protocol::gradio::*, InterfaceSpec, Value};
use serde::Deserialize;
use serde_json::{json, Value as JsonValue};
use tower::ServiceExt;
use tower_http::services::ServeFile;

use super::{check_session, json_answers, with_events, Failure, Interfaces};
use crate::{
    engine::{events::Reporter, CallError, Checked, Mounted, MountedApp},
    site::{ClientAddress, PublicUrl},
    store::StoreError,
};
use describe::{is_state, parameter_name};
use queue::{Answer, Queue, Refusal, MAX_READERS_PER_SESSION, QUEUE_IDLE_TIMEOUT};

/// The interfaces, with a Gradio queue each.
struct QueuedInterfaces {
    interfaces: Arc<Interfaces>,
    queues: HashMap<String, Queue>,
}

type Shared = State<Arc<QueuedInterfaces>>;

/// The Gradio API routes of every mounted interface, and the task that sweeps their queues'
/// idle sessions on a timer (not only when another join comes), which ends with the router.
pub(crate) fn router(interfaces: Arc<Interfaces>) -> (Router, impl std::future::Future<Output = ()> + Send + 'static) {
    let limits = interfaces.limits;
    let queues = interfaces
        .all()
        .map(|app| {
            let name = app.name().to_owned();
            let queue = Queue::new(limits.max_pending_per_client, limits.max_sessions, &interfaces.backend, &name);
            (name, queue)
        })
        .collect();
    let state = Arc::new(QueuedInterfaces { interfaces, queues });
    let sweeper = sweep(Arc::downgrade(&state));
    let router = Router::new()
        .route(UPLOAD_ROUTE, post(upload).layer(DefaultBodyLimit::max(limits.max_upload_bytes)))
        .route(FILE_ROUTE, get(file))
        .route(CONFIG_ROUTE, get(config))
        .route(INFO_ROUTE, get(info))
        .route(QUEUE_JOIN_ROUTE, post(join))
        .route(QUEUE_DATA_ROUTE, get(data))
        .route(CALL_ROUTE, post(call))
        .route(CALL_BY_NAME_ROUTE, post(call_with_keywords))
        .route(CALL_RESULT_ROUTE, get(result))
        .with_state(state);
    (router, sweeper)
}

async fn sweep(state: std::sync::Weak<QueuedInterfaces>) {
    let mut every = tokio::time::interval(QUEUE_IDLE_TIMEOUT / 10);
    loop {
        every.tick().await;
        let Some(state) = state.upgrade() else { return };
        state.queues.values().for_each(Queue::sweep);
    }
}

/// An error as FastAPI (and so Gradio) writes it: `{"detail": …}`.
struct Detail(StatusCode, JsonValue);

impl IntoResponse for Detail {
    fn into_response(self) -> Response {
        (self.0, Json(json!({ "detail": self.1 }))).into_response()
    }
}

impl From<Failure> for Detail {
    fn from(failure: Failure) -> Self {
        Detail(failure.status(), json!(failure.to_string()))
    }
}

impl From<StoreError> for Detail {
    fn from(error: StoreError) -> Self {
        Failure::Call(error.into()).into()
    }
}

impl From<Refusal> for Detail {
    fn from(refusal: Refusal) -> Self {
        match refusal {
            Refusal::Full => Detail(StatusCode::SERVICE_UNAVAILABLE, json!("The queue is full; try again shortly.")),
            Refusal::TooMany => Detail(
                StatusCode::TOO_MANY_REQUESTS,
                json!("Too many of your requests are pending; wait for some to finish."),
            ),
            Refusal::TooManyReaders => Detail(
                StatusCode::TOO_MANY_REQUESTS,
                json!(format!("This session has {MAX_READERS_PER_SESSION} readers open already; close one first.")),
            ),
            Refusal::UnknownSession => Detail(StatusCode::NOT_FOUND, json!("Session not found.")),
            Refusal::UnknownEvent => Detail(StatusCode::NOT_FOUND, json!("Event not found.")),
            Refusal::Store(error) => error.into(),
        }
    }
}

impl QueuedInterfaces {
    fn find(&self, name: &str) -> Result<(&MountedApp, &Queue), Detail> {
        let app = self.interfaces.find(name)?;
        Ok((app, self.queues.get(name).expect("every app has a queue")))
    }

    /// The endpoint clients call by `api_name`: named, not private.
    fn endpoint(&self, name: &str, api_name: &str) -> Result<(&Arc<Mounted>, &Queue), Detail> {
        let (app, queue) = self.find(name)?;
        let (_, endpoint) = app.named(api_name).ok_or_else(|| Failure::NoEndpoint(api_name.to_owned()))?;
        Ok((endpoint, queue))
    }

    /// One call's answers (of `client`, in `session`, for `State`), with file URLs made
    /// absolute (the clients download outputs from them as they are).
    fn run(
        &self,
        interface: &Arc<Mounted>,
        client: Option<IpAddr>,
        session: Option<String>,
        checked: Checked,
        reporter: Option<Reporter>,
        public: PublicUrl,
    ) -> impl Stream<Item = Answer> + Send + 'static {
        let locate = move |url: &str| public.absolute(url);
        json_answers(self.interfaces.clone(), interface.clone(), client, session, checked, reporter, locate)
    }
}

async fn config(State(state): Shared, Path(name): Path<String>, public: PublicUrl) -> Result<Json<JsonValue>, Detail> {
    let (app, _) = state.find(&name)?;
    Ok(Json(describe::config(app, &public.absolute(&format!("/{name}")))))
}

/// `gradio_api/upload`: stores each multipart part and answers the paths to refer to them by.
async fn upload(
    State(state): Shared,
    Path(name): Path<String>,
    ClientAddress(client): ClientAddress,
    mut multipart: Multipart,
) -> Result<Json<Vec<String>>, Detail> {
    state.find(&name)?;
    let unreadable =
        |e: MultipartError| Detail(e.status(), json!(format!("The upload could not be read: {}", e.body_text())));
    // Each part goes to disk as it arrives; none is kept until all are read, so a request of
    // too many parts keeps nothing (one of 20,000 tiny parts once evicted every other user's
    // files).
    let mut written = Vec::new();
    while let Some(field) = multipart.next_field().await.map_err(unreadable)? {
        if written.len() == state.interfaces.limits.max_upload_files {
            let message = format!("An upload may hold at most {} files.", written.len());
            return Err(Detail(StatusCode::PAYLOAD_TOO_LARGE, json!(message)));
        }
        let file_name = field.file_name().unwrap_or("file").to_owned();
        let mime_type = field.content_type().unwrap_or("application/octet-stream").to_owned();
        let file = state.interfaces.files.write(field, &file_name, &mime_type, client).await.map_err(|e| {
            let no_room = |status| Detail(status, json!(format!("The upload was refused: {e}.")));
            match (e.kind(), e.get_ref().and_then(|inner| inner.downcast_ref::<MultipartError>())) {
                (_, Some(multipart)) => Detail(
                    multipart.status(),
                    json!(format!("The upload could not be read: {}", multipart.body_text())),
                ),
                (ErrorKind::QuotaExceeded, None) => no_room(StatusCode::TOO_MANY_REQUESTS),
                (ErrorKind::StorageFull, None) => no_room(StatusCode::INSUFFICIENT_STORAGE),
                (_, None) => {
                    tracing::error!(error = %e, "cannot store an upload");
                    Detail(StatusCode::INTERNAL_SERVER_ERROR, json!("The server could not store the upload."))
                }
            }
        })?;
        written.push(file);
    }
    let kept = state.interfaces.files.keep(written).await.map_err(Detail::from)?;
    Ok(Json(kept.into_iter().map(|file| file.path).collect()))
}

/// `gradio_api/file=<path>`: a file the store handed out, and nothing else. Raster images,
/// audio and MP4 or WebM video are shown inline; anything else (an SVG or an HTML page, whatever type its uploader
/// claimed) is a download, so an upload never runs as our page; and every file is sandboxed.
/// Served from disk, with ranges (a long recording can be sought without downloading it all).
async fn file(
    State(state): Shared,
    Path((name, rest)): Path<(String, String)>,
    request: Request,
) -> Result<Response, Detail> {
    state.find(&name)?;
    let not_found = || Detail(StatusCode::NOT_FOUND, json!("File not found."));
    let path = rest.strip_prefix("file=").ok_or_else(not_found)?;
    let found = state.interfaces.files.find(path).await.map_err(Detail::from)?;
    let (disk_path, mime_type) = found.ok_or_else(not_found)?;
    let mime_type = mime_type.to_ascii_lowercase();
    let (content_type, disposition) = if shown_inline(&mime_type) {
        (mime_type, "inline")
    } else {
        ("application/octet-stream".to_owned(), "attachment")
    };
    let served = ServeFile::new(disk_path).oneshot(request).await.map_err(|_| not_found())?;
    if served.status() == StatusCode::NOT_FOUND {
        return Err(not_found()); // removed from disk since (evicted a moment ago)
    }
    let mut response = served.map(Body::new);
    let headers = response.headers_mut();
    for (name, value) in [
        (CONTENT_TYPE, content_type.as_str()),
        (CONTENT_DISPOSITION, disposition),
        (X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (CONTENT_SECURITY_POLICY, "sandbox"),
        (CACHE_CONTROL, "private, max-age=3600"),
    ] {
        if let Ok(value) = HeaderValue::from_str(value) {
            headers.insert(name, value);
        }
    }
    Ok(response)
}

/// The types a browser shows without running anything: raster images, audio, and MP4 or WebM
/// video.
fn shown_inline(mime_type: &str) -> bool {
    ["image/png", "image/jpeg", "image/gif", "image/webp", "video/mp4", "video/webm"].contains(&mime_type)
        || (mime_type.starts_with("audio/") && !mime_type.contains("xml"))
}

async fn info(State(state): Shared, Path(name): Path<String>) -> Result<Json<JsonValue>, Detail> {
    Ok(Json(describe::info(state.find(&name)?.0)))
}

#[derive(Deserialize)]
struct JoinRequest {
    data: Vec<Value>,
    fn_index: Option<usize>,
    session_hash: String,
    /// What fired the call (a like's [`LikeData`](rheo_shared::protocol::LikeData)); `null`
    /// from Gradio's clients otherwise.
    #[serde(default)]
    event_data: Option<JsonValue>,
}

async fn join(
    State(state): Shared,
    Path(name): Path<String>,
    public: PublicUrl,
    ClientAddress(client): ClientAddress,
    body: Result<Json<JoinRequest>, JsonRejection>,
) -> Result<Json<JsonValue>, Detail> {
    let request = state.interfaces.read(body)?;
    let (app, queue) = state.find(&name)?;
    let index = request.fn_index.unwrap_or_default();
    let no_function = || Detail(StatusCode::NOT_FOUND, json!(format!("There is no function with index {index}.")));
    let interface = app.endpoint(index).ok_or_else(no_function)?;
    check_session(&request.session_hash)?;
    let checked = check(interface, request.data)?;
    let checked = interface.check_event_data(checked, request.event_data).map_err(Failure::Call)?;
    // A joined call's reader hears its place in line, its progress and its alerts.
    let (reporter, events) = Reporter::new();
    let answers = state.run(interface, client, Some(request.session_hash.clone()), checked, Some(reporter), public);
    let steps = with_events(answers, events);
    let event_id = queue.join(&request.session_hash, client, interface.spec().generator, steps).await?;
    Ok(Json(json!({ "event_id": event_id })))
}

#[derive(Deserialize)]
struct SessionQuery {
    session_hash: String,
}

async fn data(
    State(state): Shared,
    Path(name): Path<String>,
    Query(query): Query<SessionQuery>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, Detail> {
    let (_, queue) = state.find(&name)?;
    check_session(&query.session_hash)?;
    let messages = queue.stream(&query.session_hash).await?;
    Ok(Sse::new(messages.map(|message| Ok(Event::default().data(message.to_json_text())))))
}

#[derive(Deserialize)]
struct CallRequest {
    data: Vec<Value>,
}

async fn call(
    State(state): Shared,
    Path((name, api_name)): Path<(String, String)>,
    public: PublicUrl,
    ClientAddress(client): ClientAddress,
    body: Result<Json<CallRequest>, JsonRejection>,
) -> Result<Json<JsonValue>, Detail> {
    let request = state.interfaces.read(body)?;
    let (interface, queue) = state.endpoint(&name, &api_name)?;
    let checked = check(interface, request.data)?;
    Ok(Json(
        json!({ "event_id": queue.call(client, state.run(interface, client, None, checked, None, public)).await? }),
    ))
}

/// `call/v2/<api_name>`: the inputs by parameter name; a missing one takes its default.
async fn call_with_keywords(
    State(state): Shared,
    Path((name, api_name)): Path<(String, String)>,
    public: PublicUrl,
    ClientAddress(client): ClientAddress,
    body: Result<Json<HashMap<String, Value>>, JsonRejection>,
) -> Result<Json<JsonValue>, Detail> {
    let mut named = state.interfaces.read(body)?;
    let (interface, queue) = state.endpoint(&name, &api_name)?;
    let positional: Vec<Value> = interface
        .spec()
        .inputs
        .iter()
        .map(|c| named.remove(&parameter_name(&c.label)).unwrap_or_else(|| c.value.clone()))
        .collect();
    if let Some(unknown) = named.keys().next() {
        return Err(Detail(
            StatusCode::UNPROCESSABLE_ENTITY,
            json!(format!("There is no parameter named {unknown:?}.")),
        ));
    }
    let checked = check(interface, positional)?;
    Ok(Json(
        json!({ "event_id": queue.call(client, state.run(interface, client, None, checked, None, public)).await? }),
    ))
}

/// The result of a REST call as SSE: `event: complete` with the outputs, or `event: error`;
/// before it, a generator's earlier answers as `event: generating`.
async fn result(
    State(state): Shared,
    Path((name, api_name, event_id)): Path<(String, String, String)>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, Detail> {
    let (_, queue) = state.endpoint(&name, &api_name)?;
    let answers = queue.result(&event_id).await?;
    let last = answers.len().saturating_sub(1);
    let events: Vec<Result<Event, Infallible>> = answers
        .into_iter()
        .enumerate()
        .map(|(index, answer)| {
            Ok(match answer {
                Ok(data) if index < last => Event::default().event("generating").data(json!(data).to_string()),
                Ok(data) => Event::default().event("complete").data(json!(data).to_string()),
                Err(error) => Event::default().event("error").data(error_body(&error).to_string()),
            })
        })
        .collect();
    Ok(Sse::new(futures::stream::iter(events)))
}

fn error_body(error: &str) -> JsonValue {
    json!({ "error": error, "visible": true, "title": "Error" })
}

/// The request's values, checked by the engine; misfits are reported the way Gradio reports
/// failed validation (422, one `detail` entry per parameter), which `gradio_client` raises as
/// a `ValidationError`.
/// Checks a call's values. A client that sends only the parameters the API info lists (the
/// Rust `gradio` crate; gradio_client fills State in itself) gets its State slots filled.
fn check(interface: &Mounted, values: Vec<Value>) -> Result<Checked, Detail> {
    let inputs = &interface.spec().inputs;
    let values = if values.len() != inputs.len() && values.len() == inputs.iter().filter(|c| !is_state(c)).count() {
        let mut given = values.into_iter();
        inputs.iter().map(|c| if is_state(c) { Value::Null } else { given.next().unwrap_or(Value::Null) }).collect()
    } else {
        values
    };
    interface.check(values).map_err(|error| match error {
        CallError::InvalidInput { misfits } => {
            Detail(StatusCode::UNPROCESSABLE_ENTITY, validation_detail(interface.spec(), &misfits))
        }
        other => Failure::Call(other).into(),
    })
}

fn validation_detail(spec: &InterfaceSpec, misfits: &[rheo_shared::Misfit]) -> JsonValue {
    if let Some(count) = misfits.iter().find(|m| m.component.is_none()) {
        return json!([validation("data", &count.reason)]);
    }
    let entries = spec.inputs.iter().enumerate().map(|(index, component)| {
        let name = parameter_name(&component.label);
        match misfits.iter().find(|m| m.component.as_ref().is_some_and(|c| c.0 == index)) {
            Some(misfit) => validation(&name, &misfit.reason),
            None => json!({ "__type__": "validate", "is_valid": true, "parameter_name": name }),
        }
    });
    JsonValue::Array(entries.collect())
}

fn validation(parameter_name: &str, message: &str) -> JsonValue {
    json!({ "__type__": "validate", "is_valid": false, "parameter_name": parameter_name, "message": message })
}
