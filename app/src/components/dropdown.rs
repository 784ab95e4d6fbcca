//! Dropdown's widget: a select of the choices.

use leptos::prelude::*;
use rheo_shared::{components::Dropdown, Value};

use super::{Field, Widget};

impl Widget for Dropdown {
    fn view(&self, f: Field) -> impl IntoView + use<> {
        let commit = f.commit();
        let value = f.value;
        let options = self
            .choices
            .iter()
            .map(|choice| {
                let this = Value::Text(choice.clone());
                view! { <option value=choice.clone() selected=move || value.get() == this>{choice.clone()}</option> }
            })
            .collect_view();
        let control = view! {
            <select id=f.id.clone() disabled=f.readonly()
                on:change=move |ev| commit(Value::Text(event_target_value(&ev)))>
                <option value="" disabled=true selected=move || value.get() == Value::Null>"Choose…"</option>
                {options}
            </select>
        };
        f.labelled("dropdown", control)
    }
}
