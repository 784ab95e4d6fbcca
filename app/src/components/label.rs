//! Label's widget: a classification, the top class large, then a bar per class score.

use leptos::prelude::*;
use rheo_shared::{components::Label, Classification, Value};

use super::{Field, Widget};

impl Widget for Label {
    fn view(&self, f: Field) -> impl IntoView + use<> {
        let heading_id = f.heading_id();
        let value = f.value;
        let classification = move || match value.get() {
            Value::Classification(c) => c,
            _ => Classification::default(),
        };
        view! {
            <section class="component label" aria-labelledby=f.heading_id()>
                <h3 id=heading_id>{f.label}</h3>
                <p class="top-class" role="status">{move || classification().label.unwrap_or_default()}</p>
                <ul class="confidences">
                    {move || classification().confidences.into_iter().map(|c| view! {
                        <li>
                            <span>{c.label.clone()}</span>
                            <meter min="0" max="1" value=c.confidence aria-label=c.label.clone()></meter>
                            <span>{format!("{:.0}%", c.confidence * 100.0)}</span>
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        }
    }
}
