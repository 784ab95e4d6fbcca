//! Label: shows a classification, the top class and the class scores.

use serde::{Deserialize, Serialize};

use super::{mismatch, Kind, ValueError};
use crate::Value;

/// A classification output (it has no options).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Label {}

impl Kind for Label {
    fn name(&self) -> &'static str {
        "label"
    }

    fn validate(&self, value: &Value) -> Result<(), ValueError> {
        match value {
            Value::Classification(c) => match c.confidences.iter().find(|c| !c.confidence.is_finite()) {
                Some(bad) => Err(ValueError::NotFinite(bad.confidence)),
                None => Ok(()),
            },
            other => Err(mismatch("a classification", other)),
        }
    }

    fn output_only(&self) -> bool {
        true
    }
}
