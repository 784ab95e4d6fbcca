//! HighlightedText: text in spans, each with an optional label, shown coloured by label with a
//! legend. On the wire, Gradio's list of `{"token": …, "class_or_confidence": …}`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{check_color_map, hex_color, mismatch, parse_hex_color, Kind, Problem, ValueError};
use crate::Value;

/// How many colours labels the author did not colour take in turn (`.hl-0` to `.hl-7` in the
/// stylesheet).
const PALETTE_LEN: usize = 8;

/// A highlighted text's options (Gradio's names).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HighlightedText {
    /// A legend of the labels, which highlights one label's spans while pointed at or focused.
    pub show_legend: bool,
    /// Each label written after its span, not only its colour.
    pub show_inline_category: bool,
    /// Adjacent spans of the same label made one, joined by `adjacent_separator`.
    pub combine_adjacent: bool,
    /// What joins combined spans.
    pub adjacent_separator: String,
    /// A label's colour (`#rrggbb` or `#rgb`, Gradio's `color_map`); other labels take the
    /// stylesheet's eight in the order they first appear.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub color_map: BTreeMap<String, String>,
}

impl Default for HighlightedText {
    fn default() -> Self {
        HighlightedText {
            show_legend: false,
            show_inline_category: true,
            combine_adjacent: false,
            adjacent_separator: String::new(),
            color_map: BTreeMap::new(),
        }
    }
}

/// One span: its text, and its label if it has one.
pub type Span = (String, Option<String>);

impl Kind for HighlightedText {
    fn name(&self) -> &'static str {
        "highlightedtext"
    }

    fn validate(&self, value: &Value) -> Result<(), ValueError> {
        match value {
            Value::Json(json) => spans_of(json).map(drop),
            other => Err(mismatch("a list of highlighted spans", other)),
        }
    }

    fn check(&self) -> Result<(), Problem> {
        check_color_map(&self.color_map)
    }

    fn output_only(&self) -> bool {
        true
    }

    /// A rule per author's colour: the page's CSP allows no inline style. The colour is mixed
    /// into the field's background, 40% in the light scheme and 30% in the dark, so the text
    /// reads at 5.4:1 or more on any colour (WCAG AA asks 4.5:1).
    fn stylesheet_rules(&self) -> Vec<String> {
        let rules = self.color_map.values().filter_map(|hex| parse_hex_color(hex)).map(|rgb| {
            let (class, hex) = (author_class(rgb), hex_color(rgb));
            let mix = |share: u8| format!("color-mix(in srgb, {hex} {share}%, var(--field))");
            format!(".{class} {{ background: light-dark({}, {}); }}", mix(40), mix(30))
        });
        rules.collect()
    }

    /// Adjacent spans of one label made one, if the options say so (empty spans dropped), as
    /// Gradio's `postprocess` does.
    fn postprocess(&self, value: Value) -> Value {
        let Value::Json(json) = &value else { return value };
        match spans(json) {
            Some(spans) if self.combine_adjacent => Value::Json(tokens(combined(spans, &self.adjacent_separator))),
            _ => value,
        }
    }
}

impl HighlightedText {
    /// The classes of a span (or a legend entry) labelled `label`, of a value whose labels are
    /// `labels` in the order they first appear: `hl` and its colour's, the author's (a rule of
    /// [`Kind::stylesheet_rules`]) or, for the labels the author did not colour, the
    /// stylesheet's next.
    pub fn label_class(&self, label: &str, labels: &[String]) -> String {
        match self.author_color(label) {
            Some(rgb) => format!("hl {}", author_class(rgb)),
            None => {
                let uncolored = labels.iter().filter(|other| self.author_color(other).is_none());
                let nth = uncolored.take_while(|other| *other != label).count();
                format!("hl hl-{}", nth % PALETTE_LEN)
            }
        }
    }

    fn author_color(&self, label: &str) -> Option<[u8; 3]> {
        self.color_map.get(label).and_then(|hex| parse_hex_color(hex))
    }
}

/// The class of an author's colour: its hex digits, so a colour two labels share is one rule.
fn author_class(rgb: [u8; 3]) -> String {
    format!("hl-c-{}", &hex_color(rgb)[1..])
}

/// `spans` with each run of one label (or of none) made one span, joined by `separator`.
fn combined(spans: Vec<Span>, separator: &str) -> Vec<Span> {
    let mut out: Vec<Span> = Vec::with_capacity(spans.len());
    for (text, label) in spans.into_iter().filter(|(text, _)| !text.is_empty()) {
        match out.last_mut() {
            Some((run, run_label)) if *run_label == label => {
                run.push_str(separator);
                run.push_str(&text);
            }
            _ => out.push((text, label)),
        }
    }
    out
}

/// Gradio's list of tokens for `spans`.
pub fn tokens(spans: Vec<Span>) -> serde_json::Value {
    spans
        .into_iter()
        .map(|(token, label)| serde_json::json!({ "token": token, "class_or_confidence": label }))
        .collect()
}

/// The spans of Gradio's list of tokens; `None` if `json` is not one (a token that is not text,
/// a label that is neither text nor null).
pub fn spans(json: &serde_json::Value) -> Option<Vec<Span>> {
    json.as_array()?
        .iter()
        .map(|token| {
            let text = token.get("token")?.as_str()?.to_owned();
            let label = match token.get("class_or_confidence") {
                None | Some(serde_json::Value::Null) => None,
                Some(label) => Some(label.as_str()?.to_owned()),
            };
            Some((text, label))
        })
        .collect()
}

/// The spans of Gradio's list of tokens, or the error that says it is not one.
pub fn spans_of(json: &serde_json::Value) -> Result<Vec<Span>, ValueError> {
    spans(json)
        .ok_or(ValueError::WrongType { expected: "a list of {token, class_or_confidence} spans", got: "other JSON" })
}

/// The labels in the order they first appear: the legend's, and each label's colour.
pub fn labels_in_order(spans: &[Span]) -> Vec<&str> {
    let mut labels: Vec<&str> = Vec::new();
    for label in spans.iter().filter_map(|(_, label)| label.as_deref()) {
        if !labels.contains(&label) {
            labels.push(label);
        }
    }
    labels
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn spans_are_gradios_tokens() {
        let json = json!([{"token": "Ada", "class_or_confidence": "name"}, {"token": " wrote", "class_or_confidence": null}, {"token": "!"}]);
        let read = spans(&json).unwrap();
        assert_eq!(read, vec![("Ada".into(), Some("name".into())), (" wrote".into(), None), ("!".into(), None)]);
        assert_eq!(HighlightedText::default().validate(&Value::Json(json)), Ok(()));
        assert_eq!(spans(&json!([{"token": 3}])), None);
        assert_eq!(spans(&json!([{"token": "a", "class_or_confidence": [1]}])), None);
        assert!(HighlightedText::default().validate(&Value::Text("a".into())).is_err());
        let labels = [("a", Some("x")), ("b", None), ("c", Some("y")), ("d", Some("x"))]
            .map(|(t, l)| (t.to_owned(), l.map(str::to_owned)));
        assert_eq!(labels_in_order(&labels), ["x", "y"]);
    }

    #[test]
    fn adjacent_spans_of_a_label_combine_when_asked() {
        let value = Value::Json(
            json!([{"token": "New", "class_or_confidence": "place"}, {"token": "", "class_or_confidence": null},
            {"token": "York", "class_or_confidence": "place"}, {"token": "is", "class_or_confidence": null}]),
        );
        let combining =
            HighlightedText { combine_adjacent: true, adjacent_separator: " ".into(), ..Default::default() };
        let Value::Json(out) = combining.postprocess(value.clone()) else { panic!() };
        assert_eq!(spans(&out).unwrap(), vec![("New York".into(), Some("place".into())), ("is".into(), None)]);
        assert_eq!(HighlightedText::default().postprocess(value.clone()), value, "as it is unless asked");
    }

    #[test]
    fn an_authors_colours_are_classes_with_a_rule_each() {
        let colored = HighlightedText {
            color_map: [("name", "#FF8000"), ("place", "#f80"), ("date", "red")]
                .map(|(label, hex)| (label.to_owned(), hex.to_owned()))
                .into(),
            ..Default::default()
        };
        let labels = ["name", "number", "place", "date"].map(str::to_owned);
        assert_eq!(colored.label_class("name", &labels), "hl hl-c-ff8000");
        assert_eq!(colored.label_class("number", &labels), "hl hl-0", "the stylesheet's first: name is coloured");
        assert_eq!(colored.label_class("date", &labels), "hl hl-1", "a colour that is not one is not used");
        let rules = colored.stylesheet_rules();
        assert_eq!(rules.len(), 2, "the colour names cannot be read: {rules:?}");
        assert!(rules.iter().all(|rule| rule.starts_with(".hl-c-ff8800 ") || rule.starts_with(".hl-c-ff8000 ")));
        let light_and_dark =
            "light-dark(color-mix(in srgb, #ff8000 40%, var(--field)), color-mix(in srgb, #ff8000 30%, var(--field)))";
        assert!(rules[0].contains(light_and_dark), "{rules:?}");
        assert_eq!(
            colored.check(),
            Err(Problem::BadColor { label: "date".into(), color: "red".into() }),
            "a name is refused at start"
        );
    }
}
