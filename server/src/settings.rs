//! The deployment settings a [`Registry`](crate::Registry) takes in code, each overridden by
//! an environment variable (so one build serves anywhere), resolved once at start.

use std::path::PathBuf;

use ipnet::IpNet;
use rheo_shared::i18n::Languages;
use sha2::{Digest, Sha256};

use crate::{
    flagging::DEFAULT_FLAGGING_DIR,
    i18n::{self, Language},
    limits::Limits,
    login::Login,
    site::{Site, LOOPBACK_NAMES},
    store::Backend,
    theme::Theme,
    tls,
};

/// The shortest `RHEO_SECRET_KEY` taken: 32 bytes, the size of the HMAC-SHA256 key it becomes.
const MIN_SECRET_KEY_BYTES: usize = 32;

/// What the code set; `None` or empty where it said nothing.
#[derive(Default)]
pub(crate) struct Settings {
    pub(crate) root_path: Option<String>,
    pub(crate) trusted_proxies: Vec<String>,
    pub(crate) allowed_hosts: Option<Vec<String>>,
    pub(crate) allowed_origins: Vec<String>,
    pub(crate) frame_ancestors: Option<String>,
    pub(crate) tls: Option<(PathBuf, PathBuf)>,
    pub(crate) login: Option<Login>,
    pub(crate) limits: Option<Limits>,
    pub(crate) mcp_server: bool,
    pub(crate) flagging_dir: Option<PathBuf>,
    pub(crate) shared_store: Option<String>,
    pub(crate) theme: Option<Theme>,
    pub(crate) languages: Vec<Language>,
    pub(crate) reload: bool,
}

/// The settings in force.
pub(crate) struct Resolved {
    pub(crate) site: Site,
    pub(crate) tls: Option<tls::Acceptor>,
    pub(crate) login: Option<Login>,
    /// Signs the login cookies: `RHEO_SECRET_KEY` (which replicas must share), else random.
    pub(crate) secret: [u8; 32],
    pub(crate) limits: Limits,
    /// Serve every interface as an MCP tool (`RHEO_MCP_SERVER`).
    pub(crate) mcp_server: bool,
    /// Pages reload themselves when the server restarts (`RHEO_RELOAD`, for development).
    pub(crate) reload: bool,
    /// Where flags are kept (`RHEO_FLAGGING_DIR`).
    pub(crate) flagging_dir: PathBuf,
    /// Where State, queue results and files are kept: in memory, or in the Redis replicas
    /// share (`RHEO_REDIS_URL`).
    pub(crate) backend: Backend,
    /// The CSS a theme adds to the stylesheet, if one is set (`RHEO_THEME`, `RHEO_THEME_CSS`).
    pub(crate) theme_css: Option<String>,
    /// The languages the pages speak: Rheo's, with the author's over them.
    pub(crate) languages: Languages,
}

impl Settings {
    /// The settings in force: the environment's (`var` reads it), else the code's. `bind` is
    /// the host served on, when known: a server on a loopback address answers only to loopback
    /// names unless told otherwise.
    pub(crate) fn resolve(&self, var: impl Fn(&str) -> Option<String>, bind: Option<&str>) -> Result<Resolved, String> {
        let env = |name: &str| var(name).filter(|value| !value.trim().is_empty());
        let list = |name: &str| {
            env(name).map(|v| v.split(',').map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect())
        };
        let root_path = env("RHEO_ROOT_PATH").or_else(|| self.root_path.clone()).unwrap_or_default();
        let root_path = Site::root_path(&root_path).map_err(|e| format!("root path: {e}"))?;
        let trusted_proxies = list("RHEO_TRUSTED_PROXIES")
            .unwrap_or_else(|| self.trusted_proxies.clone())
            .iter()
            .map(|proxy| parse_net(proxy))
            .collect::<Result<Vec<_>, _>>()?;
        let loopback = bind.is_some_and(|host| {
            host == "localhost" || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
        });
        let allowed_hosts = list("RHEO_ALLOWED_HOSTS")
            .or_else(|| self.allowed_hosts.clone())
            .or_else(|| loopback.then(|| LOOPBACK_NAMES.map(String::from).to_vec()));
        let allowed_origins = list("RHEO_ALLOWED_ORIGINS")
            .unwrap_or_else(|| self.allowed_origins.clone())
            .iter()
            .map(|origin| parse_origin(origin))
            .collect::<Result<Vec<_>, _>>()?;
        let frame_ancestors =
            env("RHEO_FRAME_ANCESTORS").or_else(|| self.frame_ancestors.clone()).unwrap_or_else(|| "'self'".into());
        // Sources are printable ASCII with no separator of their own; anything else would make
        // the header unwritable, and the pages would go out with no policy at all.
        if !frame_ancestors.chars().all(|c| c.is_ascii_graphic() && c != ';' && c != ',' || c == ' ') {
            return Err(format!("{frame_ancestors:?} is not a list of frame-ancestors sources"));
        }
        let tls = match (env("RHEO_SSL_CERTFILE"), env("RHEO_SSL_KEYFILE")) {
            (Some(certificate), Some(key)) => Some((PathBuf::from(certificate), PathBuf::from(key))),
            (None, None) => self.tls.clone(),
            _ => return Err("give both RHEO_SSL_CERTFILE and RHEO_SSL_KEYFILE, or neither".into()),
        };
        let tls = tls.map(|(certificate, key)| crate::tls::acceptor(&certificate, &key)).transpose()?;
        let login = match env("RHEO_USERS") {
            Some(users) => Some(Login::from_list(&users)?),
            None => self.login.clone(),
        };
        let secret = match env("RHEO_SECRET_KEY") {
            // A short key can be guessed offline from one cookie, and every login forged.
            Some(key) if key.len() < MIN_SECRET_KEY_BYTES => {
                return Err(format!(
                    "RHEO_SECRET_KEY is {} bytes: give at least {MIN_SECRET_KEY_BYTES} random ones (`openssl rand -hex 32`)",
                    key.len()
                ))
            }
            Some(key) => Sha256::digest(key.as_bytes()).into(),
            None => random_key(),
        };
        let site = Site {
            root_path,
            trusted_proxies,
            allowed_hosts,
            allowed_origins,
            frame_ancestors,
            tls: tls.is_some(),
            ..Site::default()
        };
        let limits = self.limits.unwrap_or_default().overridden(&var)?;
        let mcp_server = switch(env("RHEO_MCP_SERVER"), "RHEO_MCP_SERVER")?.unwrap_or(self.mcp_server);
        let reload = switch(env("RHEO_RELOAD"), "RHEO_RELOAD")?.unwrap_or(self.reload);
        if mcp_server && !cfg!(feature = "mcp") {
            return Err("an MCP server (RHEO_MCP_SERVER, Registry::mcp_server) needs rheo-live's \"mcp\" feature, which this build left out".into());
        }
        let flagging_dir = env("RHEO_FLAGGING_DIR")
            .map(PathBuf::from)
            .or_else(|| self.flagging_dir.clone())
            .unwrap_or_else(|| PathBuf::from(DEFAULT_FLAGGING_DIR));
        let backend = match env("RHEO_REDIS_URL").or_else(|| self.shared_store.clone()) {
            None => Backend::Memory,
            Some(url) => shared_backend(&url)?,
        };
        let mut theme = self.theme.clone();
        if let Some(name) = env("RHEO_THEME") {
            theme = Some(theme.unwrap_or_default().with_name(name.trim()));
        }
        if let Some(css) = env("RHEO_THEME_CSS") {
            theme = Some(theme.unwrap_or_default().css_file(css.trim()));
        }
        let theme_css = theme.map(|theme| theme.css()).transpose()?;
        let (languages, gaps) = i18n::languages(&self.languages)?;
        gaps.iter().for_each(|gap| tracing::warn!("{gap}"));
        Ok(Resolved {
            site,
            tls,
            login,
            secret,
            limits,
            mcp_server,
            reload,
            flagging_dir,
            backend,
            theme_css,
            languages,
        })
    }
}

/// The Redis at `url`, as the replicas' shared store.
#[cfg(feature = "redis")]
fn shared_backend(url: &str) -> Result<Backend, String> {
    Ok(Backend::Redis(std::sync::Arc::new(crate::store::SharedStore::open(url)?)))
}

#[cfg(not(feature = "redis"))]
fn shared_backend(_: &str) -> Result<Backend, String> {
    Err("a shared store (RHEO_REDIS_URL) needs rheo-live's \"redis\" feature, which this build left out".into())
}

/// An origin as browsers send it: `scheme://host[:port]`, lower case, no path.
fn parse_origin(text: &str) -> Result<String, String> {
    let origin = text.trim_end_matches('/').to_ascii_lowercase();
    let (scheme, host) = origin.split_once("://").unwrap_or(("", ""));
    let host_ok = !host.is_empty() && host.chars().all(|c| c.is_ascii_alphanumeric() || "-.:[]".contains(c));
    if !matches!(scheme, "http" | "https") || !host_ok {
        return Err(format!("{text:?} is not an origin: give one like https://example.com"));
    }
    Ok(origin)
}

/// An address (`127.0.0.1`) or a network (`10.0.0.0/8`).
fn parse_net(text: &str) -> Result<IpNet, String> {
    text.parse::<IpNet>()
        .or_else(|_| text.parse::<std::net::IpAddr>().map(IpNet::from))
        .map_err(|_| format!("{text:?} is not a proxy address: give an IP address or a network like 10.0.0.0/8"))
}

/// A variable that turns something on or off (`true`, `1`, `yes`, `on` or their opposites);
/// `None` when it is not set.
fn switch(value: Option<String>, name: &str) -> Result<Option<bool>, String> {
    match value.map(|v| v.trim().to_ascii_lowercase()) {
        None => Ok(None),
        Some(v) if ["1", "true", "yes", "on"].contains(&v.as_str()) => Ok(Some(true)),
        Some(v) if ["0", "false", "no", "off"].contains(&v.as_str()) => Ok(Some(false)),
        Some(v) => Err(format!("{name}={v:?}: give true or false")),
    }
}

fn random_key() -> [u8; 32] {
    let mut key = [0; 32];
    for half in key.chunks_mut(16) {
        half.copy_from_slice(uuid::Uuid::new_v4().as_bytes());
    }
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(settings: &Settings, vars: &[(&str, &str)], bind: Option<&str>) -> Result<Resolved, String> {
        let var = |name: &str| vars.iter().find(|(n, _)| *n == name).map(|(_, v)| v.to_string());
        settings.resolve(var, bind)
    }

    #[test]
    fn the_environment_overrides_the_code() {
        let coded = Settings {
            root_path: Some("/code/".into()),
            trusted_proxies: vec!["10.0.0.0/8".into()],
            ..Settings::default()
        };
        let site = resolve(&coded, &[], None).unwrap().site;
        assert_eq!((site.root_path.as_str(), site.trusted_proxies.len()), ("/code", 1));
        let vars = [
            ("RHEO_ROOT_PATH", "/demos"),
            ("RHEO_TRUSTED_PROXIES", "127.0.0.1, ::1"),
            ("RHEO_ALLOWED_HOSTS", "example.com"),
        ];
        let site = resolve(&coded, &vars, None).unwrap().site;
        assert_eq!(site.root_path, "/demos");
        assert_eq!(site.trusted_proxies, vec!["127.0.0.1/32".parse::<IpNet>().unwrap(), "::1/128".parse().unwrap()]);
        assert_eq!(site.allowed_hosts, Some(vec!["example.com".into()]));
        assert_eq!(site.frame_ancestors, "'self'");
    }

    #[test]
    fn a_loopback_server_answers_only_to_loopback_names_unless_told() {
        let plain = Settings::default();
        assert_eq!(resolve(&plain, &[], Some("127.0.0.1")).unwrap().site.allowed_hosts.unwrap().len(), 3);
        assert_eq!(resolve(&plain, &[], Some("0.0.0.0")).unwrap().site.allowed_hosts, None);
    }

    #[test]
    fn bad_settings_are_one_line_that_says_what_to_give() {
        let plain = Settings::default();
        let error = |vars: &[(&str, &str)]| resolve(&plain, vars, None).err().unwrap();
        assert!(error(&[("RHEO_ROOT_PATH", "demos")]).contains("give one like \"/demos\""));
        assert!(error(&[("RHEO_TRUSTED_PROXIES", "proxy.local")]).contains("is not a proxy address"));
        assert!(error(&[("RHEO_ALLOWED_ORIGINS", "example.com")]).contains("is not an origin"));
        assert!(error(&[("RHEO_ALLOWED_ORIGINS", "https://example.com/path")]).contains("is not an origin"));
        let origins = resolve(&plain, &[("RHEO_ALLOWED_ORIGINS", "https://Example.com/")], None).unwrap();
        assert_eq!(origins.site.allowed_origins, ["https://example.com"]);
        assert!(error(&[("RHEO_FRAME_ANCESTORS", "'self' https://é.example")]).contains("frame-ancestors"));
        assert!(error(&[("RHEO_SSL_CERTFILE", "a.pem")]).contains("or neither"));
        assert!(error(&[("RHEO_SECRET_KEY", "hunter2")]).starts_with("RHEO_SECRET_KEY is 7 bytes: give at least 32"));
        let long = "k".repeat(32);
        assert!(resolve(&plain, &[("RHEO_SECRET_KEY", long.as_str())], None).is_ok());
        assert!(error(&[("RHEO_SSL_CERTFILE", "/no/a.pem"), ("RHEO_SSL_KEYFILE", "/no/k.pem")]).contains("cannot read"));
        assert!(error(&[("RHEO_USERS", "nobody")]).contains("user:password"));
        assert!(error(&[("RHEO_FRAME_ANCESTORS", "'self'; script-src *")]).contains("frame-ancestors"));
        assert!(error(&[("RHEO_REDIS_URL", "localhost:6379")]).contains("shared store URL"));
        assert_eq!(error(&[("RHEO_RELOAD", "maybe")]), "RHEO_RELOAD=\"maybe\": give true or false");
        let coded = Settings { reload: true, ..Settings::default() };
        assert!(!resolve(&coded, &[("RHEO_RELOAD", "off")], None).unwrap().reload, "the variable wins");
        assert!(resolve(&coded, &[], None).unwrap().reload);
        let language = Settings { languages: vec![Language::new("fr").text("sumbit", "x")], ..Settings::default() };
        assert_eq!(resolve(&language, &[], None).err().unwrap(), "language fr: no text of Rheo's UI is named sumbit");
    }
}
