//! Slider's widget: a range input with its value beside it.

use leptos::prelude::*;
use rheo_shared::{components::Slider, Value};

use super::{Field, Widget};

impl Widget for Slider {
    fn view(&self, f: Field) -> impl IntoView + use<> {
        let commit = f.commit();
        let text = f.text();
        let control = view! {
            <div class="slider-row">
                <input type="range" id=f.id.clone() disabled=f.readonly()
                    min=self.minimum.to_string() max=self.maximum.to_string() step=self.step.to_string()
                    value=f.initial_text() prop:value=text
                    on:input=move |ev| {
                        if let Ok(n) = event_target_value(&ev).parse::<f64>() {
                            commit(Value::Number(n));
                        }
                    }/>
                <output for=f.id.clone() aria-hidden="true">{text}</output>
            </div>
        };
        f.labelled("slider", control)
    }
}
