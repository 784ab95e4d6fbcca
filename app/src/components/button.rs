//! Button's widget: a button whose clicks run the events bound to them.

use leptos::prelude::*;
use rheo_shared::components::Button;

use super::{Field, Widget};

impl Widget for Button {
    /// A click reports a change (the page runs the button's click events); a button no event
    /// listens to is disabled.
    fn view(&self, f: Field) -> impl IntoView + use<> {
        let (on_click, text) = (f.on_change, f.text());
        let class = format!("component button {}", self.variant.name());
        view! {
            <button type="button" id=f.id.clone() class=class disabled=on_click.is_none()
                on:click=move |_| if let Some(on_click) = on_click { on_click.run(()) }>
                {text}
            </button>
        }
    }
}
