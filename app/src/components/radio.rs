//! Radio's widget: a radio button per choice.

use leptos::prelude::*;
use rheo_shared::{components::Radio, Value};

use super::{Field, Widget};

impl Widget for Radio {
    fn view(&self, f: Field) -> impl IntoView + use<> {
        let commit = f.commit();
        let value = f.value;
        let (declared, updated, name, readonly) = (self.choices.clone(), f.choices, f.id.clone(), f.readonly());
        // A button per choice as declared, or as an update last gave them.
        let options = move || {
            let choices = updated.get().unwrap_or_else(|| declared.clone());
            let option = |choice: String| {
                let this = Value::Text(choice.clone());
                let (checked, chosen, shown) = (this.clone(), this.clone(), choice.clone());
                view! {
                    <label class="choice">
                        <input type="radio" name=name.clone() value=choice disabled=readonly
                            checked=value.get_untracked() == this prop:checked=move || value.get() == checked
                            on:change=move |_| commit(chosen.clone())/>
                        {shown}
                    </label>
                }
            };
            choices.into_iter().map(option).collect_view()
        };
        let heading_id = f.heading_id();
        view! {
            <fieldset class="component radio" role="radiogroup" aria-labelledby=f.heading_id()>
                <legend id=heading_id>{f.label}</legend>
                <div class="choices">{options}</div>
            </fieldset>
        }
    }
}
