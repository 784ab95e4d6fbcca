//! Slider's widget: a range input with its value beside it.

use leptos::prelude::*;
use rheo_shared::{components::Slider, Value};
use web_sys::HtmlInputElement;

use super::{number_text, Field, Widget};

impl Widget for Slider {
    fn view(&self, f: Field) -> impl IntoView + use<> {
        let commit = f.commit();
        let text = f.text();
        let control = view! {
            <div class="slider-row">
                <input type="range" id=f.id.clone() disabled=f.readonly()
                    min=number_text(self.minimum) max=number_text(self.maximum) step=number_text(self.step)
                    value=f.initial_text() prop:value=text
                    on:input=move |ev| {
                        // As the number field reads its value (see there).
                        let input: HtmlInputElement = event_target(&ev);
                        commit(Value::Number(input.value_as_number()));
                    }/>
                <output for=f.id.clone() aria-hidden="true">{text}</output>
            </div>
        };
        f.labelled("slider", control)
    }
}
