//! Accepting connections, over TCP or TLS, bounded: at most [`MAX_CONNECTIONS`] open at once,
//! and a client that is slow to say what it wants is dropped.
//!
//! `axum::serve` has neither TLS nor a header timeout, so this is its loop over hyper-util
//! with those added (as axum's `low-level-rustls` example does). Without them, a few
//! thousand half-sent requests held every file descriptor and the server stopped answering.

use std::{future::Future, io, net::SocketAddr, sync::Arc, time::Duration};

use axum::{extract::ConnectInfo, Router};
use hyper::body::Incoming;
use hyper_util::{
    rt::{TokioExecutor, TokioIo, TokioTimer},
    server::{conn::auto, graceful::GracefulShutdown},
    service::TowerToHyperService,
};
use tokio::{
    net::{TcpListener, TcpStream},
    sync::{OwnedSemaphorePermit, Semaphore},
};
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;

/// Connections open at once; further clients wait in the kernel's backlog, and the process
/// keeps descriptors for its files and sockets (systemd gives a service 524,288).
pub(crate) const MAX_CONNECTIONS: usize = 4096;
/// How long a client may take to send a request's headers (and an idle keep-alive connection
/// to start its next request).
const HEADER_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a client may take over the TLS handshake.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// How long open connections get to finish their requests once the server is told to stop.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);

/// Serves `app` on `listener` until `shutdown` completes, then lets open requests finish
/// (streams and long polls are cut after [`DRAIN_TIMEOUT`]).
pub(crate) async fn serve(
    listener: TcpListener,
    tls: Option<TlsAcceptor>,
    app: Router,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    let mut http = auto::Builder::new(TokioExecutor::new());
    http.http1().timer(TokioTimer::new()).header_read_timeout(HEADER_TIMEOUT);
    http.http2().timer(TokioTimer::new()).keep_alive_interval(Some(HEADER_TIMEOUT));
    let open = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            accepted = accept(&listener, &open) => accepted,
            () = &mut shutdown => break,
        };
        let (tcp, peer, permit) = accepted;
        let (http, app, tls, watcher) = (http.clone(), app.clone(), tls.clone(), graceful.watcher());
        tokio::spawn(async move {
            let _permit = permit;
            // Handlers learn the client's address as axum's `ConnectInfo`.
            let app = app.map_request(move |mut request: axum::http::Request<Incoming>| {
                request.extensions_mut().insert(ConnectInfo(peer));
                request
            });
            let service = TowerToHyperService::new(app);
            let served = match tls {
                None => {
                    watcher.watch(http.serve_connection_with_upgrades(TokioIo::new(tcp), service).into_owned()).await
                }
                Some(tls) => match tokio::time::timeout(HANDSHAKE_TIMEOUT, tls.accept(tcp)).await {
                    Ok(Ok(stream)) => {
                        watcher
                            .watch(http.serve_connection_with_upgrades(TokioIo::new(stream), service).into_owned())
                            .await
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
    if tokio::time::timeout(DRAIN_TIMEOUT, graceful.shutdown()).await.is_err() {
        tracing::info!("stopped with requests still open after {DRAIN_TIMEOUT:?}");
    }
    Ok(())
}

/// The next connection, once one of the [`MAX_CONNECTIONS`] is free. Accept errors (too many
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

/// Makes the TLS acceptor from a PEM certificate chain and private key.
pub(crate) fn tls_acceptor(certificate: &std::path::Path, key: &std::path::Path) -> Result<TlsAcceptor, String> {
    use tokio_rustls::rustls::{
        self,
        pki_types::{pem::PemObject, CertificateDer, PrivateKeyDer},
    };
    let chain = CertificateDer::pem_file_iter(certificate)
        .and_then(|certificates| certificates.collect::<Result<Vec<_>, _>>())
        .map_err(|e| format!("cannot read the TLS certificate {}: {e}", certificate.display()))?;
    if chain.is_empty() {
        return Err(format!("the TLS certificate file {} holds no certificate", certificate.display()));
    }
    let key = PrivateKeyDer::from_pem_file(key)
        .map_err(|e| format!("cannot read the TLS private key {}: {e}", key.display()))?;
    let mut config = rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("cannot set up TLS: {e}"))?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| format!("the TLS certificate and key do not make a usable pair: {e}"))?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(TlsAcceptor::from(Arc::new(config)))
}
