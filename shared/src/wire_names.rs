//! Unit enums on the wire as their variants' names.

/// Gives a unit enum `name()` (as visible as the enum is), `Serialize` and `Deserialize` as its variants' names
/// (`"webcam"`): read as a string, then matched, so that every such enum shares one string
/// reader. serde's derive compiles an enum reader apiece into the page's wasm (about 2 KB each,
/// before optimisation); `name()`'s exhaustive match keeps the list whole.
macro_rules! wire_names {
    ($vis:vis $enum:ident { $($variant:ident => $name:literal),+ $(,)? }) => {
        impl $enum {
            /// Its name on the wire.
            $vis fn name(self) -> &'static str {
                match self {
                    $($enum::$variant => $name),+
                }
            }
        }

        impl serde::Serialize for $enum {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.name())
            }
        }

        impl<'de> serde::Deserialize<'de> for $enum {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let name = String::deserialize(deserializer)?;
                match name.as_str() {
                    $($name => Ok($enum::$variant),)+
                    other => Err(serde::de::Error::unknown_variant(other, &[$($name),+])),
                }
            }
        }
    };
}

pub(crate) use wire_names;

#[cfg(test)]
mod tests {
    use crate::{components::ButtonVariant, ImageSource};

    #[test]
    fn a_unit_enum_is_its_name_and_an_unknown_name_is_refused_with_the_known_ones() {
        assert_eq!(serde_json::to_string(&ImageSource::Webcam).unwrap(), r#""webcam""#);
        assert_eq!(serde_json::from_str::<ImageSource>(r#""clipboard""#).unwrap(), ImageSource::Clipboard);
        let error = serde_json::from_str::<ButtonVariant>(r#""danger""#).unwrap_err().to_string();
        assert!(error.contains("unknown variant `danger`, expected one of `primary`, `secondary`, `stop`"), "{error}");
        assert!(serde_json::from_str::<ImageSource>("3").is_err());
    }
}
