//! The frame window of a webcam stream: how many frames may be on their way, and which
//! answers may be shown; [`Pacing`], which is that window, or a conversation's numbering; and
//! [`OneLoadAtATime`], how an output image shows the answers it is given.
//!
//! A frame is captured only when fewer than [`MAX_IN_FLIGHT`] are unanswered; otherwise that
//! tick of the camera is skipped, so a slow server makes the stream drop frames rather than
//! build a queue (and latency). Answers carry their frame's number; one older than the answer
//! on screen is never shown.

use std::borrow::Borrow;

/// Frames captured and not yet answered, at most: one being encoded or sent, one processed,
/// one on its way back. With two, a 60 fps camera lost the frame that came while both were
/// out, each time a round trip took over two frames' time (33 ms), as it often did here.
pub(crate) const MAX_IN_FLIGHT: usize = 3;

#[derive(Debug, Default)]
pub(crate) struct FrameWindow {
    last_sent: u32,
    last_shown: u32,
    in_flight: usize,
    shown: u64,
}

impl FrameWindow {
    /// A number for a new frame, or `None` when the window is full (skip this tick).
    pub(crate) fn reserve(&mut self) -> Option<u32> {
        if self.in_flight >= MAX_IN_FLIGHT {
            return None;
        }
        self.in_flight += 1;
        self.last_sent += 1;
        Some(self.last_sent)
    }

    /// Frame `seq` got its reply (an answer when `answered`, else skipped, failed or never
    /// sent). Returns whether to show the answer: only when it is newer than the one shown.
    pub(crate) fn settle(&mut self, seq: u32, answered: bool) -> bool {
        self.in_flight = self.in_flight.saturating_sub(1);
        let show = answered && seq > self.last_shown;
        if show {
            self.last_shown = seq;
            self.shown += 1;
        }
        show
    }

    /// Answers shown so far.
    pub(crate) fn shown(&self) -> u64 {
        self.shown
    }
}

/// How a stream paces its frames and shows its answers: a [`FrameWindow`] for a stream whose
/// every frame is answered, or, for a conversation (which answers when it likes), every frame
/// numbered and sent (the socket's buffer is its bound) and every answer shown, in order.
#[derive(Debug)]
pub(crate) enum Pacing {
    Window(FrameWindow),
    Conversation { sent: u32, shown: u64 },
}

impl Pacing {
    pub(crate) fn new(conversation: bool) -> Self {
        match conversation {
            true => Pacing::Conversation { sent: 0, shown: 0 },
            false => Pacing::Window(FrameWindow::default()),
        }
    }

    /// Frames an encoder may have on their way at first: the window's, or for a conversation
    /// as many as it makes (the socket's buffer bounds them). Each settled frame gives one back.
    pub(crate) fn credits(&self) -> u32 {
        match self {
            Pacing::Window(_) => MAX_IN_FLIGHT as u32,
            Pacing::Conversation { .. } => u32::MAX / 2,
        }
    }

    /// A number for a new frame, or `None` to skip this tick.
    pub(crate) fn reserve(&mut self) -> Option<u32> {
        match self {
            Pacing::Window(window) => window.reserve(),
            Pacing::Conversation { sent, .. } => {
                *sent += 1;
                Some(*sent)
            }
        }
    }

    /// Frame or answer `seq` was settled (see [`FrameWindow::settle`]); says whether to show it.
    /// A conversation's answers are numbered apart from its frames, and all are shown.
    pub(crate) fn settle(&mut self, seq: u32, answered: bool) -> bool {
        match self {
            Pacing::Window(window) => window.settle(seq, answered),
            Pacing::Conversation { shown, .. } => {
                *shown += u64::from(answered);
                answered
            }
        }
    }

    pub(crate) fn shown(&self) -> u64 {
        match self {
            Pacing::Window(window) => window.shown(),
            Pacing::Conversation { shown, .. } => *shown,
        }
    }
}

/// The source an output `<img>` is given, one load at a time. Setting an `<img>`'s `src` while
/// it loads aborts that load, and the image is never shown: at 60 fps, answers that came close
/// together replaced images still loading, and the page showed 50 to 57 of its 57 answers a
/// second. So a new source waits while one loads, and is set at the animation frame after that
/// load. The loaded one is painted in that frame all the same: the `<img>` shows it until the
/// next has loaded, which cannot happen before the paint. Only the newest waits (an older one
/// would be stale), and not longer than [`LOAD_PATIENCE_MS`] (a load that hangs is given up).
///
/// A stream's pictures painted on a canvas (`browser::picture`) are decoded by the same rule:
/// one at a time, the newest waiting, so decodes never pile up behind a slow one.
#[derive(Debug)]
pub(crate) struct OneLoadAtATime<T> {
    current: Option<T>,
    /// When the current source was set, while it loads.
    loading_since: Option<f64>,
    waiting: Option<T>,
}

/// How long a load may hold the sources that came after it, in milliseconds.
pub(crate) const LOAD_PATIENCE_MS: f64 = 1000.0;

impl<T> Default for OneLoadAtATime<T> {
    fn default() -> Self {
        OneLoadAtATime { current: None, loading_since: None, waiting: None }
    }
}

impl<T: PartialEq + Clone> OneLoadAtATime<T> {
    /// Starting with `shown`, which the page may have loaded before it was watched.
    pub(crate) fn showing(shown: Option<T>) -> Self {
        OneLoadAtATime { current: shown, loading_since: None, waiting: None }
    }

    /// A new source at `now` (ms): `Some` to set it now, or `None` while one loads (it waits).
    pub(crate) fn offer(&mut self, src: T, now: f64) -> Option<T> {
        if self.current.as_ref() == Some(&src) {
            // The same source again would load again, or fire no load to end this one.
            self.waiting = None;
            return None;
        }
        match self.loading_since {
            Some(since) if now - since < LOAD_PATIENCE_MS => {
                self.waiting = Some(src);
                None
            }
            _ => self.start(src, now),
        }
    }

    /// Whether `src` is the source set last: a load of any other is not to be shown.
    pub(crate) fn is_current<Q: PartialEq + ?Sized>(&self, src: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        self.current.as_ref().map(Borrow::borrow) == Some(src)
    }

    /// `src` has loaded (or failed to), and this is the animation frame after: the source
    /// waiting, if any, to set now. A load of a source no longer current is ignored.
    pub(crate) fn painted<Q: PartialEq + ?Sized>(&mut self, src: &Q, now: f64) -> Option<T>
    where
        T: Borrow<Q>,
    {
        if !self.is_current(src) {
            return None;
        }
        self.loading_since = None;
        self.waiting.take().and_then(|src| self.start(src, now))
    }

    /// No source: nothing loads or waits.
    pub(crate) fn clear(&mut self) {
        *self = OneLoadAtATime::default();
    }

    fn start(&mut self, src: T, now: f64) -> Option<T> {
        self.loading_since = Some(now);
        self.current = Some(src.clone());
        Some(src)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bug this prevents: a conversation's answers, numbered apart from its frames, were
    /// held to the window, so a reply of many chunks showed one and two unanswered frames
    /// stopped the microphone.
    #[test]
    fn a_conversation_sends_every_frame_and_shows_every_answer() {
        let mut pacing = Pacing::new(true);
        assert_eq!((1..=5).map(|_| pacing.reserve()).collect::<Vec<_>>(), (1..=5).map(Some).collect::<Vec<_>>());
        assert!(pacing.settle(2, true) && pacing.settle(1, true), "every answer shows, whatever its number");
        assert!(!pacing.settle(3, false), "a skipped frame shows nothing");
        assert_eq!(pacing.shown(), 2);
        let mut window = Pacing::new(false);
        assert!((0..MAX_IN_FLIGHT).all(|_| window.reserve().is_some()) && window.reserve().is_none());
    }

    #[test]
    fn a_full_window_skips_capturing() {
        let mut window = FrameWindow::default();
        assert_eq!(window.reserve(), Some(1));
        assert_eq!(window.reserve(), Some(2));
        assert_eq!(window.reserve(), Some(3));
        assert_eq!(window.reserve(), None, "three in flight: this tick is skipped");
        assert!(window.settle(1, true));
        assert_eq!(window.reserve(), Some(4));
    }

    #[test]
    fn an_older_answer_never_replaces_a_newer_one() {
        let mut window = FrameWindow::default();
        let (first, second) = (window.reserve().unwrap(), window.reserve().unwrap());
        assert!(window.settle(second, true));
        assert!(!window.settle(first, true), "frame 1 answered after frame 2: not shown");
        assert_eq!(window.shown(), 1);
    }

    #[test]
    fn skipped_and_failed_frames_free_their_place() {
        let mut window = FrameWindow::default();
        window.reserve();
        window.reserve();
        window.reserve();
        assert!(!window.settle(1, false));
        assert!(!window.settle(2, false));
        assert_eq!(window.reserve(), Some(4));
        assert_eq!(window.reserve(), Some(5));
    }

    #[test]
    fn an_image_loading_is_not_replaced_and_only_the_newest_waits() {
        let mut image = OneLoadAtATime::<String>::default();
        assert_eq!(image.offer("a".into(), 0.0).as_deref(), Some("a"), "nothing loads: set at once");
        assert_eq!(image.offer("b".into(), 1.0), None, "a loads: b waits");
        assert_eq!(image.offer("c".into(), 2.0), None, "c waits in b's place");
        assert_eq!(image.painted("a", 3.0).as_deref(), Some("c"));
        assert_eq!(image.painted("c", 4.0), None, "nothing waits");
        assert_eq!(image.painted("c", 5.0), None, "nothing loads");
        assert_eq!(image.offer("d".into(), 6.0).as_deref(), Some("d"));
    }

    #[test]
    fn the_same_source_again_is_not_set_again() {
        let mut image = OneLoadAtATime::<String>::showing(Some("a".into()));
        assert_eq!(image.offer("a".into(), 0.0), None, "already shown: it would fire no new load");
        assert_eq!(image.offer("b".into(), 0.0).as_deref(), Some("b"), "the page's first image is not loading");
        assert_eq!(image.offer("c".into(), 1.0), None);
        assert_eq!(image.offer("b".into(), 2.0), None, "back to the one loading: c no longer waits");
        assert_eq!(image.painted("b", 3.0), None);
    }

    /// The bug this prevents: a load's animation frame, still to come when the output was
    /// cleared and given a new source, ended that source's load, and the next source aborted it.
    #[test]
    fn a_late_load_of_an_older_source_ends_nothing() {
        let mut image = OneLoadAtATime::<String>::default();
        image.offer("a".into(), 0.0);
        image.clear();
        assert_eq!(image.offer("b".into(), 1.0).as_deref(), Some("b"), "cleared: set at once");
        assert_eq!(image.painted("a", 2.0), None);
        assert_eq!(image.offer("c".into(), 3.0), None, "b still loads");
        assert_eq!(image.painted("b", 4.0).as_deref(), Some("c"));
    }

    #[test]
    fn a_load_that_hangs_holds_the_next_source_only_so_long() {
        let mut image = OneLoadAtATime::<String>::default();
        image.offer("a".into(), 0.0);
        assert_eq!(image.offer("b".into(), LOAD_PATIENCE_MS - 1.0), None);
        assert_eq!(image.offer("c".into(), LOAD_PATIENCE_MS).as_deref(), Some("c"), "a is given up");
        assert_eq!(image.painted("a", LOAD_PATIENCE_MS + 1.0), None, "a's load, had it come, ends nothing");
    }
}
