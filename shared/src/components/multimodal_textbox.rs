//! MultimodalTextbox: text with files (Gradio's `gr.MultimodalTextbox`), a chat's message box
//! that takes pictures and documents too.

use serde::{Deserialize, Serialize};

use super::{mismatch, File, FileCount, Kind, Media, Problem, ValueError};
use crate::{MultimodalData, Value};

/// A multimodal text box's options.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MultimodalTextbox {
    /// Shown in the empty field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placeholder: Option<String>,
    /// The kinds of file it takes, as a [`File`]'s `file_types` (none: any).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub file_types: Vec<String>,
    /// One file or several.
    #[serde(default)]
    pub file_count: FileCount,
    /// The most characters its text may have.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<usize>,
}

impl Kind for MultimodalTextbox {
    fn name(&self) -> &'static str {
        "multimodaltextbox"
    }

    fn validate(&self, value: &Value) -> Result<(), ValueError> {
        let Value::Multimodal(MultimodalData { text, files }) = value else {
            return Err(mismatch("text with files", value));
        };
        let length = text.chars().count();
        match self.max_length {
            Some(max_length) if length > max_length => Err(ValueError::TooLong { length, max_length }),
            _ if self.file_count == FileCount::Single && files.len() > 1 => {
                Err(ValueError::TooManyFiles { count: files.len(), max: 1 })
            }
            _ => Ok(()),
        }
    }

    fn check(&self) -> Result<(), Problem> {
        File { file_count: self.file_count, file_types: self.file_types.clone() }.check()
    }

    fn default_value(&self) -> Value {
        Value::Multimodal(MultimodalData::default())
    }

    fn media(&self) -> Option<Media> {
        Some(Media::File)
    }

    /// JSON, or text alone (a message without files).
    fn adopt(&self, value: Value) -> Value {
        match value {
            Value::Json(json) => self.read(json),
            Value::Text(text) => self.read(serde_json::Value::String(text)),
            other => other,
        }
    }

    /// `{"text": …, "files": […]}` as text with files, and text alone as text without files (as
    /// an agent may send a message); anything else as JSON (refused), but `null`, which is
    /// nothing typed yet.
    fn read(&self, json: serde_json::Value) -> Value {
        match json {
            serde_json::Value::Null => self.default_value(),
            serde_json::Value::String(text) => Value::Multimodal(MultimodalData { text, files: Vec::new() }),
            object @ serde_json::Value::Object(_) => {
                MultimodalData::deserialize(&object).map_or(Value::Json(object), Value::Multimodal)
            }
            other => Value::from_json(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::{ComponentKind, ComponentSpec};

    #[test]
    fn text_with_files_is_read_by_its_component_and_checked() {
        let options = MultimodalTextbox { max_length: Some(5), ..MultimodalTextbox::default() };
        let spec = ComponentSpec::new(ComponentKind::MultimodalTextbox(options));
        let value = spec.read_value(json!({"text": "hi", "files": [{"path": "a.png"}]}));
        assert!(matches!(&value, Value::Multimodal(m) if m.text == "hi" && m.files[0].path == "a.png"));
        assert_eq!(spec.validate(&value), Ok(()));
        assert_eq!(spec.read_value(json!({"text": "hi"})).files(), &[]);
        assert_eq!(spec.validate(&spec.read_value(json!(null))), Ok(()), "null is nothing typed yet");
        let long = spec.read_value(json!({"text": "hello!"}));
        assert_eq!(spec.validate(&long).unwrap_err().to_string(), "the text is 6 characters long; the limit is 5");
        let two = spec.read_value(json!({"text": "", "files": [{"path": "a"}, {"path": "b"}]}));
        assert_eq!(spec.validate(&two).unwrap_err().to_string(), "2 files were sent: at most 1 is taken");
        assert_eq!(
            spec.read_value(json!("just text")),
            Value::Multimodal(MultimodalData { text: "just text".into(), files: vec![] })
        );
        let number = spec.read_value(json!(3));
        assert_eq!(spec.validate(&number).unwrap_err().to_string(), "expected text with files, got a number");
        let travelled: Value = serde_json::from_value(serde_json::to_value(&value).unwrap()).unwrap();
        assert_eq!(spec.adopt(travelled), value);
    }
}
