//! [`HighlightedText`]: text in labelled spans (`Vec<(String, Option<String>)>`), an output.

use rheo_shared::{
    components::{self, spans_of, tokens, Span},
    Value, ValueError,
};
use serde_json::{json, Value as JsonValue};

use super::{builder_basics, component_impl, Common, Contract};
use crate::engine::value::{ComponentValue, Payload};

/// Text shown in spans, each coloured by its label (a tagger's or a recogniser's entities), the
/// label written after it; an output. The handler returns the spans in order, `None` for text
/// without a label: `vec![("Ada".into(), Some("name".into())), (" wrote it".into(), None)]`.
///
/// ```
/// use rheo::HighlightedText;
///
/// let entities =
///     HighlightedText::new().label("entities").show_legend(true).combine_adjacent(" ").color("name", "#ffa94d");
/// ```
#[derive(Clone, Debug, Default)]
pub struct HighlightedText {
    common: Common,
    options: components::HighlightedText,
}

builder_basics!(HighlightedText => Vec<Span>);
component_impl!(HighlightedText => Vec<Span>, HighlightedText);

impl HighlightedText {
    /// Highlighted text without a legend, each label written after its span.
    pub fn new() -> Self {
        Self::default()
    }

    /// A legend of the labels, in the order they first appear; pointing at or focusing one
    /// highlights its spans alone.
    pub fn show_legend(mut self, show: bool) -> Self {
        self.options.show_legend = show;
        self
    }

    /// Whether each label is written after its span (default true); its colour shows it too.
    pub fn show_inline_category(mut self, show: bool) -> Self {
        self.options.show_inline_category = show;
        self
    }

    /// Adjacent spans of the same label shown (and sent to API clients) as one, their texts
    /// joined by `separator` (Gradio's `combine_adjacent` with its `adjacent_separator`).
    pub fn combine_adjacent(mut self, separator: impl Into<String>) -> Self {
        self.options.combine_adjacent = true;
        self.options.adjacent_separator = separator.into();
        self
    }

    /// Label `label`'s colour (`#rrggbb` or `#rgb`), Gradio's `color_map`, mixed into the
    /// field's background so the text reads at 5.4:1 or more (WCAG AA); other labels take
    /// eight colours in the order they first appear. A colour that is not one fails at start,
    /// in words.
    pub fn color(mut self, label: impl Into<String>, color: impl Into<String>) -> Self {
        self.options.color_map.insert(label.into(), color.into());
        self
    }
}

impl ComponentValue for Vec<Span> {
    fn from_payload(payload: Payload) -> Result<Self, ValueError> {
        match payload {
            Payload::Json(Value::Json(json)) => spans_of(&json),
            other => Err(ValueError::WrongType { expected: "highlighted text", got: other.kind_name() }),
        }
    }

    fn into_payload(self) -> Payload {
        Payload::Json(Value::Json(tokens(self)))
    }
}

impl Contract for components::HighlightedText {
    fn class_name(&self) -> &'static str {
        "HighlightedText"
    }

    fn props(&self) -> JsonValue {
        json!({
            "show_legend": self.show_legend,
            "show_inline_category": self.show_inline_category,
            "combine_adjacent": self.combine_adjacent,
            "adjacent_separator": self.adjacent_separator,
            "color_map": (!self.color_map.is_empty()).then_some(&self.color_map),
        })
    }

    /// Gradio's `HighlightedTextData`: a list of `HighlightedToken`s.
    fn api_info(&self) -> JsonValue {
        json!({
            "$defs": {
                "HighlightedToken": {
                    "properties": {
                        "token": { "title": "Token", "type": "string" },
                        "class_or_confidence": {
                            "anyOf": [{ "type": "string" }, { "type": "number" }, { "type": "null" }],
                            "default": null,
                            "title": "Class Or Confidence",
                        },
                    },
                    "required": ["token"],
                    "title": "HighlightedToken",
                    "type": "object",
                },
            },
            "items": { "$ref": "#/$defs/HighlightedToken" },
            "title": "HighlightedTextData",
            "type": "array",
        })
    }

    fn python_type(&self) -> String {
        "list[dict(token: str, class_or_confidence: str | float | None)]".into()
    }

    fn example(&self) -> JsonValue {
        json!([{ "token": "Ada", "class_or_confidence": "name" }, { "token": " wrote it", "class_or_confidence": null }])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_travel_as_gradios_tokens() {
        let spans: Vec<Span> = vec![("Ada".into(), Some("name".into())), (" wrote".into(), None)];
        let payload = ComponentValue::into_payload(spans.clone());
        let Payload::Json(Value::Json(json)) = &payload else { panic!("{payload:?}") };
        assert_eq!(json[0], json!({ "token": "Ada", "class_or_confidence": "name" }));
        assert_eq!(json[1]["class_or_confidence"], JsonValue::Null);
        assert_eq!(Vec::<Span>::from_payload(payload), Ok(spans));
    }
}
