//! The components, one module each: a kind's options, their checks, and the check of a value.
//!
//! [`for_each_component!`](crate::for_each_component) holds the one list of kinds. The
//! [`ComponentKind`] enum is made from it, and [`match_kind!`](crate::match_kind) matches over
//! it exhaustively, so the server (its builder, codec and Gradio description) and the app (its
//! widget) each cover every kind or do not compile. Adding a component is a module in each crate
//! and a line in that list.

mod annotated_image;
mod audio;
mod button;
mod chatbot;
mod checkbox;
mod code;
mod color_picker;
mod dataframe;
mod date_time;
mod dropdown;
mod file;
mod gallery;
mod highlighted_text;
mod image;
mod json;
mod label;
mod markdown;
mod multimodal_textbox;
mod number;
#[cfg(feature = "page")]
pub mod page_options;
mod plot;
mod radio;
mod slider;
mod state;
mod textbox;
mod video;

use serde::{Deserialize, Serialize};
use thiserror::Error;

pub use self::{
    annotated_image::{annotation_colors, AnnotatedImage, PALETTE},
    audio::{Audio, AudioSource},
    button::{Button, ButtonVariant},
    chatbot::{is_web_address, Chatbot, MAX_CHAT_MESSAGES},
    checkbox::Checkbox,
    code::{highlight, Code, CodeLanguage, Token},
    color_picker::{hex_color, parse_hex_color, ColorPicker},
    dataframe::{Cell, ColumnType, Count, Dataframe, Table, MAX_CELL_CHARS, MAX_TABLE_COLUMNS, MAX_TABLE_ROWS},
    date_time::{date_format, is_date_time, parse_now, DateTime},
    dropdown::Dropdown,
    file::{File, FileCount, FILE_CATEGORIES},
    gallery::{Gallery, ObjectFit, MAX_GALLERY_COLUMNS},
    highlighted_text::{labels_in_order, spans, spans_of, tokens, HighlightedText, Span},
    image::{Facing, Image, ImageFormat, ImageSource, WebcamConstraints},
    json::Json,
    label::Label,
    markdown::Markdown,
    multimodal_textbox::MultimodalTextbox,
    number::Number,
    plot::{date_text, epoch_millis, Datatype, Mark, Plot, PlotCell, PlotData},
    radio::Radio,
    slider::Slider,
    state::State,
    textbox::Textbox,
    video::{Video, VideoSource},
};
use crate::{Update, Value};

/// What a media component's values are: files, which the server decodes for the handler and
/// encodes from its return (the one notion of media, for the server and the page alike).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Media {
    Image,
    /// `streamed`: as a generator's output, each chunk plays as it comes, then all are joined.
    Audio {
        streamed: bool,
    },
    /// Files of any kind, handed to the handler as they are (their bytes and name).
    File,
    /// A video file, passed through as it is once its container is read (its length checked).
    Video,
}

impl Media {
    /// The type a file of this media is assumed to have when its sender did not say.
    pub fn default_mime_type(self) -> &'static str {
        match self {
            Media::Image => "image/png",
            Media::Audio { .. } => "audio/wav",
            Media::File => "application/octet-stream",
            Media::Video => "video/mp4",
        }
    }
}

/// Calls `$callback!` (a macro of this crate) with `$args` and the list of every component:
/// `[Variant, …]`, where each variant's options are the type of the same name. Like axum's
/// `all_the_tuples!`, it keeps the list in one place.
#[doc(hidden)]
#[macro_export]
macro_rules! for_each_component {
    ($callback:ident $(, $args:tt)*) => {
        $crate::$callback! { $($args,)* [
            Number, Slider, Radio, Dropdown, Textbox, Checkbox, Label, Image, Audio, Markdown, Json, State, Button,
            Chatbot, File, MultimodalTextbox, ColorPicker, DateTime, HighlightedText, Code, Gallery,
            AnnotatedImage, Dataframe, Plot, Video,
        ] }
    };
}

/// Matches a [`ComponentKind`] (or a reference to one) exhaustively, binding the kind's options
/// to `$options` in every arm: `match_kind!(&spec.kind, k => k.name())`. Each component's type
/// must then have what `$body` uses, so no kind can be forgotten.
#[macro_export]
macro_rules! match_kind {
    ($kind:expr, $options:ident => $body:expr) => {
        $crate::for_each_component!(__match_kind_arms, ($kind), $options, ($body))
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __match_kind_arms {
    (($kind:expr), $options:ident, ($body:expr), [$($variant:ident,)*]) => {
        match $kind {
            $($crate::ComponentKind::$variant($options) => $body,)*
        }
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __component_kind_enum {
    ([$($variant:ident,)*]) => {
        /// The kinds of component, each with its own options. Serialised as
        /// `{"number": {…options}}`: externally tagged, so that the page reads each kind's
        /// options straight from the JSON (an internal `"type"` tag made serde buffer every
        /// spec and read each kind's options from the buffer: 40 KB of the wasm). The page
        /// reads them its own way (feature `page`: see `page_options`).
        #[derive(Clone, Debug, PartialEq, Serialize)]
        #[cfg_attr(not(feature = "page"), derive(Deserialize))]
        #[serde(rename_all = "snake_case")]
        pub enum ComponentKind {
            $(
                #[allow(missing_docs)]
                $variant($variant),
            )*
        }

        /// A kind's name alone, as the wire spells it (`"multimodal_textbox"`): what the page
        /// reads before the kind's options (see `page_options`).
        #[cfg(feature = "page")]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
        #[serde(rename_all = "snake_case")]
        #[allow(missing_docs)]
        pub enum KindName {
            $($variant,)*
        }

        impl ComponentKind {
            /// The variant's own name (`"Plot"`), which names the widget in the page (a kind's
            /// API name, such as Gradio's `nativeplot` for the plots, may be another).
            pub fn variant_name(&self) -> &'static str {
                match self {
                    $(ComponentKind::$variant(_) => stringify!($variant),)*
                }
            }
        }
    };
}

for_each_component!(__component_kind_enum);

/// What each kind of component defines here: its name, the checks of its options, and the
/// check of a value.
pub trait Kind {
    /// The kind's name, as the API describes it ("number", "radio", …).
    fn name(&self) -> &'static str;
    /// Checks a value, `Value::Null` included (see [`mismatch`]).
    fn validate(&self, value: &Value) -> Result<(), ValueError>;
    /// Checks the author's options.
    fn check(&self) -> Result<(), Problem> {
        Ok(())
    }
    /// The value the component starts with when the author gives none (Gradio's defaults).
    fn default_value(&self) -> Value {
        Value::Null
    }
    /// Whether, as an input, it streams (webcam frames or microphone chunks while recording).
    fn streams(&self) -> bool {
        false
    }
    /// Whether it only shows values (a Label, Markdown): it cannot be an input.
    fn output_only(&self) -> bool {
        false
    }
    /// Which media its values are, if they are media files: the server decodes them, and a
    /// stream's answer carries their bytes.
    fn media(&self) -> Option<Media> {
        None
    }
    /// Its value from the JSON it travelled as. Untagged, a `Value` is the first variant that
    /// fits; a kind whose values may look like another's (Json) reads them as its own.
    fn read(&self, json: serde_json::Value) -> Value {
        Value::from_json(json)
    }
    /// A value read as plain JSON, read again as this kind's ([`ComponentSpec::adopt`]): JSON
    /// that no other variant fitted, by [`Kind::read`].
    fn adopt(&self, value: Value) -> Value {
        match value {
            Value::Json(json) => self.read(json),
            other => other,
        }
    }

    /// A handler's value as the wire carries it (Gradio's `postprocess`): as it is, unless the
    /// options reshape it (a HighlightedText combining adjacent spans).
    fn postprocess(&self, value: Value) -> Value {
        value
    }

    /// The rules it adds to the stylesheet the server serves (an author's colours: the page's
    /// CSP allows no inline style).
    fn stylesheet_rules(&self) -> Vec<String> {
        Vec::new()
    }
    /// Its list of choices, if it has one (a Radio's, a Dropdown's): an update may replace it.
    fn choices(&self) -> Option<&[String]> {
        None
    }
    /// The same list, to replace.
    fn choices_mut(&mut self) -> Option<&mut Vec<String>> {
        None
    }
}

impl ValueError {
    /// `text` (its first 40 characters) is not a date, or date and time, of the format asked.
    pub fn not_a_date_time(text: &str, include_time: bool) -> Self {
        ValueError::NotADateTime { text: text.chars().take(40).collect(), include_time }
    }

    /// `text` (its first 40 characters) is not a colour.
    pub fn not_a_color(text: &str) -> Self {
        ValueError::NotAColor(text.chars().take(40).collect())
    }
}

/// The error for a value of the wrong kind: [`ValueError::Missing`] for null, else a
/// [`ValueError::WrongType`] naming what was `expected`.
pub fn mismatch(expected: &'static str, got: &Value) -> ValueError {
    match got {
        Value::Null => ValueError::Missing,
        other => ValueError::WrongType { expected, got: other.kind_name() },
    }
}

/// One input or output of an interface: its kind with the kind's options, a label and a
/// starting value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ComponentSpec {
    /// Shown next to the control and bound to it (`<label for>`); the API's parameter name.
    pub label: String,
    /// A sentence that says more than the label (Gradio's `info`): shown under it, and the
    /// parameter's description for API and MCP clients. Empty for none.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub info: String,
    /// The value the control starts with (and returns to on Clear).
    #[serde(default)]
    pub value: Value,
    /// The kind and its options.
    pub kind: ComponentKind,
}

/// Why a value does not fit its component. The message is shown to the user as it is,
/// prefixed by the component's label.
#[derive(Clone, Debug, PartialEq, Error)]
#[allow(missing_docs)]
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
    #[error("message {index}: {problem}")]
    BadMessage { index: usize, problem: &'static str },
    #[error("{count} files were sent: at most {max} {}", if *max == 1 { "is taken" } else { "are taken" })]
    TooManyFiles { count: usize, max: usize },
    #[error("the conversation has {count} messages; the limit is {max}")]
    TooManyMessages { count: usize, max: usize },
    #[error("{0:?} is not a colour: give #rrggbb or #rgb")]
    NotAColor(String),
    #[error("a column's header must be text (at most {max_chars} characters) or a number")]
    BadHeader { max_chars: usize },
    #[error("the table has {count} rows; the limit is {max}")]
    TooManyRows { count: usize, max: usize },
    #[error("the table has {count} columns; the limit is {max}")]
    TooManyColumns { count: usize, max: usize },
    #[error("row {row} is not a list of cells")]
    BadRow { row: usize },
    #[error("row {row} has {cells} cells; the table has {columns} column{}", if *columns == 1 { "" } else { "s" })]
    RowTooWide { row: usize, cells: usize, columns: usize },
    #[error("row {row}, column {column}: a cell holds text, a number, true or false, or nothing")]
    BadCell { row: usize, column: usize },
    #[error("row {row}, column {column}: the text is {length} characters long; the limit is {max}")]
    CellTooLong { row: usize, column: usize, length: usize, max: usize },
    #[error("the plot needs a column {column:?}; the table has {}", columns.join(", "))]
    NoSuchColumn { column: String, columns: Vec<String> },
    #[error("{text:?} is not {}: give {}, or now, or now - 2h",
        if *include_time { "a date and time" } else { "a date" }, date_format(*include_time))]
    NotADateTime { text: String, include_time: bool },
}

/// A component an author declared wrongly (found when the interface is mounted).
#[derive(Clone, Debug, PartialEq, Error)]
#[error("{label}: {problem}")]
pub struct SpecError {
    /// The component's label.
    pub label: String,
    /// What is wrong with it.
    pub problem: Problem,
}

/// What is wrong with a component's declaration.
#[derive(Clone, Debug, PartialEq, Error)]
#[allow(missing_docs)]
pub enum Problem {
    #[error("the minimum is above the maximum")]
    EmptyRange,
    #[error("the step must be a positive number")]
    BadStep,
    #[error("a choice list must not be empty")]
    NoChoices,
    #[error("a choice list may have at most {MAX_CHOICES} choices, not {0}")]
    TooManyChoices(usize),
    #[error("the JPEG quality must be above 0 and at most 1")]
    BadQuality,
    #[error("give at least one source")]
    NoSources,
    #[error("an image size must be 1 to 8192 pixels")]
    BadImageSize,
    #[error("a frame rate must be above 0 and at most 240 per second")]
    BadFrameRate,
    #[error("the starting value does not fit: {0}")]
    BadStartingValue(ValueError),
    #[error("{0:?} is not a file type: give a category (image, audio, video, text) or an extension such as \".csv\"")]
    BadFileType(String),
    #[error("the colour of {label:?} is {color:?}: give #rrggbb or #rgb")]
    BadColor { label: String, color: String },
    #[error("a gallery has 1 to {MAX_GALLERY_COLUMNS} columns, not {0}")]
    BadColumns(u32),
    #[error("{headers} headers were given for {columns} columns")]
    HeadersNotColumns { headers: usize, columns: usize },
    #[error("a table has 1 to {max} columns, not {columns}")]
    BadColumnCount { columns: usize, max: usize },
    #[error("a plot needs the columns of its x and y")]
    NoPlotColumns,
    #[error("a {0} only shows values: it cannot be an input")]
    OutputOnly(&'static str),
}

impl ComponentSpec {
    /// A component of this kind with the kind's name as its label and its natural starting
    /// value (computed now, from the options as they are: set the options first).
    pub fn new(kind: ComponentKind) -> Self {
        let value = kind.default_value();
        ComponentSpec { label: kind.name().to_owned(), info: String::new(), value, kind }
    }

    /// This spec with another label.
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = label.into();
        self
    }

    /// This spec with another starting value.
    pub fn with_value(mut self, value: Value) -> Self {
        self.value = value;
        self
    }

    /// Checks a value against this component: type, finiteness, bounds, choices, length.
    pub fn validate(&self, value: &Value) -> Result<(), ValueError> {
        match_kind!(&self.kind, k => k.validate(value))
    }

    /// Checks the author's declaration: sane options and a fitting starting value.
    pub fn check(&self) -> Result<(), SpecError> {
        let fail = |problem| SpecError { label: self.label.clone(), problem };
        self.kind.check().map_err(fail)?;
        match &self.value {
            Value::Null => Ok(()),
            value => self.validate(value).map_err(|error| fail(Problem::BadStartingValue(error))),
        }
    }

    /// This component's value from the JSON it travelled as (see [`Kind::read`]); an update's
    /// value read the same way.
    pub fn read_value(&self, mut json: serde_json::Value) -> Value {
        if Update::is_update(&json) {
            let value = json.as_object_mut().and_then(|update| update.remove("value"));
            // By reference, as `Value::from_json` reads objects: one reader of JSON trees in
            // the page's wasm, not two.
            let Ok(mut update) = Update::deserialize(&json) else { return Value::Null };
            update.value = value.map(|value| match_kind!(&self.kind, k => k.read(value)));
            return Value::Update(Box::new(update));
        }
        match_kind!(&self.kind, k => k.read(json))
    }

    /// A value read as plain JSON ([`Value::from_json`]), read again as this component's:
    /// what JSON alone does not tell (a list of files) is this component's to say.
    pub fn adopt(&self, value: Value) -> Value {
        match_kind!(&self.kind, k => k.adopt(value))
    }

    /// This spec with the choices an update gave it, or `None` if it has no choices.
    pub fn with_choices(&self, choices: Vec<String>) -> Option<Self> {
        let mut spec = self.clone();
        *match_kind!(&mut spec.kind, k => k.choices_mut())? = choices;
        Some(spec)
    }

    /// Its list of choices, if it has one (a Radio's, a Dropdown's).
    pub fn choices(&self) -> Option<&[String]> {
        match_kind!(&self.kind, k => k.choices())
    }

    /// Checks the declaration of an input: [`ComponentSpec::check`], and that it can be one.
    pub fn check_input(&self) -> Result<(), SpecError> {
        if self.kind.output_only() {
            let problem = Problem::OutputOnly(self.kind.name());
            return Err(SpecError { label: self.label.clone(), problem });
        }
        self.check()
    }
}

impl ComponentKind {
    /// The kind's name, as the API describes it ("number", "radio", …).
    pub fn name(&self) -> &'static str {
        match_kind!(self, k => k.name())
    }

    /// Whether this is a streaming input (webcam frames or microphone chunks while recording).
    pub fn is_streaming(&self) -> bool {
        match_kind!(self, k => k.streams())
    }

    /// Whether it only shows values and cannot be an input.
    pub fn output_only(&self) -> bool {
        match_kind!(self, k => k.output_only())
    }

    /// Which media its values are, if they are media files.
    pub fn media(&self) -> Option<Media> {
        match_kind!(self, k => k.media())
    }

    /// The starting value when the author gives none.
    pub fn default_value(&self) -> Value {
        match_kind!(self, k => k.default_value())
    }

    /// A handler's value as the wire carries it (see [`Kind::postprocess`]).
    pub fn postprocess(&self, value: Value) -> Value {
        match_kind!(self, k => k.postprocess(value))
    }

    /// The rules it adds to the served stylesheet (see [`Kind::stylesheet_rules`]).
    pub fn stylesheet_rules(&self) -> Vec<String> {
        match_kind!(self, k => k.stylesheet_rules())
    }

    fn check(&self) -> Result<(), Problem> {
        match_kind!(self, k => k.check())
    }
}

/// Checks that `n` is finite and within the bounds given.
pub(crate) fn check_range(n: f64, minimum: Option<f64>, maximum: Option<f64>) -> Result<(), ValueError> {
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

/// Checks that `value` is one of `choices` (a Radio's or a Dropdown's).
pub(crate) fn check_choice(choices: &[String], value: &Value) -> Result<(), ValueError> {
    match value {
        Value::Text(choice) if choices.contains(choice) => Ok(()),
        Value::Text(choice) => Err(ValueError::UnknownChoice { value: choice.clone(), choices: choices.to_vec() }),
        other => Err(mismatch("a choice (text)", other)),
    }
}

/// The most choices one list may have.
pub const MAX_CHOICES: usize = 1000;

/// The check of a choice list: an author's, or one a handler's update gives.
pub fn check_choices(choices: &[String]) -> Result<(), Problem> {
    if choices.is_empty() {
        Err(Problem::NoChoices)
    } else if choices.len() > MAX_CHOICES {
        Err(Problem::TooManyChoices(choices.len()))
    } else {
        Ok(())
    }
}

/// The check of a `color_map` (label to colour): each colour `#rrggbb` or `#rgb`.
pub(crate) fn check_color_map(color_map: &std::collections::BTreeMap<String, String>) -> Result<(), Problem> {
    match color_map.iter().find(|(_, hex)| parse_hex_color(hex).is_none()) {
        Some((label, hex)) => Err(Problem::BadColor { label: label.clone(), color: hex.clone() }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Classification, Confidence};

    fn number(minimum: Option<f64>, maximum: Option<f64>) -> ComponentSpec {
        ComponentSpec::new(ComponentKind::Number(Number { minimum, maximum, step: None }))
    }

    fn radio() -> ComponentSpec {
        ComponentSpec::new(ComponentKind::Radio(Radio { choices: vec!["add".into(), "subtract".into()] }))
    }

    #[test]
    fn numbers_are_checked_for_type_finiteness_and_bounds() {
        let n = number(Some(0.0), Some(10.0));
        assert_eq!(n.validate(&Value::Number(3.0)), Ok(()));
        assert_eq!(n.validate(&Value::Number(0.0)), Ok(()));
        assert_eq!(n.validate(&Value::Number(10.0)), Ok(()));
        assert_eq!(n.validate(&Value::Number(f64::NAN)).unwrap_err().to_string(), "NaN is not a finite number");
        assert!(matches!(n.validate(&Value::Number(f64::INFINITY)), Err(ValueError::NotFinite(_))));
        assert_eq!(n.validate(&Value::Number(-1.0)).unwrap_err().to_string(), "-1 is below the minimum 0");
        assert_eq!(n.validate(&Value::Number(11.5)).unwrap_err().to_string(), "11.5 is above the maximum 10");
        assert_eq!(n.validate(&Value::Text("3".into())).unwrap_err().to_string(), "expected a number, got text");
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
        let tb =
            ComponentSpec::new(ComponentKind::Textbox(Textbox { lines: 1, placeholder: None, max_length: Some(3) }));
        assert_eq!(tb.validate(&Value::Text("héé".into())), Ok(()));
        assert_eq!(
            tb.validate(&Value::Text("abcd".into())).unwrap_err().to_string(),
            "the text is 4 characters long; the limit is 3"
        );
        let cb = ComponentSpec::new(ComponentKind::Checkbox(Checkbox {}));
        assert_eq!(cb.validate(&Value::Bool(false)), Ok(()));
        assert!(cb.validate(&Value::Number(1.0)).is_err());
        let slider = ComponentSpec::new(ComponentKind::Slider(Slider { minimum: 1.0, maximum: 5.0, step: 1.0 }));
        assert!(slider.validate(&Value::Number(6.0)).is_err());
        assert_eq!(ComponentSpec::new(ComponentKind::State(State {})).validate(&Value::Null), Ok(()));
        let label = ComponentSpec::new(ComponentKind::Label(Label {}));
        assert_eq!(label.validate(&Value::Classification(Classification::from("cat"))), Ok(()));
        let bad =
            Classification { label: None, confidences: vec![Confidence { label: "x".into(), confidence: f64::NAN }] };
        assert!(label.validate(&Value::Classification(bad)).is_err());
        let image =
            ComponentSpec::new(ComponentKind::Image(Image { sources: vec![ImageSource::Upload], ..Image::default() }));
        assert_eq!(
            image.validate(&Value::Text("x".into())).unwrap_err().to_string(),
            "expected an image file, got text"
        );
        assert_eq!(image.validate(&Value::File(Default::default())), Ok(()));
        let audio = ComponentSpec::new(ComponentKind::Audio(Audio {
            sources: vec![AudioSource::Microphone],
            streaming: true,
            autoplay: false,
        }));
        assert_eq!(
            audio.validate(&Value::Number(1.0)).unwrap_err().to_string(),
            "expected an audio file, got a number"
        );
        assert_eq!(audio.validate(&Value::File(Default::default())), Ok(()));
    }

    #[test]
    fn author_mistakes_are_found() {
        let empty = number(Some(5.0), Some(1.0)).check().unwrap_err();
        assert_eq!(empty, SpecError { label: "number".into(), problem: Problem::EmptyRange });
        let no_choices = ComponentSpec::new(ComponentKind::Dropdown(Dropdown { choices: vec![] }));
        assert_eq!(no_choices.check().unwrap_err().to_string(), "dropdown: a choice list must not be empty");
        let bad_step = ComponentSpec::new(ComponentKind::Slider(Slider { minimum: 0.0, maximum: 1.0, step: 0.0 }));
        assert_eq!(bad_step.check().unwrap_err().problem, Problem::BadStep);
        let bad_start = radio().with_label("op").with_value(Value::Text("x".into()));
        assert_eq!(
            bad_start.check().unwrap_err().to_string(),
            "op: the starting value does not fit: \"x\" is not one of the choices: add, subtract"
        );
        assert_eq!(radio().check(), Ok(()));
        assert_eq!(number(Some(-5.0), None).value, Value::Number(0.0));
        assert_eq!(number(Some(2.0), None).value, Value::Number(2.0));
        assert_eq!(number(None, Some(-3.0)).value, Value::Number(-3.0), "0 is brought into the range");
        let markdown = ComponentSpec::new(ComponentKind::Markdown(Markdown {}));
        assert_eq!(
            markdown.check_input().unwrap_err().to_string(),
            "markdown: a markdown only shows values: it cannot be an input"
        );
        assert_eq!(markdown.check(), Ok(()));
    }

    // The page's build (feature `page`) reads kinds by the page's reader, from text only.
    #[cfg(not(feature = "page"))]
    #[test]
    fn specs_serialise_with_their_kind_as_a_tag() {
        let json = serde_json::to_value(radio().with_label("operation")).unwrap();
        assert_eq!(json["label"], "operation");
        assert_eq!(json["kind"]["radio"]["choices"][1], "subtract");
        let back: ComponentSpec = serde_json::from_value(json).unwrap();
        assert_eq!(back, radio().with_label("operation"));
        let checkbox = ComponentSpec::new(ComponentKind::Checkbox(Checkbox {}));
        let json = serde_json::to_value(&checkbox).unwrap();
        assert_eq!(json, serde_json::json!({"label": "checkbox", "value": false, "kind": {"checkbox": {}}}));
        assert_eq!(serde_json::from_value::<ComponentSpec>(json).unwrap(), checkbox);
    }
}
