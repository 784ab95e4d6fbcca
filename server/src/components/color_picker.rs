//! [`ColorPicker`]: a colour ([`Color`]).

use std::{fmt, str::FromStr};

use rheo_shared::{
    components::{self, hex_color, parse_hex_color},
    Value, ValueError,
};
use serde_json::{json, Value as JsonValue};

use super::{builder_basics, component_impl, Common, Contract};
use crate::engine::value::{ComponentValue, Payload};

/// A colour picker ([`Color`]); it starts black.
///
/// ```
/// use rheo::{Color, ColorPicker};
///
/// let background = ColorPicker::new().label("background").value(Color::rgb(255, 200, 0));
/// ```
#[derive(Clone, Debug, Default)]
pub struct ColorPicker {
    common: Common,
    options: components::ColorPicker,
}

builder_basics!(ColorPicker => Color);
component_impl!(ColorPicker => Color, ColorPicker);

impl ColorPicker {
    /// A colour picker starting at black.
    pub fn new() -> Self {
        Self::default()
    }
}

/// A colour of 8-bit red, green and blue: a [`ColorPicker`]'s value, `#rrggbb` on the wire.
/// It parses from `#rrggbb` or `#rgb` and prints as `#rrggbb`.
///
/// ```
/// use rheo::Color;
///
/// let orange: Color = "#f80".parse().unwrap();
/// assert_eq!(orange, Color::rgb(255, 136, 0));
/// assert_eq!(orange.to_string(), "#ff8800");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Color {
    /// Red, 0 to 255.
    pub r: u8,
    /// Green, 0 to 255.
    pub g: u8,
    /// Blue, 0 to 255.
    pub b: u8,
}

impl Color {
    /// The colour of these channels.
    pub const fn rgb(r: u8, g: u8, b: u8) -> Self {
        Color { r, g, b }
    }

    /// Its relative luminance (WCAG 2's: 0 for black, 1 for white).
    pub fn luminance(self) -> f64 {
        let linear = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * linear(self.r) + 0.7152 * linear(self.g) + 0.0722 * linear(self.b)
    }

    /// WCAG 2's contrast ratio between two colours, 1 to 21.
    pub fn contrast(self, other: Color) -> f64 {
        let (a, b) = (self.luminance(), other.luminance());
        (a.max(b) + 0.05) / (a.min(b) + 0.05)
    }
}

impl fmt::Display for Color {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex_color([self.r, self.g, self.b]))
    }
}

impl FromStr for Color {
    type Err = ValueError;

    fn from_str(text: &str) -> Result<Self, ValueError> {
        let [r, g, b] = parse_hex_color(text).ok_or_else(|| ValueError::not_a_color(text))?;
        Ok(Color { r, g, b })
    }
}

impl From<[u8; 3]> for Color {
    fn from([r, g, b]: [u8; 3]) -> Self {
        Color { r, g, b }
    }
}

impl ComponentValue for Color {
    fn from_payload(payload: Payload) -> Result<Self, ValueError> {
        match payload {
            Payload::Json(Value::Text(text)) => text.parse(),
            other => Err(ValueError::WrongType { expected: "a colour (#rrggbb)", got: other.kind_name() }),
        }
    }

    fn into_payload(self) -> Payload {
        Payload::Json(Value::Text(self.to_string()))
    }
}

impl Contract for components::ColorPicker {
    fn class_name(&self) -> &'static str {
        "ColorPicker"
    }

    fn api_info(&self) -> JsonValue {
        json!({ "type": "string" })
    }

    fn tool_schema(&self) -> JsonValue {
        json!({ "type": "string", "pattern": "^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$", "description": "a colour as #rrggbb" })
    }

    fn python_type(&self) -> String {
        "str".into()
    }

    fn example(&self) -> JsonValue {
        json!("#ff8000")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_travel_as_hex_and_know_their_contrast() {
        let payload = ComponentValue::into_payload(Color::rgb(0, 128, 255));
        assert_eq!(payload, Payload::Json(Value::Text("#0080ff".into())));
        assert_eq!(Color::from_payload(payload), Ok(Color::rgb(0, 128, 255)));
        assert_eq!(
            Color::from_payload(Payload::Json(Value::Text("blue".into()))).unwrap_err().to_string(),
            "\"blue\" is not a colour: give #rrggbb or #rgb"
        );
        let (black, white) = (Color::rgb(0, 0, 0), Color::rgb(255, 255, 255));
        assert!((black.contrast(white) - 21.0).abs() < 1e-9);
        assert!((white.contrast(white) - 1.0).abs() < 1e-9);
    }
}
