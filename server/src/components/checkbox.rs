//! [`Checkbox`]: yes or no (`bool`).

use rheo_shared::components;
use serde_json::{json, Value as JsonValue};

use super::{builder_basics, component_impl, json_value, Common, Contract};

/// A checkbox (`bool`), unchecked at first.
///
/// ```
/// use rheo::Checkbox;
///
/// let loud = Checkbox::new().label("shout").value(true);
/// ```
#[derive(Clone, Debug, Default)]
pub struct Checkbox {
    common: Common,
    options: components::Checkbox,
}

builder_basics!(Checkbox => bool);
component_impl!(Checkbox => bool, Checkbox);
json_value!(bool, Bool, "a boolean");

impl Checkbox {
    /// An unchecked checkbox.
    pub fn new() -> Self {
        Self::default()
    }
}

impl Contract for components::Checkbox {
    fn class_name(&self) -> &'static str {
        "Checkbox"
    }

    fn api_info(&self) -> JsonValue {
        json!({ "type": "boolean" })
    }

    fn python_type(&self) -> String {
        "bool".into()
    }

    fn example(&self) -> JsonValue {
        json!(true)
    }
}
