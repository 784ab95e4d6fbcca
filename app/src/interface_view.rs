//! The generic renderer: any [`InterfaceSpec`] as a page of inputs, outputs and examples.

use leptos::{prelude::*, task::spawn_local};
use leptos_meta::Title;
use rheo_shared::{ComponentSpec, InterfaceSpec, Value};

use crate::{api, live::CallQueue, widgets::Widget};

/// The page's calls: sends them by the "always last" rule of [`CallQueue`] and shows answers.
#[derive(Clone, Copy)]
struct Caller {
    name: StoredValue<String>,
    inputs: StoredValue<Vec<RwSignal<Value>>>,
    outputs: StoredValue<Vec<RwSignal<Value>>>,
    error: RwSignal<Option<String>>,
    busy: RwSignal<bool>,
    queue: StoredValue<CallQueue>,
}

impl Caller {
    /// The inputs changed, or Submit was pressed.
    fn request(self) {
        if let Some(seq) = self.queue.write_value().request() {
            self.send(seq);
        }
    }

    fn send(self, seq: u64) {
        let data: Vec<Value> = self.inputs.read_value().iter().map(|s| s.get_untracked()).collect();
        self.busy.set(true);
        spawn_local(async move {
            let result = api::run(&self.name.get_value(), data).await;
            let completion = self.queue.write_value().complete(seq);
            if completion.show {
                self.show(result);
            }
            match completion.send_next {
                Some(next) => self.send(next),
                None => self.busy.set(false),
            }
        });
    }

    fn show(self, result: Result<Vec<Value>, String>) {
        let outputs = self.outputs.read_value();
        match result {
            Ok(values) => {
                for (signal, value) in outputs.iter().zip(values) {
                    signal.set(value);
                }
                self.error.set(None);
            }
            Err(message) => {
                for signal in outputs.iter() {
                    signal.set(Value::Null);
                }
                self.error.set(Some(message));
            }
        }
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
    };
    let live = spec.live;
    // Effects run only in the browser, after hydration: the page says when it is interactive.
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let on_input_change = Callback::new(move |()| {
        if live {
            caller.request();
        }
    });
    let clear = {
        let starts: Vec<Value> = spec.inputs.iter().map(|c| c.value.clone()).collect();
        move |_| {
            caller.queue.write_value().discard_answers();
            for (signal, start) in caller.inputs.read_value().iter().zip(&starts) {
                signal.set(start.clone());
            }
            for signal in caller.outputs.read_value().iter() {
                signal.set(Value::Null);
            }
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
        <div class="interface" data-live=live.to_string() data-hydrated=move || hydrated.get().to_string()>
            <section class="inputs" aria-label="Inputs">
                {input_widgets}
                <div class="buttons">
                    <button type="button" class="secondary" on:click=clear>"Clear"</button>
                    {(!live).then(|| view! {
                        <button type="button" class="primary" on:click=move |_| caller.request()>"Submit"</button>
                    })}
                </div>
            </section>
            <section class="outputs" aria-label="Outputs" aria-live="polite" aria-busy=move || caller.busy.get().to_string()>
                {output_widgets}
                {move || caller.error.get().map(|message| view! { <p class="error" role="alert">{message}</p> })}
            </section>
        </div>
        <Examples spec=spec.clone() inputs caller/>
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
            view! { <Widget spec=component.clone() id=format!("{prefix}-{i}") value=*value on_change/> }
        })
        .collect_view()
}

/// Rows of example inputs; clicking one fills the inputs (and recomputes when live).
#[component]
fn Examples(spec: InterfaceSpec, inputs: Vec<RwSignal<Value>>, caller: Caller) -> impl IntoView {
    if spec.examples.is_empty() {
        return None;
    }
    let labels: Vec<String> = spec.inputs.iter().map(|c| c.label.clone()).collect();
    let live = spec.live;
    let rows = spec.examples.into_iter().enumerate().map(|(row, values)| {
        let inputs = inputs.clone();
        let description: Vec<String> =
            labels.iter().zip(&values).map(|(label, value)| format!("{label} {}", show_value(value))).collect();
        let cells = values.iter().map(|v| view! { <span>{show_value(v)}</span> }).collect_view();
        let fill = move |_| {
            for (signal, value) in inputs.iter().zip(&values) {
                signal.set(value.clone());
            }
            if live {
                caller.request();
            }
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
