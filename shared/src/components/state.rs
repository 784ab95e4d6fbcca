//! State: invisible; carries a value from one call of a session to the next, on the server.

use serde::{Deserialize, Serialize};

use super::{Kind, ValueError};
use crate::Value;

/// A session's state (it has no options; its value never travels).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct State {}

impl Kind for State {
    fn name(&self) -> &'static str {
        "state"
    }

    /// Anything fits: the slot is `null` on the wire, the value stays on the server.
    fn validate(&self, _: &Value) -> Result<(), ValueError> {
        Ok(())
    }
}
