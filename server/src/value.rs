//! The Rust types that stand for component values, and [`Payload`], the form values take
//! between a transport and a handler.

use std::{any::Any, sync::Arc};

use image::{DynamicImage, GrayImage, RgbImage, RgbaImage};
use rheo_shared::{AudioData, Classification, FileData, Value, ValueError};

use crate::components::State;

/// A `State` value with its type erased; the engine keeps one per session and State input.
pub type StateValue = Arc<dyn Any + Send + Sync>;

/// A value on its way to or from a handler: plain JSON, decoded media, or a session's state.
/// Transports decode media at the boundary (an upload, a streamed frame or chunk) and encode it
/// again for their client (PNG or WAV files for the HTTP APIs, JPEG frames for a stream), so
/// handlers only see typed values. State never leaves the server.
#[derive(Clone, Debug)]
pub enum Payload {
    Json(Value),
    Image(DynamicImage),
    Audio(AudioData),
    State(StateValue),
}

impl PartialEq for Payload {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Payload::Json(a), Payload::Json(b)) => a == b,
            (Payload::Image(a), Payload::Image(b)) => a == b,
            (Payload::Audio(a), Payload::Audio(b)) => a == b,
            (Payload::State(a), Payload::State(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }
}

impl Payload {
    /// The value to check against the payload's component: decoded media checks as a file.
    pub(crate) fn checkable(&self) -> Value {
        match self {
            Payload::Json(value) => value.clone(),
            Payload::Image(_) | Payload::Audio(_) => Value::File(FileData::default()),
            Payload::State(_) => Value::Null,
        }
    }

    fn kind_name(&self) -> &'static str {
        match self {
            Payload::Json(value) => value.kind_name(),
            Payload::Image(_) => "an image",
            Payload::Audio(_) => "audio",
            Payload::State(_) => "a state value",
        }
    }
}

/// A Rust type that a component's value converts to (for handler arguments) and from (for
/// return values).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a component value type",
    label = "Rheo cannot pass this type to or from a component",
    note = "component value types: f64 (Number, Slider), String (Radio, Dropdown, Textbox), \
            bool (Checkbox), Classification (Label), image::RgbImage, RgbaImage, GrayImage or \
            DynamicImage (Image), AudioData (Audio), State<T> (State)"
)]
pub trait ComponentValue: Sized + Send + 'static {
    fn from_payload(payload: Payload) -> Result<Self, ValueError>;
    fn into_payload(self) -> Payload;
}

macro_rules! json_value {
    ($type:ty, $variant:ident, $expected:literal) => {
        impl ComponentValue for $type {
            fn from_payload(payload: Payload) -> Result<Self, ValueError> {
                match payload {
                    Payload::Json(Value::$variant(inner)) => Ok(inner),
                    other => Err(ValueError::WrongType { expected: $expected, got: other.kind_name() }),
                }
            }

            fn into_payload(self) -> Payload {
                Payload::Json(Value::$variant(self))
            }
        }
    };
}

json_value!(f64, Number, "a number");
json_value!(String, Text, "text");
json_value!(bool, Bool, "a boolean");
json_value!(Classification, Classification, "a classification");

macro_rules! image_value {
    ($type:ty, $from_dynamic:expr) => {
        impl ComponentValue for $type {
            fn from_payload(payload: Payload) -> Result<Self, ValueError> {
                match payload {
                    Payload::Image(image) => Ok($from_dynamic(image)),
                    other => Err(ValueError::WrongType { expected: "an image", got: other.kind_name() }),
                }
            }

            fn into_payload(self) -> Payload {
                Payload::Image(self.into())
            }
        }
    };
}

image_value!(DynamicImage, |image| image);
image_value!(RgbImage, DynamicImage::into_rgb8);
image_value!(RgbaImage, DynamicImage::into_rgba8);
image_value!(GrayImage, |image: DynamicImage| image.into_luma8());

impl ComponentValue for AudioData {
    fn from_payload(payload: Payload) -> Result<Self, ValueError> {
        match payload {
            Payload::Audio(audio) => Ok(audio),
            other => Err(ValueError::WrongType { expected: "audio", got: other.kind_name() }),
        }
    }

    fn into_payload(self) -> Payload {
        Payload::Audio(self)
    }
}

impl<T: Clone + Send + Sync + 'static> ComponentValue for State<T> {
    fn from_payload(payload: Payload) -> Result<Self, ValueError> {
        match payload {
            Payload::State(value) => value
                .downcast_ref::<T>()
                .cloned()
                .map(State)
                .ok_or(ValueError::WrongType { expected: std::any::type_name::<T>(), got: "a state value of another type" }),
            other => Err(ValueError::WrongType { expected: "a state value", got: other.kind_name() }),
        }
    }

    fn into_payload(self) -> Payload {
        Payload::State(Arc::new(self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn images_convert_to_the_pixel_format_asked_for() {
        let rgba = RgbaImage::from_pixel(2, 1, image::Rgba([10, 20, 30, 40]));
        let payload = rgba.into_payload();
        assert_eq!(RgbImage::from_payload(payload.clone()).unwrap().get_pixel(1, 0).0, [10, 20, 30]);
        assert_eq!(RgbaImage::from_payload(payload).unwrap().get_pixel(0, 0).0, [10, 20, 30, 40]);
        assert_eq!(
            RgbImage::from_payload(Payload::Json(Value::Number(1.0))).unwrap_err().to_string(),
            "expected an image, got a number"
        );
        assert_eq!(f64::from_payload(Payload::Image(DynamicImage::new_rgb8(1, 1))).unwrap_err().to_string(), "expected a number, got an image");
    }

    #[test]
    fn state_comes_back_as_the_type_it_went_in_as() {
        let payload = State(vec!["A4".to_string()]).into_payload();
        assert_eq!(State::<Vec<String>>::from_payload(payload.clone()).unwrap().0, ["A4"]);
        assert!(State::<u32>::from_payload(payload).is_err());
        let audio = AudioData::mono(8000, vec![0.5]);
        assert_eq!(AudioData::from_payload(audio.clone().into_payload()), Ok(audio));
    }
}
