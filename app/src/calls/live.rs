//! "Always last" and its siblings: what a page does with an event's firings while a call of
//! it runs (Gradio's `trigger_mode`).
//!
//! "Always last", a change's rule, keeps the final input's output on screen: at most one call
//! is in flight, a change meanwhile only marks the inputs dirty, and when the answer comes one
//! new call goes out with the inputs as they are *then*. So after any burst of changes the last
//! call sent carries the last inputs, and its answer is the one that stays. "Multiple" sends a
//! call for each firing, up to [`MAX_CALLS_IN_FLIGHT`], and "always last" beyond; "once" drops
//! a firing while a call runs. Calls are numbered, and in every mode an answer older than the
//! one shown is never shown (Gradio's long-standing issue 1954 is this going wrong).

use rheo_shared::{TriggerMode, MAX_CALLS_IN_FLIGHT};

/// The bookkeeping of one event's calls on a page; the caller does the sending.
#[derive(Debug)]
pub(crate) struct CallQueue {
    mode: TriggerMode,
    last_sent: u64,
    last_shown: u64,
    in_flight: u32,
    dirty: bool,
}

/// What to do when a call's answer arrives.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Completion {
    /// Whether to show this answer (it is newer than what is shown).
    pub(crate) show: bool,
    /// The number of a follow-up call to send with the current inputs, if they changed meanwhile.
    pub(crate) send_next: Option<u64>,
    /// No call is in flight any more (and none follows).
    pub(crate) idle: bool,
}

impl CallQueue {
    pub(crate) fn new(mode: TriggerMode) -> Self {
        CallQueue { mode, last_sent: 0, last_shown: 0, in_flight: 0, dirty: false }
    }

    /// The event fired (an input changed, Submit was pressed). Returns the number of a call to
    /// send now, or `None` when this firing rides on a follow-up call or, in "once", is dropped.
    pub(crate) fn request(&mut self) -> Option<u64> {
        let room = match self.mode {
            TriggerMode::Multiple => MAX_CALLS_IN_FLIGHT,
            TriggerMode::Once | TriggerMode::AlwaysLast => 1,
        };
        if self.in_flight >= room {
            self.dirty = self.mode != TriggerMode::Once;
            return None;
        }
        self.in_flight += 1;
        self.last_sent += 1;
        Some(self.last_sent)
    }

    /// Call `seq` answered (successfully or not).
    pub(crate) fn complete(&mut self, seq: u64) -> Completion {
        let show = seq > self.last_shown;
        if show {
            self.last_shown = seq;
        }
        self.in_flight = self.in_flight.saturating_sub(1);
        let send_next = if std::mem::take(&mut self.dirty) { self.request() } else { None };
        Completion { show, send_next, idle: self.in_flight == 0 }
    }

    /// Whether answers of call `seq` may be shown now, before it completes (a generator's):
    /// it is the newest call, and nothing reset the inputs since it was sent.
    pub(crate) fn is_current(&self, seq: u64) -> bool {
        seq == self.last_sent && seq > self.last_shown
    }

    /// The inputs were reset: no answer to a call sent before now may be shown.
    pub(crate) fn discard_answers(&mut self) {
        self.last_shown = self.last_sent;
        self.dirty = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quiet_change_is_sent_at_once() {
        let mut q = CallQueue::new(TriggerMode::AlwaysLast);
        assert_eq!(q.request(), Some(1));
        assert_eq!(q.in_flight, 1);
        assert_eq!(q.complete(1), Completion { show: true, send_next: None, idle: true });
        assert_eq!(q.in_flight, 0);
    }

    #[test]
    fn a_burst_collapses_into_one_follow_up_with_the_latest_inputs() {
        let mut q = CallQueue::new(TriggerMode::AlwaysLast);
        assert_eq!(q.request(), Some(1));
        for _ in 0..9 {
            assert_eq!(q.request(), None, "only one call in flight");
        }
        assert_eq!(q.complete(1), Completion { show: true, send_next: Some(2), idle: false });
        assert_eq!(q.complete(2), Completion { show: true, send_next: None, idle: true });
        assert_eq!(q.in_flight, 0);
    }

    #[test]
    fn an_answer_older_than_the_shown_one_is_dropped() {
        let mut q = CallQueue::new(TriggerMode::AlwaysLast);
        assert_eq!(q.request(), Some(1));
        q.complete(1);
        assert_eq!(q.request(), Some(2));
        assert!(q.complete(2).show);
        // A duplicate or late answer to call 1 must not replace call 2's.
        assert_eq!(q.complete(1), Completion { show: false, send_next: None, idle: true });
    }

    #[test]
    fn a_generators_answers_show_while_it_is_the_newest_call() {
        let mut q = CallQueue::new(TriggerMode::AlwaysLast);
        assert_eq!(q.request(), Some(1));
        assert!(q.is_current(1));
        q.request(); // a change while it runs: call 2 follows
        assert!(q.is_current(1), "still the newest sent");
        assert_eq!(q.complete(1).send_next, Some(2));
        assert!(!q.is_current(1) && q.is_current(2));
        q.discard_answers();
        assert!(!q.is_current(2), "Clear or Stop: its answers are no longer shown");
    }

    #[test]
    fn answers_to_calls_before_a_reset_are_not_shown() {
        let mut q = CallQueue::new(TriggerMode::AlwaysLast);
        assert_eq!(q.request(), Some(1));
        q.request();
        q.discard_answers();
        assert_eq!(q.complete(1), Completion { show: false, send_next: None, idle: true });
        assert_eq!(q.request(), Some(2));
        assert!(q.complete(2).show);
    }

    #[test]
    fn once_drops_a_firing_while_its_call_runs() {
        let mut q = CallQueue::new(TriggerMode::Once);
        assert_eq!(q.request(), Some(1));
        assert_eq!(q.request(), None, "a second click on Submit while it runs");
        assert_eq!(q.complete(1), Completion { show: true, send_next: None, idle: true });
        assert_eq!(q.request(), Some(2), "a click after it ended runs");
    }

    #[test]
    fn multiple_answers_every_firing_up_to_its_bound_then_the_last() {
        let mut q = CallQueue::new(TriggerMode::Multiple);
        let sent: Vec<_> = (0..MAX_CALLS_IN_FLIGHT).map(|_| q.request()).collect();
        assert!(sent.iter().all(Option::is_some), "each change its own call: {sent:?}");
        assert_eq!(q.request(), None, "a ninth rides on the next");
        assert_eq!(q.request(), None);
        // Answers arriving out of order: the newest shown wins, older ones are dropped.
        assert_eq!(q.complete(3), Completion { show: true, send_next: Some(9), idle: false });
        assert!(!q.complete(2).show, "older than the one shown");
        assert!(q.complete(4).show);
        for seq in [1, 5, 6, 7, 8] {
            assert!(!q.complete(seq).idle, "call 9 still runs");
        }
        assert_eq!(q.complete(9), Completion { show: true, send_next: None, idle: true });
    }
}
