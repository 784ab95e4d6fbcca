use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::Value;

/// One input or output of an interface: its kind with the kind's options, a label and a
/// starting value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ComponentSpec {
    /// Shown next to the control and bound to it (`<label for>`); the API's parameter name.
    pub label: String,
    /// The value the control starts with (and returns to on Clear).
    #[serde(default)]
    pub value: Value,
    #[serde(flatten)]
    pub kind: ComponentKind,
}

/// The kinds of component, each with its own options. Serialised as `{"type": "number", …}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ComponentKind {
    Number { minimum: Option<f64>, maximum: Option<f64>, step: Option<f64> },
    Radio { choices: Vec<String> },
    Textbox { lines: u32, placeholder: Option<String>, max_length: Option<usize> },
    Slider { minimum: f64, maximum: f64, step: f64 },
    Checkbox,
    Dropdown { choices: Vec<String> },
    /// Output only: a classification (the top class and class scores).
    Label,
    /// `jpeg_quality` (0 to 1) is how the browser encodes webcam frames it streams.
    Image { sources: Vec<ImageSource>, streaming: bool, jpeg_quality: f64 },
    Audio { sources: Vec<AudioSource>, streaming: bool, autoplay: bool },
    /// Invisible: carries a value from one call of a session to the next.
    State,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImageSource {
    Upload,
    Webcam,
    Clipboard,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AudioSource {
    Microphone,
    Upload,
}

/// Why a value does not fit its component. The message is shown to the user as it is,
/// prefixed by the component's label.
#[derive(Clone, Debug, PartialEq, Error)]
pub enum ValueError {
    #[error("a value is required")]
    Missing,
    #[error("expected {expected}, got {got}")]
    WrongType { expected: &'static str, got: &'static str },
    #[error("{0} is not a finite number")]
    NotFinite(f64),
    #[error("{value} is below the minimum {minimum}")]
    BelowMinimum { value: f64, minimum: f64 },
    #[error("{value} is above the maximum {maximum}")]
    AboveMaximum { value: f64, maximum: f64 },
    #[error("{value:?} is not one of the choices: {}", choices.join(", "))]
    UnknownChoice { value: String, choices: Vec<String> },
    #[error("the text is {length} characters long; the limit is {max_length}")]
    TooLong { length: usize, max_length: usize },
}

/// A component an author declared wrongly (found when the interface is mounted).
#[derive(Clone, Debug, PartialEq, Error)]
pub enum SpecError {
    #[error("{0}: the minimum is above the maximum")]
    EmptyRange(String),
    #[error("{0}: the step must be a positive number")]
    BadStep(String),
    #[error("{0}: a choice list must not be empty")]
    NoChoices(String),
    #[error("{0}: the JPEG quality must be above 0 and at most 1")]
    BadQuality(String),
    #[error("{0}: give at least one source")]
    NoSources(String),
    #[error("{label}: the starting value does not fit: {error}")]
    BadStartingValue { label: String, error: ValueError },
}

impl ComponentSpec {
    /// A component of this kind with the kind's name as its label and its natural starting value.
    pub fn new(kind: ComponentKind) -> Self {
        let value = kind.default_value();
        ComponentSpec { label: kind.name().to_owned(), value, kind }
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = label.into();
        self
    }

    pub fn with_value(mut self, value: Value) -> Self {
        self.value = value;
        self
    }

    /// Checks a value against this component: type, finiteness, bounds, choices, length.
    pub fn validate(&self, value: &Value) -> Result<(), ValueError> {
        use ComponentKind as K;
        match (&self.kind, value) {
            (K::State, _) => Ok(()),
            (_, Value::Null) => Err(ValueError::Missing),
            (K::Number { minimum, maximum, .. }, Value::Number(n)) => {
                check_range(*n, *minimum, *maximum)
            }
            (K::Slider { minimum, maximum, .. }, Value::Number(n)) => {
                check_range(*n, Some(*minimum), Some(*maximum))
            }
            (K::Radio { choices } | K::Dropdown { choices }, Value::Text(choice)) => {
                if choices.contains(choice) {
                    Ok(())
                } else {
                    Err(ValueError::UnknownChoice { value: choice.clone(), choices: choices.clone() })
                }
            }
            (K::Textbox { max_length, .. }, Value::Text(text)) => {
                let length = text.chars().count();
                match max_length {
                    Some(max_length) if length > *max_length => {
                        Err(ValueError::TooLong { length, max_length: *max_length })
                    }
                    _ => Ok(()),
                }
            }
            (K::Checkbox, Value::Bool(_)) => Ok(()),
            (K::Label, Value::Classification(c)) => {
                match c.confidences.iter().find(|c| !c.confidence.is_finite()) {
                    Some(bad) => Err(ValueError::NotFinite(bad.confidence)),
                    None => Ok(()),
                }
            }
            (K::Image { .. } | K::Audio { .. }, Value::File(_)) => Ok(()),
            (kind, other) => {
                Err(ValueError::WrongType { expected: kind.expected(), got: other.kind_name() })
            }
        }
    }

    /// Checks the author's declaration: sane ranges, non-empty choices, a fitting start value.
    pub fn check(&self) -> Result<(), SpecError> {
        let label = || self.label.clone();
        match &self.kind {
            ComponentKind::Number { minimum: Some(lo), maximum: Some(hi), .. } if lo > hi => {
                return Err(SpecError::EmptyRange(label()));
            }
            ComponentKind::Slider { minimum, maximum, .. } if minimum > maximum => {
                return Err(SpecError::EmptyRange(label()));
            }
            ComponentKind::Slider { step, .. } | ComponentKind::Number { step: Some(step), .. }
                if !(step.is_finite() && *step > 0.0) =>
            {
                return Err(SpecError::BadStep(label()));
            }
            ComponentKind::Radio { choices } | ComponentKind::Dropdown { choices }
                if choices.is_empty() =>
            {
                return Err(SpecError::NoChoices(label()));
            }
            ComponentKind::Image { jpeg_quality, .. } if !(*jpeg_quality > 0.0 && *jpeg_quality <= 1.0) => {
                return Err(SpecError::BadQuality(label()));
            }
            ComponentKind::Image { sources, .. } if sources.is_empty() => {
                return Err(SpecError::NoSources(label()));
            }
            ComponentKind::Audio { sources, .. } if sources.is_empty() => {
                return Err(SpecError::NoSources(label()));
            }
            _ => {}
        }
        match &self.value {
            Value::Null => Ok(()),
            value => self
                .validate(value)
                .map_err(|error| SpecError::BadStartingValue { label: label(), error }),
        }
    }
}

fn check_range(n: f64, minimum: Option<f64>, maximum: Option<f64>) -> Result<(), ValueError> {
    if !n.is_finite() {
        return Err(ValueError::NotFinite(n));
    }
    if let Some(minimum) = minimum.filter(|m| n < *m) {
        return Err(ValueError::BelowMinimum { value: n, minimum });
    }
    if let Some(maximum) = maximum.filter(|m| n > *m) {
        return Err(ValueError::AboveMaximum { value: n, maximum });
    }
    Ok(())
}

impl ComponentKind {
    /// The kind's name, as the API describes it ("number", "radio", …).
    pub fn name(&self) -> &'static str {
        match self {
            ComponentKind::Number { .. } => "number",
            ComponentKind::Radio { .. } => "radio",
            ComponentKind::Textbox { .. } => "textbox",
            ComponentKind::Slider { .. } => "slider",
            ComponentKind::Checkbox => "checkbox",
            ComponentKind::Dropdown { .. } => "dropdown",
            ComponentKind::Label => "label",
            ComponentKind::Image { .. } => "image",
            ComponentKind::Audio { .. } => "audio",
            ComponentKind::State => "state",
        }
    }

    /// Whether this is a streaming input (webcam frames or microphone chunks while recording).
    pub fn is_streaming(&self) -> bool {
        matches!(self, ComponentKind::Image { streaming: true, .. } | ComponentKind::Audio { streaming: true, .. })
    }

    /// The starting value when the author gives none (Gradio's defaults: 0, empty, unchecked,
    /// the slider's minimum, no choice made).
    fn default_value(&self) -> Value {
        match self {
            ComponentKind::Number { minimum, .. } => Value::Number(minimum.unwrap_or(0.0).max(0.0)),
            ComponentKind::Slider { minimum, .. } => Value::Number(*minimum),
            ComponentKind::Textbox { .. } => Value::Text(String::new()),
            ComponentKind::Checkbox => Value::Bool(false),
            _ => Value::Null,
        }
    }

    fn expected(&self) -> &'static str {
        match self {
            ComponentKind::Number { .. } | ComponentKind::Slider { .. } => "a number",
            ComponentKind::Radio { .. } | ComponentKind::Dropdown { .. } => "a choice (text)",
            ComponentKind::Textbox { .. } => "text",
            ComponentKind::Checkbox => "a boolean",
            ComponentKind::Label => "a classification",
            ComponentKind::Image { .. } => "an image file",
            ComponentKind::Audio { .. } => "an audio file",
            ComponentKind::State => "anything",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Classification, Confidence};

    fn number(minimum: Option<f64>, maximum: Option<f64>) -> ComponentSpec {
        ComponentSpec::new(ComponentKind::Number { minimum, maximum, step: None })
    }

    fn radio() -> ComponentSpec {
        ComponentSpec::new(ComponentKind::Radio { choices: vec!["add".into(), "subtract".into()] })
    }

    #[test]
    fn numbers_are_checked_for_type_finiteness_and_bounds() {
        let n = number(Some(0.0), Some(10.0));
        assert_eq!(n.validate(&Value::Number(3.0)), Ok(()));
        assert_eq!(n.validate(&Value::Number(0.0)), Ok(()));
        assert_eq!(n.validate(&Value::Number(10.0)), Ok(()));
        assert_eq!(n.validate(&Value::Number(f64::NAN)).unwrap_err().to_string(), "NaN is not a finite number");
        assert!(matches!(n.validate(&Value::Number(f64::INFINITY)), Err(ValueError::NotFinite(_))));
        assert_eq!(
            n.validate(&Value::Number(-1.0)).unwrap_err().to_string(),
            "-1 is below the minimum 0"
        );
        assert_eq!(
            n.validate(&Value::Number(11.5)).unwrap_err().to_string(),
            "11.5 is above the maximum 10"
        );
        assert_eq!(
            n.validate(&Value::Text("3".into())).unwrap_err().to_string(),
            "expected a number, got text"
        );
        assert_eq!(n.validate(&Value::Null), Err(ValueError::Missing));
        // No bounds: any finite number.
        assert_eq!(number(None, None).validate(&Value::Number(-1e300)), Ok(()));
    }

    #[test]
    fn choices_must_be_in_the_list() {
        assert_eq!(radio().validate(&Value::Text("add".into())), Ok(()));
        assert_eq!(
            radio().validate(&Value::Text("modulo".into())).unwrap_err().to_string(),
            "\"modulo\" is not one of the choices: add, subtract"
        );
        assert_eq!(radio().validate(&Value::Null).unwrap_err().to_string(), "a value is required");
        assert!(matches!(radio().validate(&Value::Bool(true)), Err(ValueError::WrongType { .. })));
    }

    #[test]
    fn text_length_and_other_kinds() {
        let tb = ComponentSpec::new(ComponentKind::Textbox { lines: 1, placeholder: None, max_length: Some(3) });
        assert_eq!(tb.validate(&Value::Text("héé".into())), Ok(()));
        assert_eq!(
            tb.validate(&Value::Text("abcd".into())).unwrap_err().to_string(),
            "the text is 4 characters long; the limit is 3"
        );
        let cb = ComponentSpec::new(ComponentKind::Checkbox);
        assert_eq!(cb.validate(&Value::Bool(false)), Ok(()));
        assert!(cb.validate(&Value::Number(1.0)).is_err());
        let slider = ComponentSpec::new(ComponentKind::Slider { minimum: 1.0, maximum: 5.0, step: 1.0 });
        assert!(slider.validate(&Value::Number(6.0)).is_err());
        assert_eq!(ComponentSpec::new(ComponentKind::State).validate(&Value::Null), Ok(()));
        let label = ComponentSpec::new(ComponentKind::Label);
        assert_eq!(label.validate(&Value::Classification(Classification::from("cat"))), Ok(()));
        let bad = Classification {
            label: None,
            confidences: vec![Confidence { label: "x".into(), confidence: f64::NAN }],
        };
        assert!(label.validate(&Value::Classification(bad)).is_err());
        let image = ComponentSpec::new(ComponentKind::Image { sources: vec![ImageSource::Upload], streaming: false, jpeg_quality: 0.8 });
        assert_eq!(image.validate(&Value::Text("x".into())).unwrap_err().to_string(), "expected an image file, got text");
        assert_eq!(image.validate(&Value::File(Default::default())), Ok(()));
        let audio = ComponentSpec::new(ComponentKind::Audio { sources: vec![AudioSource::Microphone], streaming: true, autoplay: false });
        assert_eq!(audio.validate(&Value::Number(1.0)).unwrap_err().to_string(), "expected an audio file, got a number");
        assert_eq!(audio.validate(&Value::File(Default::default())), Ok(()));
    }

    #[test]
    fn author_mistakes_are_found() {
        assert_eq!(number(Some(5.0), Some(1.0)).check(), Err(SpecError::EmptyRange("number".into())));
        let no_choices = ComponentSpec::new(ComponentKind::Dropdown { choices: vec![] });
        assert_eq!(no_choices.check().unwrap_err().to_string(), "dropdown: a choice list must not be empty");
        let bad_step = ComponentSpec::new(ComponentKind::Slider { minimum: 0.0, maximum: 1.0, step: 0.0 });
        assert!(matches!(bad_step.check(), Err(SpecError::BadStep(_))));
        let bad_start = radio().with_label("op").with_value(Value::Text("x".into()));
        assert_eq!(
            bad_start.check().unwrap_err().to_string(),
            "op: the starting value does not fit: \"x\" is not one of the choices: add, subtract"
        );
        assert_eq!(radio().check(), Ok(()));
        assert_eq!(number(Some(-5.0), None).value, Value::Number(0.0));
        assert_eq!(number(Some(2.0), None).value, Value::Number(2.0));
    }

    #[test]
    fn specs_serialise_with_a_type_tag() {
        let json = serde_json::to_value(radio().with_label("operation")).unwrap();
        assert_eq!(json["type"], "radio");
        assert_eq!(json["label"], "operation");
        assert_eq!(json["choices"][1], "subtract");
        let back: ComponentSpec = serde_json::from_value(json).unwrap();
        assert_eq!(back, radio().with_label("operation"));
    }
}
