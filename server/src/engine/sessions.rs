//! [`SessionStates`]: where an interface keeps each session's `State` values between calls.
//!
//! The k-th State input of a call gets what the k-th State output returned in the session's
//! last call, or its starting value in a new session. State payloads never reach a transport:
//! they are taken out of the outputs here. Bounded: sessions per interface (the one
//! touched longest ago goes first; the server's `Limits::max_sessions`), each forgotten after
//! [`STATE_IDLE_TIMEOUT`].

use std::{
    collections::HashMap,
    sync::{
        atomic::{AtomicUsize, Ordering},
        Mutex,
    },
    time::{Duration, Instant},
};

use rheo_shared::Value;

use super::value::{Payload, StateValue};
use crate::limits::Limits;

/// How long an unused session's state is kept.
pub(crate) const STATE_IDLE_TIMEOUT: Duration = Duration::from_secs(3600);

pub(crate) struct SessionStates {
    /// The position of each State input, and the value a new session starts with.
    inputs: Vec<(usize, StateValue)>,
    /// The position of each State output.
    outputs: Vec<usize>,
    sessions: Mutex<HashMap<String, Kept>>,
    /// Sessions kept at most (the server's `Limits::max_sessions`).
    max_sessions: AtomicUsize,
}

struct Kept {
    values: Vec<StateValue>,
    touched: Instant,
}

impl SessionStates {
    /// The States among an interface's inputs and outputs (their starting values, by position).
    /// Errs, in words, when the outputs do not pair with the inputs.
    pub(crate) fn new(inputs: Vec<Option<StateValue>>, outputs: Vec<Option<StateValue>>) -> Result<Self, Vec<String>> {
        let inputs: Vec<(usize, StateValue)> =
            inputs.into_iter().enumerate().filter_map(|(i, s)| Some((i, s?))).collect();
        let output_starts: Vec<(usize, StateValue)> =
            outputs.into_iter().enumerate().filter_map(|(i, s)| Some((i, s?))).collect();
        let mut problems = Vec::new();
        if output_starts.len() > inputs.len() {
            problems.push("each State output needs a State input to carry its value to the next call".to_string());
        }
        for (k, ((_, input), (_, output))) in inputs.iter().zip(&output_starts).enumerate() {
            if (**input).type_id() != (**output).type_id() {
                problems.push(format!("State output {} holds another type than State input {}", k + 1, k + 1));
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let outputs = output_starts.into_iter().map(|(position, _)| position).collect();
        let max_sessions = AtomicUsize::new(Limits::default().max_sessions);
        Ok(SessionStates { inputs, outputs, sessions: Mutex::default(), max_sessions })
    }

    pub(crate) fn set_max_sessions(&self, sessions: usize) {
        self.max_sessions.store(sessions, Ordering::Release);
    }

    /// Puts the session's State values into the inputs (starting values without a session).
    pub(crate) fn fill(&self, session: Option<&str>, inputs: &mut [Payload]) {
        if self.inputs.is_empty() {
            return;
        }
        let kept = session.and_then(|session| {
            let mut sessions = self.sessions.lock().expect("poisoned");
            let kept = sessions.get_mut(session)?;
            kept.touched = Instant::now();
            Some(kept.values.clone())
        });
        for (k, (position, start)) in self.inputs.iter().enumerate() {
            let value = kept.as_ref().map_or(start, |values| &values[k]);
            inputs[*position] = Payload::State(value.clone());
        }
    }

    /// Takes the State values out of the outputs (leaving nulls) and keeps them for the session.
    pub(crate) fn keep(&self, session: Option<&str>, outputs: &mut [Payload]) {
        let mut returned = Vec::new();
        for (k, position) in self.outputs.iter().enumerate() {
            if let Payload::State(value) = std::mem::replace(&mut outputs[*position], Payload::Json(Value::Null)) {
                returned.push((k, value));
            }
        }
        let Some(session) = session.filter(|_| !returned.is_empty()) else { return };
        let mut sessions = self.sessions.lock().expect("poisoned");
        sessions.retain(|_, kept| kept.touched.elapsed() < STATE_IDLE_TIMEOUT);
        if !sessions.contains_key(session) && sessions.len() >= self.max_sessions.load(Ordering::Acquire) {
            let oldest = sessions.iter().min_by_key(|(_, kept)| kept.touched).map(|(id, _)| id.clone());
            sessions.remove(&oldest.expect("the map is full"));
        }
        let starts = || self.inputs.iter().map(|(_, start)| start.clone()).collect();
        let kept =
            sessions.entry(session.to_owned()).or_insert_with(|| Kept { values: starts(), touched: Instant::now() });
        kept.touched = Instant::now();
        for (k, value) in returned {
            kept.values[k] = value;
        }
    }

    /// Drops the session's state: its page has closed.
    pub(crate) fn forget(&self, session: &str) {
        self.sessions.lock().expect("poisoned").remove(session);
    }

    /// Sessions with state kept now.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.sessions.lock().expect("poisoned").len()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    fn number(n: u32) -> StateValue {
        Arc::new(n)
    }

    fn held(payload: &Payload) -> u32 {
        match payload {
            Payload::State(value) => *value.downcast_ref::<u32>().unwrap(),
            other => panic!("not a state: {other:?}"),
        }
    }

    /// One State input (position 1) and one State output (position 0), starting at 0.
    fn states() -> SessionStates {
        SessionStates::new(vec![None, Some(number(0))], vec![Some(number(0)), None]).unwrap()
    }

    fn call(states: &SessionStates, session: Option<&str>, returns: u32) -> u32 {
        let mut inputs = vec![Payload::Json(Value::Null), Payload::Json(Value::Null)];
        states.fill(session, &mut inputs);
        let mut outputs = vec![Payload::State(number(returns)), Payload::Json(Value::Number(1.0))];
        states.keep(session, &mut outputs);
        assert_eq!(outputs[0], Payload::Json(Value::Null), "state never leaves the server");
        held(&inputs[1])
    }

    #[test]
    fn each_session_sees_only_its_own_history() {
        let states = states();
        assert_eq!(call(&states, Some("a"), 1), 0, "a new session starts at the starting value");
        assert_eq!(call(&states, Some("b"), 10), 0);
        assert_eq!(call(&states, Some("a"), 2), 1);
        assert_eq!(call(&states, Some("b"), 11), 10);
        assert_eq!(call(&states, None, 5), 0, "no session, no history");
        assert_eq!(call(&states, None, 6), 0);
        assert_eq!(states.len(), 2);
    }

    #[test]
    fn a_forgotten_session_starts_again() {
        let states = states();
        call(&states, Some("a"), 7);
        states.forget("a");
        assert_eq!(call(&states, Some("a"), 8), 0);
    }

    #[test]
    fn sessions_are_bounded_oldest_first() {
        const MAX_SESSIONS: usize = 16;
        let states = states();
        states.set_max_sessions(MAX_SESSIONS);
        for session in 0..MAX_SESSIONS {
            call(&states, Some(&session.to_string()), 1);
        }
        call(&states, Some("0"), 2); // touched again: now the newest
        call(&states, Some("one more"), 1);
        assert_eq!(states.len(), MAX_SESSIONS);
        assert_eq!(call(&states, Some("0"), 3), 2, "kept");
        assert_eq!(call(&states, Some("1"), 3), 0, "the oldest was forgotten");
    }

    #[test]
    fn outputs_must_pair_with_inputs_of_the_same_type() {
        let text: StateValue = Arc::new(String::new());
        let problems = SessionStates::new(vec![Some(number(0))], vec![Some(text.clone()), Some(text)]).err().unwrap();
        assert_eq!(
            problems,
            [
                "each State output needs a State input to carry its value to the next call",
                "State output 1 holds another type than State input 1"
            ]
        );
    }
}
