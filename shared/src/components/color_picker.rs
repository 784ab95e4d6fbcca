//! ColorPicker: a colour, as `#rrggbb` text on the wire (Gradio's hex string).

use serde::{Deserialize, Serialize};

use super::{mismatch, Kind, ValueError};
use crate::Value;

/// A colour picker (it has no options).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ColorPicker {}

impl Kind for ColorPicker {
    fn name(&self) -> &'static str {
        "colorpicker"
    }

    fn validate(&self, value: &Value) -> Result<(), ValueError> {
        match value {
            Value::Text(text) if parse_hex_color(text).is_some() => Ok(()),
            Value::Text(text) => Err(ValueError::not_a_color(text)),
            other => Err(mismatch("a colour (#rrggbb)", other)),
        }
    }

    /// Black, as the browser's colour input starts.
    fn default_value(&self) -> Value {
        Value::Text("#000000".into())
    }
}

/// The red, green and blue of `#rgb` or `#rrggbb` (either case); `None` for anything else.
pub fn parse_hex_color(text: &str) -> Option<[u8; 3]> {
    let digits = text.strip_prefix('#').filter(|d| d.bytes().all(|b| b.is_ascii_hexdigit()))?;
    let channel = |i: usize, width: usize| u8::from_str_radix(&digits[i * width..(i + 1) * width], 16).ok();
    match digits.len() {
        3 => Some([0, 1, 2].map(|i| channel(i, 1).map_or(0, |c| c * 17))),
        6 => Some([0, 1, 2].map(|i| channel(i, 2).unwrap_or(0))),
        _ => None,
    }
}

/// `#rrggbb`, lower case: what a browser's colour input takes and gives.
pub fn hex_color([r, g, b]: [u8; 3]) -> String {
    format!("#{r:02x}{g:02x}{b:02x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_are_hex_in_either_form() {
        assert_eq!(parse_hex_color("#ff8000"), Some([255, 128, 0]));
        assert_eq!(parse_hex_color("#F80"), Some([255, 136, 0]));
        for bad in ["ff8000", "#ff80", "#gg0000", "#ff80001", "red", "#", "#é00"] {
            assert_eq!(parse_hex_color(bad), None, "{bad}");
        }
        assert_eq!(hex_color([255, 8, 0]), "#ff0800");
        let picker = ColorPicker {};
        assert_eq!(picker.validate(&Value::Text("#abc".into())), Ok(()));
        assert_eq!(
            picker.validate(&Value::Text("red".into())).unwrap_err().to_string(),
            "\"red\" is not a colour: give #rrggbb or #rgb"
        );
        assert_eq!(
            picker.validate(&Value::Number(1.0)).unwrap_err().to_string(),
            "expected a colour (#rrggbb), got a number"
        );
    }
}
