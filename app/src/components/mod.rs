//! Widgets, one module per component, the layer above streams and calls. Each renders its
//! label bound to its control, shows its value signal, and, as an input (`on_change` set),
//! writes the user's changes back to the signal and reports them.
//!
//! The contract: every kind of component implements [`Widget`] for its options type of
//! `rheo_shared`, and [`component_view`] dispatches with an exhaustive match, so a kind without
//! a widget does not compile. A widget gets everything it uses as props (the [`Field`]): its
//! value, the caller (for uploads and audio chunks) and the stream, if the interface has one.
//!
//! Views stay typed (`impl IntoView`, branches as `Either`s), never `AnyView`: an `AnyView`
//! carries the async hydration of its whole subtree, which this page never uses, and which
//! made a third of the widgets' code in the bundle.

mod annotated_image;
mod audio;
mod button;
mod chatbot;
mod checkbox;
mod code;
mod color_picker;
mod dataframe;
mod date_time;
mod dropdown;
mod file;
mod gallery;
mod highlighted_text;
mod image;
mod json;
mod label;
mod lazy;
mod legend;
mod markdown;
mod multimodal_textbox;
mod number;
mod plot;
mod radio;
mod slider;
mod state;
mod textbox;
mod video;

#[cfg(feature = "hydrate")]
pub use lazy::hydrate_when_loaded;
pub use lazy::widget_chunk;
#[cfg(feature = "ssr")]
pub(crate) use markdown::{to_plain_text, to_safe_html, RawHtml};

use leptos::{either::Either, prelude::*, task::spawn_local};
use rheo_shared::{ComponentKind, ComponentSpec, FileData, Update, Value};
use web_sys::Blob;

use crate::{
    browser::devices::{Device, Says},
    calls::{api, Caller},
    stream::{StreamStatus, Streamer},
    words::{words, Text},
};

/// What each kind of component has in the page.
pub(crate) trait Widget {
    /// The widget for `field`: an input when `field` reports changes, else an output.
    fn view(&self, field: Field) -> impl IntoView + use<Self>;
}

/// Calls `$callback!` with `$args`, then the kinds whose widgets are in the main module, then,
/// after `lazy:`, those loaded only by the pages that show them: their code is in wasm chunks
/// (see [`hydrate_when_loaded`]), so a page without a chat or a code editor does not download
/// it. The one list of both, for the widgets' dispatch and the options' reader.
macro_rules! widget_kinds {
    ($callback:ident!($($args:tt)*)) => {
        $callback!($($args)*
            Number, Slider, Radio, Textbox, Checkbox, State, Button;
            lazy: Dropdown, Label, Markdown, Json, Image, Audio, Chatbot, File, MultimodalTextbox, ColorPicker, DateTime,
                HighlightedText, Code, Gallery, AnnotatedImage, Dataframe, Plot, Video,
        )
    };
}

/// The widget of the component `spec`, shown with `look`: one exhaustive match over the kinds
/// (a kind without a widget does not compile), each arm's view typed in its own branch of an
/// `Either` chain.
pub(crate) fn component_view(spec: &ComponentSpec, look: Look, field: Field) -> impl IntoView + use<> {
    look.wrap(widget_kinds!(views_by_kind!(&spec.kind, field;)))
}

/// The page's reader of a kind's options (see `rheo_shared::components::page_options`): the
/// main module's kinds read here, the others by their chunk's code, loaded before the page
/// reads its spec. One exhaustive match over the kinds' names.
#[cfg(feature = "hydrate")]
pub(crate) fn read_options(name: rheo_shared::components::KindName, json: &str) -> Result<ComponentKind, String> {
    widget_kinds!(options_by_kind!(name, json;))
}

/// `match $name { KindName::$variant => ComponentKind::$variant(options), … }`, the options of
/// the kinds after `lazy:` read by their chunk.
#[cfg(feature = "hydrate")]
macro_rules! options_by_kind {
    ($name:expr, $json:expr; $($variant:ident),+ ; lazy: $($lazy:ident),+ $(,)?) => {{
        use rheo_shared::components::KindName;
        match $name {
            $(KindName::$variant => rheo_shared::components::page_options::read($json, ComponentKind::$variant),)+
            $(KindName::$lazy => lazy::read_loaded(lazy::options::$lazy($json.to_owned())),)+
        }
    }};
}
#[cfg(feature = "hydrate")]
use options_by_kind;

/// `match $kind { ComponentKind::$variant(kind) => kind.view($field), … }` with each arm's view
/// put in its own branch of a chain of `Either`s, by position: `Left` for the first,
/// `Right(Left)` for the second, …, and the lazily loaded kinds all in the innermost `Right`
/// (their views are `AnyView`s, as a function in another chunk must name what it returns). The
/// views stay typed otherwise, and, unlike leptos' `either!` (at most 16 arms, as
/// `EitherOf16`), any number of kinds fits.
macro_rules! views_by_kind {
    ($kind:expr, $field:expr; $($variant:ident),+ ; lazy: $($lazy:ident),+ $(,)?) => {
        views_by_kind!(@arms ($kind, $field) [] [] $($variant)+ ; [$($lazy)+])
    };
    (@arms ($kind:expr, $field:expr) [$($arms:tt)*] $rights:tt ; [$($lazy:ident)+]) => {
        match $kind {
            $($arms)*
            $(ComponentKind::$lazy(kind) => views_by_kind!(@wrap $rights lazy::shown_when_loaded(lazy::$lazy(kind.clone(), $field))),)+
        }
    };
    (@arms ($kind:expr, $field:expr) [$($arms:tt)*] [$($rights:tt)*] $next:ident $($rest:ident)* ; $lazy:tt) => {
        views_by_kind!(@arms ($kind, $field)
            [$($arms)* ComponentKind::$next(kind) => views_by_kind!(@wrap [$($rights)*] Either::Left(kind.view($field))),]
            [$($rights)* Right]
            $($rest)* ; $lazy)
    };
    (@wrap [] $view:expr) => { $view };
    (@wrap [Right $($rights:tt)*] $view:expr) => { Either::Right(views_by_kind!(@wrap [$($rights)*] $view)) };
}
use views_by_kind;

/// How a component shows, which a handler's update may change (Gradio's `visible`,
/// `interactive` and `label`).
#[derive(Clone, Copy)]
pub(crate) struct Look {
    visible: RwSignal<bool>,
    interactive: RwSignal<bool>,
    label: RwSignal<String>,
    /// A Radio's or a Dropdown's choices an update gave; `None`: as declared.
    choices: RwSignal<Option<Vec<String>>>,
}

impl Look {
    /// As the component was declared: shown, open to the user, with its label.
    pub(crate) fn new(spec: &ComponentSpec) -> Self {
        Look {
            visible: RwSignal::new(true),
            interactive: RwSignal::new(true),
            label: RwSignal::new(spec.label.clone()),
            choices: RwSignal::new(None),
        }
    }

    /// The label shown now.
    pub(crate) fn label(self) -> RwSignal<String> {
        self.label
    }

    /// Shown only while `shown` says so (a Stop button: while what it stops runs).
    pub(crate) fn show_while(self, shown: impl Fn() -> bool + Send + Sync + 'static) {
        // Set at once too: effects run only once hydrated, and the server's page must agree.
        self.visible.set(untrack(&shown));
        Effect::new(move |_| self.visible.set(shown()));
    }

    /// The choices an update gave, if one did.
    pub(crate) fn choices(self) -> RwSignal<Option<Vec<String>>> {
        self.choices
    }

    /// Shows `update`'s look; gives back its value, if it has one.
    pub(crate) fn show(self, update: Update) -> Option<Value> {
        let Update { value, visible, interactive, label, choices, .. } = update;
        if let Some(visible) = visible {
            self.visible.set(visible);
        }
        if let Some(interactive) = interactive {
            self.interactive.set(interactive);
        }
        if let Some(label) = label {
            self.label.set(label);
        }
        if choices.is_some() {
            self.choices.set(choices);
        }
        value
    }

    /// `widget` hidden and disabled as the look says: in a `<fieldset>` that takes no room of
    /// its own (`display: contents`), whose `disabled` reaches every control inside; with no
    /// role, so that assistive technology does not announce an unnamed group around each one.
    fn wrap(self, widget: impl IntoView) -> impl IntoView {
        let Look { visible, interactive, .. } = self;
        view! {
            <fieldset class="look" role="none" hidden=move || !visible.get() disabled=move || !interactive.get()>
                {widget}
            </fieldset>
        }
    }
}

/// What every widget has: an id for its control, a label, a value and maybe a change hook,
/// and the page's caller and stream.
pub(crate) struct Field {
    pub(crate) id: String,
    /// The label shown now (an update may change it).
    pub(crate) label: RwSignal<String>,
    /// Said under the label; empty for nothing.
    pub(crate) info: String,
    /// A Radio's or a Dropdown's choices an update gave (see [`Look::choices`]).
    pub(crate) choices: RwSignal<Option<Vec<String>>>,
    /// The component's position among the inputs or the outputs.
    pub(crate) index: usize,
    pub(crate) value: RwSignal<Value>,
    /// Set for inputs; `None` makes the widget a read-only output.
    pub(crate) on_change: Option<Callback<()>>,
    /// What the user's other actions on it run.
    pub(crate) hooks: Hooks,
    pub(crate) caller: Caller,
    /// The interface's stream, if it has a streaming input.
    pub(crate) streamer: Option<Streamer>,
}

/// What the user's actions on a widget run besides its change: a Blocks app's `submit`,
/// `upload` and `clear` events, where one listens.
#[derive(Clone, Copy, Default)]
pub(crate) struct Hooks {
    /// Enter in a one-line text field.
    pub(crate) submit: Option<Callback<()>>,
    /// A file stored into a media input.
    pub(crate) upload: Option<Callback<()>>,
    /// A media input's file removed.
    pub(crate) clear: Option<Callback<()>>,
    /// A Chatbot's message liked or disliked, with its `LikeData`.
    pub(crate) like: Option<Callback<serde_json::Value>>,
    /// A Chatbot's message edited, with its `EditData`.
    pub(crate) edit: Option<Callback<serde_json::Value>>,
}

impl Hooks {
    /// Whether any of the actions runs something.
    pub(crate) fn any(&self) -> bool {
        self.submit.is_some() || self.upload.is_some() || self.clear.is_some()
    }
}

impl Field {
    pub(crate) fn readonly(&self) -> bool {
        self.on_change.is_none()
    }

    /// Stores a new value from the user and reports it, unless it is the value already held
    /// (so re-typing "1.0" over "1" does not recompute).
    pub(crate) fn commit(&self) -> impl Fn(Value) + Copy + 'static {
        let (value, on_change) = (self.value, self.on_change);
        move |new: Value| {
            if value.get_untracked() != new {
                value.set(new);
                if let Some(on_change) = on_change {
                    on_change.run(());
                }
            }
        }
    }

    /// The file the value holds, if it holds one.
    pub(crate) fn file(&self) -> impl Fn() -> Option<FileData> + Copy + 'static {
        let value = self.value;
        move || match value.get() {
            Value::File(file) => Some(file),
            _ => None,
        }
    }

    /// The files the value holds: a file's one, a list's each.
    pub(crate) fn files(&self) -> impl Fn() -> Vec<FileData> + Copy + 'static {
        let value = self.value;
        move || value.with(|value| value.files().to_vec())
    }

    /// What a media input does with a chosen file (picked, dropped, pasted, recorded): upload
    /// it at once and take the stored file as the value. `upload` shows whether one is on its
    /// way and why the last failed.
    pub(crate) fn uploader(&self, upload: Upload) -> impl Fn(Blob, String) + Copy + 'static {
        let upload_all = self.files_uploader(upload, false);
        move |media: Blob, name: String| upload_all(vec![(media, name)])
    }

    /// What an input does with the files chosen: upload them in one request, then take them
    /// as its value, as a `list` or as its one file.
    pub(crate) fn files_uploader(&self, upload: Upload, list: bool) -> impl Fn(Vec<(Blob, String)>) + Copy + 'static {
        self.uploader_into(
            upload,
            move |mut files| if list { Value::Files(files) } else { Value::File(files.remove(0)) },
        )
    }

    /// What an input does with the files chosen: upload them in one request, then commit the
    /// value `value_of` makes of them.
    pub(crate) fn uploader_into(
        &self,
        upload: Upload,
        value_of: impl Fn(Vec<FileData>) -> Value + Copy + 'static,
    ) -> impl Fn(Vec<(Blob, String)>) + Copy + 'static {
        let (caller, uploaded, value) = (self.caller, self.hooks.upload, self.value);
        let commit = self.commit();
        move |chosen: Vec<(Blob, String)>| {
            if chosen.is_empty() {
                return;
            }
            upload.busy.set(true);
            upload.error.set(None);
            let mut in_flight = caller.uploads().start(value);
            spawn_local(async move {
                match api::upload(&caller.endpoint(), &chosen).await {
                    Ok(files) => {
                        commit(value_of(files));
                        uploaded.inspect(|uploaded| uploaded.run(()));
                        // The value's change effects run first: a call they ask for joins the
                        // one waiting for this upload, rather than following it.
                        leptos::task::tick().await;
                    }
                    Err(message) => {
                        upload.error.set(Some(message));
                        in_flight.fail();
                    }
                }
                upload.busy.set(false);
                drop(in_flight);
            });
        }
    }

    /// A button that removes the media input's file, shown while it holds one.
    pub(crate) fn remove_button(&self) -> impl IntoView {
        let (files, label, cleared) = (self.files(), self.label, self.hooks.clear);
        let commit = self.commit();
        let remove = move |_| {
            commit(Value::Null);
            cleared.inspect(|cleared| cleared.run(()));
        };
        view! {
            <button type="button" class="remove" hidden=move || files().is_empty() on:click=remove>
                {move || words().fill(Text::Remove, &[("label", &label.get())])}
            </button>
        }
    }

    /// The value as text now, for the server-rendered `value` attribute (before hydration
    /// the `prop:value` binding does nothing).
    fn initial_text(&self) -> String {
        show_value(&self.value.get_untracked())
    }

    fn text(&self) -> impl Fn() -> String + Copy + 'static {
        let value = self.value;
        move || show_value(&value.get())
    }

    /// The id of the legend or heading that names a group of controls.
    fn heading_id(&self) -> String {
        format!("{}-label", self.id)
    }

    /// The component's `info` under its label, if it has one.
    fn info_line(&self) -> Option<impl IntoView> {
        (!self.info.is_empty()).then(|| view! { <p class="info">{self.info.clone()}</p> })
    }

    /// `control` with its `<label>` above it, in a `<div class="component {class}">`.
    fn labelled(&self, class: &str, control: impl IntoView) -> impl IntoView {
        view! {
            <div class=format!("component {class}")>
                <label for=self.id.clone()>{self.label}</label>
                {self.info_line()}
                {control}
            </div>
        }
    }

    /// A group of controls named by a `<legend>`, in a `<fieldset class="component {class}">`.
    fn fieldset(&self, class: &str, body: impl IntoView) -> impl IntoView {
        let heading_id = self.heading_id();
        view! {
            <fieldset class=format!("component {class}") aria-labelledby=self.heading_id()>
                <legend id=heading_id>{self.label}</legend>
                {self.info_line()}
                {body}
            </fieldset>
        }
    }
}

/// The state of a media input's uploads.
#[derive(Clone, Copy)]
pub(crate) struct Upload {
    pub(crate) busy: RwSignal<bool>,
    pub(crate) error: RwSignal<Option<String>>,
}

impl Upload {
    pub(crate) fn new() -> Self {
        Upload { busy: RwSignal::new(false), error: RwSignal::new(None) }
    }
}

/// Gives the focus to the element of id `id` (HTML or SVG), if there is one.
pub(crate) fn focus_by_id(id: &str) {
    use wasm_bindgen::JsCast;
    let Some(element) = document().get_element_by_id(id) else { return };
    if let Some(html) = element.dyn_ref::<web_sys::HtmlElement>() {
        let _ = html.focus();
    } else if let Some(svg) = element.dyn_ref::<web_sys::SvgElement>() {
        let _ = svg.focus();
    }
}

/// A drop zone: a box named by `prompt` that takes the files dropped on it or chosen with its
/// file input (`id`, taking `accept`, several if `multiple`), which covers it unseen (so a
/// click anywhere opens the picker, and the keyboard reaches it); highlighted while files are
/// dragged over it. Not generic: one instance serves every media input.
pub(crate) fn drop_zone(
    id: String,
    prompt: String,
    accept: Option<String>,
    multiple: bool,
    take: Callback<web_sys::FileList>,
) -> impl IntoView {
    let dragging = RwSignal::new(false);
    view! {
        <label class="drop-zone" class:dragging=move || dragging.get()
            on:dragover=move |ev: leptos::ev::DragEvent| {
                ev.prevent_default();
                dragging.set(true);
            }
            on:dragleave=move |_| dragging.set(false)
            on:drop=move |ev: leptos::ev::DragEvent| {
                ev.prevent_default();
                dragging.set(false);
                if let Some(files) = ev.data_transfer().and_then(|d| d.files()) {
                    take.run(files);
                }
            }>
            {prompt}
            <input type="file" id=id accept=accept multiple=multiple
                on:change=move |ev| {
                    if let Some(files) = event_target::<web_sys::HtmlInputElement>(&ev).files() {
                        take.run(files);
                    }
                }/>
        </label>
    }
}

/// The message `error` gives, when it gives one, as an alert.
pub(crate) fn error_line(error: impl Fn() -> Option<String> + Send + Sync + 'static) -> impl IntoView {
    move || error().map(|message| view! { <p class="error" role="alert">{message}</p> })
}

/// What the page says of a stream of the `device`: starting, streaming, why it ended and how
/// to restart it, or why it failed.
pub(crate) fn stream_notes(streamer: Streamer, device: Device) -> impl IntoView {
    let status = streamer.status;
    let words = words();
    let note = move || match status.get() {
        StreamStatus::Off | StreamStatus::Failed(_) => String::new(),
        StreamStatus::Starting => words.get(device.says(Says::Starting)).to_owned(),
        StreamStatus::Streaming => words.get(Text::Streaming).to_owned(),
        StreamStatus::Ended(reason) => format!("{reason} {}", words.get(device.says(Says::Restart))),
    };
    let failure = move || match status.get() {
        StreamStatus::Failed(message) => Some(message),
        StreamStatus::Off | StreamStatus::Starting | StreamStatus::Streaming | StreamStatus::Ended(_) => None,
    };
    view! {
        <p class="stream-status" role="status">{note}</p>
        {error_line(failure)}
    }
}

/// Start/Stop buttons for a stream (`start` on the first), and the time it has left.
pub(crate) fn stream_controls(
    streamer: Streamer,
    start_label: Text,
    start: impl Fn() + 'static,
    extra: impl IntoView,
) -> impl IntoView {
    let status = streamer.status;
    let words = words();
    view! {
        <div class="stream-controls" data-stream=move || status.get().name()
            data-frames=move || streamer.frames_shown.get() data-interruptions=move || streamer.interruptions.get()>
            <button type="button" class="primary" hidden=move || status.get().is_running()
                on:click=move |_| start()>{words.get(start_label)}</button>
            <button type="button" class="secondary" hidden=move || !status.get().is_running()
                on:click=move |_| streamer.stop()>{words.get(Text::Stop)}</button>
            {extra}
            <span class="time-left">{move || streamer.seconds_left.get().map(|s| words.fill(Text::SecondsLeft, &[("seconds", &s)]))}</span>
        </div>
    }
}

/// A file's name as its sender gave it.
pub(crate) fn file_name(file: &FileData) -> String {
    file.orig_name.clone().unwrap_or_else(|| "file".into())
}

/// A number as text, as the page writes it: in the browser, JavaScript's `Number#toString`
/// (`3`, `0.25`, `1e+21`), since Rust's float printer would cost every page its code and tables;
/// on the server, Rust's `Display`, which writes the same from 1e-6 to 1e21 but for zero's sign
/// (beyond, the server's `0.0000001` is the browser's `1e-7` when it next changes: either reads
/// back).
pub(crate) fn number_text(n: f64) -> String {
    #[cfg(feature = "hydrate")]
    return js_sys::Number::from(n).to_string_with_radix(10).map(String::from).unwrap_or_default();
    #[cfg(not(feature = "hydrate"))]
    return n.to_string();
}

/// A value as text, the way a person reads it (`12`, not `12.0`).
pub(crate) fn show_value(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::Bool(b) => {
            if *b {
                "✓".into()
            } else {
                "✗".into()
            }
        }
        Value::Number(n) => number_text(*n),
        Value::Text(t) => t.clone(),
        Value::File(file) => file_name(file),
        Value::Files(files) => files.iter().map(file_name).collect::<Vec<_>>().join(", "),
        Value::Multimodal(message) if message.files.is_empty() => message.text.clone(),
        Value::Multimodal(message) => {
            format!("{} ({})", message.text, message.files.iter().map(file_name).collect::<Vec<_>>().join(", "))
        }
        Value::Classification(c) => c.label.clone().unwrap_or_default(),
        Value::Annotated(annotated) => annotated.labels().join(", "),
        Value::Gallery(gallery) => gallery
            .items()
            .map(|(file, caption)| caption.map_or_else(|| file_name(file), str::to_owned))
            .collect::<Vec<_>>()
            .join(", "),
        // Never held by a widget (`Caller::set_outputs` takes an update apart): its value.
        Value::Update(update) => update.value.as_ref().map(show_value).unwrap_or_default(),
        Value::Json(json) => json.to_string(),
    }
}
