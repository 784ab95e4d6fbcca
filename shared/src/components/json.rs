//! Json: shows any JSON value, pretty-printed, with objects and arrays that fold.

use serde::{Deserialize, Serialize};

use super::{mismatch, Kind, ValueError};
use crate::Value;

/// A JSON output (it has no options).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Json {}

impl Kind for Json {
    fn name(&self) -> &'static str {
        "json"
    }

    /// Any value fits (JSON's `null` comes from a handler as [`Value::Json`]) but a missing
    /// one, and an update (an output's, never a value).
    fn validate(&self, value: &Value) -> Result<(), ValueError> {
        match value {
            Value::Null => Err(ValueError::Missing),
            Value::Update(_) => Err(mismatch("JSON", value)),
            Value::Bool(_)
            | Value::Number(_)
            | Value::Text(_)
            | Value::File(_)
            | Value::Files(_)
            | Value::Multimodal(_)
            | Value::Gallery(_)
            | Value::Annotated(_)
            | Value::Classification(_)
            | Value::Json(_) => Ok(()),
        }
    }

    fn output_only(&self) -> bool {
        true
    }

    /// As it is: an object with a `path` or a `label` is not a file or a classification here.
    fn read(&self, json: serde_json::Value) -> Value {
        match json {
            serde_json::Value::Null => Value::Null,
            other => Value::Json(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_values_are_read_as_they_are() {
        let file_like = serde_json::json!({"path": "a", "n": 1});
        assert_eq!(Json {}.read(file_like.clone()), Value::Json(file_like));
        let label_like = serde_json::json!({"label": "cat"});
        assert_eq!(Json {}.read(label_like.clone()), Value::Json(label_like));
        assert_eq!(Json {}.read(serde_json::Value::Null), Value::Null);
    }
}
