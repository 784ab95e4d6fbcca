//! Textbox: a text field or a text area.

use serde::{Deserialize, Serialize};

use super::{mismatch, Kind, ValueError};
use crate::Value;

/// A text field's options.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Textbox {
    /// Visible lines; more than one makes a text area.
    pub lines: u32,
    /// Shown in the empty field.
    pub placeholder: Option<String>,
    /// The most characters a value may have.
    pub max_length: Option<usize>,
}

impl Kind for Textbox {
    fn name(&self) -> &'static str {
        "textbox"
    }

    fn validate(&self, value: &Value) -> Result<(), ValueError> {
        match (value, self.max_length) {
            (Value::Text(text), Some(max_length)) => {
                let length = text.chars().count();
                if length > max_length {
                    Err(ValueError::TooLong { length, max_length })
                } else {
                    Ok(())
                }
            }
            (Value::Text(_), None) => Ok(()),
            (other, _) => Err(mismatch("text", other)),
        }
    }

    fn default_value(&self) -> Value {
        Value::Text(String::new())
    }
}
