//! Textbox's widget: a text field, or a text area for several lines.

use leptos::{either::Either, prelude::*};
use rheo_shared::{components::Textbox, Value};

use super::{Field, Widget};

impl Widget for Textbox {
    fn view(&self, f: Field) -> impl IntoView + use<> {
        let commit = f.commit();
        let text = f.text();
        let on_input = move |ev| commit(Value::Text(event_target_value(&ev)));
        let on_submit = f.hooks.submit;
        let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
            if let (Some(on_submit), "Enter") = (on_submit, ev.key().as_str()) {
                ev.prevent_default();
                on_submit.run(());
            }
        };
        let placeholder = self.placeholder.clone();
        let control = if self.lines > 1 {
            Either::Left(view! {
                <textarea id=f.id.clone() rows=self.lines readonly=f.readonly() placeholder=placeholder
                    prop:value=text on:input=on_input>{f.initial_text()}</textarea>
            })
        } else {
            Either::Right(view! {
                <input type="text" id=f.id.clone() readonly=f.readonly() placeholder=placeholder
                    value=f.initial_text() prop:value=text on:input=on_input on:keydown=on_keydown/>
            })
        };
        f.labelled("textbox", control)
    }
}
