//! The components an author declares, each with its Rust value type:
//!
//! | component | handler type | notes |
//! | --- | --- | --- |
//! | [`Number`] | `f64` | optional minimum, maximum, step |
//! | [`Slider`] | `f64` | a range with a step |
//! | [`Radio`], [`Dropdown`] | `String` | one of the given choices |
//! | [`Textbox`] | `String` | one or more lines, optional length limit |
//! | [`Checkbox`] | `bool` | |
//! | [`Label`] | [`Classification`] | output: the top class and class scores |
//! | [`Image`] | [`image::RgbImage`] (or RGBA, gray, dynamic) | upload, webcam, paste; may stream |
//! | [`Audio`] | [`AudioData`] | microphone or upload; may stream in (chunks) or out (autoplay) |
//! | [`State`] | `State<T>` itself | invisible: carries `T` from one call of a session to the next |
//!
//! Every component takes `.label(..)` (shown beside it, and the API's parameter name) and
//! `.value(..)` (its starting value).

use std::{marker::PhantomData, sync::Arc};

use image::{DynamicImage, GrayImage, RgbImage, RgbaImage};
use rheo_shared::{AudioData, AudioSource, Classification, ComponentKind, ComponentSpec, ImageSource};

use crate::value::{ComponentValue, Payload, StateValue};

/// A component an interface can declare as an input or an output.
pub trait Component {
    /// The Rust type a handler receives or returns for this component.
    type Value: ComponentValue;
    /// The component's spec; an empty label means "let the interface name it".
    fn into_spec(self) -> ComponentSpec;
    /// A [`State`]'s starting value, which each new session begins with.
    fn starting_state(&self) -> Option<StateValue> {
        None
    }
}

macro_rules! component {
    ($(#[$doc:meta])* $name:ident => $value:ty) => {
        $(#[$doc])*
        #[derive(Clone, Debug)]
        pub struct $name {
            spec: ComponentSpec,
        }

        impl $name {
            /// The label shown beside the control; also the API's parameter name.
            pub fn label(mut self, label: impl Into<String>) -> Self {
                self.spec.label = label.into();
                self
            }

            /// The value the control starts with.
            pub fn value(mut self, value: impl Into<$value>) -> Self {
                if let Payload::Json(value) = value.into().into_payload() {
                    self.spec.value = value;
                }
                self
            }

            fn from_kind(kind: ComponentKind) -> Self {
                $name { spec: ComponentSpec::new(kind).with_label("") }
            }
        }

        impl Component for $name {
            type Value = $value;

            fn into_spec(self) -> ComponentSpec {
                self.spec
            }
        }
    };
}

component!(
    /// A number field (`f64`).
    Number => f64
);
component!(
    /// A slider over a closed range (`f64`).
    Slider => f64
);
component!(
    /// Radio buttons, one per choice (`String`).
    Radio => String
);
component!(
    /// A drop-down list of choices (`String`).
    Dropdown => String
);
component!(
    /// A text field or text area (`String`).
    Textbox => String
);
component!(
    /// A checkbox (`bool`).
    Checkbox => bool
);
component!(
    /// An output showing a classification: the top class and the class scores.
    Label => Classification
);

impl Number {
    pub fn new() -> Self {
        Self::from_kind(ComponentKind::Number { minimum: None, maximum: None, step: None })
    }

    pub fn minimum(mut self, value: f64) -> Self {
        if let ComponentKind::Number { minimum, .. } = &mut self.spec.kind {
            *minimum = Some(value);
        }
        self
    }

    pub fn maximum(mut self, value: f64) -> Self {
        if let ComponentKind::Number { maximum, .. } = &mut self.spec.kind {
            *maximum = Some(value);
        }
        self
    }

    /// The increment of the field's arrows.
    pub fn step(mut self, value: f64) -> Self {
        if let ComponentKind::Number { step, .. } = &mut self.spec.kind {
            *step = Some(value);
        }
        self
    }
}

impl Slider {
    /// A slider from `minimum` to `maximum` with step 1, starting at `minimum`.
    pub fn new(minimum: f64, maximum: f64) -> Self {
        Self::from_kind(ComponentKind::Slider { minimum, maximum, step: 1.0 })
    }

    pub fn step(mut self, value: f64) -> Self {
        if let ComponentKind::Slider { step, .. } = &mut self.spec.kind {
            *step = value;
        }
        self
    }
}

impl Radio {
    /// Radio buttons for these choices, none chosen at first.
    pub fn new<S: Into<String>>(choices: impl IntoIterator<Item = S>) -> Self {
        Self::from_kind(ComponentKind::Radio { choices: choices.into_iter().map(Into::into).collect() })
    }
}

impl Dropdown {
    /// A drop-down of these choices, none chosen at first.
    pub fn new<S: Into<String>>(choices: impl IntoIterator<Item = S>) -> Self {
        Self::from_kind(ComponentKind::Dropdown { choices: choices.into_iter().map(Into::into).collect() })
    }
}

impl Textbox {
    /// A one-line, empty text field.
    pub fn new() -> Self {
        Self::from_kind(ComponentKind::Textbox { lines: 1, placeholder: None, max_length: None })
    }

    /// Visible lines; more than one makes a text area.
    pub fn lines(mut self, value: u32) -> Self {
        if let ComponentKind::Textbox { lines, .. } = &mut self.spec.kind {
            *lines = value.max(1);
        }
        self
    }

    pub fn placeholder(mut self, value: impl Into<String>) -> Self {
        if let ComponentKind::Textbox { placeholder, .. } = &mut self.spec.kind {
            *placeholder = Some(value.into());
        }
        self
    }

    /// The most characters a value may have; longer values are refused with a clear error.
    pub fn max_length(mut self, value: usize) -> Self {
        if let ComponentKind::Textbox { max_length, .. } = &mut self.spec.kind {
            *max_length = Some(value);
        }
        self
    }
}

impl Checkbox {
    pub fn new() -> Self {
        Self::from_kind(ComponentKind::Checkbox)
    }
}

impl Label {
    pub fn new() -> Self {
        Self::from_kind(ComponentKind::Label)
    }
}

macro_rules! default_via_new {
    ($($name:ident),*) => {
        $(impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        })*
    };
}
default_via_new!(Number, Textbox, Checkbox, Label);

/// An image: picked or dropped as a file, pasted, or taken with the webcam; as an output,
/// shown with a download link. The handler gets an [`RgbImage`] unless the component asks for
/// another pixel format ([`Image::rgba`], [`Image::gray`], [`Image::dynamic`]).
///
/// `.streaming(true)` on a webcam input of a live interface sends frames to the handler while
/// the camera runs, every [`Interface::stream_every`](crate::Interface::stream_every) seconds.
///
/// ```
/// use rheo::{Image, ImageSource, Interface};
///
/// fn flip(frame: image::RgbImage) -> image::RgbImage {
///     image::imageops::flip_vertical(&frame)
/// }
///
/// let flip = Interface::new(flip)
///     .inputs(Image::new().sources([ImageSource::Webcam]).streaming(true))
///     .outputs(Image::new())
///     .live(true);
/// # let _ = rheo::Registry::new().mount("flip", flip);
/// ```
#[derive(Clone, Debug)]
pub struct Image<T = RgbImage> {
    spec: ComponentSpec,
    pixels: PhantomData<fn() -> T>,
}

impl Image {
    /// An image from an upload, the webcam or the clipboard, not streaming.
    pub fn new() -> Self {
        let kind = ComponentKind::Image {
            sources: vec![ImageSource::Upload, ImageSource::Webcam, ImageSource::Clipboard],
            streaming: false,
            jpeg_quality: 0.8,
        };
        Image { spec: ComponentSpec::new(kind).with_label(""), pixels: PhantomData }
    }
}

impl Default for Image {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> Image<T> {
    /// The label shown beside the image; also the API's parameter name.
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.spec.label = label.into();
        self
    }

    /// Where an input image may come from; the first is the one offered first.
    pub fn sources(mut self, from: impl IntoIterator<Item = ImageSource>) -> Self {
        if let ComponentKind::Image { sources, .. } = &mut self.spec.kind {
            *sources = from.into_iter().collect();
        }
        self
    }

    /// Stream webcam frames to the handler while the camera runs (a live interface only).
    pub fn streaming(mut self, on: bool) -> Self {
        if let ComponentKind::Image { streaming, .. } = &mut self.spec.kind {
            *streaming = on;
        }
        self
    }

    /// The JPEG quality (above 0, at most 1; default 0.8) the browser encodes streamed frames at.
    pub fn jpeg_quality(mut self, quality: f64) -> Self {
        if let ComponentKind::Image { jpeg_quality, .. } = &mut self.spec.kind {
            *jpeg_quality = quality;
        }
        self
    }

    /// The handler gets or returns an [`RgbaImage`].
    pub fn rgba(self) -> Image<RgbaImage> {
        Image { spec: self.spec, pixels: PhantomData }
    }

    /// The handler gets or returns a [`GrayImage`].
    pub fn gray(self) -> Image<GrayImage> {
        Image { spec: self.spec, pixels: PhantomData }
    }

    /// The handler gets or returns a [`DynamicImage`], in the pixel format it was sent in.
    pub fn dynamic(self) -> Image<DynamicImage> {
        Image { spec: self.spec, pixels: PhantomData }
    }
}

impl<T: ComponentValue> Component for Image<T> {
    type Value = T;

    fn into_spec(self) -> ComponentSpec {
        self.spec
    }
}

/// Audio: recorded with the microphone or uploaded (WAV, FLAC, MP3, Ogg Vorbis) as an input; as
/// an output, a player with a download link. The handler gets and returns [`AudioData`].
///
/// * In a live interface, a recording (not streaming) runs the handler once, when it stops.
/// * `.streaming(true)` on a microphone input of a live interface sends the handler a chunk of
///   the last [`Interface::stream_every`](crate::Interface::stream_every) seconds while the
///   recording runs; pair it with a [`State`] to build up history.
/// * `.streaming(true).autoplay(true)` on the output of a generator plays each yielded chunk
///   the moment it arrives, and ends as one file of them all.
///
/// ```
/// use futures::Stream;
/// use rheo::{AudioData, Audio, Interface};
///
/// fn keep_repeating(recording: AudioData) -> impl Stream<Item = AudioData> {
///     futures::stream::iter(std::iter::repeat_n(recording, 3))
/// }
///
/// let echo = Interface::new(keep_repeating)
///     .inputs(Audio::new().microphone())
///     .outputs(Audio::new().streaming(true).autoplay(true))
///     .live(true);
/// # let _ = rheo::Registry::new().mount("echo", echo);
/// ```
#[derive(Clone, Debug)]
pub struct Audio {
    spec: ComponentSpec,
}

impl Audio {
    /// Audio from the microphone or an upload, not streaming, not playing by itself.
    pub fn new() -> Self {
        let kind = ComponentKind::Audio {
            sources: vec![AudioSource::Microphone, AudioSource::Upload],
            streaming: false,
            autoplay: false,
        };
        Audio { spec: ComponentSpec::new(kind).with_label("") }
    }

    /// The label shown beside the audio; also the API's parameter name.
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.spec.label = label.into();
        self
    }

    /// Where input audio may come from; the first is the one offered first.
    pub fn sources(mut self, from: impl IntoIterator<Item = AudioSource>) -> Self {
        if let ComponentKind::Audio { sources, .. } = &mut self.spec.kind {
            *sources = from.into_iter().collect();
        }
        self
    }

    /// Only the microphone (`sources([AudioSource::Microphone])`).
    pub fn microphone(self) -> Self {
        self.sources([AudioSource::Microphone])
    }

    /// As an input: send chunks while recording. As a generator's output: play chunks as they come.
    pub fn streaming(mut self, on: bool) -> Self {
        if let ComponentKind::Audio { streaming, .. } = &mut self.spec.kind {
            *streaming = on;
        }
        self
    }

    /// As an output: start playing as soon as there is audio.
    pub fn autoplay(mut self, on: bool) -> Self {
        if let ComponentKind::Audio { autoplay, .. } = &mut self.spec.kind {
            *autoplay = on;
        }
        self
    }
}

impl Default for Audio {
    fn default() -> Self {
        Self::new()
    }
}

impl Component for Audio {
    type Value = AudioData;

    fn into_spec(self) -> ComponentSpec {
        self.spec
    }
}

/// A value carried from one call of a session to the next, never shown and never sent to the
/// browser: as an input, the handler gets what it returned for the matching (same position
/// among States) output last time, or this starting value in a new session. Like axum's
/// `State`, the handler takes and returns it wrapped.
///
/// A session is one page load (Clear starts a new one), a stream, or a Gradio client's
/// `session_hash`; sessions idle for an hour are forgotten.
///
/// ```
/// use rheo::{Interface, State, Textbox};
///
/// fn count(word: String, State(seen): State<Vec<String>>) -> (String, State<Vec<String>>) {
///     let mut seen = seen;
///     seen.push(word);
///     (seen.join(" "), State(seen))
/// }
///
/// let words = Interface::new(count)
///     .inputs((Textbox::new(), State(Vec::<String>::new())))
///     .outputs((Textbox::new(), State(Vec::<String>::new())));
/// # let _ = rheo::Registry::new().mount("words", words);
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct State<T>(pub T);

impl<T: Clone + Send + Sync + 'static> Component for State<T> {
    type Value = State<T>;

    fn into_spec(self) -> ComponentSpec {
        ComponentSpec::new(ComponentKind::State).with_label("")
    }

    fn starting_state(&self) -> Option<StateValue> {
        Some(Arc::new(self.0.clone()))
    }
}

/// An ordered list of components, as `.inputs(..)` and `.outputs(..)` take it: one component
/// or a tuple of up to eight. It fixes the handler's types: `Args` is always a tuple (the
/// handler's arguments); `Returns` is the bare value for one component and a tuple for several.
pub trait ComponentList {
    type Args: Send + 'static;
    type Returns: Send + 'static;
    fn into_specs(self) -> Vec<ComponentSpec>;
    /// Each component's [`Component::starting_state`].
    fn starting_states(&self) -> Vec<Option<StateValue>>;
    /// Payloads (already checked against the specs) to handler arguments.
    fn decode(payloads: Vec<Payload>) -> Result<Self::Args, rheo_shared::ValueError>;
    /// Handler arguments to payloads (for typed examples).
    fn encode_args(args: Self::Args) -> Vec<Payload>;
    /// A handler's return value to payloads.
    fn encode_returns(returns: Self::Returns) -> Vec<Payload>;
}

impl<C: Component> ComponentList for C {
    type Args = (C::Value,);
    type Returns = C::Value;

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

    fn encode_returns(value: Self::Returns) -> Vec<Payload> {
        vec![value.into_payload()]
    }
}

macro_rules! component_tuple {
    ($($c:ident $v:ident),*) => {
        impl<$($c: Component),*> ComponentList for ($($c,)*) {
            type Args = ($($c::Value,)*);
            type Returns = ($($c::Value,)*);

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
                vec![$($v.into_payload()),*]
            }

            fn encode_returns(returns: Self::Returns) -> Vec<Payload> {
                Self::encode_args(returns)
            }
        }
    };
}

component_tuple!();
component_tuple!(A a);
component_tuple!(A a, B b);
component_tuple!(A a, B b, C c);
component_tuple!(A a, B b, C c, D d);
component_tuple!(A a, B b, C c, D d, E e);
component_tuple!(A a, B b, C c, D d, E e, F f);
component_tuple!(A a, B b, C c, D d, E e, F f, G g);
component_tuple!(A a, B b, C c, D d, E e, F f, G g, H h);
