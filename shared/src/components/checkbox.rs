//! Checkbox: yes or no.

use serde::{Deserialize, Serialize};

use super::{mismatch, Kind, ValueError};
use crate::Value;

/// A checkbox (it has no options).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Checkbox {}

impl Kind for Checkbox {
    fn name(&self) -> &'static str {
        "checkbox"
    }

    fn validate(&self, value: &Value) -> Result<(), ValueError> {
        match value {
            Value::Bool(_) => Ok(()),
            other => Err(mismatch("a boolean", other)),
        }
    }

    /// Unchecked.
    fn default_value(&self) -> Value {
        Value::Bool(false)
    }
}
