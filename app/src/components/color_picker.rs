//! ColorPicker's widget: the browser's colour input, with the colour's `#rrggbb` beside it.

use leptos::prelude::*;
use rheo_shared::{
    components::{hex_color, parse_hex_color, ColorPicker},
    Value,
};

use super::{Field, Widget};

impl Widget for ColorPicker {
    fn view(&self, f: Field) -> impl IntoView + use<> {
        let commit = f.commit();
        let value = f.value;
        // The input takes `#rrggbb` alone; an API client's `#rgb` is shown in that form.
        let hex = move || {
            value.with(|v| match v {
                Value::Text(text) => parse_hex_color(text).map(hex_color),
                _ => None,
            })
        };
        let control = view! {
            <div class="color-row">
                <input type="color" id=f.id.clone() disabled=f.readonly()
                    value=hex().unwrap_or_else(|| "#000000".into()) prop:value=move || hex().unwrap_or_else(|| "#000000".into())
                    on:input=move |ev| commit(Value::Text(event_target_value(&ev)))/>
                <output for=f.id.clone()>{hex}</output>
            </div>
        };
        f.labelled("colorpicker", control)
    }
}
