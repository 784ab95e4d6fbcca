//! [`Textbox`]: a text field or a text area (`String`).

use rheo_shared::components;
use serde_json::{json, Value as JsonValue};

use super::{builder_basics, component_impl, json_value, Common, Contract};

/// A text field, or a text area with more than one line (`String`); it starts empty.
///
/// ```
/// use rheo::Textbox;
///
/// let prompt = Textbox::new().lines(3).placeholder("Describe a picture").max_length(500);
/// ```
#[derive(Clone, Debug)]
pub struct Textbox {
    common: Common,
    options: components::Textbox,
}

builder_basics!(Textbox => String);
component_impl!(Textbox => String, Textbox);
json_value!(String, Text, "text");

impl Default for Textbox {
    fn default() -> Self {
        Self::new()
    }
}

impl Textbox {
    /// A one-line, empty text field.
    pub fn new() -> Self {
        let options = components::Textbox { lines: 1, placeholder: None, max_length: None };
        Textbox { common: Common::default(), options }
    }

    /// Visible lines; more than one makes a text area.
    pub fn lines(mut self, value: u32) -> Self {
        self.options.lines = value.max(1);
        self
    }

    /// Shown in the empty field.
    pub fn placeholder(mut self, value: impl Into<String>) -> Self {
        self.options.placeholder = Some(value.into());
        self
    }

    /// The most characters a value may have; longer values are refused with a clear error.
    pub fn max_length(mut self, value: usize) -> Self {
        self.options.max_length = Some(value);
        self
    }

    /// No starting value, not even empty text: an API parameter without a default, which a
    /// caller must give (a chat's message).
    pub(crate) fn required(mut self) -> Self {
        self.common.value = Some(rheo_shared::Value::Null);
        self
    }
}

impl Contract for components::Textbox {
    fn class_name(&self) -> &'static str {
        "Textbox"
    }

    fn props(&self) -> JsonValue {
        json!({ "lines": self.lines, "placeholder": self.placeholder, "max_length": self.max_length })
    }

    fn api_info(&self) -> JsonValue {
        json!({ "type": "string" })
    }

    fn python_type(&self) -> String {
        "str".into()
    }

    fn example(&self) -> JsonValue {
        json!("Hello!!")
    }
}
