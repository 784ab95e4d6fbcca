//! The Model Context Protocol transport: every mounted interface as a tool that LLM agents and
//! IDEs can call, served by `rmcp` (the official Rust SDK) with MCP's Streamable HTTP
//! transport at `<root>/gradio_api/mcp/`, Gradio's path, when the server is told to
//! ([`Registry::mcp_server`](crate::Registry::mcp_server) or `RHEO_MCP_SERVER=true`).
//!
//! One endpoint for all interfaces, because an agent is configured with one server per app
//! (as Gradio's one MCP server per app), and a tool is named after its interface's mount name:
//! unique in the server, where `api_name`s repeat (`predict` is every interface's default).
//!
//! - A tool's description is its interface's description; each argument's is its component's
//!   `info`; its schema comes from the component ([`Contract::tool_schema`]: bounds, choices,
//!   media as base64). Arguments go by parameter name, as Gradio's API names them; a missing
//!   one takes its component's starting value.
//! - A streaming input (webcam, microphone) takes one frame or one clip, as a Gradio client's
//!   call does.
//! - Results: text as text, numbers and JSON as JSON text, images and audio as MCP image and
//!   audio content (base64 with its MIME type).
//! - Input faults (a missing, unknown or mistyped argument, media that does not decode, an
//!   unknown tool) are JSON-RPC errors naming the problem; a call that ran and failed (the
//!   handler's error, a timeout, a full waiting line) is a tool error with its message.
//! - When the client asked for progress (`_meta.progressToken`), what the handler reports with
//!   `rheo::progress` goes out as progress notifications, and a generator sends one per answer;
//!   the last answer is the result. `rheo::info` and `rheo::warning` messages come after the
//!   outputs in the result, as text (MCP's logging notifications are deprecated).
//! - Stateless: no MCP session is kept, so any replica can answer any request, and a `State`
//!   input starts from its starting value on each call.

use std::{io::ErrorKind, net::IpAddr, sync::Arc};

use axum::{
    body::to_bytes,
    extract::Request,
    http::{
        header::{CONTENT_TYPE, HOST},
        HeaderValue, StatusCode,
    },
    middleware::{map_request, map_response},
    response::{IntoResponse, Response},
    Router,
};
use base64::{engine::general_purpose::STANDARD as BASE64, Engine as _};
use futures::StreamExt;
use rheo_shared::{ComponentKind, ComponentSpec, FileCount, FileData, GalleryData, Media, MultimodalData, Value};
use rmcp::{
    model::{
        CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation, InitializeResult,
        JsonObject, ListToolsResult, PaginatedRequestParams, ProgressNotificationParam, ResourceContents,
        ServerCapabilities, ServerConfig, Tool,
    },
    service::RequestContext,
    transport::streamable_http_server::{
        session::local::LocalSessionManager, StreamableHttpServerConfig, StreamableHttpService,
    },
    ErrorData as McpError, RoleServer, ServerHandler,
};
use serde_json::{json, Value as JsonValue};

use super::{
    gradio::describe::{is_state, parameter_name},
    json_answers, with_events, Interfaces, Step, MCP_ROUTE,
};
use crate::{
    components::contract,
    engine::{
        events::{CallEvent, Reporter},
        files::FileError,
        CallError, Mounted,
    },
    site::{ClientAddress, PublicUrl},
};

/// The MCP endpoint at [`MCP_ROUTE`] (with or without its last slash).
pub(crate) fn router(interfaces: Arc<Interfaces>) -> Router {
    let mcp = service(interfaces);
    Router::new()
        .route_service(MCP_ROUTE, mcp.clone())
        .route_service(MCP_ROUTE.trim_end_matches('/'), mcp)
        .layer(map_response(json_rpc_errors))
        .layer(map_request(host_from_authority))
}

/// rmcp refuses a request without a `Host` header, and an HTTP/2 request carries its host in
/// the URI's authority instead (the site's guard has checked it either way).
async fn host_from_authority(mut request: Request) -> Request {
    if !request.headers().contains_key(HOST) {
        if let Some(host) = request.uri().authority().and_then(|a| HeaderValue::from_str(a.as_str()).ok()) {
            request.headers_mut().insert(HOST, host);
        }
    }
    request
}

/// rmcp answers a body it cannot take in plain text (415 for JSON that does not parse, 413 for
/// one too large); a JSON-RPC client expects an error object (-32700: a parse error).
async fn json_rpc_errors(response: Response) -> Response {
    let status = response.status();
    let content_type = response.headers().get(CONTENT_TYPE).map(|v| v.as_bytes().to_vec()).unwrap_or_default();
    if !status.is_client_error() || content_type.starts_with(b"application/json") {
        return response;
    }
    let text = to_bytes(response.into_body(), 4096).await.unwrap_or_default();
    let message = String::from_utf8_lossy(&text).into_owned();
    let (status, code) = match status {
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (StatusCode::BAD_REQUEST, -32700),
        other => (other, -32600),
    };
    let error = json!({ "jsonrpc": "2.0", "id": null, "error": { "code": code, "message": message } });
    (status, axum::Json(error)).into_response()
}

/// The MCP endpoint's service. Its requests are bounded by the upload limit (in base64) plus
/// a request's; it stops with the server.
fn service(interfaces: Arc<Interfaces>) -> StreamableHttpService<Tools, LocalSessionManager> {
    let limits = interfaces.limits;
    let body_limit = (limits.max_upload_bytes / 3 + 1) * 4 + limits.max_request_bytes;
    let config = StreamableHttpServerConfig::default()
        .with_legacy_session_mode(false)
        .with_json_response(true)
        .with_sse_keep_alive(None)
        // The site's guard has checked the Host and the Origin before routing.
        .disable_allowed_hosts()
        .with_max_request_body_bytes(body_limit);
    let stop = config.cancellation_token.clone();
    let stopping = interfaces.stopping();
    if let Ok(runtime) = tokio::runtime::Handle::try_current() {
        runtime.spawn(async move {
            stopping.await;
            stop.cancel();
        });
    }
    let tools = Tools { interfaces };
    StreamableHttpService::new(move || Ok(tools.clone()), Arc::default(), config)
}

/// The mounted interfaces as MCP tools.
#[derive(Clone)]
pub(crate) struct Tools {
    interfaces: Arc<Interfaces>,
}

impl ServerHandler for Tools {
    fn get_info(&self) -> ServerConfig {
        InitializeResult::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("rheo", env!("CARGO_PKG_VERSION")))
            .with_instructions("Each tool is a Rheo interface: it takes its inputs as named arguments.")
    }

    async fn list_tools(
        &self,
        _: Option<PaginatedRequestParams>,
        _: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, McpError> {
        let mut tools: Vec<Tool> = endpoints(&self.interfaces).map(|(name, endpoint)| tool(name, endpoint)).collect();
        tools.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(ListToolsResult::with_all_items(tools))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, McpError> {
        let found = endpoints(&self.interfaces).find(|(name, _)| *name == request.name);
        let (_, interface) = found.ok_or_else(|| {
            let mut names: Vec<String> = endpoints(&self.interfaces).map(|(name, _)| name).collect();
            names.sort();
            McpError::invalid_params(
                format!("there is no tool named {:?}; the tools are: {}", request.name, names.join(", ")),
                None,
            )
        })?;
        let parts = context.extensions.get::<axum::http::request::Parts>();
        let client = parts.and_then(|parts| parts.extensions.get::<ClientAddress>()).and_then(|address| address.0);
        let values = self.arguments(interface, request.arguments.unwrap_or_default(), client).await?;
        let checked = interface.check(values).map_err(|e| McpError::invalid_params(e.to_string(), None))?;
        let public = parts.and_then(|parts| parts.extensions.get::<PublicUrl>().cloned());
        let locate = move |path: &str| public.as_ref().map_or_else(|| path.to_owned(), |public| public.absolute(path));
        let (reporter, events) = Reporter::new();
        let answers =
            json_answers(self.interfaces.clone(), interface.clone(), client, None, checked, Some(reporter), locate);
        let progress_token = context.meta.get_progress_token();
        let mut steps = std::pin::pin!(with_events(answers, events));
        let (mut last, mut alerts) = (None, Vec::new());
        let mut count = 0.0;
        // A client that stopped listening to notifications does not stop the call.
        while let Some(step) = steps.next().await {
            match step {
                Step::Answer(Ok(outputs)) => {
                    count += 1.0;
                    if let (Some(token), true) = (&progress_token, interface.spec().generator) {
                        let message = summary(&interface.spec().outputs, &outputs);
                        let progress = ProgressNotificationParam::new(token.clone(), count).with_message(message);
                        let _ = context.peer.notify_progress(progress).await;
                    }
                    last = Some(outputs);
                }
                Step::Answer(Err(error)) => return failed(error),
                Step::Event(CallEvent::Progress { fraction, description }) => {
                    if let (Some(token), Some(fraction)) = (&progress_token, fraction) {
                        let progress = ProgressNotificationParam::new(token.clone(), fraction)
                            .with_total(1.0)
                            .with_message(description);
                        let _ = context.peer.notify_progress(progress).await;
                    }
                }
                // MCP's logging notifications are deprecated (SEP-2577): alerts go with the result.
                Step::Event(CallEvent::Alert { level, message }) => alerts.push(format!("{}: {message}", level.name())),
                Step::Event(CallEvent::Waiting { .. } | CallEvent::Started) => {}
            }
        }
        let Some(outputs) = last else { return failed(CallError::NoValue) };
        let mut content = self.content(&interface.spec().outputs, outputs).await;
        content.extend(alerts.into_iter().map(ContentBlock::text));
        Ok(CallToolResult::success(content).into())
    }
}

impl Tools {
    /// The wire values of a call from an MCP call's named arguments, media stored as files.
    async fn arguments(
        &self,
        interface: &Mounted,
        mut arguments: JsonObject,
        client: Option<IpAddr>,
    ) -> Result<Vec<Value>, McpError> {
        let mut values = Vec::with_capacity(interface.spec().inputs.len());
        for component in &interface.spec().inputs {
            if is_state(component) {
                values.push(Value::Null);
                continue;
            }
            let name = parameter_name(&component.label);
            let value = match (arguments.remove(&name), component.kind.media()) {
                (None, _) if component.value != Value::Null => component.value.clone(),
                (None, _) => return Err(McpError::invalid_params(format!("the argument {name:?} is missing"), None)),
                (Some(JsonValue::String(text)), Some(media)) => {
                    Value::File(self.store(&name, &text, media, client).await?)
                }
                (Some(JsonValue::Array(items)), Some(Media::File)) if takes_list(component) => {
                    Value::Files(self.store_all(&name, items, Media::File, client).await?)
                }
                (Some(JsonValue::Array(items)), None) if matches!(component.kind, ComponentKind::Gallery(_)) => {
                    Value::Gallery(self.store_gallery(&name, items, client).await?)
                }
                (Some(JsonValue::Object(mut message)), Some(Media::File)) => {
                    let text = match message.remove("text") {
                        Some(JsonValue::String(text)) => text,
                        _ => return Err(McpError::invalid_params(format!("{name}: its text is missing"), None)),
                    };
                    let files = match message.remove("files") {
                        Some(JsonValue::Array(items)) => self.store_all(&name, items, Media::File, client).await?,
                        _ => Vec::new(),
                    };
                    Value::Multimodal(MultimodalData { text, files })
                }
                (Some(_), Some(_)) => {
                    return Err(McpError::invalid_params(format!("{name}: expected base64 text or a data: URL"), None));
                }
                (Some(value), None) => {
                    serde_json::from_value(value).map_err(|e| McpError::invalid_params(format!("{name}: {e}"), None))?
                }
            };
            values.push(value);
        }
        if let Some(unknown) = arguments.keys().next() {
            let known: Vec<String> =
                interface.spec().inputs.iter().filter(|c| !is_state(c)).map(|c| parameter_name(&c.label)).collect();
            return Err(McpError::invalid_params(
                format!("there is no argument {unknown:?}; the arguments are: {}", known.join(", ")),
                None,
            ));
        }
        Ok(values)
    }

    /// Keeps a base64 (or `data:` URL) argument as a file, for the codec to decode under the
    /// call's slot like any upload.
    /// Keeps each of a list of base64 (or `data:` URL) texts as a file of `media`: no more of
    /// them than a value may hold, counted before any is stored.
    async fn store_all(
        &self,
        name: &str,
        items: Vec<JsonValue>,
        media: Media,
        client: Option<IpAddr>,
    ) -> Result<Vec<FileData>, McpError> {
        let most = self.interfaces.files.value_bounds().files;
        if items.len() > most {
            let too_many = rheo_shared::ValueError::TooManyFiles { count: items.len(), max: most };
            return Err(McpError::invalid_params(format!("{name}: {too_many}"), None));
        }
        let mut files = Vec::with_capacity(items.len());
        for item in items {
            let JsonValue::String(text) = item else {
                let message = format!("{name}: expected a list of base64 texts or data: URLs");
                return Err(McpError::invalid_params(message, None));
            };
            files.push(self.store(name, &text, media, client).await?);
        }
        Ok(files)
    }

    /// Keeps a gallery's images, each base64 (or a `data:` URL) alone or as
    /// `{"image": …, "caption": …}`.
    async fn store_gallery(
        &self,
        name: &str,
        items: Vec<JsonValue>,
        client: Option<IpAddr>,
    ) -> Result<GalleryData, McpError> {
        let (mut images, mut captions) = (Vec::with_capacity(items.len()), Vec::with_capacity(items.len()));
        for item in items {
            let (image, caption) = match item {
                JsonValue::Object(mut captioned) => {
                    let caption = captioned.remove("caption").and_then(|c| c.as_str().map(str::to_owned));
                    (captioned.remove("image").unwrap_or_default(), caption)
                }
                image => (image, None),
            };
            images.push(image);
            captions.push(caption);
        }
        let stored = self.store_all(name, images, Media::Image, client).await?;
        Ok(GalleryData::new(stored.into_iter().zip(captions)))
    }

    /// A data: URL's content type names the file (`text/csv`: `name.csv`), so that a File
    /// input that takes some extensions can tell.
    async fn store(&self, name: &str, text: &str, media: Media, client: Option<IpAddr>) -> Result<FileData, McpError> {
        let (declared, encoded) = match text.strip_prefix("data:").and_then(|rest| rest.split_once(',')) {
            Some((header, data)) => (header.strip_suffix(";base64").map(str::to_owned), data),
            None => (None, text),
        };
        let limit = self.interfaces.limits.max_upload_bytes;
        if encoded.len() / 4 * 3 > limit {
            let limit = if limit >= 1 << 20 { format!("{} MiB", limit >> 20) } else { format!("{} KiB", limit >> 10) };
            let message = format!("{name}: the file is larger than the limit of {limit}");
            return Err(McpError::invalid_params(message, None));
        }
        let bytes = BASE64
            .decode(encoded.trim())
            .map_err(|e| McpError::invalid_params(format!("{name}: this is not base64: {e}"), None))?;
        let mime_type = declared.unwrap_or_else(|| media.default_mime_type().to_owned());
        let extension = mime_guess::get_mime_extensions_str(&mime_type).and_then(|extensions| extensions.first());
        let name = extension.map_or_else(|| name.to_owned(), |extension| format!("{name}.{extension}"));
        self.interfaces.files.store(&bytes, &name, &mime_type, client).await.map_err(|e| match e {
            FileError::Store(e) => McpError::internal_error(e.to_string(), None),
            FileError::Io(e) if matches!(e.kind(), ErrorKind::QuotaExceeded | ErrorKind::StorageFull) => {
                McpError::invalid_params(format!("{name}: the file was refused: {e}"), None)
            }
            FileError::Io(e) => {
                tracing::error!(error = %e, "cannot store an MCP argument");
                McpError::internal_error("the server could not store the file", None)
            }
        })
    }

    /// A call's outputs as MCP content: media read back from the store as base64.
    async fn content(&self, components: &[ComponentSpec], outputs: Vec<Value>) -> Vec<ContentBlock> {
        let mut content = Vec::new();
        for (component, output) in components.iter().zip(outputs) {
            // An update shows as its new value; one that only changes a look has none to give.
            let output = match output {
                Value::Update(update) => update.value.unwrap_or_default(),
                value => value,
            };
            match output {
                Value::Null => {}
                Value::Text(text) => content.push(ContentBlock::text(text)),
                files @ (Value::File(_) | Value::Files(_) | Value::Multimodal(_)) => {
                    if let Value::Multimodal(message) = &files {
                        content.push(ContentBlock::text(message.text.clone()));
                    }
                    for file in files.files() {
                        content.push(self.file_content(component, file).await);
                    }
                }
                Value::Annotated(annotated) => {
                    content.push(self.file_content(component, annotated.image()).await);
                    for (mask, label) in annotated.annotations() {
                        content.push(self.file_content(component, mask).await);
                        content.push(ContentBlock::text(label.to_owned()));
                    }
                }
                Value::Gallery(gallery) => {
                    for (file, caption) in gallery.items() {
                        content.push(self.file_content(component, file).await);
                        content.extend(caption.map(|caption| ContentBlock::text(caption.to_owned())));
                    }
                }
                other => content.push(ContentBlock::text(json!(other).to_string())),
            }
        }
        content
    }

    /// An output file as MCP content: an image or audio as such (by its component, or for a
    /// File's or a Gallery's by its content type), any other file as an embedded resource (text
    /// if it is).
    async fn file_content(&self, component: &ComponentSpec, file: &FileData) -> ContentBlock {
        let Some((bytes, mime_type)) = self.interfaces.files.read(&file.path).await.ok().flatten() else {
            return ContentBlock::text(format!("{}: the file is gone from the server", component.label));
        };
        let family = mime_type.split('/').next().unwrap_or_default();
        match (component.kind.media(), family) {
            (Some(Media::Image), _) | (Some(Media::File) | None, "image") => {
                ContentBlock::image(BASE64.encode(bytes), mime_type)
            }
            (Some(Media::Audio { .. }), _) | (Some(Media::File), "audio") => {
                ContentBlock::audio(BASE64.encode(bytes), mime_type)
            }
            _ => {
                let uri = file.url.clone().unwrap_or_else(|| file.path.clone());
                let (mime_type, meta) = (Some(mime_type), None);
                ContentBlock::resource(match String::from_utf8(bytes) {
                    Ok(text) => ResourceContents::TextResourceContents { uri, mime_type, text, meta },
                    Err(binary) => {
                        let blob = BASE64.encode(binary.into_bytes());
                        ResourceContents::BlobResourceContents { uri, mime_type, blob, meta }
                    }
                })
            }
        }
    }
}

/// Whether a component's value is a list of files (a File's with `.multiple()`).
fn takes_list(component: &ComponentSpec) -> bool {
    matches!(&component.kind, ComponentKind::File(file) if file.file_count == FileCount::Multiple)
}

/// Each tool's name and endpoint (see `MountedApp::tools`).
fn endpoints(interfaces: &Interfaces) -> impl Iterator<Item = (String, &Arc<Mounted>)> {
    interfaces.all().flat_map(|app| app.tools())
}

/// The tool for one endpoint.
fn tool(name: String, interface: &Mounted) -> Tool {
    let spec = interface.spec();
    let mut properties = JsonObject::new();
    let mut required = Vec::new();
    for component in spec.inputs.iter().filter(|c| !is_state(c)) {
        let name = parameter_name(&component.label);
        let mut schema = contract(&component.kind).tool_schema();
        schema["title"] = json!(component.label);
        if !component.info.is_empty() {
            schema["description"] = json!(component.info);
        }
        if component.value == Value::Null {
            required.push(name.clone());
        } else {
            schema["default"] = json!(component.value);
        }
        properties.insert(name, schema);
    }
    let schema = json!({ "type": "object", "properties": properties, "required": required });
    let JsonValue::Object(schema) = schema else { unreachable!("an object") };
    let description = if spec.description.is_empty() { spec.title.clone() } else { spec.description.clone() };
    let mut tool = Tool::new(name, description, Arc::new(schema));
    if !spec.title.is_empty() {
        tool = tool.with_title(spec.title.clone());
    }
    tool
}

/// A generator's answer in a progress message: its text outputs, or how many outputs came.
fn summary(components: &[ComponentSpec], outputs: &[Value]) -> String {
    let texts: Vec<String> = components
        .iter()
        .zip(outputs)
        .filter_map(|(component, output)| match output {
            Value::Text(text) => Some(format!("{}: {text}", component.label)),
            Value::Number(n) => Some(format!("{}: {n}", component.label)),
            _ => None,
        })
        .collect();
    if texts.is_empty() {
        "a partial result".into()
    } else {
        texts.join("; ")
    }
}

/// A call that could not give a result: the caller's fault is a JSON-RPC error, anything
/// else a tool error with the message.
fn failed(error: CallError) -> Result<CallToolResponse, McpError> {
    match error {
        CallError::InvalidInput { .. } | CallError::NotFinite(_) => {
            Err(McpError::invalid_params(error.to_string(), None))
        }
        CallError::Handler(_)
        | CallError::NoValue
        | CallError::InvalidOutput(_)
        | CallError::Panicked
        | CallError::Busy
        | CallError::TimedOut(_)
        | CallError::ShuttingDown
        | CallError::Store(_) => Ok(CallToolResult::error(vec![ContentBlock::text(error.to_string())]).into()),
    }
}
