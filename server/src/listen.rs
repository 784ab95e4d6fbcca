//! Accepting connections, over TCP or TLS, bounded: at most `Limits::max_connections` open at
//! once and `Limits::max_connections_per_address` from one address (but a trusted proxy's), a client
//! that is slow to say what it wants is dropped, a connection with no request in flight for
//! `Limits::header_timeout` is closed (an HTTP/2 one too, whose pings the client answers), and a
//! request body must come steadily (`Limits::body_timeout`) and whole within
//! `Limits::body_time_limit`.
//!
//! `axum::serve` has neither TLS nor a header timeout, so this is its loop over hyper-util
//! with those added (as axum's `low-level-rustls` example does). Without them, a few
//! thousand half-sent requests held every file descriptor and the server stopped answering.

use std::{future::Future, io, net::SocketAddr, sync::Arc, time::Duration};

use axum::{
    body::Body,
    extract::{ConnectInfo, Request},
    middleware::map_request,
    Router,
};
use hyper::body::{Body as HttpBody, Frame, Incoming, SizeHint};
use hyper_util::{
    rt::{TokioExecutor, TokioIo, TokioTimer},
    server::conn::auto,
    service::TowerToHyperService,
};
use ipnet::IpNet;
use tokio::{
    net::{TcpListener, TcpStream},
    sync::{watch, OwnedSemaphorePermit, Semaphore},
};
use tokio_util::task::TaskTracker;
use tower::ServiceExt;
use tower_http::timeout::RequestBodyTimeoutLayer;

use crate::{
    limits::Limits,
    tls::{Acceptor, Http},
    transports::PerClient,
};

/// How long a client may take over the TLS handshake. Fixed: a handshake is a few round trips
/// of a few KiB, whatever the deployment; the slow-client bounds worth tuning are in [`Limits`].
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// How long open connections get to finish their requests once the server is told to stop.
/// Fixed: a stop must end within the grace a process manager gives before it kills (Docker's
/// is 10 s), so a longer drain would be cut short anyway.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);

/// Serves `app` on `listener` until `shutdown` completes, then lets open requests finish
/// (streams and long polls are cut after [`DRAIN_TIMEOUT`]). Connections from `proxies` are
/// not held to the per-address limit.
pub(crate) async fn serve(
    listener: TcpListener,
    tls: Option<Acceptor>,
    proxies: Vec<IpNet>,
    limits: Limits,
    app: Router,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    let mut http = auto::Builder::new(TokioExecutor::new());
    http.http1().timer(TokioTimer::new()).header_read_timeout(limits.header_timeout);
    http.http2()
        .timer(TokioTimer::new())
        .keep_alive_interval(Some(limits.header_timeout))
        .keep_alive_timeout(limits.header_timeout)
        .max_concurrent_streams(256);
    // A body sent a byte at a time would hold its handler (and an upload's file) for ever: each
    // byte must come within `body_timeout` of the last, and the whole within `body_time_limit`.
    let body_time_limit = limits.body_time_limit;
    let app = app.layer(RequestBodyTimeoutLayer::new(limits.body_timeout)).layer(map_request(
        move |request: Request| async move { request.map(|body| Body::new(DeadlineBody::new(body, body_time_limit))) },
    ));
    let open = Arc::new(Semaphore::new(limits.max_connections));
    let per_address = PerClient::default();
    // Turns true when the server stops: every connection then closes once its requests end,
    // and the stop waits for the connections being served (not for silent ones: they go).
    let (stop, stopping) = watch::channel(false);
    let serving = TaskTracker::new();
    tokio::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            accepted = accept(&listener, &open) => accepted,
            () = &mut shutdown => break,
        };
        let (tcp, peer, permit) = accepted;
        let limited = !proxies.iter().any(|proxy| proxy.contains(&peer.ip()));
        let Some(ticket) = per_address.take(limited.then_some(peer.ip()), limits.max_connections_per_address) else {
            tracing::debug!(%peer, "too many connections from one address");
            continue;
        };
        let (http, app, tls, stopping, serving) =
            (http.clone(), app.clone(), tls.clone(), stopping.clone(), serving.clone());
        let header_timeout = limits.header_timeout;
        tokio::spawn(async move {
            let _held = (permit, ticket);
            // Handlers learn the client's address as axum's `ConnectInfo`.
            let app = app.map_request(move |mut request: axum::http::Request<Incoming>| {
                request.extensions_mut().insert(ConnectInfo(peer));
                request
            });
            // Its requests in flight, from the call until the response's body is sent (or
            // dropped): a long poll or a stream of events counts while it lasts.
            let (in_flight, mut idle) = watch::channel(0_usize);
            let in_flight = Arc::new(in_flight);
            let app = app.map_future(move |answer| {
                let guard = InFlight::enter(in_flight.clone());
                async move {
                    let response: axum::response::Response = answer.await?;
                    Ok::<_, std::convert::Infallible>(
                        response.map(|body| Body::new(Guarded { inner: body, _guard: guard })),
                    )
                }
            });
            let service = TowerToHyperService::new(app);
            let idle = async move { until_idle(&mut idle, header_timeout).await };
            let closing = async move {
                tokio::select! { () = idle => {}, () = stopped(stopping) => {} }
            };
            let served = match tls {
                None => {
                    // The auto builder reads the first bytes to tell HTTP/1 from HTTP/2 with no
                    // timeout of its own: a client that connects and says nothing would keep
                    // its connection for ever.
                    if !matches!(tokio::time::timeout(header_timeout, tcp.peek(&mut [0; 1])).await, Ok(Ok(1))) {
                        return;
                    }
                    let connection = http.serve_connection_with_upgrades(TokioIo::new(tcp), service).into_owned();
                    serving.track_future(closed_when(connection, closing)).await
                }
                Some(tls) => match tokio::time::timeout(HANDSHAKE_TIMEOUT, tls.accept(tcp)).await {
                    Ok(Ok((stream, agreed))) => {
                        let http = match agreed {
                            Http::Two => http.http2_only(),
                            Http::One => http.http1_only(),
                        };
                        let connection =
                            http.serve_connection_with_upgrades(TokioIo::new(stream), service).into_owned();
                        serving.track_future(closed_when(connection, closing)).await
                    }
                    Ok(Err(e)) => return tracing::debug!(%peer, error = %e, "TLS handshake failed"),
                    Err(_) => return tracing::debug!(%peer, "TLS handshake timed out"),
                },
            };
            if let Err(e) = served {
                tracing::debug!(%peer, error = %e, "connection ended with an error");
            }
        });
    }
    drop(listener);
    let _ = stop.send(true);
    serving.close();
    if tokio::time::timeout(DRAIN_TIMEOUT, serving.wait()).await.is_err() {
        tracing::info!("stopped with requests still open after {DRAIN_TIMEOUT:?}");
    }
    Ok(())
}

/// One request in flight on its connection, until dropped.
struct InFlight(Arc<watch::Sender<usize>>);

impl InFlight {
    fn enter(count: Arc<watch::Sender<usize>>) -> Self {
        count.send_modify(|n| *n += 1);
        InFlight(count)
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.send_modify(|n| *n -= 1);
    }
}

/// A response body that holds its request's place among those in flight until it is done.
struct Guarded {
    inner: Body,
    _guard: InFlight,
}

impl HttpBody for Guarded {
    type Data = <Body as HttpBody>::Data;
    type Error = <Body as HttpBody>::Error;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        std::pin::Pin::new(&mut self.inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// Resolves once no request has been in flight for `idle` (per the count `in_flight` watches).
async fn until_idle(in_flight: &mut watch::Receiver<usize>, idle: Duration) {
    loop {
        let quiet = *in_flight.borrow_and_update() == 0;
        let changed = if quiet {
            match tokio::time::timeout(idle, in_flight.changed()).await {
                Err(_) => return,
                Ok(changed) => changed,
            }
        } else {
            in_flight.changed().await
        };
        if changed.is_err() {
            // The counter is gone with the connection's service: nothing left to watch.
            return std::future::pending().await;
        }
    }
}

/// Resolves once the server stops (`stopping` turns true, or its sender is gone).
async fn stopped(mut stopping: watch::Receiver<bool>) {
    let _ = stopping.wait_for(|stopping| *stopping).await;
}

/// Serves `connection` until it ends, closing it gracefully (its requests in flight finish)
/// once `closing` resolves: when it has been idle (HTTP/1 waits for the next request only
/// `header_timeout` already; an HTTP/2 client answering the server's pings could otherwise
/// keep a connection, and its place among them, for ever) or when the server stops.
async fn closed_when<C>(connection: C, closing: impl Future<Output = ()>) -> C::Output
where
    C: hyper_util::server::graceful::GracefulConnection,
{
    tokio::pin!(connection, closing);
    let mut closed = false;
    loop {
        tokio::select! {
            done = &mut connection => return done,
            () = &mut closing, if !closed => {
                closed = true;
                connection.as_mut().graceful_shutdown();
            }
        }
    }
}

/// The next connection, once a place among the connections is free. Accept errors (too many
/// open files, a connection reset before it was accepted) are waited out, not fatal.
async fn accept(listener: &TcpListener, open: &Arc<Semaphore>) -> (TcpStream, SocketAddr, OwnedSemaphorePermit) {
    let permit = open.clone().acquire_owned().await.expect("the connection semaphore is never closed");
    loop {
        match listener.accept().await {
            Ok((tcp, peer)) => {
                // No Nagle: a response written in pieces (headers, then a file or an event)
                // must not wait for the peer's delayed ACK, a 40 ms stall on loopback.
                let _ = tcp.set_nodelay(true);
                return (tcp, peer, permit);
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot accept a connection; retrying shortly");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
}

/// A request body that fails once `limit` has passed since the request came, however steadily
/// its bytes arrive. Its timer starts only when the body is first read: most requests (pages,
/// GETs, bodies a handler never reads) never arm one.
struct DeadlineBody {
    inner: Body,
    limit: Duration,
    came: tokio::time::Instant,
    deadline: Option<std::pin::Pin<Box<tokio::time::Sleep>>>,
}

impl DeadlineBody {
    fn new(inner: Body, limit: Duration) -> Self {
        DeadlineBody { inner, limit, came: tokio::time::Instant::now(), deadline: None }
    }
}

/// Why a request body was cut off.
#[derive(Debug, thiserror::Error)]
#[error("the request body took longer than its limit of {} s in all", .0.as_secs())]
struct BodyTooSlow(Duration);

impl HttpBody for DeadlineBody {
    type Data = axum::body::Bytes;
    type Error = axum::BoxError;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        let until = self.came + self.limit;
        let deadline = self.deadline.get_or_insert_with(|| Box::pin(tokio::time::sleep_until(until)));
        if deadline.as_mut().poll(cx).is_ready() {
            return std::task::Poll::Ready(Some(Err(BodyTooSlow(self.limit).into())));
        }
        std::pin::Pin::new(&mut self.inner).poll_frame(cx).map_err(Into::into)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use axum::routing::get;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    use super::*;

    async fn served() -> SocketAddr {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let app = Router::new().route("/", get(|| async { "ok" }).post(|body: String| async move { body }));
        tokio::spawn(serve(listener, None, Vec::new(), Limits::default(), app, std::future::pending()));
        address
    }

    /// What the server answers to `request` on a new connection ("" if it closes at once).
    async fn exchange(connection: &mut TcpStream, request: &str) -> String {
        connection.write_all(request.as_bytes()).await.unwrap();
        let mut answer = Vec::new();
        let _ = connection.read_to_end(&mut answer).await;
        String::from_utf8_lossy(&answer).into_owned()
    }

    const GET: &str = "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";

    /// An HTTP/2 client that answers the server's pings kept its connection (and its place
    /// among the connections) for as long as it liked after its last request.
    #[tokio::test(start_paused = true)]
    async fn an_idle_http2_connection_is_closed_like_an_http1_one() {
        let address = served().await;
        let tcp = TcpStream::connect(address).await.unwrap();
        let mut client = hyper::client::conn::http2::Builder::new(TokioExecutor::new());
        client.timer(TokioTimer::new());
        let (mut sender, connection) = client.handshake(TokioIo::new(tcp)).await.unwrap();
        let connection = tokio::spawn(connection);
        let request = axum::http::Request::get("http://x/").body(http_body_util::Empty::<bytes::Bytes>::new());
        let answered = sender.send_request(request.unwrap()).await.unwrap();
        assert_eq!(answered.status(), 200);
        drop(answered);
        let limit = Limits::default().header_timeout;
        let closed = tokio::time::timeout(limit * 4, connection).await;
        assert!(matches!(closed, Ok(Ok(Ok(())))), "open {:?} after its last answer: {closed:?}", limit * 4);
    }

    #[tokio::test(start_paused = true)]
    async fn a_client_that_says_nothing_is_dropped() {
        // The attack: thousands of connections that never sent a byte held every descriptor.
        let address = served().await;
        let mut silent = TcpStream::connect(address).await.unwrap();
        let mut answer = Vec::new();
        let read = tokio::time::timeout(Limits::default().header_timeout * 2, silent.read_to_end(&mut answer)).await;
        assert!(matches!(read, Ok(Ok(0)) | Ok(Err(_))), "closed by the server: {read:?}");
        let mut half = TcpStream::connect(address).await.unwrap();
        assert_eq!(exchange(&mut half, "GET / HTTP/1.1\r\nHost: x\r\n").await, "", "half a request, then dropped");
        let mut fine = TcpStream::connect(address).await.unwrap();
        assert!(exchange(&mut fine, GET).await.ends_with("ok"));
    }

    #[tokio::test(start_paused = true)]
    async fn a_body_that_stalls_fails_the_request() {
        let address = served().await;
        let mut stalled = TcpStream::connect(address).await.unwrap();
        let request = "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\nConnection: close\r\n\r\nten bytes.";
        let answer = exchange(&mut stalled, request).await;
        // What the handler's extractor makes of the failed read: a 4xx that says why.
        assert!(answer.starts_with("HTTP/1.1 4") && answer.contains("timeout"), "{answer}");
        let mut whole = TcpStream::connect(address).await.unwrap();
        let request = "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello";
        assert!(exchange(&mut whole, request).await.ends_with("hello"));
    }

    #[tokio::test(start_paused = true)]
    async fn a_body_that_trickles_is_bounded_in_total_time() {
        // The attack: a byte every few seconds, each within the stall timeout, for ever.
        let address = served().await;
        let mut trickle = TcpStream::connect(address).await.unwrap();
        let head = "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\nConnection: close\r\n\r\n";
        trickle.write_all(head.as_bytes()).await.unwrap();
        let limits = Limits::default();
        let every = limits.body_timeout / 2;
        let bytes = (limits.body_time_limit.as_secs() / every.as_secs() + 2) as usize;
        assert!(bytes < 1000, "the body is still unfinished when the limit passes");
        for _ in 0..bytes {
            tokio::time::sleep(every).await;
            if trickle.write_all(b"x").await.is_err() {
                break; // the server has answered and closed
            }
        }
        let mut answer = Vec::new();
        let _ = trickle.read_to_end(&mut answer).await;
        let answer = String::from_utf8_lossy(&answer);
        assert!(answer.starts_with("HTTP/1.1 4") && answer.contains("took longer than its limit"), "{answer}");
    }

    #[tokio::test]
    async fn one_address_may_hold_only_so_many_connections() {
        let address = served().await;
        let mut held = Vec::new();
        for _ in 0..Limits::default().max_connections_per_address {
            let mut connection = TcpStream::connect(address).await.unwrap();
            connection.write_all(b"G").await.unwrap(); // started, not finished: kept open
            held.push(connection);
        }
        let mut one_more = TcpStream::connect(address).await.unwrap();
        assert_eq!(exchange(&mut one_more, GET).await, "", "refused while the others are open");
        held.clear();
        let answer = loop {
            let mut again = TcpStream::connect(address).await.unwrap();
            let answer = exchange(&mut again, GET).await;
            if !answer.is_empty() {
                break answer;
            }
            tokio::task::yield_now().await; // the server sees the others close
        };
        assert!(answer.ends_with("ok"), "{answer}");
    }
}
