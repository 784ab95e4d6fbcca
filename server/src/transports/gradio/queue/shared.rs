//! The queue's mailboxes in the shared store, for replicas behind a load balancer: a client's
//! `queue/join` may land on one replica and its `queue/data` (or a REST call's result) on
//! another, so what a call sends goes through Redis instead of a channel in memory.
//!
//! Per session of an interface:
//! - `rheo:<interface>:pending:<session>`: the count of its events not yet completed (the
//!   reader closes the stream when it falls to 0, as Gradio's does);
//! - `rheo:<interface>:messages:<session>`: a Redis stream of the messages waiting for the
//!   reader, each deleted once read; a call waits while [`SESSION_BUFFER`] wait already (and is
//!   stopped after [`READER_WAIT`], as in memory); a message is passed on by the reader whose
//!   `XDEL` removed it, so two readers of one session never both send it;
//! - `rheo:<interface>:events:<session>`: the set of its pending events' ids (a completion is
//!   counted, and passed on, by the reader that removes its event from the set).
//!
//! Per REST call: `rheo:<interface>:event:<id>` says it exists (deleted by the one read), and
//! `rheo:<interface>:result:<id>` is a list the call pushes its answers to once, which the
//! reader takes with `BLPOP`. Every key but `alive` (below) expires after
//! [`QUEUE_IDLE_TIMEOUT`] untouched.
//!
//! A running call says so: `rheo:<interface>:alive:<id>` lives [`ALIVE_FOR`] and the replica
//! running the call renews it while it runs. A reader on another replica that waits for an
//! event whose key is gone (its replica stopped) completes it with an error, rather than wait
//! for it until the session expires.

use std::{sync::Arc, time::Duration};

use redis::streams::StreamReadReply;
use rheo_shared::protocol::gradio::QueueMessage;
use serde_json::json;
use tokio::time::Instant;

use super::{
    Finished, Refusal, HEARTBEAT_EVERY, MAX_PENDING_PER_SESSION, QUEUE_IDLE_TIMEOUT, READER_WAIT, SESSION_BUFFER,
};
use crate::{
    handler::AbortOnDrop,
    store::{Blocking, SharedStore, StoreError},
};

/// How often a call whose reader's mailbox is full looks again.
const FULL_RECHECK: Duration = Duration::from_millis(20);
/// How long a running call's `alive` key lives unless its replica renews it (every third of it).
pub(super) const ALIVE_FOR: Duration = Duration::from_secs(9);
/// What the reader of a call whose replica stopped is told.
const REPLICA_STOPPED: &str = "the server running this call stopped before it finished; try again";

/// Says that a call runs, while it lives: renews the call's `alive` key, which expires
/// [`ALIVE_FOR`] after the replica stops renewing it (the call ended, or the replica died).
pub(super) struct Alive(#[allow(dead_code)] AbortOnDrop);

impl Alive {
    /// Renews `key`, which the caller has just set with [`set_alive`].
    fn renew(store: Arc<SharedStore>, key: String) -> Self {
        let renew = tokio::spawn(async move {
            loop {
                tokio::time::sleep(ALIVE_FOR / 3).await;
                if let Err(e) = store.query::<()>(&set_alive(&key)).await {
                    tracing::warn!("a running call could not say so to the other replicas: {e}");
                }
            }
        });
        Alive(AbortOnDrop(renew.abort_handle()))
    }
}

/// The command that makes (or renews) a call's `alive` key.
fn set_alive(key: &str) -> redis::Cmd {
    redis::cmd("SET").arg(key).arg(1).arg("EX").arg(ALIVE_FOR.as_secs()).clone()
}

/// One interface's mailboxes in the store.
#[derive(Clone)]
pub(super) struct SharedQueue {
    store: Arc<SharedStore>,
    interface: String,
}

fn expiry() -> i64 {
    QUEUE_IDLE_TIMEOUT.as_secs() as i64
}

impl SharedQueue {
    pub(super) fn new(store: Arc<SharedStore>, interface: &str) -> Self {
        SharedQueue { store, interface: interface.to_owned() }
    }

    fn key(&self, kind: &str, id: &str) -> String {
        SharedStore::key(&self.interface, kind, id)
    }

    /// Counts event `event_id` as pending for `session` and gives where its messages go.
    pub(super) async fn enter(&self, session: &str, event_id: &str) -> Result<Outbox, Refusal> {
        let (pending, events, alive) =
            (self.key("pending", session), self.key("events", session), self.key("alive", event_id));
        // All at once or not at all (a transaction): pending, among the session's events, and
        // alive from that moment, so that a reader never takes it for a stopped call.
        let mut enter = redis::pipe();
        enter.atomic().incr(&pending, 1).expire(&pending, expiry()).ignore();
        enter
            .sadd(&events, event_id)
            .ignore()
            .expire(&events, expiry())
            .ignore()
            .add_command(set_alive(&alive))
            .ignore();
        let (count,): (usize,) = self.store.query(&enter).await?;
        if count > MAX_PENDING_PER_SESSION {
            let mut back = redis::pipe();
            back.atomic().cmd("DECR").arg(&pending).ignore().srem(&events, event_id).ignore().del(&alive).ignore();
            self.store.query::<()>(&back).await?;
            return Err(Refusal::TooMany);
        }
        let alive = Alive::renew(self.store.clone(), alive);
        Ok(Outbox {
            store: self.store.clone(),
            messages: self.key("messages", session),
            pending,
            events,
            _alive: alive,
        })
    }

    /// A reader of `session`'s messages, on a connection of its own (it blocks).
    pub(super) async fn reader(&self, session: &str) -> Result<SharedReader, Refusal> {
        let pending = self.key("pending", session);
        let known: bool = self.store.query(redis::cmd("EXISTS").arg(&pending)).await?;
        if !known {
            return Err(Refusal::UnknownSession);
        }
        let connection = self.store.blocking(HEARTBEAT_EVERY).await?;
        Ok(SharedReader {
            queue: self.clone(),
            connection,
            messages: self.key("messages", session),
            events: self.key("events", session),
            pending,
            last_id: "0".into(),
            unread: Default::default(),
            checked_at: Instant::now(),
        })
    }

    /// Whether the call of `event_id` still runs somewhere.
    async fn alive(&self, event_id: &str) -> Result<bool, StoreError> {
        self.store.query(redis::cmd("EXISTS").arg(self.key("alive", event_id))).await
    }

    /// Makes a REST call's event known, so that any replica can wait for its result; the call
    /// is alive while the guard lives.
    pub(super) async fn start_call(&self, event_id: &str) -> Result<Alive, StoreError> {
        let alive = self.key("alive", event_id);
        let mut known = redis::pipe();
        known.cmd("SET").arg(self.key("event", event_id)).arg(1).arg("EX").arg(expiry()).ignore();
        self.store.query::<()>(known.add_command(set_alive(&alive)).ignore()).await?;
        Ok(Alive::renew(self.store.clone(), alive))
    }

    /// Puts a REST call's answers where its reader waits for them.
    pub(super) async fn finish_call(&self, event_id: &str, answers: &[Finished]) -> Result<(), StoreError> {
        let key = self.key("result", event_id);
        self.store
            .query(redis::pipe().rpush(&key, json!(answers).to_string()).ignore().expire(&key, expiry()).ignore())
            .await
    }

    /// Takes REST call `event_id`'s place out if nobody has come for its result (a reader
    /// claims it by deleting the same key); returns whether it did (the call then stops).
    pub(super) async fn give_up_unclaimed(&self, event_id: &str) -> Result<bool, StoreError> {
        let unclaimed: usize = self.store.query(redis::cmd("DEL").arg(self.key("event", event_id))).await?;
        Ok(unclaimed == 1)
    }

    /// Waits for a REST call's answers (they are read once), wherever it ran.
    pub(super) async fn result(&self, event_id: &str) -> Result<Vec<Finished>, Refusal> {
        let known: usize = self.store.query(redis::cmd("DEL").arg(self.key("event", event_id))).await?;
        if known == 0 {
            return Err(Refusal::UnknownEvent);
        }
        let mut blocking = self.store.blocking(ALIVE_FOR).await?;
        let deadline = Instant::now() + QUEUE_IDLE_TIMEOUT;
        let answers = loop {
            let popped: Option<(String, String)> = redis::cmd("BLPOP")
                .arg(self.key("result", event_id))
                .arg(ALIVE_FOR.as_secs())
                .query_async(&mut blocking.connection)
                .await
                .map_err(StoreError::from)?;
            match popped {
                Some((_, answers)) => break answers,
                // Nothing yet: the call still runs, or its replica stopped (then never).
                None if Instant::now() < deadline && self.alive(event_id).await? => {}
                None => return Ok(vec![Err(REPLICA_STOPPED.into())]),
            }
        };
        serde_json::from_str(&answers)
            .map_err(|e| Refusal::Store(StoreError::Unavailable(format!("a result could not be read: {e}"))))
    }
}

/// Where one call's messages go: its session's stream in the store.
pub(super) struct Outbox {
    store: Arc<SharedStore>,
    messages: String,
    pending: String,
    events: String,
    /// The call runs while its outbox lives.
    _alive: Alive,
}

impl Outbox {
    /// Sends `message` to the session's reader, waiting while its mailbox is full, at most
    /// [`READER_WAIT`]; false when it could not (the call then stops).
    pub(super) async fn deliver(&self, message: &QueueMessage) -> bool {
        let deadline = Instant::now() + READER_WAIT;
        match self.try_deliver(message, deadline).await {
            Ok(delivered) => delivered,
            Err(e) => {
                tracing::warn!("a queued call's message was lost: {e}");
                false
            }
        }
    }

    async fn try_deliver(&self, message: &QueueMessage, deadline: Instant) -> Result<bool, StoreError> {
        loop {
            let waiting: usize = self.store.query(redis::cmd("XLEN").arg(&self.messages)).await?;
            if waiting < SESSION_BUFFER {
                break;
            }
            if Instant::now() >= deadline {
                return Ok(false);
            }
            tokio::time::sleep(FULL_RECHECK).await;
        }
        let mut add = redis::pipe();
        add.cmd("XADD").arg(&self.messages).arg("*").arg("message").arg(message.to_json_text()).ignore();
        add.expire(&self.messages, expiry()).ignore().expire(&self.pending, expiry()).ignore();
        add.expire(&self.events, expiry()).ignore();
        self.store.query::<()>(&add).await?;
        Ok(true)
    }
}

/// The reading end of a session's stream in the store.
pub(super) struct SharedReader {
    queue: SharedQueue,
    connection: Blocking,
    messages: String,
    events: String,
    pending: String,
    last_id: String,
    /// Messages read and not yet taken, with their ids in the stream (none for a completion
    /// made here for a call whose replica stopped).
    unread: std::collections::VecDeque<(Option<String>, QueueMessage)>,
    /// When the pending calls were last looked at for any that no longer runs.
    checked_at: Instant,
}

/// What a reader got next.
pub(super) enum Read {
    Message(QueueMessage),
    /// Nothing came for [`HEARTBEAT_EVERY`].
    Idle,
    /// The last pending event completed with this message.
    Last(QueueMessage),
    /// The session has nothing pending any more, nor will (its keys expired): the stream ends.
    Gone,
}

impl SharedReader {
    /// The next message, taken from the store (a message another reader of the session took
    /// first, or a second completion of one event, is not passed on).
    pub(super) async fn next(&mut self) -> Result<Read, StoreError> {
        loop {
            if self.unread.is_empty() {
                self.read().await?;
            }
            if self.unread.is_empty() || self.checked_at.elapsed() >= HEARTBEAT_EVERY {
                self.complete_stopped_calls().await?;
            }
            let Some((id, message)) = self.unread.pop_front() else {
                return Ok(if self.session_gone().await? { Read::Gone } else { Read::Idle });
            };
            if let Some(read) = self.take(id.as_deref(), message).await? {
                return Ok(read);
            }
        }
    }

    /// Reads what came, waiting [`HEARTBEAT_EVERY`] at most.
    async fn read(&mut self) -> Result<(), StoreError> {
        let reply: Option<StreamReadReply> = redis::cmd("XREAD")
            .arg("COUNT")
            .arg(SESSION_BUFFER)
            .arg("BLOCK")
            .arg(HEARTBEAT_EVERY.as_millis() as u64)
            .arg("STREAMS")
            .arg(&self.messages)
            .arg(&self.last_id)
            .query_async(&mut self.connection.connection)
            .await?;
        for entry in reply.into_iter().flat_map(|reply| reply.keys).flat_map(|key| key.ids) {
            self.last_id = entry.id.clone();
            // Every replica writes messages as `QueueMessage`; one that does not read as one (a
            // replica of another version) is skipped, and expires with the stream.
            match entry.get::<String>("message").map(|text| serde_json::from_str(&text)) {
                Some(Ok(message)) => self.unread.push_back((Some(entry.id), message)),
                Some(Err(e)) => tracing::warn!("a queue message in the store could not be read: {e}"),
                None => tracing::warn!("a queue entry in the store holds no message"),
            }
        }
        Ok(())
    }

    /// Takes a message out of the store; `None` when it is not to be passed on.
    async fn take(&self, id: Option<&str>, message: QueueMessage) -> Result<Option<Read>, StoreError> {
        let store = &self.queue.store;
        if let Some(id) = id {
            let deleted: usize = store.query(redis::cmd("XDEL").arg(&self.messages).arg(id)).await?;
            if deleted == 0 {
                return Ok(None); // another reader of this session took it
            }
        }
        let Some(event_id) = message.completes() else {
            store.query::<()>(redis::cmd("EXPIRE").arg(&self.pending).arg(expiry())).await?;
            return Ok(Some(Read::Message(message)));
        };
        let was_pending: usize = store.query(redis::cmd("SREM").arg(&self.events).arg(event_id)).await?;
        if was_pending == 0 {
            return Ok(None); // completed already (made here when its replica seemed stopped)
        }
        let mut done = redis::pipe();
        done.atomic().cmd("DECR").arg(&self.pending).expire(&self.pending, expiry()).ignore();
        let (left,): (i64,) = store.query(&done).await?;
        Ok(Some(if left <= 0 { Read::Last(message) } else { Read::Message(message) }))
    }

    /// Completes, with an error, each pending event whose call no longer runs anywhere (its
    /// replica stopped).
    async fn complete_stopped_calls(&mut self) -> Result<(), StoreError> {
        self.checked_at = Instant::now();
        let pending: Vec<String> = self.queue.store.query(redis::cmd("SMEMBERS").arg(&self.events)).await?;
        for event_id in pending {
            if !self.queue.alive(&event_id).await? {
                tracing::warn!("event {event_id} was lost with the replica that ran it");
                self.unread.push_back((None, QueueMessage::completed(&event_id, Err(REPLICA_STOPPED.into()))));
            }
        }
        Ok(())
    }

    /// Whether the session's count of pending events is gone (expired) or none.
    async fn session_gone(&self) -> Result<bool, StoreError> {
        let pending: Option<i64> = self.queue.store.query(redis::cmd("GET").arg(&self.pending)).await?;
        Ok(pending.is_none_or(|pending| pending <= 0))
    }
}
