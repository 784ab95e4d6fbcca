//! Markdown: shows text written in Markdown (CommonMark with tables and strikethrough), as
//! formatted text. Raw HTML in the text is shown as text, never run.

use serde::{Deserialize, Serialize};

use super::{mismatch, Kind, ValueError};
use crate::Value;

/// A Markdown output (it has no options).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Markdown {}

impl Kind for Markdown {
    fn name(&self) -> &'static str {
        "markdown"
    }

    fn validate(&self, value: &Value) -> Result<(), ValueError> {
        match value {
            Value::Text(_) => Ok(()),
            other => Err(mismatch("text", other)),
        }
    }

    fn output_only(&self) -> bool {
        true
    }
}
