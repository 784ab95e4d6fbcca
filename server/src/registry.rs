//! [`Registry`]: the mounted interfaces, and the server that serves them.

use std::sync::Arc;

use axum::{
    extract::DefaultBodyLimit,
    routing::{get, post},
    serve::ListenerExt,
    Router,
};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use rheo_app::{shell, App, InterfaceSpecs};
use rheo_shared::protocol::{stream::STREAM_ROUTE, END_SESSION_ROUTE, MAX_REQUEST_BYTES, RUN_ROUTE};
use tower_http::{compression::CompressionLayer, CompressionLevel};

use crate::{
    engine::{files::FileStore, Mounted},
    interface::IntoMounted,
    transports::{gradio, rheo, stream, Interfaces},
};

/// Path segments the server itself uses, which no interface may take.
const RESERVED_NAMES: [&str; 2] = ["pkg", "api"];

/// Several interfaces, each mounted at `/<name>`; `/` lists them.
#[derive(Default)]
pub struct Registry {
    mounted: Vec<Arc<Mounted>>,
}

impl Registry {
    /// No interfaces yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Mounts an interface at `/<name>`.
    ///
    /// # Panics
    /// When the declaration is wrong (a bad or taken name, an impossible range, an example that
    /// does not fit the inputs, …), with every problem listed: like a route conflict in axum,
    /// this is a bug in the program, found as soon as it starts.
    pub fn mount(mut self, name: &str, interface: impl IntoMounted) -> Self {
        let mut problems = match interface.into_mounted(name) {
            Ok(mounted) => {
                self.mounted.push(Arc::new(mounted));
                Vec::new()
            }
            Err(problems) => problems,
        };
        if RESERVED_NAMES.contains(&name) {
            problems.push(format!("the name {name:?} is reserved for the server's own routes"));
        }
        if self.mounted.iter().filter(|m| m.spec().name == name).count() > 1 {
            problems.push(format!("another interface is already mounted at /{name}"));
        }
        assert!(problems.is_empty(), "cannot mount interface {name:?}:\n  - {}", problems.join("\n  - "));
        self
    }

    /// A handle on the interface mounted at `/<name>`, to watch it while it serves.
    pub fn monitor(&self, name: &str) -> Option<Monitor> {
        self.mounted.iter().find(|m| m.spec().name == name).cloned().map(Monitor)
    }

    /// The whole app as an axum router: the pages (server-rendered, then hydrated), the APIs,
    /// the streams, and the compiled UI's files from `options.site_root`.
    ///
    /// # Panics
    /// When the server cannot create its directory for files under the system's temp dir.
    pub fn into_router(self, options: LeptosOptions) -> Router {
        let specs = InterfaceSpecs(Arc::new(self.mounted.iter().map(|m| m.spec().clone()).collect()));
        let files = FileStore::new().expect("cannot create the server's directory for files in the temp dir");
        let interfaces = Arc::new(Interfaces::new(self.mounted, files));
        let api = Router::new()
            .route(RUN_ROUTE, post(rheo::run))
            .route(END_SESSION_ROUTE, post(rheo::end_session))
            .route(STREAM_ROUTE, get(stream::connect))
            .with_state(interfaces.clone())
            .merge(gradio::router(interfaces))
            .layer(DefaultBodyLimit::max(MAX_REQUEST_BYTES));
        // Every page, the fallback's error pages too, renders with the specs in context.
        let provide_specs = move || provide_context(specs.clone());
        let pages = Router::new()
            .leptos_routes_with_context(&options, generate_route_list(App), provide_specs.clone(), {
                let options = options.clone();
                move || shell(options.clone())
            })
            .fallback(leptos_axum::file_and_error_handler_with_context(provide_specs, shell))
            .with_state(options)
            // Pages are compressed on the fly (cheaply: per-request cost matters more than the
            // last percent); the UI's files are served precompressed by the release build, and
            // API answers are too small to gain from it.
            .layer(CompressionLayer::new().quality(CompressionLevel::Fastest));
        api.merge(pages)
    }

    /// Serves the app at the address of the Leptos configuration (`LEPTOS_SITE_ADDR`,
    /// 127.0.0.1:3000 by default) until Ctrl-C or SIGTERM.
    pub async fn serve(self) -> std::io::Result<()> {
        let options = get_configuration(None)
            .map_err(|e| std::io::Error::other(format!("bad Leptos configuration: {e}")))?
            .leptos_options;
        let address = options.site_addr;
        // No Nagle: a response written in pieces (headers, then a file or an event) must not
        // wait for the peer's delayed ACK, a 40 ms stall on loopback.
        let listener = tokio::net::TcpListener::bind(address).await?.tap_io(|tcp| {
            let _ = tcp.set_nodelay(true);
        });
        tracing::info!("serving on http://{address}");
        axum::serve(listener, self.into_router(options)).with_graceful_shutdown(shutdown_signal()).await
    }
}

/// A handle on a mounted interface, to watch it while it serves.
#[derive(Clone)]
pub struct Monitor(Arc<Mounted>);

impl Monitor {
    /// Streams (webcam or microphone) open on the interface now.
    pub fn active_streams(&self) -> usize {
        self.0.active_streams()
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
}
