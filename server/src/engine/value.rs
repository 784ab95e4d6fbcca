//! [`Payload`], the form values take between the codec and a handler, and
//! [`ComponentValue`], the Rust types that stand for component values (each implemented in
//! its component's module).

use std::{any::Any, sync::Arc};

use image::DynamicImage;
use rheo_shared::{AudioData, Value, ValueError};
use serde::{de::DeserializeOwned, Serialize};

/// A `State` value with its type erased; the engine keeps one per session and State input.
#[allow(unreachable_pub)] // named by `Component`'s hidden method; unreachable from outside
pub type StateValue = Arc<dyn StateData>;

/// What the engine needs of a `State<T>`'s `T` with its type erased: to be itself (`Any`), and
/// to go through the shared store as JSON. A starting value decodes what its session kept.
#[allow(unreachable_pub)] // named by `StateValue`; unreachable from outside
pub trait StateData: Any + Send + Sync {
    #[doc(hidden)]
    fn encode(&self) -> serde_json::Result<String>;
    /// A value of this one's type from `json`.
    #[doc(hidden)]
    fn decode(&self, json: &str) -> serde_json::Result<StateValue>;
}

impl std::fmt::Debug for dyn StateData {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a State value")
    }
}

impl<T: Serialize + DeserializeOwned + Send + Sync + 'static> StateData for T {
    fn encode(&self) -> serde_json::Result<String> {
        serde_json::to_string(self)
    }

    fn decode(&self, json: &str) -> serde_json::Result<StateValue> {
        Ok(Arc::new(serde_json::from_str::<T>(json)?))
    }
}

/// A value on its way to or from a handler: plain JSON, decoded media, or a session's state.
/// The codec decodes media at the boundary (an upload, a streamed frame or chunk) and encodes it
/// again for the transport (PNG or WAV files for the HTTP APIs, JPEG frames for a stream), so
/// handlers only see typed values. State never leaves the server.
#[derive(Clone, Debug)]
#[allow(unreachable_pub)] // named by `ComponentValue`'s hidden methods; unreachable from outside
pub enum Payload {
    /// A value that travels as JSON.
    Json(Value),
    /// A decoded image.
    Image(DynamicImage),
    /// Decoded audio.
    Audio(AudioData),
    /// A File component's files, as they are; `list` for a list of them (a single file's
    /// component takes and gives one, never a list).
    Files { files: Vec<crate::NamedFile>, list: bool },
    /// A video, read but not decoded.
    Video(crate::VideoFile),
    /// A MultimodalTextbox's text with files.
    Message(crate::MultimodalMessage),
    /// A Gallery's images with their captions.
    Gallery(Vec<crate::GalleryImage>),
    /// An AnnotatedImage's image with its regions.
    Annotated(Box<crate::Annotated>),
    /// A session's state.
    State(StateValue),
    /// An output's [`Update`](crate::Update): its new value, if any, and the rest as it travels.
    Update { value: Option<Box<Payload>>, look: rheo_shared::Update },
}

impl PartialEq for Payload {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Payload::Json(a), Payload::Json(b)) => a == b,
            (Payload::Image(a), Payload::Image(b)) => a == b,
            (Payload::Audio(a), Payload::Audio(b)) => a == b,
            (Payload::Files { files: a, list: c }, Payload::Files { files: b, list: d }) => a == b && c == d,
            (Payload::Video(a), Payload::Video(b)) => a == b,
            (Payload::Message(a), Payload::Message(b)) => a == b,
            (Payload::Gallery(a), Payload::Gallery(b)) => a == b,
            (Payload::Annotated(a), Payload::Annotated(b)) => a == b,
            (Payload::State(a), Payload::State(b)) => Arc::ptr_eq(a, b),
            (Payload::Update { value: a, look: c }, Payload::Update { value: b, look: d }) => a == b && c == d,
            _ => false,
        }
    }
}

impl Payload {
    /// A short name of the payload's kind, for error messages.
    pub(crate) fn kind_name(&self) -> &'static str {
        match self {
            Payload::Json(value) => value.kind_name(),
            Payload::Image(_) => "an image",
            Payload::Audio(_) => "audio",
            Payload::Files { list: false, .. } => "a file",
            Payload::Files { list: true, .. } => "a list of files",
            Payload::Video(_) => "a video",
            Payload::Message(_) => "text with files",
            Payload::Gallery(_) => "a gallery",
            Payload::Annotated(_) => "an annotated image",
            Payload::State(_) => "a state value",
            Payload::Update { .. } => "an update",
        }
    }

    /// An update's value and its look apart (`None` for a value not changed); any other
    /// payload is a value with no look.
    pub(crate) fn split_update(self) -> (Option<Payload>, Option<rheo_shared::Update>) {
        match self {
            Payload::Update { value, look } => (value.map(|value| *value), Some(look)),
            other => (Some(other), None),
        }
    }
}

/// A Rust type that a component's value converts to (for handler arguments) and from (for
/// return values).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a component value type",
    label = "Rheo cannot pass this type to or from a component",
    note = "each component's value type is in the table of `rheo::components` (Number → f64, \
            Textbox → String, Checkbox → bool, Image → image::RgbImage, Audio → AudioData, …)"
)]
pub trait ComponentValue: Sized + Send + 'static {
    #[doc(hidden)]
    fn from_payload(payload: Payload) -> Result<Self, ValueError>;
    #[doc(hidden)]
    fn into_payload(self) -> Payload;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::State;

    #[test]
    fn values_convert_both_ways_and_reject_the_wrong_kind() {
        assert_eq!(f64::from_payload(Payload::Json(Value::Number(2.5))), Ok(2.5));
        assert_eq!(String::from_payload(Payload::Json(Value::Text("a".into()))), Ok("a".to_string()));
        assert_eq!(true.into_payload(), Payload::Json(Value::Bool(true)));
        assert_eq!(
            f64::from_payload(Payload::Json(Value::Text("2".into()))).unwrap_err().to_string(),
            "expected a number, got text"
        );
    }

    #[test]
    fn state_comes_back_as_the_type_it_went_in_as() {
        let payload = State(vec!["A4".to_string()]).into_payload();
        assert_eq!(State::<Vec<String>>::from_payload(payload.clone()).unwrap().0, ["A4"]);
        assert!(State::<u32>::from_payload(payload).is_err());
    }

    #[test]
    fn json_values_stay_as_written() {
        let json = serde_json::json!({"words": 3, "top": ["a"]});
        assert_eq!(serde_json::Value::from_payload(json.clone().into_payload()), Ok(json));
    }
}
