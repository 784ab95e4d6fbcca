//! [`Limits`]: the bounds that keep one client, or many, from taking what everyone shares.

use std::time::Duration;

use rheo_shared::components::{MAX_CELL_CHARS, MAX_CHAT_MESSAGES, MAX_TABLE_COLUMNS, MAX_TABLE_ROWS};

/// The server's bounds, each with a default that suits a demo on one machine. Set them in code
/// with [`Registry::limits`](crate::Registry::limits), or one by one with the environment
/// variable named on each field (which overrides the code):
///
/// ```
/// use std::time::Duration;
/// use rheo::{Limits, Registry};
/// let limits = Limits::default().max_streams_per_client(2).body_timeout(Duration::from_secs(60));
/// let registry = Registry::new().limits(limits);
/// # let _ = registry;
/// ```
///
/// The fields can be read; new ones may come (the struct is `#[non_exhaustive]`), so limits
/// are made from the default and its setters, one per field, of the same name.
///
/// A client is an address (as a trusted proxy forwarded it). The stream time limit and a
/// per-call timeout are set on each [`Interface`](crate::Interface).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Connections open at once (`RHEO_MAX_CONNECTIONS`; 4,096).
    pub max_connections: usize,
    /// Connections open at once from one address, a trusted proxy's excepted
    /// (`RHEO_MAX_CONNECTIONS_PER_ADDRESS`; 256).
    pub max_connections_per_address: usize,
    /// Bytes in one request body other than an upload (a call's JSON, a server function's form)
    /// (`RHEO_MAX_REQUEST_KB`, in KiB; 1 MiB).
    pub max_request_bytes: usize,
    /// Bytes in one upload request (`RHEO_MAX_UPLOAD_MB`, in MiB; 50 MiB).
    pub max_upload_bytes: usize,
    /// Files in one upload request (`RHEO_MAX_UPLOAD_FILES`; 32).
    pub max_upload_files: usize,
    /// Files the server keeps (uploads and outputs), the oldest going first
    /// (`RHEO_MAX_STORED_FILES`; 4,096).
    pub max_stored_files: usize,
    /// Bytes the server keeps in files, the oldest going first (`RHEO_MAX_STORED_MB`, in MiB;
    /// 1 GiB).
    pub max_stored_bytes: u64,
    /// Calls that may wait for a slot, per interface; beyond, 503 (`RHEO_MAX_WAITING_CALLS`;
    /// 1,024). A waiting call holds its request (up to `max_request_bytes`) and nothing else.
    pub max_waiting_calls: usize,
    /// Sessions kept per interface, the one idle longest making room for a new one: sessions
    /// with `State` values, and Gradio queue sessions and unread results (`RHEO_MAX_SESSIONS`;
    /// 4,096).
    pub max_sessions: usize,
    /// Streams open at once per interface (`RHEO_MAX_STREAMS`; 256).
    pub max_streams: usize,
    /// Streams open at once per client (`RHEO_MAX_STREAMS_PER_CLIENT`; 8).
    pub max_streams_per_client: usize,
    /// Gradio events (joins and REST calls) pending per client and interface, and Rheo's own
    /// `/run` calls in flight per client (`RHEO_MAX_PENDING_PER_CLIENT`; 64).
    pub max_pending_per_client: usize,
    /// Bytes of flagged rows and their media kept per interface in the flagging directory;
    /// past it, flags are refused (`RHEO_MAX_FLAGGED_MB`, in MiB; 1 GiB).
    pub max_flagged_bytes: u64,
    /// Bytes that decoding media in flight may take at once, on every interface together: an
    /// image's pixels, audio's samples; a decode past it waits for others to end
    /// (`RHEO_MAX_DECODING_MB`, in MiB; 1 GiB).
    pub max_decoding_bytes: u64,
    /// How long a client may take to send a request's headers, and a connection with no
    /// request in flight (an idle HTTP/1 keep-alive or HTTP/2 one) stays open
    /// (`RHEO_HEADER_TIMEOUT_SECS`; 30 s).
    pub header_timeout: Duration,
    /// How long a request's body may stall, no bytes arriving, before reading it fails
    /// (`RHEO_BODY_TIMEOUT_SECS`; 30 s).
    pub body_timeout: Duration,
    /// How long a request's body may take in all, however steadily its bytes come
    /// (`RHEO_BODY_TIME_LIMIT_SECS`; 600 s: a 50 MB upload at 85 KB/s).
    pub body_time_limit: Duration,
    /// Calls of an interface, or of a Blocks event, that may run at once where its author set
    /// no `concurrency_limit` (Gradio's `default_concurrency_limit`;
    /// `RHEO_DEFAULT_CONCURRENCY_LIMIT`, a number or `none`; 1, as in Gradio). `None` for no
    /// limit.
    pub default_concurrency_limit: Option<usize>,
    /// Messages a chat's conversation may hold: a longer one a client sends is refused, and a
    /// chat asks for a new conversation past it (`RHEO_MAX_CHAT_MESSAGES`; 1,000, which is
    /// also the most any Chatbot takes).
    pub max_chat_messages: usize,
    /// Characters in a chat's message, unless the chat sets its own
    /// ([`ChatInterface::max_message_chars`](crate::ChatInterface::max_message_chars))
    /// (`RHEO_MAX_MESSAGE_CHARS`; 10,000).
    pub max_message_chars: usize,
    /// Rows in a table ([`Dataframe`](crate::Dataframe)) a client sends or a handler returns
    /// (`RHEO_MAX_TABLE_ROWS`; 10,000). A plot's table is held to the defaults of this field and
    /// the next two, whatever they are set to: more than a page draws.
    pub max_table_rows: usize,
    /// Columns in a table (`RHEO_MAX_TABLE_COLUMNS`; 100).
    pub max_table_columns: usize,
    /// Characters in a table's cell (`RHEO_MAX_CELL_CHARS`; 10,000).
    pub max_cell_chars: usize,
    /// The longest video an input takes, by its samples' timing
    /// ([`Video`](crate::Video); `RHEO_MAX_VIDEO_SECS`; 10 minutes).
    pub max_video_length: Duration,
    /// How long a stream may go without a chunk or frame from its client before it is closed,
    /// and a conversation's reply with it (`RHEO_STREAM_IDLE_SECS`; 15 s). A page sends them
    /// many times a second; one throttled in a hidden tab, once a second.
    pub stream_idle_timeout: Duration,
}

/// One chainable setter per field, named as the field.
macro_rules! setters {
    ($($field:ident: $type:ty),* $(,)?) => {
        impl Limits {
            $(
                #[doc = concat!("These limits with `", stringify!($field), "` set to `value` (see the field).")]
                #[must_use]
                pub fn $field(mut self, value: $type) -> Self {
                    self.$field = value;
                    self
                }
            )*
        }
    };
}

setters! {
    max_connections: usize,
    max_connections_per_address: usize,
    max_request_bytes: usize,
    max_upload_bytes: usize,
    max_upload_files: usize,
    max_stored_files: usize,
    max_stored_bytes: u64,
    max_waiting_calls: usize,
    max_sessions: usize,
    max_streams: usize,
    max_streams_per_client: usize,
    max_pending_per_client: usize,
    max_flagged_bytes: u64,
    max_decoding_bytes: u64,
    header_timeout: Duration,
    body_timeout: Duration,
    body_time_limit: Duration,
    default_concurrency_limit: Option<usize>,
    max_chat_messages: usize,
    max_message_chars: usize,
    max_table_rows: usize,
    max_table_columns: usize,
    max_cell_chars: usize,
    max_video_length: Duration,
    stream_idle_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_connections: 4096,
            max_connections_per_address: 256,
            max_request_bytes: 1 << 20,
            max_upload_bytes: 50 << 20,
            max_upload_files: 32,
            max_stored_files: 4096,
            max_stored_bytes: 1 << 30,
            max_waiting_calls: 1024,
            max_sessions: 4096,
            max_streams: 256,
            max_streams_per_client: 8,
            max_pending_per_client: 64,
            max_flagged_bytes: 1 << 30,
            max_decoding_bytes: 1 << 30,
            header_timeout: Duration::from_secs(30),
            body_timeout: Duration::from_secs(30),
            body_time_limit: Duration::from_secs(600),
            default_concurrency_limit: Some(1),
            max_chat_messages: MAX_CHAT_MESSAGES,
            max_message_chars: 10_000,
            max_table_rows: MAX_TABLE_ROWS,
            max_table_columns: MAX_TABLE_COLUMNS,
            max_cell_chars: MAX_CELL_CHARS,
            max_video_length: Duration::from_secs(600),
            stream_idle_timeout: Duration::from_secs(15),
        }
    }
}

impl Limits {
    /// These limits with the environment's overrides (`var` reads it); a value that is not a
    /// positive whole number is an error that names the variable.
    pub(crate) fn overridden(mut self, var: impl Fn(&str) -> Option<String>) -> Result<Self, String> {
        let read = |name: &str, unit: u64| -> Result<Option<u64>, String> {
            let Some(value) = var(name).filter(|v| !v.trim().is_empty()) else { return Ok(None) };
            match value.trim().parse::<u64>() {
                Ok(n) if n > 0 => Ok(Some(n.saturating_mul(unit))),
                _ => Err(format!("{name}={value:?} is not a limit: give a whole number above 0")),
            }
        };
        const KIB: u64 = 1 << 10;
        const MIB: u64 = 1 << 20;
        fn size(n: u64) -> usize {
            usize::try_from(n).unwrap_or(usize::MAX)
        }
        type Set = fn(&mut Limits, u64);
        let fields: [(&str, u64, Set); 24] = [
            ("RHEO_MAX_CONNECTIONS", 1, |l, n| l.max_connections = size(n)),
            ("RHEO_MAX_CONNECTIONS_PER_ADDRESS", 1, |l, n| l.max_connections_per_address = size(n)),
            ("RHEO_MAX_REQUEST_KB", KIB, |l, n| l.max_request_bytes = size(n)),
            ("RHEO_MAX_UPLOAD_MB", MIB, |l, n| l.max_upload_bytes = size(n)),
            ("RHEO_MAX_UPLOAD_FILES", 1, |l, n| l.max_upload_files = size(n)),
            ("RHEO_MAX_STORED_FILES", 1, |l, n| l.max_stored_files = size(n)),
            ("RHEO_MAX_STORED_MB", MIB, |l, n| l.max_stored_bytes = n),
            ("RHEO_MAX_WAITING_CALLS", 1, |l, n| l.max_waiting_calls = size(n)),
            ("RHEO_MAX_SESSIONS", 1, |l, n| l.max_sessions = size(n)),
            ("RHEO_MAX_STREAMS", 1, |l, n| l.max_streams = size(n)),
            ("RHEO_MAX_STREAMS_PER_CLIENT", 1, |l, n| l.max_streams_per_client = size(n)),
            ("RHEO_MAX_PENDING_PER_CLIENT", 1, |l, n| l.max_pending_per_client = size(n)),
            ("RHEO_MAX_FLAGGED_MB", MIB, |l, n| l.max_flagged_bytes = n),
            ("RHEO_MAX_DECODING_MB", MIB, |l, n| l.max_decoding_bytes = n),
            ("RHEO_HEADER_TIMEOUT_SECS", 1, |l, n| l.header_timeout = Duration::from_secs(n)),
            ("RHEO_BODY_TIMEOUT_SECS", 1, |l, n| l.body_timeout = Duration::from_secs(n)),
            ("RHEO_BODY_TIME_LIMIT_SECS", 1, |l, n| l.body_time_limit = Duration::from_secs(n)),
            ("RHEO_MAX_CHAT_MESSAGES", 1, |l, n| l.max_chat_messages = size(n).min(MAX_CHAT_MESSAGES)),
            ("RHEO_MAX_MESSAGE_CHARS", 1, |l, n| l.max_message_chars = size(n)),
            ("RHEO_MAX_TABLE_ROWS", 1, |l, n| l.max_table_rows = size(n)),
            ("RHEO_MAX_TABLE_COLUMNS", 1, |l, n| l.max_table_columns = size(n)),
            ("RHEO_MAX_CELL_CHARS", 1, |l, n| l.max_cell_chars = size(n)),
            ("RHEO_MAX_VIDEO_SECS", 1, |l, n| l.max_video_length = Duration::from_secs(n)),
            ("RHEO_STREAM_IDLE_SECS", 1, |l, n| l.stream_idle_timeout = Duration::from_secs(n)),
        ];
        for (name, unit, set) in fields {
            if let Some(n) = read(name, unit)? {
                set(&mut self, n);
            }
        }
        const DEFAULT_LIMIT: &str = "RHEO_DEFAULT_CONCURRENCY_LIMIT";
        if var(DEFAULT_LIMIT).is_some_and(|v| v.trim().eq_ignore_ascii_case("none")) {
            self.default_concurrency_limit = None;
        } else if let Some(n) = read(DEFAULT_LIMIT, 1).map_err(|e| format!("{e}, or none"))? {
            self.default_concurrency_limit = Some(size(n));
        }
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_environment_overrides_each_limit_in_its_unit() {
        let vars = [("RHEO_MAX_UPLOAD_MB", "10"), ("RHEO_MAX_STREAMS_PER_CLIENT", " 3 ")];
        let var = |name: &str| vars.iter().find(|(n, _)| *n == name).map(|(_, v)| v.to_string());
        let limits = Limits::default().overridden(var).unwrap();
        assert_eq!((limits.max_upload_bytes, limits.max_streams_per_client), (10 << 20, 3));
        assert_eq!(limits.max_stored_files, Limits::default().max_stored_files, "the others as they were");
        let slow = Limits::default().overridden(|name| (name == "RHEO_BODY_TIMEOUT_SECS").then(|| "90".to_owned()));
        assert_eq!(slow.unwrap().body_timeout, Duration::from_secs(90), "seconds");
        let bad = Limits::default().overridden(|name| (name == "RHEO_MAX_STREAMS").then(|| "0".to_owned()));
        assert_eq!(bad.unwrap_err(), "RHEO_MAX_STREAMS=\"0\" is not a limit: give a whole number above 0");
    }

    #[test]
    fn the_default_concurrency_limit_is_a_number_or_none() {
        let with = |value: &'static str| {
            Limits::default()
                .overridden(move |name| (name == "RHEO_DEFAULT_CONCURRENCY_LIMIT").then(|| value.to_owned()))
        };
        assert_eq!(Limits::default().default_concurrency_limit, Some(1), "Gradio's");
        assert_eq!(with("4").unwrap().default_concurrency_limit, Some(4));
        assert_eq!(with(" None ").unwrap().default_concurrency_limit, None);
        assert_eq!(
            with("many").unwrap_err(),
            "RHEO_DEFAULT_CONCURRENCY_LIMIT=\"many\" is not a limit: give a whole number above 0, or none"
        );
    }
}
