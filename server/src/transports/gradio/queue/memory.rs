//! The queue's sessions and unread REST results in this process: two tables, each bounded in
//! number (the idlest or oldest finished making room) and swept of what sat idle for
//! [`QUEUE_IDLE_TIMEOUT`].

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use rheo_shared::protocol::gradio::QueueMessage;
use tokio::{
    sync::{mpsc, watch},
    time::Instant,
};

use super::{Finished, Refusal, MAX_PENDING_PER_SESSION, QUEUE_IDLE_TIMEOUT, SESSION_BUFFER};
use crate::engine::CallError;

type Receiver = Arc<tokio::sync::Mutex<mpsc::Receiver<QueueMessage>>>;

/// A session: its messages' channel (one reader at a time holds the receiving end), the
/// events pending in it, and when it last did anything.
struct Session {
    sender: mpsc::Sender<QueueMessage>,
    receiver: Receiver,
    pending: usize,
    touched: Instant,
}

impl Session {
    /// Whether a reader has its stream open (holding the receiving end).
    fn being_read(&self) -> bool {
        self.receiver.try_lock().is_err()
    }
}

/// A REST call's answers, once there, until its reader takes them.
struct UnreadResult {
    result: watch::Receiver<Option<Vec<Finished>>>,
    created: Instant,
}

pub(super) struct InMemory {
    sessions: Mutex<HashMap<String, Session>>,
    results: Mutex<HashMap<String, UnreadResult>>,
    /// Sessions, and unread REST results, kept at most; past this, the idlest session that no
    /// reader reads makes room for a new one (its calls stop), or it gets 503 when every
    /// session is being read; and a new REST call replaces the oldest finished unread result
    /// (or gets 503; an unread call is stopped after [`READER_WAIT`](super::READER_WAIT), see [`Queue::call`](super::Queue::call)).
    max_entries: usize,
}

impl InMemory {
    pub(super) fn new(max_entries: usize) -> Self {
        InMemory { sessions: Mutex::default(), results: Mutex::default(), max_entries }
    }

    pub(super) fn sweep(&self) {
        self.sessions.lock().unwrap().retain(|_, s| s.touched.elapsed() < QUEUE_IDLE_TIMEOUT);
        self.results.lock().unwrap().retain(|_, r| r.created.elapsed() < QUEUE_IDLE_TIMEOUT);
    }

    /// Counts a new event as pending in the session (made if new) and gives where its
    /// messages go.
    pub(super) fn enter(&self, session_hash: &str) -> Result<mpsc::Sender<QueueMessage>, Refusal> {
        let mut sessions = self.sessions.lock().unwrap();
        if !sessions.contains_key(session_hash) && sessions.len() >= self.max_entries {
            sessions.retain(|_, s| s.touched.elapsed() < QUEUE_IDLE_TIMEOUT);
            // Still full: the idlest session no reader reads makes room (4,100 quick joins once
            // locked every new client out for ten minutes; in the attack run, clients joining
            // 5,000 sessions every 3 s and never reading did, as long as pending sessions were
            // kept). A client reads within milliseconds of joining, and once it reads, its
            // session stays; refuse only when every session is being read.
            if sessions.len() >= self.max_entries {
                let idlest = sessions.iter().filter(|(_, s)| !s.being_read()).min_by_key(|(_, s)| s.touched);
                let idlest = idlest.map(|(hash, _)| hash.clone()).ok_or(Refusal::Full)?;
                sessions.remove(&idlest);
            }
        }
        let session = sessions.entry(session_hash.to_string()).or_insert_with(|| {
            let (sender, receiver) = mpsc::channel(SESSION_BUFFER);
            Session {
                sender,
                receiver: Arc::new(tokio::sync::Mutex::new(receiver)),
                pending: 0,
                touched: Instant::now(),
            }
        });
        if session.pending >= MAX_PENDING_PER_SESSION {
            return Err(Refusal::TooMany);
        }
        session.pending += 1;
        session.touched = Instant::now();
        Ok(session.sender.clone())
    }

    /// Marks the session active (a message was delivered); when it was a completion, that
    /// event is no longer pending. Returns how many of the session's events are still pending.
    pub(super) fn touch(&self, session_hash: &str, delivered_completion: bool) -> usize {
        let mut sessions = self.sessions.lock().unwrap();
        let Some(session) = sessions.get_mut(session_hash) else { return 0 };
        session.touched = Instant::now();
        if delivered_completion {
            session.pending = session.pending.saturating_sub(1);
        }
        session.pending
    }

    /// The receiving end of the session's messages, for its one reader at a time.
    pub(super) fn receiver(&self, session_hash: &str) -> Result<Receiver, Refusal> {
        let sessions = self.sessions.lock().unwrap();
        Ok(sessions.get(session_hash).ok_or(Refusal::UnknownSession)?.receiver.clone())
    }

    /// Keeps a place for the result of REST call `event_id`, which the call fills in.
    pub(super) fn start_call(&self, event_id: &str) -> Result<watch::Sender<Option<Vec<Finished>>>, Refusal> {
        let (sender, result) = watch::channel(None);
        let mut results = self.results.lock().unwrap();
        results.retain(|_, r| r.created.elapsed() < QUEUE_IDLE_TIMEOUT);
        if results.len() >= self.max_entries {
            // Full: make room by dropping the oldest finished result nobody has read (a
            // client that never reads must not lock others out); refuse if all still run.
            let oldest_finished = results
                .iter()
                .filter(|(_, r)| r.result.borrow().is_some())
                .min_by_key(|(_, r)| r.created)
                .map(|(id, _)| id.clone());
            results.remove(&oldest_finished.ok_or(Refusal::Full)?);
        }
        results.insert(event_id.to_owned(), UnreadResult { result, created: Instant::now() });
        Ok(sender)
    }

    /// Takes REST call `event_id`'s place out if nobody has come for its result; returns
    /// whether it did (the call then stops).
    pub(super) fn give_up_unclaimed(&self, event_id: &str) -> bool {
        self.results.lock().unwrap().remove(event_id).is_some()
    }

    /// Waits for the answers of REST call `event_id`; they are read once.
    pub(super) async fn result(&self, event_id: &str) -> Result<Vec<Finished>, Refusal> {
        let unread = self.results.lock().unwrap().remove(event_id).ok_or(Refusal::UnknownEvent)?;
        let mut result = unread.result;
        let answers = match result.wait_for(Option::is_some).await {
            Ok(answers) => answers.clone().expect("waited for Some"),
            Err(_) => vec![Err(CallError::Panicked.to_string())],
        };
        Ok(answers)
    }
}
