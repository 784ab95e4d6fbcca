//! The engine: what runs a call of a mounted interface, whichever transport brought it.
//!
//! A transport hands [`Mounted::check`] the wire values (once: a misfit is a
//! [`CallError::InvalidInput`] listing each one), then [`Mounted::call`] the [`Checked`]
//! inputs. The call takes a concurrency slot (at most [`max_waiting_calls`](Limits) wait; past
//! them, [`CallError::Busy`] at once instead of an ever longer queue), decodes media through the
//! [`codec`] under it, fills in `State`, runs the handler, checks each output and keeps the
//! session's `State`. The transport then encodes the outputs for its client with the codec: as
//! files ([`codec::FileOutputs`]) or as a stream's answer frame ([`codec::answer_frame`]).

pub(crate) mod codec;
pub(crate) mod events;
pub(crate) mod examples;
pub(crate) mod files;
pub(crate) mod line;
pub(crate) mod media;
pub(crate) mod sessions;
pub(crate) mod value;
pub(crate) mod video;

use std::{
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    },
    time::Instant,
};

use bytes::Bytes;
use futures::{stream::BoxStream, Stream, StreamExt};
use rheo_shared::{
    check_values,
    protocol::{EditData, EventDataKind, LikeData},
    BlocksSpec, ComponentKind, ComponentSpec, InterfaceSpec, Misfit, Value, ValueError,
};
use serde::Deserialize;
use serde_json::Value as JsonValue;
use tokio::sync::{mpsc, OwnedSemaphorePermit, Semaphore};

use self::{
    events::{CallEvent, Reporter},
    examples::CachedExamples,
    files::FileStore,
    line::Line,
    media::DecodeBudget,
    sessions::{SessionStates, StateWiring},
    value::{Payload, StateValue},
};
use crate::{
    batch::calls_per_run,
    handler::AbortOnDrop,
    limits::Limits,
    store::{Backend, StoreError},
};

/// Why a call produced no outputs. Each variant's message is shown to the caller as it is.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[allow(unreachable_pub)] // named by `Handler`'s hidden method; unreachable from outside
pub enum CallError {
    /// Input values do not fit their components (wrong type, out of range, undecodable media, …).
    #[error("{}", misfits.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    InvalidInput { misfits: Vec<Misfit> },
    /// The handler returned an error.
    #[error("{0}")]
    Handler(String),
    /// The handler ended without a value (a generator that yielded nothing).
    #[error("the handler produced no value")]
    NoValue,
    /// The handler returned a value its output component cannot show (a string for a
    /// number, say), or the server could not store it: a fault of the server's.
    #[error("{0}")]
    InvalidOutput(String),
    /// The handler's result is not a finite number (an infinity or NaN): the inputs took it out
    /// of range (`1.79e308 * 10`), so the caller is told, as for a bad input.
    #[error("{0}")]
    NotFinite(String),
    /// The handler panicked; the panic message is logged, not sent.
    #[error("the handler crashed while computing this result; the server log has the details")]
    Panicked,
    /// Too many calls are already waiting for this interface.
    #[error("the server is busy: too many calls are waiting; try again shortly")]
    Busy,
    /// The call ran past its interface's timeout (seconds).
    #[error("the call took longer than its limit of {0} s")]
    TimedOut(f64),
    /// The server is stopping (a restart, say); a generator is ended with this.
    #[error("the server is shutting down; try again in a moment")]
    ShuttingDown,
    /// The shared store that replicas keep State and files in is unavailable.
    #[error("{0}")]
    Store(#[from] StoreError),
}

impl CallError {
    /// An input misfit not tied to one component (a count, a handler type).
    pub(crate) fn invalid_input(reason: impl Into<String>) -> Self {
        CallError::InvalidInput { misfits: vec![Misfit { component: None, reason: reason.into() }] }
    }
}

/// What a call produces: one result, or a generator's results in order. Ends after an error.
#[allow(unreachable_pub)] // named by `Handler`'s hidden method; unreachable from outside
pub type Answers<T> = BoxStream<'static, Result<T, CallError>>;

/// What a conversation says: outputs, or that its reply so far is void (the person talked
/// over it: the page stops playing it).
#[allow(unreachable_pub)] // named by `Handler`'s hidden method; unreachable from outside
#[derive(Debug)]
pub enum Said<T> {
    Outputs(T),
    Interrupted,
}

impl<T> Said<T> {
    pub(crate) fn map<U>(self, f: impl FnOnce(T) -> U) -> Said<U> {
        match self {
            Said::Outputs(outputs) => Said::Outputs(f(outputs)),
            Said::Interrupted => Said::Interrupted,
        }
    }
}

/// What a conversation says, in order. An error does not end it: it ends when the handler
/// does (an author's conversation ends after its first error).
#[allow(unreachable_pub)] // named by `Handler`'s hidden method; unreachable from outside
pub type Replies<T> = BoxStream<'static, Result<Said<T>, CallError>>;

/// A conversation with its types erased: rows of payloads in (one per chunk or frame, every
/// input's), what it says out.
pub(crate) type ErasedConversation =
    Box<dyn Fn(BoxStream<'static, Vec<Payload>>, Slot) -> Replies<Vec<Payload>> + Send + Sync>;

/// The handler with its types erased: payloads in (and the call's slot, which its work holds),
/// a stream of payload lists out.
pub(crate) type ErasedHandler = Box<dyn Fn(Vec<Payload>, Slot) -> Answers<Vec<Payload>> + Send + Sync>;

/// A call's place among the interface's `concurrency_limit` (none when there is no limit). The
/// call holds it until its outputs are encoded, and the handler's work until that work really
/// ends: a sync handler cannot be stopped, so one whose caller left keeps its slot while it
/// runs, and the limit holds.
#[allow(unreachable_pub)] // named by `Handler`'s hidden method; unreachable from outside
/// It also carries where the call's events go (see [`events`]), and the server's files and
/// limits, for handlers of Rheo's own (a chat's: its retry of a message with files reads them
/// back, and its turns are bounded by the limits).
/// A batched handler's call also carries the endpoint's runs (see [`crate::Batch`]). A
/// conversation's replies share its slot (see [`crate::ReplyOnPause`]).
#[derive(Clone)]
pub struct Slot {
    _permit: Option<Arc<OwnedSemaphorePermit>>,
    /// A conversation's: the endpoint's line and the client, for the calls it makes.
    line: Option<(Arc<Line>, Option<std::net::IpAddr>)>,
    reporter: Option<Reporter>,
    files: Arc<FileStore>,
    limits: Limits,
    batch_runs: Option<Arc<Semaphore>>,
}

impl Slot {
    /// A slot of its own for a call a conversation makes (a reply): it waits in the endpoint's
    /// line, as any call does, so the concurrency limit holds for replies too (a sync reply
    /// that cannot be stopped keeps its place until it returns).
    pub(crate) async fn for_call(&self) -> Result<Slot, CallError> {
        let permit = match &self.line {
            Some((line, client)) => Some(Arc::new(line.slot(self.reporter.as_ref(), *client).await?)),
            None => None,
        };
        Ok(Slot { _permit: permit, ..self.clone() })
    }

    /// Where the call's progress and alerts go, if its caller listens.
    pub(crate) fn reporter(&self) -> Option<Reporter> {
        self.reporter.clone()
    }

    /// The server's files.
    pub(crate) fn files(&self) -> &Arc<FileStore> {
        &self.files
    }

    /// The server's limits.
    pub(crate) fn limits(&self) -> &Limits {
        &self.limits
    }

    /// A batched endpoint's runs of its handler that may happen at once (its concurrency
    /// limit); none for no limit.
    pub(crate) fn batch_runs(&self) -> Option<Arc<Semaphore>> {
        self.batch_runs.clone()
    }
}

/// One input of a call, as a transport received it.
#[derive(Clone, Debug)]
pub(crate) enum Input {
    /// A wire value (a file value refers to the file store).
    Value(Value),
    /// A streamed frame's media bytes, for the streaming input.
    Frame(Bytes),
}

/// Inputs that passed [`Mounted::check`] (or [`Mounted::check_stream_inputs`]), and the
/// event data that passed [`Mounted::check_event_data`], which the handler gets first.
#[derive(Clone, Debug)]
pub(crate) struct Checked(Vec<Input>, Option<Payload>);

impl Checked {
    /// These inputs with each frame part as the value of its input (a streaming one), by position.
    pub(crate) fn with_frame(mut self, parts: impl IntoIterator<Item = (usize, Bytes)>) -> Self {
        for (position, part) in parts {
            if let Some(input) = self.0.get_mut(position) {
                *input = Input::Frame(part);
            }
        }
        self
    }
}

/// What one mount declares: the app's spec and its endpoints, by index (an interface's one
/// function, or a Blocks app's events).
pub(crate) struct DeclaredApp {
    pub(crate) spec: BlocksSpec,
    pub(crate) endpoints: Vec<Declared>,
    /// The value each of the app's State slots starts a session with.
    pub(crate) state_starts: Vec<StateValue>,
    /// Example media to store when the app is built.
    pub(crate) example_files: Vec<ExampleFile>,
}

impl DeclaredApp {
    /// The app as the server runs it (see [`Declared::build`]).
    pub(crate) fn build(
        mut self,
        limits: &Limits,
        files: &FileStore,
        decoding: &DecodeBudget,
        backend: &Backend,
    ) -> std::io::Result<MountedApp> {
        for endpoint in self.endpoints.iter_mut().filter(|endpoint| !endpoint.limit_set) {
            endpoint.spec.concurrency_limit = limits.default_concurrency_limit;
        }
        // A batched endpoint's limit counts runs, each of up to a batch of calls: that many
        // calls are admitted at once, to gather into batches.
        let groups: Vec<(Option<usize>, Option<&str>)> = (self.endpoints.iter())
            .map(|endpoint| {
                let calls = calls_per_run(endpoint.spec.batch.as_ref());
                (
                    endpoint.spec.concurrency_limit.map(|limit| limit.saturating_mul(calls)),
                    endpoint.concurrency_group.as_deref(),
                )
            })
            .collect();
        let lines = line::lines(&groups, limits.max_waiting_calls);
        let states = Arc::new(SessionStates::new(self.state_starts, backend, &self.spec.name, limits.max_sessions));
        let endpoints: Vec<Arc<Mounted>> = (self.endpoints.into_iter().zip(lines))
            .map(|(endpoint, line)| Arc::new(endpoint.build(line, states.clone(), decoding.clone(), *limits)))
            .collect();
        let mut spec = self.spec;
        bound_components(&mut spec.components, limits);
        for example in self.example_files {
            let mut pinned = Vec::with_capacity(example.files.len());
            for named in &example.files {
                let mut file = files.pin(&named.bytes, &named.name, &named.mime_type)?;
                file.url = Some(rheo_shared::protocol::gradio::file_url(&spec.name, &file.path));
                pinned.push(file);
            }
            if let Some(cell) = spec.example_mut(example.set, example.row, example.column) {
                *cell = example.shape.value(pinned);
            }
        }
        let mut endpoints = endpoints;
        for set in &spec.examples {
            let Some(cache) = set.cache else { continue };
            if let Some(endpoint) = endpoints.get_mut(cache.event).and_then(Arc::get_mut) {
                let outputs = &endpoint.spec.outputs;
                let (rows, name) = (set.rows.clone(), spec.name.clone());
                endpoint.examples =
                    Some(CachedExamples::new(cache.event, rows, outputs, cache.mode, backend.clone(), name));
            }
        }
        Ok(MountedApp { spec, endpoints, states })
    }
}

#[cfg(test)]
impl DeclaredApp {
    /// The app as a server with default limits, in memory, would run it.
    pub(crate) fn build_in_memory(self, files: &FileStore) -> MountedApp {
        self.build(&Limits::default(), files, &DecodeBudget::new(1 << 30), &Backend::Memory).expect("built")
    }
}

/// A mounted app: its spec and its endpoints, ready to serve calls.
pub(crate) struct MountedApp {
    spec: BlocksSpec,
    endpoints: Vec<Arc<Mounted>>,
    /// The sessions' State values, which every endpoint reads and writes.
    states: Arc<SessionStates>,
}

impl MountedApp {
    pub(crate) fn spec(&self) -> &BlocksSpec {
        &self.spec
    }

    pub(crate) fn name(&self) -> &str {
        &self.spec.name
    }

    /// Drops the `State` values of `session` (its page has closed).
    pub(crate) async fn end_session(&self, session: &str) -> Result<(), StoreError> {
        self.states.forget(session).await
    }

    /// Computes the answers of its eagerly cached examples (see [`Mounted::cache_examples`]).
    pub(crate) async fn cache_examples(&self, files: &Arc<FileStore>) {
        for endpoint in &self.endpoints {
            endpoint.cache_examples(files).await;
        }
    }

    /// The endpoint whose calls people may flag, if one may be (an interface's function).
    pub(crate) fn flagged(&self) -> Option<&Arc<Mounted>> {
        self.endpoints.iter().find(|endpoint| endpoint.spec().flagging.is_some())
    }

    /// Endpoint `index` (Gradio's `fn_index`), named or private.
    pub(crate) fn endpoint(&self, index: usize) -> Option<&Arc<Mounted>> {
        self.endpoints.get(index)
    }

    /// The endpoint clients call by `api_name` (with or without its leading `/`), and its index;
    /// a private event has no name.
    pub(crate) fn named(&self, api_name: &str) -> Option<(usize, &Arc<Mounted>)> {
        let api_name = api_name.trim_start_matches('/');
        self.named_endpoints().find(|(_, endpoint)| endpoint.spec().api_name == api_name)
    }

    /// The endpoints API clients see, with their indexes.
    pub(crate) fn named_endpoints(&self) -> impl Iterator<Item = (usize, &Arc<Mounted>)> {
        self.endpoints.iter().enumerate().filter(|(_, endpoint)| !endpoint.spec().api_name.is_empty())
    }

    /// The page's heading.
    pub(crate) fn title(&self) -> &str {
        &self.spec.title
    }

    /// The endpoints API clients see, each with the name of its MCP tool: an interface's is
    /// the name it is mounted at; a Blocks app's named events are `<app>_<api_name>`.
    pub(crate) fn tools(&self) -> impl Iterator<Item = (String, &Arc<Mounted>)> {
        self.named_endpoints().map(move |(_, endpoint)| match self.spec.interface {
            true => (self.name().to_owned(), endpoint),
            false => (format!("{}_{}", self.name(), endpoint.spec().api_name), endpoint),
        })
    }
}

/// An interface as declared: checked, its types erased, but not yet part of a server, whose
/// limits and backend are resolved only when it starts. [`crate::IntoMounted`] makes one;
/// the composition root ([`crate::transports::Interfaces::build`]) builds each into a
/// [`Mounted`].
pub(crate) struct Declared {
    spec: InterfaceSpec,
    handler: ErasedHandler,
    /// Its conversation, for a handler of a whole stream.
    conversation: Option<ErasedConversation>,
    /// Which inputs and outputs are which of the app's State slots.
    states: StateWiring,
    /// The concurrency group whose line it shares, if any (Gradio's `concurrency_id`).
    concurrency_group: Option<String>,
    /// Whether its author set its `concurrency_limit`; if not, the server's default applies.
    limit_set: bool,
    /// Streams open on the interface, counted from the start: a [`crate::Monitor`] may be
    /// taken before the server is built.
    streams: Arc<AtomicUsize>,
    /// The event data its handler takes first (a like's, an edit's), if any.
    event_data: Option<EventDataKind>,
}

impl Declared {
    pub(crate) fn new(spec: InterfaceSpec, handler: ErasedHandler, states: StateWiring) -> Self {
        Declared {
            spec,
            handler,
            conversation: None,
            states,
            concurrency_group: None,
            limit_set: false,
            streams: Arc::default(),
            event_data: None,
        }
    }

    /// Its handler takes a whole stream: a stream runs `conversation` (see [`Mounted::converse`]).
    pub(crate) fn conversing(mut self, conversation: Option<ErasedConversation>) -> Self {
        self.spec.duplex = conversation.is_some();
        self.conversation = conversation;
        self
    }

    /// Its spec's `concurrency_limit` is the author's; without this, the server's
    /// `Limits::default_concurrency_limit` replaces it when the server is built.
    pub(crate) fn with_limit_set(mut self, set: bool) -> Self {
        self.limit_set = set;
        self
    }

    /// The endpoint in an app that embeds its own (a tab of a tabbed interface): its State
    /// slots after the `first` slots before them, under another `api_name`.
    pub(crate) fn embedded(mut self, first: usize, api_name: String) -> Self {
        self.states = self.states.shifted(first);
        self.spec.api_name = api_name;
        self
    }

    /// Its handler takes the event data `kind` before its inputs (an event fired by a like).
    pub(crate) fn taking_event_data(mut self, kind: Option<EventDataKind>) -> Self {
        self.event_data = kind;
        self
    }

    /// Shares the line of concurrency group `group` with the app's other endpoints in it.
    pub(crate) fn in_concurrency_group(mut self, group: Option<String>) -> Self {
        self.concurrency_group = group;
        self
    }

    #[cfg(test)]
    pub(crate) fn spec(&self) -> &InterfaceSpec {
        &self.spec
    }

    /// The count of the interface's open streams, as it will be served.
    pub(crate) fn streams(&self) -> Arc<AtomicUsize> {
        self.streams.clone()
    }

    /// The endpoint as the server runs it: its calls admitted by `line` (none for no limit), its
    /// sessions' State in the app's `states`.
    fn build(
        self,
        line: Option<Arc<Line>>,
        states: Arc<SessionStates>,
        decoding: DecodeBudget,
        limits: Limits,
    ) -> Mounted {
        let Declared { mut spec, handler, conversation, states: wiring, streams, event_data, .. } = self;
        bound_components(&mut spec.inputs, &limits);
        bound_components(&mut spec.outputs, &limits);
        let batch_runs = (spec.batch.zip(spec.concurrency_limit)).map(|(_, limit)| Arc::new(Semaphore::new(limit)));
        Mounted {
            line,
            states,
            wiring,
            spec,
            handler,
            conversation,
            streams,
            decoding,
            event_data,
            limits,
            batch_runs,
            examples: None,
        }
    }
}

/// Gives components the server's limits they check values by: a Chatbot's most messages, a
/// table's most rows, columns and characters in a cell.
fn bound_components(components: &mut [ComponentSpec], limits: &Limits) {
    for component in components {
        if let ComponentKind::Chatbot(chatbot) = &mut component.kind {
            chatbot.max_messages = limits.max_chat_messages;
        } else if let ComponentKind::Dataframe(frame) = &mut component.kind {
            frame.max_rows = limits.max_table_rows;
            frame.max_columns = limits.max_table_columns;
            frame.max_cell_chars = limits.max_cell_chars;
        }
    }
}

/// An interface with its types erased, ready to serve calls; built once, never reconfigured.
pub(crate) struct Mounted {
    spec: InterfaceSpec,
    handler: ErasedHandler,
    conversation: Option<ErasedConversation>,
    /// Where its calls wait for a slot of its concurrency limit; none when it has no limit.
    line: Option<Arc<Line>>,
    /// The app's sessions' State values, and which of its inputs and outputs are which.
    states: Arc<SessionStates>,
    wiring: StateWiring,
    streams: Arc<AtomicUsize>,
    /// The server's one budget for decoding in flight (see [`media`]).
    decoding: DecodeBudget,
    event_data: Option<EventDataKind>,
    /// The server's limits, for handlers of Rheo's own (a chat's).
    limits: Limits,
    /// A batched endpoint's runs at once (its concurrency limit), for [`crate::Batch`].
    batch_runs: Option<Arc<Semaphore>>,
    /// Its kept answers for a set of examples, if it keeps them.
    examples: Option<CachedExamples>,
}

/// An example's media files, encoded when the app was declared: row `row`'s value for input
/// `column` of example set `set` (an interface's one set is 0), in its `shape`.
pub(crate) struct ExampleFile {
    pub(crate) set: usize,
    pub(crate) row: usize,
    pub(crate) column: usize,
    pub(crate) files: Vec<crate::NamedFile>,
    pub(crate) shape: FileShape,
}

/// How a value holds its files: one, a list, a list with text, or a gallery with a caption
/// for each.
#[derive(Clone, Debug)]
pub(crate) enum FileShape {
    One,
    List,
    WithText(String),
    Gallery(Vec<Option<String>>),
}

impl FileShape {
    /// The value of this shape holding `files`.
    pub(crate) fn value(self, mut files: Vec<rheo_shared::FileData>) -> Value {
        match self {
            FileShape::One => files.pop().map(Value::File).unwrap_or_default(),
            FileShape::List => Value::Files(files),
            FileShape::WithText(text) => Value::Multimodal(rheo_shared::MultimodalData { text, files }),
            FileShape::Gallery(captions) => {
                Value::Gallery(rheo_shared::GalleryData::new(files.into_iter().zip(captions)))
            }
        }
    }
}

impl ExampleFile {
    /// One example row's wire values. Media are encoded now (images as PNG, audio as WAV) and
    /// set aside in `files`, to be stored when the app is built; until then their cells hold
    /// file values with no path.
    pub(crate) fn row_values(set: usize, row: usize, payloads: Vec<Payload>, files: &mut Vec<Self>) -> Vec<Value> {
        let mut values = Vec::with_capacity(payloads.len());
        for (column, payload) in payloads.into_iter().enumerate() {
            let mut set_aside = |named: Vec<crate::NamedFile>, shape: FileShape| {
                let unstored = vec![rheo_shared::FileData::default(); named.len()];
                files.push(ExampleFile { set, row, column, files: named, shape: shape.clone() });
                shape.value(unstored)
            };
            let one = |bytes: Vec<u8>, name: &str, mime_type: &str| {
                vec![crate::NamedFile::new(name, bytes).with_mime_type(mime_type)]
            };
            values.push(match payload {
                Payload::Json(value) => value,
                // Examples are inputs' values, typed: never an update, nor what only an output
                // shows.
                Payload::State(_) | Payload::Update { .. } | Payload::Annotated(_) => Value::Null,
                Payload::Gallery(images) => {
                    let (images, captions): (Vec<_>, Vec<_>) = images.into_iter().map(|i| (i.image, i.caption)).unzip();
                    let named = images.iter().enumerate().map(|(n, image)| {
                        crate::NamedFile::new(format!("example-{}.png", n + 1), media::encode_png(image))
                            .with_mime_type("image/png")
                    });
                    set_aside(named.collect(), FileShape::Gallery(captions))
                }
                Payload::Image(image) => {
                    set_aside(one(media::encode_png(&image), "example.png", "image/png"), FileShape::One)
                }
                Payload::Audio(audio) => set_aside(one(audio.to_wav(), "example.wav", "audio/wav"), FileShape::One),
                Payload::Files { files, list: true } => set_aside(files, FileShape::List),
                Payload::Files { files, list: false } => set_aside(files, FileShape::One),
                Payload::Message(message) => set_aside(message.files, FileShape::WithText(message.text)),
                Payload::Video(video) => {
                    let mime_type = video.mime_type();
                    set_aside(one(video.bytes.to_vec(), &video.name, mime_type), FileShape::One)
                }
            });
        }
        values
    }
}

impl Mounted {
    pub(crate) fn spec(&self) -> &InterfaceSpec {
        &self.spec
    }

    /// Checks a value for each input against its component: type, finiteness, bounds, choices,
    /// length. Every misfit is reported. The choices of an input an update may give other ones
    /// are the session's: checked in the call, against them.
    pub(crate) fn check(&self, values: Vec<Value>) -> Result<Checked, CallError> {
        self.check_but(values, &[])
    }

    /// Checks the inputs of a stream: every value but the streaming inputs', which come with
    /// each frame ([`Checked::with_frame`]).
    pub(crate) fn check_stream_inputs(&self, values: Vec<Value>) -> Result<Checked, CallError> {
        self.check_but(values, &self.spec.streaming_inputs())
    }

    /// [`Mounted::check`], leaving out the `skipped` inputs' values and the session's choices.
    fn check_but(&self, values: Vec<Value>, skipped: &[usize]) -> Result<Checked, CallError> {
        // Read as plain JSON, a value may be one its component reads as its own (a list of
        // files is not told from other JSON but by a File).
        let values: Vec<Value> = (values.into_iter().enumerate())
            .map(|(position, value)| match self.spec.inputs.get(position) {
                Some(component) => component.adopt(value),
                None => value,
            })
            .collect();
        let checked_later: Vec<usize> = self.wiring.session_choices().chain(skipped.iter().copied()).collect();
        let misfits: Vec<Misfit> = check_values(&self.spec.inputs, &values)
            .err()
            .unwrap_or_default()
            .into_iter()
            .filter(|misfit| misfit.component.as_ref().is_none_or(|(position, _)| !checked_later.contains(position)))
            .collect();
        if !misfits.is_empty() {
            return Err(CallError::InvalidInput { misfits });
        }
        Ok(Checked(values.into_iter().map(Input::Value).collect(), None))
    }

    /// These inputs with the call's event data, which an event fired by a like or an edit
    /// needs (and another event ignores: Gradio's clients send `null`).
    pub(crate) fn check_event_data(&self, checked: Checked, data: Option<JsonValue>) -> Result<Checked, CallError> {
        let Some(kind) = self.event_data else { return Ok(checked) };
        let fits = |data: &JsonValue| match kind {
            EventDataKind::Like => LikeData::deserialize(data).is_ok(),
            EventDataKind::Edit => EditData::deserialize(data).is_ok(),
        };
        let data = data.filter(fits).ok_or_else(|| {
            CallError::invalid_input(match kind {
                EventDataKind::Like => r#"a like's event data is {"index", "value", "liked"}"#,
                EventDataKind::Edit => r#"an edit's event data is {"index", "value", "previous_value"}"#,
            })
        })?;
        Ok(Checked(checked.0, Some(Payload::Json(Value::Json(data)))))
    }

    /// The kept answer for `inputs`, if they are the values of a cached example: computed now
    /// if it was not yet. `None` for any other inputs.
    pub(crate) async fn cached_answer(
        self: &Arc<Self>,
        files: &Arc<FileStore>,
        inputs: &Checked,
    ) -> Option<Result<Vec<Value>, CallError>> {
        let row = self.examples.as_ref()?.row_of(inputs)?;
        let (endpoint, files) = (self.clone(), files.clone());
        // In a task of its own: a caller who leaves does not make the next one start it over.
        let computed = tokio::spawn(async move {
            let examples = endpoint.examples.as_ref().expect("an endpoint with cached examples");
            examples.answer(&endpoint, &files, row).await
        });
        Some(computed.await.unwrap_or(Err(CallError::Panicked)))
    }

    /// Computes the answers of its eagerly cached examples, if it has some; an example that
    /// fails is logged (and its error kept, to be shown when it is clicked).
    pub(crate) async fn cache_examples(&self, files: &Arc<FileStore>) {
        let Some(examples) = self.examples.as_ref().filter(|examples| examples.is_eager()) else { return };
        for row in 0..examples.len() {
            if let Err(e) = examples.answer(self, files, row).await {
                tracing::warn!("/{}: example {} failed when cached: {e}", self.spec.name, row + 1);
            }
        }
    }

    /// Counts a stream as open on this interface for as long as the guard lives.
    /// `None` when `limit` streams are open already.
    pub(crate) fn open_stream(&self, limit: usize) -> Option<OpenStream> {
        self.streams
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |open| (open < limit).then_some(open + 1))
            .ok()?;
        Some(OpenStream(self.streams.clone()))
    }

    /// Runs a conversation on `rows`, each a frame's number and the inputs with it, as a
    /// stream brings them (`None` if its handler takes one call's values). Each row is decoded
    /// (one that does not decode is [`Heard::Refused`], and the conversation goes on) and
    /// given to the handler; what it says is checked. Ends when the handler ends; dropping it
    /// stops the handler. The conversation takes no place in the
    /// endpoint's line (it lasts as long as its stream, which the stream limits bound); the
    /// calls it makes do ([`Slot::for_call`]).
    pub(crate) fn converse(
        self: &Arc<Self>,
        files: &Arc<FileStore>,
        client: Option<std::net::IpAddr>,
        mut rows: mpsc::Receiver<(u32, Checked)>,
    ) -> Option<BoxStream<'static, Heard>> {
        let conversation = self.conversation.as_ref()?;
        let (decoded, decoded_rows) = mpsc::channel::<Vec<Payload>>(1);
        let (refused, refusals) = mpsc::channel::<Heard>(1);
        let (endpoint, store) = (self.clone(), files.clone());
        let decoder = tokio::spawn(async move {
            while let Some((seq, Checked(inputs, _))) = rows.recv().await {
                let sent = match codec::decode_inputs(&endpoint.spec.inputs, &store, &endpoint.decoding, inputs).await {
                    Ok(payloads) => decoded.send(payloads).await.is_ok(),
                    Err(e) => refused.send(Heard::Refused(seq, e)).await.is_ok(),
                };
                if !sent {
                    break;
                }
            }
        });
        let line = self.line.clone().map(|line| (line, client));
        let slot =
            Slot { _permit: None, line, reporter: None, files: files.clone(), limits: self.limits, batch_runs: None };
        let endpoint = self.clone();
        let said = conversation(receiver_stream(decoded_rows).boxed(), slot).map(move |said| {
            let checked = said.and_then(|said| match said {
                Said::Outputs(outputs) => {
                    check_outputs(&endpoint.spec.outputs, &outputs).map(|()| Said::Outputs(outputs))
                }
                Said::Interrupted => Ok(Said::Interrupted),
            });
            checked.map_or_else(Heard::Failed, Heard::Said)
        });
        Some(
            async_stream::stream! {
                let _decoder = AbortOnDrop(decoder.abort_handle());
                let (mut said, mut refusals) = (Box::pin(said), refusals);
                loop {
                    let next = tokio::select! {
                        next = said.next() => match next {
                            Some(next) => next,
                            None => break,
                        },
                        Some(refused) = refusals.recv() => refused,
                    };
                    yield next;
                }
            }
            .boxed(),
        )
    }

    /// Runs one call of `client` (its address; none in-process) in `session` (whose `State`
    /// values it uses and updates): waits for a free slot (bounded, fairly between clients;
    /// held until the call ends), decodes the media among the inputs (files from
    /// `files`), runs the handler, and checks each output. A generator's outputs come one
    /// by one; the stream ends after an error, and dropping it stops the generator. Its place
    /// in the line and what the handler reports go to `reporter`, if the caller listens.
    pub(crate) fn call<'a>(
        &'a self,
        files: &'a Arc<FileStore>,
        client: Option<std::net::IpAddr>,
        session: Option<String>,
        inputs: Checked,
        reporter: Option<Reporter>,
    ) -> impl Stream<Item = Result<Vec<Payload>, CallError>> + Send + 'a {
        async_stream::stream! {
            // The slot first: decoding takes memory in proportion to the media (an 8192x8192
            // PNG is 200 MB of pixels), so only the calls that may run decode at once.
            // Held here until the caller drops this stream (after encoding the last outputs),
            // and by the handler's work until it ends.
            let permit = match &self.line {
                Some(line) => match line.slot(reporter.as_ref(), client).await {
                    Ok(permit) => Some(Arc::new(permit)),
                    Err(e) => {
                        yield Err(e);
                        return;
                    }
                },
                None => None,
            };
            if let Some(reporter) = &reporter {
                reporter.send(CallEvent::Started);
            }
            let started = Instant::now();
            let Checked(inputs, event_data) = inputs;
            let mut inputs = match codec::decode_inputs(&self.spec.inputs, files, &self.decoding, inputs).await {
                Ok(payloads) => payloads,
                Err(e) => {
                    yield Err(e);
                    return;
                }
            };
            let checked = match self.states.fill(&self.wiring, session.as_deref(), &mut inputs).await {
                Ok(choices) => check_chosen(&self.spec.inputs, &inputs, choices),
                Err(e) => Err(e),
            };
            if let Err(e) = checked {
                yield Err(e);
                return;
            }
            inputs.splice(0..0, event_data);
            let slot = Slot {
                _permit: permit.clone(),
                line: None,
                reporter,
                files: files.clone(),
                limits: self.limits,
                batch_runs: self.batch_runs.clone(),
            };
            let mut answers = (self.handler)(inputs, slot);
            while let Some(answer) = answers.next().await {
                let checked = match answer.and_then(|outputs| check_outputs(&self.spec.outputs, &outputs).map(|()| outputs)) {
                    Ok(mut outputs) => self.states.keep(&self.wiring, session.as_deref(), &mut outputs).await.map(|()| outputs),
                    Err(e) => Err(e),
                };
                let failed = checked.is_err();
                yield checked;
                if failed {
                    return;
                }
            }
            if let Some(line) = &self.line {
                line.record(started.elapsed());
            }
        }
    }
}

/// What a conversation's stream hears from it.
#[derive(Debug)]
pub(crate) enum Heard {
    /// Outputs to show, or that the reply so far is void.
    Said(Said<Vec<Payload>>),
    /// Frame `seq` could not be decoded; the conversation goes on.
    Refused(u32, CallError),
    /// The handler failed (an author's conversation ends after it).
    Failed(CallError),
}

/// A channel's receiving end as a stream.
fn receiver_stream<T: Send + 'static>(mut receiver: mpsc::Receiver<T>) -> impl Stream<Item = T> + Send {
    futures::stream::poll_fn(move |cx| receiver.poll_recv(cx))
}

/// Checks the inputs whose choices are the session's (`choices`, by position) against them.
fn check_chosen(
    components: &[ComponentSpec],
    inputs: &[Payload],
    choices: Vec<(usize, Vec<String>)>,
) -> Result<(), CallError> {
    let misfits: Vec<Misfit> = choices
        .into_iter()
        .filter_map(|(position, choices)| {
            let component = components[position].with_choices(choices)?;
            let Payload::Json(value) = &inputs[position] else { return None };
            let reason = component.validate(value).err()?.to_string();
            Some(Misfit { component: Some((position, component.label)), reason })
        })
        .collect();
    if misfits.is_empty() {
        Ok(())
    } else {
        Err(CallError::InvalidInput { misfits })
    }
}

/// Checks the handler's outputs: values that travel as JSON against their components (media
/// and State are typed by the handler's signature, so they fit by construction), an update's
/// value as any other (against the choices it gives, if it gives some).
fn check_outputs(components: &[ComponentSpec], outputs: &[Payload]) -> Result<(), CallError> {
    /// What is wrong, and whether it is only a number out of range.
    fn misfit(component: &ComponentSpec, output: &Payload) -> Option<(String, bool)> {
        match output {
            Payload::Json(value) => {
                component.validate(value).err().map(|e| (e.to_string(), matches!(e, ValueError::NotFinite(_))))
            }
            Payload::Update { value, look: rheo_shared::Update { choices: Some(choices), .. } } => {
                if let Err(problem) = rheo_shared::components::check_choices(choices) {
                    return Some((problem.to_string(), false));
                }
                misfit(&component.with_choices(choices.clone())?, value.as_deref()?)
            }
            Payload::Update { value: Some(value), .. } => misfit(component, value),
            Payload::Image(_)
            | Payload::Audio(_)
            | Payload::Files { .. }
            | Payload::Message(_)
            | Payload::Video(_)
            | Payload::Gallery(_)
            | Payload::Annotated(_)
            | Payload::State(_)
            | Payload::Update { value: None, .. } => None,
        }
    }
    let misfits: Vec<(String, bool)> = components
        .iter()
        .zip(outputs)
        .filter_map(|(component, output)| {
            misfit(component, output).map(|(e, nan)| (format!("{}: {e}", component.label), nan))
        })
        .collect();
    let listed = || misfits.iter().map(|(e, _)| e.as_str()).collect::<Vec<_>>().join("; ");
    if misfits.is_empty() {
        Ok(())
    } else if misfits.iter().all(|(_, not_finite)| *not_finite) {
        Err(CallError::NotFinite(format!("{}: the inputs may be too large or out of range", listed())))
    } else {
        Err(CallError::InvalidOutput(format!("the handler returned an invalid value: {}", listed())))
    }
}

/// A handler's answers, ended with [`CallError::TimedOut`] if they run past `limit` from the
/// first poll (when the handler starts); dropping the rest stops an `async` handler.
pub(crate) fn within(answers: Answers<Vec<Payload>>, limit: Option<std::time::Duration>) -> Answers<Vec<Payload>> {
    let Some(limit) = limit else { return answers };
    async_stream::stream! {
        let deadline = tokio::time::Instant::now() + limit;
        let mut answers = answers;
        loop {
            match tokio::time::timeout_at(deadline, answers.next()).await {
                Ok(Some(answer)) => yield answer,
                Ok(None) => return,
                Err(_) => {
                    yield Err(CallError::TimedOut(limit.as_secs_f64()));
                    return;
                }
            }
        }
    }
    .boxed()
}

/// The last answer of a call: its one result, or a generator's last.
pub(crate) async fn last<T>(answers: impl Stream<Item = Result<T, CallError>>) -> Result<T, CallError> {
    futures::pin_mut!(answers);
    let mut last = None;
    while let Some(answer) = answers.next().await {
        last = Some(answer?);
    }
    last.ok_or(CallError::NoValue)
}

/// A stream counted as open on its interface while this lives.
pub(crate) struct OpenStream(Arc<AtomicUsize>);

impl Drop for OpenStream {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::time::Duration;

    use super::*;
    use crate::{interface::IntoMounted, Interface, Number};

    pub(crate) fn number(x: f64) -> Vec<Value> {
        vec![Value::Number(x)]
    }

    /// The interface as a server with default limits, in memory, would run it.
    pub(crate) fn mount(interface: impl IntoMounted, name: &str, files: &Arc<FileStore>) -> Mounted {
        let app = interface.into_mounted(name).unwrap();
        let app = app.build_in_memory(files);
        Arc::into_inner(app.endpoints.into_iter().next().unwrap()).unwrap()
    }

    /// Runs one call to its end, as the JSON transports do.
    pub(crate) async fn run(
        mounted: &Mounted,
        files: &Arc<FileStore>,
        inputs: Vec<Value>,
    ) -> Result<Vec<Payload>, CallError> {
        let checked = mounted.check(inputs)?;
        last(mounted.call(files, None, None, checked, None)).await
    }

    #[test]
    fn components_take_the_servers_table_and_chat_bounds() {
        let limits = Limits::default().max_table_rows(2).max_table_columns(3).max_cell_chars(4).max_chat_messages(5);
        let mut components = vec![
            ComponentSpec::new(ComponentKind::Dataframe(Default::default())),
            ComponentSpec::new(ComponentKind::Chatbot(Default::default())),
        ];
        bound_components(&mut components, &limits);
        let ComponentKind::Dataframe(frame) = &components[0].kind else { panic!() };
        assert_eq!((frame.max_rows, frame.max_columns, frame.max_cell_chars), (2, 3, 4));
        let ComponentKind::Chatbot(chat) = &components[1].kind else { panic!() };
        assert_eq!(chat.max_messages, 5);
        let three_rows = Value::Json(serde_json::json!({"headers": ["a"], "data": [["x"], ["y"], ["z"]]}));
        assert_eq!(
            components[0].validate(&three_rows).unwrap_err().to_string(),
            "the table has 3 rows; the limit is 2"
        );
    }

    #[tokio::test]
    async fn a_caller_that_leaves_while_waiting_frees_its_place() {
        async fn nap(x: f64) -> f64 {
            tokio::time::sleep(Duration::from_millis(20)).await;
            x
        }
        let files = Arc::new(FileStore::new(4096, 1 << 30).unwrap());
        let mounted = mount(Interface::new(nap).inputs(Number::new()).outputs(Number::new()), "nap", &files);
        let running = run(&mounted, &files, number(1.0));
        let waiting = async {
            // Wait behind `running`, then give up (as a disconnected HTTP client does).
            let _ = tokio::time::timeout(Duration::from_millis(5), run(&mounted, &files, number(2.0))).await;
        };
        let (result, ()) = tokio::join!(running, waiting);
        assert_eq!(result, Ok(vec![Payload::Json(Value::Number(1.0))]));
        assert_eq!(mounted.line.as_ref().unwrap().waiting(), 0);
    }

    #[tokio::test(start_paused = true)]
    async fn a_call_past_its_timeout_fails_and_its_async_handler_stops() {
        static FINISHED: AtomicUsize = AtomicUsize::new(0);
        async fn slow(x: f64) -> f64 {
            tokio::time::sleep(Duration::from_secs(60)).await;
            FINISHED.fetch_add(1, Ordering::SeqCst);
            x
        }
        let files = Arc::new(FileStore::new(4096, 1 << 30).unwrap());
        let interface =
            Interface::new(slow).inputs(Number::new()).outputs(Number::new()).timeout(Some(Duration::from_secs(2)));
        let mounted = mount(interface, "slow", &files);
        let started = tokio::time::Instant::now();
        let failed = run(&mounted, &files, number(1.0)).await.unwrap_err();
        assert_eq!(failed.to_string(), "the call took longer than its limit of 2 s");
        assert_eq!(started.elapsed(), Duration::from_secs(2));
        tokio::time::sleep(Duration::from_secs(120)).await;
        assert_eq!(FINISHED.load(Ordering::SeqCst), 0, "the handler was stopped, not left running");
        let quick = Interface::new(|x: f64| x)
            .inputs(Number::new())
            .outputs(Number::new())
            .timeout(Some(Duration::from_secs(2)));
        let quick = mount(quick, "quick", &files);
        assert_eq!(run(&quick, &files, number(3.0)).await, Ok(vec![Payload::Json(Value::Number(3.0))]));
    }

    #[tokio::test]
    async fn nan_is_refused_on_the_way_in() {
        let files = Arc::new(FileStore::new(4096, 1 << 30).unwrap());
        let mounted = mount(Interface::new(|x: f64| 1.0 / x).inputs(Number::new()).outputs(Number::new()), "r", &files);
        let refused = run(&mounted, &files, number(f64::NAN)).await.unwrap_err();
        assert_eq!(refused.to_string(), "number: NaN is not a finite number");
        assert!(matches!(refused, CallError::InvalidInput { .. }));
    }

    #[tokio::test]
    async fn handler_errors_reach_the_caller_as_written() {
        fn check(x: f64) -> Result<f64, String> {
            if x > 1.0 {
                Err(format!("{x} is too big for this model"))
            } else {
                Ok(x)
            }
        }
        let files = Arc::new(FileStore::new(4096, 1 << 30).unwrap());
        let mounted = mount(Interface::new(check).inputs(Number::new()).outputs(Number::new()), "c", &files);
        assert_eq!(
            run(&mounted, &files, number(2.0)).await,
            Err(CallError::Handler("2 is too big for this model".into()))
        );
        assert_eq!(run(&mounted, &files, number(0.5)).await, Ok(vec![Payload::Json(Value::Number(0.5))]));
    }

    /// Decoding waits for the slot: a queue of big images must not all be decoded at once (16
    /// clients sending one 8192x8192 PNG each peaked at 3.3 GB when decoding came first).
    #[tokio::test]
    async fn media_is_decoded_only_once_the_call_has_its_slot() {
        static GATE: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(0);
        async fn gated(image: image::RgbImage) -> f64 {
            GATE.acquire().await.unwrap().forget();
            f64::from(image.width())
        }
        let files = Arc::new(FileStore::new(4096, 1 << 30).unwrap());
        let png = media::encode_png(&image::DynamicImage::new_rgb8(3, 2));
        let stored = files.store(&png, "a.png", "image/png", None).await.unwrap();
        let mounted =
            Arc::new(mount(Interface::new(gated).inputs(crate::Image::new()).outputs(Number::new()), "g", &files));
        let call = |path: &str| {
            let (mounted, files) = (mounted.clone(), files.clone());
            let file = Value::File(rheo_shared::FileData { path: path.to_owned(), ..Default::default() });
            tokio::spawn(async move { run(&mounted, &files, vec![file]).await })
        };
        let holding = call(&stored.path);
        tokio::time::sleep(Duration::from_millis(30)).await;
        // Not the store's file: it fails as soon as it is decoded, which must wait for the slot.
        let waiting = call("/not/a/stored/file.png");
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(!waiting.is_finished(), "decoded before its turn");
        GATE.add_permits(2);
        assert_eq!(holding.await.unwrap(), Ok(vec![Payload::Json(Value::Number(3.0))]));
        let refused = waiting.await.unwrap().unwrap_err();
        assert!(refused.to_string().contains("the file is not one this server holds"), "{refused}");
    }

    /// A sync handler cannot be stopped: when its caller leaves, the next call must still wait
    /// for it to end, or abandoned calls run past the limit (three abandoned /transcribe calls
    /// burned 71 CPU-seconds beside the ones served).
    #[tokio::test]
    async fn a_sync_handler_whose_caller_left_keeps_its_slot_until_it_ends() {
        static RUNNING: AtomicUsize = AtomicUsize::new(0);
        static MOST: AtomicUsize = AtomicUsize::new(0);
        fn slow(x: f64) -> f64 {
            let now = RUNNING.fetch_add(1, Ordering::SeqCst) + 1;
            MOST.fetch_max(now, Ordering::SeqCst);
            std::thread::sleep(Duration::from_millis(150));
            RUNNING.fetch_sub(1, Ordering::SeqCst);
            x
        }
        let files = Arc::new(FileStore::new(4096, 1 << 30).unwrap());
        let mounted = mount(Interface::new(slow).inputs(Number::new()).outputs(Number::new()), "slow", &files);
        let left = tokio::time::timeout(Duration::from_millis(30), run(&mounted, &files, number(1.0))).await;
        assert!(left.is_err(), "the first caller gave up while its handler ran");
        assert_eq!(run(&mounted, &files, number(2.0)).await, Ok(vec![Payload::Json(Value::Number(2.0))]));
        assert_eq!(MOST.load(Ordering::SeqCst), 1, "the abandoned call and the next one never ran at once");
    }

    #[tokio::test]
    async fn an_async_handler_whose_caller_left_is_stopped() {
        static FINISHED: AtomicUsize = AtomicUsize::new(0);
        async fn nap(x: f64) -> f64 {
            tokio::time::sleep(Duration::from_millis(100)).await;
            FINISHED.fetch_add(1, Ordering::SeqCst);
            x
        }
        let files = Arc::new(FileStore::new(4096, 1 << 30).unwrap());
        let mounted = mount(Interface::new(nap).inputs(Number::new()).outputs(Number::new()), "nap", &files);
        let _ = tokio::time::timeout(Duration::from_millis(20), run(&mounted, &files, number(1.0))).await;
        tokio::time::sleep(Duration::from_millis(150)).await;
        assert_eq!(FINISHED.load(Ordering::SeqCst), 0, "stopped when its caller left");
        assert_eq!(run(&mounted, &files, number(2.0)).await, Ok(vec![Payload::Json(Value::Number(2.0))]));
        assert_eq!(FINISHED.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn the_wait_for_a_busy_interface_is_bounded() {
        // Calls hold their slot until the test opens the gate.
        static GATE: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(0);
        async fn gated(x: f64) -> f64 {
            GATE.acquire().await.unwrap().forget();
            x
        }
        let waiting = Limits::default().max_waiting_calls;
        let calls = waiting + 4;
        let files = Arc::new(FileStore::new(4096, 1 << 30).unwrap());
        let mounted =
            Arc::new(mount(Interface::new(gated).inputs(Number::new()).outputs(Number::new()), "gated", &files));
        let handles: Vec<_> = (0..calls)
            .map(|_| {
                let (mounted, files) = (mounted.clone(), files.clone());
                tokio::spawn(async move { run(&mounted, &files, number(1.0)).await })
            })
            .collect();
        // Nothing can finish before the gate opens but the calls turned away: wait for them (all
        // calls have been polled by then), and a little longer to see that no other one finishes.
        let turned_away = || handles.iter().filter(|h| h.is_finished()).count();
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        while turned_away() < 3 && std::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert_eq!(turned_away(), 3);
        GATE.add_permits(calls);
        let results: Vec<_> = futures::future::join_all(handles).await.into_iter().map(Result::unwrap).collect();
        // One ran, `waiting` waited their turn, the rest were turned away at once.
        assert_eq!(results.iter().filter(|r| **r == Err(CallError::Busy)).count(), 3);
        assert_eq!(results.iter().filter(|r| r.is_ok()).count(), waiting + 1);
    }
}
