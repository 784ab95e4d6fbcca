//! Generated audio streamed back: one chunk per note, each after a short delay, as a slow model
//! would produce them; it plays from the first chunk and ends as one file.

use std::{f64::consts::TAU, time::Duration};

use futures::Stream;
use rheo::{Audio, AudioData, Interface, IntoMounted, Slider, Textbox};

use crate::notes::note_frequency;

/// The sample rate of the synthesised audio.
pub(crate) const SAMPLE_RATE: u32 = 24_000;
/// How long each chunk takes to "generate".
const THINKING: Duration = Duration::from_millis(300);
/// The most notes one melody may have.
const MAX_NOTES: usize = 64;

/// The frequency of each note of `melody` (space-separated names), or which name is wrong.
pub(crate) fn parse_melody(melody: &str) -> Result<Vec<f64>, String> {
    let names: Vec<&str> = melody.split_whitespace().collect();
    if names.is_empty() {
        return Err("Write some notes, like C4 E4 G4 C5.".into());
    }
    if names.len() > MAX_NOTES {
        return Err(format!("At most {MAX_NOTES} notes, please ({} given).", names.len()));
    }
    names
        .iter()
        .map(|name| {
            note_frequency(name).ok_or_else(|| format!("{name:?} is not a note: use names like C4, F#3 or Bb5."))
        })
        .collect()
}

/// One note of `seconds`: a tone with two overtones, with a short attack and a decay, so the
/// notes are heard apart.
pub(crate) fn synthesise(frequency: f64, seconds: f64) -> AudioData {
    let count = (seconds * f64::from(SAMPLE_RATE)) as usize;
    let samples = (0..count)
        .map(|i| {
            let t = i as f64 / f64::from(SAMPLE_RATE);
            let envelope = (t / 0.01).min(1.0) * (-3.0 * t / seconds).exp();
            let tone = (TAU * frequency * t).sin()
                + 0.3 * (2.0 * TAU * frequency * t).sin()
                + 0.1 * (3.0 * TAU * frequency * t).sin();
            (0.4 * envelope * tone) as f32
        })
        .collect();
    AudioData::mono(SAMPLE_RATE, samples)
}

pub(crate) fn synth(melody: String, tempo: f64) -> impl Stream<Item = Result<AudioData, String>> {
    async_stream::stream! {
        let frequencies = match parse_melody(&melody) {
            Ok(frequencies) => frequencies,
            Err(message) => {
                yield Err(message);
                return;
            }
        };
        let seconds = 60.0 / tempo;
        for frequency in frequencies {
            tokio::time::sleep(THINKING).await;
            yield Ok(synthesise(frequency, seconds));
        }
    }
}

pub(crate) fn interface() -> impl IntoMounted {
    Interface::new(synth)
        .inputs((
            Textbox::new().label("notes").value("C4 E4 G4 C5").placeholder("C4 E4 G4 C5").max_length(400),
            Slider::new(40.0, 240.0).label("tempo (beats per minute)").value(180.0),
        ))
        .outputs(Audio::new().label("melody").streaming(true).autoplay(true))
        .examples([("C4 E4 G4 C5".to_string(), 180.0), ("A4".to_string(), 60.0), ("E4 D4 C4 D4 E4 E4 E4".to_string(), 200.0)])
        .title("Synth")
        .description("Notes in, music out: one note is synthesised at a time (slowly, like a model would) and plays as soon as it exists.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn melodies_are_parsed_or_refused_in_words() {
        assert_eq!(parse_melody("A4  A5").unwrap(), [440.0, 880.0]);
        assert_eq!(parse_melody("C4 X9").unwrap_err(), "\"X9\" is not a note: use names like C4, F#3 or Bb5.");
        assert!(parse_melody("  ").is_err());
        assert!(parse_melody(&"C4 ".repeat(65)).is_err());
    }

    #[test]
    fn each_note_lasts_one_beat() {
        let note = synthesise(440.0, 0.5);
        assert_eq!((note.sample_rate, note.frames()), (SAMPLE_RATE, 12_000));
        assert!(note.samples.iter().all(|s| s.abs() <= 1.0));
        assert!(note.samples.iter().any(|s| s.abs() > 0.2), "audible");
    }
}
