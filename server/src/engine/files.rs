//! [`FileStore`]: the files the server keeps (uploads, image and audio outputs), in its own
//! temporary directory.
//!
//! A file is found by the exact path the store handed out and by nothing else: the store never
//! joins a client's text onto a directory, so no request can reach a file outside it (Gradio's
//! file route had several path-traversal CVEs; this is the design that rules them out).
//! The store is bounded in count, total bytes and age; the oldest files go first.

use std::{
    collections::{HashMap, VecDeque},
    path::PathBuf,
    sync::Mutex,
    time::{Duration, Instant},
};

use rheo_shared::FileData;

/// The largest upload accepted, in bytes.
pub(crate) const MAX_UPLOAD_BYTES: usize = 50 << 20;
/// Files kept at most; past this the oldest is removed.
const MAX_FILES: usize = 4096;
/// Bytes kept at most; past this the oldest files are removed.
const MAX_TOTAL_BYTES: u64 = 1 << 30;
/// How long a file is kept.
const LIFETIME: Duration = Duration::from_secs(3600);

pub(crate) struct FileStore {
    dir: tempfile::TempDir,
    index: Mutex<Index>,
}

#[derive(Default)]
struct Index {
    files: HashMap<String, Stored>,
    /// Paths, oldest first.
    order: VecDeque<String>,
    total_bytes: u64,
}

struct Stored {
    mime_type: String,
    size: u64,
    stored_at: Instant,
}

impl FileStore {
    /// A store in a new directory under the system's temp dir, removed when the store is dropped.
    pub(crate) fn new() -> std::io::Result<Self> {
        let dir = tempfile::Builder::new().prefix("rheo-").tempdir()?;
        Ok(FileStore { dir, index: Mutex::default() })
    }

    /// Keeps `bytes` as a file named after `name` (cleaned) and returns how to refer to it.
    pub(crate) async fn store(&self, bytes: &[u8], name: &str, mime_type: &str) -> std::io::Result<FileData> {
        let folder = self.dir.path().join(uuid::Uuid::new_v4().simple().to_string());
        let disk_path = folder.join(clean_name(name));
        tokio::fs::create_dir(&folder).await?;
        tokio::fs::write(&disk_path, bytes).await?;
        let path = disk_path.to_string_lossy().into_owned();
        let stored = Stored { mime_type: mime_type.to_owned(), size: bytes.len() as u64, stored_at: Instant::now() };
        let evicted = self.index.lock().expect("poisoned").insert(path.clone(), stored);
        for old in evicted {
            // Each file has its own folder; removing it removes the file.
            if let Some(folder) = PathBuf::from(old).parent() {
                let _ = tokio::fs::remove_dir_all(folder).await;
            }
        }
        Ok(FileData {
            path,
            size: Some(bytes.len() as u64),
            orig_name: Some(clean_name(name)),
            mime_type: Some(mime_type.to_owned()),
            ..FileData::default()
        })
    }

    /// The bytes and MIME type of a file this store handed out as `path`; `None` for any
    /// other path (never stored, expired, or not the store's).
    pub(crate) async fn read(&self, path: &str) -> Option<(Vec<u8>, String)> {
        let mime_type = {
            let index = self.index.lock().expect("poisoned");
            let stored = index.files.get(path)?;
            if stored.stored_at.elapsed() > LIFETIME {
                return None;
            }
            stored.mime_type.clone()
        };
        // The key came from the index, not from the request: it is one of our own paths.
        let bytes = tokio::fs::read(path).await.ok()?;
        Some((bytes, mime_type))
    }
}

impl Index {
    /// Adds a file; returns the paths of the files it pushed out.
    fn insert(&mut self, path: String, stored: Stored) -> Vec<String> {
        self.total_bytes += stored.size;
        self.files.insert(path.clone(), stored);
        self.order.push_back(path);
        let mut evicted = Vec::new();
        while let Some(oldest) = self.order.front() {
            let expired = self.files[oldest].stored_at.elapsed() > LIFETIME;
            let over = self.files.len() > MAX_FILES || self.total_bytes > MAX_TOTAL_BYTES;
            // The newest file always stays, even alone over the byte bound.
            if !(expired || over) || self.order.len() == 1 {
                break;
            }
            let oldest = self.order.pop_front().expect("checked above");
            if let Some(file) = self.files.remove(&oldest) {
                self.total_bytes -= file.size;
            }
            evicted.push(oldest);
        }
        evicted
    }
}

/// A file name safe to create: letters, digits, '.', '-', '_' only, never `..`, at most 64
/// characters; `file` when nothing is left.
fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String =
        base.chars().map(|c| if c.is_ascii_alphanumeric() || "._-".contains(c) { c } else { '_' }).take(64).collect();
    let cleaned = cleaned.trim_start_matches('.');
    if cleaned.is_empty() {
        "file".to_owned()
    } else {
        cleaned.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn only_files_the_store_made_can_be_read() {
        let store = FileStore::new().unwrap();
        let file = store.store(b"png bytes", "../../etc/passwd", "image/png").await.unwrap();
        assert!(file.path.starts_with(store.dir.path().to_str().unwrap()));
        assert!(file.path.ends_with("/passwd"), "{}", file.path);
        assert_eq!(store.read(&file.path).await, Some((b"png bytes".to_vec(), "image/png".to_owned())));
        // Neither an outside path, nor our directory, nor a traversal from our file.
        for path in ["/etc/passwd", store.dir.path().to_str().unwrap(), &format!("{}/../../../etc/passwd", file.path)] {
            assert_eq!(store.read(path).await, None, "{path}");
        }
    }

    #[test]
    fn names_are_cleaned() {
        assert_eq!(clean_name("../x/../../a b.png"), "a_b.png");
        assert_eq!(clean_name(".."), "file");
        assert_eq!(clean_name(".hidden"), "hidden");
        assert_eq!(clean_name("C:\\Users\\me\\cat.jpg"), "cat.jpg");
    }

    #[tokio::test]
    async fn the_oldest_files_go_first_when_full() {
        let store = FileStore::new().unwrap();
        let first = store.store(b"1", "a", "text/plain").await.unwrap();
        for _ in 0..MAX_FILES {
            store.store(b"2", "b", "text/plain").await.unwrap();
        }
        assert_eq!(store.read(&first.path).await, None);
        assert!(!std::path::Path::new(&first.path).exists(), "removed from disk too");
        assert_eq!(store.index.lock().unwrap().files.len(), MAX_FILES);
    }
}
