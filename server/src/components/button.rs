//! [`Button`]: a button whose clicks run events, in [`Blocks`](crate::Blocks) (`String`, its text).

use rheo_shared::components::{self, ButtonVariant};
use serde_json::{json, Value as JsonValue};

use super::{builder_basics, component_impl, Common, Contract};

/// A button (`String`: the text on it, which a handler may take as an input or change as an
/// output). Its [`click`](crate::Handle::click) runs events.
///
/// ```
/// use rheo::Button;
///
/// let detect = Button::new("Detect").primary();
/// ```
#[derive(Clone, Debug)]
pub struct Button {
    common: Common,
    options: components::Button,
}

builder_basics!(Button);
component_impl!(Button => String, Button);

impl Button {
    /// A button showing `text`.
    pub fn new(text: impl Into<String>) -> Self {
        let common = Common { value: Some(rheo_shared::Value::Text(text.into())), ..Common::default() };
        Button { common, options: components::Button::default() }
    }

    /// Drawn as the page's main action.
    pub fn primary(mut self) -> Self {
        self.options.variant = ButtonVariant::Primary;
        self
    }

    /// Drawn as a button that stops something.
    pub fn stop(mut self) -> Self {
        self.options.variant = ButtonVariant::Stop;
        self
    }
}

impl Contract for components::Button {
    fn class_name(&self) -> &'static str {
        "Button"
    }

    fn props(&self) -> JsonValue {
        json!({ "variant": self.variant.name(), "interactive": true })
    }

    fn api_info(&self) -> JsonValue {
        json!({ "type": "string" })
    }

    fn python_type(&self) -> String {
        "str".into()
    }

    fn example(&self) -> JsonValue {
        json!("Run")
    }
}
