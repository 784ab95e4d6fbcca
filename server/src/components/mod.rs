//! The components an author declares, one module each, with its Rust value type:
//!
//! | component | handler type | notes |
//! | --- | --- | --- |
//! | [`Number`] | `f64` | optional minimum, maximum, step |
//! | [`Slider`] | `f64` | a range with a step |
//! | [`Radio`], [`Dropdown`] | `String` | one of the given choices |
//! | [`Textbox`] | `String` | one or more lines, optional length limit |
//! | [`Checkbox`] | `bool` | |
//! | [`Label`] | [`Classification`](crate::Classification) | output: the top class and class scores |
//! | [`Markdown`] | `String` | output: Markdown shown as formatted text (raw HTML shown as text) |
//! | [`Json`] | [`serde_json::Value`] | output: any JSON, pretty-printed and foldable |
//! | [`Image`] | [`image::RgbImage`] (or RGBA, gray, dynamic) | upload, webcam, paste; may stream |
//! | [`Audio`] | [`AudioData`](crate::AudioData) | microphone or upload; may stream in (chunks) or out (autoplay) |
//! | [`State`] | `State<T>` itself | invisible: carries `T` from one call of a session to the next |
//! | [`Button`] | `String` | in [`Blocks`](crate::Blocks): its clicks run events; its value is its text |
//! | [`Chatbot`] | `Vec<`[`ChatMessage`]`>` | a conversation; streamed as what each answer adds |
//! | [`MultimodalTextbox`] | [`MultimodalMessage`] | text with files (a chat's message box with attachments) |
//! | [`File`] | [`NamedFile`] (`Vec<NamedFile>` with `.multiple()`) | any file, or the kinds allowed (checked by content); a download as an output |
//! | [`ColorPicker`] | [`Color`] | `#rrggbb` on the wire |
//! | [`DateTime`] | [`chrono::NaiveDateTime`] ([`chrono::NaiveDate`] with `.date_only()`) | Gradio's `2020-10-01 05:20:15`; `now - 2h` from API clients |
//! | [`HighlightedText`] | `Vec<(String, Option<String>)>` | output: spans coloured by label, a legend |
//! | [`Gallery`] | `Vec<`[`GalleryImage`]`>` (or a `Vec` of images or of `(image, caption)` pairs) | a grid with captions, a preview the arrow keys move through; as an input, images uploaded into it |
//! | [`AnnotatedImage`] | [`Annotated`]: an image with [`Annotation`]s, boxes or masks | output: regions in their labels' colours, a legend that lights one label |
//! | [`Dataframe`] | [`Table`](crate::Table): headers, rows of [`Cell`](crate::Cell)s | an editable table (typed columns, rows and columns added and removed); sortable as an output |
//! | [`LinePlot`], [`ScatterPlot`], [`BarPlot`] | [`Table`](crate::Table) | output: a chart of two columns (and one of series), drawn as SVG from the data |
//! | [`Video`] | [`VideoFile`]: MP4 or WebM, its length, size and sound | upload or webcam recording (with its sound); a player as an output; passed through, never decoded |
//! | [`Code`] | `String` | an editor with line numbers, highlighted by [`CodeLanguage`](crate::CodeLanguage); a Copy button as an output |
//!
//! Every component takes `.label(..)` (shown beside it, and the API's parameter name), and
//! those with a visible starting value `.value(..)`. A builder settles its spec when the
//! interface is mounted, so options may come in any order: `Number::new().minimum(2.0)` starts
//! at 2.
//!
//! Each module holds a component's whole server-side contract: its builder, the conversion of
//! its value type, and how Gradio's API describes it ([`Contract`], implemented for the
//! component's options type of `rheo_shared`).

pub(crate) mod annotated_image;
mod audio;
mod button;
mod chatbot;
mod checkbox;
mod code;
mod color_picker;
mod dataframe;
mod date_time;
mod dropdown;
pub(crate) mod file;
mod gallery;
mod highlighted_text;
mod image;
mod json;
mod label;
mod markdown;
mod multimodal_textbox;
mod number;
mod plot;
mod radio;
mod slider;
mod state;
mod textbox;
mod video;

use rheo_shared::{match_kind, ComponentKind, ComponentSpec, Value};
use serde_json::{Map, Value as JsonValue};

pub use self::{
    annotated_image::{Annotated, AnnotatedImage, Annotation, Region},
    audio::Audio,
    button::Button,
    chatbot::{ChatMessage, Chatbot, Edit, Like, Part, Role, Step, StepStatus},
    checkbox::Checkbox,
    code::Code,
    color_picker::{Color, ColorPicker},
    dataframe::Dataframe,
    date_time::DateTime,
    dropdown::Dropdown,
    file::{File, NamedFile},
    gallery::{Gallery, GalleryImage},
    highlighted_text::HighlightedText,
    image::Image,
    json::Json,
    label::Label,
    markdown::Markdown,
    multimodal_textbox::{MultimodalMessage, MultimodalTextbox},
    number::Number,
    plot::{BarPlot, LinePlot, ScatterPlot},
    radio::Radio,
    slider::Slider,
    state::State,
    textbox::Textbox,
    video::{Video, VideoError, VideoFile, VideoFormat},
};
use crate::engine::value::{ComponentValue, Payload, StateValue};

/// A component an interface can declare as an input or an output.
pub trait Component: private::Sealed {
    /// The Rust type a handler receives or returns for this component.
    type Value: ComponentValue;
    #[doc(hidden)]
    fn into_spec(self) -> ComponentSpec;
    #[doc(hidden)]
    fn starting_state(&self) -> Option<StateValue> {
        None
    }
}

/// A component that shows on the page (every one but [`State`]): a handler may return an
/// [`Update`](crate::Update) of it.
pub trait Shown: Component + 'static {}

/// A component the user gives media to ([`Image`], [`Audio`]): its Blocks handle fires
/// [`upload`](crate::Handle::upload) and [`clear`](crate::Handle::clear) events, and
/// [`stream`](crate::Handle::stream) events when it streams.
pub trait MediaInput: Component {}

impl MediaInput for Audio {}

/// A text field whose Enter sends ([`Textbox`], [`MultimodalTextbox`]): its Blocks handle
/// fires [`submit`](crate::Handle::submit) events.
pub trait Submitting: Shown {}

impl Submitting for Textbox {}

impl Submitting for MultimodalTextbox {}

/// A component with a list of choices ([`Radio`], [`Dropdown`]): an
/// [`Update`](crate::Update) may give it others.
pub trait Choosing: Shown {}

impl Choosing for Radio {}

impl Choosing for Dropdown {}

impl<T: ComponentValue> MediaInput for Image<T> {}

impl<T: ComponentValue> MediaInput for File<T> {}

impl MediaInput for MultimodalTextbox {}

impl MediaInput for Video {}

impl MediaInput for Gallery {}

/// What a handler may return for output `C`: `C`'s value type, or an [`Update`](crate::Update)
/// of `C`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be shown in a `{C}` output",
    label = "not a value of this output",
    note = "a handler returns for each output its component's value type (the table in \
            `rheo::components`: Number → f64, Textbox → String, …) or an `Update` of it"
)]
pub trait Output<C>: Send + 'static {
    #[doc(hidden)]
    fn into_payload(self) -> Payload;
}

/// What a handler may return for the outputs `O` (one component, or a tuple of up to eight):
/// an [`Output`] of each, a bare value for one component and a tuple for several.
pub trait Returns<O>: Send + 'static {
    #[doc(hidden)]
    fn into_payloads(self) -> Vec<Payload>;
}

impl<C: Component, R: Output<C>> Returns<C> for R {
    fn into_payloads(self) -> Vec<Payload> {
        vec![self.into_payload()]
    }
}

pub(crate) mod private {
    /// Components are Rheo's own: each needs a widget in the page and a codec on the server.
    #[allow(unreachable_pub)] // public in a private module: nameable by no one, the sealing pattern
    pub trait Sealed {}
}

/// What every component builder holds besides its options: a label, and the starting value
/// if the author gave one (else the kind's default, settled at mount from the final options).
#[derive(Clone, Debug, Default)]
pub(crate) struct Common {
    label: String,
    info: String,
    value: Option<Value>,
}

impl Common {
    /// The finished spec; an empty label means "let the interface name it". A starting value
    /// is shown as a handler's would be (its kind's postprocess), as Gradio shows it.
    pub(crate) fn spec(self, kind: ComponentKind) -> ComponentSpec {
        let value = self.value.map_or_else(|| kind.default_value(), |value| kind.postprocess(value));
        ComponentSpec { label: self.label, info: self.info, value, kind }
    }
}

/// The builder methods every component has: `label`, and `value` for those whose value shows.
macro_rules! builder_basics {
    ($name:ident<$param:ident>) => {
        builder_basics!(@methods [$param] $name<$param>);
    };
    ($name:ident) => {
        builder_basics!(@methods [] $name);
    };
    (@methods [$($param:ident)?] $target:ty) => {
        impl $(<$param>)? $target {
            /// The label shown beside the component; also the API's parameter name.
            pub fn label(mut self, label: impl Into<String>) -> Self {
                self.common.label = label.into();
                self
            }

            /// A sentence shown under the label that says more (Gradio's `info`); API and
            /// MCP clients get it as the parameter's description.
            pub fn info(mut self, info: impl Into<String>) -> Self {
                self.common.info = info.into();
                self
            }
        }
    };
    ($name:ident => $value:ty) => {
        builder_basics!($name);

        impl $name {
            /// The value the component starts with (and returns to on Clear).
            pub fn value(mut self, value: impl Into<$value>) -> Self {
                if let $crate::engine::value::Payload::Json(value) =
                    $crate::engine::value::ComponentValue::into_payload(value.into())
                {
                    self.common.value = Some(value);
                }
                self
            }
        }
    };
}
pub(crate) use builder_basics;

/// `Component` for a builder holding `common` and `options` of the kind `$kind`.
macro_rules! component_impl {
    ($name:ident => $value:ty, $kind:ident) => {
        impl $crate::components::private::Sealed for $name {}

        impl $crate::components::Component for $name {
            type Value = $value;

            fn into_spec(self) -> rheo_shared::ComponentSpec {
                self.common.spec(rheo_shared::ComponentKind::$kind(self.options))
            }
        }

        impl $crate::components::Shown for $name {}

        impl $crate::components::Output<$name> for $value {
            fn into_payload(self) -> $crate::engine::value::Payload {
                $crate::engine::value::ComponentValue::into_payload(self)
            }
        }
    };
}
pub(crate) use component_impl;

/// A kind's server-side contract, as Gradio's component classes have it: how Gradio's API
/// describes it (whether its values are media is the kind's own `media()`, in `shared`). Implemented in each component's module for its options type.
pub(crate) trait Contract {
    /// Gradio's class name ("Number").
    fn class_name(&self) -> &'static str;
    /// The component's props in Gradio's `config` (an object), besides label and value.
    fn props(&self) -> JsonValue {
        JsonValue::Object(Map::new())
    }
    /// The JSON schema of its value, as Gradio writes it.
    fn api_info(&self) -> JsonValue;
    /// The JSON Schema of its value as an MCP tool's argument: with its bounds and choices,
    /// media as base64 text (an agent has no upload route).
    fn tool_schema(&self) -> JsonValue {
        self.api_info()
    }
    /// The Python type a `gradio_client` user sees.
    fn python_type(&self) -> String;
    /// An example value, for a component without a starting value.
    fn example(&self) -> JsonValue;
}

/// The [`Contract`] of any kind.
pub(crate) fn contract(kind: &ComponentKind) -> &dyn Contract {
    match_kind!(kind, k => k as &dyn Contract)
}

/// Converts between a JSON-valued type and [`Payload`]: `json_value!(f64, Number, "a number")`.
macro_rules! json_value {
    ($type:ty, $variant:ident, $expected:literal) => {
        impl $crate::engine::value::ComponentValue for $type {
            fn from_payload(payload: $crate::engine::value::Payload) -> Result<Self, rheo_shared::ValueError> {
                match payload {
                    $crate::engine::value::Payload::Json(rheo_shared::Value::$variant(inner)) => Ok(inner),
                    other => Err(rheo_shared::ValueError::WrongType { expected: $expected, got: other.kind_name() }),
                }
            }

            fn into_payload(self) -> $crate::engine::value::Payload {
                $crate::engine::value::Payload::Json(rheo_shared::Value::$variant(self))
            }
        }
    };
}
pub(crate) use json_value;

/// The schema of Gradio's `FileData`, which media components take and give.
pub(crate) fn file_data_schema(title: &str) -> JsonValue {
    let optional = |kind: &str| serde_json::json!({ "anyOf": [{ "type": kind }, { "type": "null" }], "default": null });
    serde_json::json!({
        "title": title,
        "type": "object",
        "properties": {
            "path": { "type": "string", "description": "Path to a file the server holds (from its upload route)" },
            "url": optional("string"),
            "size": optional("integer"),
            "orig_name": optional("string"),
            "mime_type": optional("string"),
            "is_stream": { "type": "boolean", "default": false },
            "meta": { "type": "object", "default": { "_type": "gradio.FileData" } },
        },
        "required": ["path"],
    })
}

/// The schema of Gradio's `ImageData`: a `FileData` whose path is optional (an image may be a
/// URL alone), which images take and give, alone or in a gallery.
pub(crate) fn image_data_schema() -> JsonValue {
    let mut image = file_data_schema("ImageData");
    image.as_object_mut().map(|image| image.remove("required"));
    image
}

/// A media value as an MCP tool takes it: base64 bytes, or a `data:` URL.
pub(crate) fn media_tool_schema(media_type: &str, what: &str) -> JsonValue {
    serde_json::json!({
        "type": "string",
        "contentEncoding": "base64",
        "contentMediaType": media_type,
        "description": format!("{what}, as base64 or a data: URL"),
    })
}

/// How a choice list (a Radio's, a Dropdown's) appears in Gradio's API.
pub(crate) mod choices {
    use serde_json::{json, Value as JsonValue};

    /// `choices` as `[value, shown]` pairs.
    pub(crate) fn props(choices: &[String]) -> JsonValue {
        json!({ "choices": choices.iter().map(|c| json!([c, c])).collect::<Vec<_>>() })
    }

    /// An enum of the choices, titled with Gradio's class name.
    pub(crate) fn api_info(class_name: &str, choices: &[String]) -> JsonValue {
        json!({ "enum": choices, "title": class_name, "type": "string" })
    }

    /// `Literal['a', 'b']`: the choices as a Python type.
    pub(crate) fn python_type(choices: &[String]) -> String {
        let quoted: Vec<String> =
            choices.iter().map(|c| format!("'{}'", c.replace('\\', "\\\\").replace('\'', "\\'"))).collect();
        format!("Literal[{}]", quoted.join(", "))
    }

    /// The first choice.
    pub(crate) fn example(choices: &[String]) -> JsonValue {
        json!(choices.first())
    }
}

/// An ordered list of components, as `.inputs(..)` and `.outputs(..)` take it: one component
/// or a tuple of up to eight. It fixes the handler's arguments: `Args` is always a tuple; what
/// the handler may return for it as outputs is [`Returns`].
pub trait ComponentList: private::Sealed {
    #[doc(hidden)]
    type Args: Send + 'static;
    #[doc(hidden)]
    fn into_specs(self) -> Vec<ComponentSpec>;
    /// Each component's [`Component::starting_state`].
    #[doc(hidden)]
    fn starting_states(&self) -> Vec<Option<StateValue>>;
    /// Payloads (already checked against the specs) to handler arguments.
    #[doc(hidden)]
    fn decode(payloads: Vec<Payload>) -> Result<Self::Args, rheo_shared::ValueError>;
    /// Handler arguments to payloads (for typed examples).
    #[doc(hidden)]
    fn encode_args(args: Self::Args) -> Vec<Payload>;
}

impl<C: Component> ComponentList for C {
    type Args = (C::Value,);

    fn into_specs(self) -> Vec<ComponentSpec> {
        vec![self.into_spec()]
    }

    fn starting_states(&self) -> Vec<Option<StateValue>> {
        vec![self.starting_state()]
    }

    fn decode(payloads: Vec<Payload>) -> Result<Self::Args, rheo_shared::ValueError> {
        <(C,)>::decode(payloads)
    }

    fn encode_args((value,): Self::Args) -> Vec<Payload> {
        vec![value.into_payload()]
    }
}

/// A handler's arguments when its event's data comes first ([`Blocks::on_like`](crate::Blocks::on_like)'s
/// [`Like`](crate::components::Like)), then the values of these components.
pub trait WithEventData<D>: ComponentList {
    #[doc(hidden)]
    type Args: Send + 'static;
    #[doc(hidden)]
    fn with(data: D, args: <Self as ComponentList>::Args) -> <Self as WithEventData<D>>::Args;
}

impl<D: Send + 'static, C: Component> WithEventData<D> for C {
    type Args = (D, C::Value);

    fn with(data: D, (value,): (C::Value,)) -> (D, C::Value) {
        (data, value)
    }
}

macro_rules! component_tuple {
    ($($c:ident $r:ident $v:ident),*) => {
        impl<$($c: Component),*> private::Sealed for ($($c,)*) {}

        impl<Data: Send + 'static, $($c: Component),*> WithEventData<Data> for ($($c,)*) {
            type Args = (Data, $($c::Value,)*);

            fn with(data: Data, ($($v,)*): <Self as ComponentList>::Args) -> <Self as WithEventData<Data>>::Args {
                (data, $($v,)*)
            }
        }

        impl<$($c: Component),*> ComponentList for ($($c,)*) {
            type Args = ($($c::Value,)*);

            fn into_specs(self) -> Vec<ComponentSpec> {
                let ($($v,)*) = self;
                vec![$($v.into_spec()),*]
            }

            fn starting_states(&self) -> Vec<Option<StateValue>> {
                let ($($v,)*) = self;
                vec![$($v.starting_state()),*]
            }

            #[allow(unused_mut, unused_variables)]
            fn decode(payloads: Vec<Payload>) -> Result<Self::Args, rheo_shared::ValueError> {
                let mut payloads = payloads.into_iter();
                Ok(($($c::Value::from_payload(payloads.next().unwrap_or(Payload::Json(Default::default())))?,)*))
            }

            fn encode_args(($($v,)*): Self::Args) -> Vec<Payload> {
                vec![$(ComponentValue::into_payload($v)),*]
            }
        }

        impl<$($c: Component, $r: Output<$c>),*> Returns<($($c,)*)> for ($($r,)*) {
            fn into_payloads(self) -> Vec<Payload> {
                let ($($v,)*) = self;
                vec![$($v.into_payload()),*]
            }
        }
    };
}

component_tuple!();
component_tuple!(A Ra a);
component_tuple!(A Ra a, B Rb b);
component_tuple!(A Ra a, B Rb b, C Rc c);
component_tuple!(A Ra a, B Rb b, C Rc c, D Rd d);
component_tuple!(A Ra a, B Rb b, C Rc c, D Rd d, E Re e);
component_tuple!(A Ra a, B Rb b, C Rc c, D Rd d, E Re e, F Rf f);
component_tuple!(A Ra a, B Rb b, C Rc c, D Rd d, E Re e, F Rf f, G Rg g);
component_tuple!(A Ra a, B Rb b, C Rc c, D Rd d, E Re e, F Rf f, G Rg g, H Rh h);
