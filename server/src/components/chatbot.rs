//! [`Chatbot`]: a conversation (`Vec<ChatMessage>`).

use rheo_shared::{
    components,
    protocol::{EditData, LikeData},
    FileData, Value, ValueError,
};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value as JsonValue};

use super::{builder_basics, component_impl, Common, Contract};
use crate::engine::value::{ComponentValue, Payload};

/// A conversation shown as messages (Gradio's `gr.Chatbot`): each rendered as Markdown with the
/// safe renderer (raw HTML shown as text), a step of the assistant's (a thought, a tool's use)
/// folded under its title, a copy button on each. A handler takes and returns it as a
/// `Vec<`[`ChatMessage`]`>`; streamed, only what each answer adds goes over the wire.
///
/// ```
/// use rheo::{Blocks, ChatMessage, Chatbot, Textbox};
///
/// fn echo(message: String, mut history: Vec<ChatMessage>) -> (String, Vec<ChatMessage>) {
///     history.push(ChatMessage::user(message.clone()));
///     history.push(ChatMessage::assistant(format!("You said: {message}")));
///     (String::new(), history)
/// }
///
/// let mut app = Blocks::new();
/// let chat = app.add(Chatbot::new());
/// let message = app.add(Textbox::new().placeholder("Say something"));
/// app.on(message.submit(), echo, (message, chat), (message, chat));
/// # let _ = rheo::Registry::new().mount("echo", app);
/// ```
#[derive(Clone, Debug, Default)]
pub struct Chatbot {
    common: Common,
    options: components::Chatbot,
}

builder_basics!(Chatbot => Vec<ChatMessage>);
component_impl!(Chatbot => Vec<ChatMessage>, Chatbot);

impl Chatbot {
    /// An empty conversation.
    pub fn new() -> Self {
        Self::default()
    }

    /// Shown while the conversation is empty.
    pub fn placeholder(mut self, text: impl Into<String>) -> Self {
        self.options.placeholder = Some(text.into());
        self
    }

    /// Keeps the conversation in the browser (its local storage, per page), so that it is
    /// there again when the page is reloaded or opened again later; Clear empties it.
    pub fn save_in_browser(mut self) -> Self {
        self.options.saved_in_browser = true;
        self
    }
}

/// Who wrote a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// The person chatting.
    User,
    /// The demo's side.
    Assistant,
    /// Instructions to the assistant (not shown as a turn of the conversation).
    System,
}

/// One message of a conversation, as Gradio 6 sends it:
/// `{"role": "user", "metadata": null, "content": [{"type": "text", "text": "Hi"}], "options": null}`.
/// An assistant's message with a [`Step`] is shown folded under the step's title.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChatMessage {
    role: Role,
    #[serde(default)]
    metadata: Option<Step>,
    #[serde(deserialize_with = "parts")]
    content: Vec<Part>,
    #[serde(default)]
    options: Option<Vec<JsonValue>>,
}

/// A part of a message's content (Gradio's `TextMessage` and `FileMessage`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
#[non_exhaustive]
pub enum Part {
    /// Markdown text.
    Text {
        /// The text.
        text: String,
    },
    /// A file the server holds: shown as an image or a player if it is one, else as a link.
    File {
        /// Where it is.
        file: FileData,
        /// What it shows, for those who cannot see it.
        #[serde(default)]
        alt_text: Option<String>,
    },
}

/// What makes a message a step of the assistant's (Gradio's message `metadata`): a thought or
/// a tool's use, shown folded under its title.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Step {
    /// What the step is ("Thinking", "Searching the web").
    pub title: String,
    /// `Some(Pending)` shows it open and working; `Some(Done)` folded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<StepStatus>,
    /// Said beside the title, subdued.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log: Option<String>,
    /// How long it took, in seconds, beside the title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<f64>,
}

/// Whether a [`Step`] is still working.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StepStatus {
    /// Still working: shown open, with a sign that it works.
    Pending,
    /// Finished: shown folded.
    Done,
}

/// A message's content: a list of parts, or, as older clients send it, one text.
fn parts<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Vec<Part>, D::Error> {
    match JsonValue::deserialize(deserializer)? {
        JsonValue::String(text) => Ok(vec![Part::Text { text }]),
        other => serde_json::from_value(other).map_err(serde::de::Error::custom),
    }
}

impl ChatMessage {
    fn new(role: Role, text: impl Into<String>) -> Self {
        ChatMessage { role, metadata: None, content: vec![Part::Text { text: text.into() }], options: None }
    }

    /// The person's message.
    pub fn user(text: impl Into<String>) -> Self {
        Self::new(Role::User, text)
    }

    /// The assistant's message.
    pub fn assistant(text: impl Into<String>) -> Self {
        Self::new(Role::Assistant, text)
    }

    /// A step of the assistant's, `text` shown folded under `title`.
    pub fn step(step: Step, text: impl Into<String>) -> Self {
        ChatMessage { metadata: Some(step), ..Self::assistant(text) }
    }

    /// Who wrote it.
    pub fn role(&self) -> Role {
        self.role
    }

    /// Its step, if it is one.
    pub fn metadata(&self) -> Option<&Step> {
        self.metadata.as_ref()
    }

    /// The person's message of `text` and `files` (an upload's, as the store holds them).
    pub fn user_with_files(text: impl Into<String>, files: impl IntoIterator<Item = FileData>) -> Self {
        let mut message = Self::user(text);
        message.content.extend(files.into_iter().map(|file| Part::File { file, alt_text: None }));
        message
    }

    /// Its text: every text part, joined.
    pub fn text(&self) -> String {
        self.content
            .iter()
            .filter_map(|part| match part {
                Part::Text { text } => Some(text.as_str()),
                Part::File { .. } => None,
            })
            .collect()
    }

    /// Its files, in order.
    pub fn files(&self) -> impl Iterator<Item = &FileData> {
        self.content.iter().filter_map(|part| match part {
            Part::File { file, .. } => Some(file),
            Part::Text { .. } => None,
        })
    }

    /// Adds `text` to its last text part (a streamed reply's next token).
    pub fn push_str(&mut self, text: &str) {
        match self.content.last_mut() {
            Some(Part::Text { text: last }) => last.push_str(text),
            _ => self.content.push(Part::Text { text: text.to_owned() }),
        }
    }
}

/// A like or dislike of a message, as an event of [`Blocks::on_like`](crate::Blocks::on_like)
/// gets it (Gradio's `gr.LikeData`).
#[derive(Clone, Debug, PartialEq)]
pub struct Like {
    /// The message's place in the conversation.
    pub index: usize,
    /// The message liked.
    pub message: ChatMessage,
    /// Liked (`true`) or disliked.
    pub liked: bool,
}

/// A like event's data, which its handler takes first (checked to be a `LikeData` before the
/// call).
impl ComponentValue for Like {
    fn from_payload(payload: Payload) -> Result<Self, ValueError> {
        let like = match payload {
            Payload::Json(Value::Json(json)) => serde_json::from_value::<LikeData>(json).ok(),
            _ => None,
        };
        let like = like.and_then(|LikeData { index, value, liked }| {
            Some(Like { index, message: serde_json::from_value(value).ok()?, liked })
        });
        like.ok_or(ValueError::WrongType { expected: "a liked message", got: "another value" })
    }

    fn into_payload(self) -> Payload {
        let Like { index, message, liked } = self;
        let like = LikeData { index, value: serde_json::to_value(message).unwrap_or_default(), liked };
        Payload::Json(Value::Json(serde_json::to_value(like).unwrap_or_default()))
    }
}

/// A message the person sent, edited, as an event of [`Blocks::on_edit`](crate::Blocks::on_edit)
/// gets it (Gradio's `gr.EditData`).
#[derive(Clone, Debug, PartialEq)]
pub struct Edit {
    /// The message's place in the conversation.
    pub index: usize,
    /// Its new text.
    pub text: String,
    /// Its text before.
    pub previous: String,
}

/// An edit event's data, which its handler takes first (checked to be an `EditData` before
/// the call).
impl ComponentValue for Edit {
    fn from_payload(payload: Payload) -> Result<Self, ValueError> {
        let edit = match payload {
            Payload::Json(Value::Json(json)) => serde_json::from_value::<EditData>(json).ok(),
            _ => None,
        };
        let edit =
            edit.map(|EditData { index, value, previous_value }| Edit { index, text: value, previous: previous_value });
        edit.ok_or(ValueError::WrongType { expected: "an edited message", got: "another value" })
    }

    fn into_payload(self) -> Payload {
        let Edit { index, text, previous } = self;
        let edit = EditData { index, value: text, previous_value: previous };
        Payload::Json(Value::Json(serde_json::to_value(edit).unwrap_or_default()))
    }
}

impl ComponentValue for Vec<ChatMessage> {
    fn from_payload(payload: Payload) -> Result<Self, ValueError> {
        match payload {
            // Checked against the component before (shared's `Chatbot::validate`).
            Payload::Json(Value::Json(json)) => serde_json::from_value(json)
                .map_err(|_| ValueError::WrongType { expected: "a list of messages", got: "another JSON value" }),
            other => Err(ValueError::WrongType { expected: "a list of messages", got: other.kind_name() }),
        }
    }

    fn into_payload(self) -> Payload {
        Payload::Json(Value::Json(serde_json::to_value(self).unwrap_or_default()))
    }
}

impl Contract for components::Chatbot {
    fn class_name(&self) -> &'static str {
        "Chatbot"
    }

    fn props(&self) -> JsonValue {
        json!({
            "placeholder": self.placeholder,
            "height": 400,
            "render_markdown": true,
            "sanitize_html": true,
            "buttons": ["copy", "copy_all"],
            "likeable": false,
        })
    }

    fn api_info(&self) -> JsonValue {
        let text = json!({
            "title": "TextMessage",
            "type": "object",
            "properties": {
                "text": { "title": "Text", "type": "string" },
                "type": { "const": "text", "default": "text", "title": "Type", "type": "string" },
            },
            "required": ["text"],
        });
        let file = json!({
            "title": "FileMessage",
            "type": "object",
            "properties": {
                "file": super::file_data_schema("FileData"),
                "alt_text": { "anyOf": [{ "type": "string" }, { "type": "null" }], "default": null, "title": "Alt Text" },
                "type": { "const": "file", "default": "file", "title": "Type", "type": "string" },
            },
            "required": ["file"],
        });
        let metadata = json!({
            "title": "MetadataDict",
            "type": "object",
            "properties": {
                "title": { "title": "Title", "type": "string" },
                "log": { "title": "Log", "type": "string" },
                "duration": { "title": "Duration", "type": "number" },
                "status": { "enum": ["pending", "done"], "title": "Status", "type": "string" },
            },
        });
        json!({
            "title": "ChatbotDataMessages",
            "type": "array",
            "items": {
                "title": "Message",
                "type": "object",
                "properties": {
                    "role": { "title": "Role", "type": "string", "enum": ["user", "assistant", "system"] },
                    "metadata": { "anyOf": [metadata, { "type": "null" }], "default": null },
                    "content": { "title": "Content", "type": "array", "items": { "anyOf": [text, file] } },
                    "options": { "anyOf": [{ "type": "array" }, { "type": "null" }], "default": null },
                },
                "required": ["role", "content"],
            },
        })
    }

    fn python_type(&self) -> String {
        "list[dict(role: str, metadata: dict(title: str, log: str, duration: float, status: Literal['pending', \
         'done']) | None, content: list[dict(text: str, type: Literal[text]) | dict(file: filepath, alt_text: str \
         | None, type: Literal[file])], options: list | None)]"
            .into()
    }

    fn example(&self) -> JsonValue {
        json!([ChatMessage::user("Hello!"), ChatMessage::assistant("How can I help you?")])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_gradios_and_read_from_either_content_shape() {
        let message = ChatMessage::user("Hello!");
        assert_eq!(
            serde_json::to_string(&message).unwrap(),
            r#"{"role":"user","metadata":null,"content":[{"type":"text","text":"Hello!"}],"options":null}"#
        );
        let step = ChatMessage::step(
            Step { title: "Thinking".into(), status: Some(StepStatus::Done), ..Step::default() },
            "hm",
        );
        let json = serde_json::to_value(&step).unwrap();
        assert_eq!(json["metadata"], json!({"title": "Thinking", "status": "done"}));
        let read: ChatMessage = serde_json::from_value(json!({"role": "assistant", "content": "Hi"})).unwrap();
        assert_eq!(read, ChatMessage::assistant("Hi"));
        let file = FileData { path: "/tmp/x/cat.png".into(), ..FileData::default() };
        let asked = ChatMessage::user_with_files("what is it?", [file.clone()]);
        let json = serde_json::to_value(&asked).unwrap();
        assert_eq!(json["content"][1]["type"], "file");
        assert_eq!(json["content"][1]["file"]["path"], "/tmp/x/cat.png");
        let read: ChatMessage = serde_json::from_value(json).unwrap();
        assert_eq!((read.text(), read.files().collect::<Vec<_>>()), ("what is it?".to_owned(), vec![&file]));
        let mut streamed = ChatMessage::assistant("Hel");
        streamed.push_str("lo");
        assert_eq!(streamed.text(), "Hello");
    }
}
