//! [`SessionStates`]: where an app keeps each session's `State` values between calls.
//!
//! An app's States are slots, each with the value a new session starts with; each endpoint's
//! [`StateWiring`] says which of its inputs read which slot and which of its outputs write
//! one. An interface's k-th State input reads slot k, which its k-th State output writes; a
//! Blocks app's State components are its slots, shared by every event that names them. State
//! payloads never reach a transport: they are taken out of the outputs here. Two backends
//! behind one seam: in memory (the default), bounded in sessions per app (the server's
//! `Limits::max_sessions`; the one touched longest ago goes first), each forgotten after
//! [`STATE_IDLE_TIMEOUT`]; or, with a shared store, in Redis, so that any replica can serve a
//! session's next call, bounded in number the same way (an index of the app's sessions by
//! when each was last used, which every replica trims).

use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

use rheo_shared::Value;

use super::{
    value::{Payload, StateValue},
    CallError,
};
use crate::store::{Backend, StoreError};

/// How long an unused session's state is kept.
pub(crate) const STATE_IDLE_TIMEOUT: Duration = Duration::from_secs(3600);
/// The largest State value the shared store takes, as JSON.
#[cfg(feature = "redis")]
pub(crate) const MAX_SHARED_STATE_BYTES: usize = 1 << 20;

/// Which of an endpoint's inputs read which of the app's State slots, and which of its
/// outputs write one: (position, slot) pairs. Choices are kept in slots too: a Radio or a
/// Dropdown an update may give other choices has a slot holding the session's choices (a
/// `Vec<String>`, starting as declared), which its updates write and its readers check against.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct StateWiring {
    inputs: Vec<(usize, usize)>,
    outputs: Vec<(usize, usize)>,
    choice_inputs: Vec<(usize, usize)>,
    choice_outputs: Vec<(usize, usize)>,
}

impl StateWiring {
    pub(crate) fn new(inputs: Vec<(usize, usize)>, outputs: Vec<(usize, usize)>) -> Self {
        StateWiring { inputs, outputs, ..StateWiring::default() }
    }

    /// This wiring with the inputs whose choices the session keeps, and the outputs whose
    /// updates change them: (position, slot) pairs.
    pub(crate) fn with_choices(mut self, inputs: Vec<(usize, usize)>, outputs: Vec<(usize, usize)>) -> Self {
        self.choice_inputs = inputs;
        self.choice_outputs = outputs;
        self
    }

    /// This wiring in an app whose slots before these are `first` more (its app embedded in
    /// another: a tab of a tabbed interface).
    pub(crate) fn shifted(self, first: usize) -> Self {
        let shift =
            |pairs: Vec<(usize, usize)>| pairs.into_iter().map(|(position, slot)| (position, slot + first)).collect();
        StateWiring {
            inputs: shift(self.inputs),
            outputs: shift(self.outputs),
            choice_inputs: shift(self.choice_inputs),
            choice_outputs: shift(self.choice_outputs),
        }
    }

    /// The positions of the inputs whose choices are the session's: checked in the call.
    pub(crate) fn session_choices(&self) -> impl Iterator<Item = usize> + '_ {
        self.choice_inputs.iter().map(|&(position, _)| position)
    }

    /// An interface's States among its inputs and outputs (their starting values, by
    /// position): the slots' starting values (one per State input) and the wiring. Errs, in
    /// words, when the outputs do not pair with the inputs.
    pub(crate) fn interface(
        inputs: Vec<Option<StateValue>>,
        outputs: Vec<Option<StateValue>>,
    ) -> Result<(Vec<StateValue>, Self), Vec<String>> {
        let inputs: Vec<(usize, StateValue)> =
            inputs.into_iter().enumerate().filter_map(|(i, s)| Some((i, s?))).collect();
        let outputs: Vec<(usize, StateValue)> =
            outputs.into_iter().enumerate().filter_map(|(i, s)| Some((i, s?))).collect();
        let mut problems = Vec::new();
        if outputs.len() > inputs.len() {
            problems.push("each State output needs a State input to carry its value to the next call".to_string());
        }
        for (k, ((_, input), (_, output))) in inputs.iter().zip(&outputs).enumerate() {
            if (**input).type_id() != (**output).type_id() {
                problems.push(format!("State output {} holds another type than State input {}", k + 1, k + 1));
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let wiring = StateWiring::new(
            inputs.iter().enumerate().map(|(slot, (position, _))| (*position, slot)).collect(),
            outputs.iter().enumerate().map(|(slot, (position, _))| (*position, slot)).collect(),
        );
        Ok((inputs.into_iter().map(|(_, start)| start).collect(), wiring))
    }
}

/// The sessions' State values of one app, kept by one of two backends behind one seam
/// ([`Kept`]): the engine reads the same either way.
pub(crate) struct SessionStates {
    /// What each slot holds in a new session.
    starts: Vec<StateValue>,
    kept: Kept,
}

/// Where the values are kept.
enum Kept {
    Memory(InMemory),
    #[cfg(feature = "redis")]
    Shared(shared::InRedis),
}

impl SessionStates {
    /// The State values of app `name`, a slot per starting value in `starts`, kept by
    /// `backend`, at most `max_sessions` sessions (the server's `Limits::max_sessions`).
    pub(crate) fn new(starts: Vec<StateValue>, backend: &Backend, name: &str, max_sessions: usize) -> Self {
        let kept = match backend {
            Backend::Memory => Kept::Memory(InMemory { sessions: Mutex::default(), max_sessions }),
            #[cfg(feature = "redis")]
            Backend::Redis(store) => {
                Kept::Shared(shared::InRedis { store: store.clone(), name: name.to_owned(), max_sessions })
            }
        };
        #[cfg(not(feature = "redis"))]
        let _ = name;
        SessionStates { starts, kept }
    }

    /// Puts the session's State values into the inputs `wiring` names (starting values
    /// without a session); gives back the session's choices of the inputs that have them, by
    /// position, to check their values against.
    pub(crate) async fn fill(
        &self,
        wiring: &StateWiring,
        session: Option<&str>,
        inputs: &mut [Payload],
    ) -> Result<Vec<(usize, Vec<String>)>, CallError> {
        if wiring.inputs.is_empty() && wiring.choice_inputs.is_empty() {
            return Ok(Vec::new());
        }
        let kept = match session {
            None => None,
            Some(session) => match &self.kept {
                Kept::Memory(memory) => memory.load(session),
                #[cfg(feature = "redis")]
                Kept::Shared(shared) => Some(shared.load(session, &self.starts).await?),
            },
        };
        let slot = |slot: usize| kept.as_ref().map_or(&self.starts[slot], |values| &values[slot]);
        for &(position, state) in &wiring.inputs {
            inputs[position] = Payload::State(slot(state).clone());
        }
        let choices = wiring.choice_inputs.iter().map(|&(position, choices)| {
            let choices = (&**slot(choices) as &dyn std::any::Any).downcast_ref::<Vec<String>>();
            (position, choices.expect("a choices slot holds choices").clone())
        });
        Ok(choices.collect())
    }

    /// Takes the State values out of the outputs `wiring` names (leaving nulls) and keeps them
    /// for the session, with the choices its updates give.
    pub(crate) async fn keep(
        &self,
        wiring: &StateWiring,
        session: Option<&str>,
        outputs: &mut [Payload],
    ) -> Result<(), CallError> {
        let mut returned = Vec::new();
        for &(position, slot) in &wiring.outputs {
            if let Payload::State(value) = std::mem::replace(&mut outputs[position], Payload::Json(Value::Null)) {
                returned.push((slot, value));
            }
        }
        for &(position, slot) in &wiring.choice_outputs {
            if let Payload::Update { look: rheo_shared::Update { choices: Some(choices), .. }, .. } = &outputs[position]
            {
                returned.push((slot, std::sync::Arc::new(choices.clone()) as StateValue));
            }
        }
        let Some(session) = session.filter(|_| !returned.is_empty()) else { return Ok(()) };
        match &self.kept {
            Kept::Memory(memory) => memory.save(session, || self.starts.clone(), returned),
            #[cfg(feature = "redis")]
            Kept::Shared(shared) => shared.save(session, returned).await?,
        }
        Ok(())
    }

    /// Drops the session's state: its page has closed.
    pub(crate) async fn forget(&self, session: &str) -> Result<(), StoreError> {
        match &self.kept {
            Kept::Memory(memory) => {
                memory.sessions.lock().expect("poisoned").remove(session);
                Ok(())
            }
            #[cfg(feature = "redis")]
            Kept::Shared(shared) => shared.forget(session).await,
        }
    }

    /// Sessions with state kept now.
    #[cfg(test)]
    fn len(&self) -> usize {
        match &self.kept {
            Kept::Memory(memory) => memory.sessions.lock().expect("poisoned").len(),
            #[cfg(feature = "redis")]
            Kept::Shared(_) => unreachable!("counted in memory only"),
        }
    }
}

/// The in-memory backend: bounded in sessions (the one touched longest ago goes first), each
/// forgotten after [`STATE_IDLE_TIMEOUT`].
struct InMemory {
    sessions: Mutex<HashMap<String, Session>>,
    max_sessions: usize,
}

struct Session {
    values: Vec<StateValue>,
    touched: Instant,
}

impl InMemory {
    fn load(&self, session: &str) -> Option<Vec<StateValue>> {
        let mut sessions = self.sessions.lock().expect("poisoned");
        sessions.get_mut(session).map(|kept| {
            kept.touched = Instant::now();
            kept.values.clone()
        })
    }

    fn save(&self, session: &str, starts: impl FnOnce() -> Vec<StateValue>, returned: Vec<(usize, StateValue)>) {
        let mut sessions = self.sessions.lock().expect("poisoned");
        sessions.retain(|_, kept| kept.touched.elapsed() < STATE_IDLE_TIMEOUT);
        if !sessions.contains_key(session) && sessions.len() >= self.max_sessions {
            let oldest = sessions.iter().min_by_key(|(_, kept)| kept.touched).map(|(id, _)| id.clone());
            sessions.remove(&oldest.expect("the map is full"));
        }
        let kept =
            sessions.entry(session.to_owned()).or_insert_with(|| Session { values: starts(), touched: Instant::now() });
        kept.touched = Instant::now();
        for (k, value) in returned {
            kept.values[k] = value;
        }
    }
}

/// The Redis backend, so that any replica can serve a session's next call: a hash per session
/// (a field per State, its JSON, at most [`MAX_SHARED_STATE_BYTES`]) that expires after
/// [`STATE_IDLE_TIMEOUT`] idle.
#[cfg(feature = "redis")]
mod shared {
    use std::{collections::HashMap, sync::Arc};

    use super::{CallError, StateValue, MAX_SHARED_STATE_BYTES, STATE_IDLE_TIMEOUT};
    use crate::store::{SharedStore, StoreError};

    /// [`STATE_IDLE_TIMEOUT`] as Redis's `EXPIRE` takes it.
    const IDLE_SECONDS: i64 = STATE_IDLE_TIMEOUT.as_secs() as i64;

    /// Milliseconds since the Unix epoch: a session's score in the index (replicas' clocks
    /// agree well enough to order sessions idle for minutes).
    fn now() -> u64 {
        let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
        since.map_or(0, |since| since.as_millis() as u64)
    }

    pub(super) struct InRedis {
        pub(super) store: Arc<SharedStore>,
        /// The app's name, in its keys.
        pub(super) name: String,
        /// Sessions kept at most; past it, those used longest ago go.
        pub(super) max_sessions: usize,
    }

    impl InRedis {
        /// The session's values (a starting value where it has none, or where what it has no
        /// longer decodes: the State's type changed since it was written).
        pub(super) async fn load(&self, session: &str, starts: &[StateValue]) -> Result<Vec<StateValue>, StoreError> {
            let key = self.key(session);
            let mut read = redis::pipe();
            read.hgetall(&key).expire(&key, IDLE_SECONDS);
            // Used now, if it is kept (a session not kept yet is indexed when first saved); the
            // index lives as long as the sessions it holds.
            read.cmd("ZADD").arg(self.index()).arg("XX").arg(now()).arg(session).ignore();
            read.expire(self.index(), IDLE_SECONDS).ignore();
            let (fields, _): (HashMap<usize, String>, bool) = self.store.query(&read).await?;
            let values = starts.iter().enumerate().map(|(slot, start)| {
                let Some(json) = fields.get(&slot) else { return start.clone() };
                start.decode(json).unwrap_or_else(|e| {
                    let name = &self.name;
                    tracing::warn!("/{name}: a kept State value no longer decodes ({e}); the session starts it afresh");
                    start.clone()
                })
            });
            Ok(values.collect())
        }

        pub(super) async fn save(&self, session: &str, returned: Vec<(usize, StateValue)>) -> Result<(), CallError> {
            let mut fields = Vec::with_capacity(returned.len());
            for (slot, value) in returned {
                let json = value
                    .encode()
                    .map_err(|e| CallError::InvalidOutput(format!("the State value could not be encoded: {e}")))?;
                if json.len() > MAX_SHARED_STATE_BYTES {
                    return Err(CallError::InvalidOutput(format!(
                        "the State value is {} KiB as JSON; the shared store keeps at most {} KiB",
                        json.len() / 1024,
                        MAX_SHARED_STATE_BYTES / 1024
                    )));
                }
                fields.push((slot, json));
            }
            let (key, index) = (self.key(session), self.index());
            let mut write = redis::pipe();
            write.hset_multiple(&key, &fields).ignore().expire(&key, IDLE_SECONDS).ignore();
            write.zadd(&index, session, now()).ignore().expire(&index, IDLE_SECONDS).ignore().zcard(&index);
            let (kept,): (usize,) = self.store.query(&write).await?;
            if kept > self.max_sessions {
                // The State is kept: a trim that fails is tried again by the next save.
                if let Err(e) = self.trim(kept - self.max_sessions).await {
                    tracing::warn!("/{}: the oldest State sessions stay a while longer: {e}", self.name);
                }
            }
            Ok(())
        }

        /// Drops the `over` sessions used longest ago. Each is taken out of the index at once
        /// (`ZPOPMIN`), so that replicas trimming together drop different ones (a few more than
        /// needed, when two count the excess at once).
        async fn trim(&self, over: usize) -> Result<(), StoreError> {
            let oldest: Vec<(String, f64)> =
                self.store.query(redis::cmd("ZPOPMIN").arg(self.index()).arg(over)).await?;
            let keys: Vec<String> = oldest.iter().map(|(session, _)| self.key(session)).collect();
            if keys.is_empty() {
                return Ok(()); // trimmed by another replica meanwhile
            }
            self.store.query(redis::cmd("DEL").arg(keys)).await
        }

        pub(super) async fn forget(&self, session: &str) -> Result<(), StoreError> {
            let mut forget = redis::pipe();
            forget.del(self.key(session)).ignore().zrem(self.index(), session).ignore();
            self.store.query(&forget).await
        }

        /// The app's sessions, each scored by when it was last used (see [`now`]).
        fn index(&self) -> String {
            // Another kind than the sessions' keys: no session's id can name it.
            SharedStore::key(&self.name, "sessions", "by-use")
        }

        /// The key of the session's State.
        fn key(&self, session: &str) -> String {
            SharedStore::key(&self.name, "state", session)
        }
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
            Payload::State(value) => *(&**value as &dyn std::any::Any).downcast_ref::<u32>().unwrap(),
            other => panic!("not a state: {other:?}"),
        }
    }

    /// One State input (position 1) and one State output (position 0), starting at 0, in memory.
    fn states_up_to(max_sessions: usize) -> (SessionStates, StateWiring) {
        let (starts, wiring) =
            StateWiring::interface(vec![None, Some(number(0))], vec![Some(number(0)), None]).unwrap();
        (SessionStates::new(starts, &Backend::Memory, "counter", max_sessions), wiring)
    }

    fn states() -> (SessionStates, StateWiring) {
        states_up_to(4096)
    }

    fn call((states, wiring): &(SessionStates, StateWiring), session: Option<&str>, returns: u32) -> u32 {
        let mut inputs = vec![Payload::Json(Value::Null), Payload::Json(Value::Null)];
        let mut outputs = vec![Payload::State(number(returns)), Payload::Json(Value::Number(1.0))];
        futures::executor::block_on(async {
            states.fill(wiring, session, &mut inputs).await.unwrap();
            states.keep(wiring, session, &mut outputs).await.unwrap();
        });
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
        assert_eq!(states.0.len(), 2);
    }

    #[test]
    fn a_forgotten_session_starts_again() {
        let states = states();
        call(&states, Some("a"), 7);
        futures::executor::block_on(states.0.forget("a")).unwrap();
        assert_eq!(call(&states, Some("a"), 8), 0);
    }

    #[test]
    fn sessions_are_bounded_oldest_first() {
        const MAX_SESSIONS: usize = 16;
        let states = states_up_to(MAX_SESSIONS);
        for session in 0..MAX_SESSIONS {
            call(&states, Some(&session.to_string()), 1);
        }
        call(&states, Some("0"), 2); // touched again: now the newest
        call(&states, Some("one more"), 1);
        assert_eq!(states.0.len(), MAX_SESSIONS);
        assert_eq!(call(&states, Some("0"), 3), 2, "kept");
        assert_eq!(call(&states, Some("1"), 3), 0, "the oldest was forgotten");
    }

    #[test]
    fn outputs_must_pair_with_inputs_of_the_same_type() {
        let text: StateValue = Arc::new(String::new());
        let problems =
            StateWiring::interface(vec![Some(number(0))], vec![Some(text.clone()), Some(text)]).err().unwrap();
        assert_eq!(
            problems,
            [
                "each State output needs a State input to carry its value to the next call",
                "State output 1 holds another type than State input 1"
            ]
        );
    }

    /// Two endpoints of one app on one slot: what one writes, the other reads, per session.
    #[test]
    fn endpoints_share_the_apps_slots() {
        let states = SessionStates::new(vec![number(0)], &Backend::Memory, "app", 16);
        let writes = StateWiring::new(vec![], vec![(0, 0)]);
        let reads = StateWiring::new(vec![(1, 0)], vec![]);
        futures::executor::block_on(async {
            let mut outputs = vec![Payload::State(number(7))];
            states.keep(&writes, Some("a"), &mut outputs).await.unwrap();
            let mut inputs = vec![Payload::Json(Value::Null), Payload::Json(Value::Null)];
            states.fill(&reads, Some("a"), &mut inputs).await.unwrap();
            assert_eq!(held(&inputs[1]), 7);
            states.fill(&reads, Some("b"), &mut inputs).await.unwrap();
            assert_eq!(held(&inputs[1]), 0, "another session starts afresh");
        });
    }
}
