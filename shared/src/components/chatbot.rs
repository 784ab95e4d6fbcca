//! Chatbot: a conversation, as Gradio 6's `gr.Chatbot` holds one: a list of messages, each
//! `{"role": "user" | "assistant", "metadata": …, "content": [parts], "options": …}`, a part
//! being `{"type": "text", "text": "…"}` or `{"type": "file", "file": FileData, "alt_text": …}`. An assistant message whose `metadata` has a `title`
//! is a step shown folded under it (a thought, a tool's use), with an optional `status`
//! (`"pending"` shows it open and working, `"done"` folded) and `log`.

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use super::{mismatch, Kind, ValueError};
use crate::{FileData, Value};

/// The most messages any conversation sent to the server may hold.
pub const MAX_CHAT_MESSAGES: usize = 1_000;

/// A Chatbot's options.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Chatbot {
    /// The most messages its conversation may hold (at most [`MAX_CHAT_MESSAGES`]; the server
    /// sets it from its limits).
    #[serde(default = "most_messages")]
    pub max_messages: usize,
    /// Shown while the conversation is empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placeholder: Option<String>,
    /// The page keeps the conversation in the browser's storage, and shows it again when the
    /// page is opened again (Gradio's `save_history`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub saved_in_browser: bool,
}

fn most_messages() -> usize {
    MAX_CHAT_MESSAGES
}

impl Default for Chatbot {
    fn default() -> Self {
        Chatbot { max_messages: MAX_CHAT_MESSAGES, placeholder: None, saved_in_browser: false }
    }
}

impl Kind for Chatbot {
    fn name(&self) -> &'static str {
        "chatbot"
    }

    fn validate(&self, value: &Value) -> Result<(), ValueError> {
        let Value::Json(Json::Array(messages)) = value else {
            return Err(mismatch("a list of messages", value));
        };
        let max = self.max_messages.min(MAX_CHAT_MESSAGES);
        if messages.len() > max {
            return Err(ValueError::TooManyMessages { count: messages.len(), max });
        }
        for (index, message) in messages.iter().enumerate() {
            check_message(message).map_err(|problem| ValueError::BadMessage { index, problem })?;
        }
        Ok(())
    }

    fn default_value(&self) -> Value {
        Value::Json(Json::Array(Vec::new()))
    }

    /// As it is: a list, never a file or a classification.
    fn read(&self, json: Json) -> Value {
        match json {
            Json::Null => Value::Json(Json::Array(Vec::new())),
            other => Value::Json(other),
        }
    }
}

/// What is wrong with a message, if anything. Gradio's clients send `content` as a list of
/// parts or, from older code, as a string; both are read.
fn check_message(message: &Json) -> Result<(), &'static str> {
    let role = message.get("role").and_then(Json::as_str).ok_or("it has no role")?;
    if !matches!(role, "user" | "assistant" | "system") {
        return Err("its role is not user, assistant or system");
    }
    match message.get("content").ok_or("it has no content")? {
        Json::String(_) => {}
        Json::Array(parts) => parts.iter().try_for_each(check_part)?,
        _ => return Err("its content is not text or a list of parts"),
    }
    match message.get("metadata") {
        None | Some(Json::Null | Json::Object(_)) => Ok(()),
        Some(_) => Err("its metadata is not an object"),
    }
}

fn check_part(part: &Json) -> Result<(), &'static str> {
    match part.get("type").and_then(Json::as_str) {
        Some("text") if part.get("text").is_some_and(Json::is_string) => Ok(()),
        Some("text") => Err("a text part has no text"),
        Some("file") => {
            let file = part.get("file").map(FileData::deserialize).ok_or("a file part has no file")?;
            let file = file.map_err(|_| "a file part's file is not a file (it needs a path)")?;
            match file.url.as_deref() {
                Some(url) if !is_web_address(url) => Err("a file part's url is not a web address"),
                _ => Ok(()),
            }
        }
        Some("component") => Err("components in messages are not taken"),
        _ => Err("a part's type is not text or file"),
    }
}

/// Whether a file's URL is one the page may show: on this server (`/…`) or over HTTP(S), never
/// `javascript:` or `data:`.
pub fn is_web_address(url: &str) -> bool {
    (url.starts_with('/') && !url.starts_with("//")) || url.starts_with("https://") || url.starts_with("http://")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn conversations_in_gradios_shapes_fit_and_malformed_ones_say_where() {
        let chat = Chatbot::default();
        let fits = json!([
            {"role": "user", "metadata": null, "content": [{"type": "text", "text": "hi"}], "options": null},
            {"role": "assistant", "content": "hello", "metadata": {"title": "Thinking", "status": "done"}},
        ]);
        assert_eq!(chat.validate(&Value::Json(fits)), Ok(()));
        let image = json!({"type": "file", "file": {"path": "/tmp/x/cat.png", "url": "/chat/gradio_api/file=/tmp/x/cat.png", "mime_type": "image/png"}});
        let with_image = json!([{"role": "user", "content": [{"type": "text", "text": "what is it?"}, image]}]);
        assert_eq!(chat.validate(&Value::Json(with_image)), Ok(()));
        assert_eq!(chat.validate(&chat.default_value()), Ok(()));
        for (message, problem) in [
            (json!({"content": "x"}), "it has no role"),
            (json!({"role": "robot", "content": "x"}), "its role is not user, assistant or system"),
            (json!({"role": "user"}), "it has no content"),
            (json!({"role": "user", "content": 3}), "its content is not text or a list of parts"),
            (json!({"role": "user", "content": [{"type": "text"}]}), "a text part has no text"),
            (json!({"role": "user", "content": "x", "metadata": "x"}), "its metadata is not an object"),
            (json!({"role": "user", "content": [{"type": "file"}]}), "a file part has no file"),
            (
                json!({"role": "user", "content": [{"type": "file", "file": {"url": "/a"}}]}),
                "a file part's file is not a file (it needs a path)",
            ),
            (
                json!({"role": "user", "content": [{"type": "file", "file": {"path": "a", "url": "javascript:x"}}]}),
                "a file part's url is not a web address",
            ),
        ] {
            let value = Value::Json(json!([{"role": "user", "content": "fine"}, message]));
            assert_eq!(chat.validate(&value), Err(ValueError::BadMessage { index: 1, problem }));
        }
        let long = Value::Json(Json::Array(vec![json!({"role": "user", "content": "x"}); MAX_CHAT_MESSAGES + 1]));
        assert_eq!(chat.validate(&long), Err(ValueError::TooManyMessages { count: MAX_CHAT_MESSAGES + 1, max: 1000 }));
        assert!(chat.validate(&Value::Text("hi".into())).is_err());
        let short = Chatbot { max_messages: 1, ..Chatbot::default() };
        let two = Value::Json(json!([{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}]));
        assert_eq!(short.validate(&two).unwrap_err().to_string(), "the conversation has 2 messages; the limit is 1");
    }
}
