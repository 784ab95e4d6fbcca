//! Gradio's queue, as its clients use it: `queue/join` starts a call and answers an event id;
//! `queue/data` is one server-sent-events stream per session that carries every event's
//! messages (`QueueMessage`) and ends with `close_stream` once nothing is pending.
//! `call/<api_name>` is the two-step REST form: start a call, then read its one result.
//!
//! This module is the policy, the same whatever keeps the sessions: what a call sends and
//! when, per-client bounds, when a reader's stream closes. The sessions' messages and the REST
//! results are kept by one of two backends, chosen once ([`Kept`]): in this process
//! ([`memory`]: sessions and unread results bounded per interface by the server's
//! `Limits::max_sessions`, the idle swept after [`QUEUE_IDLE_TIMEOUT`]), or in the store the
//! replicas share ([`shared`]: the reader may be on any replica, entries are bounded by their
//! expiry and Redis' `maxmemory`, and a session may have several readers, each message going
//! to one).
//!
//! Everything is bounded: pending events per session and per client, messages waiting per
//! session, and time. A call never waits long on its reader: one whose messages nobody reads
//! for [`READER_WAIT`] is stopped, freeing its slot, as is a REST call whose result nobody has
//! come for by then; and a session whose events nobody reads makes room in a full table.

mod memory;
#[cfg(feature = "redis")]
mod shared;

use std::{net::IpAddr, sync::Arc, time::Duration};

use futures::{stream, Stream, StreamExt};
use rheo_shared::{protocol::gradio::QueueMessage, Value};
use tokio::sync::{mpsc, OwnedMutexGuard};

use crate::{
    engine::{events::CallEvent, CallError},
    store::{Backend, StoreError},
    transports::{Counts, PerClient, Step, Ticket},
};
use memory::InMemory;
#[cfg(feature = "redis")]
use shared::{Outbox, Read, SharedQueue, SharedReader};

/// How long an idle session, or an unread result, is kept. Fixed: their number is bounded by
/// `Limits::max_sessions`, the one idle longest going first; the time only says when an
/// abandoned one goes anyway, well after any client would read it.
pub(crate) const QUEUE_IDLE_TIMEOUT: Duration = Duration::from_secs(600);
/// Readers (`queue/data` streams) one session may have open at once on a replica: a client
/// reads with one, and a second may overlap it while the first reconnects. Fixed: past it,
/// a session's readers only cost connections (each a Redis connection with a shared store).
pub(crate) const MAX_READERS_PER_SESSION: usize = 4;
/// Messages that may wait for a session's reader before the producing call waits. Fixed: it
/// is back-pressure on one call, not a capacity anyone would raise.
pub(crate) const SESSION_BUFFER: usize = 64;
/// How long a call waits for its reader to make room in a full buffer before it is stopped.
/// Fixed: a reader that reads nothing for this long (heartbeats arrive every 15 s) is gone.
pub(crate) const READER_WAIT: Duration = Duration::from_secs(10);
/// Events one session may have pending (joined, not yet delivered). Fixed: the bound that
/// keeps one client from taking a queue is `Limits::max_pending_per_client`; this one only
/// keeps a single session's stream short.
pub(crate) const MAX_PENDING_PER_SESSION: usize = 32;

/// A stream with nothing to say sends a heartbeat this often, so proxies keep it open. Fixed:
/// Gradio's own interval, under nginx's default 60 s read timeout.
pub(crate) const HEARTBEAT_EVERY: Duration = Duration::from_secs(15);
/// How long a session's stream stays open after its last pending event completed, for a join
/// that follows at once: `gradio_client` submitting jobs from several threads registered a
/// job on a stream that was closing, and the job was cancelled (1 run in ~80 of the test
/// command, on a busy machine).
const CLOSE_GRACE: Duration = Duration::from_millis(500);

/// One answer of a call: its outputs (a generator has several), or why it failed.
pub(crate) type Answer = Result<Vec<Value>, CallError>;

/// An answer as a REST result keeps it for its reader: the error as its message.
pub(crate) type Finished = Result<Vec<Value>, String>;

/// A generator's answers a REST result keeps for its reader at most; past this the oldest
/// intermediate ones are dropped (the last is always kept). Fixed: dropping only costs a slow
/// reader intermediate values, and each is already bounded in size.
const MAX_KEPT_ANSWERS: usize = 256;

/// Why the queue turned a request away.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Refusal {
    Full,
    /// The session or the client has as many events pending as it may.
    TooMany,
    /// The session has as many readers open as it may ([`MAX_READERS_PER_SESSION`]).
    TooManyReaders,
    UnknownSession,
    UnknownEvent,
    /// The shared store is unavailable.
    Store(StoreError),
}

impl From<StoreError> for Refusal {
    fn from(error: StoreError) -> Self {
        Refusal::Store(error)
    }
}

/// Where a call's messages go: its session's channel, or its session's stream in the store.
enum Mailbox {
    Memory(mpsc::Sender<QueueMessage>),
    #[cfg(feature = "redis")]
    Shared(Outbox),
}

impl Mailbox {
    /// Ends when the session is gone (in memory: dropped to make room); never with a shared
    /// store, whose sessions expire.
    async fn gone(&self) {
        match self {
            Mailbox::Memory(sender) => sender.closed().await,
            #[cfg(feature = "redis")]
            Mailbox::Shared(_) => std::future::pending().await,
        }
    }

    /// Sends a message to the session's reader, waiting [`READER_WAIT`] at most for room.
    async fn deliver(&self, message: QueueMessage) -> bool {
        match self {
            Mailbox::Memory(sender) => {
                matches!(tokio::time::timeout(READER_WAIT, sender.send(message)).await, Ok(Ok(())))
            }
            #[cfg(feature = "redis")]
            Mailbox::Shared(outbox) => outbox.deliver(&message).await,
        }
    }
}

/// The queue of one interface.
#[derive(Clone)]
pub(crate) struct Queue {
    clients: PerClient,
    /// Each session's open readers.
    readers: Counts<String>,
    /// Events (joins and REST calls) one client may have pending across sessions.
    max_pending_per_client: usize,
    /// Where the sessions' messages and the results are kept.
    kept: Kept,
}

/// The sessions' messages and the REST results: in this process, or in the store the
/// replicas share.
#[derive(Clone)]
enum Kept {
    Memory(Arc<InMemory>),
    #[cfg(feature = "redis")]
    Shared(SharedQueue),
}

impl Queue {
    /// The queue of interface `name`, whose messages and results `backend` keeps.
    pub(crate) fn new(max_pending_per_client: usize, max_entries: usize, backend: &Backend, name: &str) -> Self {
        let kept = match backend {
            Backend::Memory => Kept::Memory(Arc::new(InMemory::new(max_entries))),
            #[cfg(feature = "redis")]
            Backend::Redis(store) => Kept::Shared(SharedQueue::new(store.clone(), name)),
        };
        #[cfg(not(feature = "redis"))]
        let _ = name;
        Queue { clients: PerClient::default(), readers: Counts::default(), max_pending_per_client, kept }
    }

    /// Starts a call for a session of `client`; its messages go to the session's stream:
    /// `estimation` (its place in line), `process_starts`, `progress` and `log` as the handler
    /// reports, a generator's answers as `process_generating` messages as they come (the first
    /// whole, the next as diffs, as Gradio's sse_v3 does), and its last again in
    /// `process_completed`. If the session's reader falls behind for [`READER_WAIT`], or the
    /// session expires, the call stops.
    pub(crate) async fn join(
        &self,
        session_hash: &str,
        client: Option<IpAddr>,
        generator: bool,
        steps: impl Stream<Item = Step> + Send + 'static,
    ) -> Result<String, Refusal> {
        let ticket = self.clients.take(client, self.max_pending_per_client).ok_or(Refusal::TooMany)?;
        let event_id = new_event_id();
        let mailbox = match &self.kept {
            Kept::Memory(memory) => Mailbox::Memory(memory.enter(session_hash)?),
            #[cfg(feature = "redis")]
            Kept::Shared(shared) => Mailbox::Shared(shared.enter(session_hash, &event_id).await?),
        };
        let event = event_id.clone();
        tokio::spawn(async move {
            let _ticket = ticket;
            // A call whose session is gone (made room for another) stops wherever it is,
            // waiting in line or running: nobody will read it.
            tokio::select! {
                () = Self::deliver_call(&mailbox, &event, generator, steps) => {}
                () = mailbox.gone() => {}
            }
        });
        Ok(event_id)
    }

    /// Runs a joined call, delivering its messages to its session.
    async fn deliver_call(mailbox: &Mailbox, event: &str, generator: bool, steps: impl Stream<Item = Step>) {
        {
            let deliver = |message: QueueMessage| mailbox.deliver(message);
            let mut steps = Box::pin(steps);
            let mut last = None;
            let (mut estimated, mut started) = (false, false);
            let outcome = loop {
                let message = match steps.next().await {
                    None => break last.ok_or(CallError::NoValue),
                    Some(Step::Answer(Err(error))) => break Err(error),
                    Some(Step::Answer(Ok(data))) if generator => {
                        let message = QueueMessage::generating(event, &data, last.as_deref());
                        last = Some(data);
                        message
                    }
                    Some(Step::Answer(Ok(data))) => {
                        last = Some(data);
                        continue;
                    }
                    Some(Step::Event(CallEvent::Started)) => {
                        // Gradio tells every joined call its rank, 0 when it starts at once.
                        if !estimated
                            && !deliver(QueueMessage::reported(event, &CallEvent::Waiting { ahead: 0, eta: None }))
                                .await
                        {
                            return;
                        }
                        started = true;
                        QueueMessage::reported(event, &CallEvent::Started)
                    }
                    Some(Step::Event(other)) => {
                        estimated |= matches!(other, CallEvent::Waiting { .. });
                        QueueMessage::reported(event, &other)
                    }
                };
                // A generator waits here for its reader, READER_WAIT at most.
                if !deliver(message).await {
                    return;
                }
            };
            // The call's slot goes with its stream: free it before waiting on the reader.
            drop(steps);
            if !started && !deliver(QueueMessage::reported(event, &CallEvent::Started)).await {
                return;
            }
            deliver(QueueMessage::completed(event, outcome.map_err(|e| e.to_string()))).await;
        }
    }

    /// Drops idle sessions and unread results past [`QUEUE_IDLE_TIMEOUT`] (in memory; the
    /// store expires its own). A reader of a dropped session gets `close_stream` once its
    /// running calls end.
    pub(crate) fn sweep(&self) {
        match &self.kept {
            Kept::Memory(memory) => memory.sweep(),
            #[cfg(feature = "redis")]
            Kept::Shared(_) => {}
        }
    }

    /// The session's messages as they come; ends with `close_stream` after the completion of
    /// its last pending event. One reader at a time per session in memory (the others wait);
    /// with a shared store, each message goes to one of the session's readers. At most
    /// [`MAX_READERS_PER_SESSION`] readers, reading or waiting.
    pub(crate) async fn stream(&self, session_hash: &str) -> Result<impl Stream<Item = QueueMessage> + use<>, Refusal> {
        let ticket =
            self.readers.take(Some(session_hash.to_owned()), MAX_READERS_PER_SESSION).ok_or(Refusal::TooManyReaders)?;
        let source = match &self.kept {
            #[cfg(feature = "redis")]
            Kept::Shared(shared) => Source::Shared(Box::new(shared.reader(session_hash).await?)),
            Kept::Memory(memory) => Source::Memory {
                receiver: memory.receiver(session_hash)?.lock_owned().await,
                memory: memory.clone(),
                session: session_hash.to_string(),
            },
        };
        Ok(stream::unfold(Reader { source, state: ReaderState::Open, _ticket: ticket }, Reader::next))
    }

    /// Starts a call of `client` whose answers are read once with [`Queue::result`].
    pub(crate) async fn call(
        &self,
        client: Option<IpAddr>,
        answers: impl Stream<Item = Answer> + Send + 'static,
    ) -> Result<String, Refusal> {
        let ticket = self.clients.take(client, self.max_pending_per_client).ok_or(Refusal::TooMany)?;
        let event_id = new_event_id();
        match &self.kept {
            Kept::Memory(memory) => {
                let sender = memory.start_call(&event_id)?;
                let (memory, event) = (memory.clone(), event_id.clone());
                tokio::spawn(async move {
                    let _ticket = ticket;
                    let unclaimed = unclaimed_after_wait(async move { Ok(memory.give_up_unclaimed(&event)) });
                    tokio::select! {
                        answers = kept_answers(answers) => {
                            let _ = sender.send(Some(answers));
                        }
                        () = unclaimed => {}
                    }
                });
            }
            #[cfg(feature = "redis")]
            Kept::Shared(shared) => {
                let alive = shared.start_call(&event_id).await?;
                let (shared, event) = (shared.clone(), event_id.clone());
                tokio::spawn(async move {
                    let (_ticket, _alive) = (ticket, alive);
                    let (unclaiming, event_id) = (shared.clone(), event.clone());
                    let unclaimed = unclaimed_after_wait(async move { unclaiming.give_up_unclaimed(&event_id).await });
                    tokio::select! {
                        answers = kept_answers(answers) => {
                            if let Err(e) = shared.finish_call(&event, &answers).await {
                                tracing::warn!("a REST call's result was lost: {e}");
                            }
                        }
                        () = unclaimed => {}
                    }
                });
            }
        }
        Ok(event_id)
    }

    /// Waits for the answers of a call started with [`Queue::call`]; they are read once.
    pub(crate) async fn result(&self, event_id: &str) -> Result<Vec<Finished>, Refusal> {
        match &self.kept {
            Kept::Memory(memory) => memory.result(event_id).await,
            #[cfg(feature = "redis")]
            Kept::Shared(shared) => shared.result(event_id).await,
        }
    }
}

/// Ends once a REST call's result has gone [`READER_WAIT`] without a reader coming for it
/// (`give_up` takes its place out, true if nobody had): a client that never reads must not
/// hold places in the waiting line. Never ends if the reader came in time (or the store could
/// not say: the call then runs on).
async fn unclaimed_after_wait(give_up: impl std::future::Future<Output = Result<bool, StoreError>>) {
    tokio::time::sleep(READER_WAIT).await;
    match give_up.await {
        Ok(true) => return,
        Ok(false) => {}
        Err(e) => tracing::warn!("a REST call runs on, whether its result is read unknown: {e}"),
    }
    std::future::pending::<()>().await
}

/// A REST call's answers as its result keeps them: at most [`MAX_KEPT_ANSWERS`], the last
/// always among them.
async fn kept_answers(answers: impl Stream<Item = Answer>) -> Vec<Finished> {
    let mut kept = std::collections::VecDeque::new();
    futures::pin_mut!(answers);
    while let Some(answer) = answers.next().await {
        if kept.len() == MAX_KEPT_ANSWERS {
            kept.pop_front();
        }
        kept.push_back(answer.map_err(|e| e.to_string()));
    }
    kept.into()
}

struct Reader {
    /// Its place among its session's readers.
    _ticket: Ticket<String>,
    source: Source,
    state: ReaderState,
}

/// Where a reader's messages come from.
enum Source {
    Memory {
        memory: Arc<InMemory>,
        session: String,
        receiver: OwnedMutexGuard<mpsc::Receiver<QueueMessage>>,
    },
    #[cfg(feature = "redis")]
    Shared(Box<SharedReader>),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum ReaderState {
    Open,
    /// The last pending event completed: `close_stream` comes next, unless another event's
    /// message comes within [`CLOSE_GRACE`].
    Closing,
    Closed,
}

impl Reader {
    async fn next(mut self) -> Option<(QueueMessage, Self)> {
        let message = match self.state {
            ReaderState::Closed => return None,
            ReaderState::Closing => match &mut self.source {
                Source::Memory { memory, session, receiver } => {
                    match tokio::time::timeout(CLOSE_GRACE, receiver.recv()).await {
                        Ok(Some(message)) => {
                            self.state = ReaderState::Open;
                            delivered(memory, session, &mut self.state, message)
                        }
                        Err(_) | Ok(None) => {
                            self.state = ReaderState::Closed;
                            QueueMessage::close_stream()
                        }
                    }
                }
                #[cfg(feature = "redis")]
                Source::Shared(_) => {
                    self.state = ReaderState::Closed;
                    QueueMessage::close_stream()
                }
            },
            ReaderState::Open => match &mut self.source {
                Source::Memory { memory, session, receiver } => {
                    match tokio::time::timeout(HEARTBEAT_EVERY, receiver.recv()).await {
                        // A heartbeat keeps proxies from closing the stream, not the session
                        // alive: a reader with nothing pending is closed once the session expires.
                        Err(_) => QueueMessage::Heartbeat,
                        Ok(Some(message)) => delivered(memory, session, &mut self.state, message),
                        Ok(None) => {
                            self.state = ReaderState::Closed;
                            QueueMessage::close_stream()
                        }
                    }
                }
                #[cfg(feature = "redis")]
                Source::Shared(reader) => match reader.next().await {
                    Ok(Read::Message(message)) => message,
                    Ok(Read::Idle) => QueueMessage::Heartbeat,
                    Ok(Read::Last(message)) => {
                        self.state = ReaderState::Closing;
                        message
                    }
                    Ok(Read::Gone) => {
                        self.state = ReaderState::Closed;
                        QueueMessage::close_stream()
                    }
                    Err(e) => {
                        // Said as Gradio says a failure of the queue's own; the client may join
                        // again once Redis is back.
                        tracing::warn!("a queue reader stopped: {e}");
                        self.state = ReaderState::Closed;
                        QueueMessage::UnexpectedError { message: e.to_string(), success: false }
                    }
                },
            },
        };
        Some((message, self))
    }
}

/// `message`, read from the session's messages in memory, as it is delivered. As in Gradio, an
/// event stops being pending when its completion is delivered; a join that comes before then
/// keeps the stream open.
fn delivered(memory: &InMemory, session: &str, state: &mut ReaderState, message: QueueMessage) -> QueueMessage {
    let completed = message.completes().is_some();
    if memory.touch(session, completed) == 0 && completed {
        *state = ReaderState::Closing;
    }
    message
}

fn new_event_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value as Json};

    use super::*;

    const MAX_PENDING_PER_CLIENT: usize = 64;
    const MAX_ENTRIES: usize = 256;

    /// A session's messages as its stream writes them.
    async fn as_json(messages: impl Stream<Item = QueueMessage>) -> Vec<Json> {
        messages.map(|message| serde_json::to_value(message).unwrap()).collect().await
    }

    /// A call's steps as the engine makes them: it starts, then answers.
    fn started(answers: impl Stream<Item = Answer> + Send + 'static) -> impl Stream<Item = Step> + Send + 'static {
        stream::once(async { Step::Event(CallEvent::Started) }).chain(answers.map(Step::Answer))
    }

    /// A call that answers `x` after `millis`.
    fn answer(x: f64, millis: u64) -> impl Stream<Item = Answer> + Send + 'static {
        stream::once(async move {
            tokio::time::sleep(Duration::from_millis(millis)).await;
            Ok(vec![Value::Number(x)])
        })
    }

    #[tokio::test(start_paused = true)]
    async fn a_full_table_drops_the_idlest_session_nobody_reads_and_its_calls() {
        // The attack run: clients joining 5,000 sessions every 3 s and never reading kept
        // every new client out while pending sessions were kept.
        let queue = Queue::new(MAX_PENDING_PER_CLIENT, MAX_ENTRIES, &Backend::Memory, "q");
        let dropped = Arc::new(std::sync::atomic::AtomicBool::new(false));
        queue.join("0", None, false, started(waiting(dropped.clone()))).await.unwrap();
        for session in 1..MAX_ENTRIES {
            tokio::time::sleep(Duration::from_millis(1)).await;
            queue.join(&session.to_string(), None, false, stream::pending::<Step>()).await.unwrap();
        }
        let mut read = Vec::new();
        for session in 1..MAX_ENTRIES {
            read.push(queue.stream(&session.to_string()).await.unwrap());
        }
        assert!(queue.join("a newcomer", None, false, stream::pending::<Step>()).await.is_ok());
        assert_eq!(queue.stream("0").await.err(), Some(Refusal::UnknownSession), "the one nobody read went");
        tokio::task::yield_now().await;
        assert!(dropped.load(std::sync::atomic::Ordering::SeqCst), "and its call stopped");
        read.push(queue.stream("a newcomer").await.unwrap());
        assert_eq!(
            queue.join("one more", None, false, stream::pending::<Step>()).await,
            Err(Refusal::Full),
            "every session is being read"
        );
        // A known session may always add events.
        assert!(queue.join("1", None, false, started(answer(1.0, 0))).await.is_ok());
    }

    #[tokio::test(start_paused = true)]
    async fn a_full_queue_makes_room_by_dropping_its_idlest_session() {
        // The attack: 4,100 quick joins filled the session table, and every new client got
        // "Queue is full" for ten minutes.
        let queue = Queue::new(MAX_PENDING_PER_CLIENT, MAX_ENTRIES, &Backend::Memory, "q");
        for session in 0..MAX_ENTRIES {
            queue.join(&session.to_string(), None, false, started(answer(1.0, 0))).await.unwrap();
            let _: Vec<QueueMessage> = queue.stream(&session.to_string()).await.unwrap().collect().await;
        }
        assert!(queue.join("a newcomer", None, false, started(answer(1.0, 0))).await.is_ok());
        assert_eq!(queue.stream("0").await.err(), Some(Refusal::UnknownSession), "the idlest made room");
        assert!(queue.stream("1").await.is_ok());
    }

    #[tokio::test(start_paused = true)]
    async fn a_rest_call_nobody_comes_for_is_stopped_and_leaves_the_line() {
        let queue = Queue::new(MAX_PENDING_PER_CLIENT, MAX_ENTRIES, &Backend::Memory, "q");
        let dropped = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let unread = queue.call(None, waiting(dropped.clone())).await.unwrap();
        tokio::time::sleep(READER_WAIT / 2).await;
        assert!(!dropped.load(std::sync::atomic::Ordering::SeqCst), "waits for its reader a while");
        tokio::time::sleep(READER_WAIT).await;
        assert!(dropped.load(std::sync::atomic::Ordering::SeqCst), "then stops");
        assert_eq!(queue.result(&unread).await, Err(Refusal::UnknownEvent));
        // One whose reader came in time runs to its end.
        let read = queue.call(None, answer(2.0, 20_000)).await.unwrap();
        let result = queue.result(&read).await.unwrap();
        assert_eq!(result.len(), 1);
    }

    /// Sets its flag when dropped.
    struct Flag(Arc<std::sync::atomic::AtomicBool>);

    impl Drop for Flag {
        fn drop(&mut self) {
            self.0.store(true, std::sync::atomic::Ordering::SeqCst);
        }
    }

    /// A call that never answers (it waits for its slot) and sets `dropped` when it is dropped.
    fn waiting(dropped: Arc<std::sync::atomic::AtomicBool>) -> impl Stream<Item = Answer> + Send {
        stream::unfold(Flag(dropped), |flag| async move {
            std::future::pending::<()>().await;
            Some((Ok(Vec::new()), flag))
        })
    }

    /// A generator of `count` answers that sets `dropped` when it is dropped (its slot freed).
    fn watched(count: usize, dropped: Arc<std::sync::atomic::AtomicBool>) -> impl Stream<Item = Answer> + Send {
        let flag = Flag(dropped);
        stream::iter(0..count).map(move |i| {
            let _ = &flag;
            Ok(vec![Value::Number(i as f64)])
        })
    }

    #[tokio::test(start_paused = true)]
    async fn a_call_nobody_reads_is_stopped_and_frees_its_slot() {
        // The attack: a generator joined with a session whose stream is never opened held its
        // slot for 10 minutes once the session's buffer was full.
        let queue = Queue::new(MAX_PENDING_PER_CLIENT, MAX_ENTRIES, &Backend::Memory, "q");
        let dropped = Arc::new(std::sync::atomic::AtomicBool::new(false));
        queue.join("unread", None, true, started(watched(1000, dropped.clone()))).await.unwrap();
        tokio::time::sleep(READER_WAIT / 2).await;
        assert!(!dropped.load(std::sync::atomic::Ordering::SeqCst), "waits for its reader a while");
        tokio::time::sleep(READER_WAIT).await;
        assert!(dropped.load(std::sync::atomic::Ordering::SeqCst), "then stops");
    }

    #[tokio::test]
    async fn pending_events_are_bounded_per_session_and_per_client() {
        let queue = Queue::new(MAX_PENDING_PER_CLIENT, MAX_ENTRIES, &Backend::Memory, "q");
        let never = || stream::pending::<Step>();
        for _ in 0..MAX_PENDING_PER_SESSION {
            queue.join("one session", None, false, never()).await.unwrap();
        }
        assert_eq!(queue.join("one session", None, false, never()).await, Err(Refusal::TooMany));
        let (client, other) = (Some("192.0.2.1".parse().unwrap()), Some("192.0.2.2".parse().unwrap()));
        for session in 0..MAX_PENDING_PER_CLIENT {
            queue.join(&format!("s{session}"), client, false, never()).await.unwrap();
        }
        assert_eq!(queue.join("another", client, false, never()).await, Err(Refusal::TooMany));
        assert_eq!(
            queue.call(client, stream::pending::<Answer>()).await,
            Err(Refusal::TooMany),
            "REST calls count too"
        );
        assert!(queue.join("another", other, false, never()).await.is_ok(), "other clients are not held up");
    }

    #[tokio::test]
    async fn a_session_has_a_few_readers_at_most_reading_or_waiting() {
        // Each waiting reader held a connection (and, with a shared store, a Redis one).
        let queue = Queue::new(MAX_PENDING_PER_CLIENT, MAX_ENTRIES, &Backend::Memory, "q");
        queue.join("s", None, false, stream::pending::<Step>()).await.unwrap();
        let reading = queue.stream("s").await.unwrap();
        let waiting: Vec<_> = (1..MAX_READERS_PER_SESSION)
            .map(|_| {
                let queue = queue.clone();
                tokio::spawn(async move { queue.stream("s").await.map(drop) })
            })
            .collect();
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert!(matches!(queue.stream("s").await, Err(Refusal::TooManyReaders)), "one more is refused");
        drop(reading);
        for reader in waiting {
            assert!(reader.await.unwrap().is_ok(), "the waiting ones read in turn");
        }
        assert!(queue.stream("s").await.is_ok(), "places given back");
    }

    #[tokio::test(start_paused = true)]
    async fn an_idle_reader_is_closed_once_its_session_expires() {
        // Heartbeats kept an idle reader's session alive for ever.
        let queue = Queue::new(MAX_PENDING_PER_CLIENT, MAX_ENTRIES, &Backend::Memory, "q");
        queue.join("s", None, false, started(answer(1.0, 0))).await.unwrap();
        let first = as_json(queue.stream("s").await.unwrap()).await;
        assert_eq!(first.last().unwrap()["msg"], "close_stream");
        let sweeper = queue.clone();
        tokio::spawn(async move {
            tokio::time::sleep(QUEUE_IDLE_TIMEOUT + Duration::from_secs(1)).await;
            sweeper.sweep();
        });
        let idle = as_json(queue.stream("s").await.unwrap()).await;
        assert!(idle.iter().rev().skip(1).all(|m| m["msg"] == "heartbeat"), "{idle:?}");
        assert_eq!(idle.last().unwrap()["msg"], "close_stream");
        assert_eq!(queue.stream("s").await.err(), Some(Refusal::UnknownSession));
    }

    #[tokio::test]
    async fn a_generator_streams_its_answers_then_completes_with_the_last() {
        let queue = Queue::new(MAX_PENDING_PER_CLIENT, MAX_ENTRIES, &Backend::Memory, "q");
        let answers = stream::iter([1.0, 2.0, 3.0].map(|x| Ok(vec![Value::Number(x)])));
        let event = queue.join("s", None, true, started(answers)).await.unwrap();
        let messages = as_json(queue.stream("s").await.unwrap()).await;
        let kinds: Vec<&str> = messages.iter().map(|m| m["msg"].as_str().unwrap()).collect();
        assert_eq!(
            kinds,
            [
                "estimation",
                "process_starts",
                "process_generating",
                "process_generating",
                "process_generating",
                "process_completed",
                "close_stream"
            ]
        );
        assert_eq!(messages[2]["output"]["data"], json!([1.0]), "the first whole");
        assert_eq!(messages[3]["output"]["data"], json!([[["replace", [], 2.0]]]), "then diffs");
        assert_eq!(messages[5]["output"]["data"], json!([3.0]));
        assert_eq!(messages[5]["event_id"], json!(event));
    }

    #[tokio::test]
    async fn a_join_just_after_the_last_completion_keeps_the_stream_open() {
        // gradio_client's threads: the second job joined as the first one's completion went
        // out, and the stream closed under it (the job was cancelled).
        let queue = Queue::new(MAX_PENDING_PER_CLIENT, MAX_ENTRIES, &Backend::Memory, "q");
        let first = queue.join("s", None, false, started(answer(1.0, 0))).await.unwrap();
        let mut stream = Box::pin(queue.stream("s").await.unwrap());
        let mut kinds = Vec::new();
        while let Some(message) = stream.next().await {
            let message = serde_json::to_value(message).unwrap();
            kinds.push(message["msg"].as_str().unwrap().to_owned());
            if message["msg"] == "process_completed" && message["event_id"] == json!(first) {
                tokio::time::sleep(CLOSE_GRACE / 5).await;
                queue.join("s", None, false, started(answer(2.0, 0))).await.unwrap();
            }
        }
        let completions = kinds.iter().filter(|k| *k == "process_completed").count();
        assert_eq!(completions, 2, "both jobs' answers on one stream: {kinds:?}");
        assert_eq!(kinds.last().map(String::as_str), Some("close_stream"));
    }

    #[tokio::test]
    async fn unread_results_make_room_for_new_calls_once_finished() {
        let queue = Queue::new(MAX_PENDING_PER_CLIENT, MAX_ENTRIES, &Backend::Memory, "q");
        let first = queue.call(None, answer(0.0, 0)).await.unwrap();
        tokio::time::sleep(Duration::from_millis(50)).await; // the first call finishes, unread
        for _ in 1..MAX_ENTRIES {
            queue.call(None, answer(1.0, 60_000)).await.unwrap(); // these keep running
        }
        queue.call(None, answer(1.0, 60_000)).await.unwrap();
        assert_eq!(
            queue.result(&first).await.err(),
            Some(Refusal::UnknownEvent),
            "the finished, unread result made room"
        );
        assert_eq!(queue.call(None, answer(1.0, 60_000)).await, Err(Refusal::Full), "all the others still run");
    }
}
