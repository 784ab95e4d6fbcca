//! Cached examples: an event's outputs for each row of a set of examples, computed once and
//! kept (Gradio's `cache_examples`), so that a call on a row's values is answered without the
//! handler.
//!
//! A row's answer (or the handler's own error: a handler that fails on an example fails the
//! same way each time) is computed by the first call that needs it, eagerly for every row before
//! the server serves ([`crate::CacheMode::Eager`]), and kept for as long as the server runs;
//! concurrent callers wait for the one computation, which runs in a task of its own (a caller
//! who leaves does not start it over). A passing failure (a full line, a timeout, the store
//! down) is not kept: the next call tries again. Its output files are pinned, as the examples'
//! own are, never evicted: only the last answer's (a generator whose audio streams cannot cache
//! its examples, refused at mount). With replicas, the answer goes through the shared store
//! too, under a key naming the event, the row and a hash of what the row and the outputs are:
//! the replica that computes it first puts it there, and the others take it from there instead
//! of computing it again.

use std::sync::Arc;

use rheo_shared::{CacheMode, Value};
use tokio::sync::OnceCell;

use super::{codec::FileOutputs, files::FileStore, last, CallError, Checked, Input, Mounted};
use crate::store::{Backend, StoreError};

/// How long the shared store keeps a row's answer; a replica that finds it gone computes it
/// again (its pinned files are kept there as long, renewed while a replica runs).
#[cfg(feature = "redis")]
const SHARED_LIFETIME: std::time::Duration = std::time::Duration::from_secs(3600);

/// The kept answers of one endpoint's examples.
pub(crate) struct CachedExamples {
    /// Each row's input values, files as the server pinned them.
    rows: Vec<Vec<Value>>,
    answers: Vec<OnceCell<Result<Vec<Value>, CallError>>>,
    mode: CacheMode,
    backend: Backend,
    /// The app's name, for the shared store's keys.
    app: String,
    /// Each row's key in the shared store (`<event>:<row>:<hash>`): tabs of one app, examples
    /// changed since, and outputs changed since are kept apart.
    #[cfg_attr(not(feature = "redis"), allow(dead_code))]
    keys: Vec<String>,
}

impl CachedExamples {
    /// The kept answers of event `event`'s example `rows`, whose outputs are `outputs`.
    pub(crate) fn new(
        event: usize,
        rows: Vec<Vec<Value>>,
        outputs: &[rheo_shared::ComponentSpec],
        mode: CacheMode,
        backend: Backend,
        app: String,
    ) -> Self {
        let answers = rows.iter().map(|_| OnceCell::new()).collect();
        let keys = (rows.iter().enumerate())
            .map(|(row, values)| format!("{event}:{row}:{:016x}", fingerprint(values, outputs)))
            .collect();
        CachedExamples { rows, answers, mode, backend, app, keys }
    }

    /// The row whose values `inputs` are, if any: files by the path the server gave them,
    /// anything else by value.
    pub(crate) fn row_of(&self, inputs: &Checked) -> Option<usize> {
        let values: Vec<&Value> = inputs
            .0
            .iter()
            .filter_map(|input| match input {
                Input::Value(value) => Some(value),
                Input::Frame(_) => None,
            })
            .collect();
        self.rows.iter().position(|row| {
            row.len() == values.len() && row.iter().zip(&values).all(|(kept, given)| same_value(kept, given))
        })
    }

    pub(crate) fn is_eager(&self) -> bool {
        self.mode == CacheMode::Eager
    }

    pub(crate) fn len(&self) -> usize {
        self.rows.len()
    }

    /// Row `row`'s answer: kept, or computed by `endpoint` now (once, whoever asks). A passing
    /// failure is returned, not kept.
    pub(crate) async fn answer(
        &self,
        endpoint: &Mounted,
        files: &Arc<FileStore>,
        row: usize,
    ) -> Result<Vec<Value>, CallError> {
        let kept = self.answers[row].get_or_try_init(|| async {
            if let Some(shared) = self.shared(row).await {
                return Ok(Ok(shared));
            }
            let computed = self.compute(endpoint, files, row).await;
            match &computed {
                Ok(values) => {
                    if let Err(e) = self.share(row, values).await {
                        tracing::warn!(
                            "/{}: example {} could not be shared with the other replicas: {e}",
                            self.app,
                            row + 1
                        );
                    }
                }
                Err(error) if !is_the_handlers(error) => return Err(error.clone()),
                Err(_) => {}
            }
            Ok(computed)
        });
        kept.await?.clone()
    }

    /// Runs the handler on row `row`, as an API call would, its last answer's files pinned.
    async fn compute(&self, endpoint: &Mounted, files: &Arc<FileStore>, row: usize) -> Result<Vec<Value>, CallError> {
        let checked = endpoint.check(self.rows[row].clone())?;
        let spec = endpoint.spec();
        let payloads = last(endpoint.call(files, None, None, checked, None)).await?;
        let values = FileOutputs::new(&spec.name, files, None, false, &spec.outputs).pinned().encode(payloads).await?;
        files.share_pinned().await?;
        Ok(values)
    }

    /// Row `row`'s answer as another replica kept it, if one did.
    async fn shared(&self, row: usize) -> Option<Vec<Value>> {
        match &self.backend {
            Backend::Memory => {
                let _ = row;
                None
            }
            #[cfg(feature = "redis")]
            Backend::Redis(store) => {
                let key = crate::store::SharedStore::key(&self.app, "example", &self.keys[row]);
                let kept: Option<String> = store.query(redis::cmd("GET").arg(key)).await.ok()?;
                serde_json::from_str(&kept?).ok()
            }
        }
    }

    /// Puts row `row`'s answer where the other replicas find it.
    async fn share(&self, row: usize, values: &[Value]) -> Result<(), StoreError> {
        match &self.backend {
            Backend::Memory => {
                let _ = (row, values);
                Ok(())
            }
            #[cfg(feature = "redis")]
            Backend::Redis(store) => {
                let key = crate::store::SharedStore::key(&self.app, "example", &self.keys[row]);
                let json = serde_json::to_string(values).expect("wire values serialize");
                store.query(redis::cmd("SET").arg(key).arg(json).arg("EX").arg(SHARED_LIFETIME.as_secs())).await
            }
        }
    }
}

/// Whether the handler itself gave `error` (its own error, a panic, an output that does not
/// fit), which it would give again on the same inputs; anything else may pass.
fn is_the_handlers(error: &CallError) -> bool {
    match error {
        CallError::InvalidInput { .. }
        | CallError::Handler(_)
        | CallError::NoValue
        | CallError::InvalidOutput(_)
        | CallError::NotFinite(_)
        | CallError::Panicked => true,
        CallError::Busy | CallError::TimedOut(_) | CallError::ShuttingDown | CallError::Store(_) => false,
    }
}

/// A hash of example `values` (files by name and size: their paths are each replica's own) and
/// of the `outputs` they are answered in, for the shared store's key (FNV-1a).
fn fingerprint(values: &[Value], outputs: &[rheo_shared::ComponentSpec]) -> u64 {
    let values: Vec<Value> = values
        .iter()
        .map(|value| {
            let mut value = value.clone();
            for file in value.files_mut() {
                *file =
                    rheo_shared::FileData { orig_name: file.orig_name.clone(), size: file.size, ..Default::default() };
            }
            value
        })
        .collect();
    let text = serde_json::to_string(&(values, outputs)).expect("specs and values serialize");
    crate::bundle::fnv1a(text.as_bytes())
}

/// Whether `given` is the example value `kept`: a file (or a list of them, or a message's) by
/// the path the server gave it and its name (which the handler gets), whatever its URL (the
/// page's carries the path it is served under); anything else by value.
fn same_value(kept: &Value, given: &Value) -> bool {
    match (kept, given) {
        (Value::File(_) | Value::Files(_) | Value::Multimodal(_), _) => {
            let paths = |value: &Value| {
                value.files().iter().map(|file| (file.path.clone(), file.orig_name.clone())).collect::<Vec<_>>()
            };
            let text = |value: &Value| match value {
                Value::Multimodal(message) => Some(message.text.clone()),
                _ => None,
            };
            std::mem::discriminant(kept) == std::mem::discriminant(given)
                && paths(kept) == paths(given)
                && text(kept) == text(given)
        }
        _ => kept == given,
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;
    use crate::{
        engine::tests::{mount, number},
        Interface, Number,
    };

    fn files() -> Arc<FileStore> {
        Arc::new(FileStore::new(4096, 1 << 30).unwrap())
    }

    #[tokio::test]
    async fn eager_examples_are_computed_once_before_serving_and_answered_from_the_cache() {
        static CALLS: AtomicUsize = AtomicUsize::new(0);
        fn square(x: f64) -> Result<f64, String> {
            CALLS.fetch_add(1, Ordering::SeqCst);
            if x < 0.0 {
                return Err(format!("{x} has no square here"));
            }
            Ok(x * x)
        }
        let files = files();
        let interface = Interface::new(square)
            .inputs(Number::new())
            .outputs(Number::new())
            .examples([(3.0,), (-1.0,)])
            .cache_examples(CacheMode::Eager);
        let mounted = Arc::new(mount(interface, "square", &files));
        mounted.cache_examples(&files).await;
        assert_eq!(CALLS.load(Ordering::SeqCst), 2, "each example once, the failing one too");
        for _ in 0..3 {
            let kept = mounted.cached_answer(&files, &mounted.check(number(3.0)).unwrap()).await;
            assert_eq!(kept, Some(Ok(vec![Value::Number(9.0)])));
            let failed = mounted.cached_answer(&files, &mounted.check(number(-1.0)).unwrap()).await;
            assert_eq!(failed, Some(Err(CallError::Handler("-1 has no square here".into()))), "its error is kept");
        }
        assert_eq!(CALLS.load(Ordering::SeqCst), 2, "answered from the cache");
        let other = mounted.cached_answer(&files, &mounted.check(number(4.0)).unwrap()).await;
        assert_eq!(other, None, "other inputs are a call like any other");
    }

    #[tokio::test]
    async fn lazy_examples_are_computed_on_their_first_call_once_however_many_ask() {
        static CALLS: AtomicUsize = AtomicUsize::new(0);
        async fn slow_double(x: f64) -> f64 {
            CALLS.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            2.0 * x
        }
        let files = files();
        let interface = Interface::new(slow_double)
            .inputs(Number::new())
            .outputs(Number::new())
            .examples([(1.0,), (5.0,)])
            .cache_examples(CacheMode::Lazy);
        let mounted = Arc::new(mount(interface, "double", &files));
        mounted.cache_examples(&files).await;
        assert_eq!(CALLS.load(Ordering::SeqCst), 0, "nothing before the first call");
        let checked = mounted.check(number(5.0)).unwrap();
        let asks = (0..4).map(|_| mounted.cached_answer(&files, &checked));
        let answers = futures::future::join_all(asks).await;
        assert!(answers.iter().all(|answer| *answer == Some(Ok(vec![Value::Number(10.0)]))), "{answers:?}");
        assert_eq!(CALLS.load(Ordering::SeqCst), 1, "one computation for four callers");
    }

    #[test]
    fn an_example_file_is_the_same_by_its_path_whatever_its_url() {
        let file = |path: &str, url: &str| {
            Value::File(rheo_shared::FileData { path: path.into(), url: Some(url.into()), ..Default::default() })
        };
        assert!(same_value(&file("/tmp/a.png", "/x/file=/tmp/a.png"), &file("/tmp/a.png", "/demos/x/file=/tmp/a.png")));
        assert!(!same_value(&file("/tmp/a.png", "u"), &file("/tmp/b.png", "u")));
        assert!(!same_value(&file("/tmp/a.png", "u"), &Value::Text("/tmp/a.png".into())));
        assert!(same_value(&Value::Number(3.0), &Value::Number(3.0)));
    }

    #[test]
    fn a_stateful_interface_cannot_cache_its_examples() {
        use crate::{interface::IntoMounted, State};
        fn count(x: f64, State(n): State<i64>) -> (f64, State<i64>) {
            (x, State(n + 1))
        }
        let counted = Interface::new(count)
            .inputs((Number::new(), State(0i64)))
            .outputs((Number::new(), State(0i64)))
            .cache_examples(CacheMode::Lazy)
            .into_mounted("counted");
        let problems = counted.err().expect("refused");
        assert_eq!(
            problems,
            ["cached examples are answered without a session: an interface with State cannot cache them"]
        );
    }

    #[test]
    fn a_generator_whose_audio_streams_cannot_cache_its_examples() {
        use crate::{interface::IntoMounted, Audio, AudioData};
        fn chunks(x: f64) -> impl futures::Stream<Item = AudioData> {
            futures::stream::iter([AudioData::mono(8000, vec![x as f32; 80])])
        }
        let refused = Interface::new(chunks)
            .inputs(Number::new())
            .outputs(Audio::new().streaming(true))
            .examples([(0.5,)])
            .cache_examples(CacheMode::Eager)
            .into_mounted("chunks");
        let problems = refused.err().expect("refused");
        assert_eq!(
            problems,
            ["a generator whose audio streams cannot cache its examples: only its last chunk is kept"]
        );
    }
}
