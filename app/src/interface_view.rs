//! The generic renderer: any [`InterfaceSpec`] as a page of inputs, outputs and examples.

use std::rc::Rc;

use leptos::{prelude::*, task::spawn_local};
use leptos_meta::Title;
use rheo_shared::{protocol::{end_session_path, RunRequest}, ComponentKind, ComponentSpec, FileData, InterfaceSpec, Value};
use web_sys::AbortController;

use crate::{api, browser_value::BrowserValue, live::CallQueue, streaming::Streamer, widgets::Widget};

/// Where a streaming audio output takes its chunks: `Some` chunk to play next, or `None` when
/// a new call starts or the user stops one (silence, forget what waits).
pub(crate) type ChunkSink = Rc<dyn Fn(Option<FileData>)>;

/// The page's calls: sends them by the "always last" rule of [`CallQueue`] and shows answers,
/// a generator's one by one. Widgets find it in context (an upload needs the interface's name).
#[derive(Clone, Copy)]
pub(crate) struct Caller {
    name: StoredValue<String>,
    inputs: StoredValue<Vec<RwSignal<Value>>>,
    outputs: StoredValue<Vec<RwSignal<Value>>>,
    error: RwSignal<Option<String>>,
    busy: RwSignal<bool>,
    queue: StoredValue<CallQueue>,
    generator: bool,
    /// The page's session, which the interface's `State` belongs to; set once hydrated, and
    /// new after Clear.
    session: StoredValue<Option<String>>,
    /// Stops the running generator call.
    abort: BrowserValue<AbortController>,
    /// The chunk player of each streaming audio output, by position.
    chunk_sinks: BrowserValue<Vec<Option<ChunkSink>>>,
}

impl Caller {
    /// The inputs changed, or Submit was pressed.
    fn request(self) {
        if let Some(seq) = self.queue.write_value().request() {
            self.send(seq);
        }
    }

    fn send(self, seq: u64) {
        let request = RunRequest { data: self.input_values(), session: self.session() };
        self.busy.set(true);
        if self.generator {
            return self.send_to_generator(seq, request);
        }
        spawn_local(async move {
            let result = api::run(&self.name.get_value(), request).await;
            self.complete(seq, Some(result));
        });
    }

    /// A generator call: each answer is shown as it arrives, while the call is the newest.
    fn send_to_generator(self, seq: u64, request: RunRequest) {
        let controller = AbortController::new().ok();
        let signal = controller.as_ref().map(AbortController::signal);
        if let Some(controller) = controller {
            self.abort.set(controller);
        }
        self.reset_chunks();
        spawn_local(async move {
            let show = |answer| {
                if self.queue.read_value().is_current(seq) {
                    self.show(answer);
                }
            };
            let ended = api::run_generator(&self.name.get_value(), request, signal.as_ref(), show).await;
            self.complete(seq, ended.err().map(Err));
        });
    }

    fn complete(self, seq: u64, result: Option<Result<Vec<Value>, String>>) {
        let completion = self.queue.write_value().complete(seq);
        if let Some(result) = result.filter(|_| completion.show) {
            self.show(result);
        }
        match completion.send_next {
            Some(next) => self.send(next),
            None => self.busy.set(false),
        }
    }

    /// Stops a running generator: on the server too (its task is dropped), and its sound.
    fn stop(self) {
        if let Some(controller) = self.abort.take() {
            controller.abort();
        }
        if let Some(mut queue) = self.queue.try_write_value() {
            queue.discard_answers();
        }
        self.reset_chunks();
    }

    /// Tells the server the session ended (the page closes, or Clear starts a new one). A
    /// beacon, so it is sent even while the page unloads.
    fn end_session(self) {
        if let (Some(session), Some(window)) = (self.session(), web_sys::window()) {
            let _ = window.navigator().send_beacon(&end_session_path(&self.name(), &session));
        }
    }

    /// The page's session, once it has one.
    pub(crate) fn session(self) -> Option<String> {
        self.session.get_value()
    }

    /// Streaming audio output `index` plays its chunks with `sink`.
    pub(crate) fn play_chunks_with(self, index: usize, sink: ChunkSink) {
        let outputs = self.outputs.read_value().len();
        self.chunk_sinks.with_or_insert(|| vec![None; outputs], |sinks| {
            if let Some(slot) = sinks.get_mut(index) {
                *slot = Some(sink);
            }
        });
    }

    fn reset_chunks(self) {
        self.chunk_sinks.with(|sinks| sinks.iter().flatten().for_each(|sink| sink(None)));
    }

    fn show(self, result: Result<Vec<Value>, String>) {
        match result {
            Ok(values) => {
                self.set_outputs(values);
                self.error.set(None);
            }
            Err(message) => {
                self.clear_outputs();
                self.error.set(Some(message));
            }
        }
    }

    pub(crate) fn name(self) -> String {
        self.name.get_value()
    }

    /// Every input's value now.
    pub(crate) fn input_values(self) -> Vec<Value> {
        self.inputs.read_value().iter().map(|s| s.get_untracked()).collect()
    }

    pub(crate) fn set_error(self, message: Option<String>) {
        self.error.set(message);
    }

    /// Shows new outputs; an audio chunk goes to its output's player instead. A replaced
    /// `blob:` URL (a streamed frame) is revoked, or every frame of a stream would stay in memory.
    pub(crate) fn set_outputs(self, values: Vec<Value>) {
        for (index, (signal, value)) in self.outputs.read_value().iter().zip(values).enumerate() {
            if let Value::File(chunk @ FileData { is_stream: true, .. }) = &value {
                if let Some(sink) = self.chunk_sinks.with(|sinks| sinks.get(index).cloned().flatten()).flatten() {
                    sink(Some(chunk.clone()));
                    continue;
                }
            }
            if let Value::File(FileData { url: Some(old), .. }) = signal.get_untracked() {
                if old.starts_with("blob:") {
                    let _ = web_sys::Url::revoke_object_url(&old);
                }
            }
            signal.set(value);
        }
    }

    fn clear_outputs(self) {
        let none = vec![Value::Null; self.outputs.read_value().len()];
        self.set_outputs(none);
    }
}

#[component]
pub fn InterfaceView(spec: InterfaceSpec) -> impl IntoView {
    let starting_values = |components: &[ComponentSpec], start: fn(&ComponentSpec) -> Value| {
        components.iter().map(|c| RwSignal::new(start(c))).collect::<Vec<_>>()
    };
    let inputs = starting_values(&spec.inputs, |c| c.value.clone());
    let outputs = starting_values(&spec.outputs, |_| Value::Null);
    let caller = Caller {
        name: StoredValue::new(spec.name.clone()),
        inputs: StoredValue::new(inputs.clone()),
        outputs: StoredValue::new(outputs.clone()),
        error: RwSignal::new(None),
        busy: RwSignal::new(false),
        queue: StoredValue::new(CallQueue::default()),
        generator: spec.generator,
        session: StoredValue::new(None),
        abort: BrowserValue::new(),
        chunk_sinks: BrowserValue::new(),
    };
    provide_context(caller);
    crate::on_leave(move || caller.stop());
    let live = spec.live;
    // With a streaming input, the stream runs the handler: other inputs' changes go to it.
    let streamer = spec.streaming_input().map(|index| {
        let quality = match spec.inputs[index].kind {
            ComponentKind::Image { jpeg_quality, .. } => jpeg_quality,
            _ => 0.8,
        };
        let streamer = Streamer::new(caller, spec.stream_every, quality);
        provide_context(streamer);
        crate::on_leave(move || streamer.stop());
        streamer
    });
    // Effects run only in the browser, after hydration: the page says when it is interactive.
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| {
        caller.session.set_value(Some(new_session_id()));
        hydrated.set(true);
    });
    // A closing page ends its session, so the server drops its State at once.
    let on_page_hide = window_event_listener(leptos::ev::pagehide, move |_| caller.end_session());
    crate::on_leave(move || on_page_hide.remove());
    let on_input_change = Callback::new(move |()| match streamer {
        Some(streamer) => streamer.inputs_changed(),
        None if live => caller.request(),
        None => {}
    });
    let clear = {
        let starts: Vec<Value> = spec.inputs.iter().map(|c| c.value.clone()).collect();
        move |_| {
            caller.stop();
            caller.end_session();
            caller.session.set_value(Some(new_session_id()));
            for (signal, start) in caller.inputs.read_value().iter().zip(&starts) {
                signal.set(start.clone());
            }
            caller.clear_outputs();
            caller.error.set(None);
        }
    };

    let input_widgets = widgets(&spec.inputs, &inputs, "input", Some(on_input_change));
    let output_widgets = widgets(&spec.outputs, &outputs, "output", None);

    view! {
        <Title text=spec.title.clone()/>
        <nav class="crumbs"><a href="/">"All demos"</a></nav>
        <h1>{spec.title.clone()}</h1>
        {(!spec.description.is_empty()).then(|| view! { <p class="description">{spec.description.clone()}</p> })}
        <div class="interface" data-live=live.to_string() data-hydrated=move || hydrated.get().to_string()
            data-stream=move || streamer.map(|s| s.status.get().name())
            data-frames=move || streamer.map(|s| s.frames_shown.get())>
            <section class="inputs" aria-label="Inputs">
                {input_widgets}
                <div class="buttons">
                    <button type="button" class="secondary" on:click=clear>"Clear"</button>
                    {(!live).then(|| view! {
                        <button type="button" class="primary" on:click=move |_| caller.request()>"Submit"</button>
                    })}
                    {spec.generator.then(|| view! {
                        <button type="button" class="secondary" hidden=move || !caller.busy.get()
                            on:click=move |_| {
                                caller.stop();
                                caller.busy.set(false);
                            }>"Stop"</button>
                    })}
                </div>
            </section>
            <section class="outputs" aria-label="Outputs" aria-live="polite" aria-busy=move || caller.busy.get().to_string()>
                {output_widgets}
                {move || caller.error.get().map(|message| view! { <p class="error" role="alert">{message}</p> })}
            </section>
        </div>
        <Examples spec=spec.clone() inputs on_fill=on_input_change/>
    }
}

/// A widget per component, with ids `<prefix>-0`, `<prefix>-1`, …
fn widgets(
    components: &[ComponentSpec],
    values: &[RwSignal<Value>],
    prefix: &str,
    on_change: Option<Callback<()>>,
) -> impl IntoView {
    components
        .iter()
        .zip(values)
        .enumerate()
        .map(|(i, (component, value))| {
            view! { <Widget spec=component.clone() index=i id=format!("{prefix}-{i}") value=*value on_change/> }
        })
        .collect_view()
}

/// Rows of example inputs; clicking one fills the inputs and reports it as an input change.
#[component]
fn Examples(spec: InterfaceSpec, inputs: Vec<RwSignal<Value>>, on_fill: Callback<()>) -> impl IntoView {
    if spec.examples.is_empty() {
        return None;
    }
    let labels: Vec<String> = spec.inputs.iter().map(|c| c.label.clone()).collect();
    let rows = spec.examples.into_iter().enumerate().map(|(row, values)| {
        let inputs = inputs.clone();
        let description: Vec<String> =
            labels.iter().zip(&values).map(|(label, value)| format!("{label} {}", show_value(value))).collect();
        let cells = values.iter().map(|v| view! { <span>{show_value(v)}</span> }).collect_view();
        let fill = move |_| {
            for (signal, value) in inputs.iter().zip(&values) {
                signal.set(value.clone());
            }
            on_fill.run(());
        };
        view! {
            <button type="button" class="example" aria-label=format!("Example {}: {}", row + 1, description.join(", ")) on:click=fill>
                {cells}
            </button>
        }
    });
    Some(view! {
        <section class="examples" aria-label="Examples">
            <h2>"Examples"</h2>
            <div class="example-header" aria-hidden="true">
                {labels.iter().map(|l| view! { <span>{l.clone()}</span> }).collect_view()}
            </div>
            {rows.collect_view()}
        </section>
    })
}

/// A fresh id for the page's session (not a secret: it only keeps one page's State apart from
/// another's).
fn new_session_id() -> String {
    format!("{:x}{:x}", js_sys::Date::now() as u64, (js_sys::Math::random() * 1e15) as u64)
}

/// A value as text, the way a person reads it (`12`, not `12.0`).
pub fn show_value(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::Bool(b) => if *b { "✓".into() } else { "✗".into() },
        Value::Number(n) => n.to_string(),
        Value::Text(t) => t.clone(),
        Value::File(file) => file.orig_name.clone().unwrap_or_else(|| "file".into()),
        Value::Classification(c) => c.label.clone().unwrap_or_default(),
    }
}
