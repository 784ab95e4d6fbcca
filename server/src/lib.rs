//! Rheo: turn a typed Rust function into a live web demo.
//!
//! Write an ordinary function, declare its input and output components, mount it, serve:
//!
//! ```no_run
//! use rheo::{Interface, Number, Radio, Registry};
//!
//! fn calculator(num1: f64, operation: String, num2: f64) -> Result<f64, String> {
//!     match operation.as_str() {
//!         "add" => Ok(num1 + num2),
//!         "subtract" => Ok(num1 - num2),
//!         "multiply" => Ok(num1 * num2),
//!         "divide" if num2 == 0.0 => Err("cannot divide by zero".into()),
//!         "divide" => Ok(num1 / num2),
//!         other => Err(format!("unknown operation {other:?}")),
//!     }
//! }
//!
//! #[tokio::main]
//! async fn main() -> Result<(), rheo::ServeError> {
//!     let calculator = Interface::new(calculator)
//!         .inputs((
//!             Number::new().label("num1"),
//!             Radio::new(["add", "subtract", "multiply", "divide"]).label("operation"),
//!             Number::new().label("num2"),
//!         ))
//!         .outputs(Number::new().label("output"))
//!         .live(true);
//!     Registry::new().mount("calculator", calculator).serve().await
//! }
//! ```
//!
//! * Each component has a Rust value type (see [`components`]); the handler's arguments and
//!   return value must match them, or `mount` does not compile.
//!   A mismatch is a compile error that names both sides:
//!
//! ```compile_fail,E0271
//! # use rheo::{Interface, Number, Registry, Textbox};
//! fn double(x: f64) -> f64 {
//!     2.0 * x
//! }
//! // error[E0271]: … expected `(String,)`, found `(f64,)`: a Textbox gives the handler a String.
//! let _ = Registry::new().mount("double", Interface::new(double).inputs(Textbox::new()).outputs(Number::new()));
//! ```
//!
//! * A handler may be a plain function (run on the blocking pool) or an `async fn`; it may
//!   return a value, a tuple of values, or a `Result` whose error is shown to the user. A
//!   handler that returns a `Stream` of those is a generator: each value is shown as it is
//!   yielded (see [`Audio`] for audio that plays as it streams), and the generator is dropped
//!   the moment its caller goes away.
//! * For an output, a handler may return an [`Update`] of it instead of its value: shown or
//!   hidden, open to the user or locked, relabelled, with a new value or not.
//! * A [`State`] input and output carry a value from one call of a session to the next.
//! * A handler that panics fails that one call; the server goes on serving.
//! * Every value is checked against its component before the handler sees it (type, NaN,
//!   bounds, choices), and every output before the user does.
//!
//! The UI is served by the same process, from a prebuilt bundle inside this crate: `cargo run`
//! is all it takes (`cargo leptos watch` is only for developing the UI itself).
//!
//! Inside, an [`Interface`] mounts as the engine's one erased interface; transports (Rheo's
//! JSON API, Gradio's API, the stream socket) sit side by side over the engine, and one codec
//! boundary turns wire values into handler values and back (`docs/ARCHITECTURE.md`).

#![warn(missing_docs)]

mod api_page;
mod batch;
mod blocks;
mod bundle;
mod chat;
pub mod components;
mod engine;
mod flagging;
mod handler;
mod i18n;
mod interface;
mod limits;
mod listen;
mod login;
mod registry;
mod reload;
mod settings;
mod site;
mod store;
mod tabbed;
mod theme;
mod tls;
mod transports;
mod turns;
mod update;

pub use batch::{Batch, BatchResult};
pub use blocks::{Blocks, EventId, EventRef, Handle, Handles, Trigger, Triggers};
pub use chat::{ChatInputs, ChatInterface, MessageBox, Reply};
/// The `chrono` crate, whose naive dates and times a [`DateTime`] gives and takes.
pub use chrono;
pub use components::{
    Annotated, AnnotatedImage, Annotation, Audio, BarPlot, Button, ChatMessage, Chatbot, Checkbox, Choosing, Code,
    Color, ColorPicker, Component, ComponentList, Dataframe, DateTime, Dropdown, Edit, File, Gallery, GalleryImage,
    HighlightedText, Image, Json, Label, Like, LinePlot, Markdown, MediaInput, MultimodalMessage, MultimodalTextbox,
    NamedFile, Number, Output, Radio, Region, Returns, ScatterPlot, Shown, Slider, State, Submitting, Textbox, Video,
    VideoError, VideoFile, VideoFormat, WithEventData,
};
pub use engine::{
    events::{info, progress, track, warning, Tracked},
    value::ComponentValue,
};
pub use handler::{Handler, Incoming, IntoResult, OutputValue, Row};
pub use i18n::Language;
/// The `image` crate, whose types image handlers take and return.
pub use image;
pub use interface::{Interface, IntoMounted};
pub use limits::Limits;
pub use login::Login;
pub use registry::{Monitor, Registry, ServeError, DEFAULT_HOST, DEFAULT_PORT};
pub use rheo_shared::{
    AudioData, AudioSource, CacheMode, Cell, Classification, CodeLanguage, ColumnType, Facing, FileCount, ImageFormat,
    ImageSource, Table, TriggerMode, WebcamConstraints,
};
/// `serde_json`, whose `Value` a [`Json`] output takes (build one with `serde_json::json!`).
pub use serde_json;
pub use tabbed::TabbedInterface;
pub use theme::Theme;
pub use turns::{ReplyOnPause, Utterance};
pub use update::Update;
