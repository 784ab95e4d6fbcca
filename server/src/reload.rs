//! Reload on save, for development (`Registry::reload`, `RHEO_RELOAD`; run under a watcher:
//! `RHEO_RELOAD=1 cargo watch -x run`). Each start of the server has an id, which every page carries (the app's `ReloadId`, in
//! a `<meta>`) and which [`RELOAD_ROUTE`](rheo_shared::protocol::RELOAD_ROUTE) sends as the
//! first event of a stream that stays open while the server runs. When the author saves, the
//! watcher rebuilds the app and restarts it: the stream drops, the browser's `EventSource`
//! reconnects (every 250 ms, as the stream asks), hears another id, and the page reloads
//! itself, keeping what was typed (`app/src/page/reload.rs`).

use std::{convert::Infallible, sync::Arc, time::Duration};

use axum::{
    extract::State,
    response::sse::{Event, KeepAlive, Sse},
};
use futures::{stream, Stream, StreamExt};

use crate::transports::Interfaces;

/// This start of the server, as pages see it.
pub(crate) struct Reload {
    pub(crate) id: String,
    /// Whose `stopping` ends the streams, so that a restart does not wait for them.
    interfaces: Arc<Interfaces>,
}

impl Reload {
    pub(crate) fn new(interfaces: Arc<Interfaces>) -> Self {
        Reload { id: uuid::Uuid::new_v4().simple().to_string(), interfaces }
    }
}

/// How soon a page's `EventSource` tries again once the server is gone.
const RETRY: Duration = Duration::from_millis(250);

/// The start's id, then nothing (keep-alive comments) until the server stops.
pub(crate) async fn events(State(reload): State<Arc<Reload>>) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let first = Event::default().retry(RETRY).data(reload.id.clone());
    let until_stopping = stream::once(reload.interfaces.stopping()).filter_map(|()| async { None });
    Sse::new(stream::once(async { Ok(first) }).chain(until_stopping)).keep_alive(KeepAlive::default())
}
