//! State has no widget: its value stays on the server.

use leptos::prelude::*;
use rheo_shared::components::State;

use super::{Field, Widget};

impl Widget for State {
    fn view(&self, _: Field) -> impl IntoView + use<> {}
}
