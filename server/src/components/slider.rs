//! [`Slider`]: a number on a closed range (`f64`).

use rheo_shared::components;
use serde_json::{json, Value as JsonValue};

use super::{builder_basics, component_impl, Common, Contract};

/// A slider over a closed range (`f64`), starting at its minimum.
///
/// ```
/// use rheo::Slider;
///
/// let tempo = Slider::new(40.0, 240.0).step(5.0).value(120.0).label("tempo");
/// ```
#[derive(Clone, Debug)]
pub struct Slider {
    common: Common,
    options: components::Slider,
}

builder_basics!(Slider => f64);
component_impl!(Slider => f64, Slider);

impl Slider {
    /// A slider from `minimum` to `maximum` with step 1.
    pub fn new(minimum: f64, maximum: f64) -> Self {
        Slider { common: Common::default(), options: components::Slider { minimum, maximum, step: 1.0 } }
    }

    /// The distance between two positions.
    pub fn step(mut self, value: f64) -> Self {
        self.options.step = value;
        self
    }
}

impl Contract for components::Slider {
    fn class_name(&self) -> &'static str {
        "Slider"
    }

    fn props(&self) -> JsonValue {
        json!({ "minimum": self.minimum, "maximum": self.maximum, "step": self.step })
    }

    fn api_info(&self) -> JsonValue {
        json!({ "type": "number", "description": format!("numeric value between {} and {}", self.minimum, self.maximum) })
    }

    fn tool_schema(&self) -> JsonValue {
        json!({ "type": "number", "minimum": self.minimum, "maximum": self.maximum })
    }

    fn python_type(&self) -> String {
        "float".into()
    }

    fn example(&self) -> JsonValue {
        json!(self.minimum)
    }
}
