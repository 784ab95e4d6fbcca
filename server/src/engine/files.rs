//! [`FileStore`]: the files the server keeps (uploads, image and audio outputs), in its own
//! temporary directory.
//!
//! A file is found by the exact path the store handed out and by nothing else: the store never
//! joins a client's text onto a directory, so no request can reach a file outside it (Gradio's
//! file route had several path-traversal CVEs; this is the design that rules them out).
//! The store is bounded in count, total bytes and age; past a bound, the oldest file of whoever
//! holds the most goes first. Uploads are written to disk as they arrive
//! ([`FileStore::write`], then [`FileStore::keep`]), and count against the byte bound while
//! they do, so that uploads in flight cannot fill the disk. One client (its network; a call's
//! output files are its client's) holds at most a [`CLIENT_SHARE`] of the store: past it, its
//! own oldest files go, never every other client's. Files are served from disk, so a file is
//! never whole in memory on its way in or out (but for replicas that share a store, which copy
//! each file whole to and from Redis). An author's example files are pinned: kept while the
//! server runs, outside the bounds.

use std::{
    collections::{HashMap, VecDeque},
    io::ErrorKind,
    net::IpAddr,
    path::PathBuf,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use bytes::Bytes;
use futures::{Stream, StreamExt};
use rheo_shared::FileData;
use tokio::io::AsyncWriteExt;

use crate::{
    site::network_of,
    store::{Backend, StoreError},
};

/// How long a file is kept.
const LIFETIME: Duration = Duration::from_secs(3600);
/// The part of the store's bytes and files one client may hold, written or being written:
/// `1 / CLIENT_SHARE`. Fixed, as a fraction of `Limits::max_stored_bytes` and
/// `max_stored_files`, which it follows: a quarter holds an upload of the largest size many
/// times over at the default bounds, and leaves three quarters to everyone else.
const CLIENT_SHARE: u64 = 4;
/// The largest file replicas share through the store (uploads are at most 50 MiB; ten minutes
/// of joined 48 kHz stereo audio is 110 MiB, and is refused in words).
#[cfg(feature = "redis")]
pub(crate) const MAX_SHARED_FILE_BYTES: u64 = 64 << 20;

pub(crate) struct FileStore {
    dir: tempfile::TempDir,
    /// Shared with the files being written, which give back what they counted when dropped.
    index: Arc<Mutex<Index>>,
    /// Where the other replicas find this one's files, if they do.
    mirror: Mirror,
    /// The paths being copied from the shared store, each by one request: the others asking
    /// for it meanwhile wait for that copy rather than fetch it again.
    fetching: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    /// The most one component value may hold (a File input's or output's).
    value_bounds: ValueBounds,
}

/// The most files one component value may hold, and the most bytes each may have:
/// `Limits::max_upload_files` and `max_upload_bytes`, for a handler's output files as for an
/// input's; and the longest video an input may be, `Limits::max_video_length`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ValueBounds {
    pub(crate) files: usize,
    pub(crate) bytes: u64,
    pub(crate) video_length: std::time::Duration,
}

impl From<&crate::Limits> for ValueBounds {
    fn from(limits: &crate::Limits) -> Self {
        let (files, bytes) = (limits.max_upload_files, limits.max_upload_bytes as u64);
        ValueBounds { files, bytes, video_length: limits.max_video_length }
    }
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
    /// Bytes of files being written, not kept yet: they count against `max_bytes` too.
    in_flight: u64,
    /// What each client (its network) holds, and what no client does (`None`): bytes kept or
    /// being written, and files kept.
    held: HashMap<Option<IpAddr>, Held>,
    /// Files kept at most (see [`Index::insert`]).
    max_files: usize,
    /// Bytes kept or being written at most (see [`Index::reserve`]).
    max_bytes: u64,
}

struct Stored {
    disk: PathBuf,
    mime_type: String,
    size: u64,
    stored_at: Instant,
    /// Kept here, not copied from another replica: its copy in the shared store goes with it.
    own: bool,
    /// The client (its network) that uploaded it, if a client did.
    owner: Option<IpAddr>,
}

/// What one client holds in the store (see [`CLIENT_SHARE`]).
#[derive(Clone, Copy, Default)]
struct Held {
    bytes: u64,
    files: usize,
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
            in_flight: 0,
            held: HashMap::new(),
            max_files,
            max_bytes,
        };
        let fetching = Mutex::default();
        let value_bounds = ValueBounds::from(&crate::Limits::default());
        Ok(FileStore { dir, index: Arc::new(Mutex::new(index)), mirror: Mirror::None, fetching, value_bounds })
    }

    /// This store with other bounds on what one value holds.
    pub(crate) fn bounding_values(self, value_bounds: ValueBounds) -> Self {
        FileStore { value_bounds, ..self }
    }

    pub(crate) fn value_bounds(&self) -> ValueBounds {
        self.value_bounds
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

    /// Keeps `bytes` as a file named after `name` (cleaned), held by `client` (whose call made
    /// it) or none, and returns how to refer to it.
    pub(crate) async fn store(
        &self,
        bytes: &[u8],
        name: &str,
        mime_type: &str,
        client: Option<IpAddr>,
    ) -> Result<FileData, FileError> {
        let chunk = futures::stream::once(async { Ok::<_, std::io::Error>(Bytes::copy_from_slice(bytes)) });
        let written = self.write(chunk, name, mime_type, client).await?;
        Ok(self.keep(vec![written]).await?.remove(0))
    }

    /// Writes a file to disk as its chunks come, named after `name` (cleaned), for `client`
    /// (an upload's) or none; it is not served until [`FileStore::keep`] takes it, but its
    /// bytes count against the bounds as they come: older files go to make room (the
    /// client's own first, past its share), and a file that finds no room is refused
    /// (`ErrorKind::QuotaExceeded` past the client's share, `StorageFull` past the store's).
    /// A written file that is not kept is removed when dropped.
    pub(crate) async fn write<E: Into<Box<dyn std::error::Error + Send + Sync>>>(
        &self,
        chunks: impl Stream<Item = Result<Bytes, E>>,
        name: &str,
        mime_type: &str,
        client: Option<IpAddr>,
    ) -> std::io::Result<Written> {
        let folder = self.dir.path().join(uuid::Uuid::new_v4().simple().to_string());
        tokio::fs::create_dir(&folder).await?;
        let mut written = Written {
            folder,
            name: clean_name(name),
            mime_type: mime_type.to_owned(),
            size: 0,
            owner: client.map(network_of),
            index: self.index.clone(),
            kept: false,
        };
        let mut file = tokio::fs::File::create(written.disk_path()).await?;
        futures::pin_mut!(chunks);
        while let Some(chunk) = chunks.next().await {
            let chunk = chunk.map_err(std::io::Error::other)?;
            let evicted = self.index.lock().expect("poisoned").reserve(written.owner, chunk.len() as u64)?;
            written.size += chunk.len() as u64;
            self.remove(evicted);
            file.write_all(&chunk).await?;
        }
        file.flush().await?;
        Ok(written)
    }

    /// Keeps written files (others may go to make room, see `Index::insert`) and returns how
    /// to refer to each. With a shared store, each is written there first: a file is handed out
    /// only once every replica can serve it.
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
                owner: file.owner,
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
        self.remove(evicted);
        Ok(kept)
    }

    /// Where on disk the file this store handed out as `path` is, and its MIME type; `None`
    /// for any other path (never stored, expired, or not the store's). With a shared store, a
    /// file another replica handed out is copied here from the store first.
    pub(crate) async fn find(&self, path: &str) -> Result<Option<(PathBuf, String)>, StoreError> {
        if let Some(found) = self.locate(path) {
            return Ok(Some(found));
        }
        let turn = FetchTurn::take(self, path);
        let _fetching = turn.turn.clone().lock_owned().await;
        if let Some(found) = self.locate(path) {
            return Ok(Some(found)); // copied by the request before
        }
        let Some((mime_type, bytes, age)) = self.mirror.fetch(path).await? else { return Ok(None) };
        let name = path.rsplit('/').next().unwrap_or_default();
        let bytes = futures::stream::once(async { Ok::<_, std::io::Error>(Bytes::from(bytes)) });
        let copy = self.write(bytes, name, &mime_type, None);
        let mut copy = copy.await.map_err(|e| StoreError::from_io(&e))?;
        let stored = Stored {
            disk: copy.disk_path(),
            mime_type,
            size: copy.size,
            stored_at: Instant::now().checked_sub(age).unwrap_or_else(Instant::now),
            own: false,
            owner: None,
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
        self.remove(evicted);
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
    /// Removes evicted files from disk at once (each has its own folder; nothing awaited, so
    /// that a request cancelled meanwhile cannot leave them there, out of the index), and this
    /// replica's own from where the others find them in a task of its own, so that what Redis
    /// holds stays within the replicas' bounds.
    fn remove(&self, evicted: Vec<Evicted>) {
        let mut own = Vec::new();
        for file in evicted {
            if let Some(folder) = file.disk.parent() {
                let _ = std::fs::remove_dir_all(folder);
            }
            own.extend(file.own_path);
        }
        if !own.is_empty() {
            let mirror = self.mirror.clone();
            tokio::spawn(async move {
                for path in own {
                    mirror.delete(&path).await;
                }
            });
        }
    }
}

/// A request's place among those copying `path` from the shared store (see
/// `FileStore::fetching`), from the moment it asks for its turn; the last one gone, whether
/// its turn came or it was cancelled waiting, removes the path's entry.
struct FetchTurn<'a> {
    store: &'a FileStore,
    path: &'a str,
    turn: Arc<tokio::sync::Mutex<()>>,
}

impl<'a> FetchTurn<'a> {
    fn take(store: &'a FileStore, path: &'a str) -> Self {
        let turn = store.fetching.lock().expect("poisoned").entry(path.to_owned()).or_default().clone();
        FetchTurn { store, path, turn }
    }
}

impl Drop for FetchTurn<'_> {
    fn drop(&mut self) {
        let mut fetching = self.store.fetching.lock().unwrap_or_else(|e| e.into_inner());
        // The map (if the entry is still this one) and this place hold the only references:
        // no one else waits.
        let ours = fetching.get(self.path).is_some_and(|turn| Arc::ptr_eq(turn, &self.turn));
        if ours && Arc::strong_count(&self.turn) <= 2 {
            fetching.remove(self.path);
        }
    }
}

/// Where the other replicas find this one's files: one seam, two backends.
#[derive(Clone)]
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

/// A file on disk that the store has not kept yet (see [`FileStore::write`]); its `size` bytes
/// count in the index's `in_flight` until it is kept or dropped.
pub(crate) struct Written {
    folder: PathBuf,
    name: String,
    mime_type: String,
    size: u64,
    owner: Option<IpAddr>,
    index: Arc<Mutex<Index>>,
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
            self.index.lock().unwrap_or_else(|e| e.into_inner()).unreserve(self.owner, self.size);
            let _ = std::fs::remove_dir_all(&self.folder);
        }
    }
}

impl Index {
    /// Counts `bytes` more of a file `owner` is writing, making room first: the owner's
    /// oldest files go while it would hold more than its share, then the oldest of whoever
    /// holds most while the store would hold more than its bound. Refused when the files being
    /// written alone leave no room. Returns the files pushed out.
    fn reserve(&mut self, owner: Option<IpAddr>, bytes: u64) -> std::io::Result<Vec<Evicted>> {
        let mut evicted = Vec::new();
        if owner.is_some() {
            let share = self.max_bytes / CLIENT_SHARE;
            while self.held(owner).bytes + bytes > share {
                let Some(oldest) = self.evict_oldest_of(owner, None) else {
                    let message = format!("one client may hold at most {} MiB of files at once", share >> 20);
                    return Err(std::io::Error::new(ErrorKind::QuotaExceeded, message));
                };
                evicted.push(oldest);
            }
        }
        while self.total_bytes + self.in_flight + bytes > self.max_bytes {
            let Some(oldest) = self.evict_from_largest(None) else {
                let message = "the server is receiving too many files at once; try again shortly";
                return Err(std::io::Error::new(ErrorKind::StorageFull, message));
            };
            evicted.push(oldest);
        }
        self.in_flight += bytes;
        self.change_held(owner, |held| held.bytes += bytes);
        Ok(evicted)
    }

    /// Gives back what a file being written counted, when it is dropped unkept.
    fn unreserve(&mut self, owner: Option<IpAddr>, bytes: u64) {
        self.in_flight -= bytes;
        self.change_held(owner, |held| held.bytes -= bytes);
    }

    fn held(&self, owner: Option<IpAddr>) -> Held {
        self.held.get(&owner).copied().unwrap_or_default()
    }

    fn change_held(&mut self, owner: Option<IpAddr>, change: impl FnOnce(&mut Held)) {
        let held = self.held.entry(owner).or_default();
        change(held);
        if held.bytes == 0 && held.files == 0 {
            self.held.remove(&owner);
        }
    }

    /// Pushes out `owner`'s oldest kept file but `except`, if it has one.
    fn evict_oldest_of(&mut self, owner: Option<IpAddr>, except: Option<&str>) -> Option<Evicted> {
        let files = &self.files;
        let at = self.order.iter().position(|path| files[path].owner == owner && Some(path.as_str()) != except)?;
        let path = self.order.remove(at)?;
        self.take(&path)
    }

    /// Pushes out the oldest kept file (but `except`) of whoever holds the most bytes (a
    /// client, or none for files no client holds): a client that fills the store empties its
    /// own share first, not everyone else's (in the attack run, 16 clients uploading long WAVs
    /// pushed out every honest upload while the oldest of all went first).
    fn evict_from_largest(&mut self, except: Option<&str>) -> Option<Evicted> {
        let mut holders: Vec<(Option<IpAddr>, u64)> =
            self.held.iter().filter(|(_, held)| held.files > 0).map(|(owner, held)| (*owner, held.bytes)).collect();
        holders.sort_unstable_by_key(|(_, bytes)| std::cmp::Reverse(*bytes));
        holders.into_iter().find_map(|(owner, _)| self.evict_oldest_of(owner, except))
    }

    /// Adds a file, whose bytes were counted while it was written (see [`Index::reserve`]);
    /// expired files go, and past the bound on files the owner's oldest (past its share), then
    /// the oldest of whoever holds most. Returns the files it pushed out: never the new one,
    /// unless it came expired (a copy of an old file from another replica).
    fn insert(&mut self, path: String, stored: Stored) -> Vec<Evicted> {
        let owner = stored.owner;
        self.in_flight -= stored.size;
        self.total_bytes += stored.size;
        self.change_held(owner, |held| held.files += 1);
        self.files.insert(path.clone(), stored);
        self.order.push_back(path.clone());
        let mut evicted = Vec::new();
        while let Some(oldest) = self.order.front().filter(|oldest| self.files[*oldest].stored_at.elapsed() > LIFETIME)
        {
            let oldest = oldest.clone();
            self.order.pop_front();
            evicted.extend(self.take(&oldest));
        }
        let share = (self.max_files / CLIENT_SHARE as usize).max(1);
        while owner.is_some() && self.held(owner).files > share {
            let Some(oldest) = self.evict_oldest_of(owner, Some(&path)) else { break };
            evicted.push(oldest);
        }
        while self.files.len() > self.max_files || self.total_bytes > self.max_bytes {
            let Some(oldest) = self.evict_from_largest(Some(&path)) else { break };
            evicted.push(oldest);
        }
        evicted
    }

    /// Takes `path` out of the files (not out of `order`).
    fn take(&mut self, path: &str) -> Option<Evicted> {
        let file = self.files.remove(path)?;
        self.total_bytes -= file.size;
        self.change_held(file.owner, |held| {
            held.bytes -= file.size;
            held.files -= 1;
        });
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
        let file = store.store(b"png bytes", "../../etc/passwd", "image/png", None).await.unwrap();
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
        let written = store.write(chunks, "part.bin", "application/octet-stream", None).await.unwrap();
        let on_disk = written.disk_path();
        assert_eq!(std::fs::read(&on_disk).unwrap(), b"abcd");
        drop(written);
        assert!(!on_disk.exists(), "removed");
        let failing = futures::stream::iter([Ok(Bytes::from("ab")), Err(std::io::Error::other("cut off"))]);
        assert!(store.write(failing, "cut.bin", "application/octet-stream", None).await.is_err());
        assert_eq!(std::fs::read_dir(store.dir.path()).unwrap().count(), 0, "nothing left of either");
    }

    #[tokio::test]
    async fn a_pinned_example_outlives_the_bounds() {
        let store = FileStore::new(1, 1 << 30).unwrap();
        let example = store.pin(b"example", "cat.png", "image/png").unwrap();
        for i in 0..3 {
            store.store(b"output", &format!("out{i}.png"), "image/png", None).await.unwrap();
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

    /// `chunks` chunks of `size` bytes written for `client`.
    async fn write(store: &FileStore, chunks: usize, size: usize, client: Option<&str>) -> std::io::Result<Written> {
        let chunks =
            futures::stream::iter((0..chunks).map(move |_| Ok::<_, std::io::Error>(Bytes::from(vec![b'x'; size]))));
        store.write(chunks, "upload.bin", "application/octet-stream", client.map(|c| c.parse().unwrap())).await
    }

    #[tokio::test]
    async fn uploads_in_flight_count_against_the_bytes_bound() {
        let store = FileStore::new(MAX_FILES, 100).unwrap();
        let too_large = write(&store, 3, 40, None).await.err().expect("refused");
        assert_eq!(too_large.kind(), ErrorKind::StorageFull, "{too_large}");
        let first = write(&store, 1, 60, None).await.unwrap();
        let second = write(&store, 1, 60, None).await.err().expect("no room while the first is in flight");
        assert_eq!(second.kind(), ErrorKind::StorageFull);
        drop(first);
        let second = write(&store, 1, 60, None).await.unwrap();
        store.keep(vec![second]).await.unwrap();
        // A kept file makes room for one in flight: it is pushed out, not refused.
        let third = write(&store, 1, 60, None).await.unwrap();
        assert_eq!(store.index.lock().unwrap().files.len(), 0, "the kept file went for it");
        drop(third);
        let index = store.index.lock().unwrap();
        assert_eq!((index.in_flight, index.total_bytes), (0, 0), "everything given back");
        assert_eq!(std::fs::read_dir(store.dir.path()).unwrap().count(), 0, "nothing left on disk");
    }

    #[tokio::test]
    async fn a_client_pushes_out_its_own_files_not_everyone_elses() {
        // A quarter of 400 bytes each: 100.
        let store = FileStore::new(MAX_FILES, 400).unwrap();
        let mut others = Vec::new();
        for client in ["192.0.2.1", "2001:db8:1:1::1"] {
            let written = write(&store, 1, 50, Some(client)).await.unwrap();
            others.extend(store.keep(vec![written]).await.unwrap());
        }
        let mut own = Vec::new();
        for _ in 0..10 {
            // One network: addresses of one /64 are one client.
            let written = write(&store, 1, 50, Some("2001:db8:2:2::7")).await.unwrap();
            own.extend(store.keep(vec![written]).await.unwrap());
        }
        for file in &others {
            assert!(store.read(&file.path).await.unwrap().is_some(), "another client's file stays");
        }
        let kept = futures::future::join_all(own.iter().map(|file| store.read(&file.path))).await;
        assert_eq!(kept.iter().filter(|found| matches!(found, Ok(Some(_)))).count(), 2, "its own newest two");
        let over = write(&store, 3, 40, Some("2001:db8:2:2::8")).await.err().expect("past its share in flight");
        assert_eq!(over.kind(), ErrorKind::QuotaExceeded, "{over}");
    }

    #[tokio::test]
    async fn when_full_the_largest_holders_files_go_not_a_small_ones() {
        // The attack run: 16 clients sending long WAVs, each within its share, together pushed
        // out every honest upload while the oldest of all went first.
        let store = FileStore::new(MAX_FILES, 400).unwrap();
        let small = write(&store, 1, 10, Some("192.0.2.1")).await.unwrap();
        let small = store.keep(vec![small]).await.unwrap().remove(0);
        for round in 0..6 {
            for client in ["192.0.2.2", "192.0.2.3", "192.0.2.4", "192.0.2.5"] {
                let written = write(&store, 1, 40 + round, Some(client)).await.unwrap();
                store.keep(vec![written]).await.unwrap();
            }
        }
        assert!(store.read(&small.path).await.unwrap().is_some(), "the oldest file, but its holder's only");
        let index = store.index.lock().unwrap();
        assert!(index.total_bytes <= 400, "{}", index.total_bytes);
    }

    #[tokio::test]
    async fn a_client_keeps_at_most_its_share_of_the_files() {
        let store = FileStore::new(8, 1 << 30).unwrap();
        let other = write(&store, 1, 1, Some("192.0.2.1")).await.unwrap();
        let other = store.keep(vec![other]).await.unwrap().remove(0);
        for _ in 0..8 {
            let written = write(&store, 1, 1, Some("192.0.2.2")).await.unwrap();
            store.keep(vec![written]).await.unwrap();
        }
        assert!(store.read(&other.path).await.unwrap().is_some(), "8 files did not push it out");
        assert_eq!(store.index.lock().unwrap().files.len(), 3, "the other's one and this client's two");
    }

    #[tokio::test]
    async fn the_oldest_files_go_first_when_full() {
        let store = FileStore::new(MAX_FILES, 1 << 30).unwrap();
        let first = store.store(b"1", "a", "text/plain", None).await.unwrap();
        for _ in 0..MAX_FILES {
            store.store(b"2", "b", "text/plain", None).await.unwrap();
        }
        assert_eq!(store.read(&first.path).await.unwrap(), None);
        assert!(!std::path::Path::new(&first.path).exists(), "removed from disk too");
        assert_eq!(store.index.lock().unwrap().files.len(), MAX_FILES);
    }
}
