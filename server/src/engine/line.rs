//! [`Line`]: the slots of a concurrency limit and the bounded line of calls waiting for one.
//!
//! An interface has one line of its own; a Blocks app's events have one each, or share one
//! when they name the same concurrency group (Gradio's `concurrency_id`), so that two events
//! on one model never run it at once between them.

use std::{
    collections::HashMap,
    net::IpAddr,
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc, Mutex,
    },
    time::Duration,
};

use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore};

use super::{
    events::{CallEvent, CallTimes, Reporter},
    CallError,
};
use crate::site::network_of;

/// How often a waiting call whose caller listens checks whether its place in line moved.
const RANK_UPDATE_EVERY: Duration = Duration::from_millis(500);

/// `limit` calls at once; at most `max_waiting` more wait for a slot, first come, first
/// served, each told its place and an estimate of its wait. When the line is full, a client's
/// call takes the place of the newest call of the client with the most waiting, if that one
/// would still have at least as many as this one (max-min fairness): clients flooding a line, several
/// together too, turn away their own calls, not everyone else's (in the attack run, 80 clients
/// within their per-client caps kept the calculator's line full, and honest calls were told
/// the server was busy).
pub(crate) struct Line {
    slots: Arc<Semaphore>,
    limit: usize,
    waiting: AtomicUsize,
    /// Calls that got their slot after waiting for it: how far the line has moved.
    admitted: AtomicUsize,
    /// How long calls took, for the estimate.
    times: CallTimes,
    max_waiting: usize,
    /// The calls waiting, by client.
    clients: WaitingClients,
}

impl Line {
    pub(crate) fn new(limit: usize, max_waiting: usize) -> Self {
        Line {
            slots: Arc::new(Semaphore::new(limit)),
            limit,
            waiting: AtomicUsize::new(0),
            admitted: AtomicUsize::new(0),
            times: CallTimes::default(),
            max_waiting,
            clients: WaitingClients::default(),
        }
    }

    /// A slot for a call of `client` (its network; none for a call made in-process): at once
    /// if one is free, else after waiting in line ([`CallError::Busy`] if the line is full and
    /// no one holds more of it than this client, or if its place is taken by a client holding
    /// less). Its place and estimate go to `reporter` as the line moves.
    pub(crate) async fn slot(
        &self,
        reporter: Option<&Reporter>,
        client: Option<IpAddr>,
    ) -> Result<OwnedSemaphorePermit, CallError> {
        if let Ok(permit) = self.slots.clone().try_acquire_owned() {
            return Ok(permit);
        }
        // Counted out on drop: a caller that goes away while waiting frees its place too.
        let place = match WaitingPlace::take(&self.waiting, self.max_waiting) {
            Some(place) => place,
            None if self.clients.turn_away_for(client) => WaitingPlace::take_over(&self.waiting),
            None => return Err(CallError::Busy),
        };
        let waiting = self.clients.register(client);
        tokio::select! {
            permit = self.wait(&place, reporter) => Ok(permit),
            () = waiting.turned_away() => Err(CallError::Busy),
        }
    }

    /// Waits in `place` for a slot, telling `reporter` its place and estimate as the line moves.
    async fn wait(&self, place: &WaitingPlace<'_>, reporter: Option<&Reporter>) -> OwnedSemaphorePermit {
        let acquire = self.slots.clone().acquire_owned();
        let Some(reporter) = reporter else {
            return self.admit(acquire.await);
        };
        // The line is first come, first served: each call admitted since this one joined was
        // ahead of it (or it left, which the count of those waiting tells).
        let joined_after = self.admitted.load(Ordering::Acquire);
        let ahead_now = || {
            let moved = self.admitted.load(Ordering::Acquire).wrapping_sub(joined_after);
            place.ahead.saturating_sub(moved).min(self.waiting.load(Ordering::Acquire).saturating_sub(1))
        };
        let waiting = |ahead| CallEvent::Waiting { ahead, eta: self.times.eta(ahead, self.limit) };
        let mut told = place.ahead;
        reporter.send(waiting(told));
        let mut acquire = std::pin::pin!(acquire);
        let mut ticks = tokio::time::interval(RANK_UPDATE_EVERY);
        loop {
            tokio::select! {
                permit = &mut acquire => return self.admit(permit),
                _ = ticks.tick() => {
                    let ahead = ahead_now();
                    if ahead != told {
                        told = ahead;
                        reporter.send(waiting(ahead));
                    }
                }
            }
        }
    }

    /// A finished call's time, for the estimates of those waiting.
    pub(crate) fn record(&self, took: Duration) {
        self.times.record(took);
    }

    /// Calls waiting now.
    #[cfg(test)]
    pub(crate) fn waiting(&self) -> usize {
        self.waiting.load(Ordering::Acquire)
    }

    /// A waiting call's slot, counted as the line moving.
    fn admit(&self, permit: Result<OwnedSemaphorePermit, tokio::sync::AcquireError>) -> OwnedSemaphorePermit {
        self.admitted.fetch_add(1, Ordering::AcqRel);
        permit.expect("the semaphore is never closed")
    }
}

/// One of the `limit` places in a waiting line, with how many waited already when it was taken.
struct WaitingPlace<'a> {
    waiting: &'a AtomicUsize,
    ahead: usize,
}

impl<'a> WaitingPlace<'a> {
    fn take(waiting: &'a AtomicUsize, limit: usize) -> Option<Self> {
        let taken = waiting.fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| (n < limit).then_some(n + 1));
        // Built only when taken: a place built and dropped here would count one out.
        taken.ok().map(|ahead| WaitingPlace { waiting, ahead })
    }

    /// The place of a call just turned away, which counts itself out as it leaves.
    fn take_over(waiting: &'a AtomicUsize) -> Self {
        WaitingPlace { waiting, ahead: waiting.fetch_add(1, Ordering::AcqRel) }
    }
}

/// The calls waiting in a line, by client (its network), newest last, each with the signal
/// that turns it away.
#[derive(Default)]
struct WaitingClients(Mutex<HashMap<IpAddr, Vec<Arc<Notify>>>>);

impl WaitingClients {
    fn register(&self, client: Option<IpAddr>) -> Waiting<'_> {
        let client = client.map(network_of);
        let signal = Arc::new(Notify::new());
        if let Some(client) = client {
            self.0.lock().unwrap_or_else(|e| e.into_inner()).entry(client).or_default().push(signal.clone());
        }
        Waiting { clients: self, client, signal }
    }

    /// Turns away the newest call of the client with the most waiting, if it would still have
    /// at least as many as `client` with one more; whether it did.
    fn turn_away_for(&self, client: Option<IpAddr>) -> bool {
        let Some(client) = client.map(network_of) else { return false };
        let mut clients = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let own = clients.get(&client).map_or(0, Vec::len);
        let Some(calls) = clients.values_mut().max_by_key(|calls| calls.len()) else { return false };
        if calls.len() <= own + 1 {
            return false;
        }
        calls.pop().expect("the most waiting: not none").notify_one();
        true
    }
}

/// One call waiting in line (see [`WaitingClients`]); dropping it takes it off its client's.
struct Waiting<'a> {
    clients: &'a WaitingClients,
    client: Option<IpAddr>,
    signal: Arc<Notify>,
}

impl Waiting<'_> {
    /// Ends when another client's call has taken this one's place.
    async fn turned_away(&self) {
        self.signal.notified().await;
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        let Some(client) = self.client else { return };
        let mut clients = self.clients.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(calls) = clients.get_mut(&client) {
            calls.retain(|signal| !Arc::ptr_eq(signal, &self.signal));
            if calls.is_empty() {
                clients.remove(&client);
            }
        }
    }
}

impl Drop for WaitingPlace<'_> {
    fn drop(&mut self) {
        self.waiting.fetch_sub(1, Ordering::AcqRel);
    }
}

/// The line of each endpoint of an app, by position: endpoints in the same concurrency group
/// share one, limited by the lowest limit set among them (as in Gradio); an endpoint without a
/// group has its own; no line where no limit is set.
pub(crate) fn lines(endpoints: &[(Option<usize>, Option<&str>)], max_waiting: usize) -> Vec<Option<Arc<Line>>> {
    let mut groups: Vec<(&str, Option<Arc<Line>>)> = Vec::new();
    endpoints
        .iter()
        .map(|&(limit, group)| {
            let Some(group) = group else { return limit.map(|limit| Arc::new(Line::new(limit, max_waiting))) };
            if let Some((_, line)) = groups.iter().find(|(name, _)| *name == group) {
                return line.clone();
            }
            let members = endpoints.iter().filter(|(_, other)| *other == Some(group));
            let lowest = members.filter_map(|(limit, _)| *limit).min();
            let line = lowest.map(|limit| Arc::new(Line::new(limit, max_waiting)));
            groups.push((group, line.clone()));
            line
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_group_shares_one_line_at_its_lowest_limit() {
        let lines = lines(&[(Some(3), Some("gpu")), (Some(1), None), (Some(2), Some("gpu")), (None, None)], 8);
        let [gpu, own, gpu_again, none] = &lines[..] else { panic!("one line per endpoint") };
        let (gpu, gpu_again) = (gpu.as_ref().unwrap(), gpu_again.as_ref().unwrap());
        assert!(Arc::ptr_eq(gpu, gpu_again), "one line for the group");
        assert_eq!(gpu.limit, 2, "the lowest limit set in the group");
        assert!(!Arc::ptr_eq(gpu, own.as_ref().unwrap()), "an endpoint without a group has its own");
        assert!(none.is_none(), "no limit, no line");
    }

    #[test]
    fn a_group_with_no_limit_set_has_no_line() {
        let lines = lines(&[(None, Some("free")), (None, Some("free"))], 8);
        assert!(lines.iter().all(Option::is_none));
    }

    #[tokio::test]
    async fn a_full_line_turns_the_next_call_away_and_a_freed_slot_admits_the_first_waiting() {
        let line = Arc::new(Line::new(1, 1));
        let running = line.slot(None, None).await.unwrap();
        let waiting = tokio::spawn({
            let line = line.clone();
            async move { line.slot(None, None).await.map(drop) }
        });
        while line.waiting() == 0 {
            tokio::task::yield_now().await;
        }
        assert_eq!(line.slot(None, None).await.err(), Some(CallError::Busy), "one waits already: the line is full");
        drop(running);
        waiting.await.unwrap().unwrap();
        assert_eq!(line.admitted.load(Ordering::Acquire), 1);
    }

    #[tokio::test]
    async fn a_full_line_turns_away_the_newest_call_of_whoever_waits_most() {
        let line = Arc::new(Line::new(1, 4));
        let running = line.slot(None, None).await.unwrap();
        let client = |text: &str| Some(text.parse::<IpAddr>().unwrap());
        let wait = |from: Option<IpAddr>| {
            let line = line.clone();
            tokio::spawn(async move { line.slot(None, from).await.map(drop) })
        };
        let flood: Vec<_> = (0..4).map(|_| wait(client("192.0.2.1"))).collect();
        while line.waiting() < 4 {
            tokio::task::yield_now().await;
        }
        // One of another network takes the flood's newest place, and one more of that network
        // the next: then the flood would have no more than it.
        let honest = wait(client("2001:db8:1:1::1"));
        let same_network = wait(client("2001:db8:1:1::2"));
        let mut flood = flood.into_iter();
        let newest = flood.next_back().unwrap();
        assert_eq!(newest.await.unwrap(), Err(CallError::Busy), "the flood's newest turned away");
        assert_eq!(flood.next_back().unwrap().await.unwrap(), Err(CallError::Busy), "and the next");
        let again = line.slot(None, client("192.0.2.1")).await.err();
        assert_eq!(again, Some(CallError::Busy), "two and two: the flood's next is turned away at once");
        drop(running);
        for call in flood.chain([honest, same_network]) {
            assert_eq!(call.await.unwrap(), Ok(()), "the others run in turn");
        }
    }
}
