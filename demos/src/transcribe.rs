//! Streaming microphone + State: a running transcript of the notes sung or played. Each chunk's
//! pitch is found with YIN (de Cheveigné and Kawahara, 2002) and named (`A4`); the transcript
//! is built up across chunks in the session's State.

use rheo::{Audio, AudioData, Interface, IntoMounted, State, Textbox};
use serde::{Deserialize, Serialize};

use crate::notes::note_name;

/// The transcript so far, and the note still sounding (a held note is written once). Serde, so
/// that replicas sharing a store can carry it between them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct Transcript {
    notes: Vec<String>,
    holding: Option<String>,
}

pub(crate) fn transcribe(
    chunk: AudioData,
    State(mut transcript): State<Transcript>,
) -> (String, String, State<Transcript>) {
    let note = detect_pitch(&chunk.to_mono(), chunk.sample_rate).map(note_name);
    if note.is_some() && note != transcript.holding {
        transcript.notes.extend(note.clone());
    }
    transcript.holding = note.clone();
    let text = transcript.notes.join(" ");
    (note.unwrap_or_else(|| "—".into()), text, State(transcript))
}

/// Lowest and highest pitch looked for, in Hz (a bass voice to a whistle).
const LOWEST_HZ: f64 = 60.0;
const HIGHEST_HZ: f64 = 2000.0;
/// Quieter than this (RMS) is silence, which has no pitch.
const SILENCE_RMS: f32 = 0.01;
/// YIN's threshold on the cumulative mean normalised difference.
const THRESHOLD: f64 = 0.15;

/// The fundamental frequency (Hz) of the end of `samples`, if there is a clear one.
pub(crate) fn detect_pitch(samples: &[f32], sample_rate: u32) -> Option<f64> {
    let rate = f64::from(sample_rate);
    let max_lag = (rate / LOWEST_HZ) as usize;
    let min_lag = ((rate / HIGHEST_HZ) as usize).max(2);
    let window = max_lag.max(1024);
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

pub(crate) fn interface() -> impl IntoMounted {
    Interface::new(transcribe)
        .inputs((Audio::new().label("microphone").microphone().streaming(true), State(Transcript::default())))
        .outputs((Textbox::new().label("note"), Textbox::new().label("transcript").lines(3), State(Transcript::default())))
        .live(true)
        .stream_every(0.5)
        .time_limit(Some(30.0))
        // Each person's chunks come one at a time anyway; different people's may run at once.
        .concurrency_limit(None)
        .title("Transcribe")
        .description("Press Record and sing or play: each half second's note is named, and the transcript grows while you record. Clear starts a new transcript.")
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
}
