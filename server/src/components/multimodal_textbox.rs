//! [`MultimodalTextbox`]: text with files ([`MultimodalMessage`]).

use rheo_shared::{components, FileCount, FileData, ValueError};
use serde_json::{json, Value as JsonValue};

use super::{builder_basics, component_impl, file_data_schema, Common, Contract, NamedFile};
use crate::engine::value::{ComponentValue, Payload};

/// A text box that takes files too (Gradio's `gr.MultimodalTextbox`): a chat's message with a
/// picture to describe or a document to read. The handler gets a [`MultimodalMessage`], its
/// files checked by content against [`MultimodalTextbox::file_types`], as a
/// [`File`](crate::File)'s are.
///
/// ```
/// use rheo::{Interface, MultimodalMessage, MultimodalTextbox, Textbox};
///
/// fn sizes(message: MultimodalMessage) -> String {
///     let sizes: Vec<String> = message.files.iter().map(|f| format!("{}: {} bytes", f.name, f.bytes.len())).collect();
///     format!("{} ({})", message.text, sizes.join(", "))
/// }
///
/// let sizes = Interface::new(sizes)
///     .inputs(MultimodalTextbox::new().file_types(["image"]).multiple())
///     .outputs(Textbox::new());
/// # let _ = rheo::Registry::new().mount("sizes", sizes);
/// ```
#[derive(Clone, Debug, Default)]
pub struct MultimodalTextbox {
    common: Common,
    options: components::MultimodalTextbox,
}

builder_basics!(MultimodalTextbox);
component_impl!(MultimodalTextbox => MultimodalMessage, MultimodalTextbox);

impl MultimodalTextbox {
    /// An empty box that takes one file of any kind.
    pub fn new() -> Self {
        Self::default()
    }

    /// Shown in the empty box.
    pub fn placeholder(mut self, text: impl Into<String>) -> Self {
        self.options.placeholder = Some(text.into());
        self
    }

    /// The kinds of file it takes, as [`File::file_types`](crate::File::file_types).
    pub fn file_types<S: Into<String>>(mut self, types: impl IntoIterator<Item = S>) -> Self {
        self.options.file_types = types.into_iter().map(Into::into).collect();
        self
    }

    /// Several files (one by default).
    pub fn multiple(mut self) -> Self {
        self.options.file_count = FileCount::Multiple;
        self
    }

    /// The most characters its text may have.
    pub fn max_length(mut self, chars: usize) -> Self {
        self.options.max_length = Some(chars);
        self
    }

    /// No starting value: an API parameter without a default, which a caller must give (a
    /// chat's message).
    pub(crate) fn required(mut self) -> Self {
        self.common.value = Some(rheo_shared::Value::Null);
        self
    }
}

/// Text with files, as a handler gets it from a [`MultimodalTextbox`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MultimodalMessage {
    /// What was typed.
    pub text: String,
    /// The files sent with it, in order.
    pub files: Vec<NamedFile>,
    /// Where the server keeps them (an input's; none for a message a handler made).
    stored: Vec<FileData>,
}

impl MultimodalMessage {
    /// A message of `text` and no files.
    pub fn new(text: impl Into<String>) -> Self {
        MultimodalMessage { text: text.into(), ..Self::default() }
    }

    /// This message with `file` too.
    pub fn with_file(mut self, file: NamedFile) -> Self {
        self.files.push(file);
        self
    }

    /// An input's message: its text, its files' contents and where the server keeps them.
    pub(crate) fn received(text: String, files: Vec<NamedFile>, stored: Vec<FileData>) -> Self {
        MultimodalMessage { text, files, stored }
    }

    /// Where the server keeps its files, if it came as an input.
    pub(crate) fn stored(&self) -> &[FileData] {
        &self.stored
    }
}

impl From<&str> for MultimodalMessage {
    fn from(text: &str) -> Self {
        MultimodalMessage::new(text)
    }
}

impl From<String> for MultimodalMessage {
    fn from(text: String) -> Self {
        MultimodalMessage::new(text)
    }
}

impl ComponentValue for MultimodalMessage {
    fn from_payload(payload: Payload) -> Result<Self, ValueError> {
        match payload {
            Payload::Message(message) => Ok(message),
            other => Err(ValueError::WrongType { expected: "text with files", got: other.kind_name() }),
        }
    }

    fn into_payload(self) -> Payload {
        Payload::Message(self)
    }
}

impl Contract for components::MultimodalTextbox {
    fn class_name(&self) -> &'static str {
        "MultimodalTextbox"
    }

    fn props(&self) -> JsonValue {
        let mut props = json!({
            "placeholder": self.placeholder,
            "file_count": self.file_count,
            "sources": ["upload"],
            "max_plain_text_length": 1000,
            "submit_btn": true,
        });
        if !self.file_types.is_empty() {
            props["file_types"] = json!(self.file_types);
        }
        props
    }

    fn api_info(&self) -> JsonValue {
        json!({
            "title": "MultimodalData",
            "type": "object",
            "properties": {
                "text": { "title": "Text", "type": "string" },
                "files": { "title": "Files", "type": "array", "items": file_data_schema("FileData") },
            },
            "required": ["text"],
        })
    }

    fn tool_schema(&self) -> JsonValue {
        json!({
            "type": "object",
            "properties": {
                "text": { "type": "string" },
                "files": {
                    "type": "array",
                    "items": { "type": "string", "contentEncoding": "base64", "description": "a file, as base64 or a data: URL" },
                },
            },
            "required": ["text"],
        })
    }

    fn python_type(&self) -> String {
        "dict(text: str, files: list[filepath])".into()
    }

    fn example(&self) -> JsonValue {
        let file = json!({ "path": "image.png", "meta": { "_type": "gradio.FileData" }, "orig_name": "image.png" });
        json!({ "text": "Describe this image", "files": [file] })
    }
}
