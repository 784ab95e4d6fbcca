//! The Rust types that stand for component values, and their conversion to and from [`Value`].

use rheo_shared::{Classification, Value, ValueError};

/// A Rust type that a component's value converts to (for handler arguments) and from (for
/// return values).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a component value type",
    label = "Rheo cannot pass this type to or from a component",
    note = "component value types: f64 (Number, Slider), String (Radio, Dropdown, Textbox), \
            bool (Checkbox), Classification (Label)"
)]
pub trait ComponentValue: Sized + Send + 'static {
    fn from_value(value: Value) -> Result<Self, ValueError>;
    fn into_value(self) -> Value;
}

macro_rules! component_value {
    ($type:ty, $variant:ident, $expected:literal) => {
        impl ComponentValue for $type {
            fn from_value(value: Value) -> Result<Self, ValueError> {
                match value {
                    Value::$variant(inner) => Ok(inner),
                    other => Err(ValueError::WrongType { expected: $expected, got: other.kind_name() }),
                }
            }

            fn into_value(self) -> Value {
                Value::$variant(self)
            }
        }
    };
}

component_value!(f64, Number, "a number");
component_value!(String, Text, "text");
component_value!(bool, Bool, "a boolean");
component_value!(Classification, Classification, "a classification");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_convert_both_ways_and_reject_the_wrong_kind() {
        assert_eq!(f64::from_value(Value::Number(2.5)), Ok(2.5));
        assert_eq!(String::from_value(Value::Text("a".into())), Ok("a".to_string()));
        assert_eq!(true.into_value(), Value::Bool(true));
        assert_eq!(
            f64::from_value(Value::Text("2".into())).unwrap_err().to_string(),
            "expected a number, got text"
        );
    }
}
