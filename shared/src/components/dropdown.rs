//! Dropdown: one choice among many, from a list.

use serde::{Deserialize, Serialize};

use super::{check_choice, check_choices, Kind, Problem, ValueError};
use crate::Value;

/// A drop-down list's options.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Dropdown {
    /// The choices, in order.
    pub choices: Vec<String>,
}

impl Kind for Dropdown {
    fn name(&self) -> &'static str {
        "dropdown"
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
