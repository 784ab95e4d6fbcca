//! [`File`]: files of any kind, as [`NamedFile`]s: their bytes, name and content type.

use std::marker::PhantomData;

use bytes::Bytes;
use rheo_shared::{components, ComponentKind, ComponentSpec, FileCount, ValueError};
use serde_json::{json, Value as JsonValue};

use super::{builder_basics, file_data_schema, private, Common, Component, Contract, Output, Shown};
use crate::engine::value::{ComponentValue, Payload};

/// A file: uploaded (picked or dropped) as an input, offered for download as an output. The
/// handler gets a [`NamedFile`], or with [`File::multiple`] a `Vec<NamedFile>`, and returns
/// the same.
///
/// [`File::file_types`] limits what an input takes, by category or extension; the server
/// checks each file's content, not only its name. Each file is at most
/// [`Limits::max_upload_bytes`](crate::Limits::max_upload_bytes), and a list holds at most
/// [`Limits::max_upload_files`](crate::Limits::max_upload_files), inputs and outputs alike.
///
/// ```
/// use rheo::{File, Interface, NamedFile};
///
/// fn count_lines(csv: NamedFile) -> String {
///     let lines = csv.bytes.iter().filter(|b| **b == b'\n').count();
///     format!("{}: {lines} lines", csv.name)
/// }
///
/// let lines = Interface::new(count_lines).inputs(File::new().file_types([".csv"])).outputs(rheo::Textbox::new());
/// # let _ = rheo::Registry::new().mount("lines", lines);
/// ```
#[derive(Clone, Debug)]
pub struct File<T = NamedFile> {
    common: Common,
    options: components::File,
    value: PhantomData<fn() -> T>,
}

impl File {
    /// One file, of any kind.
    pub fn new() -> Self {
        File { common: Common::default(), options: components::File::default(), value: PhantomData }
    }
}

impl Default for File {
    fn default() -> Self {
        Self::new()
    }
}

builder_basics!(File<T>);

impl<T> File<T> {
    /// The kinds of file an input takes: categories (`"image"`, `"audio"`, `"video"`,
    /// `"text"`) or extensions (`".csv"`). A file fits by its content where its format has a
    /// signature (images, audio, video, PDF, archives…) or is text, by its name otherwise.
    pub fn file_types<S: Into<String>>(mut self, types: impl IntoIterator<Item = S>) -> Self {
        self.options.file_types = types.into_iter().map(Into::into).collect();
        self
    }
}

impl File<NamedFile> {
    /// Several files: the handler gets and returns a `Vec<NamedFile>`.
    pub fn multiple(self) -> File<Vec<NamedFile>> {
        let options = components::File { file_count: FileCount::Multiple, ..self.options };
        File { common: self.common, options, value: PhantomData }
    }
}

impl<T> private::Sealed for File<T> {}

impl<T: ComponentValue> Component for File<T> {
    type Value = T;

    fn into_spec(self) -> ComponentSpec {
        self.common.spec(ComponentKind::File(self.options))
    }
}

impl<T: ComponentValue> Shown for File<T> {}

/// A file as a handler sees it: its bytes, its name (the sender's, for an upload) and its
/// content type (found from its bytes for an upload, whatever the sender claimed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NamedFile {
    /// Its name, without folders (`report.csv`).
    pub name: String,
    /// Its content type (`text/csv`).
    pub mime_type: String,
    /// Its content.
    pub bytes: Bytes,
}

impl NamedFile {
    /// A file of these bytes, named `name`; its content type found from the bytes (their
    /// signature, else text or not), then from the name.
    pub fn new(name: impl Into<String>, bytes: impl Into<Bytes>) -> Self {
        let (name, bytes) = (name.into(), bytes.into());
        let mime_type = sniff(&name, &bytes).mime_type;
        NamedFile { name, mime_type, bytes }
    }

    /// This file with another content type.
    pub fn with_mime_type(mut self, mime_type: impl Into<String>) -> Self {
        self.mime_type = mime_type.into();
        self
    }

    /// Its bytes as text, if they are UTF-8.
    pub fn text(&self) -> Option<&str> {
        std::str::from_utf8(&self.bytes).ok()
    }
}

/// What a file's bytes say it is: its content type, and how that was found.
pub(crate) struct Sniffed {
    pub(crate) mime_type: String,
    content: Content,
}

enum Content {
    /// A format's signature, with that format's usual extension.
    Signed { extension: &'static str },
    /// UTF-8 text with no signature.
    Text,
    /// Neither: a format without a signature, or one `infer` does not know.
    Other,
}

/// Finds a file's content type from its signature (`infer`); text (UTF-8 without a
/// signature) takes its name's type if that is textual, else `text/plain`; other bytes take
/// their name's type unless it is textual or has a signature they lack.
pub(crate) fn sniff(name: &str, bytes: &[u8]) -> Sniffed {
    if let Some(kind) = infer::get(bytes) {
        let content = match kind.matcher_type() {
            // HTML, XML, a shell script: text that says what it is.
            infer::MatcherType::Text => Content::Text,
            _ => Content::Signed { extension: kind.extension() },
        };
        return Sniffed { mime_type: kind.mime_type().to_owned(), content };
    }
    let named = mime_guess::from_path(name).first_raw();
    if std::str::from_utf8(bytes).is_ok() {
        let mime_type = named.filter(|mime| is_textual(mime)).unwrap_or("text/plain").to_owned();
        return Sniffed { mime_type, content: Content::Text };
    }
    let mime_type = named.filter(|mime| unsigned_binary(mime)).unwrap_or("application/octet-stream").to_owned();
    Sniffed { mime_type, content: Content::Other }
}

/// Whether a content type is text in some format (CSV, JSON, source code…).
fn is_textual(mime_type: &str) -> bool {
    let subtype = mime_type.split_once('/').map_or("", |(_, subtype)| subtype);
    mime_type.starts_with("text/")
        || ["json", "xml", "javascript", "yaml", "toml", "x-sh"].iter().any(|t| subtype.contains(t))
}

/// Whether a type is neither text nor a format whose files carry a signature `infer` knows:
/// bytes with no signature may be such a file.
fn unsigned_binary(mime_type: &str) -> bool {
    mime_type == "application/octet-stream" || !is_textual(mime_type) && !infer::is_mime_supported(mime_type)
}

/// Whether a file fits one of `types` (see [`File::file_types`]). A category goes by content
/// alone. So does an extension, where the content has a signature: it must be that
/// extension's format, whatever the name (a client may send none: `blob`). Content with no
/// signature needs the name too: text fits a textual extension, other bytes one of a format
/// with no signature.
pub(crate) fn fits(types: &[String], name: &str, sniffed: &Sniffed) -> bool {
    let named_ext = name.rsplit_once('.').map(|(_, ext)| ext.to_ascii_lowercase());
    types.iter().any(|entry| match entry.strip_prefix('.') {
        None if entry == "text" => matches!(sniffed.content, Content::Text),
        None => {
            matches!(sniffed.content, Content::Signed { .. })
                && sniffed.mime_type.split('/').next() == Some(entry.as_str())
        }
        Some(ext) => {
            let ext = ext.to_ascii_lowercase();
            let expected = mime_guess::from_ext(&ext).first_raw();
            let named = named_ext.as_deref() == Some(ext.as_str());
            match sniffed.content {
                Content::Text => named && expected.is_none_or(is_textual),
                Content::Other => named && expected.is_none_or(unsigned_binary),
                Content::Signed { extension } => {
                    extension == ext
                        || expected == Some(sniffed.mime_type.as_str())
                        || mime_guess::get_mime_extensions_str(&sniffed.mime_type)
                            .is_some_and(|extensions| extensions.contains(&ext.as_str()))
                }
            }
        }
    })
}

impl ComponentValue for NamedFile {
    fn from_payload(payload: Payload) -> Result<Self, ValueError> {
        match payload {
            Payload::Files { mut files, list: false } if files.len() == 1 => Ok(files.remove(0)),
            other => Err(ValueError::WrongType { expected: "a file", got: other.kind_name() }),
        }
    }

    fn into_payload(self) -> Payload {
        Payload::Files { files: vec![self], list: false }
    }
}

impl ComponentValue for Vec<NamedFile> {
    fn from_payload(payload: Payload) -> Result<Self, ValueError> {
        match payload {
            Payload::Files { files, list: true } => Ok(files),
            other => Err(ValueError::WrongType { expected: "a list of files", got: other.kind_name() }),
        }
    }

    fn into_payload(self) -> Payload {
        Payload::Files { files: self, list: true }
    }
}

impl Output<File<NamedFile>> for NamedFile {
    fn into_payload(self) -> Payload {
        ComponentValue::into_payload(self)
    }
}

impl Output<File<Vec<NamedFile>>> for Vec<NamedFile> {
    fn into_payload(self) -> Payload {
        ComponentValue::into_payload(self)
    }
}

impl Contract for components::File {
    fn class_name(&self) -> &'static str {
        "File"
    }

    fn props(&self) -> JsonValue {
        let mut props = json!({ "file_count": self.file_count, "type": "filepath" });
        if !self.file_types.is_empty() {
            props["file_types"] = json!(self.file_types);
        }
        props
    }

    fn api_info(&self) -> JsonValue {
        match self.file_count {
            FileCount::Single => file_data_schema("FileData"),
            FileCount::Multiple => {
                json!({ "items": file_data_schema("FileData"), "title": "ListFiles", "type": "array" })
            }
        }
    }

    fn tool_schema(&self) -> JsonValue {
        let one = json!({
            "type": "string",
            "contentEncoding": "base64",
            "description": "a file, as base64 or a data: URL (with its content type)",
        });
        match self.file_count {
            FileCount::Single => one,
            FileCount::Multiple => json!({ "type": "array", "items": one }),
        }
    }

    fn python_type(&self) -> String {
        match self.file_count {
            FileCount::Single => "filepath".into(),
            FileCount::Multiple => "list[filepath]".into(),
        }
    }

    /// What `handle_file(...)` sends; a client uploads the file first.
    fn example(&self) -> JsonValue {
        let one = json!({ "path": "file.pdf", "meta": { "_type": "gradio.FileData" }, "orig_name": "file.pdf" });
        match self.file_count {
            FileCount::Single => one,
            FileCount::Multiple => json!([one]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

    fn fit(types: &[&str], name: &str, bytes: &[u8]) -> bool {
        let types: Vec<String> = types.iter().map(|t| t.to_string()).collect();
        fits(&types, name, &sniff(name, bytes))
    }

    #[test]
    fn content_types_come_from_the_bytes_then_the_name() {
        assert_eq!(NamedFile::new("photo.txt", PNG).mime_type, "image/png", "the signature wins over the name");
        assert_eq!(NamedFile::new("table.csv", "a,b\n1,2\n").mime_type, "text/csv");
        assert_eq!(NamedFile::new("page.png", "<html>").mime_type, "text/html", "text never passes for an image");
        assert_eq!(NamedFile::new("notes.png", "plain words").mime_type, "text/plain");
        assert_eq!(NamedFile::new("weights.bin", vec![0xff, 0xfe, 0x00, 0x81]).mime_type, "application/octet-stream");
        assert_eq!(NamedFile::new("notes", "plain").text(), Some("plain"));
    }

    #[test]
    fn files_fit_their_types_by_content_not_name() {
        assert!(fit(&["image"], "x.png", PNG));
        assert!(fit(&["image"], "no-extension", PNG), "a category goes by content alone");
        assert!(!fit(&["image"], "evil.png", b"<svg onload=alert(1)>"), "text named as an image is refused");
        assert!(!fit(&["image", ".png"], "evil.png", b"<html><script>"), "and so is HTML");
        assert!(fit(&["text"], "page.html", b"<html><body>"), "HTML is text");
        assert!(fit(&[".csv"], "t.CSV", b"a,b\n"));
        assert!(!fit(&[".csv"], "t.csv", PNG), "a PNG named .csv is refused");
        assert!(!fit(&[".csv"], "t.txt", b"a,b\n"), "an extension needs the name too");
        assert!(fit(&[".png"], "x.png", PNG));
        assert!(fit(&[".png"], "blob", PNG), "a signature needs no name");
        assert!(!fit(&[".png"], "x.png", b"not a png"));
        assert!(fit(&[".jpg"], "x.jpg", b"\xff\xd8\xff\xe0\0\x10JFIF\0"), "JPEG's other extension");
        assert!(fit(&[".npy", ".bin"], "w.bin", &[0x93, 0xff, 0x00, 0x81]), "no signature, not text: by name");
        assert!(!fit(&[".bin"], "w.bin", PNG), "but a known signature must be the extension's");
        assert!(fit(&["text"], "notes.md", "# hi".as_bytes()));
        assert!(!fit(&["text", "audio"], "x.png", PNG));
    }

    #[test]
    fn files_convert_as_one_or_a_list() {
        let file = NamedFile::new("a.txt", "a");
        assert_eq!(NamedFile::from_payload(ComponentValue::into_payload(file.clone())), Ok(file.clone()));
        let list = vec![file.clone(), file];
        assert_eq!(Vec::<NamedFile>::from_payload(ComponentValue::into_payload(list.clone())), Ok(list.clone()));
        assert_eq!(
            NamedFile::from_payload(ComponentValue::into_payload(list)).unwrap_err().to_string(),
            "expected a file, got a list of files"
        );
    }
}
