//! What the page shows of a call besides its outputs: its place in line and its progress
//! ([`CallStatus`], a bar with the handler's words), and its alerts ([`Toasts`]), from the
//! events the server sends with the answer (`rheo_shared::protocol::CallEvent`).

use rheo_shared::{
    i18n::{Strings, Text},
    protocol::{AlertLevel, CallEvent},
};

/// Where the page's call is, as far as its events tell.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) enum CallStatus {
    /// No call, or one that has said nothing yet.
    #[default]
    Quiet,
    /// Waiting for a slot behind `ahead` others; `eta`: seconds until its result.
    Waiting { ahead: usize, eta: Option<f64> },
    /// Running; the handler's last word on how far it is (a fraction in 0..=1, or none).
    Running { fraction: Option<f64>, description: String },
}

impl CallStatus {
    /// The status after `event`. An alert leaves it as it is (it becomes a toast).
    pub(crate) fn after(self, event: &CallEvent) -> CallStatus {
        match event {
            CallEvent::Waiting { ahead, eta } => CallStatus::Waiting { ahead: *ahead, eta: *eta },
            CallEvent::Started => CallStatus::Running { fraction: None, description: String::new() },
            CallEvent::Progress { fraction, description } => {
                // The server keeps fractions in range; a bar never goes past its ends regardless.
                let fraction = fraction.filter(|f| f.is_finite()).map(|f| f.clamp(0.0, 1.0));
                CallStatus::Running { fraction, description: description.clone() }
            }
            CallEvent::Alert { .. } => self,
        }
    }

    /// The words shown with the bar, in the page's language (`words`).
    pub(crate) fn text(&self, words: &Strings) -> String {
        match self {
            CallStatus::Quiet => String::new(),
            CallStatus::Waiting { ahead: 0, eta } => words.get(Text::NextInLine).to_owned() + &eta_text(words, *eta),
            CallStatus::Waiting { ahead, eta } => {
                words.fill(Text::InLine, &[("ahead", ahead)]) + &eta_text(words, *eta)
            }
            CallStatus::Running { description, .. } => description.clone(),
        }
    }

    /// How full the bar is: none for a bar that only says something is going on.
    pub(crate) fn fraction(&self) -> Option<f64> {
        match self {
            CallStatus::Running { fraction, .. } => *fraction,
            CallStatus::Quiet | CallStatus::Waiting { .. } => None,
        }
    }

    /// Whether there is anything to show.
    pub(crate) fn is_shown(&self) -> bool {
        !matches!(self, CallStatus::Quiet)
    }
}

fn eta_text(words: &Strings, eta: Option<f64>) -> String {
    match eta {
        Some(seconds) if seconds.is_finite() => {
            // Whole seconds, as an integer: formatting a float would bring Rust's float printer.
            words.fill(Text::AboutSeconds, &[("seconds", &(seconds.ceil().max(1.0) as u64))])
        }
        _ => String::new(),
    }
}

/// One alert on screen.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Toast {
    pub(crate) id: u64,
    pub(crate) level: AlertLevel,
    pub(crate) message: String,
}

/// The alerts on screen, newest last; at most [`Toasts::MAX_SHOWN`] (the oldest go first).
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Toasts {
    shown: Vec<Toast>,
    next_id: u64,
}

impl Toasts {
    /// More at once would cover the page; a handler that warns in a loop shows its latest.
    pub(crate) const MAX_SHOWN: usize = 4;

    /// Shows an alert; returns its id, to dismiss it by.
    pub(crate) fn push(&mut self, level: AlertLevel, message: String) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        self.shown.push(Toast { id, level, message });
        if self.shown.len() > Self::MAX_SHOWN {
            self.shown.remove(0);
        }
        id
    }

    /// Removes the alert `id` (closed, or its time is up); gone already is fine.
    pub(crate) fn dismiss(&mut self, id: u64) {
        self.shown.retain(|toast| toast.id != id);
    }

    pub(crate) fn shown(&self) -> &[Toast] {
        &self.shown
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_status_follows_a_call_through_the_line_and_its_progress() {
        let status = CallStatus::default();
        assert!(!status.is_shown(), "a call that has said nothing shows nothing");
        let status = status.after(&CallEvent::Waiting { ahead: 2, eta: Some(3.2) });
        let english = Strings::english();
        assert_eq!(status.text(&english), "In line: 2 ahead · about 4 s");
        let status = status.after(&CallEvent::Waiting { ahead: 0, eta: None });
        assert_eq!(status.text(&english), "Next in line");
        assert_eq!(status.fraction(), None);
        let status = status.after(&CallEvent::Started);
        assert!(status.is_shown(), "running: the bar shows, without words yet");
        let status = status.after(&CallEvent::Progress { fraction: Some(0.25), description: "looking".into() });
        let alert = CallEvent::Alert { level: AlertLevel::Info, message: "hi".into() };
        let status = status.after(&alert);
        assert_eq!(
            (status.fraction(), status.text(&english)),
            (Some(0.25), "looking".to_string()),
            "an alert leaves it"
        );
    }

    #[test]
    fn a_bar_never_goes_past_its_ends() {
        let status =
            CallStatus::default().after(&CallEvent::Progress { fraction: Some(7.0), description: String::new() });
        assert_eq!(status.fraction(), Some(1.0));
        let status = status.after(&CallEvent::Progress { fraction: Some(f64::NAN), description: String::new() });
        assert_eq!(status.fraction(), None);
    }

    #[test]
    fn toasts_are_bounded_and_dismissed_by_id() {
        let mut toasts = Toasts::default();
        let ids: Vec<u64> = (0..6).map(|i| toasts.push(AlertLevel::Warning, format!("w{i}"))).collect();
        let messages: Vec<&str> = toasts.shown().iter().map(|t| t.message.as_str()).collect();
        assert_eq!(messages, ["w2", "w3", "w4", "w5"], "the oldest go first");
        toasts.dismiss(ids[3]);
        toasts.dismiss(ids[0]); // gone already
        let messages: Vec<&str> = toasts.shown().iter().map(|t| t.message.as_str()).collect();
        assert_eq!(messages, ["w2", "w4", "w5"]);
    }
}
