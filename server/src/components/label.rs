//! [`Label`]: shows a classification ([`Classification`]).

use rheo_shared::{components, Classification};
use serde_json::{json, Value as JsonValue};

use super::{builder_basics, component_impl, json_value, Common, Contract};

/// An output showing a [`Classification`]: the top class large, and a bar per class score.
///
/// ```
/// use rheo::{Classification, Interface, Label, Number};
///
/// fn size(x: f64) -> Classification {
///     Classification::from_scores([("small", 1.0 - x / 10.0), ("large", x / 10.0)])
/// }
///
/// let sizes = Interface::new(size).inputs(Number::new()).outputs(Label::new());
/// # let _ = rheo::Registry::new().mount("size", sizes);
/// ```
#[derive(Clone, Debug, Default)]
pub struct Label {
    common: Common,
    options: components::Label,
}

builder_basics!(Label);
component_impl!(Label => Classification, Label);
json_value!(Classification, Classification, "a classification");

impl Label {
    /// An empty classification output.
    pub fn new() -> Self {
        Self::default()
    }
}

impl Contract for components::Label {
    fn class_name(&self) -> &'static str {
        "Label"
    }

    fn api_info(&self) -> JsonValue {
        json!({
            "title": "LabelData",
            "type": "object",
            "properties": {
                "label": { "anyOf": [{ "type": "string" }, { "type": "null" }] },
                "confidences": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": { "label": { "type": "string" }, "confidence": { "type": "number" } },
                    },
                },
            },
        })
    }

    fn python_type(&self) -> String {
        "Dict(label: str | None, confidences: list[Dict(label: str, confidence: float)])".into()
    }

    fn example(&self) -> JsonValue {
        JsonValue::Null
    }
}
