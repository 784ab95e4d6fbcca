//! [`Interface`]: a handler, its input and output components, and its options.

use std::{marker::PhantomData, sync::Arc, time::Duration};

use futures::StreamExt;
use rheo_shared::{components::Media, CacheMode, ComponentSpec, Flagging, InterfaceSpec, TriggerMode, ValueError};

use crate::{
    components::{ComponentList, Returns, WithEventData},
    engine::value::ComponentValue,
    engine::{
        sessions::StateWiring, value::Payload, within, CallError, Declared, DeclaredApp, ErasedConversation,
        ErasedHandler, ExampleFile,
    },
    handler::{Handler, Incoming},
};

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
    article: String,
    html_in_text: bool,
    flagging: Option<Flagging>,
    live: bool,
    live_debounce: Option<Duration>,
    trigger_mode: Option<TriggerMode>,
    api_name: String,
    stream_every: Duration,
    time_limit: Option<Duration>,
    examples: Vec<Vec<Payload>>,
    cache_examples: Option<CacheMode>,
    /// The author's, if set (`None` for the server's default).
    concurrency_limit: Option<Option<usize>>,
    timeout: Option<Duration>,
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
                article: String::new(),
                html_in_text: false,
                flagging: None,
                live: false,
                live_debounce: None,
                trigger_mode: None,
                api_name: F::api_name(),
                stream_every: Duration::from_millis(500),
                time_limit: Some(Duration::from_secs(30)),
                examples: Vec::new(),
                cache_examples: None,
                concurrency_limit: None,
                timeout: None,
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

    /// A live interface recomputes once its inputs have been still for `pause` (at most 10 s)
    /// instead of at each change: a word typed, not each letter, for a handler too slow or too
    /// costly to run on every keystroke. Without it, a live interface recomputes at once and
    /// always on the latest inputs.
    pub fn live_debounce(mut self, pause: Duration) -> Self {
        self.options.live_debounce = Some(pause);
        self
    }

    /// What a change (of a live interface) or a Submit does while the page's call runs:
    /// [`TriggerMode::AlwaysLast`] (a live interface's default: one call follows with the
    /// inputs as they are then), [`TriggerMode::Multiple`] (every change is answered, up to 8
    /// calls at once) or [`TriggerMode::Once`] (ignored; Submit's default).
    pub fn trigger_mode(mut self, mode: TriggerMode) -> Self {
        self.options.trigger_mode = Some(mode);
        self
    }

    /// The page's heading; defaults to the mount name.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.options.title = Some(title.into());
        self
    }

    /// Markdown shown under the title (and given to API clients and MCP as the interface's
    /// description). Raw HTML in it is shown as text unless [`html_in_text`](Self::html_in_text).
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.options.description = description.into();
        self
    }

    /// Markdown shown under the interface: how it works, where the model comes from (Gradio's
    /// `article`). Raw HTML in it is shown as text unless [`html_in_text`](Self::html_in_text).
    pub fn article(mut self, article: impl Into<String>) -> Self {
        self.options.article = article.into();
        self
    }

    /// Keep raw HTML in the description and the article (off by default: it is shown as
    /// text). For the author's own markup only, never for text a user gave: even so, no
    /// script runs (the page's CSP allows only its own scripts), and links stay `http`,
    /// `https`, `mailto` or relative.
    pub fn html_in_text(mut self, html: bool) -> Self {
        self.options.html_in_text = html;
        self
    }

    /// A Flag button under the outputs (off by default; Gradio's `flagging_mode="manual"`):
    /// a person who finds a result wrong or interesting saves its inputs and outputs, and the
    /// server appends them to a CSV in the flagging directory with copies of their media (see
    /// [`Registry::flagging_dir`](crate::Registry::flagging_dir)). Not for streaming interfaces.
    pub fn flagging(mut self, on: bool) -> Self {
        self.options.flagging = on.then(|| self.options.flagging.take().unwrap_or_default());
        self
    }

    /// Turns flagging on with a button per reason (Gradio's `flagging_options`): "Flag as
    /// Incorrect", "Flag as Offensive"; the reason goes in the CSV's `reason` column.
    pub fn flagging_options<S: Into<String>>(mut self, reasons: impl IntoIterator<Item = S>) -> Self {
        self.options.flagging = Some(Flagging { reasons: reasons.into_iter().map(Into::into).collect() });
        self
    }

    /// The endpoint name programmatic clients call.
    pub fn api_name(mut self, api_name: impl Into<String>) -> Self {
        self.options.api_name = api_name.into();
        self
    }

    /// The time between captured chunks or frames of a streaming input (default 0.5 s,
    /// Gradio's).
    pub fn stream_every(mut self, every: Duration) -> Self {
        self.options.stream_every = every;
        self
    }

    /// How long one stream may run (default 30 s); `None` for no limit.
    pub fn time_limit(mut self, limit: Option<Duration>) -> Self {
        self.options.time_limit = limit;
        self
    }

    /// How long one call may take, from when its handler starts (a generator: to its last
    /// value); past it, the call fails with a message. Unset by default. An `async` handler is
    /// stopped there; a plain function cannot be stopped, so it runs on, holding its slot,
    /// until it returns.
    pub fn timeout(mut self, limit: Option<Duration>) -> Self {
        self.options.timeout = limit;
        self
    }

    /// Calls that may run at once; `None` for no limit. Unless set, the server's
    /// [`default_concurrency_limit`](crate::Limits) (1, as in Gradio). Up to
    /// [`max_waiting_calls`](crate::Limits) more wait their turn.
    pub fn concurrency_limit(mut self, limit: Option<usize>) -> Self {
        self.options.concurrency_limit = Some(limit);
        self
    }
}

impl<F, M, I: ComponentList, O> Interface<F, M, I, O> {
    /// Rows of input values shown under the inputs; clicking one fills them in (and runs the
    /// call, when live). Typed like the handler's arguments: an image example is an image (say
    /// `image::load_from_memory(include_bytes!("cat.png"))?.to_rgb8()`), shown as a thumbnail;
    /// an audio example is an `AudioData`, shown by name with a player beside the row.
    pub fn examples(mut self, rows: impl IntoIterator<Item = I::Args>) -> Self {
        self.options.examples = rows.into_iter().map(I::encode_args).collect();
        self
    }
}

impl<F, M, I, O> Interface<F, M, I, O> {
    /// Keeps the examples' outputs (Gradio's `cache_examples`): computed before the server
    /// serves ([`CacheMode::Eager`]) or on each example's first call ([`CacheMode::Lazy`]),
    /// then kept while it runs (shared between replicas through their store). A call on an
    /// example's values is answered from them without the handler, and clicking an example
    /// shows them at once. A generator keeps its last answer; an example whose handler fails
    /// keeps its error, shown when it is clicked, and the server starts all the same. Not for
    /// streaming interfaces or interfaces with [`State`](crate::State) (each call's answer
    /// depends on the session there).
    pub fn cache_examples(mut self, mode: CacheMode) -> Self {
        self.options.cache_examples = Some(mode);
        self
    }
}

/// A function item's name: `demos::calculator` → `calculator`. Closures, generic functions
/// and function pointers have no plain name; they get Gradio's fallback, `predict`.
pub(crate) fn function_name<F>() -> String {
    let full = std::any::type_name::<F>();
    if full.contains(|c: char| "(<{ ".contains(c)) {
        return "predict".to_string();
    }
    full.rsplit("::").next().unwrap_or(full).to_string()
}

/// Turns an [`Interface`] whose handler fits its components, or a [`Blocks`](crate::Blocks),
/// into a declaration the server builds when it starts.
#[diagnostic::on_unimplemented(
    message = "the handler of this interface does not fit its components",
    label = "check the handler's signature against `.inputs(..)` and `.outputs(..)`",
    note = "the handler's arguments must be, in order, the value types of the input components, \
            and it must return the output components' value types (a tuple for several), a Result \
            of them, or a Stream of either; each component's value type is in the table of \
            `rheo::components` (Number → f64, Textbox → String, Image → image::RgbImage, …)"
)]
pub trait IntoMounted: private::Sealed {
    /// The checked declaration, or every problem of it in words.
    #[doc(hidden)]
    #[allow(private_interfaces)] // `Declared` is the engine's; the trait is sealed
    fn into_mounted(self, name: &str) -> Result<DeclaredApp, Vec<String>>;
}

pub(crate) mod private {
    /// Only [`Interface`](super::Interface)s and [`Blocks`](crate::Blocks) mount.
    #[allow(unreachable_pub)] // public in a private module: the sealing pattern
    pub trait Sealed {}
}

impl<F, M, I, O> private::Sealed for Interface<F, M, I, O> {}

impl<F, M, I, O> IntoMounted for Interface<F, M, I, O>
where
    F: Handler<M, Args = I::Args>,
    F::Output: Returns<O>,
    I: ComponentList,
    O: ComponentList,
{
    #[allow(private_interfaces)]
    fn into_mounted(self, name: &str) -> Result<DeclaredApp, Vec<String>> {
        let options = self.options;
        let states = StateWiring::interface(self.inputs.starting_states(), self.outputs.starting_states());
        let mut example_files = Vec::new();
        let handler = Arc::new(self.handler);
        let conversation = erase_conversation::<F, M, I, O>(handler.clone());
        let spec = InterfaceSpec {
            name: name.to_string(),
            title: options.title.unwrap_or_else(|| name.to_string()),
            description: options.description,
            article: options.article,
            html_in_text: options.html_in_text,
            inputs: name_unlabelled(self.inputs.into_specs(), |spec| spec.kind.name()),
            outputs: name_unlabelled(self.outputs.into_specs(), |_| "output"),
            live: options.live,
            live_debounce: options.live_debounce.map(|pause| pause.as_secs_f64()),
            trigger_mode: options.trigger_mode,
            api_name: options.api_name,
            stream_every: options.stream_every.as_secs_f64(),
            time_limit: options.time_limit.map(|limit| limit.as_secs_f64()),
            examples: (options.examples.into_iter().enumerate())
                .map(|(row, payloads)| ExampleFile::row_values(0, row, payloads, &mut example_files))
                .collect(),
            // The server's default replaces it when the server is built, unless the author set one.
            concurrency_limit: options.concurrency_limit.flatten(),
            generator: F::GENERATOR,
            duplex: conversation.is_some(),
            flagging: options.flagging,
            batch: handler.batching(),
            cache_examples: options.cache_examples,
        };
        let mut problems = spec.check().err().unwrap_or_default();
        let streams_audio = |c: &ComponentSpec| c.kind.media() == Some(Media::Audio { streamed: true });
        if spec.cache_examples.is_some() && spec.generator && spec.outputs.iter().any(streams_audio) {
            problems
                .push("a generator whose audio streams cannot cache its examples: only its last chunk is kept".into());
        }
        let states = match (problems.is_empty(), states) {
            (true, Ok(states)) => states,
            (_, states) => return Err(problems.into_iter().chain(states.err().into_iter().flatten()).collect()),
        };
        let timeout = options.timeout.filter(|limit| !limit.is_zero());
        let handler = erase::<F, M, I, O>(handler);
        let erased: ErasedHandler = Box::new(move |values, slot| within(handler(values, slot), timeout));
        let (state_starts, wiring) = states;
        let endpoint = Declared::new(spec.clone(), erased, wiring)
            .conversing(conversation)
            .with_limit_set(options.concurrency_limit.is_some());
        let endpoints = vec![endpoint];
        Ok(DeclaredApp { spec: spec.to_blocks(), endpoints, state_starts, example_files })
    }
}

/// A typed handler as the engine runs it: payloads in, decoded as `I`'s values; its returns
/// encoded as `O`'s.
pub(crate) fn erase<F, M, I, O>(handler: Arc<F>) -> ErasedHandler
where
    F: Handler<M, Args = I::Args>,
    F::Output: Returns<O>,
    I: ComponentList,
    O: ComponentList,
{
    erase_decoded::<F, M, O>(handler, I::decode)
}

/// [`erase`] for a handler that takes its event's data (the first payload; a
/// [`Like`](crate::Like)) before `I`'s values.
pub(crate) fn erase_with_event_data<D, F, M, I, O>(handler: Arc<F>) -> ErasedHandler
where
    D: ComponentValue,
    F: Handler<M, Args = <I as WithEventData<D>>::Args>,
    F::Output: Returns<O>,
    I: WithEventData<D>,
    O: ComponentList,
{
    erase_decoded::<F, M, O>(handler, move |mut payloads| {
        let data = match payloads.is_empty() {
            true => Err(ValueError::WrongType { expected: "the event's data", got: "nothing" }),
            false => D::from_payload(payloads.remove(0)),
        };
        Ok(I::with(data?, I::decode(payloads)?))
    })
}

/// A handler erased, its arguments decoded by `decode`.
fn erase_decoded<F, M, O>(handler: Arc<F>, decode: fn(Vec<Payload>) -> Result<F::Args, ValueError>) -> ErasedHandler
where
    F: Handler<M>,
    F::Output: Returns<O>,
    O: ComponentList,
{
    Box::new(move |values, slot| match decode(values) {
        Ok(args) => handler.clone().call(args, slot).map(|answer| answer.map(Returns::into_payloads)).boxed(),
        Err(e) => futures::stream::once(async move { Err(CallError::invalid_input(e.to_string())) }).boxed(),
    })
}

/// A typed handler's conversation as the engine runs it, if it has one: each row of payloads
/// decoded as `I`'s values (a row that does not fit, which the engine's checks make
/// impossible, is logged and left out), what it says encoded as `O`'s.
pub(crate) fn erase_conversation<F, M, I, O>(handler: Arc<F>) -> Option<ErasedConversation>
where
    F: Handler<M, Args = I::Args>,
    F::Output: Returns<O>,
    I: ComponentList,
    O: ComponentList,
{
    let conversation = handler.conversation()?;
    Some(Box::new(move |rows, slot| {
        let rows = rows.filter_map(|row| {
            std::future::ready(
                I::decode(row).inspect_err(|e| tracing::warn!("a conversation's row left out: {e}")).ok(),
            )
        });
        let said = conversation(Incoming::new(rows), slot);
        said.map(|said| said.map(|said| said.map(Returns::into_payloads))).boxed()
    }))
}

/// Gives each component without a label a default one, numbering repeats ("number 1",
/// "number 2") so that every label on a page is unique.
pub(crate) fn name_unlabelled(
    mut specs: Vec<ComponentSpec>,
    default: impl Fn(&ComponentSpec) -> &'static str,
) -> Vec<ComponentSpec> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Checkbox, Number, Textbox};
    use rheo_shared::Value;

    #[test]
    fn unlabelled_components_get_unique_names() {
        let specs = (Number::new(), Number::new().label("b"), Checkbox::new(), Number::new()).into_specs();
        let named: Vec<String> = name_unlabelled(specs, |s| s.kind.name()).into_iter().map(|s| s.label).collect();
        assert_eq!(named, ["number 1", "b", "checkbox", "number 2"]);
        let outputs = name_unlabelled((Textbox::new(),).into_specs(), |_| "output");
        assert_eq!(outputs[0].label, "output");
    }

    #[test]
    fn a_builder_settles_its_starting_value_from_its_final_options() {
        let mounted =
            Interface::new(|x: f64| x).inputs(Number::new().minimum(2.0)).outputs(Number::new()).into_mounted("n");
        let mounted = mounted.expect("Number::new().minimum(2.0) mounts");
        assert_eq!(mounted.endpoints[0].spec().inputs[0].value, Value::Number(2.0));
        let below = Number::new().maximum(-1.0).minimum(-5.0).into_specs();
        assert_eq!(below[0].value, Value::Number(-1.0));
        let given = Number::new().value(7.0).minimum(2.0).into_specs();
        assert_eq!(given[0].value, Value::Number(7.0), "a value the author gave stays");
    }

    fn hear(chunks: Incoming<crate::AudioData>) -> impl futures::Stream<Item = f64> {
        chunks.map(|_| 1.0)
    }

    fn hear_with_state(
        chunks: Incoming<(crate::AudioData, crate::State<u32>)>,
    ) -> impl futures::Stream<Item = (f64, crate::State<u32>)> {
        chunks.map(|(_, state)| (1.0, state))
    }

    #[test]
    fn a_conversation_needs_a_streaming_input_and_takes_no_state() {
        use crate::{Audio, State};
        let problems = |mounted: Result<DeclaredApp, Vec<String>>| mounted.err().unwrap_or_default().join("; ");
        let unheard = Interface::new(hear).inputs(Audio::new()).outputs(Number::new()).live(true);
        assert!(problems(unheard.into_mounted("a")).contains("needs a streaming input to hear"));
        let stateful = Interface::new(hear_with_state)
            .inputs((Audio::new().streaming(true), State(0u32)))
            .outputs((Number::new(), State(0u32)))
            .live(true);
        assert!(problems(stateful.into_mounted("b")).contains("takes and gives no State"));
        let heard = Interface::new(hear).inputs(Audio::new().streaming(true)).outputs(Number::new()).live(true);
        let heard = heard.into_mounted("c").expect("a conversation of a streaming input mounts");
        assert!(heard.endpoints[0].spec().duplex && heard.spec.events[0].duplex);
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
