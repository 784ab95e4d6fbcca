//! Number: a number field, with optional bounds and step.

use serde::{Deserialize, Serialize};

use super::{check_range, mismatch, Kind, Problem, ValueError};
use crate::Value;

/// A number field's options.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Number {
    /// The smallest value allowed.
    pub minimum: Option<f64>,
    /// The largest value allowed.
    pub maximum: Option<f64>,
    /// The increment of the field's arrows; any number is allowed when `None`.
    pub step: Option<f64>,
}

impl Kind for Number {
    fn name(&self) -> &'static str {
        "number"
    }

    fn validate(&self, value: &Value) -> Result<(), ValueError> {
        match value {
            Value::Number(n) => check_range(*n, self.minimum, self.maximum),
            other => Err(mismatch("a number", other)),
        }
    }

    fn check(&self) -> Result<(), Problem> {
        if let (Some(lo), Some(hi)) = (self.minimum, self.maximum) {
            if lo > hi {
                return Err(Problem::EmptyRange);
            }
        }
        match self.step {
            Some(step) if !(step.is_finite() && step > 0.0) => Err(Problem::BadStep),
            _ => Ok(()),
        }
    }

    /// 0, brought into the range.
    fn default_value(&self) -> Value {
        let above = self.minimum.map_or(0.0, |m| m.max(0.0));
        Value::Number(self.maximum.map_or(above, |m| above.min(m)))
    }
}
