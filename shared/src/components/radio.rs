//! Radio: one choice among a few, as radio buttons.

use serde::{Deserialize, Serialize};

use super::{check_choice, check_choices, Kind, Problem, ValueError};
use crate::Value;

/// Radio buttons' options.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Radio {
    /// The choices, one button each, in order.
    pub choices: Vec<String>,
}

impl Kind for Radio {
    fn name(&self) -> &'static str {
        "radio"
    }

    fn validate(&self, value: &Value) -> Result<(), ValueError> {
        check_choice(&self.choices, value)
    }

    fn check(&self) -> Result<(), Problem> {
        check_choices(&self.choices)
    }

    fn choices(&self) -> Option<&[String]> {
        Some(&self.choices)
    }

    fn choices_mut(&mut self) -> Option<&mut Vec<String>> {
        Some(&mut self.choices)
    }
}
