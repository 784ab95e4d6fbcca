//! [`ReplyOnPause`]: turn-taking for a voice demo (FastRTC's `ReplyOnPause`). A voice activity
//! detector hears the microphone's stream; when the person pauses after speaking, the handler
//! gets what they said and its reply streams back; when they talk over the reply, it stops.
//!
//! The detector is `earshot`'s (pure Rust, its small model built in: nothing is downloaded),
//! which scores 16 ms frames of 16 kHz sound; [`Voice`] resamples the microphone's rate to it.
//! [`TurnTaking`] is the pure state machine over those frames: so many voiced frames in a row
//! begin a turn, so many unvoiced ones end it.

use std::{collections::VecDeque, marker::PhantomData, sync::Arc, time::Duration};

use futures::StreamExt;
use rheo_shared::AudioData;

use crate::{
    engine::{Answers, CallError, Said, Slot},
    handler::{drive, Conversation, Handler, Incoming},
};

/// The detector's sample rate and frame, fixed by its model.
const VAD_RATE: u32 = 16_000;
const VAD_FRAME: usize = 256;
/// Seconds in one detector frame (16 ms).
const FRAME_SECONDS: f64 = VAD_FRAME as f64 / VAD_RATE as f64;
/// Sound kept from before a turn begins, beyond the speech that began it: a word's first
/// sound is quieter than its middle, and the detector hears it late.
const LEAD_IN: Duration = Duration::from_millis(300);
/// Of the pause that ends a turn, the sound kept at the end of the utterance.
const TAIL: Duration = Duration::from_millis(100);
/// The most samples of an utterance (30 s at 48 kHz, 5.8 MB): a turn this long ends, pause or
/// not, so a conversation's memory stays bounded whatever its rate.
const MAX_UTTERANCE_SAMPLES: usize = 1_440_000;
/// The lowest sample rate heard: below, a chunk is refused (resampling 1 Hz sound to 16 kHz
/// would make 16,000 samples of each one).
const MIN_RATE: u32 = 8_000;

/// A handler that replies when the person pauses: it hears a microphone's stream, and when a
/// turn of speech ends with a pause, `reply` gets the utterance (as its first argument, the
/// stream's other inputs after it) and its outputs stream back, a generator's as they come.
/// If the person talks over the reply (and [`can_interrupt`](ReplyOnPause::can_interrupt) is
/// on, as it is unless set), the reply is cancelled and the page stops playing it at once.
///
/// Mount it on a streaming microphone (`Audio::new().streaming(true)`, short chunks:
/// `stream_every` of 20 to 50 ms hear the pause soonest), with a streaming audio output
/// (`Audio::new().streaming(true).autoplay(true)`) for a spoken reply. An API client's call
/// (one recording) is one utterance: the reply to it.
///
/// ```
/// use std::time::Duration;
/// use futures::{stream, Stream};
/// use rheo::{Audio, AudioData, Interface, ReplyOnPause};
///
/// /// Says the utterance back, a tenth of a second at a time.
/// fn echo(utterance: AudioData) -> impl Stream<Item = AudioData> {
///     let tenth = (utterance.sample_rate / 10) as usize;
///     let chunks: Vec<AudioData> =
///         utterance.samples.chunks(tenth).map(|c| AudioData::mono(utterance.sample_rate, c.to_vec())).collect();
///     stream::iter(chunks)
/// }
///
/// let demo = Interface::new(ReplyOnPause::new(echo).pause(Duration::from_millis(400)))
///     .inputs(Audio::new().streaming(true))
///     .outputs(Audio::new().streaming(true).autoplay(true))
///     .live(true)
///     .stream_every(Duration::from_millis(20));
/// # let _ = rheo::Registry::new().mount("echo", demo);
/// ```
pub struct ReplyOnPause<F, M> {
    reply: Arc<F>,
    rules: TurnRules,
    can_interrupt: bool,
    _marker: PhantomData<fn() -> M>,
}

impl<F: Handler<M>, M> ReplyOnPause<F, M>
where
    F::Args: Utterance,
{
    /// Replies with `reply` after a pause of 0.5 s that follows at least 0.2 s of speech; a
    /// frame is speech when the detector scores it 0.5 or more.
    pub fn new(reply: F) -> Self {
        ReplyOnPause {
            reply: Arc::new(reply),
            rules: TurnRules::new(Duration::from_millis(200), Duration::from_millis(500), 0.5),
            can_interrupt: true,
            _marker: PhantomData,
        }
    }
}

impl<F, M> ReplyOnPause<F, M> {
    /// The silence that ends a turn (rounded to 16 ms frames; at least one).
    pub fn pause(mut self, pause: Duration) -> Self {
        self.rules.pause = frames(pause);
        self
    }

    /// The speech, without a break, that begins a turn (and interrupts a reply); shorter
    /// sounds (a click, a cough) are not a turn.
    pub fn min_speech(mut self, speech: Duration) -> Self {
        self.rules.speech = frames(speech);
        self
    }

    /// The detector's score (0 to 1) from which a frame is speech: higher hears less as speech.
    pub fn threshold(mut self, threshold: f32) -> Self {
        self.rules.threshold = threshold.clamp(0.0, 1.0);
        self
    }

    /// Whether talking over a reply cancels it and stops its playback (on unless set); when
    /// off, what is said during a reply is not heard.
    pub fn can_interrupt(mut self, can_interrupt: bool) -> Self {
        self.can_interrupt = can_interrupt;
        self
    }
}

/// Marks [`ReplyOnPause`] handlers.
#[allow(unreachable_pub)]
mod marker {
    pub enum Turns {}
}

impl<F, M> Handler<(marker::Turns, M)> for ReplyOnPause<F, M>
where
    F: Handler<M>,
    F::Args: Utterance,
    M: 'static,
{
    type Args = F::Args;
    type Output = F::Output;
    const GENERATOR: bool = true;

    fn call(self: Arc<Self>, args: F::Args, slot: Slot) -> Answers<F::Output> {
        self.reply.clone().call(args, slot)
    }

    fn conversation(self: Arc<Self>) -> Option<Conversation<F::Args, F::Output>> {
        Some(Box::new(move |incoming, slot| {
            let this = self.clone();
            let replies = slot.clone();
            drive(slot, move || this.take_turns(incoming, replies))
        }))
    }

    fn batching(&self) -> Option<rheo_shared::Batching> {
        self.reply.batching()
    }

    fn api_name() -> String {
        F::api_name()
    }
}

/// What the loop of a conversation of turns waits for next.
enum Next<Row, Outputs> {
    Heard(Option<Row>),
    Replied(Option<Result<Outputs, CallError>>),
}

impl<F: Handler<M>, M> ReplyOnPause<F, M>
where
    F::Args: Utterance,
{
    /// Hears `incoming`, replying to each turn; each reply is a call of the handler, in the
    /// conversation's `slot`.
    fn take_turns(
        self: Arc<Self>,
        mut incoming: Incoming<F::Args>,
        slot: Slot,
    ) -> impl futures::Stream<Item = Result<Said<F::Output>, CallError>> {
        async_stream::stream! {
            let mut listener = Listener::new(self.rules);
            let mut reply: Option<Answers<F::Output>> = None;
            // Whether a reply began since the person last began to speak: their next turn
            // interrupts it, even once it is all sent (the page may still be playing it).
            let mut replied = false;
            loop {
                let next = tokio::select! {
                    row = incoming.next() => Next::Heard(row),
                    answer = async { reply.as_mut().expect("guarded").next().await }, if reply.is_some() => {
                        Next::Replied(answer)
                    }
                };
                match next {
                    Next::Heard(None) => break,
                    Next::Heard(Some(row)) => {
                        let replying = reply.is_some();
                        let (began, utterance) = match listener.hear(row.audio(), !replying || self.can_interrupt) {
                            Ok(heard) => heard,
                            Err(refused) => {
                                yield Err(CallError::invalid_input(refused));
                                continue;
                            }
                        };
                        if began && replied && self.can_interrupt {
                            (reply, replied) = (None, false);
                            yield Ok(Said::Interrupted);
                        }
                        if let Some(utterance) = utterance {
                            reply = Some(self.reply_to(row.with_audio(utterance), &slot));
                            replied = true;
                        }
                    }
                    Next::Replied(Some(Ok(outputs))) => yield Ok(Said::Outputs(outputs)),
                    Next::Replied(Some(Err(e))) => {
                        reply = None;
                        yield Err(e);
                    }
                    Next::Replied(None) => reply = None,
                }
            }
        }
    }
}

impl<F: Handler<M>, M> ReplyOnPause<F, M> {
    /// The reply to `args`: a call of the handler once the endpoint's line gives it a place
    /// (dropping it, as a barge-in does, leaves the line or stops the call).
    fn reply_to(self: &Arc<Self>, args: F::Args, slot: &Slot) -> Answers<F::Output> {
        let (reply, slot) = (self.reply.clone(), slot.clone());
        async_stream::stream! {
            match slot.for_call().await {
                Ok(slot) => {
                    let mut answers = reply.call(args, slot);
                    while let Some(answer) = answers.next().await {
                        yield answer;
                    }
                }
                Err(e) => yield Err(e),
            }
        }
        .boxed()
    }
}

/// A handler's arguments that begin with the utterance: `(AudioData,)`, or `(AudioData, B, …)`
/// with the stream's other inputs.
#[diagnostic::on_unimplemented(
    message = "ReplyOnPause's handler must take the utterance, an `AudioData`, as its first argument",
    label = "its arguments are `{Self}`"
)]
pub trait Utterance: Send + 'static {
    #[doc(hidden)]
    fn audio(&self) -> &AudioData;
    #[doc(hidden)]
    fn with_audio(self, audio: AudioData) -> Self;
}

macro_rules! utterances {
    ($($arg:ident),*) => {
        impl<$($arg: Send + 'static),*> Utterance for (AudioData, $($arg,)*) {
            fn audio(&self) -> &AudioData {
                &self.0
            }

            #[allow(non_snake_case)]
            fn with_audio(self, audio: AudioData) -> Self {
                let (_, $($arg,)*) = self;
                (audio, $($arg,)*)
            }
        }
    };
}

utterances!();
utterances!(B);
utterances!(B, C);
utterances!(B, C, D);

/// Frames of the detector in `duration`, at least one.
fn frames(duration: Duration) -> u32 {
    ((duration.as_secs_f64() / FRAME_SECONDS).round() as u32).max(1)
}

/// When a turn begins and ends, in detector frames.
#[derive(Clone, Copy, Debug)]
struct TurnRules {
    /// Voiced frames in a row that begin a turn.
    speech: u32,
    /// Unvoiced frames in a row that end it.
    pause: u32,
    /// The score from which a frame is voiced.
    threshold: f32,
}

impl TurnRules {
    fn new(speech: Duration, pause: Duration, threshold: f32) -> Self {
        TurnRules { speech: frames(speech), pause: frames(pause), threshold }
    }
}

/// What a frame changed.
#[derive(Debug, PartialEq)]
enum Turn {
    Began,
    Ended,
}

/// Turn-taking over the detector's frames, voiced or not: [`TurnRules::speech`] voiced frames
/// in a row begin a turn, [`TurnRules::pause`] unvoiced ones end it.
#[derive(Debug)]
struct TurnTaking {
    rules: TurnRules,
    speaking: bool,
    /// Frames in a row that would change `speaking`: voiced while quiet, unvoiced while speaking.
    run: u32,
}

impl TurnTaking {
    fn new(rules: TurnRules) -> Self {
        TurnTaking { rules, speaking: false, run: 0 }
    }

    fn hear(&mut self, voiced: bool) -> Option<Turn> {
        if voiced != self.speaking {
            self.run += 1;
        } else {
            self.run = 0;
        }
        let needed = if self.speaking { self.rules.pause } else { self.rules.speech };
        if self.run < needed {
            return None;
        }
        self.run = 0;
        self.speaking = !self.speaking;
        Some(if self.speaking { Turn::Began } else { Turn::Ended })
    }

    /// Ends a turn without a pause (it reached [`MAX_UTTERANCE`]).
    fn cut(&mut self) {
        (self.speaking, self.run) = (false, 0);
    }
}

/// The microphone's sound through turn-taking: the detector, and the sound of the turn so far.
struct Listener {
    voice: Voice,
    turns: TurnTaking,
    /// The recent sound while quiet (what a turn begins with), the turn's while speaking.
    heard: VecDeque<f32>,
    /// Its sample rate; a chunk at another starts over.
    rate: u32,
}

impl Listener {
    fn new(rules: TurnRules) -> Self {
        Listener { voice: Voice::new(rules.threshold), turns: TurnTaking::new(rules), heard: VecDeque::new(), rate: 0 }
    }

    /// Hears a chunk (only to keep the detector's context when not `listening`: what is said
    /// during a reply that cannot be interrupted is not a turn); says whether a turn began in
    /// it, and gives the utterance if one ended. A chunk below [`MIN_RATE`] is refused.
    fn hear(&mut self, chunk: &AudioData, listening: bool) -> Result<(bool, Option<AudioData>), String> {
        if chunk.sample_rate < MIN_RATE {
            return Err(format!("a chunk at {} Hz: turns are heard at {MIN_RATE} Hz and up", chunk.sample_rate));
        }
        if chunk.sample_rate != self.rate {
            *self = Listener { rate: chunk.sample_rate, ..Listener::new(self.turns.rules) };
        }
        let samples = chunk.to_mono();
        let voiced = self.voice.hear(&samples, chunk.sample_rate);
        if !listening {
            self.turns = TurnTaking::new(self.turns.rules);
            self.heard.clear();
            return Ok((false, None));
        }
        self.heard.extend(samples);
        let (mut began, mut paused) = (false, false);
        for voiced in voiced {
            match self.turns.hear(voiced) {
                Some(Turn::Began) => began = true,
                Some(Turn::Ended) => paused = true,
                None => {}
            }
        }
        let rate = f64::from(self.rate);
        let cut = self.turns.speaking && self.heard.len() >= MAX_UTTERANCE_SAMPLES;
        if cut {
            self.turns.cut();
        }
        if paused || cut {
            let mut utterance: Vec<f32> = self.heard.drain(..).collect();
            // A turn that ended on a pause ends with it: kept but for its last [`TAIL`].
            if paused {
                let silence = (f64::from(self.turns.rules.pause) * FRAME_SECONDS - TAIL.as_secs_f64()).max(0.0);
                utterance.truncate(utterance.len().saturating_sub((silence * rate) as usize));
            }
            return Ok((began, Some(AudioData::mono(self.rate, utterance))));
        }
        if !self.turns.speaking {
            let lead_in = f64::from(self.turns.rules.speech) * FRAME_SECONDS + LEAD_IN.as_secs_f64();
            let excess = self.heard.len().saturating_sub((lead_in * rate) as usize);
            self.heard.drain(..excess);
        }
        Ok((began, None))
    }
}

/// The voice activity detector on a stream of any sample rate: resampled to 16 kHz (linear
/// interpolation, enough for a detector that looks at the spectrum below 8 kHz), scored in
/// 16 ms frames.
struct Voice {
    detector: Box<earshot::Detector>,
    threshold: f32,
    /// Samples at 16 kHz not yet a whole frame.
    pending: Vec<i16>,
    /// The last input sample, and where the next output sample falls after it (in input
    /// samples), so that a chunk's first samples follow on from the one before.
    last: Option<f32>,
    at: f64,
}

impl Voice {
    fn new(threshold: f32) -> Self {
        Voice { detector: earshot::Detector::default_boxed(), threshold, pending: Vec::new(), last: None, at: 0.0 }
    }

    /// Whether each whole frame heard, with this chunk, is voiced.
    fn hear(&mut self, samples: &[f32], rate: u32) -> Vec<bool> {
        if rate == 0 {
            return Vec::new();
        }
        let step = f64::from(rate) / f64::from(VAD_RATE);
        let joined: Vec<f32> = self.last.into_iter().chain(samples.iter().copied()).collect();
        while self.at + 1.0 < joined.len() as f64 {
            let index = self.at as usize;
            let fraction = (self.at - index as f64) as f32;
            let sample = joined[index] + (joined[index + 1] - joined[index]) * fraction;
            self.pending.push((sample.clamp(-1.0, 1.0) * f32::from(i16::MAX)) as i16);
            self.at += step;
        }
        if let Some(&last) = joined.last() {
            self.at -= (joined.len() - 1) as f64;
            self.last = Some(last);
        }
        let whole = self.pending.len() / VAD_FRAME * VAD_FRAME;
        let voiced = self.pending[..whole]
            .chunks_exact(VAD_FRAME)
            .map(|frame| self.detector.predict_i16(frame) >= self.threshold);
        let voiced = voiced.collect();
        self.pending.drain(..whole);
        voiced
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> TurnRules {
        TurnRules { speech: 3, pause: 4, threshold: 0.5 }
    }

    fn hear_all(turns: &mut TurnTaking, frames: &str) -> Vec<(usize, Turn)> {
        frames.chars().enumerate().filter_map(|(at, frame)| Some((at, turns.hear(frame == '#')?))).collect()
    }

    #[test]
    fn a_turn_begins_after_enough_speech_and_ends_after_a_pause() {
        let mut turns = TurnTaking::new(rules());
        assert_eq!(hear_all(&mut turns, "..###.#....."), [(4, Turn::Began), (10, Turn::Ended)]);
    }

    /// The bug this prevents: a click or a cough (two frames) began a turn, and the demo
    /// answered noise.
    #[test]
    fn short_sounds_are_not_a_turn() {
        let mut turns = TurnTaking::new(rules());
        assert_eq!(hear_all(&mut turns, "##.##.#.##...."), []);
    }

    /// A breath between words is shorter than the pause: one turn, not two.
    #[test]
    fn a_short_break_does_not_end_the_turn() {
        let mut turns = TurnTaking::new(rules());
        assert_eq!(hear_all(&mut turns, "###...###....."), [(2, Turn::Began), (12, Turn::Ended)]);
    }

    #[test]
    fn durations_round_to_frames() {
        assert_eq!(frames(Duration::from_millis(500)), 31);
        assert_eq!(frames(Duration::ZERO), 1);
    }

    /// A tone's samples at `rate`: `seconds` of a voice-like buzz (harmonics of 140 Hz) or of
    /// silence.
    fn sound(rate: u32, seconds: f64, voiced: bool) -> Vec<f32> {
        let n = (seconds * f64::from(rate)) as usize;
        (0..n)
            .map(|i| {
                let t = i as f64 / f64::from(rate);
                let buzz: f64 =
                    (1..12).map(|k| (2.0 * std::f64::consts::PI * 140.0 * k as f64 * t).sin() / k as f64).sum();
                let syllables = 0.5 - 0.5 * (2.0 * std::f64::consts::PI * 4.0 * t).cos();
                if voiced {
                    (0.25 * syllables * buzz) as f32
                } else {
                    0.0
                }
            })
            .collect()
    }

    /// Through the real detector, at the microphone's 48 kHz, in 20 ms chunks: a second of
    /// buzz then silence is one turn whose utterance holds the buzz and little of the pause.
    #[test]
    fn the_listener_hears_a_turn_and_gives_its_utterance() {
        let rate = 48_000;
        let mut listener = Listener::new(TurnRules::new(Duration::from_millis(200), Duration::from_millis(500), 0.5));
        let samples: Vec<f32> = [sound(rate, 0.5, false), sound(rate, 1.0, true), sound(rate, 1.0, false)].concat();
        let (mut began, mut utterances) = (Vec::new(), Vec::new());
        for (index, chunk) in samples.chunks(960).enumerate() {
            let (b, utterance) = listener.hear(&AudioData::mono(rate, chunk.to_vec()), true).unwrap();
            if b {
                began.push(index);
            }
            utterances.extend(utterance.map(|u| (index, u)));
        }
        assert_eq!(began.len(), 1, "one turn began");
        assert!(began[0] * 20 >= 500 && began[0] * 20 < 900, "it began soon after the buzz, at {} ms", began[0] * 20);
        let [(ended, utterance)] = &utterances[..] else { panic!("one utterance, not {}", utterances.len()) };
        assert!(*ended * 20 >= 2000 && *ended * 20 < 2300, "it ended after the pause, at {} ms", ended * 20);
        let seconds = utterance.duration();
        assert!((0.9..1.6).contains(&seconds), "the utterance is the buzz and a little around it: {seconds} s");
    }

    /// What is said during a reply that cannot be interrupted is not a turn.
    #[test]
    fn a_listener_not_listening_hears_no_turn() {
        let rate = 16_000;
        let mut listener = Listener::new(TurnRules::new(Duration::from_millis(200), Duration::from_millis(300), 0.5));
        let samples: Vec<f32> = [sound(rate, 1.0, true), sound(rate, 1.0, false)].concat();
        let heard: Vec<_> =
            samples.chunks(320).map(|chunk| listener.hear(&AudioData::mono(rate, chunk.to_vec()), false)).collect();
        assert!(heard.iter().all(|heard| matches!(heard, Ok((false, None)))));
        // The same sound heard, listening: a turn.
        let turns = samples
            .chunks(320)
            .filter_map(|chunk| listener.hear(&AudioData::mono(rate, chunk.to_vec()), true).unwrap().1);
        assert_eq!(turns.count(), 1);
    }

    /// The bug this prevents: a chunk at 1 Hz was resampled to 16 kHz, 16,000 samples for each
    /// of its own, and a few kilobytes of it took the server's memory.
    #[test]
    fn a_chunk_at_a_rate_too_low_to_hear_is_refused() {
        let mut listener = Listener::new(rules());
        let refused = listener.hear(&AudioData::mono(1, vec![0.5; 4_000_000]), true).unwrap_err();
        assert_eq!(refused, "a chunk at 1 Hz: turns are heard at 8000 Hz and up");
    }

    /// A turn without a pause ends at the longest utterance, all of it kept: only a pause is
    /// trimmed off.
    #[test]
    fn a_turn_without_a_pause_ends_at_the_longest_utterance() {
        let rate = 48_000;
        let mut listener = Listener::new(TurnRules::new(Duration::from_millis(100), Duration::from_millis(300), 0.5));
        let buzz = sound(rate, 1.0, true);
        let mut utterances = Vec::new();
        for _ in 0..(MAX_UTTERANCE_SAMPLES / rate as usize + 2) {
            for chunk in buzz.chunks(960) {
                utterances.extend(listener.hear(&AudioData::mono(rate, chunk.to_vec()), true).unwrap().1);
            }
        }
        let first = utterances.first().expect("a turn cut at the longest utterance").samples.len();
        assert!((MAX_UTTERANCE_SAMPLES..MAX_UTTERANCE_SAMPLES + 960).contains(&first), "{first}");
    }
}
