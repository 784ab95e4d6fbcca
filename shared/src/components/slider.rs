//! Slider: a number chosen on a closed range, in steps.

use serde::{Deserialize, Serialize};

use super::{check_range, mismatch, Kind, Problem, ValueError};
use crate::Value;

/// A slider's options.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Slider {
    /// The left end.
    pub minimum: f64,
    /// The right end.
    pub maximum: f64,
    /// The distance between two positions.
    pub step: f64,
}

impl Kind for Slider {
    fn name(&self) -> &'static str {
        "slider"
    }

    fn validate(&self, value: &Value) -> Result<(), ValueError> {
        match value {
            Value::Number(n) => check_range(*n, Some(self.minimum), Some(self.maximum)),
            other => Err(mismatch("a number", other)),
        }
    }

    fn check(&self) -> Result<(), Problem> {
        if self.minimum > self.maximum {
            Err(Problem::EmptyRange)
        } else if !(self.step.is_finite() && self.step > 0.0) {
            Err(Problem::BadStep)
        } else {
            Ok(())
        }
    }

    /// The left end.
    fn default_value(&self) -> Value {
        Value::Number(self.minimum)
    }
}
