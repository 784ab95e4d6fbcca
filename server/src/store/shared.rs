//! [`SharedStore`]: a handle on the Redis that replicas share (see the parent module).

use std::{
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use redis::{
    aio::{ConnectionManager, ConnectionManagerConfig, MultiplexedConnection},
    AsyncConnectionConfig, Client, Cmd, FromRedisValue, Pipeline, RedisError, RedisResult,
};
use tokio::sync::{OnceCell, OwnedSemaphorePermit, Semaphore};

use super::StoreError;

/// How long one command may take before the request that needs it fails (twice that for one
/// sent again after a broken connection, plus reconnecting). Fixed, as the two below: Redis on
/// the same network answers in well under a millisecond, and these only decide how soon a
/// replica says in words that the store is gone.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(2);
/// How long connecting may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(1);
/// How long after a failed first connection the next request tries again.
const RECONNECT_AFTER: Duration = Duration::from_secs(1);
/// Readers (a Gradio queue stream, a REST result) waiting on Redis at once, per replica.
/// Fixed: each holds a Redis connection, and Redis' own default cap is 10,000 clients, shared
/// by every replica.
pub(crate) const MAX_BLOCKING_CONNECTIONS: usize = 1024;

impl From<RedisError> for StoreError {
    fn from(error: RedisError) -> Self {
        StoreError::Unavailable(error.to_string())
    }
}

/// A handle on the app's Redis, cheap to share (`Arc`).
pub(crate) struct SharedStore {
    client: Client,
    /// Made on first use: a replica starts (and serves what needs no store) while Redis is
    /// down. The manager reconnects by itself after a failure.
    commands: OnceCell<ConnectionManager>,
    /// When the last attempt to make it failed: requests meanwhile fail at once, rather than
    /// each wait its turn to try again.
    failed_at: Mutex<Option<(Instant, StoreError)>>,
    /// Connections of their own that readers may hold at once (each a client of Redis's).
    blocking: Arc<Semaphore>,
}

/// A reader's own connection (see [`SharedStore::blocking`]), counted while it lives.
pub(crate) struct Blocking {
    pub(crate) connection: MultiplexedConnection,
    _counted: OwnedSemaphorePermit,
}

impl SharedStore {
    /// A store at `url` (`redis://[user:password@]host[:port][/db]`, or `rediss://` for TLS); no
    /// connection is made yet.
    pub(crate) fn open(url: &str) -> Result<Self, String> {
        let client = Client::open(url).map_err(|e| format!("the shared store URL {url:?} is not valid: {e}"))?;
        Ok(SharedStore {
            client,
            commands: OnceCell::new(),
            failed_at: Mutex::new(None),
            blocking: Arc::new(Semaphore::new(MAX_BLOCKING_CONNECTIONS)),
        })
    }

    /// The key of `id` of `kind` for `interface`.
    pub(crate) fn key(interface: &str, kind: &str, id: &str) -> String {
        format!("rheo:{interface}:{kind}:{id}")
    }

    /// Sends a command or a pipeline on the shared connection. One that was never sent (Redis
    /// restarted since the last command: the first write finds the connection broken, and the
    /// manager reconnects) is sent once more, so that a restart costs no request. One that may
    /// have reached Redis (a timeout, a reset while waiting) is not: `INCR`, `XADD` and the
    /// like must not run twice.
    pub(crate) async fn query<T: FromRedisValue>(&self, request: &impl Request) -> Result<T, StoreError> {
        match request.send(&mut self.commands().await?).await {
            Err(e) if never_sent(&e) => Ok(request.send(&mut self.commands().await?).await?),
            answer => Ok(answer?),
        }
    }

    /// The connection for ordinary commands (shared, pipelined; never for blocking ones).
    async fn commands(&self) -> Result<ConnectionManager, StoreError> {
        if let Some(made) = self.commands.get() {
            return Ok(made.clone());
        }
        if let Some((at, error)) = self.failed_at.lock().expect("poisoned").clone() {
            if at.elapsed() < RECONNECT_AFTER {
                return Err(error);
            }
        }
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(CONNECT_TIMEOUT))
            .set_response_timeout(Some(COMMAND_TIMEOUT))
            .set_number_of_retries(1);
        match self.commands.get_or_try_init(|| self.client.get_connection_manager_with_config(config)).await {
            Ok(made) => Ok(made.clone()),
            Err(e) => {
                let error = StoreError::from(e);
                *self.failed_at.lock().expect("poisoned") = Some((Instant::now(), error.clone()));
                Err(error)
            }
        }
    }

    /// A connection of its own for one reader's blocking commands (`XREAD BLOCK`, `BLPOP`),
    /// which would hold up every other command on the shared one; at most
    /// [`MAX_BLOCKING_CONNECTIONS`] at once. `block` is the longest a command on it will block.
    pub(crate) async fn blocking(&self, block: Duration) -> Result<Blocking, StoreError> {
        let counted = self.blocking.clone().try_acquire_owned().map_err(|_| {
            StoreError::Unavailable(format!("{MAX_BLOCKING_CONNECTIONS} readers wait on this server already"))
        })?;
        let config = AsyncConnectionConfig::new()
            .set_connection_timeout(Some(CONNECT_TIMEOUT))
            .set_response_timeout(Some(block + COMMAND_TIMEOUT));
        let connection = self.client.get_multiplexed_async_connection_with_config(&config).await?;
        Ok(Blocking { connection, _counted: counted })
    }
}

/// Whether a failed request most likely never reached Redis: refused, or the connection was
/// found broken (a reset while its answer was awaited could come after Redis ran it: a rare
/// double, where a timeout, much likelier to have run, is never sent again).
fn never_sent(error: &RedisError) -> bool {
    error.is_connection_refusal() || (error.is_connection_dropped() && !error.is_timeout())
}

/// A command or a pipeline of them, as [`SharedStore::query`] sends it.
pub(crate) trait Request: Sync {
    fn send<T: FromRedisValue>(
        &self,
        connection: &mut ConnectionManager,
    ) -> impl std::future::Future<Output = RedisResult<T>> + Send;
}

impl Request for Cmd {
    fn send<T: FromRedisValue>(
        &self,
        connection: &mut ConnectionManager,
    ) -> impl std::future::Future<Output = RedisResult<T>> + Send {
        self.query_async(connection)
    }
}

impl Request for Pipeline {
    fn send<T: FromRedisValue>(
        &self,
        connection: &mut ConnectionManager,
    ) -> impl std::future::Future<Output = RedisResult<T>> + Send {
        self.query_async(connection)
    }
}
