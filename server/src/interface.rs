//! [`Interface`]: a handler, its input and output components, and its options.

use std::{
    marker::PhantomData,
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    },
};

use futures::{Stream, StreamExt};
use rheo_shared::{check_values, protocol::file_url, AudioData, ComponentKind, ComponentSpec, InterfaceSpec, Value};
use tokio::sync::Semaphore;

use crate::{
    components::ComponentList,
    files::FileStore,
    handler::{CallError, Handler, Outcomes},
    media,
    sessions::SessionStates,
    value::Payload,
};

/// Calls that may wait for a free slot of one interface; past this, callers get
/// [`CallError::Busy`] at once instead of joining an ever longer queue.
pub const MAX_WAITING_CALLS: usize = 256;

/// A demo: a typed handler with its input and output components and options.
///
/// ```
/// use rheo::{Interface, Number, Radio};
///
/// fn calculator(num1: f64, operation: String, num2: f64) -> Result<f64, String> {
///     match operation.as_str() {
///         "add" => Ok(num1 + num2),
///         "divide" if num2 == 0.0 => Err("cannot divide by zero".into()),
///         "divide" => Ok(num1 / num2),
///         other => Err(format!("unknown operation {other}")),
///     }
/// }
///
/// let calculator = Interface::new(calculator)
///     .inputs((Number::new().label("num1"), Radio::new(["add", "divide"]).label("operation"), Number::new().label("num2")))
///     .outputs(Number::new().label("output"))
///     .examples([(3.0, "add".to_string(), 4.0)])
///     .live(true);
/// # let _ = rheo::Registry::new().mount("calculator", calculator);
/// ```
///
/// The handler's argument types must be, in order, the value types of `.inputs(..)`, and its
/// return type (or the `Ok` type of the `Result` it returns) the value types of `.outputs(..)`;
/// otherwise [`Registry::mount`](crate::Registry::mount) does not compile.
pub struct Interface<F, M, I = (), O = ()> {
    handler: F,
    inputs: I,
    outputs: O,
    options: Options,
    marker: PhantomData<fn() -> M>,
}

struct Options {
    title: Option<String>,
    description: String,
    live: bool,
    api_name: String,
    stream_every: f64,
    time_limit: Option<f64>,
    examples: Vec<Vec<Value>>,
    concurrency_limit: Option<usize>,
}

impl<F: Handler<M>, M> Interface<F, M> {
    /// An interface for this handler. Its `api_name` defaults to the function's name.
    pub fn new(handler: F) -> Self {
        Interface {
            handler,
            inputs: (),
            outputs: (),
            options: Options {
                title: None,
                description: String::new(),
                live: false,
                api_name: function_name::<F>(),
                stream_every: 0.5,
                time_limit: Some(30.0),
                examples: Vec::new(),
                concurrency_limit: Some(1),
            },
            marker: PhantomData,
        }
    }
}

impl<F, M, I, O> Interface<F, M, I, O> {
    /// The input components, in the order of the handler's arguments.
    pub fn inputs<I2: ComponentList>(self, inputs: I2) -> Interface<F, M, I2, O> {
        Interface { handler: self.handler, inputs, outputs: self.outputs, options: self.options, marker: PhantomData }
    }

    /// The output components, in the order of the handler's return values.
    pub fn outputs<O2: ComponentList>(self, outputs: O2) -> Interface<F, M, I, O2> {
        Interface { handler: self.handler, inputs: self.inputs, outputs, options: self.options, marker: PhantomData }
    }

    /// Recompute on every input change, with no Submit button.
    pub fn live(mut self, live: bool) -> Self {
        self.options.live = live;
        self
    }

    /// The page's heading; defaults to the mount name.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.options.title = Some(title.into());
        self
    }

    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.options.description = description.into();
        self
    }

    /// The endpoint name programmatic clients call.
    pub fn api_name(mut self, api_name: impl Into<String>) -> Self {
        self.options.api_name = api_name.into();
        self
    }

    /// Seconds between captured chunks or frames of a streaming input (default 0.5).
    pub fn stream_every(mut self, seconds: f64) -> Self {
        self.options.stream_every = seconds;
        self
    }

    /// Seconds one stream may run (default 30); `None` for no limit.
    pub fn time_limit(mut self, seconds: Option<f64>) -> Self {
        self.options.time_limit = seconds;
        self
    }

    /// Calls that may run at once (default 1, as in Gradio); `None` for no limit.
    /// Up to [`MAX_WAITING_CALLS`] more wait their turn.
    pub fn concurrency_limit(mut self, limit: Option<usize>) -> Self {
        self.options.concurrency_limit = limit;
        self
    }
}

impl<F, M, I: ComponentList, O> Interface<F, M, I, O> {
    /// Rows of input values shown under the inputs; clicking one fills them in.
    /// Typed like the handler's arguments.
    pub fn examples(mut self, rows: impl IntoIterator<Item = I::Args>) -> Self {
        // Media examples are not supported: an image example has no value and fails the
        // declaration check at mount ("a value is required").
        let as_value = |payload: Payload| match payload {
            Payload::Json(value) => value,
            Payload::Image(_) | Payload::Audio(_) | Payload::State(_) => Value::Null,
        };
        self.options.examples =
            rows.into_iter().map(|row| I::encode_args(row).into_iter().map(as_value).collect()).collect();
        self
    }
}

/// A function item's name: `demos::calculator` → `calculator`. Closures, generic functions
/// and function pointers have no plain name; they get Gradio's fallback, `predict`.
fn function_name<F>() -> String {
    let full = std::any::type_name::<F>();
    if full.contains(|c: char| "(<{ ".contains(c)) {
        return "predict".to_string();
    }
    full.rsplit("::").next().unwrap_or(full).to_string()
}

type ErasedCall = Box<dyn Fn(Vec<Payload>) -> Outcomes<Vec<Payload>> + Send + Sync>;

/// An interface with its types erased, ready to serve calls.
pub struct Mounted {
    spec: InterfaceSpec,
    call: ErasedCall,
    slots: Option<Semaphore>,
    waiting: AtomicUsize,
    states: SessionStates,
    pub(crate) streams: AtomicUsize,
}

/// Turns an [`Interface`] whose handler fits its components into a [`Mounted`] one.
#[diagnostic::on_unimplemented(
    message = "the handler of this interface does not fit its components",
    label = "check the handler's signature against `.inputs(..)` and `.outputs(..)`",
    note = "the handler's arguments must be, in order, the value types of the input components \
            (Number, Slider → f64; Radio, Dropdown, Textbox → String; Checkbox → bool; Image → \
            image::RgbImage or the format it asks for; Audio → AudioData; State<T> → State<T>), \
            and it must return the output components' value types (a tuple for several), a \
            Result of them, or a Stream of either"
)]
pub trait IntoMounted {
    /// The mounted interface, or every problem of its declaration in words.
    fn into_mounted(self, name: &str) -> Result<Mounted, Vec<String>>;
}

impl<F, M, I, O> IntoMounted for Interface<F, M, I, O>
where
    F: Handler<M, Args = I::Args, Output = O::Returns>,
    I: ComponentList,
    O: ComponentList,
{
    fn into_mounted(self, name: &str) -> Result<Mounted, Vec<String>> {
        let options = self.options;
        let states = SessionStates::new(self.inputs.starting_states(), self.outputs.starting_states());
        let spec = InterfaceSpec {
            name: name.to_string(),
            title: options.title.unwrap_or_else(|| name.to_string()),
            description: options.description,
            inputs: name_unlabelled(self.inputs.into_specs(), |spec| spec.kind.name()),
            outputs: name_unlabelled(self.outputs.into_specs(), |_| "output"),
            live: options.live,
            api_name: options.api_name,
            stream_every: options.stream_every,
            time_limit: options.time_limit,
            examples: options.examples,
            concurrency_limit: options.concurrency_limit,
            generator: F::GENERATOR,
        };
        let states = match (spec.check(), states) {
            (Ok(()), Ok(states)) => states,
            (checked, states) => {
                return Err(checked.err().into_iter().chain(states.err()).flatten().collect());
            }
        };
        let handler = Arc::new(self.handler);
        let call: ErasedCall = Box::new(move |values| match I::decode(values) {
            Ok(args) => handler.clone().call(args).map(|outcome| outcome.map(O::encode_returns)).boxed(),
            Err(e) => futures::stream::once(async move { Err(CallError::InvalidInput(e.to_string())) }).boxed(),
        });
        Ok(Mounted {
            slots: spec.concurrency_limit.map(Semaphore::new),
            spec,
            call,
            waiting: AtomicUsize::new(0),
            states,
            streams: AtomicUsize::new(0),
        })
    }
}

/// Gives each component without a label a default one, numbering repeats ("number 1",
/// "number 2") so that every label on a page is unique.
fn name_unlabelled(mut specs: Vec<ComponentSpec>, default: impl Fn(&ComponentSpec) -> &'static str) -> Vec<ComponentSpec> {
    for spec in specs.iter_mut().filter(|s| s.label.is_empty()) {
        spec.label = default(spec).to_string();
    }
    let labels: Vec<String> = specs.iter().map(|s| s.label.clone()).collect();
    for (index, spec) in specs.iter_mut().enumerate() {
        let repeats = labels.iter().filter(|l| **l == spec.label).count();
        if repeats > 1 {
            let nth = labels[..index].iter().filter(|l| **l == spec.label).count() + 1;
            spec.label = format!("{} {nth}", spec.label);
        }
    }
    specs
}

impl Mounted {
    pub fn spec(&self) -> &InterfaceSpec {
        &self.spec
    }

    /// Drops the `State` values of `session` (its page has closed).
    pub fn end_session(&self, session: &str) {
        self.states.forget(session);
    }

    /// Streams open on this interface now.
    pub fn active_streams(&self) -> usize {
        self.streams.load(Ordering::Acquire)
    }

    /// Runs one call in `session` (whose `State` values it uses and updates): checks the inputs
    /// against their components, waits for a free slot (bounded; held until the call ends),
    /// runs the handler, and checks each output. A generator's outputs come one by one; the
    /// stream ends after an error, and dropping it stops the generator.
    pub fn call(&self, session: Option<String>, mut inputs: Vec<Payload>) -> impl Stream<Item = Result<Vec<Payload>, CallError>> + Send + '_ {
        async_stream::stream! {
            if let Err(e) = check(&self.spec.inputs, &checkable(&inputs)) {
                yield Err(CallError::InvalidInput(e));
                return;
            }
            let _permit = match &self.slots {
                Some(slots) => match self.wait_for_slot(slots).await {
                    Ok(permit) => Some(permit),
                    Err(e) => {
                        yield Err(e);
                        return;
                    }
                },
                None => None,
            };
            self.states.fill(session.as_deref(), &mut inputs);
            let mut outcomes = (self.call)(inputs);
            while let Some(outcome) = outcomes.next().await {
                let checked = outcome.and_then(|mut outputs| {
                    check(&self.spec.outputs, &checkable(&outputs))
                        .map_err(|e| CallError::InvalidOutput(format!("the handler returned an invalid value: {e}")))?;
                    self.states.keep(session.as_deref(), &mut outputs);
                    Ok(outputs)
                });
                let failed = checked.is_err();
                yield checked;
                if failed {
                    break;
                }
            }
        }
    }

    /// Runs one call to its end: its one result, or a generator's last.
    pub async fn run(&self, session: Option<String>, inputs: Vec<Payload>) -> Result<Vec<Payload>, CallError> {
        last(self.call(session, inputs)).await
    }

    /// Runs one call of the JSON APIs: files among the inputs are read from `files` and
    /// decoded; media outputs are encoded and stored there, and come back as files whose URL
    /// is on this interface's file route. A generator's streaming audio output comes as a file
    /// per chunk (`is_stream`), then, once the generator ends, one more answer with the chunks
    /// joined into one file.
    pub fn call_json<'a>(&'a self, files: &'a FileStore, session: Option<String>, inputs: Vec<Value>) -> impl Stream<Item = Result<Vec<Value>, CallError>> + Send + 'a {
        async_stream::stream! {
            let payloads = match self.read_inputs(files, inputs).await {
                Ok(payloads) => payloads,
                Err(e) => {
                    yield Err(e);
                    return;
                }
            };
            let mut joined = self.joined_outputs();
            let mut last = None;
            for await outcome in self.call(session, payloads) {
                let values = match outcome {
                    Ok(outputs) => self.store_outputs(files, outputs, &mut joined).await,
                    Err(e) => Err(e),
                };
                let failed = values.is_err();
                if let Ok(values) = &values {
                    last = Some(values.clone());
                }
                yield values;
                if failed {
                    return;
                }
            }
            if let Some(mut values) = last.filter(|_| joined.iter().any(|j| j.as_ref().is_some_and(|a| a.frames() > 0))) {
                for (value, audio) in values.iter_mut().zip(joined) {
                    if let Some(audio) = audio {
                        match self.store_audio(files, audio, false).await {
                            Ok(file) => *value = file,
                            Err(e) => {
                                yield Err(e);
                                return;
                            }
                        }
                    }
                }
                yield Ok(values);
            }
        }
    }

    /// Runs one call of the JSON APIs to its end (see [`Mounted::call_json`]).
    pub async fn run_json(&self, files: &FileStore, session: Option<String>, inputs: Vec<Value>) -> Result<Vec<Value>, CallError> {
        last(self.call_json(files, session, inputs)).await
    }

    /// Checks the inputs and decodes the files among them.
    async fn read_inputs(&self, files: &FileStore, inputs: Vec<Value>) -> Result<Vec<Payload>, CallError> {
        check(&self.spec.inputs, &inputs).map_err(CallError::InvalidInput)?;
        let mut payloads = Vec::with_capacity(inputs.len());
        for (component, value) in self.spec.inputs.iter().zip(inputs) {
            payloads.push(match value {
                Value::File(file) => read_media(files, component, &file.path).await?,
                value => Payload::Json(value),
            });
        }
        Ok(payloads)
    }

    /// For a generator, an empty recording for each streaming audio output to join chunks into.
    fn joined_outputs(&self) -> Vec<Option<AudioData>> {
        let joins = |c: &ComponentSpec| self.spec.generator && matches!(c.kind, ComponentKind::Audio { streaming: true, .. });
        self.spec.outputs.iter().map(|c| joins(c).then(AudioData::default)).collect()
    }

    async fn store_outputs(&self, files: &FileStore, outputs: Vec<Payload>, joined: &mut [Option<AudioData>]) -> Result<Vec<Value>, CallError> {
        let mut values = Vec::with_capacity(outputs.len());
        for (payload, joined) in outputs.into_iter().zip(joined) {
            values.push(match (payload, joined) {
                (Payload::Json(value), _) => value,
                (Payload::Image(image), _) => self.store_image(files, image).await?,
                (Payload::Audio(chunk), Some(joined)) => {
                    join_chunk(joined, &chunk)?;
                    self.store_audio(files, chunk, true).await?
                }
                (Payload::Audio(audio), None) => self.store_audio(files, audio, false).await?,
                (Payload::State(_), _) => Value::Null,
            });
        }
        Ok(values)
    }

    async fn store_image(&self, files: &FileStore, image: image::DynamicImage) -> Result<Value, CallError> {
        let png = tokio::task::spawn_blocking(move || media::encode_png(&image)).await.map_err(|_| CallError::Panicked)?;
        self.store_file(files, &png, "image.png", "image/png").await
    }

    /// Stores audio as a WAV file; a chunk of a stream is marked `is_stream`.
    async fn store_audio(&self, files: &FileStore, audio: AudioData, chunk: bool) -> Result<Value, CallError> {
        let wav = tokio::task::spawn_blocking(move || audio.to_wav()).await.map_err(|_| CallError::Panicked)?;
        let mut value = self.store_file(files, &wav, if chunk { "chunk.wav" } else { "audio.wav" }, "audio/wav").await?;
        if let Value::File(file) = &mut value {
            file.is_stream = chunk;
        }
        Ok(value)
    }

    async fn store_file(&self, files: &FileStore, bytes: &[u8], name: &str, mime_type: &str) -> Result<Value, CallError> {
        let mut file = files.store(bytes, name, mime_type).await.map_err(|e| {
            tracing::error!(error = %e, "cannot store an output file");
            CallError::InvalidOutput("the server could not store an output file".into())
        })?;
        file.url = Some(file_url(&self.spec.name, &file.path));
        Ok(Value::File(file))
    }

    async fn wait_for_slot<'a>(&self, slots: &'a Semaphore) -> Result<tokio::sync::SemaphorePermit<'a>, CallError> {
        // Counted out on drop: a caller that goes away while waiting frees its place too.
        let _place = WaitingPlace::take(&self.waiting).ok_or(CallError::Busy)?;
        Ok(slots.acquire().await.expect("the semaphore is never closed"))
    }
}

/// The last item of a call's outcomes.
async fn last<T>(outcomes: impl Stream<Item = Result<T, CallError>>) -> Result<T, CallError> {
    futures::pin_mut!(outcomes);
    let mut last = None;
    while let Some(outcome) = outcomes.next().await {
        last = Some(outcome?);
    }
    last.ok_or_else(|| CallError::Handler("the handler produced no value".into()))
}

/// Adds a generator's audio chunk to the recording of all its chunks (bounded: past
/// [`media::MAX_AUDIO_SECONDS`] the call fails rather than grow without end).
fn join_chunk(joined: &mut AudioData, chunk: &AudioData) -> Result<(), CallError> {
    joined.append(chunk).map_err(|e| CallError::InvalidOutput(format!("the handler returned an invalid value: {e}")))?;
    if joined.duration() > media::MAX_AUDIO_SECONDS {
        let limit = media::MAX_AUDIO_SECONDS;
        return Err(CallError::InvalidOutput(format!("the streamed audio is longer than the limit of {limit} s")));
    }
    Ok(())
}

/// Reads and decodes an image or audio input the store holds as `path`, off the async runtime.
async fn read_media(files: &FileStore, component: &ComponentSpec, path: &str) -> Result<Payload, CallError> {
    let invalid = |reason: String| CallError::InvalidInput(format!("{}: {reason}", component.label));
    let (bytes, _) = files
        .read(path)
        .await
        .ok_or_else(|| invalid("the file is not one this server holds (upload it first; uploads expire after an hour)".into()))?;
    let kind = component.kind.clone();
    let decoded = tokio::task::spawn_blocking(move || media::decode_for(&kind, &bytes));
    decoded.await.map_err(|_| CallError::Panicked)?.map_err(|e| invalid(e.to_string()))
}

fn checkable(payloads: &[Payload]) -> Vec<Value> {
    payloads.iter().map(Payload::checkable).collect()
}

/// One of the [`MAX_WAITING_CALLS`] places in an interface's waiting line.
struct WaitingPlace<'a>(&'a AtomicUsize);

impl<'a> WaitingPlace<'a> {
    fn take(waiting: &'a AtomicUsize) -> Option<Self> {
        let taken = waiting.fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| (n < MAX_WAITING_CALLS).then_some(n + 1));
        // `then`, not `then_some`: a place built and dropped here would count one out.
        taken.is_ok().then(|| WaitingPlace(waiting))
    }
}

impl Drop for WaitingPlace<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Every misfit of `values` against `components`, as one message.
pub(crate) fn check(components: &[ComponentSpec], values: &[Value]) -> Result<(), String> {
    check_values(components, values).map_err(|misfits| {
        misfits.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Checkbox, Number, Textbox};

    #[tokio::test]
    async fn a_caller_that_leaves_while_waiting_frees_its_place() {
        async fn nap(x: f64) -> f64 {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            x
        }
        let mounted = Interface::new(nap).inputs(Number::new()).outputs(Number::new()).into_mounted("nap").unwrap();
        let running = mounted.run(None, vec![Payload::Json(Value::Number(1.0))]);
        let waiting = async {
            // Wait behind `running`, then give up (as a disconnected HTTP client does).
            let _ = tokio::time::timeout(std::time::Duration::from_millis(5), mounted.run(None, vec![Payload::Json(Value::Number(2.0))])).await;
        };
        let (result, ()) = tokio::join!(running, waiting);
        assert_eq!(result, Ok(vec![Payload::Json(Value::Number(1.0))]));
        assert_eq!(mounted.waiting.load(Ordering::Acquire), 0);
    }

    #[test]
    fn unlabelled_components_get_unique_names() {
        let specs = (Number::new(), Number::new().label("b"), Checkbox::new(), Number::new()).into_specs();
        let named: Vec<String> = name_unlabelled(specs, |s| s.kind.name()).into_iter().map(|s| s.label).collect();
        assert_eq!(named, ["number 1", "b", "checkbox", "number 2"]);
        let outputs = name_unlabelled((Textbox::new(),).into_specs(), |_| "output");
        assert_eq!(outputs[0].label, "output");
    }

    fn shout(text: String) -> String {
        text.to_uppercase()
    }

    #[test]
    fn api_name_defaults_to_the_function_name() {
        assert_eq!(function_name::<fn(String) -> String>(), "predict");
        fn name_of<F>(_: F) -> String {
            function_name::<F>()
        }
        assert_eq!(name_of(shout), "shout");
        assert_eq!(name_of(|x: f64| x), "predict");
    }
}
