//! Where what a client may come back for is kept: in this process, or in the Redis that the
//! replicas of one app share, so that a client's next request may land on any of them behind a
//! load balancer with no stickiness.
//!
//! Three things may go through Redis (`Registry::shared_store`, `RHEO_REDIS_URL`): session
//! `State` ([`crate::engine::sessions`]), Gradio's queue messages and REST results
//! (`transports::gradio::queue`), and files ([`crate::engine::files`]). Each keeps what it
//! keeps behind one seam, an enum of its two backends, chosen from the one [`Backend`] the
//! server resolved at start; the Redis backends exist only with the `redis` feature. Streams
//! stay on the replica that holds their socket; only their State goes through the store.
//! Concurrency limits stay per replica.
//!
//! Keys are `rheo:<interface>:<kind>:<id>` (files: `rheo::file:<path>`) and every one expires,
//! so a replica that dies leaves nothing behind for long. Redis being down is a [`StoreError`]
//! for the requests that need it (a 503 saying so), never a crash: the connection is made on
//! first use and made again after a failure.

#[cfg(feature = "redis")]
mod shared;

#[cfg(feature = "redis")]
use std::sync::Arc;

#[cfg(feature = "redis")]
pub(crate) use self::shared::{Blocking, SharedStore};

/// Where what a client may come back for is kept, resolved once at start.
#[derive(Clone, Default)]
pub(crate) enum Backend {
    /// In this process's memory (and its temp dir, for files): the default.
    #[default]
    Memory,
    /// In the Redis the replicas share (`Registry::shared_store`, `RHEO_REDIS_URL`).
    #[cfg(feature = "redis")]
    Redis(Arc<SharedStore>),
}

impl Backend {
    /// Whether replicas share what is kept.
    pub(crate) fn is_shared(&self) -> bool {
        !matches!(self, Backend::Memory)
    }
}

/// What the shared store could not do: the request that needed it fails with this, and the
/// next one tries again.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[allow(unreachable_pub)] // inside `CallError`, named by `Handler`'s hidden method; unreachable from outside
pub enum StoreError {
    /// Unreachable, or it refused a command (a 503).
    #[error("the shared store (Redis) is unavailable: {0}; try again shortly")]
    Unavailable(String),
    /// A file over what replicas share.
    #[error("a file of {} MiB is too large to share between replicas (the limit is {} MiB)", .size >> 20, .limit >> 20)]
    FileTooLarge { size: u64, limit: u64 },
}

impl StoreError {
    /// A local file the store was to take could not be read or written.
    pub(crate) fn from_io(error: &std::io::Error) -> Self {
        StoreError::Unavailable(format!("a file could not be copied: {error}"))
    }
}
