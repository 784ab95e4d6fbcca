use crate::wire_names::wire_names;
use serde::{Deserialize, Deserializer, Serialize};

/// One value on the wire: the JSON a component takes or gives.
///
/// Untagged, so the JSON is what a Gradio client would send: `3`, `"add"`, `true`, `null`.
/// Read by its shape ([`Value::from_json`]): an object is the first of an update, a file or a
/// classification that it fits, else JSON.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Value {
    #[default]
    Null,
    Bool(bool),
    Number(f64),
    Text(String),
    /// A handler's change to an output beyond its value (Gradio's `gr.update`); only ever an
    /// output's. Before the objects below: it is told by its `"__type__": "update"`.
    Update(Box<Update>),
    /// A file the server stored (an upload, an image or audio output), as Gradio's
    /// `FileData`. Before `Classification`: untagged, the first variant that fits wins, and a
    /// file always has a `path`.
    File(FileData),
    /// Several files (a File component's list); read as such only by a component whose
    /// value it is (see `Kind::read`): any other array is JSON.
    Files(Vec<FileData>),
    /// Text with files (a MultimodalTextbox's); read as such only by a component whose value
    /// it is, as a list of files is.
    Multimodal(MultimodalData),
    /// Images with captions (a Gallery's); read as such only by a component whose value it
    /// is, as a list of files is.
    Gallery(GalleryData),
    /// An image with labelled regions (an AnnotatedImage's); read as such only by a component
    /// whose value it is.
    Annotated(AnnotatedData),
    Classification(Classification),
    /// Any other JSON: a Json component's arrays and objects (and whatever else a handler
    /// returns for one). Last: untagged, it takes what no other variant does.
    Json(serde_json::Value),
}

impl<'de> Deserialize<'de> for Value {
    /// Read as JSON, then by its shape. Not serde's `untagged`: that buffers the value and
    /// tries each variant on the buffer, which compiled a reader of the buffer for every type
    /// inside a value into the page's wasm; and it mistook an array such as `["a"]` for one of
    /// the objects (serde reads a struct from an array too).
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        serde_json::Value::deserialize(deserializer).map(Value::from_json)
    }
}

impl Value {
    /// The value JSON stands for: `null`, a boolean, a number, text; an object that is an
    /// update (its `"__type__"`), a file (it has a `path`) or a classification (a `label`, no
    /// other keys but `confidences`), tried in that order; any other JSON as it is.
    pub fn from_json(json: serde_json::Value) -> Value {
        use serde_json::Value as Json;
        match json {
            Json::Null => Value::Null,
            Json::Bool(b) => Value::Bool(b),
            Json::Number(n) => n.as_f64().map_or(Value::Json(Json::Number(n)), Value::Number),
            Json::String(text) => Value::Text(text),
            object @ Json::Object(_) => {
                if let Ok(update) = Update::deserialize(&object) {
                    Value::Update(Box::new(update))
                } else if let Ok(file) = FileData::deserialize(&object) {
                    Value::File(file)
                } else if let Ok(classification) = Classification::deserialize(&object) {
                    Value::Classification(classification)
                } else {
                    Value::Json(object)
                }
            }
            array @ Json::Array(_) => Value::Json(array),
        }
    }

    /// A short name of the value's kind, for error messages.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Value::Null => "nothing",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::Text(_) => "text",
            Value::Update(_) => "an update",
            Value::File(_) => "a file",
            Value::Files(_) => "a list of files",
            Value::Multimodal(_) => "text with files",
            Value::Gallery(_) => "a gallery",
            Value::Annotated(_) => "an annotated image",
            Value::Classification(_) => "a classification",
            Value::Json(_) => "JSON",
        }
    }

    /// The files this value holds (one, a list's, text's with files, an update's new value's,
    /// or none).
    pub fn files(&self) -> &[FileData] {
        match self {
            Value::File(file) => std::slice::from_ref(file),
            Value::Files(files) | Value::Multimodal(MultimodalData { files, .. }) => files,
            Value::Gallery(gallery) => &gallery.files,
            Value::Annotated(annotated) => &annotated.files,
            Value::Update(update) => update.value.as_ref().map_or(&[], Value::files),
            _ => &[],
        }
    }

    /// The same, to change.
    pub fn files_mut(&mut self) -> &mut [FileData] {
        match self {
            Value::File(file) => std::slice::from_mut(file),
            Value::Files(files) | Value::Multimodal(MultimodalData { files, .. }) => files,
            Value::Gallery(gallery) => &mut gallery.files,
            Value::Annotated(annotated) => &mut annotated.files,
            Value::Update(update) => update.value.as_mut().map_or(&mut [], Value::files_mut),
            _ => &mut [],
        }
    }
}

/// A handler's change to an output: its value, how it shows, or both; what it leaves out stays
/// as it is. On the wire as Gradio sends one, so its clients read it as they do Gradio's:
/// `{"__type__": "update", "visible": false, "value": 3.0}`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Update {
    #[serde(rename = "__type__")]
    marker: UpdateMarker,
    /// The new value (`Some(Value::Null)` empties the component); none keeps the value.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "present")]
    pub value: Option<Value>,
    /// Shown or hidden (its place in the layout kept empty).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visible: Option<bool>,
    /// Whether the user may change it: an input's controls are disabled while false.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interactive: Option<bool>,
    /// A new label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// A Radio's or a Dropdown's new choices; later calls of the session may pick any of them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub choices: Option<Vec<String>>,
}

/// The `"__type__"` that tells an update from any other object.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
enum UpdateMarker {
    #[default]
    Update,
}

wire_names!(UpdateMarker { Update => "update" });

/// `"value": null` is a value (an emptied component), not the absence of one.
fn present<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(deserializer).map(Some)
}

impl Update {
    /// Whether an object is an update (its `"__type__"`), before reading it as one.
    pub fn is_update(json: &serde_json::Value) -> bool {
        json.get("__type__").and_then(serde_json::Value::as_str) == Some("update")
    }
}

/// A file held by the server, as Gradio describes one (`gradio.FileData`): `path` names it
/// on the server (as its upload route returned it), `url` is where to download it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FileData {
    pub path: String,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub size: Option<u64>,
    #[serde(default)]
    pub orig_name: Option<String>,
    #[serde(default)]
    pub mime_type: Option<String>,
    #[serde(default)]
    pub is_stream: bool,
    #[serde(default)]
    pub meta: FileMeta,
}

/// Text with files, as Gradio's `MultimodalTextbox` holds it (its `MultimodalData`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MultimodalData {
    pub text: String,
    #[serde(default)]
    pub files: Vec<FileData>,
}

/// Images with captions, as a Gallery holds them; on the wire as Gradio's `GalleryData`, a list
/// of `{"image": FileData, "caption": …}`. Kept as a list of files and one of captions, of the
/// same length, so that its files are one slice as every value's are ([`Value::files`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GalleryData {
    files: Vec<FileData>,
    captions: Vec<Option<String>>,
}

impl GalleryData {
    /// A gallery of these images, each with its caption if it has one.
    pub fn new(items: impl IntoIterator<Item = (FileData, Option<String>)>) -> Self {
        let (files, captions) = items.into_iter().unzip();
        GalleryData { files, captions }
    }

    /// Each image with its caption.
    pub fn items(&self) -> impl Iterator<Item = (&FileData, Option<&str>)> {
        self.files.iter().zip(self.captions.iter().map(Option::as_deref))
    }

    /// How many images it holds.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Gradio's list read, if `json` is one: an array of objects, each with an `image` that is a
    /// file and a `caption` that is text, null or absent.
    pub fn from_json(json: &serde_json::Value) -> Option<Self> {
        let item = |item: &serde_json::Value| {
            let file = FileData::deserialize(item.get("image")?).ok()?;
            let caption = match item.get("caption") {
                None | Some(serde_json::Value::Null) => None,
                Some(caption) => Some(caption.as_str()?.to_owned()),
            };
            Some((file, caption))
        };
        json.as_array()?.iter().map(item).collect::<Option<Vec<_>>>().map(GalleryData::new)
    }
}

impl Serialize for GalleryData {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Item<'a> {
            image: &'a FileData,
            caption: Option<&'a str>,
        }
        serializer.collect_seq(self.items().map(|(image, caption)| Item { image, caption }))
    }
}

/// An image with labelled regions, as an AnnotatedImage holds it; on the wire as Gradio's
/// `AnnotatedImageData`, `{"image": FileData, "annotations": [{"image": FileData, "label": …}]}`.
/// Kept as one list of files, the image's then each region's mask's, and the regions' labels,
/// so that its files are one slice as every value's are ([`Value::files`]).
#[derive(Clone, Debug, PartialEq)]
pub struct AnnotatedData {
    files: Vec<FileData>,
    labels: Vec<String>,
}

impl AnnotatedData {
    /// `image` with its regions' masks, each with its label.
    pub fn new(image: FileData, annotations: impl IntoIterator<Item = (FileData, String)>) -> Self {
        let (masks, labels): (Vec<_>, Vec<_>) = annotations.into_iter().unzip();
        AnnotatedData { files: std::iter::once(image).chain(masks).collect(), labels }
    }

    /// The image (always the first file: `new` puts it there, and the files' count never
    /// changes, `files_mut` lending them as a slice).
    pub fn image(&self) -> &FileData {
        &self.files[0]
    }

    /// Each region's mask with its label.
    pub fn annotations(&self) -> impl Iterator<Item = (&FileData, &str)> {
        self.files[1..].iter().zip(self.labels.iter().map(String::as_str))
    }

    /// The regions' labels, each once, in the order they first appear.
    pub fn labels(&self) -> Vec<&str> {
        let mut labels: Vec<&str> = Vec::new();
        for label in &self.labels {
            if !labels.contains(&label.as_str()) {
                labels.push(label);
            }
        }
        labels
    }

    /// Gradio's object read, if `json` is one: an `image` that is a file, and `annotations`, a
    /// list of objects each with an `image` that is a file and a `label` that is text.
    pub fn from_json(json: &serde_json::Value) -> Option<Self> {
        let file = |json: Option<&serde_json::Value>| FileData::deserialize(json?).ok();
        let annotation =
            |item: &serde_json::Value| Some((file(item.get("image"))?, item.get("label")?.as_str()?.to_owned()));
        let annotations = json.get("annotations")?.as_array()?.iter().map(annotation).collect::<Option<Vec<_>>>()?;
        Some(AnnotatedData::new(file(json.get("image"))?, annotations))
    }
}

impl Serialize for AnnotatedData {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Annotation<'a> {
            image: &'a FileData,
            label: &'a str,
        }
        #[derive(Serialize)]
        struct Annotated<'a> {
            image: &'a FileData,
            annotations: Vec<Annotation<'a>>,
        }
        let annotations = self.annotations().map(|(image, label)| Annotation { image, label }).collect();
        Annotated { image: self.image(), annotations }.serialize(serializer)
    }
}

/// Gradio's marker that an object is a `FileData` (`{"_type": "gradio.FileData"}`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FileMeta {
    #[serde(rename = "_type")]
    pub kind: String,
}

impl Default for FileMeta {
    fn default() -> Self {
        FileMeta { kind: "gradio.FileData".into() }
    }
}

/// What a Label shows: the top class and, optionally, the score of every class
/// (Gradio's `{"label": …, "confidences": [{"label": …, "confidence": …}]}`).
///
/// Read strictly (a `label` key, no other keys than these two), so that other JSON objects,
/// a Json output's, are not mistaken for one.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Classification {
    /// The top class (`null` for none).
    #[serde(deserialize_with = "Option::deserialize")]
    pub label: Option<String>,
    /// Each class's score, best first.
    #[serde(default)]
    pub confidences: Vec<Confidence>,
}

/// One class's score.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Confidence {
    /// The class.
    pub label: String,
    /// Its score, 0 to 1.
    pub confidence: f64,
}

impl Classification {
    /// A classification from class scores: sorted best first, the best one as the label.
    pub fn from_scores<L: Into<String>>(scores: impl IntoIterator<Item = (L, f64)>) -> Self {
        let mut confidences: Vec<Confidence> =
            scores.into_iter().map(|(label, confidence)| Confidence { label: label.into(), confidence }).collect();
        confidences.sort_by(|a, b| b.confidence.total_cmp(&a.confidence));
        Classification { label: confidences.first().map(|c| c.label.clone()), confidences }
    }
}

impl From<&str> for Classification {
    fn from(label: &str) -> Self {
        Classification { label: Some(label.to_owned()), confidences: Vec::new() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_is_plain_gradio_style() {
        let values: Vec<Value> = serde_json::from_str(r#"[3, 2.5, "add", true, null]"#).unwrap();
        assert_eq!(
            values,
            vec![Value::Number(3.0), Value::Number(2.5), Value::Text("add".into()), Value::Bool(true), Value::Null]
        );
        assert_eq!(serde_json::to_string(&values).unwrap(), r#"[3.0,2.5,"add",true,null]"#);
    }

    #[test]
    fn an_updates_files_are_its_new_values() {
        let file: Value =
            serde_json::from_str(r#"{"path": "/tmp/x.png", "meta": {"_type": "gradio.FileData"}}"#).unwrap();
        let mut update =
            Value::Update(Box::new(Update { value: Some(file.clone()), visible: Some(true), ..Update::default() }));
        assert_eq!(update.files(), file.files());
        assert_eq!(update.files_mut().len(), 1);
        assert!(Value::Update(Box::default()).files().is_empty());
    }

    #[test]
    fn a_file_is_told_from_a_classification() {
        let file: Value =
            serde_json::from_str(r#"{"path": "/tmp/x.png", "meta": {"_type": "gradio.FileData"}}"#).unwrap();
        assert!(matches!(&file, Value::File(f) if f.path == "/tmp/x.png" && f.url.is_none()));
        let label: Value = serde_json::from_str(r#"{"label": "cat"}"#).unwrap();
        assert!(matches!(label, Value::Classification(_)));
        for other in [r#"{}"#, r#"{"label": "cat", "size": 3}"#, r#"[1, {"a": null}]"#, r#"["a"]"#] {
            let json: Value = serde_json::from_str(other).unwrap();
            assert!(matches!(json, Value::Json(_)), "{other} is JSON, not a classification");
            assert_eq!(serde_json::to_string(&json).unwrap(), other.replace(": ", ":").replace(", ", ","));
        }
        let json = serde_json::to_value(&file).unwrap();
        assert_eq!(json["meta"]["_type"], "gradio.FileData");
    }

    #[test]
    fn an_update_travels_as_gradio_sends_one_and_keeps_an_emptied_value() {
        let update = Update { visible: Some(false), value: Some(Value::Number(3.0)), ..Update::default() };
        let json = serde_json::to_value(Value::Update(Box::new(update.clone()))).unwrap();
        assert_eq!(json, serde_json::json!({"__type__": "update", "visible": false, "value": 3.0}));
        assert_eq!(serde_json::from_value::<Value>(json).unwrap(), Value::Update(Box::new(update)));
        let emptied: Value = serde_json::from_str(r#"{"__type__": "update", "value": null}"#).unwrap();
        assert!(matches!(emptied, Value::Update(u) if u.value == Some(Value::Null)));
        // Another `__type__`, or a key no update has, is plain JSON.
        for other in [r#"{"__type__": "generic_update"}"#, r#"{"__type__": "update", "secret": 1}"#] {
            assert!(matches!(serde_json::from_str::<Value>(other).unwrap(), Value::Json(_)), "{other}");
        }
    }

    #[test]
    fn classification_round_trips_and_sorts() {
        let c = Classification::from_scores([("cat", 0.2), ("dog", 0.7)]);
        assert_eq!(c.label.as_deref(), Some("dog"));
        let json = serde_json::to_string(&Value::Classification(c.clone())).unwrap();
        let back: Value = serde_json::from_str(&json).unwrap();
        assert_eq!(back, Value::Classification(c));
    }
}
