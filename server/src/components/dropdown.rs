//! [`Dropdown`]: one of a list of choices (`String`).

use rheo_shared::components;
use serde_json::Value as JsonValue;

use super::{builder_basics, choices, component_impl, Common, Contract};

/// A drop-down list of choices (`String`); none is chosen at first.
///
/// ```
/// use rheo::Dropdown;
///
/// let model = Dropdown::new(["small", "large"]).label("model");
/// ```
#[derive(Clone, Debug)]
pub struct Dropdown {
    common: Common,
    options: components::Dropdown,
}

builder_basics!(Dropdown => String);
component_impl!(Dropdown => String, Dropdown);

impl Dropdown {
    /// A drop-down of these choices.
    pub fn new<S: Into<String>>(choices: impl IntoIterator<Item = S>) -> Self {
        let choices = choices.into_iter().map(Into::into).collect();
        Dropdown { common: Common::default(), options: components::Dropdown { choices } }
    }
}

impl Contract for components::Dropdown {
    fn class_name(&self) -> &'static str {
        "Dropdown"
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
