//! [`Number`]: a number field (`f64`).

use rheo_shared::components;
use serde_json::{json, Value as JsonValue};

use super::{builder_basics, component_impl, json_value, Common, Contract};

/// A number field (`f64`), with optional bounds and step; it starts at 0, or at the bound
/// nearest to 0.
///
/// ```
/// use rheo::Number;
///
/// let age = Number::new().label("age").minimum(0.0).maximum(130.0).step(1.0);
/// ```
#[derive(Clone, Debug, Default)]
pub struct Number {
    common: Common,
    options: components::Number,
}

builder_basics!(Number => f64);
component_impl!(Number => f64, Number);
json_value!(f64, Number, "a number");

impl Number {
    /// A number field with no bounds.
    pub fn new() -> Self {
        Self::default()
    }

    /// The smallest value allowed.
    pub fn minimum(mut self, value: f64) -> Self {
        self.options.minimum = Some(value);
        self
    }

    /// The largest value allowed.
    pub fn maximum(mut self, value: f64) -> Self {
        self.options.maximum = Some(value);
        self
    }

    /// The increment of the field's arrows.
    pub fn step(mut self, value: f64) -> Self {
        self.options.step = Some(value);
        self
    }
}

impl Contract for components::Number {
    fn class_name(&self) -> &'static str {
        "Number"
    }

    fn props(&self) -> JsonValue {
        json!({ "minimum": self.minimum, "maximum": self.maximum, "step": self.step.unwrap_or(1.0) })
    }

    fn api_info(&self) -> JsonValue {
        json!({ "type": "number" })
    }

    fn tool_schema(&self) -> JsonValue {
        let mut schema = json!({ "type": "number" });
        if let Some(minimum) = self.minimum {
            schema["minimum"] = json!(minimum);
        }
        if let Some(maximum) = self.maximum {
            schema["maximum"] = json!(maximum);
        }
        schema
    }

    fn python_type(&self) -> String {
        "float".into()
    }

    fn example(&self) -> JsonValue {
        json!(self.minimum.unwrap_or(3.0))
    }
}
