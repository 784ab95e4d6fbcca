//! One widget per component kind. Each renders its label bound to its control, shows its
//! value signal, and — when it is an input (`on_change` is set) — writes the user's changes
//! back to the signal and reports them.

use leptos::{prelude::*, task::spawn_local};
use rheo_shared::{Classification, ComponentKind, ComponentSpec, FileData, Value};
use web_sys::{Blob, HtmlInputElement};

use crate::{api, audio_widget, image_widget, interface_view::{show_value, Caller}};

#[component]
pub fn Widget(
    spec: ComponentSpec,
    /// The component's position among the inputs or the outputs.
    index: usize,
    id: String,
    value: RwSignal<Value>,
    /// Set for inputs; `None` makes the widget a read-only output.
    on_change: Option<Callback<()>>,
) -> impl IntoView {
    let label = spec.label.clone();
    let field = Field { id, label, value, on_change };
    match spec.kind {
        ComponentKind::Number { minimum, maximum, step } => number(field, minimum, maximum, step).into_any(),
        ComponentKind::Slider { minimum, maximum, step } => slider(field, minimum, maximum, step).into_any(),
        ComponentKind::Radio { choices } => radio(field, choices).into_any(),
        ComponentKind::Dropdown { choices } => dropdown(field, choices).into_any(),
        ComponentKind::Textbox { lines, placeholder, .. } => textbox(field, lines, placeholder).into_any(),
        ComponentKind::Checkbox => checkbox(field).into_any(),
        ComponentKind::Label => label_output(field).into_any(),
        ComponentKind::Image { sources, streaming, .. } => image_widget::image(field, sources, streaming),
        ComponentKind::Audio { sources, streaming, autoplay } => {
            audio_widget::audio(field, index, sources, streaming, autoplay)
        }
        ComponentKind::State => ().into_any(),
    }
}

/// The state of a media input's uploads.
#[derive(Clone, Copy)]
pub(crate) struct Upload {
    pub busy: RwSignal<bool>,
    pub error: RwSignal<Option<String>>,
}

impl Upload {
    pub fn new() -> Self {
        Upload { busy: RwSignal::new(false), error: RwSignal::new(None) }
    }
}

/// What every widget has: an id for its control, a label, a value and maybe a change hook.
pub(crate) struct Field {
    pub id: String,
    pub label: String,
    pub value: RwSignal<Value>,
    on_change: Option<Callback<()>>,
}

impl Field {
    pub fn readonly(&self) -> bool {
        self.on_change.is_none()
    }

    /// Stores a new value from the user and reports it, unless it is the value already held
    /// (so re-typing "1.0" over "1" does not recompute).
    pub fn commit(&self) -> impl Fn(Value) + Copy + 'static {
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
    pub fn file(&self) -> impl Fn() -> Option<FileData> + Copy + 'static {
        let value = self.value;
        move || match value.get() {
            Value::File(file) => Some(file),
            _ => None,
        }
    }

    /// What a media input does with a chosen file (picked, dropped, pasted, recorded): upload
    /// it at once and take the stored file as the value. `upload` shows whether one is on its
    /// way and why the last failed.
    pub fn uploader(&self, upload: Upload) -> impl Fn(Blob, String) + Copy + 'static {
        let caller = expect_context::<Caller>();
        let commit = self.commit();
        move |media: Blob, name: String| {
            upload.busy.set(true);
            upload.error.set(None);
            spawn_local(async move {
                match api::upload(&caller.name(), &media, &name).await {
                    Ok(file) => commit(Value::File(file)),
                    Err(message) => upload.error.set(Some(message)),
                }
                upload.busy.set(false);
            });
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
}

fn number(f: Field, minimum: Option<f64>, maximum: Option<f64>, step: Option<f64>) -> impl IntoView {
    let commit = f.commit();
    let text = f.text();
    let on_input = move |ev: leptos::ev::Event| {
        let input: HtmlInputElement = event_target(&ev);
        // Mid-typing ("-", "1e") the browser reports no value; wait for a number.
        if input.validity().bad_input() {
            return;
        }
        let raw = input.value();
        commit(raw.parse::<f64>().map(Value::Number).unwrap_or(Value::Null));
    };
    view! {
        <div class="component number">
            <label for=f.id.clone()>{f.label.clone()}</label>
            <input type="number" id=f.id.clone() readonly=f.readonly()
                min=minimum.map(|m| m.to_string()) max=maximum.map(|m| m.to_string())
                step=step.map(|s| s.to_string()).unwrap_or_else(|| "any".into())
                value=f.initial_text() prop:value=text on:input=on_input/>
        </div>
    }
}

fn slider(f: Field, minimum: f64, maximum: f64, step: f64) -> impl IntoView {
    let commit = f.commit();
    let text = f.text();
    view! {
        <div class="component slider">
            <label for=f.id.clone()>{f.label.clone()}</label>
            <div class="slider-row">
                <input type="range" id=f.id.clone() disabled=f.readonly()
                    min=minimum.to_string() max=maximum.to_string() step=step.to_string()
                    value=f.initial_text() prop:value=text
                    on:input=move |ev| {
                        if let Ok(n) = event_target_value(&ev).parse::<f64>() {
                            commit(Value::Number(n));
                        }
                    }/>
                <output for=f.id.clone() aria-hidden="true">{text}</output>
            </div>
        </div>
    }
}

fn radio(f: Field, choices: Vec<String>) -> impl IntoView {
    let commit = f.commit();
    let value = f.value;
    let legend_id = format!("{}-label", f.id);
    let labelled_by = legend_id.clone();
    let options = choices
        .into_iter()
        .map(|choice| {
            let this = Value::Text(choice.clone());
            let chosen = this.clone();
            view! {
                <label class="choice">
                    <input type="radio" name=f.id.clone() value=choice.clone() disabled=f.readonly()
                        checked=value.get_untracked() == this prop:checked={
                            let this = this.clone();
                            move || value.get() == this
                        }
                        on:change=move |_| commit(chosen.clone())/>
                    {choice}
                </label>
            }
        })
        .collect_view();
    view! {
        <fieldset class="component radio" role="radiogroup" aria-labelledby=labelled_by>
            <legend id=legend_id>{f.label.clone()}</legend>
            <div class="choices">{options}</div>
        </fieldset>
    }
}

fn dropdown(f: Field, choices: Vec<String>) -> impl IntoView {
    let commit = f.commit();
    let value = f.value;
    let options = choices
        .into_iter()
        .map(|choice| {
            let this = Value::Text(choice.clone());
            let shown = choice.clone();
            view! { <option value=choice selected=move || value.get() == this>{shown}</option> }
        })
        .collect_view();
    view! {
        <div class="component dropdown">
            <label for=f.id.clone()>{f.label.clone()}</label>
            <select id=f.id.clone() disabled=f.readonly()
                on:change=move |ev| commit(Value::Text(event_target_value(&ev)))>
                <option value="" disabled=true selected=move || value.get() == Value::Null>"Choose…"</option>
                {options}
            </select>
        </div>
    }
}

fn textbox(f: Field, lines: u32, placeholder: Option<String>) -> impl IntoView {
    let commit = f.commit();
    let text = f.text();
    let on_input = move |ev| commit(Value::Text(event_target_value(&ev)));
    let control = if lines > 1 {
        view! {
            <textarea id=f.id.clone() rows=lines readonly=f.readonly() placeholder=placeholder
                prop:value=text on:input=on_input>{f.initial_text()}</textarea>
        }
        .into_any()
    } else {
        view! {
            <input type="text" id=f.id.clone() readonly=f.readonly() placeholder=placeholder
                value=f.initial_text() prop:value=text on:input=on_input/>
        }
        .into_any()
    };
    view! {
        <div class="component textbox">
            <label for=f.id.clone()>{f.label.clone()}</label>
            {control}
        </div>
    }
}

fn checkbox(f: Field) -> impl IntoView {
    let commit = f.commit();
    let value = f.value;
    view! {
        <div class="component checkbox">
            <input type="checkbox" id=f.id.clone() disabled=f.readonly()
                checked=value.get_untracked() == Value::Bool(true)
                prop:checked=move || value.get() == Value::Bool(true)
                on:change=move |ev| commit(Value::Bool(event_target_checked(&ev)))/>
            <label for=f.id.clone()>{f.label.clone()}</label>
        </div>
    }
}

/// A classification: the top class large, then a bar per class score.
fn label_output(f: Field) -> impl IntoView {
    let heading_id = format!("{}-label", f.id);
    let labelled_by = heading_id.clone();
    let value = f.value;
    let classification = move || match value.get() {
        Value::Classification(c) => c,
        _ => Classification::default(),
    };
    view! {
        <section class="component label" aria-labelledby=labelled_by>
            <h3 id=heading_id>{f.label.clone()}</h3>
            <p class="top-class" role="status">{move || classification().label.unwrap_or_default()}</p>
            <ul class="confidences">
                {move || classification().confidences.into_iter().map(|c| view! {
                    <li>
                        <span>{c.label.clone()}</span>
                        <meter min="0" max="1" value=c.confidence aria-label=c.label.clone()></meter>
                        <span>{format!("{:.0}%", c.confidence * 100.0)}</span>
                    </li>
                }).collect_view()}
            </ul>
        </section>
    }
}
