//! Radio's widget: a radio button per choice.

use leptos::prelude::*;
use rheo_shared::{components::Radio, Value};

use super::{Field, Widget};

impl Widget for Radio {
    fn view(&self, f: Field) -> impl IntoView + use<> {
        let commit = f.commit();
        let value = f.value;
        let options = self
            .choices
            .iter()
            .map(|choice| {
                let this = Value::Text(choice.clone());
                let (checked, chosen) = (this.clone(), this.clone());
                view! {
                    <label class="choice">
                        <input type="radio" name=f.id.clone() value=choice.clone() disabled=f.readonly()
                            checked=value.get_untracked() == this prop:checked=move || value.get() == checked
                            on:change=move |_| commit(chosen.clone())/>
                        {choice.clone()}
                    </label>
                }
            })
            .collect_view();
        let heading_id = f.heading_id();
        view! {
            <fieldset class="component radio" role="radiogroup" aria-labelledby=f.heading_id()>
                <legend id=heading_id>{f.label}</legend>
                <div class="choices">{options}</div>
            </fieldset>
        }
    }
}
