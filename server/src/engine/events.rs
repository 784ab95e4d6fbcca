//! What a running call reports besides its outputs: its place in the waiting line, its
//! progress and alerts for the person waiting (Gradio's `estimation`, `gr.Progress`,
//! `gr.Info` and `gr.Warning`).
//!
//! A handler reports with [`progress`], [`track`], [`info`] and [`warning`], free functions
//! as Gradio's are: the engine runs each call's handler with its [`Reporter`] in reach (a
//! task-local for async handlers and generators, a thread-local on the blocking pool for sync
//! ones). Outside a call, or for a caller that does not listen, they do nothing. Reporting
//! never blocks the handler: a caller that falls 64 events behind loses the newest ones.

use std::{cell::RefCell, future::Future};

pub(crate) use rheo_shared::protocol::{AlertLevel, CallEvent};
use tokio::sync::mpsc;

/// Events one call may have waiting for its transport; past this, new ones are dropped.
pub(crate) const MAX_PENDING_EVENTS: usize = 64;

/// Where one call's events go.
#[derive(Clone, Debug)]
pub(crate) struct Reporter(mpsc::Sender<CallEvent>);

impl Reporter {
    /// A reporter and the events it will carry.
    pub(crate) fn new() -> (Reporter, mpsc::Receiver<CallEvent>) {
        let (sender, receiver) = mpsc::channel(MAX_PENDING_EVENTS);
        (Reporter(sender), receiver)
    }

    pub(crate) fn send(&self, event: CallEvent) {
        // Full or closed: the caller is behind or gone; the handler goes on regardless.
        let _ = self.0.try_send(event);
    }
}

/// How long an interface's calls take, for the estimate a waiting call is told: a moving
/// average of the last calls' durations (from the start of the handler to the last answer).
#[derive(Debug, Default)]
pub(crate) struct CallTimes(std::sync::Mutex<Option<f64>>);

impl CallTimes {
    /// Weight of the newest call in the average: about the last ten calls count.
    const NEWEST_WEIGHT: f64 = 0.2;

    pub(crate) fn record(&self, took: std::time::Duration) {
        let took = took.as_secs_f64();
        let mut average = self.0.lock().unwrap_or_else(|e| e.into_inner());
        *average = Some(match *average {
            Some(average) => average + Self::NEWEST_WEIGHT * (took - average),
            None => took,
        });
    }

    /// Seconds until the result of a call with `ahead` others before it, `slots` running at
    /// once: the rounds before its turn, and its own; none before any call has finished.
    pub(crate) fn eta(&self, ahead: usize, slots: usize) -> Option<f64> {
        let average = (*self.0.lock().unwrap_or_else(|e| e.into_inner()))?;
        let rounds = ahead / slots.max(1) + 1;
        Some(average * rounds as f64)
    }
}

tokio::task_local! {
    static TASK_REPORTER: Option<Reporter>;
}

thread_local! {
    static THREAD_REPORTER: RefCell<Option<Reporter>> = const { RefCell::new(None) };
}

/// Runs `work` (an async handler's or a generator's task) with `reporter` in reach.
pub(crate) fn scope<F: Future>(reporter: Option<Reporter>, work: F) -> impl Future<Output = F::Output> {
    TASK_REPORTER.scope(reporter, work)
}

/// Puts `reporter` in reach of code on this thread (a sync handler on the blocking pool)
/// until the guard is dropped.
pub(crate) fn enter(reporter: Option<Reporter>) -> Entered {
    Entered(THREAD_REPORTER.with(|current| current.replace(reporter)))
}

/// Gives the thread back its previous reporter when dropped.
pub(crate) struct Entered(Option<Reporter>);

impl Drop for Entered {
    fn drop(&mut self) {
        let previous = self.0.take();
        THREAD_REPORTER.with(|current| *current.borrow_mut() = previous);
    }
}

fn report(event: CallEvent) {
    let reporter = TASK_REPORTER
        .try_with(Clone::clone)
        .ok()
        .flatten()
        .or_else(|| THREAD_REPORTER.with(|current| current.borrow().clone()));
    if let Some(reporter) = reporter {
        reporter.send(event);
    }
}

/// Reports how far the running call has come, as Gradio's `progress(0.5, desc="…")`: the
/// page shows a bar with the description, Gradio's clients get `progress` messages. A fraction
/// outside 0..=1 is shown at the nearer end (and logged: it is the author's mistake); NaN
/// shows no bar, only the description.
///
/// ```
/// fn classify(image: rheo::image::RgbImage) -> String {
///     for step in 0..4 {
///         rheo::progress(step as f64 / 4.0, "looking closer");
///     }
///     "a cat".into()
/// }
/// # let _ = classify;
/// ```
pub fn progress(fraction: f64, description: impl Into<String>) {
    let fraction = if fraction.is_nan() {
        None
    } else {
        if !(0.0..=1.0).contains(&fraction) {
            tracing::warn!(fraction, "a progress fraction is outside 0..=1; it is shown at the nearer end");
        }
        Some(fraction.clamp(0.0, 1.0))
    };
    report(CallEvent::Progress { fraction, description: description.into() });
}

/// Reports progress over `items` as they are taken, as Gradio's `progress.tqdm(items)`: after
/// each item, the share taken so far (when the iterator knows its length) and `description`.
///
/// ```
/// fn count_words(texts: Vec<String>) -> usize {
///     rheo::track(texts, "counting").map(|text| text.split_whitespace().count()).sum()
/// }
/// # let _ = count_words;
/// ```
pub fn track<I: IntoIterator>(items: I, description: impl Into<String>) -> Tracked<I::IntoIter> {
    let items = items.into_iter();
    let total = match items.size_hint() {
        (low, Some(high)) if low == high => Some(low),
        _ => None,
    };
    Tracked { items, taken: 0, total, description: description.into() }
}

/// The iterator [`track`] makes.
#[derive(Debug)]
pub struct Tracked<I> {
    items: I,
    taken: usize,
    total: Option<usize>,
    description: String,
}

impl<I: Iterator> Iterator for Tracked<I> {
    type Item = I::Item;

    fn next(&mut self) -> Option<I::Item> {
        let item = self.items.next()?;
        self.taken += 1;
        let fraction = self.total.filter(|total| *total > 0).map(|total| self.taken as f64 / total as f64);
        let description = match self.total {
            Some(total) => format!("{} {}/{total}", self.description, self.taken),
            None => format!("{} {}", self.description, self.taken),
        };
        report(CallEvent::Progress { fraction, description });
        Some(item)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.items.size_hint()
    }
}

/// Shows `message` to the person waiting, as Gradio's `gr.Info`: a toast in the page (as
/// text: markup is not interpreted), a `log` message for Gradio's clients. The call goes on.
pub fn info(message: impl Into<String>) {
    report(CallEvent::Alert { level: AlertLevel::Info, message: message.into() });
}

/// Warns the person waiting, as Gradio's `gr.Warning`; the call goes on (return an `Err`
/// to stop it with an error).
pub fn warning(message: impl Into<String>) {
    report(CallEvent::Alert { level: AlertLevel::Warning, message: message.into() });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_task_and_a_blocking_thread_each_report_to_their_own_call() {
        let (first, mut first_events) = Reporter::new();
        let (second, mut second_events) = Reporter::new();
        scope(Some(first), async { info("from the task") }).await;
        tokio::task::spawn_blocking(move || {
            let _entered = enter(Some(second));
            warning("from the pool");
        })
        .await
        .unwrap();
        info("outside any call: nobody hears it");
        let alert = |level, message: &str| CallEvent::Alert { level, message: message.into() };
        assert_eq!(first_events.try_recv().unwrap(), alert(AlertLevel::Info, "from the task"));
        assert_eq!(second_events.try_recv().unwrap(), alert(AlertLevel::Warning, "from the pool"));
        assert!(first_events.try_recv().is_err() && second_events.try_recv().is_err());
    }

    #[tokio::test]
    async fn progress_is_kept_in_range_and_track_counts_items() {
        let (reporter, mut events) = Reporter::new();
        scope(Some(reporter), async {
            progress(1.5, "too far");
            progress(f64::NAN, "no idea");
            let doubled: Vec<i32> = track([1, 2], "doubling").map(|n| n * 2).collect();
            assert_eq!(doubled, [2, 4]);
        })
        .await;
        let progress = |fraction, description: &str| CallEvent::Progress { fraction, description: description.into() };
        let seen: Vec<CallEvent> = std::iter::from_fn(|| events.try_recv().ok()).collect();
        assert_eq!(
            seen,
            [
                progress(Some(1.0), "too far"),
                progress(None, "no idea"),
                progress(Some(0.5), "doubling 1/2"),
                progress(Some(1.0), "doubling 2/2"),
            ]
        );
    }

    #[test]
    fn the_estimate_counts_rounds_of_slots_and_follows_recent_calls() {
        let times = CallTimes::default();
        assert_eq!(times.eta(3, 1), None, "nothing to go by before a call has finished");
        times.record(std::time::Duration::from_secs(2));
        assert_eq!(times.eta(0, 1), Some(2.0), "next in line: its own call");
        assert_eq!(times.eta(3, 1), Some(8.0), "three before it, one at a time");
        assert_eq!(times.eta(3, 2), Some(4.0), "three before it, two at a time: one round, then its own");
        times.record(std::time::Duration::from_secs(12));
        assert_eq!(times.eta(0, 1), Some(4.0), "a slow call moves the average a fifth of the way");
    }

    #[tokio::test]
    async fn a_caller_that_falls_behind_loses_events_but_the_handler_goes_on() {
        let (reporter, mut events) = Reporter::new();
        scope(Some(reporter), async {
            for i in 0..MAX_PENDING_EVENTS + 10 {
                info(format!("{i}"));
            }
        })
        .await;
        assert_eq!(std::iter::from_fn(|| events.try_recv().ok()).count(), MAX_PENDING_EVENTS);
    }
}
