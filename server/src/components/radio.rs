//! [`Radio`]: one of a list of choices (`String`).

use rheo_shared::components;
use serde_json::Value as JsonValue;

use super::{builder_basics, choices, component_impl, Common, Contract};

/// Radio buttons, one per choice (`String`); none is chosen at first.
///
/// ```
/// use rheo::Radio;
///
/// let operation = Radio::new(["add", "subtract"]).value("add").label("operation");
/// ```
#[derive(Clone, Debug)]
pub struct Radio {
    common: Common,
    options: components::Radio,
}

builder_basics!(Radio => String);
component_impl!(Radio => String, Radio);

impl Radio {
    /// Radio buttons for these choices.
    pub fn new<S: Into<String>>(choices: impl IntoIterator<Item = S>) -> Self {
        let choices = choices.into_iter().map(Into::into).collect();
        Radio { common: Common::default(), options: components::Radio { choices } }
    }
}

impl Contract for components::Radio {
    fn class_name(&self) -> &'static str {
        "Radio"
    }

    fn props(&self) -> JsonValue {
        choices::props(&self.choices)
    }

    fn api_info(&self) -> JsonValue {
        choices::api_info(self.class_name(), &self.choices)
    }

    fn python_type(&self) -> String {
        choices::python_type(&self.choices)
    }

    fn example(&self) -> JsonValue {
        choices::example(&self.choices)
    }
}
