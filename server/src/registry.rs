//! [`Registry`]: the mounted interfaces, and the server that serves them.

use std::{path::PathBuf, sync::Arc};

use tokio::sync::watch;

use axum::{
    extract::DefaultBodyLimit,
    http::{
        header::{CONTENT_SECURITY_POLICY, CONTENT_TYPE, VARY},
        request::Parts,
        HeaderValue, Method,
    },
    middleware::from_fn_with_state,
    routing::{get, post},
    Router,
};
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, ResponseOptions};
use rheo_app::{shell, AppSpecs, ReloadId, SiteRoot};
use rheo_shared::i18n::Languages;
use rheo_shared::protocol::{
    stream::STREAM_ROUTE, API_PAGE_ROUTE, END_SESSION_ROUTE, FLAG_ROUTE, RELOAD_ROUTE, RUN_ROUTE,
};
use tower_http::{
    compression::CompressionLayer,
    cors::{AllowOrigin, CorsLayer},
    limit::RequestBodyLimitLayer,
    CompressionLevel,
};

#[cfg(feature = "mcp")]
use crate::transports::mcp;
use crate::{
    api_page::{self, ApiPages},
    bundle::{self, Bundle},
    engine::DeclaredApp,
    i18n::Language,
    interface::IntoMounted,
    limits::Limits,
    listen,
    login::{self, Gate, Login},
    reload::{self, Reload},
    settings::{Resolved, Settings},
    site::{self, PublicUrl, Site, LOOPBACK_NAMES},
    theme::Theme,
    transports::{gradio, rheo, stream, Interfaces},
};

/// Keeps the pinned files (examples) where the other replicas find them while the server runs:
/// put there at start, their expiry renewed well within it (after a failure, tried again
/// within 10 s). Ends once the app is dropped.
async fn share_pinned_files(interfaces: std::sync::Weak<Interfaces>) {
    loop {
        let Some(shared) = interfaces.upgrade() else { return };
        let again = match shared.files.share_pinned().await {
            Ok(()) => std::time::Duration::from_secs(600),
            Err(e) => {
                tracing::warn!("the example files could not be shared with the other replicas: {e}");
                std::time::Duration::from_secs(10)
            }
        };
        drop(shared);
        tokio::time::sleep(again).await;
    }
}

/// The server's own work beside the requests (sweeping idle Gradio sessions, renewing the
/// shared example files): each task ends by itself once the app is dropped.
#[must_use = "the tasks run only once spawned"]
struct Background(Vec<futures::future::BoxFuture<'static, ()>>);

impl Background {
    /// Runs the tasks on the current runtime until the set is dropped.
    fn spawn(self) -> tokio::task::JoinSet<()> {
        let mut tasks = tokio::task::JoinSet::new();
        for task in self.0 {
            tasks.spawn(task);
        }
        tasks
    }
}

/// Path segments the server itself uses, which no interface may take.
const RESERVED_NAMES: [&str; 5] = ["pkg", "api", "login", "logout", "gradio_api"];

/// The host served on when neither the code nor `RHEO_SERVER_NAME` says another.
pub const DEFAULT_HOST: &str = "127.0.0.1";
/// The port served on when neither the code nor `RHEO_SERVER_PORT` or `PORT` says another
/// (Gradio's).
pub const DEFAULT_PORT: u16 = 7860;

/// Several interfaces, each mounted at `/<name>`; `/` lists them.
///
/// Where and how it is served (the root path behind a proxy, a login, TLS, who may frame or
/// drive it) is set here in code and overridden by environment variables, so that one build
/// deploys anywhere; `docs/DEPLOY.md` has the whole list and a tested nginx configuration.
#[derive(Default)]
pub struct Registry {
    /// What was mounted, built into the engine only when the settings are resolved.
    declared: Vec<DeclaredApp>,
    host: Option<String>,
    port: Option<u16>,
    settings: Settings,
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
            Ok(declared) => {
                self.declared.push(declared);
                Vec::new()
            }
            Err(problems) => problems,
        };
        if RESERVED_NAMES.contains(&name) {
            problems.push(format!("the name {name:?} is reserved for the server's own routes"));
        }
        if self.declared.iter().filter(|d| d.spec.name == name).count() > 1 {
            problems.push(format!("another interface is already mounted at /{name}"));
        }
        assert!(problems.is_empty(), "cannot mount interface {name:?}:\n  - {}", problems.join("\n  - "));
        self
    }

    /// The host to serve on: [`DEFAULT_HOST`] unless set here; `"0.0.0.0"` serves on every
    /// network interface. The environment variable `RHEO_SERVER_NAME` overrides it.
    pub fn host(mut self, host: impl Into<String>) -> Self {
        self.host = Some(host.into());
        self
    }

    /// The port to serve on: [`DEFAULT_PORT`] unless set here. The environment variables
    /// `RHEO_SERVER_PORT`, then `PORT` (as hosting platforms set it), override it.
    pub fn port(mut self, port: u16) -> Self {
        self.port = Some(port);
        self
    }

    /// Serves under `path` (like `"/demos"`): every URL the pages and the APIs hand out starts
    /// with it, and requests are taken with or without it (a proxy may strip it or pass it on).
    /// `RHEO_ROOT_PATH` overrides it; a trusted proxy's `X-Forwarded-Prefix` overrides both.
    pub fn root_path(mut self, path: impl Into<String>) -> Self {
        self.settings.root_path = Some(path.into());
        self
    }

    /// Believes the `X-Forwarded-Proto`, `-Host`, `-Prefix` and `-For` headers of requests
    /// from these addresses or networks (`"127.0.0.1"`, `"10.0.0.0/8"`): the proxies in front
    /// of the server. No one is trusted unless named; `RHEO_TRUSTED_PROXIES` (comma-separated)
    /// overrides it.
    pub fn trusted_proxies<S: Into<String>>(mut self, proxies: impl IntoIterator<Item = S>) -> Self {
        self.settings.trusted_proxies = proxies.into_iter().map(Into::into).collect();
        self
    }

    /// Answers only to these host names (as the browser's address bar has them, without
    /// port), refusing others: a page elsewhere that points its own name at this server (DNS
    /// rebinding) gets nothing. Unset, a server on a loopback address answers to `localhost`,
    /// `127.0.0.1` and `[::1]`, one on other addresses to any name. `RHEO_ALLOWED_HOSTS`
    /// overrides it.
    pub fn allowed_hosts<S: Into<String>>(mut self, hosts: impl IntoIterator<Item = S>) -> Self {
        self.settings.allowed_hosts = Some(hosts.into_iter().map(Into::into).collect());
        self
    }

    /// Lets pages on these origins (`"https://example.com"`) post to the APIs and open
    /// streams, besides the server's own pages. `RHEO_ALLOWED_ORIGINS` overrides it.
    pub fn allowed_origins<S: Into<String>>(mut self, origins: impl IntoIterator<Item = S>) -> Self {
        self.settings.allowed_origins = origins.into_iter().map(Into::into).collect();
        self
    }

    /// Who may show the pages in a frame, as Content-Security-Policy `frame-ancestors`
    /// sources: `'self'` unless set (`'none'`, or `'self' https://example.com`).
    /// `RHEO_FRAME_ANCESTORS` overrides it.
    pub fn frame_ancestors(mut self, sources: impl Into<String>) -> Self {
        self.settings.frame_ancestors = Some(sources.into());
        self
    }

    /// Serves over HTTPS with this certificate chain and private key (PEM files), as a
    /// browser requires for the camera and microphone anywhere but `localhost`.
    /// `RHEO_SSL_CERTFILE` and `RHEO_SSL_KEYFILE` override them.
    pub fn tls(mut self, certificate: impl Into<PathBuf>, key: impl Into<PathBuf>) -> Self {
        self.settings.tls = Some((certificate.into(), key.into()));
        self
    }

    /// Asks for a login before anything is shown or run. `RHEO_USERS` (`user:password` pairs,
    /// comma-separated) overrides it; replicas that share logins share `RHEO_SECRET_KEY`.
    pub fn login(mut self, login: Login) -> Self {
        self.settings.login = Some(login);
        self
    }

    /// Reload on save, for development: every open page reloads itself when the server
    /// restarts (a watcher rebuilt it after a save: `RHEO_RELOAD=1 cargo watch -x run`),
    /// keeping what was typed into its inputs. `RHEO_RELOAD=true` or `false` overrides it.
    pub fn reload(mut self, enabled: bool) -> Self {
        self.settings.reload = enabled;
        self
    }

    /// Serves every interface as a tool for LLM agents and IDEs, with the Model Context
    /// Protocol (Streamable HTTP) at `<root>/gradio_api/mcp/`, as Gradio's
    /// `launch(mcp_server=True)` does. `RHEO_MCP_SERVER=true` or `false` overrides it.
    pub fn mcp_server(mut self, enabled: bool) -> Self {
        self.settings.mcp_server = enabled;
        self
    }

    /// The look of every page: a built-in theme, a primary colour, a font, corners, spacing
    /// and CSS of the author's (see [`Theme`]). `RHEO_THEME` names another built-in theme (the
    /// code's settings kept over it), `RHEO_THEME_CSS` another CSS file. Not under `cargo
    /// leptos watch`, which serves the stylesheet it builds.
    pub fn theme(mut self, theme: Theme) -> Self {
        self.settings.theme = Some(theme);
        self
    }

    /// Changes a language the pages speak, or adds one ([`Language`]): Rheo's own words in it,
    /// and the author's. Each page speaks the browser's first language the server has (its
    /// `Accept-Language`), English when it has none of them; Rheo ships English, French,
    /// German, Spanish, Brazilian Portuguese, Japanese and Simplified Chinese.
    pub fn language(mut self, language: Language) -> Self {
        self.settings.languages.push(language);
        self
    }

    /// Where flags are kept, for the interfaces with flagging on ([`Interface::flagging`]):
    /// a folder per interface with a CSV and copies of the media. Default `.rheo/flagged`
    /// under the working directory; `RHEO_FLAGGING_DIR` overrides it. Replicas may share it.
    ///
    /// [`Interface::flagging`]: crate::Interface::flagging
    pub fn flagging_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.settings.flagging_dir = Some(dir.into());
        self
    }

    /// Shares session `State`, Gradio queue results and files with the other replicas of this
    /// app through the Redis at `url` (`redis://host:6379/0`), so that several replicas can run
    /// behind a load balancer with no stickiness; `RHEO_REDIS_URL` overrides it. Without it,
    /// each process keeps them in memory and needs nothing else. A `State<T>` is then read and
    /// written as JSON on each call; streams stay on the replica that holds their socket, and
    /// concurrency limits count per replica. Redis down is a 503 in words for the calls that
    /// need it, never a crash; `docs/DEPLOY.md` has the setup.
    pub fn shared_store(mut self, url: impl Into<String>) -> Self {
        self.settings.shared_store = Some(url.into());
        self
    }

    /// The server's bounds (uploads, stored files, waiting calls, streams, connections…); see
    /// [`Limits`] for each and the environment variable that overrides it.
    pub fn limits(mut self, limits: Limits) -> Self {
        self.settings.limits = Some(limits);
        self
    }

    /// A handle on the interface mounted at `/<name>`, to watch it while it serves.
    pub fn monitor(&self, name: &str) -> Option<Monitor> {
        let app = self.declared.iter().find(|d| d.spec.name == name)?;
        app.endpoints.first().map(|endpoint| Monitor(endpoint.streams()))
    }

    /// The whole app as an axum router: the pages (server-rendered, then hydrated), the APIs,
    /// the streams, and the UI bundle (embedded; or, under `cargo leptos watch`, from its site
    /// directory). Serve it with `into_make_service_with_connect_info::<SocketAddr>()`: the
    /// client's address tells trusted proxies from others and keys the login's lockouts.
    ///
    /// It must be called inside a tokio runtime (as in `#[tokio::main]`), where the server's
    /// background tasks run until the router is dropped.
    ///
    /// # Panics
    /// Outside a tokio runtime; when the server cannot create its directory for files under
    /// the system's temp dir; when a setting is wrong (an environment variable's, say).
    pub fn into_router(self) -> Router {
        if tokio::runtime::Handle::try_current().is_err() {
            panic!(
                "Registry::into_router must be called inside a tokio runtime (in `#[tokio::main]`, say): the \
                 server's background tasks run on it"
            )
        }
        let settings = self.settings.resolve(|name| std::env::var(name).ok(), None).unwrap_or_else(|e| panic!("{e}"));
        // Served by someone else, the app is never told it is stopping.
        let (_, never) = watch::channel(false);
        let (router, background, interfaces) =
            self.router(site_options(), settings, never).unwrap_or_else(|e| panic!("{e}"));
        background.spawn().detach_all();
        // No wait before serving here: the first call of an example computes it if this has not.
        tokio::spawn(async move { interfaces.cache_examples().await });
        router
    }

    /// The composition root: the engine built from the declarations and the resolved
    /// `settings`, and the router over it, with the bundle from `site` (under `cargo leptos
    /// watch`) or embedded; `stopping` turns true when the server starts to stop. The
    /// background tasks are the caller's to run.
    fn router(
        self,
        site: Option<LeptosOptions>,
        settings: Resolved,
        stopping: watch::Receiver<bool>,
    ) -> Result<(Router, Background, Arc<Interfaces>), String> {
        let embedded = site.is_none();
        let max_request_bytes = settings.limits.max_request_bytes;
        let interfaces = Interfaces::build(self.declared, &settings, stopping)
            .map_err(|e| format!("cannot create the server's directory for files in the temp dir: {e}"))?;
        let specs = AppSpecs(Arc::new(interfaces.all().map(|app| app.spec().clone()).collect()));
        let bundle = Arc::new(Bundle::embedded(settings.theme_css.as_deref(), &specs.0));
        let (options, assets) = match site {
            Some(options) => (options.clone(), bundle::site_assets(&options.output_name)),
            None => (LeptosOptions::builder().output_name("rheo").build(), bundle.assets()),
        };
        let stylesheet = assets.css.clone();
        let interfaces = Arc::new(interfaces);
        let (gradio, sweeper) = gradio::router(interfaces.clone());
        let mut background = Background(vec![Box::pin(sweeper)]);
        if interfaces.backend.is_shared() {
            background.0.push(Box::pin(share_pinned_files(Arc::downgrade(&interfaces))));
        }
        let api = Router::new()
            .route(RUN_ROUTE, post(rheo::run))
            .route(END_SESSION_ROUTE, post(rheo::end_session))
            .route(FLAG_ROUTE, post(rheo::flag))
            .route(STREAM_ROUTE, get(stream::connect))
            .with_state(interfaces.clone())
            .merge(gradio)
            .layer(DefaultBodyLimit::max(max_request_bytes));
        let api_pages = ApiPages {
            interfaces: interfaces.clone(),
            stylesheet: stylesheet.clone(),
            mcp_server: settings.mcp_server,
            languages: settings.languages.clone(),
        };
        let api = api.route(API_PAGE_ROUTE, get(api_page::page).with_state(Arc::new(api_pages)));
        let reload = settings.reload.then(|| Arc::new(Reload::new(interfaces.clone())));
        let api = match &reload {
            Some(reload) => api.route(RELOAD_ROUTE, get(reload::events).with_state(reload.clone())),
            None => api,
        };
        let reload_id = reload.map(|reload| ReloadId(reload.id.clone()));
        // Its own body limit (media come in base64). Without the feature, the settings refused
        // an MCP server already.
        #[cfg(feature = "mcp")]
        let api = if settings.mcp_server { api.merge(mcp::router(interfaces.clone())) } else { api };
        // Every page, the fallback's error pages too, renders with the specs in context.
        let deployed = Arc::new(settings.site);
        let provide_specs = {
            let (deployed, languages) = (deployed.clone(), settings.languages.clone());
            move || page_context(specs.clone(), &deployed, languages.clone(), reload_id.clone())
        };
        let page = {
            let (options, assets) = (options.clone(), assets.clone());
            move || shell(options.clone(), assets.clone())
        };
        // The app has no router (it picks its page from the path): no app routes are listed,
        // so this registers the server functions only.
        let pages = Router::new().leptos_routes_with_context(&options, Vec::new(), provide_specs.clone(), page.clone());
        // Rendered once the page's data is in (what Leptos calls `SsrMode::Async`), so the HTML
        // is whole; a path that is no page gets the app's "Not found" with a 404.
        let render = leptos_axum::render_app_async_with_context(provide_specs.clone(), page);
        let pages = pages.route("/", get(render.clone())).route("/{name}", get(render.clone()));
        let pages = if embedded {
            pages
                .route(&format!("/{}/{{folder}}/{{file}}", bundle::PKG_DIR), get(bundle::serve).with_state(bundle))
                .fallback(render)
        } else {
            let shell = move |options| shell(options, assets.clone());
            pages.fallback(leptos_axum::file_and_error_handler_with_context(provide_specs, shell))
        };
        // Pages are compressed on the fly (cheaply: per-request cost matters more than the last
        // percent); the bundle is served precompressed, and API answers are too small to gain.
        // Server functions (Markdown rendering among them) read whole bodies: bound them.
        let pages = pages
            .with_state(options)
            .layer(RequestBodyLimitLayer::new(max_request_bytes))
            .layer(CompressionLayer::new().quality(CompressionLevel::Fastest));
        let app = api.merge(pages);
        let app = match settings.login {
            Some(login) => {
                let gate = Gate::new(login, settings.secret, stylesheet, settings.languages.clone());
                app.layer(from_fn_with_state(Arc::new(gate), login::guard))
            }
            None => app,
        };
        // Pages on the allowed origins may read the APIs' answers too (never with cookies).
        let cors = (!deployed.allowed_origins.is_empty()).then(|| {
            let origins = deployed.allowed_origins.iter().filter_map(|origin| origin.parse().ok());
            CorsLayer::new()
                .allow_origin(AllowOrigin::list(origins))
                .allow_methods([Method::GET, Method::POST])
                .allow_headers([CONTENT_TYPE])
        });
        // The site's guard must see requests before routing (it strips the root path), so
        // the whole app is its inner service.
        let guarded = tower::ServiceBuilder::new()
            .layer(from_fn_with_state(deployed, site::guard))
            .option_layer(cors)
            .service(app);
        Ok((Router::new().fallback_service(guarded), background, interfaces))
    }

    /// Serves the app until Ctrl-C or SIGTERM, on the host and port set in code or by the
    /// environment (see [`Registry::host`] and [`Registry::port`]; under `cargo leptos watch`,
    /// its `site-addr`), and prints each interface's URL.
    ///
    /// The error, when the server cannot start (the port is taken, say), is one line that says
    /// what to do; a `main` returning it prints just that.
    pub async fn serve(self) -> Result<(), ServeError> {
        let site = site_options();
        let (host, port) = match &site {
            Some(options) => (options.site_addr.ip().to_string(), options.site_addr.port()),
            None => self.listen_address(|name| std::env::var(name).ok())?,
        };
        let settings = self.settings.resolve(|name| std::env::var(name).ok(), Some(&host)).map_err(ServeError)?;
        let listener = tokio::net::TcpListener::bind((host.as_str(), port)).await.map_err(|e| match e.kind() {
            std::io::ErrorKind::AddrInUse => ServeError(format!(
                "port {port} on {host} is taken: stop what runs there, or choose another port with \
                 RHEO_SERVER_PORT=… or Registry::port(…)"
            )),
            _ => ServeError(format!("cannot serve on {host}:{port}: {e}")),
        })?;
        let scheme = if settings.tls.is_some() { "https" } else { "http" };
        let address = listener.local_addr().map_err(|e| ServeError(e.to_string()))?;
        let origin = format!("{scheme}://{address}{}", settings.site.root_path);
        println!("* Running on local URL:  {origin}");
        for declared in &self.declared {
            let name = &declared.spec.name;
            println!("    /{name:<16} {origin}/{name}");
        }
        let loopback_only = settings.site.allowed_hosts == Some(LOOPBACK_NAMES.map(String::from).to_vec());
        if !settings.site.trusted_proxies.is_empty() && loopback_only {
            tracing::warn!(
                "behind a proxy, this server answers only to loopback names: set RHEO_ALLOWED_HOSTS to the \
                 names people reach it by"
            );
        }
        let (tls, proxies, limits) = (settings.tls.clone(), settings.site.trusted_proxies.clone(), settings.limits);
        // Streams and generators hear of the stop at once, and say so to their clients, while
        // the server drains the requests still open.
        let (stop, stopping) = watch::channel(false);
        let shutdown = async move {
            shutdown_signal().await;
            let _ = stop.send(true);
        };
        let (router, background, interfaces) = self.router(site, settings, stopping).map_err(ServeError)?;
        // The server owns its background tasks: they stop when it returns.
        let _background = background.spawn();
        // Eagerly cached examples are computed before the first request is answered (the
        // listener holds the connections that come meanwhile).
        interfaces.cache_examples().await;
        drop(interfaces);
        let served = listen::serve(listener, tls, proxies, limits, router, shutdown);
        served.await.map_err(|e| ServeError(format!("the server stopped: {e}")))
    }

    /// The host and port: the environment's (`var` reads it), else the code's, else the defaults.
    fn listen_address(&self, var: impl Fn(&str) -> Option<String>) -> Result<(String, u16), ServeError> {
        let env = |name: &str| var(name).filter(|value| !value.trim().is_empty());
        let host = env("RHEO_SERVER_NAME").or_else(|| self.host.clone()).unwrap_or_else(|| DEFAULT_HOST.to_owned());
        let port = match ["RHEO_SERVER_PORT", "PORT"].into_iter().find_map(|name| Some((name, env(name)?))) {
            Some((name, value)) => value.trim().parse::<u16>().map_err(|_| {
                ServeError(format!(
                    "{name}={value:?} is not a port number: give one from 1 to 65535 (0 for any free port)"
                ))
            })?,
            None => self.port.unwrap_or(DEFAULT_PORT),
        };
        Ok((host, port))
    }
}

/// Why the server could not start or stopped, in one line that says what to do.
pub struct ServeError(String);

impl std::fmt::Display for ServeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The message itself, so that `fn main() -> Result<(), ServeError>` prints one line, not a
/// struct.
impl std::fmt::Debug for ServeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ServeError {}

/// What every page renders with: the specs, the languages it chooses from, its root path, and a
/// Content-Security-Policy naming the nonce Leptos gave the page's scripts.
fn page_context(specs: AppSpecs, site: &Site, languages: Languages, reload: Option<ReloadId>) {
    provide_context(specs);
    provide_context(languages);
    if let Some(reload) = reload {
        provide_context(reload);
    }
    let Some(parts) = use_context::<Parts>() else { return };
    let root = parts.extensions.get::<PublicUrl>().map(|public| public.root.clone()).unwrap_or_default();
    provide_context(SiteRoot(root));
    if let (Some(nonce), Some(response)) = (leptos::nonce::use_nonce(), use_context::<ResponseOptions>()) {
        if let Ok(policy) = site.content_security_policy(Some(&nonce)).parse() {
            response.insert_header(CONTENT_SECURITY_POLICY, policy);
        }
    }
    if let Some(response) = use_context::<ResponseOptions>() {
        // Its words follow the browser's languages, its look the theme cookie.
        response.insert_header(VARY, HeaderValue::from_static("Accept-Language, Cookie"));
    }
}

/// The Leptos options `cargo leptos watch` (or `serve`) gives through the environment, when
/// the UI is being developed; `None` otherwise (the embedded bundle is served).
fn site_options() -> Option<LeptosOptions> {
    std::env::var_os("LEPTOS_SITE_ROOT")?;
    match get_configuration(None) {
        Ok(configuration) => Some(configuration.leptos_options),
        Err(e) => {
            tracing::warn!(error = %e, "LEPTOS_SITE_ROOT is set but the Leptos configuration is unreadable; serving the embedded UI");
            None
        }
    }
}

/// A handle on a mounted interface, to watch it while it serves.
#[derive(Clone)]
pub struct Monitor(Arc<std::sync::atomic::AtomicUsize>);

impl Monitor {
    /// Streams (webcam or microphone) open on the interface now.
    pub fn active_streams(&self) -> usize {
        self.0.load(std::sync::atomic::Ordering::Acquire)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn address(registry: &Registry, vars: &[(&str, &str)]) -> Result<(String, u16), String> {
        let var = |name: &str| vars.iter().find(|(n, _)| *n == name).map(|(_, v)| v.to_string());
        registry.listen_address(var).map_err(|e| e.to_string())
    }

    #[test]
    fn the_environment_overrides_the_code_which_overrides_the_defaults() {
        let plain = Registry::new();
        assert_eq!(address(&plain, &[]), Ok(("127.0.0.1".into(), 7860)));
        let coded = Registry::new().host("0.0.0.0").port(8080);
        assert_eq!(address(&coded, &[]), Ok(("0.0.0.0".into(), 8080)));
        assert_eq!(address(&coded, &[("PORT", "9000")]), Ok(("0.0.0.0".into(), 9000)));
        let both = [("RHEO_SERVER_PORT", "9001"), ("PORT", "9000"), ("RHEO_SERVER_NAME", "localhost")];
        assert_eq!(address(&coded, &both), Ok(("localhost".into(), 9001)));
        assert_eq!(address(&coded, &[("PORT", " ")]), Ok(("0.0.0.0".into(), 8080)), "an empty variable is unset");
    }

    #[test]
    fn a_bad_port_is_one_line_that_says_what_to_give() {
        let error = address(&Registry::new(), &[("PORT", "80a")]).unwrap_err();
        assert_eq!(error, "PORT=\"80a\" is not a port number: give one from 1 to 65535 (0 for any free port)");
        assert!(address(&Registry::new(), &[("RHEO_SERVER_PORT", "70000")]).is_err());
    }

    /// The background tasks need a runtime: without one, the router used to be built with no
    /// sweeper for idle Gradio sessions, and the table filled silently.
    #[test]
    #[should_panic(expected = "Registry::into_router must be called inside a tokio runtime")]
    fn a_router_outside_a_runtime_fails_at_once_in_words() {
        let _ = Registry::new().into_router();
    }

    #[tokio::test]
    async fn a_taken_port_is_one_line_that_says_what_to_do() {
        let taken = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = taken.local_addr().unwrap().port();
        // Only the environment could override the port here; the test sets none of its names.
        let error = Registry::new().port(port).serve().await.unwrap_err();
        assert_eq!(
            format!("{error:?}"),
            format!(
                "port {port} on 127.0.0.1 is taken: stop what runs there, or choose another port with \
                     RHEO_SERVER_PORT=… or Registry::port(…)"
            )
        );
    }
}
