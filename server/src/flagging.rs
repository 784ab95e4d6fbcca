//! Flagging: a person marks a call's inputs and outputs as worth a look (Gradio's
//! `flagging_mode="manual"`), and the server keeps them in the flagging directory.
//!
//! Layout, per interface: `<dir>/<name>/dataset.csv`, whose header is the labels of the inputs
//! and outputs (State left out), `reason` and `flagged_at` (UTC, RFC 3339); and each media value
//! copied to `<dir>/<name>/<label>/<uuid>/<file name>`, its cell holding that path relative to
//! `<dir>/<name>`. When the interface's components change between runs, the rows go to
//! `dataset2.csv` (and on), so that every file's rows fit its header.
//!
//! A media file is kept once, under its content's hash (`<label>/<sha256>/<file name>`): the
//! same upload flagged twenty times is one copy and twenty rows. A flag is written under an
//! exclusive lock on `<dir>/<name>/.lock`, so flags at once (from this process or another
//! sharing the directory, such as a replica) never interleave. The directory is bounded per
//! interface (`Limits::max_flagged_bytes`), counted afresh under that lock, so that the bound
//! holds for every process sharing it: past it, a flag is refused and nothing is written.

use std::{
    fs::{File, OpenOptions},
    io::{Read, Seek, SeekFrom},
    path::{Path, PathBuf},
};

use sha2::{Digest, Sha256};

use rheo_shared::{ComponentKind, ComponentSpec, FileData, InterfaceSpec, Value, MAX_FLAG_REASON_CHARS};
use time::{format_description::well_known::Rfc3339, OffsetDateTime};

use crate::engine::files::FileStore;

/// Where flags go unless told (`Registry::flagging_dir`, `RHEO_FLAGGING_DIR`): relative to the
/// server's working directory, as Gradio's `.gradio/flagged`.
pub(crate) const DEFAULT_FLAGGING_DIR: &str = ".rheo/flagged";

/// A size in the unit a person would say it in.
fn size_text(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 20 => format!("{} MiB", b >> 20),
        b => format!("{} KiB", b >> 10),
    }
}

/// Why a flag was not kept, in words for the person who flagged.
#[derive(Debug, thiserror::Error)]
pub(crate) enum FlagError {
    #[error("flagging is off for this interface")]
    Off,
    #[error("{0}")]
    Invalid(String),
    #[error("the flagging directory is full (its limit is {}); nothing was saved", size_text(*.0))]
    Full(u64),
    #[error("the flag could not be saved: {0}")]
    Io(String),
}

/// One interface's flags: where they go and how much room they have.
pub(crate) struct Flagger {
    /// `<dir>/<name>`.
    dir: PathBuf,
    /// The columns: each input's and output's label (State left out), then the flag's own.
    header: Vec<String>,
    /// Every input and output, in the order a flag's values come.
    components: Vec<ComponentSpec>,
    /// The author's reasons (Gradio's `flagging_options`): a flag gives one of them; none, any
    /// reason.
    reasons: Vec<String>,
    /// The components whose values are kept (State left out), in the header's order.
    kept: Vec<ComponentSpec>,
    max_bytes: u64,
}

impl Flagger {
    /// The flagger of `spec` in `dir`, if its flagging is on.
    pub(crate) fn new(spec: &InterfaceSpec, dir: &Path, max_bytes: u64) -> Option<Flagger> {
        let reasons = spec.flagging.as_ref()?.reasons.clone();
        let components: Vec<ComponentSpec> = spec.inputs.iter().chain(&spec.outputs).cloned().collect();
        let kept: Vec<ComponentSpec> =
            components.iter().filter(|c| !matches!(c.kind, ComponentKind::State(_))).cloned().collect();
        let mut header: Vec<String> = kept.iter().map(|c| c.label.clone()).collect();
        header.extend(["reason".to_owned(), "flagged_at".to_owned()]);
        Some(Flagger { dir: dir.join(&spec.name), header, components, reasons, kept, max_bytes })
    }

    /// Checks the flagging directory can be written, at start: the author hears of a wrong
    /// directory before anyone flags.
    pub(crate) fn check_writable(&self) -> Result<(), String> {
        std::fs::create_dir_all(&self.dir)
            .and_then(|()| tempfile::tempfile_in(&self.dir).map(drop))
            .map_err(|e| format!("{}: {e}", self.dir.display()))
    }

    /// Keeps one flag: `values` (the inputs', then the outputs', as the page had them; State
    /// slots included, and skipped), and the person's `reason`. Media files are copied from
    /// `files`, where the values say they are.
    pub(crate) async fn flag(&self, files: &FileStore, values: Vec<Value>, reason: String) -> Result<(), FlagError> {
        if reason.chars().count() > MAX_FLAG_REASON_CHARS {
            return Err(FlagError::Invalid(format!("the reason is longer than {MAX_FLAG_REASON_CHARS} characters")));
        }
        let kept = self.kept_values(values)?;
        if !self.reasons.is_empty() && !self.reasons.contains(&reason) {
            return Err(FlagError::Invalid(format!("the reason must be one of: {}", self.reasons.join(", "))));
        }
        let mut sources = Vec::new();
        for (component, value) in self.kept.iter().zip(&kept) {
            for file in value.files() {
                let found = files.find(&file.path).await.map_err(|e| FlagError::Io(e.to_string()))?;
                let (path, _) = found.ok_or_else(|| {
                    FlagError::Invalid(format!("{}: the file is no longer on the server", component.label))
                })?;
                sources.push((component.label.clone(), path, file_name(file)));
            }
        }
        let (dir, header, max_bytes) = (self.dir.clone(), self.header.clone(), self.max_bytes);
        tokio::task::spawn_blocking(move || write_flag(&dir, &header, kept, sources, reason, max_bytes))
            .await
            .map_err(|e| FlagError::Io(e.to_string()))?
    }

    /// The values of the kept columns, each checked against its component (an empty output is
    /// fine: a person may flag before running).
    fn kept_values(&self, values: Vec<Value>) -> Result<Vec<Value>, FlagError> {
        if values.len() != self.components.len() {
            let expected = self.components.len();
            let got = values.len();
            return Err(FlagError::Invalid(format!(
                "expected {expected} values (the inputs', then the outputs'), got {got}"
            )));
        }
        let mut misfits = Vec::new();
        let kept = self
            .components
            .iter()
            .zip(values)
            .filter(|(component, _)| !matches!(component.kind, ComponentKind::State(_)))
            .map(|(component, value)| {
                if let (false, Err(e)) = (value == Value::Null, component.validate(&value)) {
                    misfits.push(format!("{}: {e}", component.label));
                }
                value
            })
            .collect();
        match misfits.is_empty() {
            true => Ok(kept),
            false => Err(FlagError::Invalid(misfits.join("; "))),
        }
    }
}

/// The name a copied file gets: its original name's last part, or the store's.
fn file_name(file: &FileData) -> String {
    let original = file.orig_name.as_deref().and_then(|n| Path::new(n).file_name()).and_then(|n| n.to_str());
    let stored = Path::new(&file.path).file_name().and_then(|n| n.to_str());
    original.or(stored).unwrap_or("file").to_owned()
}

/// Bytes in the files under `dir` (none when it does not exist yet).
fn bytes_under(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
    entries
        .flatten()
        .map(|entry| match entry.file_type() {
            Ok(kind) if kind.is_dir() => bytes_under(&entry.path()),
            Ok(_) => entry.metadata().map(|m| m.len()).unwrap_or(0),
            Err(_) => 0,
        })
        .sum()
}

fn io(e: std::io::Error) -> FlagError {
    FlagError::Io(e.to_string())
}

/// Copies the media not kept yet and appends the row, if what is new fits in `max_bytes` with
/// what the directory holds; all under the directory's lock.
fn write_flag(
    dir: &Path,
    header: &[String],
    values: Vec<Value>,
    sources: Vec<(String, PathBuf, String)>,
    reason: String,
    max_bytes: u64,
) -> Result<(), FlagError> {
    // Hashed before the lock: reading the media is the slow part, and needs no lock.
    let mut hashed = Vec::new();
    for (label, source, name) in sources {
        hashed.push((Path::new(&folder_name(&label)).join(content_hash(&source)?).join(&name), source));
    }
    std::fs::create_dir_all(dir).map_err(io)?;
    let lock = OpenOptions::new().create(true).truncate(false).write(true).open(dir.join(".lock")).map_err(io)?;
    lock.lock().map_err(io)?;
    let mut copies = Vec::new();
    let mut new_media = Vec::new();
    for (relative, source) in hashed {
        let target = dir.join(&relative);
        if !target.exists() {
            new_media.push((source, target));
        }
        copies.push(relative.to_string_lossy().into_owned());
    }
    let media: u64 = new_media.iter().map(|(path, _)| std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)).sum();
    if bytes_under(dir) + media + 64 * 1024 > max_bytes {
        return Err(FlagError::Full(max_bytes));
    }
    for (source, target) in new_media {
        std::fs::create_dir_all(target.parent().expect("a file in a folder")).map_err(io)?;
        std::fs::copy(&source, &target).map_err(io)?;
    }
    let mut copies = copies.into_iter();
    let mut row: Vec<String> = values
        .iter()
        .map(|value| match value {
            Value::Null => String::new(),
            Value::Bool(b) => b.to_string(),
            Value::Number(n) => n.to_string(),
            Value::Text(text) => as_text_cell(text),
            Value::File(_) => copies.next().unwrap_or_default(),
            // As Gradio flags a list of files: a JSON list of their paths.
            Value::Files(files) => {
                serde_json::to_string(&copies.by_ref().take(files.len()).collect::<Vec<_>>()).unwrap_or_default()
            }
            Value::Multimodal(message) => {
                let files: Vec<String> = copies.by_ref().take(message.files.len()).collect();
                serde_json::json!({ "text": message.text, "files": files }).to_string()
            }
            // As Gradio flags a gallery: a JSON list of its images' paths with their captions.
            Value::Gallery(gallery) => {
                let items: Vec<_> = gallery
                    .items()
                    .map(|(_, caption)| serde_json::json!({ "image": copies.next(), "caption": caption }))
                    .collect();
                serde_json::to_string(&items).unwrap_or_default()
            }
            // As Gradio flags an annotated image: JSON of its image's path and its regions'.
            Value::Annotated(annotated) => {
                let image = copies.next();
                let annotations: Vec<_> = annotated
                    .annotations()
                    .map(|(_, label)| serde_json::json!({ "image": copies.next(), "label": label }))
                    .collect();
                serde_json::json!({ "image": image, "annotations": annotations }).to_string()
            }
            // An update is refused by every component's check before this.
            Value::Classification(_) | Value::Json(_) | Value::Update(_) => {
                serde_json::to_string(value).unwrap_or_default()
            }
        })
        .collect();
    let now = OffsetDateTime::now_utc().format(&Rfc3339).unwrap_or_default();
    row.extend([as_text_cell(&reason), now]);
    append_row(dir, header, &row)
}

/// The SHA-256 of the file at `path`, as hex: the folder its copy is kept in.
fn content_hash(path: &Path) -> Result<String, FlagError> {
    let mut hasher = Sha256::new();
    std::io::copy(&mut File::open(path).map_err(io)?, &mut hasher).map_err(io)?;
    Ok(hasher.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// Text from a visitor as a cell a spreadsheet shows as that text, never runs: one that starts
/// with `=`, `+`, `-` or `@` (a formula to Excel, LibreOffice and Google Sheets), or with a tab,
/// CR or LF (which some skip before reading a formula), gets a `'` in front, as OWASP's advice
/// on CSV injection and Gradio's CSV logger have it. Numbers, files and JSON are written by the
/// server and need none.
fn as_text_cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r', '\n']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

/// A label as a folder name: letters, digits, `-` and `_`; anything else `_`.
fn folder_name(label: &str) -> String {
    let name: String = label.chars().map(|c| if c.is_alphanumeric() || c == '-' { c } else { '_' }).collect();
    if name.is_empty() {
        "file".into()
    } else {
        name
    }
}

/// Appends `row` to the first dataset file whose header is `header` (or that is new); the
/// caller holds the directory's lock.
fn append_row(dir: &Path, header: &[String], row: &[String]) -> Result<(), FlagError> {
    for n in 1.. {
        let name = if n == 1 { "dataset.csv".to_owned() } else { format!("dataset{n}.csv") };
        let mut file = OpenOptions::new().read(true).append(true).create(true).open(dir.join(name)).map_err(io)?;
        let length = file.metadata().map_err(io)?.len();
        if length > 0 && first_record(&mut file)? != header {
            continue; // written by an interface with other components
        }
        let mut writer = csv::Writer::from_writer(Vec::new());
        if length == 0 {
            writer.write_record(header).map_err(|e| FlagError::Io(e.to_string()))?;
        }
        writer.write_record(row).map_err(|e| FlagError::Io(e.to_string()))?;
        let bytes = writer.into_inner().map_err(|e| FlagError::Io(e.to_string()))?;
        std::io::Write::write_all(&mut file, &bytes).map_err(io)?;
        file.sync_data().map_err(io)?;
        return Ok(());
    }
    unreachable!("one file or another is new")
}

/// The header of a CSV file.
fn first_record(file: &mut File) -> Result<Vec<String>, FlagError> {
    file.seek(SeekFrom::Start(0)).map_err(io)?;
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(file.take(1 << 20));
    let record = reader.records().next().transpose().map_err(|e| FlagError::Io(e.to_string()))?;
    Ok(record.map(|r| r.iter().map(str::to_owned).collect()).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_a_spreadsheet_would_run_is_written_as_text() {
        for formula in ["=1+1", "+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1", "\n=1", "=HYPERLINK(\"http://x\")"] {
            assert_eq!(as_text_cell(formula), format!("'{formula}"));
        }
        for text in ["3 px", "a = b", "'quoted", "", "1-1"] {
            assert_eq!(as_text_cell(text), text, "left as it is");
        }
    }
}
