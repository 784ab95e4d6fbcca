//! Checkbox's widget: a checkbox with its label after it.

use leptos::prelude::*;
use rheo_shared::{components::Checkbox, Value};

use super::{Field, Widget};

impl Widget for Checkbox {
    fn view(&self, f: Field) -> impl IntoView + use<> {
        let commit = f.commit();
        let value = f.value;
        view! {
            <div class="component checkbox">
                <input type="checkbox" id=f.id.clone() disabled=f.readonly()
                    checked=value.get_untracked() == Value::Bool(true)
                    prop:checked=move || value.get() == Value::Bool(true)
                    on:change=move |ev| commit(Value::Bool(event_target_checked(&ev)))/>
                <label for=f.id.clone()>{f.label}</label>
            </div>
        }
    }
}
