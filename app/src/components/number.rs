//! Number's widget: a number field.

use leptos::prelude::*;
use rheo_shared::{components::Number, Value};
use web_sys::HtmlInputElement;

use super::{Field, Widget};

impl Widget for Number {
    fn view(&self, f: Field) -> impl IntoView + use<> {
        let commit = f.commit();
        let text = f.text();
        let on_input = move |ev: leptos::ev::Event| {
            let input: HtmlInputElement = event_target(&ev);
            // Mid-typing ("-", "1e") the browser reports no value; wait for a number.
            if input.validity().bad_input() {
                return;
            }
            commit(input.value().parse::<f64>().map(Value::Number).unwrap_or(Value::Null));
        };
        let control = view! {
            <input type="number" id=f.id.clone() readonly=f.readonly()
                min=self.minimum.map(|m| m.to_string()) max=self.maximum.map(|m| m.to_string())
                step=self.step.map(|s| s.to_string()).unwrap_or_else(|| "any".into())
                value=f.initial_text() prop:value=text on:input=on_input/>
        };
        f.labelled("number", control)
    }
}
