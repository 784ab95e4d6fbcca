//! HTTPS without a proxy in front, the `tls` feature: the acceptor made from a PEM certificate
//! chain and private key, and the handshake that tells which HTTP the connection will speak.
//! Without the feature there is no acceptor, and asking for one is an error in words.

use std::{io, path::Path};

use tokio::net::TcpStream;

#[cfg(feature = "tls")]
pub(crate) use with_rustls::{acceptor, Acceptor};
#[cfg(not(feature = "tls"))]
pub(crate) use without::{acceptor, Acceptor};

/// A connection's negotiated protocol: HTTP/2 only if the client offered it (ALPN `h2`).
/// Without TLS, no connection negotiates one.
#[cfg_attr(not(feature = "tls"), allow(dead_code))]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Http {
    One,
    Two,
}

#[cfg(feature = "tls")]
mod with_rustls {
    use std::sync::Arc;

    use tokio_rustls::rustls::{
        self,
        pki_types::{pem::PemObject, CertificateDer, PrivateKeyDer},
    };

    use super::*;

    pub(crate) type Stream = tokio_rustls::server::TlsStream<TcpStream>;

    #[derive(Clone)]
    pub(crate) struct Acceptor(tokio_rustls::TlsAcceptor);

    impl Acceptor {
        /// The handshake, and the protocol it agreed on (no sniffing read needed).
        pub(crate) async fn accept(&self, tcp: TcpStream) -> io::Result<(Stream, Http)> {
            let stream = self.0.accept(tcp).await?;
            let http = match stream.get_ref().1.alpn_protocol() {
                Some(b"h2") => Http::Two,
                _ => Http::One,
            };
            Ok((stream, http))
        }
    }

    /// The acceptor for the certificate chain and key in these PEM files.
    pub(crate) fn acceptor(certificate: &Path, key: &Path) -> Result<Acceptor, String> {
        let chain = CertificateDer::pem_file_iter(certificate)
            .and_then(|certificates| certificates.collect::<Result<Vec<_>, _>>())
            .map_err(|e| format!("cannot read the TLS certificate {}: {e}", certificate.display()))?;
        if chain.is_empty() {
            return Err(format!("the TLS certificate file {} holds no certificate", certificate.display()));
        }
        let key = PrivateKeyDer::from_pem_file(key)
            .map_err(|e| format!("cannot read the TLS private key {}: {e}", key.display()))?;
        let mut config =
            rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
                .with_safe_default_protocol_versions()
                .map_err(|e| format!("cannot set up TLS: {e}"))?
                .with_no_client_auth()
                .with_single_cert(chain, key)
                .map_err(|e| format!("the TLS certificate and key do not make a usable pair: {e}"))?;
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        Ok(Acceptor(tokio_rustls::TlsAcceptor::from(Arc::new(config))))
    }
}

#[cfg(not(feature = "tls"))]
mod without {
    use super::*;

    pub(crate) type Stream = TcpStream;

    /// No value: a build without TLS never has an acceptor.
    #[derive(Clone)]
    pub(crate) enum Acceptor {}

    impl Acceptor {
        pub(crate) async fn accept(&self, _: TcpStream) -> io::Result<(Stream, Http)> {
            match *self {}
        }
    }

    pub(crate) fn acceptor(_: &Path, _: &Path) -> Result<Acceptor, String> {
        Err("TLS (RHEO_SSL_CERTFILE, Registry::tls) needs rheo-live's \"tls\" feature, which this build left out"
            .into())
    }
}
