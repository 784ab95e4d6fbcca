//! The examples under an interface: rows of input values that fill the inputs when clicked.

use leptos::prelude::*;
use rheo_shared::{InterfaceSpec, Value};

use crate::components::show_value;

/// Rows of example inputs; clicking one fills the inputs and reports it as an input change.
#[component]
#[allow(unreachable_pub)] // what #[component] generates is `pub`
pub(super) fn Examples(spec: InterfaceSpec, inputs: Vec<RwSignal<Value>>, on_fill: Callback<()>) -> impl IntoView {
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
