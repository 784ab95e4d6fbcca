//! Dropdown's widget: a select of the choices.

use leptos::prelude::*;
use rheo_shared::{components::Dropdown, Value};

use super::{Field, Widget};
use crate::words::{tr, Text};

impl Widget for Dropdown {
    fn view(&self, f: Field) -> impl IntoView + use<> {
        let commit = f.commit();
        let value = f.value;
        let (declared, updated) = (self.choices.clone(), f.choices);
        // The choices as declared, or as an update last gave them.
        let options = move || {
            let choices = updated.get().unwrap_or_else(|| declared.clone());
            let option = move |choice: String| {
                let this = Value::Text(choice.clone());
                let shown = choice.clone();
                view! { <option value=choice selected=move || value.get() == this>{shown}</option> }
            };
            choices.into_iter().map(option).collect_view()
        };
        let control = view! {
            <select id=f.id.clone() disabled=f.readonly()
                on:change=move |ev| commit(Value::Text(event_target_value(&ev)))>
                <option value="" disabled=true selected=move || value.get() == Value::Null>{tr(Text::Choose)}</option>
                {options}
            </select>
        };
        f.labelled("dropdown", control)
    }
}
