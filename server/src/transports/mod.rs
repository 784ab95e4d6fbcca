//! The transports, side by side, each a thin layer over the engine: Rheo's own JSON API
//! ([`rheo`]), Gradio's queue and REST API ([`gradio`]) and the stream socket ([`stream`]).
//! They find an interface one way ([`Interfaces::find`], one 404) and map a failure to a
//! status one way ([`Failure::status`]); each writes the error body its clients read.

pub(crate) mod gradio;
#[cfg(feature = "mcp")]
pub(crate) mod mcp;
pub(crate) mod rheo;
pub(crate) mod stream;

use std::{
    collections::HashMap,
    hash::Hash,
    net::IpAddr,
    sync::{Arc, Mutex},
};

use axum::{extract::rejection::JsonRejection, http::StatusCode, Json};
use futures::Stream;
use rheo_shared::{protocol::MAX_SESSION_BYTES, Value};
use tokio::sync::{mpsc, watch};

use crate::{
    engine::{
        codec::FileOutputs,
        events::{CallEvent, Reporter},
        files::FileStore,
        media::DecodeBudget,
        CallError, Checked, DeclaredApp, Mounted, MountedApp,
    },
    flagging::{FlagError, Flagger},
    limits::Limits,
    settings::Resolved,
    site::network_of,
    store::{Backend, StoreError},
};

/// The path of the MCP endpoint (the `mcp` feature), under the root path.
pub(crate) const MCP_ROUTE: &str = "/gradio_api/mcp/";

/// The mounted apps (interfaces and Blocks), by name, and what they share: the files, the streams each client
/// has open, and the signal that the server is stopping. Built once, from the resolved
/// settings ([`Interfaces::build`]), and never reconfigured.
pub(crate) struct Interfaces {
    /// In the order they were mounted (the index lists them so).
    mounted: Vec<MountedApp>,
    /// Each one's place in `mounted`, by name.
    by_name: HashMap<String, usize>,
    pub(crate) files: Arc<FileStore>,
    pub(crate) streams_by_client: PerClient,
    /// Each client's `/run` calls in flight (`Limits::max_pending_per_client`).
    pub(crate) runs_by_client: PerClient,
    pub(crate) limits: Limits,
    /// The flags of each interface with flagging on, by name.
    flaggers: HashMap<String, Flagger>,
    stopping: watch::Receiver<bool>,
    /// Where what clients come back for is kept (see [`crate::store`]).
    pub(crate) backend: Backend,
}

impl Interfaces {
    /// Computes every eagerly cached example's answer, one after the other (before the server
    /// serves; a failure is logged and kept as that example's answer).
    pub(crate) async fn cache_examples(&self) {
        for app in &self.mounted {
            app.cache_examples(&self.files).await;
        }
    }

    /// The composition root: builds the declared interfaces into the parts the server runs,
    /// under the resolved `settings` (the file store with its bounds, each interface's limits
    /// and backend, its example files pinned, its flags under the flagging directory, one that
    /// cannot be written logged now). `stopping` turns true when the server starts to stop
    /// (its sender dropped: never).
    pub(crate) fn build(
        declared: Vec<DeclaredApp>,
        settings: &Resolved,
        stopping: watch::Receiver<bool>,
    ) -> std::io::Result<Self> {
        let (limits, backend) = (settings.limits, settings.backend.clone());
        let files = Arc::new(
            FileStore::new(limits.max_stored_files, limits.max_stored_bytes)?
                .mirrored_by(&backend)
                .bounding_values((&limits).into()),
        );
        let decoding = DecodeBudget::new(limits.max_decoding_bytes);
        let mounted = declared
            .into_iter()
            .map(|declared| declared.build(&limits, &files, &decoding, &backend))
            .collect::<std::io::Result<Vec<_>>>()?;
        let flaggers: HashMap<String, Flagger> = mounted
            .iter()
            .filter_map(|app| {
                let spec = app.flagged()?.spec();
                let flagger = Flagger::new(spec, &settings.flagging_dir, limits.max_flagged_bytes)?;
                Some((spec.name.clone(), flagger))
            })
            .collect();
        for (name, flagger) in &flaggers {
            if let Err(e) = flagger.check_writable() {
                tracing::error!("/{name}: flags cannot be saved, the flagging directory is not writable: {e}");
            }
        }
        let by_name = mounted.iter().enumerate().map(|(place, app)| (app.name().to_owned(), place)).collect();
        let (streams_by_client, runs_by_client) = (PerClient::default(), PerClient::default());
        Ok(Interfaces {
            mounted,
            by_name,
            files,
            streams_by_client,
            runs_by_client,
            limits,
            flaggers,
            stopping,
            backend,
        })
    }

    /// The flags of the interface mounted at `/<name>`, if its flagging is on.
    pub(crate) fn flagger(&self, name: &str) -> Result<&Flagger, Failure> {
        self.find(name)?;
        self.flaggers.get(name).ok_or(Failure::Flag(FlagError::Off))
    }

    /// Completes when the server starts to stop, so that streams and generators can say so.
    pub(crate) fn stopping(&self) -> impl std::future::Future<Output = ()> + Send + 'static {
        let mut stopping = self.stopping.clone();
        async move {
            if stopping.wait_for(|stopping| *stopping).await.is_err() {
                std::future::pending::<()>().await;
            }
        }
    }

    /// The app mounted at `/<name>`.
    pub(crate) fn find(&self, name: &str) -> Result<&MountedApp, Failure> {
        self.by_name.get(name).map(|&place| &self.mounted[place]).ok_or_else(|| Failure::NoInterface(name.to_owned()))
    }

    /// Every app, in the order they were mounted.
    pub(crate) fn all(&self) -> impl Iterator<Item = &MountedApp> {
        self.mounted.iter()
    }

    /// A JSON body, or why it could not be read (saying the size limit when it was too large).
    pub(crate) fn read<T>(&self, body: Result<Json<T>, JsonRejection>) -> Result<T, Failure> {
        body.map(|Json(value)| value).map_err(|rejection| {
            let message = match rejection.status() {
                StatusCode::PAYLOAD_TOO_LARGE => {
                    format!("the request is too large: the limit is {} KiB", self.limits.max_request_bytes / 1024)
                }
                _ => rejection.body_text(),
            };
            Failure::Unreadable(rejection.status(), message)
        })
    }
}

/// How many things each key holds (a client's open streams, a session's readers…), refusing
/// one past a limit, so that one cannot take what everyone shares; a `None` key is not counted.
pub(crate) struct Counts<K>(Arc<Mutex<HashMap<K, usize>>>);

impl<K> Clone for Counts<K> {
    fn clone(&self) -> Self {
        Counts(self.0.clone())
    }
}

impl<K> Default for Counts<K> {
    fn default() -> Self {
        Counts(Arc::default())
    }
}

impl<K: Hash + Eq + Clone> Counts<K> {
    /// One more for `key`, held until the ticket is dropped; `None` at the limit.
    pub(crate) fn take(&self, key: Option<K>, limit: usize) -> Option<Ticket<K>> {
        if let Some(key) = &key {
            let mut counts = self.0.lock().unwrap_or_else(|e| e.into_inner());
            let count = counts.entry(key.clone()).or_insert(0);
            if *count >= limit {
                return None;
            }
            *count += 1;
        }
        Some(Ticket { owner: self.clone(), key })
    }
}

/// One thing a key holds (see [`Counts`]); dropping it gives it back.
pub(crate) struct Ticket<K: Hash + Eq> {
    owner: Counts<K>,
    key: Option<K>,
}

impl<K: Hash + Eq> Drop for Ticket<K> {
    fn drop(&mut self) {
        let Some(key) = &self.key else { return };
        let mut counts = self.owner.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(count) = counts.get_mut(key) {
            *count -= 1;
            if *count == 0 {
                counts.remove(key);
            }
        }
    }
}

/// [`Counts`] of what each client has (connections, open streams, calls in flight), a client
/// being its network ([`network_of`]: an IPv6 /64, else its IPv4 address) of the address a
/// trusted proxy forwarded; a request with no known address (served in-process) is not
/// counted.
#[derive(Clone, Default)]
pub(crate) struct PerClient(Counts<IpAddr>);

/// One thing a client holds (see [`PerClient`]).
pub(crate) type ClientTicket = Ticket<IpAddr>;

impl PerClient {
    /// One more for `client`, held until the ticket is dropped; `None` at the limit.
    pub(crate) fn take(&self, client: Option<IpAddr>, limit: usize) -> Option<ClientTicket> {
        self.0.take(client.map(network_of), limit)
    }
}

/// Why a request failed, whatever the transport.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Failure {
    #[error("there is no interface named {0:?}")]
    NoInterface(String),
    #[error("there is no endpoint named {0:?}")]
    NoEndpoint(String),
    #[error("there is no endpoint with index {0}")]
    NoEndpointAt(usize),
    #[error("{0:?} has no streaming input at fn_index {1}")]
    NoStream(String, usize),
    #[error("the interface has as many streams open as it takes ({0}); try again shortly")]
    StreamsFull(usize),
    #[error("you have {0} streams open already; close one first")]
    TooManyStreams(usize),
    #[error("you have {0} calls running or waiting already; wait for one to end")]
    TooManyCalls(usize),
    #[error("the session id is {0} bytes long; the limit is {MAX_SESSION_BYTES}")]
    SessionTooLong(usize),
    /// A body that could not be read (malformed, too large): its status and why.
    #[error("{1}")]
    Unreadable(StatusCode, String),
    #[error("{0}")]
    Call(#[from] CallError),
    #[error("{0}")]
    Flag(#[from] FlagError),
}

impl Failure {
    /// The one mapping of failures to HTTP statuses.
    pub(crate) fn status(&self) -> StatusCode {
        match self {
            Failure::NoInterface(_) | Failure::NoEndpoint(_) | Failure::NoEndpointAt(_) => StatusCode::NOT_FOUND,
            Failure::NoStream(..) => StatusCode::BAD_REQUEST,
            Failure::StreamsFull(_) => StatusCode::SERVICE_UNAVAILABLE,
            Failure::TooManyStreams(_) | Failure::TooManyCalls(_) => StatusCode::TOO_MANY_REQUESTS,
            Failure::SessionTooLong(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Failure::Unreadable(status, _) => *status,
            Failure::Call(
                CallError::InvalidInput { .. } | CallError::Handler(_) | CallError::NoValue | CallError::NotFinite(_),
            ) => StatusCode::UNPROCESSABLE_ENTITY,
            Failure::Call(CallError::InvalidOutput(_) | CallError::Panicked) => StatusCode::INTERNAL_SERVER_ERROR,
            Failure::Call(CallError::Busy | CallError::ShuttingDown | CallError::Store(StoreError::Unavailable(_))) => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            Failure::Call(CallError::Store(StoreError::FileTooLarge { .. })) => StatusCode::INTERNAL_SERVER_ERROR,
            Failure::Call(CallError::TimedOut(_)) => StatusCode::GATEWAY_TIMEOUT,
            Failure::Flag(FlagError::Off) => StatusCode::NOT_FOUND,
            Failure::Flag(FlagError::Invalid(_)) => StatusCode::UNPROCESSABLE_ENTITY,
            Failure::Flag(FlagError::Full(_)) => StatusCode::INSUFFICIENT_STORAGE,
            Failure::Flag(FlagError::Io(_)) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// Refuses a session id longer than [`MAX_SESSION_BYTES`]: every transport checks the ids it
/// is given before it keeps or looks up anything by them.
pub(crate) fn check_session(session: &str) -> Result<(), Failure> {
    if session.len() > MAX_SESSION_BYTES {
        Err(Failure::SessionTooLong(session.len()))
    } else {
        Ok(())
    }
}

/// A call's answers as wire values, media stored as files (the JSON transports' form) held by
/// `client`, each file's URL made by `locate` from its path on the server. It owns what it needs, so that a
/// response body or a queue's task can carry it.
pub(crate) fn json_answers(
    interfaces: Arc<Interfaces>,
    interface: Arc<Mounted>,
    client: Option<IpAddr>,
    session: Option<String>,
    checked: Checked,
    reporter: Option<Reporter>,
    locate: impl Fn(&str) -> String + Send + 'static,
) -> impl Stream<Item = Result<Vec<Value>, CallError>> + Send + 'static {
    let interface_is_generator = interface.spec().generator;
    let locate_files = move |mut outputs: Vec<Value>| {
        for file in outputs.iter_mut().flat_map(Value::files_mut) {
            file.url = file.url.as_deref().map(&locate);
        }
        outputs
    };
    let stopping = interfaces.stopping();
    let answers = async_stream::stream! {
        if let Some(kept) = interface.cached_answer(&interfaces.files, &checked).await {
            yield kept.map(&locate_files);
            return;
        }
        let spec = interface.spec();
        let mut outputs = FileOutputs::new(&spec.name, &interfaces.files, client, spec.generator, &spec.outputs);
        for await answer in interface.call(&interfaces.files, client, session, checked, reporter) {
            let encoded = match answer {
                Ok(payloads) => outputs.encode(payloads).await.map(&locate_files),
                Err(e) => Err(e),
            };
            let failed = encoded.is_err();
            yield encoded;
            if failed {
                return;
            }
        }
        match outputs.finish().await {
            Ok(Some(joined)) => yield Ok(locate_files(joined)),
            Ok(None) => {}
            Err(e) => yield Err(e),
        }
    };
    // A generator may run for minutes: when the server stops, it ends with a word to its
    // reader; a single answer is let finish (the server drains open requests a while).
    until_stopping(answers, interface_is_generator.then_some(stopping))
}

/// One thing a transport passes on for a call: something the call reported, or an answer.
pub(crate) enum Step {
    Event(CallEvent),
    Answer(Result<Vec<Value>, CallError>),
}

/// `answers` with the call's `events` between them: an event that is ready goes before an
/// answer that is (a handler reports before it answers), and the events still waiting when
/// the answers end go last.
pub(crate) fn with_events(
    answers: impl Stream<Item = Result<Vec<Value>, CallError>> + Send + 'static,
    mut events: mpsc::Receiver<CallEvent>,
) -> impl Stream<Item = Step> + Send + 'static {
    async_stream::stream! {
        let mut answers = std::pin::pin!(answers);
        loop {
            tokio::select! {
                biased;
                Some(event) = events.recv() => yield Step::Event(event),
                answer = futures::StreamExt::next(&mut answers) => match answer {
                    Some(answer) => yield Step::Answer(answer),
                    None => break,
                },
            }
        }
        while let Ok(event) = events.try_recv() {
            yield Step::Event(event);
        }
    }
}

/// `answers`, ended by an error saying so when `stopping` (if any) completes first.
fn until_stopping<T: Send + 'static>(
    answers: impl Stream<Item = Result<T, CallError>> + Send + 'static,
    stopping: Option<impl std::future::Future<Output = ()> + Send + 'static>,
) -> impl Stream<Item = Result<T, CallError>> + Send + 'static {
    async_stream::stream! {
        let mut answers = std::pin::pin!(answers);
        let mut stopping = std::pin::pin!(async move {
            match stopping {
                Some(stopping) => stopping.await,
                None => std::future::pending().await,
            }
        });
        loop {
            tokio::select! {
                biased;
                answer = futures::StreamExt::next(&mut answers) => match answer {
                    Some(answer) => yield answer,
                    None => return,
                },
                () = &mut stopping => {
                    yield Err(CallError::ShuttingDown);
                    return;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use futures::StreamExt;

    use super::*;

    #[tokio::test]
    async fn a_generator_running_when_the_server_stops_ends_with_a_word_to_its_reader() {
        let (stop, stopping) = tokio::sync::oneshot::channel::<()>();
        let endless = futures::stream::iter(0..).then(|i| async move {
            tokio::task::yield_now().await;
            Ok::<_, CallError>(i)
        });
        let answers = until_stopping(endless, Some(async move { stopping.await.unwrap_or(()) }));
        let mut answers = std::pin::pin!(answers);
        assert_eq!(answers.next().await.map(|a| a.ok()), Some(Some(0)));
        stop.send(()).unwrap();
        let rest: Vec<_> = answers.collect().await;
        assert!(matches!(rest.last(), Some(Err(CallError::ShuttingDown))), "ends with the notice");
        let finite = futures::stream::iter([Ok::<_, CallError>(1), Ok(2)]);
        let all: Vec<_> = until_stopping(finite, None::<std::future::Pending<()>>).collect().await;
        assert_eq!(all.len(), 2, "without a stop, the answers as they are");
    }

    #[test]
    fn a_client_is_counted_by_its_network_an_ipv6_64_or_an_ipv4_address() {
        let clients = PerClient::default();
        let address = |text: &str| Some(text.parse::<IpAddr>().unwrap());
        let first = clients.take(address("2001:db8:1:2::1"), 2).unwrap();
        let _second = clients.take(address("2001:db8:1:2:ffff::9"), 2).unwrap();
        assert!(clients.take(address("2001:db8:1:2::77"), 2).is_none(), "the same /64 is one client");
        assert!(clients.take(address("2001:db8:1:3::1"), 2).is_some(), "another /64 is another");
        let _v4 = clients.take(address("192.0.2.7"), 1).unwrap();
        assert!(clients.take(address("::ffff:192.0.2.7"), 1).is_none(), "IPv4-mapped is its IPv4 address");
        assert!(clients.take(address("192.0.2.8"), 1).is_some());
        drop(first);
        assert!(clients.take(address("2001:db8:1:2::77"), 2).is_some(), "a place given back is free again");
        assert!(clients.take(None, 0).is_some(), "an unknown address is not counted");
    }
}
