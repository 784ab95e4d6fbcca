//! The queue's mailboxes in the shared store, for replicas behind a load balancer: a client's
//! `queue/join` may land on one replica and its `queue/data` (or a REST call's result) on
//! another, so what a call sends goes through Redis instead of a channel in memory.
//!
//! Per session of an interface:
//! - `rheo:<interface>:pending:<session>`: the count of its events not yet completed (the
//!   reader closes the stream when it falls to 0, as Gradio's does);
//! - `rheo:<interface>:messages:<session>`: a Redis stream of the messages waiting for the
//!   reader, each deleted once read; a call waits while [`SESSION_BUFFER`] wait already (and is
//!   stopped after [`READER_WAIT`], as in memory).
//!
//! Per REST call: `rheo:<interface>:event:<id>` says it exists (deleted by the one read), and
//! `rheo:<interface>:result:<id>` is a list the call pushes its answers to once, which the
//! reader takes with `BLPOP`. Every key expires after [`QUEUE_IDLE_TIMEOUT`] untouched.

use std::{sync::Arc, time::Duration};

use redis::{aio::MultiplexedConnection, streams::StreamReadReply};
use serde_json::{json, Value as Json};
use tokio::time::Instant;

use super::queue::{
    Finished, Refusal, HEARTBEAT_EVERY, MAX_PENDING_PER_SESSION, QUEUE_IDLE_TIMEOUT, READER_WAIT, SESSION_BUFFER,
};
use crate::store::{SharedStore, StoreError};

/// How often a call whose reader's mailbox is full looks again.
const FULL_RECHECK: Duration = Duration::from_millis(20);

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

    /// Counts one more pending event for `session` and gives where its messages go.
    pub(super) async fn enter(&self, session: &str) -> Result<Outbox, Refusal> {
        let pending = self.key("pending", session);
        let (count, _): (usize, bool) =
            self.store.query(redis::pipe().incr(&pending, 1).expire(&pending, expiry())).await?;
        if count > MAX_PENDING_PER_SESSION {
            self.store.query::<()>(redis::cmd("DECR").arg(&pending)).await?;
            return Err(Refusal::TooMany);
        }
        Ok(Outbox { store: self.store.clone(), messages: self.key("messages", session), pending })
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
            store: self.store.clone(),
            connection,
            messages: self.key("messages", session),
            pending,
            last_id: "0".into(),
            unread: Default::default(),
        })
    }

    /// Makes a REST call's event known, so that any replica can wait for its result.
    pub(super) async fn start_call(&self, event_id: &str) -> Result<(), StoreError> {
        self.store.query(redis::cmd("SET").arg(self.key("event", event_id)).arg(1).arg("EX").arg(expiry())).await
    }

    /// Puts a REST call's answers where its reader waits for them.
    pub(super) async fn finish_call(&self, event_id: &str, answers: &[Finished]) -> Result<(), StoreError> {
        let key = self.key("result", event_id);
        self.store
            .query(redis::pipe().rpush(&key, json!(answers).to_string()).ignore().expire(&key, expiry()).ignore())
            .await
    }

    /// Waits for a REST call's answers (they are read once), wherever it ran.
    pub(super) async fn result(&self, event_id: &str) -> Result<Vec<Finished>, Refusal> {
        let known: usize = self.store.query(redis::cmd("DEL").arg(self.key("event", event_id))).await?;
        if known == 0 {
            return Err(Refusal::UnknownEvent);
        }
        let mut connection = self.store.blocking(QUEUE_IDLE_TIMEOUT).await?;
        let popped: Option<(String, String)> = redis::cmd("BLPOP")
            .arg(self.key("result", event_id))
            .arg(QUEUE_IDLE_TIMEOUT.as_secs())
            .query_async(&mut connection)
            .await
            .map_err(StoreError::from)?;
        let Some((_, answers)) = popped else {
            return Ok(vec![Err("the call never finished: the replica that ran it may have stopped".into())]);
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
}

impl Outbox {
    /// Sends `message` to the session's reader, waiting while its mailbox is full, at most
    /// [`READER_WAIT`]; false when it could not (the call then stops).
    pub(super) async fn deliver(&self, message: &Json) -> bool {
        let deadline = Instant::now() + READER_WAIT;
        match self.try_deliver(message, deadline).await {
            Ok(delivered) => delivered,
            Err(e) => {
                tracing::warn!("a queued call's message was lost: {e}");
                false
            }
        }
    }

    async fn try_deliver(&self, message: &Json, deadline: Instant) -> Result<bool, StoreError> {
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
        add.cmd("XADD").arg(&self.messages).arg("*").arg("message").arg(message.to_string()).ignore();
        add.expire(&self.messages, expiry()).ignore().expire(&self.pending, expiry()).ignore();
        self.store.query::<()>(&add).await?;
        Ok(true)
    }
}

/// The reading end of a session's stream in the store.
pub(super) struct SharedReader {
    store: Arc<SharedStore>,
    connection: MultiplexedConnection,
    messages: String,
    pending: String,
    last_id: String,
    unread: std::collections::VecDeque<(String, Json)>,
}

/// What a reader got next.
pub(super) enum Read {
    Message(Json),
    /// Nothing came for [`HEARTBEAT_EVERY`].
    Idle,
    /// The last pending event completed with this message.
    Last(Json),
}

impl SharedReader {
    /// The next message (deleted from the store as it is taken).
    pub(super) async fn next(&mut self) -> Result<Read, StoreError> {
        if self.unread.is_empty() {
            let reply: Option<StreamReadReply> = redis::cmd("XREAD")
                .arg("COUNT")
                .arg(SESSION_BUFFER)
                .arg("BLOCK")
                .arg(HEARTBEAT_EVERY.as_millis() as u64)
                .arg("STREAMS")
                .arg(&self.messages)
                .arg(&self.last_id)
                .query_async(&mut self.connection)
                .await?;
            let entries = reply.into_iter().flat_map(|reply| reply.keys).flat_map(|key| key.ids);
            for entry in entries {
                let message = entry.get::<String>("message").and_then(|text| serde_json::from_str(&text).ok());
                self.last_id = entry.id.clone();
                self.unread.push_back((entry.id, message.unwrap_or(Json::Null)));
            }
        }
        let Some((id, message)) = self.unread.pop_front() else { return Ok(Read::Idle) };
        let completed = message["msg"] == "process_completed";
        let mut taken = redis::pipe();
        taken.cmd("XDEL").arg(&self.messages).arg(&id).ignore();
        if completed {
            taken.cmd("DECR").arg(&self.pending);
        } else {
            taken.expire(&self.pending, expiry()).ignore();
        }
        let left: Vec<i64> = self.store.query(&taken).await?;
        Ok(match left.first() {
            Some(left) if *left <= 0 => Read::Last(message),
            _ => Read::Message(message),
        })
    }
}
