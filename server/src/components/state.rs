//! [`State`]: a value kept per session on the server (`State<T>`).

use std::sync::Arc;

use rheo_shared::{components, ComponentKind, ComponentSpec, ValueError};
use serde::{de::DeserializeOwned, Serialize};
use serde_json::{json, Value as JsonValue};

use super::{private, Component, Contract, Output};
use crate::engine::value::{ComponentValue, Payload, StateValue};

/// A value carried from one call of a session to the next, never shown and never sent to the
/// browser: as an input, the handler gets what it returned for the matching (same position
/// among States) output last time, or this starting value in a new session. Like axum's
/// `State`, the handler takes and returns it wrapped.
///
/// A session is one page load (Clear starts a new one), a stream, or a Gradio client's
/// `session_hash`; sessions idle for an hour are forgotten.
///
/// `T` is serializable (serde), so that replicas behind a load balancer can share it through
/// the shared store (`Registry::shared_store`), where each call reads and writes it as JSON
/// (at most 1 MiB). With the in-memory default the value itself is kept, never encoded.
/// Either way, what is not data (a model, a connection) belongs in the handler, not in State.
///
/// ```
/// use rheo::{Interface, State, Textbox};
///
/// fn count(word: String, State(seen): State<Vec<String>>) -> (String, State<Vec<String>>) {
///     let mut seen = seen;
///     seen.push(word);
///     (seen.join(" "), State(seen))
/// }
///
/// let words = Interface::new(count)
///     .inputs((Textbox::new(), State(Vec::<String>::new())))
///     .outputs((Textbox::new(), State(Vec::<String>::new())));
/// # let _ = rheo::Registry::new().mount("words", words);
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct State<T>(pub T);

impl<T> private::Sealed for State<T> {}

impl<T: Clone + Serialize + DeserializeOwned + Send + Sync + 'static> Component for State<T> {
    type Value = State<T>;

    fn into_spec(self) -> ComponentSpec {
        ComponentSpec::new(ComponentKind::State(components::State {})).with_label("")
    }

    fn starting_state(&self) -> Option<StateValue> {
        Some(Arc::new(self.0.clone()))
    }
}

impl<T: Clone + Serialize + DeserializeOwned + Send + Sync + 'static> Output<State<T>> for State<T> {
    fn into_payload(self) -> Payload {
        ComponentValue::into_payload(self)
    }
}

impl<T: Clone + Serialize + DeserializeOwned + Send + Sync + 'static> ComponentValue for State<T> {
    fn from_payload(payload: Payload) -> Result<Self, ValueError> {
        match payload {
            Payload::State(value) => {
                (&*value as &dyn std::any::Any).downcast_ref::<T>().cloned().map(State).ok_or(ValueError::WrongType {
                    expected: std::any::type_name::<T>(),
                    got: "a state value of another type",
                })
            }
            other => Err(ValueError::WrongType { expected: "a state value", got: other.kind_name() }),
        }
    }

    fn into_payload(self) -> Payload {
        Payload::State(Arc::new(self.0))
    }
}

/// Never described: a State is no parameter of the API (`skip_api`).
impl Contract for components::State {
    fn class_name(&self) -> &'static str {
        "State"
    }

    fn api_info(&self) -> JsonValue {
        json!({})
    }

    fn python_type(&self) -> String {
        "Any".into()
    }

    fn example(&self) -> JsonValue {
        JsonValue::Null
    }
}
