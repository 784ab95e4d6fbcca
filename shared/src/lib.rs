//! Rheo's component model, shared by the server (native) and the UI (wasm32).
//!
//! * [`components`]: one module per kind of component (its options and checks), and
//!   [`match_kind!`], the exhaustive match over them.
//! * [`ComponentSpec`]: what one input or output is (a Number with bounds, a Radio with its
//!   choices, …), as the UI renders it and the API describes it.
//! * [`InterfaceSpec`]: one mounted demo: its components and options (`live`, `api_name`, …).
//! * [`BlocksSpec`]: components in a layout and the events that run handlers on them; every
//!   app is one (an [`InterfaceSpec`] is laid out as one).
//! * [`Value`]: one value on the wire, and [`ComponentSpec::validate`], the single check every
//!   value passes at the boundary, whichever transport brought it.
//! * [`AudioData`]: audio as handlers see it, and its wire form (WAV).
//! * [`protocol`]: the request and response bodies of Rheo's HTTP API.
//!
//! ```
//! use rheo_shared::{components::Radio, ComponentKind, ComponentSpec, Value};
//!
//! let op = ComponentSpec::new(ComponentKind::Radio(Radio { choices: vec!["add".into(), "divide".into()] }))
//!     .with_label("operation");
//! assert!(op.validate(&Value::Text("add".into())).is_ok());
//! let err = op.validate(&Value::Text("modulo".into())).unwrap_err();
//! assert_eq!(err.to_string(), "\"modulo\" is not one of the choices: add, divide");
//! ```

mod audio;
mod blocks;
pub mod components;
pub mod i18n;
mod interface;
pub mod protocol;
pub mod theme;
mod value;
mod wire_names;

pub use audio::{AudioData, JoinError};
pub use blocks::{
    BlocksSpec, CacheMode, Cancel, EventSpec, ExampleCache, ExampleSet, Node, Reset, Tab, Trigger, TriggerMode,
    DEFAULT_STREAM_EVERY, MAX_CALLS_IN_FLIGHT, MAX_LAYOUT_DEPTH, MIN_TIMER_SECONDS,
};
pub use components::{
    AudioSource, Cell, CodeLanguage, ColumnType, ComponentKind, ComponentSpec, Facing, FileCount, ImageFormat,
    ImageSource, Media, Problem, SpecError, Table, ValueError, VideoSource, WebcamConstraints,
};
pub use interface::{
    check_values, Batching, Flagging, InterfaceSpec, InterfaceSummary, Misfit, MAX_BATCH_SIZE, MAX_FLAG_REASON_CHARS,
};
pub use value::{
    AnnotatedData, Classification, Confidence, FileData, FileMeta, GalleryData, MultimodalData, Update, Value,
};
