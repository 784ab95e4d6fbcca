//! Streaming microphone + State, as Blocks: a running transcript of the notes sung or played,
//! and a Clear button beside the microphone that starts it again. Each chunk's pitch is found
//! with YIN (de Cheveigné and Kawahara, 2002) and named (`A4`); the transcript is built up
//! across chunks in the session's State, which the stream event and Clear's event share.
//!
//! A window that straddles a change of note finds a pitch between the two (A4 to C5 gave B4),
//! and with short chunks (0.05 s) most changes fall in a chunk's last window. So a note enters
//! the transcript only once it is confirmed by a neighbouring window: a chunk is heard at its
//! start and at its end, each confirmed by the window next to it when the chunk holds two, and
//! an end that could not be confirmed waits for the next chunk to begin or end with it.

use std::time::Duration;

use rheo::{Audio, AudioData, Blocks, Button, IntoMounted, State, Textbox};
use serde::{Deserialize, Serialize};

use crate::notes::note_name;

/// The transcript so far, the note still sounding (a held note is written once), and the note
/// the last chunk ended on when it is not confirmed yet. Serde, so that replicas sharing a
/// store can carry it between them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct Transcript {
    notes: Vec<String>,
    holding: Option<String>,
    #[serde(default)]
    unconfirmed: Option<String>,
}

impl Transcript {
    /// `note` is sounding: written unless it is the one held.
    fn hold(&mut self, note: String) {
        if self.holding.as_ref() != Some(&note) {
            self.notes.push(note.clone());
        }
        self.holding = Some(note);
    }
}

pub(crate) fn transcribe(
    chunk: AudioData,
    State(mut transcript): State<Transcript>,
) -> (String, String, State<Transcript>) {
    let samples = chunk.to_mono();
    let heard = hear(&samples, chunk.sample_rate);
    let note = heard.note().cloned();
    let pending = transcript.unconfirmed.take();
    // A short chunk's start matters only to confirm a pending note: no second YIN otherwise.
    let begins = if pending.is_some() || samples.len() >= 2 * frame_length(chunk.sample_rate) {
        hear_start(&samples, chunk.sample_rate)
    } else {
        Heard::Nothing
    };
    // The last chunk's unconfirmed note, confirmed when this chunk begins or ends with it.
    if let Some(pending) = pending {
        if begins.note() == Some(&pending) || note.as_ref() == Some(&pending) {
            transcript.hold(pending);
        }
    }
    if let Heard::Confirmed(first) = begins {
        transcript.hold(first);
    }
    match heard {
        Heard::Confirmed(note) => transcript.hold(note),
        Heard::Once(note) if transcript.holding.as_ref() == Some(&note) => {}
        Heard::Once(note) => transcript.unconfirmed = Some(note),
        Heard::Nothing => transcript.holding = None,
    }
    let text = transcript.notes.join(" ");
    (note.unwrap_or_else(|| "—".into()), text, State(transcript))
}

/// The note at one end of a chunk.
#[derive(Debug, PartialEq)]
enum Heard {
    /// Named by the window at that end and by its neighbour.
    Confirmed(String),
    /// Named by that window alone: the chunk is too short for two, or they disagree.
    Once(String),
    Nothing,
}

impl Heard {
    fn note(&self) -> Option<&String> {
        match self {
            Heard::Confirmed(note) | Heard::Once(note) => Some(note),
            Heard::Nothing => None,
        }
    }
}

/// The note a chunk ends on: its last window's, confirmed by the window before it.
fn hear(samples: &[f32], sample_rate: u32) -> Heard {
    let frame = frame_length(sample_rate);
    let earlier = samples.len().checked_sub(frame).filter(|&end| end >= frame).map(|end| &samples[..end]);
    heard(samples, earlier, sample_rate)
}

/// The note a chunk begins with: its first window's, confirmed by the window after it.
fn hear_start(samples: &[f32], sample_rate: u32) -> Heard {
    let frame = frame_length(sample_rate);
    if samples.len() < frame {
        return Heard::Nothing;
    }
    let later = (samples.len() >= 2 * frame).then(|| &samples[..2 * frame]);
    heard(&samples[..frame], later, sample_rate)
}

/// The note at the end of `window`, confirmed if the end of `neighbour` names it too.
fn heard(window: &[f32], neighbour: Option<&[f32]>, sample_rate: u32) -> Heard {
    let note_of = |samples: &[f32]| detect_pitch(samples, sample_rate).map(note_name);
    match note_of(window) {
        None => Heard::Nothing,
        Some(note) if neighbour.and_then(note_of).as_ref() == Some(&note) => Heard::Confirmed(note),
        Some(note) => Heard::Once(note),
    }
}

/// Lowest and highest pitch looked for, in Hz (a bass voice to a whistle).
const LOWEST_HZ: f64 = 60.0;
const HIGHEST_HZ: f64 = 2000.0;
/// Quieter than this (RMS) is silence, which has no pitch.
const SILENCE_RMS: f32 = 0.01;
/// YIN's threshold on the cumulative mean normalised difference.
const THRESHOLD: f64 = 0.15;

/// The longest lag YIN tries (a period of the lowest pitch) and its window, in samples.
fn lags_and_window(sample_rate: u32) -> (usize, usize) {
    let max_lag = (f64::from(sample_rate) / LOWEST_HZ) as usize;
    (max_lag, max_lag.max(1024))
}

/// The samples one pitch is found from: a window and the longest lag after it.
fn frame_length(sample_rate: u32) -> usize {
    let (max_lag, window) = lags_and_window(sample_rate);
    window + max_lag
}

/// The fundamental frequency (Hz) of the end of `samples`, if there is a clear one.
pub(crate) fn detect_pitch(samples: &[f32], sample_rate: u32) -> Option<f64> {
    let rate = f64::from(sample_rate);
    let (max_lag, window) = lags_and_window(sample_rate);
    let min_lag = ((rate / HIGHEST_HZ) as usize).max(2);
    if samples.len() < window + max_lag {
        return None;
    }
    // The end of the chunk: the freshest sound, so a new note shows as soon as a chunk holds it.
    let start = samples.len() - window - max_lag;
    let frame = &samples[start..start + window + max_lag];
    let rms = (frame[..window].iter().map(|s| s * s).sum::<f32>() / window as f32).sqrt();
    if rms < SILENCE_RMS {
        return None;
    }
    let difference: Vec<f64> =
        (0..=max_lag).map(|lag| (0..window).map(|j| f64::from(frame[j] - frame[j + lag]).powi(2)).sum()).collect();
    let mut normalised = vec![1.0; max_lag + 1];
    let mut running = 0.0;
    for lag in 1..=max_lag {
        running += difference[lag];
        normalised[lag] = if running > 0.0 { difference[lag] * lag as f64 / running } else { 1.0 };
    }
    let mut lag = (min_lag..max_lag).find(|&lag| normalised[lag] < THRESHOLD)?;
    while lag + 1 < max_lag && normalised[lag + 1] < normalised[lag] {
        lag += 1;
    }
    // A parabola through the minimum and its neighbours finds it between samples.
    let (before, at, after) = (normalised[lag - 1], normalised[lag], normalised[lag + 1]);
    let curve = before + after - 2.0 * at;
    let shift = if curve.abs() > f64::EPSILON { (before - after) / (2.0 * curve) } else { 0.0 };
    Some(rate / (lag as f64 + shift))
}

/// A chunk every `stream_every` (the demo's is 0.5 s, Gradio's default).
/// Clear: no note, an empty transcript, a fresh State.
fn start_over() -> (String, String, State<Transcript>) {
    (String::new(), String::new(), State(Transcript::default()))
}

pub(crate) fn blocks(stream_every: Duration) -> impl IntoMounted {
    let mut app = Blocks::new().title("Transcribe");
    app.markdown(format!(
        "Press **Record** and sing or play: each {}'s note is named, and the transcript grows while you record. **Clear** starts a new transcript.",
        chunk_name(stream_every)
    ));
    let kept = app.add(State(Transcript::default()));
    let (microphone, clear) = app.row(|app| {
        let microphone = app.column(4, |app| app.add(Audio::new().label("microphone").microphone().streaming(true)));
        (microphone, app.column(1, |app| app.add(Button::new("Clear"))))
    });
    let (note, transcript) =
        app.row(|app| (app.add(Textbox::new().label("note")), app.add(Textbox::new().label("transcript").lines(3))));
    // The stream event first: index 0, where streams go unless they name another.
    app.on(microphone.stream(), transcribe, (microphone, kept), (note, transcript, kept))
        .api_name("transcribe")
        .stream_every(stream_every)
        .time_limit(Some(Duration::from_secs(30)))
        // Each person's chunks come one at a time anyway; different people's may run at once.
        .concurrency_limit(None);
    app.on(clear.click(), start_over, (), (note, transcript, kept)).private();
    app
}

/// How the description names a chunk of `every`: "half second" for the demo's 0.5 s.
fn chunk_name(every: Duration) -> String {
    if every == Duration::from_millis(500) {
        "half second".into()
    } else {
        format!("{} s", every.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone(frequency: f64, sample_rate: u32, seconds: f64) -> Vec<f32> {
        let count = (seconds * f64::from(sample_rate)) as usize;
        let phase = |i: usize| 2.0 * std::f64::consts::PI * frequency * i as f64 / f64::from(sample_rate);
        // A fundamental with two overtones, as a voice or an instrument has.
        (0..count)
            .map(|i| (0.5 * phase(i).sin() + 0.25 * (2.0 * phase(i)).sin() + 0.1 * (3.0 * phase(i)).sin()) as f32)
            .collect()
    }

    #[test]
    fn pitches_of_tones_are_found_within_a_few_cents() {
        for (frequency, rate) in [(440.0, 48_000), (261.63, 44_100), (82.41, 16_000), (1046.5, 48_000)] {
            let found = detect_pitch(&tone(frequency, rate, 0.5), rate).unwrap();
            let cents = 1200.0 * (found / frequency).log2();
            assert!(cents.abs() < 5.0, "{frequency} Hz at {rate} Hz: found {found} Hz ({cents:.1} cents off)");
        }
    }

    #[test]
    fn silence_and_noise_have_no_pitch() {
        assert_eq!(detect_pitch(&vec![0.0; 24_000], 48_000), None);
        let mut seed = 1u32;
        let noise: Vec<f32> = (0..24_000)
            .map(|_| {
                seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                (seed >> 8) as f32 / (1 << 24) as f32 - 0.5
            })
            .collect();
        assert_eq!(detect_pitch(&noise, 48_000), None);
        assert_eq!(detect_pitch(&tone(440.0, 48_000, 0.01), 48_000), None, "too short to tell");
    }

    #[test]
    fn the_transcript_grows_across_chunks_and_writes_a_held_note_once() {
        let chunk = |frequency: f64| AudioData::mono(16_000, tone(frequency, 16_000, 0.5));
        let silence = AudioData::mono(16_000, vec![0.0; 8000]);
        let mut state = State(Transcript::default());
        let mut text = String::new();
        for next in [chunk(440.0), chunk(440.0), chunk(523.25), silence, chunk(523.25)] {
            let (_, transcript, kept) = transcribe(next, state);
            (text, state) = (transcript, kept);
        }
        assert_eq!(text, "A4 C5 C5");
    }

    /// A sine of `first` Hz, then of `second` Hz for the last `switch_after` seconds of
    /// `seconds`, with no jump in phase: an oscillator retuned, as the bench's microphone is.
    fn switching(first: f64, second: f64, rate: u32, seconds: f64, switch_after: f64) -> AudioData {
        let count = (seconds * f64::from(rate)) as usize;
        let switch_at = count - (switch_after * f64::from(rate)) as usize;
        let mut phase = 0.0f64;
        let samples = (0..count)
            .map(|i| {
                let frequency = if i < switch_at { first } else { second };
                phase += 2.0 * std::f64::consts::PI * frequency / f64::from(rate);
                (0.5 * phase.sin()) as f32
            })
            .collect();
        AudioData::mono(rate, samples)
    }

    #[test]
    fn a_change_of_note_inside_short_chunks_writes_only_the_notes_played() {
        // 0.05 s chunks at 48 kHz, as the page streams with stream_every 0.05: the chunk with
        // the change ends on a window that may hold both notes.
        let chunk = |frequency: f64| AudioData::mono(48_000, tone(frequency, 48_000, 0.05));
        let mut between = Vec::new();
        for switch_after in [0.005, 0.01, 0.015, 0.02, 0.025, 0.03, 0.035, 0.04, 0.045] {
            let change = switching(440.0, 523.25, 48_000, 0.05, switch_after);
            between
                .extend(hear(&change.samples, 48_000).note().filter(|n| !["A4", "C5"].contains(&n.as_str())).cloned());
            let mut state = State(Transcript::default());
            let mut text = String::new();
            for next in [chunk(440.0), chunk(440.0), change, chunk(523.25), chunk(523.25)] {
                let (_, transcript, kept) = transcribe(next, state);
                (text, state) = (transcript, kept);
            }
            assert_eq!(text, "A4 C5", "the note changed {switch_after} s before a chunk's end");
        }
        assert!(!between.is_empty(), "some straddling window names a note between the two");
    }

    #[test]
    fn a_note_that_begins_at_the_end_of_a_long_chunk_is_confirmed_by_the_next_one_beginning_with_it() {
        // C5 comes in the last 30 ms of a half-second chunk and is held into the next, which
        // ends on A4: C5 was played and is written, between the two A4s.
        let chunks = [
            AudioData::mono(48_000, tone(440.0, 48_000, 0.5)),
            switching(440.0, 523.25, 48_000, 0.5, 0.03),
            switching(523.25, 440.0, 48_000, 0.5, 0.1),
        ];
        let mut state = State(Transcript::default());
        let mut text = String::new();
        for next in chunks {
            let (_, transcript, kept) = transcribe(next, state);
            (text, state) = (transcript, kept);
        }
        assert_eq!(text, "A4 C5 A4");
    }

    #[test]
    fn a_long_chunk_writes_only_a_note_its_last_two_windows_agree_on() {
        let steady = AudioData::mono(48_000, tone(440.0, 48_000, 0.5));
        let (note, text, _) = transcribe(steady, State(Transcript::default()));
        assert_eq!((note.as_str(), text.as_str()), ("A4", "A4"), "a steady chunk is written at once");
        // A change anywhere in the last window: whatever that window names, only a note played
        // is written, and the next chunk's note follows it.
        for switch_after in [0.005, 0.01, 0.015, 0.02, 0.025, 0.03, 0.035] {
            let ending = switching(440.0, 523.25, 48_000, 0.5, switch_after);
            let (_, text, state) = transcribe(ending, State(Transcript::default()));
            assert!(text.is_empty() || text == "A4", "{switch_after} s before the end: {text:?}");
            let (_, text, _) = transcribe(AudioData::mono(48_000, tone(523.25, 48_000, 0.5)), state);
            assert!(text == "C5" || text == "A4 C5", "{switch_after} s before the end, then C5: {text:?}");
        }
    }
}
