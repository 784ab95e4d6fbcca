//! [`Batch`]: a handler that takes many calls' inputs at once (Gradio's `batch=True`), for
//! a model that computes a batch in about the time it takes for one input.
//!
//! Each call waits for its batch: the first call of a batch leads it (in a task of its own, so
//! that it outlives its caller). The leader waits up to `max_wait` for the batch to fill,
//! then for a run of the handler (its concurrency limit counts runs), then takes the calls
//! still waiting, at most `max_size`, oldest first, runs the function on their inputs and
//! gives each call its own output. Calls left over lead the next batch. A caller who leaves
//! before its batch is taken is left out of it.

use std::{
    collections::VecDeque,
    fmt::Display,
    sync::{Arc, Mutex},
    time::Duration,
};

use rheo_shared::{Batching, MAX_BATCH_SIZE};
use tokio::sync::{oneshot, Notify, OwnedSemaphorePermit, Semaphore};

use crate::{
    engine::{Answers, CallError, Slot},
    handler::{crashed, once, Handler, Row},
    interface::function_name,
};

/// A function of a batch of inputs, as a handler: calls that come together run together.
///
/// The function takes a `Vec` of inputs (one value per call, or a tuple per call for several
/// inputs) and returns a `Vec` with one output per input, in the same order (or a `Result` of
/// that: an error fails every call of the batch). Its inputs and outputs are checked against
/// the components like any handler's; each caller sees only its own output.
///
/// ```
/// use std::time::Duration;
/// use rheo::{Batch, Interface, Number, Textbox};
///
/// /// Many texts through the model at once: its weights are read once per batch.
/// fn shout(texts: Vec<(String, f64)>) -> Vec<String> {
///     texts.into_iter().map(|(text, times)| text.to_uppercase().repeat(times as usize)).collect()
/// }
///
/// let demo = Interface::new(Batch::new(shout).max_size(16).max_wait(Duration::from_millis(10)))
///     .inputs((Textbox::new(), Number::new().minimum(1.0).maximum(3.0)))
///     .outputs(Textbox::new());
/// # let _ = rheo::Registry::new().mount("shout", demo);
/// ```
///
/// Its concurrency limit (1 by default, as any handler's) counts runs of the function: with
/// the default, one batch runs at a time while the next one gathers. The function runs on the
/// blocking pool and, as a sync handler, cannot be stopped once it runs.
pub struct Batch<F, R, Out> {
    function: F,
    batching: Batching,
    forming: Mutex<Forming<R, Out>>,
    /// Told when the calls waiting fill a batch, so that its leader need not wait longer.
    filled: Notify,
}

/// The calls waiting for a batch, and whether one leads them.
struct Forming<R, Out> {
    waiting: VecDeque<Waiting<R, Out>>,
    led: bool,
}

/// One call waiting for its batch: its input, where its answer goes, and its slot (held by
/// the batch's work until it ends, as any handler's work holds its call's).
struct Waiting<R, Out> {
    row: R,
    answer: oneshot::Sender<Result<Out, CallError>>,
    slot: Slot,
}

impl<F, R, Ret> Batch<F, R, Ret::Row>
where
    F: Fn(Vec<R>) -> Ret + Send + Sync + 'static,
    Ret: BatchResult,
{
    /// A handler that runs `function` on batches of at most 4 calls (Gradio's
    /// `max_batch_size`), taking the calls waiting when a run may start.
    pub fn new(function: F) -> Self {
        Batch {
            function,
            batching: Batching { max_size: 4, max_wait: 0.0 },
            forming: Mutex::new(Forming { waiting: VecDeque::new(), led: false }),
            filled: Notify::new(),
        }
    }
}

impl<F, R, Out> Batch<F, R, Out> {
    /// The most calls one run takes (1 to 1024; 4 unless set).
    pub fn max_size(mut self, max_size: usize) -> Self {
        self.batching.max_size = max_size;
        self
    }

    /// How long a batch may wait for more calls before it runs (at most 10 s; none unless
    /// set): a little latency for a fuller batch when calls come one by one.
    pub fn max_wait(mut self, max_wait: Duration) -> Self {
        self.batching.max_wait = max_wait.as_secs_f64();
        self
    }
}

/// What a batch function returns: one output per input (`Vec<T>`), or a `Result` of that whose
/// error is shown to each call of the batch.
pub trait BatchResult: Send + 'static {
    /// One call's output.
    type Row: Send + 'static;
    #[doc(hidden)]
    fn into_rows(self) -> Result<Vec<Self::Row>, String>;
}

impl<T: Send + 'static> BatchResult for Vec<T> {
    type Row = T;
    fn into_rows(self) -> Result<Vec<T>, String> {
        Ok(self)
    }
}

impl<T: Send + 'static, E: Display + Send + 'static> BatchResult for Result<Vec<T>, E> {
    type Row = T;
    fn into_rows(self) -> Result<Vec<T>, String> {
        self.map_err(|e| e.to_string())
    }
}

/// Marks [`Batch`] handlers.
#[allow(unreachable_pub)]
mod marker {
    pub enum Batched {}
}

impl<F, R, Ret> Handler<marker::Batched> for Batch<F, R, Ret::Row>
where
    F: Fn(Vec<R>) -> Ret + Send + Sync + 'static,
    R: Row,
    Ret: BatchResult,
{
    type Args = R::Args;
    type Output = Ret::Row;

    fn call(self: Arc<Self>, args: R::Args, slot: Slot) -> Answers<Ret::Row> {
        let runs = slot.batch_runs();
        let (answer, answered) = oneshot::channel();
        let leads = {
            let mut forming = self.forming.lock().expect("the batch's lock");
            // Callers who left free their places in line now, not when the batch is taken.
            forming.waiting.retain(|call| !call.answer.is_closed());
            forming.waiting.push_back(Waiting { row: R::from_args(args), answer, slot });
            if forming.waiting.len() >= self.batching.max_size {
                self.filled.notify_one();
            }
            !std::mem::replace(&mut forming.led, true)
        };
        if leads {
            tokio::spawn(self.lead(runs));
        }
        // The sender is dropped unanswered only if the leader's task failed.
        once(async move { answered.await.unwrap_or(Err(CallError::Panicked)) })
    }

    fn batching(&self) -> Option<Batching> {
        Some(self.batching)
    }

    fn api_name() -> String {
        function_name::<F>()
    }
}

impl<F, R, Ret> Batch<F, R, Ret::Row>
where
    F: Fn(Vec<R>) -> Ret + Send + Sync + 'static,
    R: Row,
    Ret: BatchResult,
{
    /// Leads the batch being formed: waits for it to fill (or for `max_wait`), then for a run
    /// (one of `runs`, the handler's concurrency limit), then runs it.
    async fn lead(self: Arc<Self>, runs: Option<Arc<Semaphore>>) {
        // Without a wait, no timer either: one set for a moment already past still fires only
        // on the timer's next tick, up to a millisecond later (it cost a lone caller 1.4 ms).
        let deadline = tokio::time::Instant::now() + Duration::from_secs_f64(self.batching.max_wait);
        while !self.is_full()
            && tokio::time::Instant::now() < deadline
            && tokio::time::timeout_at(deadline, self.filled.notified()).await.is_ok()
        {}
        let run = match &runs {
            Some(runs) => Some(runs.clone().acquire_owned().await.expect("a batch's runs are never closed")),
            None => None,
        };
        let batch = self.take(&runs);
        if !batch.is_empty() {
            self.run(batch, run).await;
        }
    }

    fn is_full(&self) -> bool {
        self.forming.lock().expect("the batch's lock").waiting.len() >= self.batching.max_size
    }

    /// The calls of this batch: those still waiting for an answer, oldest first, at most
    /// `max_size`. The rest get a leader of their own.
    fn take(self: &Arc<Self>, runs: &Option<Arc<Semaphore>>) -> Vec<Waiting<R, Ret::Row>> {
        let mut forming = self.forming.lock().expect("the batch's lock");
        forming.waiting.retain(|call| !call.answer.is_closed());
        let count = forming.waiting.len().min(self.batching.max_size);
        let batch = forming.waiting.drain(..count).collect();
        if forming.waiting.is_empty() {
            forming.led = false;
        } else {
            tokio::spawn(self.clone().lead(runs.clone()));
        }
        batch
    }

    /// Runs the function on `batch` and answers each call; `run` is held until it ends.
    async fn run(self: Arc<Self>, batch: Vec<Waiting<R, Ret::Row>>, run: Option<OwnedSemaphorePermit>) {
        let mut slots = Vec::with_capacity(batch.len());
        let (rows, answers): (Vec<R>, Vec<_>) = (batch.into_iter())
            .map(|call| {
                slots.push(call.slot);
                (call.row, call.answer)
            })
            .unzip();
        let work = tokio::task::spawn_blocking(move || {
            let (_run, _slots) = (run, slots);
            (self.function)(rows).into_rows()
        });
        let outputs = match work.await {
            Ok(Ok(outputs)) if outputs.len() == answers.len() => Ok(outputs),
            Ok(Ok(outputs)) => Err(CallError::Handler(format!(
                "the batch function returned {} outputs for {} inputs; it must return one per input",
                outputs.len(),
                answers.len()
            ))),
            Ok(Err(message)) => Err(CallError::Handler(message)),
            Err(error) => Err(crashed(error)),
        };
        match outputs {
            Ok(outputs) => answers.into_iter().zip(outputs).for_each(|(answer, output)| {
                let _ = answer.send(Ok(output));
            }),
            Err(error) => answers.into_iter().for_each(|answer| {
                let _ = answer.send(Err(error.clone()));
            }),
        }
    }
}

/// The most calls one batch may take, for the line of calls admitted at once.
pub(crate) fn calls_per_run(batching: Option<&Batching>) -> usize {
    batching.map_or(1, |batching| batching.max_size.clamp(1, MAX_BATCH_SIZE))
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use futures::future::join_all;
    use rheo_shared::Value;

    use super::*;
    use crate::{
        engine::{
            files::FileStore,
            tests::{mount, number, run},
            value::Payload,
        },
        interface::IntoMounted,
        Interface, Number,
    };

    fn files() -> Arc<FileStore> {
        Arc::new(FileStore::new(4096, 1 << 30).unwrap())
    }

    fn doubled(x: f64) -> Result<Vec<Payload>, CallError> {
        Ok(vec![Payload::Json(Value::Number(2.0 * x))])
    }

    #[tokio::test]
    async fn calls_that_come_together_run_together_each_answered_with_its_own_output() {
        static SIZES: Mutex<Vec<usize>> = Mutex::new(Vec::new());
        fn double(xs: Vec<f64>) -> Vec<f64> {
            SIZES.lock().unwrap().push(xs.len());
            xs.into_iter().map(|x| 2.0 * x).collect()
        }
        let files = files();
        let batched = Batch::new(double).max_size(4).max_wait(Duration::from_millis(50));
        let mounted = mount(Interface::new(batched).inputs(Number::new()).outputs(Number::new()), "double", &files);
        let calls = (0..10).map(|x| run(&mounted, &files, number(f64::from(x))));
        let answers = join_all(calls).await;
        assert_eq!(answers, (0..10).map(|x| doubled(f64::from(x))).collect::<Vec<_>>());
        let sizes = SIZES.lock().unwrap().clone();
        assert_eq!(sizes.iter().sum::<usize>(), 10, "each call ran once: {sizes:?}");
        assert!(sizes.iter().all(|&size| size <= 4), "no batch past max_size: {sizes:?}");
        assert_eq!(sizes.len(), 3, "10 calls waiting together run as 4, 4 and 2: {sizes:?}");
    }

    #[tokio::test]
    async fn the_concurrency_limit_counts_runs_of_the_function() {
        static RUNNING: AtomicUsize = AtomicUsize::new(0);
        static MOST: AtomicUsize = AtomicUsize::new(0);
        fn slow(xs: Vec<f64>) -> Vec<f64> {
            let now = RUNNING.fetch_add(1, Ordering::SeqCst) + 1;
            MOST.fetch_max(now, Ordering::SeqCst);
            std::thread::sleep(Duration::from_millis(20));
            RUNNING.fetch_sub(1, Ordering::SeqCst);
            xs
        }
        let files = files();
        let interface = Interface::new(Batch::new(slow).max_size(4)).inputs(Number::new()).outputs(Number::new());
        let mounted = mount(interface, "slow", &files);
        // One by one, 5 ms apart: each finds the last one's batch running, with room in line
        // (4 calls) to start another, which only the limit on runs holds back.
        let spaced = (0..8).map(|x| {
            let mounted = &mounted;
            let files = &files;
            async move {
                tokio::time::sleep(Duration::from_millis(5 * x)).await;
                run(mounted, files, number(x as f64)).await
            }
        });
        let answers = join_all(spaced).await;
        assert!(answers.iter().all(Result::is_ok), "{answers:?}");
        assert_eq!(MOST.load(Ordering::SeqCst), 1, "one run at a time (the default limit)");
    }

    #[tokio::test]
    async fn a_wrong_count_or_a_panic_fails_every_call_of_the_batch_in_words() {
        fn short(xs: Vec<f64>) -> Vec<f64> {
            xs.into_iter().skip(1).collect()
        }
        fn crash(_: Vec<f64>) -> Result<Vec<f64>, String> {
            panic!("the model fell over")
        }
        let files = files();
        let batched = Batch::new(short).max_size(3).max_wait(Duration::from_millis(50));
        let mounted = mount(Interface::new(batched).inputs(Number::new()).outputs(Number::new()), "short", &files);
        let answers = join_all((0..3).map(|x| run(&mounted, &files, number(f64::from(x))))).await;
        let message = "the batch function returned 2 outputs for 3 inputs; it must return one per input";
        assert_eq!(answers, vec![Err(CallError::Handler(message.into())); 3]);
        let mounted =
            mount(Interface::new(Batch::new(crash)).inputs(Number::new()).outputs(Number::new()), "c", &files);
        assert_eq!(run(&mounted, &files, number(1.0)).await, Err(CallError::Panicked));
        assert_eq!(run(&mounted, &files, number(2.0)).await, Err(CallError::Panicked), "the next batch runs");
    }

    #[tokio::test(start_paused = true)]
    async fn a_caller_who_leaves_before_the_batch_runs_is_left_out() {
        static SIZES: Mutex<Vec<usize>> = Mutex::new(Vec::new());
        fn count(xs: Vec<f64>) -> Vec<f64> {
            SIZES.lock().unwrap().push(xs.len());
            xs
        }
        let files = files();
        let batched = Batch::new(count).max_wait(Duration::from_secs(1));
        let mounted = mount(Interface::new(batched).inputs(Number::new()).outputs(Number::new()), "count", &files);
        let leaving = tokio::time::timeout(Duration::from_millis(10), run(&mounted, &files, number(1.0)));
        let staying = async {
            tokio::time::sleep(Duration::from_millis(20)).await;
            run(&mounted, &files, number(2.0)).await
        };
        let (left, stayed) = tokio::join!(leaving, staying);
        assert!(left.is_err(), "the first caller gave up");
        assert_eq!(stayed, Ok(vec![Payload::Json(Value::Number(2.0))]));
        assert_eq!(*SIZES.lock().unwrap(), [1]);
    }

    #[test]
    fn settings_out_of_bounds_are_refused_at_mount_in_words() {
        fn same(xs: Vec<f64>) -> Vec<f64> {
            xs
        }
        let mount = |batch: Batch<_, _, _>| {
            Interface::new(batch).inputs(Number::new()).outputs(Number::new()).into_mounted("b")
        };
        let problems = mount(Batch::new(same).max_size(0).max_wait(Duration::from_secs(11))).err().unwrap();
        assert_eq!(problems, ["max_batch_size must be 1 to 1024", "a batch's max_wait must be 0 to 10 seconds"]);
        assert!(mount(Batch::new(same).max_size(1024)).is_ok());
    }

    #[test]
    fn its_api_name_is_the_functions() {
        fn embed(texts: Vec<(String, f64)>) -> Vec<String> {
            texts.into_iter().map(|(text, _)| text).collect()
        }
        fn name_of<F: Handler<M>, M>(_: &F) -> String {
            F::api_name()
        }
        assert_eq!(name_of(&Batch::new(embed)), "embed");
    }
}
