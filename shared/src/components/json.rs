//! Json: shows any JSON value, pretty-printed, with objects and arrays that fold.

use serde::{Deserialize, Serialize};

use super::{Kind, ValueError};
use crate::Value;

/// A JSON output (it has no options).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Json {}

impl Kind for Json {
    fn name(&self) -> &'static str {
        "json"
    }

    /// Any value fits (JSON's `null` comes from a handler as [`Value::Json`]); only a missing
    /// one does not.
    fn validate(&self, value: &Value) -> Result<(), ValueError> {
        match value {
            Value::Null => Err(ValueError::Missing),
            Value::Bool(_)
            | Value::Number(_)
            | Value::Text(_)
            | Value::File(_)
            | Value::Classification(_)
            | Value::Json(_) => Ok(()),
        }
    }

    fn output_only(&self) -> bool {
        true
    }
}
