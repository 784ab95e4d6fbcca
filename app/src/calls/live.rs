//! "Always last": the rule that keeps the final input's output on screen.
//!
//! At most one call of an interface is in flight per page. An input change while one is in
//! flight only marks the inputs dirty; when the answer comes, one new call goes out with the
//! inputs as they are *then*. So after any burst of changes the last call sent carries the
//! last inputs, and its answer is the one that stays. Calls are numbered, and an answer older
//! than the one shown is never shown (Gradio's long-standing issue 1954 is this going wrong).

/// The bookkeeping of one page's calls; the caller does the sending.
#[derive(Debug, Default)]
pub(crate) struct CallQueue {
    last_sent: u64,
    last_shown: u64,
    in_flight: bool,
    dirty: bool,
}

/// What to do when a call's answer arrives.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Completion {
    /// Whether to show this answer (it is newer than what is shown).
    pub(crate) show: bool,
    /// The number of a follow-up call to send with the current inputs, if they changed meanwhile.
    pub(crate) send_next: Option<u64>,
}

impl CallQueue {
    /// The inputs changed (or Submit was pressed). Returns the number of a call to send now,
    /// or `None` when one is in flight and this change will ride on the follow-up call.
    pub(crate) fn request(&mut self) -> Option<u64> {
        if self.in_flight {
            self.dirty = true;
            return None;
        }
        self.in_flight = true;
        self.last_sent += 1;
        Some(self.last_sent)
    }

    /// Call `seq` answered (successfully or not).
    pub(crate) fn complete(&mut self, seq: u64) -> Completion {
        let show = seq > self.last_shown;
        if show {
            self.last_shown = seq;
        }
        if seq == self.last_sent {
            self.in_flight = false;
        }
        let send_next = if std::mem::take(&mut self.dirty) { self.request() } else { None };
        Completion { show, send_next }
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
        let mut q = CallQueue::default();
        assert_eq!(q.request(), Some(1));
        assert!(q.in_flight);
        assert_eq!(q.complete(1), Completion { show: true, send_next: None });
        assert!(!q.in_flight);
    }

    #[test]
    fn a_burst_collapses_into_one_follow_up_with_the_latest_inputs() {
        let mut q = CallQueue::default();
        assert_eq!(q.request(), Some(1));
        for _ in 0..9 {
            assert_eq!(q.request(), None, "only one call in flight");
        }
        assert_eq!(q.complete(1), Completion { show: true, send_next: Some(2) });
        assert_eq!(q.complete(2), Completion { show: true, send_next: None });
        assert!(!q.in_flight);
    }

    #[test]
    fn an_answer_older_than_the_shown_one_is_dropped() {
        let mut q = CallQueue::default();
        assert_eq!(q.request(), Some(1));
        q.complete(1);
        assert_eq!(q.request(), Some(2));
        assert!(q.complete(2).show);
        // A duplicate or late answer to call 1 must not replace call 2's.
        assert_eq!(q.complete(1), Completion { show: false, send_next: None });
    }

    #[test]
    fn a_generators_answers_show_while_it_is_the_newest_call() {
        let mut q = CallQueue::default();
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
        let mut q = CallQueue::default();
        assert_eq!(q.request(), Some(1));
        q.request();
        q.discard_answers();
        assert_eq!(q.complete(1), Completion { show: false, send_next: None });
        assert_eq!(q.request(), Some(2));
        assert!(q.complete(2).show);
    }
}
