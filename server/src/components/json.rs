//! [`Json`]: shows any JSON value ([`serde_json::Value`]).

use rheo_shared::{components, Value, ValueError};
use serde_json::{json, Value as JsonValue};

use super::{builder_basics, component_impl, Common, Contract};
use crate::engine::value::{ComponentValue, Payload};

/// An output showing any JSON value ([`serde_json::Value`]), pretty-printed, with every object
/// and array folding open and shut. Build values with `serde_json::json!` or `serde_json::to_value`.
///
/// ```
/// use rheo::{Interface, Json, Textbox};
/// use serde_json::json;
///
/// fn stats(text: String) -> serde_json::Value {
///     json!({ "characters": text.chars().count(), "words": text.split_whitespace().count() })
/// }
///
/// let stats = Interface::new(stats).inputs(Textbox::new()).outputs(Json::new());
/// # let _ = rheo::Registry::new().mount("stats", stats);
/// ```
#[derive(Clone, Debug, Default)]
pub struct Json {
    common: Common,
    options: components::Json,
}

builder_basics!(Json => JsonValue);
component_impl!(Json => JsonValue, Json);

impl Json {
    /// An empty JSON output.
    pub fn new() -> Self {
        Self::default()
    }
}

impl ComponentValue for JsonValue {
    fn from_payload(payload: Payload) -> Result<Self, ValueError> {
        match payload {
            Payload::Json(Value::Json(json)) => Ok(json),
            Payload::Json(value) => serde_json::to_value(value)
                .map_err(|_| ValueError::WrongType { expected: "JSON", got: "a value JSON cannot hold" }),
            other => Err(ValueError::WrongType { expected: "JSON", got: other.kind_name() }),
        }
    }

    fn into_payload(self) -> Payload {
        Payload::Json(Value::Json(self))
    }
}

impl Contract for components::Json {
    fn class_name(&self) -> &'static str {
        "JSON"
    }

    /// Gradio writes `{"type": {}}`; a type name is what typed clients (the Rust `gradio`
    /// crate) can read.
    fn api_info(&self) -> JsonValue {
        json!({ "type": "object", "description": "any valid json" })
    }

    fn tool_schema(&self) -> JsonValue {
        json!({ "description": "any valid JSON" })
    }

    fn python_type(&self) -> String {
        "Dict[Any, Any]".into()
    }

    fn example(&self) -> JsonValue {
        json!({})
    }
}
