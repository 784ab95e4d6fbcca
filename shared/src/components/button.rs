//! Button: a button whose clicks trigger events (in Blocks); its value is its text.

use crate::wire_names::wire_names;
use serde::{Deserialize, Serialize};

use super::{mismatch, Kind, ValueError};
use crate::Value;

/// How a button stands out: `Primary` for the page's main action, `Secondary` for the rest,
/// `Stop` for one that cancels (Gradio's `variant`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ButtonVariant {
    Primary,
    #[default]
    Secondary,
    Stop,
}

// Its name is also the one Gradio's config and the page's CSS use.
wire_names!(pub ButtonVariant { Primary => "primary", Secondary => "secondary", Stop => "stop" });

/// A button's options.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Button {
    pub variant: ButtonVariant,
}

impl Kind for Button {
    fn name(&self) -> &'static str {
        "button"
    }

    /// Its text (a handler taking a button as input gets the text shown on it).
    fn validate(&self, value: &Value) -> Result<(), ValueError> {
        match value {
            Value::Text(_) => Ok(()),
            other => Err(mismatch("text", other)),
        }
    }

    /// Gradio's default text.
    fn default_value(&self) -> Value {
        Value::Text("Run".into())
    }
}
