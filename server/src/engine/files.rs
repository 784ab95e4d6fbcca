//! [`FileStore`]: the files the server keeps (uploads, image and audio outputs), in its own
//! temporary directory.
//!
//! A file is found by the exact path the store handed out and by nothing else: the store never
//! joins a client's text onto a directory, so no request can reach a file outside it (Gradio's
//! file route had several path-traversal CVEs; this is the design that rules them out).
//! The store is bounded in count, total bytes and age; the oldest files go first. Uploads are
//! written to disk as they arrive ([`FileStore::write`], then [`FileStore::keep`]) and files
//! are served from disk, so a file is never whole in memory on its way in or out (but for
//! replicas that share a store, which copy each file whole to and from Redis). An author's
//! example files are pinned: kept while the server runs, outside the bounds.

use std::{
    collections::{HashMap, VecDeque},
    path::PathBuf,
    sync::Mutex,
    time::{Duration, Instant},
};

use bytes::Bytes;
use futures::{Stream, StreamExt};
use rheo_shared::FileData;
use tokio::io::AsyncWriteExt;

use crate::store::{Backend, StoreError};

/// How long a file is kept.
const LIFETIME: Duration = Duration::from_secs(3600);
/// The largest file replicas share through the store (uploads are at most 50 MiB; ten minutes
/// of joined 48 kHz stereo audio is 110 MiB, and is refused in words).
#[cfg(feature = "redis")]
pub(crate) const MAX_SHARED_FILE_BYTES: u64 = 64 << 20;

pub(crate) struct FileStore {
    dir: tempfile::TempDir,
    index: Mutex<Index>,
    /// Where the other replicas find this one's files, if they do.
    mirror: Mirror,
}

/// Why a file could not be kept.
#[derive(Debug, thiserror::Error)]
pub(crate) enum FileError {
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Store(#[from] StoreError),
}

struct Index {
    /// By the path handed out (another replica's, for a file copied from the shared store).
    files: HashMap<String, Stored>,
    /// Files kept for as long as the server runs, outside the bounds: the authors' examples.
    pinned: HashMap<String, String>,
    /// Paths, oldest first.
    order: VecDeque<String>,
    total_bytes: u64,
    /// Files kept at most; past this the oldest go.
    max_files: usize,
    /// Bytes kept at most; past this the oldest files go.
    max_bytes: u64,
}

struct Stored {
    disk: PathBuf,
    mime_type: String,
    size: u64,
    stored_at: Instant,
    /// Kept here, not copied from another replica: its copy in the shared store goes with it.
    own: bool,
}

/// A file pushed out of the index: where it is on disk, and the path it was handed out as if
/// it was this replica's own (not a copy of another's).
struct Evicted {
    disk: PathBuf,
    own_path: Option<String>,
}

impl FileStore {
    /// A store in a new directory under the system's temp dir, removed when the store is
    /// dropped, keeping at most `max_files` files and `max_bytes` bytes.
    pub(crate) fn new(max_files: usize, max_bytes: u64) -> std::io::Result<Self> {
        let dir = tempfile::Builder::new().prefix("rheo-").tempdir()?;
        let index = Index {
            files: HashMap::new(),
            pinned: HashMap::new(),
            order: VecDeque::new(),
            total_bytes: 0,
            max_files,
            max_bytes,
        };
        Ok(FileStore { dir, index: Mutex::new(index), mirror: Mirror::None })
    }

    /// This store sharing its files with the other replicas through `backend` (when it is
    /// shared), and finding theirs there.
    pub(crate) fn mirrored_by(self, backend: &Backend) -> Self {
        let mirror = match backend {
            Backend::Memory => Mirror::None,
            #[cfg(feature = "redis")]
            Backend::Redis(store) => Mirror::Shared(store.clone()),
        };
        FileStore { mirror, ..self }
    }

    /// Keeps `bytes` for as long as the server runs, outside the bounds (an author's example,
    /// written once at mount), as a file named after `name` (cleaned).
    pub(crate) fn pin(&self, bytes: &[u8], name: &str, mime_type: &str) -> std::io::Result<FileData> {
        let folder = self.dir.path().join(uuid::Uuid::new_v4().simple().to_string());
        std::fs::create_dir(&folder)?;
        let name = clean_name(name);
        let path = folder.join(&name).to_string_lossy().into_owned();
        std::fs::write(&path, bytes)?;
        self.index.lock().expect("poisoned").pinned.insert(path.clone(), mime_type.to_owned());
        Ok(FileData {
            path,
            size: Some(bytes.len() as u64),
            orig_name: Some(name),
            mime_type: Some(mime_type.to_owned()),
            ..FileData::default()
        })
    }

    /// Puts the pinned files where the other replicas find them, or makes the copies there
    /// live another [`LIFETIME`]: called at start and then well within each lifetime, while the
    /// server runs.
    pub(crate) async fn share_pinned(&self) -> Result<(), StoreError> {
        let pinned: Vec<(String, String)> =
            self.index.lock().expect("poisoned").pinned.iter().map(|(p, m)| (p.clone(), m.clone())).collect();
        self.mirror.renew(pinned).await
    }

    /// Keeps `bytes` as a file named after `name` (cleaned) and returns how to refer to it.
    pub(crate) async fn store(&self, bytes: &[u8], name: &str, mime_type: &str) -> Result<FileData, FileError> {
        let chunk = futures::stream::once(async { Ok::<_, std::io::Error>(Bytes::copy_from_slice(bytes)) });
        let written = self.write(chunk, name, mime_type).await?;
        Ok(self.keep(vec![written]).await?.remove(0))
    }

    /// Writes a file to disk as its chunks come, named after `name` (cleaned); it is not
    /// served (nor counted against the bounds) until [`FileStore::keep`] takes it. A written
    /// file that is not kept is removed when dropped.
    pub(crate) async fn write<E: Into<Box<dyn std::error::Error + Send + Sync>>>(
        &self,
        chunks: impl Stream<Item = Result<Bytes, E>>,
        name: &str,
        mime_type: &str,
    ) -> std::io::Result<Written> {
        let folder = self.dir.path().join(uuid::Uuid::new_v4().simple().to_string());
        tokio::fs::create_dir(&folder).await?;
        let mut written =
            Written { folder, name: clean_name(name), mime_type: mime_type.to_owned(), size: 0, kept: false };
        let mut file = tokio::fs::File::create(written.disk_path()).await?;
        futures::pin_mut!(chunks);
        while let Some(chunk) = chunks.next().await {
            let chunk = chunk.map_err(std::io::Error::other)?;
            file.write_all(&chunk).await?;
            written.size += chunk.len() as u64;
        }
        file.flush().await?;
        Ok(written)
    }

    /// Keeps written files (the oldest others may go to make room) and returns how to refer
    /// to each. With a shared store, each is written there first: a file is handed out only
    /// once every replica can serve it.
    pub(crate) async fn keep(&self, written: Vec<Written>) -> Result<Vec<FileData>, StoreError> {
        for file in &written {
            self.mirror.put(file).await?;
        }
        let mut kept = Vec::with_capacity(written.len());
        let mut evicted = Vec::new();
        for mut file in written {
            let path = file.path();
            let stored = Stored {
                disk: file.disk_path(),
                mime_type: file.mime_type.clone(),
                size: file.size,
                stored_at: Instant::now(),
                own: true,
            };
            evicted.extend(self.index.lock().expect("poisoned").insert(path.clone(), stored));
            kept.push(FileData {
                path,
                size: Some(file.size),
                orig_name: Some(file.name.clone()),
                mime_type: Some(file.mime_type.clone()),
                ..FileData::default()
            });
            // Kept: its folder now belongs to the index.
            file.kept = true;
        }
        self.remove(evicted).await;
        Ok(kept)
    }

    /// Where on disk the file this store handed out as `path` is, and its MIME type; `None`
    /// for any other path (never stored, expired, or not the store's). With a shared store, a
    /// file another replica handed out is copied here from the store first.
    pub(crate) async fn find(&self, path: &str) -> Result<Option<(PathBuf, String)>, StoreError> {
        if let Some(found) = self.locate(path) {
            return Ok(Some(found));
        }
        let Some((mime_type, bytes, age)) = self.mirror.fetch(path).await? else { return Ok(None) };
        let name = path.rsplit('/').next().unwrap_or_default();
        let copy =
            self.write(futures::stream::once(async { Ok::<_, std::io::Error>(Bytes::from(bytes)) }), name, &mime_type);
        let mut copy = copy.await.map_err(|e| StoreError::from_io(&e))?;
        let stored = Stored {
            disk: copy.disk_path(),
            mime_type,
            size: copy.size,
            stored_at: Instant::now().checked_sub(age).unwrap_or_else(Instant::now),
            own: false,
        };
        let evicted = {
            let mut index = self.index.lock().expect("poisoned");
            // An expired copy of it (an example whose owner renewed it since) makes way.
            let mut evicted: Vec<Evicted> = index.remove_expired(path).into_iter().collect();
            if !index.files.contains_key(path) {
                copy.kept = true;
                evicted.extend(index.insert(path.to_owned(), stored));
            } // else copied meanwhile by another request: this copy goes when dropped
            evicted
        };
        self.remove(evicted).await;
        Ok(self.locate(path))
    }

    /// [`FileStore::find`] among the files on this replica's disk only.
    pub(crate) fn locate(&self, path: &str) -> Option<(PathBuf, String)> {
        let index = self.index.lock().expect("poisoned");
        if let Some(mime_type) = index.pinned.get(path) {
            // The key came from the index, not from the request: it is one of our own paths.
            return Some((PathBuf::from(path), mime_type.clone()));
        }
        let stored = index.files.get(path)?;
        if stored.stored_at.elapsed() > LIFETIME {
            return None;
        }
        Some((stored.disk.clone(), stored.mime_type.clone()))
    }

    /// The bytes and MIME type of a file this store handed out as `path` (see
    /// [`FileStore::find`]).
    pub(crate) async fn read(&self, path: &str) -> Result<Option<(Vec<u8>, String)>, StoreError> {
        let Some((disk_path, mime_type)) = self.find(path).await? else { return Ok(None) };
        Ok(tokio::fs::read(disk_path).await.ok().map(|bytes| (bytes, mime_type)))
    }
}

impl FileStore {
    /// Removes evicted files from disk (each has its own folder), and this replica's own from
    /// where the others find them, so that what Redis holds stays within the replicas' bounds.
    async fn remove(&self, evicted: Vec<Evicted>) {
        for file in evicted {
            if let Some(folder) = file.disk.parent() {
                let _ = tokio::fs::remove_dir_all(folder).await;
            }
            if let Some(path) = file.own_path {
                self.mirror.delete(&path).await;
            }
        }
    }
}

/// Where the other replicas find this one's files: one seam, two backends.
enum Mirror {
    /// Nowhere: this process serves only its own files.
    None,
    /// The shared store: each kept file is also written there (a hash of its MIME type and
    /// bytes under `rheo::file:<path>`, expiring with it), and a path this replica does not
    /// hold is looked up there and copied to disk once.
    #[cfg(feature = "redis")]
    Shared(std::sync::Arc<crate::store::SharedStore>),
}

impl Mirror {
    /// Puts a file about to be kept where the other replicas find it: it is handed out only
    /// once every replica can serve it.
    async fn put(&self, file: &Written) -> Result<(), StoreError> {
        match self {
            Mirror::None => {
                let _ = file;
                Ok(())
            }
            #[cfg(feature = "redis")]
            Mirror::Shared(store) => {
                if file.size > MAX_SHARED_FILE_BYTES {
                    return Err(StoreError::FileTooLarge { size: file.size, limit: MAX_SHARED_FILE_BYTES });
                }
                let bytes = tokio::fs::read(file.disk_path()).await.map_err(|e| StoreError::from_io(&e))?;
                shared::put(store, &file.path(), &file.mime_type, &bytes).await
            }
        }
    }

    /// Another replica's file handed out as `path`: its MIME type, bytes and age.
    async fn fetch(&self, path: &str) -> Result<Option<(String, Vec<u8>, Duration)>, StoreError> {
        match self {
            Mirror::None => {
                let _ = path;
                Ok(None)
            }
            #[cfg(feature = "redis")]
            Mirror::Shared(store) => shared::fetch(store, path).await,
        }
    }

    /// Removes this replica's file handed out as `path` (evicted) from where the others find it.
    async fn delete(&self, path: &str) {
        match self {
            Mirror::None => {
                let _ = path;
            }
            #[cfg(feature = "redis")]
            Mirror::Shared(store) => {
                if let Err(e) = store.query::<()>(redis::cmd("DEL").arg(shared::key(path))).await {
                    tracing::warn!("an evicted file stays in the shared store until it expires: {e}");
                }
            }
        }
    }

    /// Puts the pinned files (path, MIME type) there, or makes their copies live another
    /// [`LIFETIME`].
    async fn renew(&self, pinned: Vec<(String, String)>) -> Result<(), StoreError> {
        match self {
            Mirror::None => {
                let _ = pinned;
                Ok(())
            }
            #[cfg(feature = "redis")]
            Mirror::Shared(store) => {
                for (path, mime_type) in pinned {
                    let alive: bool =
                        store.query(redis::cmd("EXPIRE").arg(shared::key(&path)).arg(LIFETIME.as_secs())).await?;
                    if !alive {
                        let bytes = tokio::fs::read(&path).await.map_err(|e| StoreError::from_io(&e))?;
                        shared::put(store, &path, &mime_type, &bytes).await?;
                    }
                }
                Ok(())
            }
        }
    }
}

/// The Redis side of [`Mirror::Shared`].
#[cfg(feature = "redis")]
mod shared {
    use std::time::Duration;

    use super::LIFETIME;
    use crate::store::{SharedStore, StoreError};

    /// The shared store's key of the file handed out as `path`.
    pub(super) fn key(path: &str) -> String {
        // Two colons: no interface's keys (`rheo:<name>:…`) can meet these.
        format!("rheo::file:{path}")
    }

    /// Writes a file to the shared store, to expire with the file.
    pub(super) async fn put(store: &SharedStore, path: &str, mime_type: &str, bytes: &[u8]) -> Result<(), StoreError> {
        let key = key(path);
        let mut put = redis::pipe();
        put.atomic().hset(&key, "mime", mime_type).ignore().hset(&key, "bytes", bytes).ignore();
        store.query(put.expire(&key, LIFETIME.as_secs() as i64).ignore()).await
    }

    /// The MIME type, bytes and age of the file handed out as `path`, if the store has it.
    pub(super) async fn fetch(
        store: &SharedStore,
        path: &str,
    ) -> Result<Option<(String, Vec<u8>, Duration)>, StoreError> {
        // The path is only ever a key's name: it is looked up, never joined onto a directory.
        let key = key(path);
        let mut look_up = redis::pipe();
        look_up.hget(&key, "mime").hget(&key, "bytes").ttl(&key);
        let (mime_type, bytes, ttl): (Option<String>, Option<Vec<u8>>, i64) = store.query(&look_up).await?;
        let (Some(mime_type), Some(bytes)) = (mime_type, bytes) else { return Ok(None) };
        let age = LIFETIME.saturating_sub(Duration::from_secs(ttl.max(0) as u64));
        Ok(Some((mime_type, bytes, age)))
    }
}

/// A file on disk that the store has not kept yet (see [`FileStore::write`]).
pub(crate) struct Written {
    folder: PathBuf,
    name: String,
    mime_type: String,
    size: u64,
    kept: bool,
}

impl Written {
    fn disk_path(&self) -> PathBuf {
        self.folder.join(&self.name)
    }

    /// The path the store hands out for it: where it is on this replica's disk.
    fn path(&self) -> String {
        self.disk_path().to_string_lossy().into_owned()
    }
}

impl Drop for Written {
    fn drop(&mut self) {
        if !self.kept {
            let _ = std::fs::remove_dir_all(&self.folder);
        }
    }
}

impl Index {
    /// Adds a file; returns the files it pushed out.
    fn insert(&mut self, path: String, stored: Stored) -> Vec<Evicted> {
        self.total_bytes += stored.size;
        self.files.insert(path.clone(), stored);
        self.order.push_back(path);
        let mut evicted = Vec::new();
        while let Some(oldest) = self.order.front() {
            let expired = self.files[oldest].stored_at.elapsed() > LIFETIME;
            let over = self.files.len() > self.max_files || self.total_bytes > self.max_bytes;
            // The newest file always stays, even alone over the byte bound.
            if !(expired || over) || self.order.len() == 1 {
                break;
            }
            let oldest = self.order.pop_front().expect("checked above");
            evicted.extend(self.take(&oldest));
        }
        evicted
    }

    /// Takes `path` out of the files (not out of `order`).
    fn take(&mut self, path: &str) -> Option<Evicted> {
        let file = self.files.remove(path)?;
        self.total_bytes -= file.size;
        Some(Evicted { disk: file.disk, own_path: file.own.then(|| path.to_owned()) })
    }

    /// Takes `path` out if it is there and expired.
    fn remove_expired(&mut self, path: &str) -> Option<Evicted> {
        if self.files.get(path)?.stored_at.elapsed() <= LIFETIME {
            return None;
        }
        self.order.retain(|p| p != path);
        self.take(path)
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

    const MAX_FILES: usize = 64;

    #[tokio::test]
    async fn only_files_the_store_made_can_be_read() {
        let store = FileStore::new(MAX_FILES, 1 << 30).unwrap();
        let file = store.store(b"png bytes", "../../etc/passwd", "image/png").await.unwrap();
        assert!(file.path.starts_with(store.dir.path().to_str().unwrap()));
        assert!(file.path.ends_with("/passwd"), "{}", file.path);
        assert_eq!(store.read(&file.path).await.unwrap(), Some((b"png bytes".to_vec(), "image/png".to_owned())));
        // Neither an outside path, nor our directory, nor a traversal from our file.
        for path in ["/etc/passwd", store.dir.path().to_str().unwrap(), &format!("{}/../../../etc/passwd", file.path)] {
            assert_eq!(store.read(path).await.unwrap(), None, "{path}");
        }
    }

    #[tokio::test]
    async fn a_written_file_that_is_not_kept_leaves_nothing() {
        let store = FileStore::new(MAX_FILES, 1 << 30).unwrap();
        let chunks = futures::stream::iter([Ok::<_, std::io::Error>(Bytes::from("ab")), Ok(Bytes::from("cd"))]);
        let written = store.write(chunks, "part.bin", "application/octet-stream").await.unwrap();
        let on_disk = written.disk_path();
        assert_eq!(std::fs::read(&on_disk).unwrap(), b"abcd");
        drop(written);
        assert!(!on_disk.exists(), "removed");
        let failing = futures::stream::iter([Ok(Bytes::from("ab")), Err(std::io::Error::other("cut off"))]);
        assert!(store.write(failing, "cut.bin", "application/octet-stream").await.is_err());
        assert_eq!(std::fs::read_dir(store.dir.path()).unwrap().count(), 0, "nothing left of either");
    }

    #[tokio::test]
    async fn a_pinned_example_outlives_the_bounds() {
        let store = FileStore::new(1, 1 << 30).unwrap();
        let example = store.pin(b"example", "cat.png", "image/png").unwrap();
        for i in 0..3 {
            store.store(b"output", &format!("out{i}.png"), "image/png").await.unwrap();
        }
        assert_eq!(store.read(&example.path).await.unwrap(), Some((b"example".to_vec(), "image/png".to_owned())));
        assert_eq!(example.orig_name.as_deref(), Some("cat.png"));
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
        let store = FileStore::new(MAX_FILES, 1 << 30).unwrap();
        let first = store.store(b"1", "a", "text/plain").await.unwrap();
        for _ in 0..MAX_FILES {
            store.store(b"2", "b", "text/plain").await.unwrap();
        }
        assert_eq!(store.read(&first.path).await.unwrap(), None);
        assert!(!std::path::Path::new(&first.path).exists(), "removed from disk too");
        assert_eq!(store.index.lock().unwrap().files.len(), MAX_FILES);
    }
}
