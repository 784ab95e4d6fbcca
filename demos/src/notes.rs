//! Note names in scientific pitch notation (`A4` = 440 Hz, `C#3`, `Bb5`), both ways.

const NAMES: [&str; 12] = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"];

/// The nearest note's name.
pub(crate) fn note_name(frequency: f64) -> String {
    let midi = (69.0 + 12.0 * (frequency / 440.0).log2()).round() as i32;
    format!("{}{}", NAMES[midi.rem_euclid(12) as usize], midi.div_euclid(12) - 1)
}

/// A note's frequency in Hz, for names like `C4`, `F#3`, `Bb5` (octaves 0 to 8).
pub(crate) fn note_frequency(name: &str) -> Option<f64> {
    let mut chars = name.chars();
    let letter = chars.next()?.to_ascii_uppercase();
    let base = ["C", "D", "E", "F", "G", "A", "B"].iter().position(|l| l.starts_with(letter))?;
    let semitone = [0, 2, 4, 5, 7, 9, 11][base];
    let rest = chars.as_str();
    let (shift, octave) = match rest.chars().next()? {
        '#' => (1, &rest[1..]),
        'b' => (-1, &rest[1..]),
        _ => (0, rest),
    };
    let octave: i32 = octave.parse().ok().filter(|o| (0..=8).contains(o))?;
    let midi = 12 * (octave + 1) + semitone + shift;
    Some(440.0 * 2f64.powf(f64::from(midi - 69) / 12.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_are_named() {
        assert_eq!(note_name(440.0), "A4");
        assert_eq!(note_name(261.63), "C4");
        assert_eq!(note_name(466.16), "A#4");
        assert_eq!(note_name(27.5), "A0");
        assert_eq!(note_name(450.0), "A4", "the nearest note");
    }

    #[test]
    fn names_turn_into_frequencies() {
        assert_eq!(note_frequency("A4"), Some(440.0));
        assert!((note_frequency("C4").unwrap() - 261.63).abs() < 0.01);
        assert!((note_frequency("Bb4").unwrap() - note_frequency("A#4").unwrap()).abs() < 1e-9);
        assert!((note_frequency("c5").unwrap() - 523.25).abs() < 0.01);
        for bad in ["", "H4", "C", "C9", "C#", "4C", "C-1"] {
            assert_eq!(note_frequency(bad), None, "{bad:?}");
        }
        for name in ["C2", "F#3", "A4", "B7"] {
            assert_eq!(note_name(note_frequency(name).unwrap()), name);
        }
    }
}
