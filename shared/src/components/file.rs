//! File: one file or several, of any kind or of the kinds the author allows; as an output,
//! files to download.

use serde::{Deserialize, Serialize};

use super::{mismatch, Kind, Media, Problem, ValueError};
use crate::{wire_names::wire_names, FileData, Value};

/// A file component's options (Gradio's `gr.File`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct File {
    /// One file or a list of them.
    pub file_count: FileCount,
    /// The kinds of file an input takes (none: any): a category (`"image"`, `"audio"`,
    /// `"video"`, `"text"`) or an extension (`".csv"`). The server checks each file's content,
    /// not only its name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub file_types: Vec<String>,
}

/// How many files a File component holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FileCount {
    /// One file: its value is a file.
    #[default]
    Single,
    /// Several: its value is a list of files.
    Multiple,
}

wire_names!(pub FileCount { Single => "single", Multiple => "multiple" });

/// The categories a `file_types` entry may name besides extensions.
pub const FILE_CATEGORIES: [&str; 4] = ["image", "audio", "video", "text"];

impl File {
    /// Whether `entry` is a category or an extension (a dot, then 1 to 16 letters or digits).
    fn is_file_type(entry: &str) -> bool {
        FILE_CATEGORIES.contains(&entry)
            || entry
                .strip_prefix('.')
                .is_some_and(|ext| (1..=16).contains(&ext.len()) && ext.bytes().all(|b| b.is_ascii_alphanumeric()))
    }
}

impl Kind for File {
    fn name(&self) -> &'static str {
        "file"
    }

    fn validate(&self, value: &Value) -> Result<(), ValueError> {
        match (self.file_count, value) {
            (FileCount::Single, Value::File(_)) | (FileCount::Multiple, Value::Files(_)) => Ok(()),
            (FileCount::Single, other) => Err(mismatch("a file", other)),
            (FileCount::Multiple, other) => Err(mismatch("a list of files", other)),
        }
    }

    fn check(&self) -> Result<(), Problem> {
        match self.file_types.iter().find(|entry| !File::is_file_type(entry)) {
            Some(entry) => Err(Problem::BadFileType(entry.clone())),
            None => Ok(()),
        }
    }

    fn media(&self) -> Option<Media> {
        Some(Media::File)
    }

    /// A list's files: a list of anything else stays JSON, which [`File::validate`] refuses.
    fn read(&self, json: serde_json::Value) -> Value {
        match (self.file_count, json) {
            (FileCount::Multiple, serde_json::Value::Array(items)) => {
                let files: Result<Vec<FileData>, _> = items.iter().map(FileData::deserialize).collect();
                files.map_or(Value::Json(serde_json::Value::Array(items)), Value::Files)
            }
            (_, json) => Value::from_json(json),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ComponentKind, ComponentSpec};

    fn file(file_count: FileCount, file_types: &[&str]) -> ComponentSpec {
        let file_types = file_types.iter().map(|t| t.to_string()).collect();
        ComponentSpec::new(ComponentKind::File(File { file_count, file_types }))
    }

    #[test]
    fn a_list_of_files_is_read_as_one_and_checked() {
        let several = file(FileCount::Multiple, &[]);
        let list = serde_json::json!([{"path": "a"}, {"path": "b", "orig_name": "b.csv"}]);
        let value = several.read_value(list);
        assert!(matches!(&value, Value::Files(files) if files.len() == 2 && files[1].path == "b"));
        assert_eq!(several.validate(&value), Ok(()));
        let not_files = several.read_value(serde_json::json!([{"path": "a"}, 3]));
        assert_eq!(several.validate(&not_files).unwrap_err().to_string(), "expected a list of files, got JSON");
        let one = file(FileCount::Single, &[]);
        assert_eq!(one.validate(&value).unwrap_err().to_string(), "expected a file, got a list of files");
        assert_eq!(one.validate(&Value::Null), Err(ValueError::Missing));
        assert_eq!(serde_json::to_value(&value).unwrap()[1]["orig_name"], "b.csv");
        // Through JSON, a list of files is JSON until its component reads it again.
        let travelled: Value = serde_json::from_value(serde_json::to_value(&value).unwrap()).unwrap();
        assert!(matches!(travelled, Value::Json(_)));
        assert_eq!(several.adopt(travelled), value);
    }

    #[test]
    fn file_types_are_categories_or_extensions() {
        assert_eq!(file(FileCount::Single, &["image", ".csv", ".tar"]).check(), Ok(()));
        assert_eq!(
            file(FileCount::Single, &["csv"]).check().unwrap_err().to_string(),
            "file: \"csv\" is not a file type: give a category (image, audio, video, text) or an extension such as \".csv\""
        );
        assert!(file(FileCount::Single, &["../x"]).check().is_err());
    }
}
