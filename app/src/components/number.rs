//! Number's widget: a number field.

use leptos::prelude::*;
use rheo_shared::{components::Number, Value};
use web_sys::HtmlInputElement;

use super::{number_text, Field, Widget};

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
            // The browser's own reading of the field (NaN when it is empty): parsing its text
            // here would put Rust's float parser, and its 10 KB table, in every page.
            let number = input.value_as_number();
            commit(if number.is_nan() { Value::Null } else { Value::Number(number) });
        };
        let control = view! {
            <input type="number" id=f.id.clone() readonly=f.readonly()
                min=self.minimum.map(number_text) max=self.maximum.map(number_text)
                step=self.step.map(number_text).unwrap_or_else(|| "any".into())
                value=f.initial_text() prop:value=text on:input=on_input/>
        };
        f.labelled("number", control)
    }
}
