//! An audio file's waveform: the loudest sample of each span of it, decoded in the browser by
//! an `OfflineAudioContext` (which needs no sound device and no click to start), drawn as bars.

use web_sys::OfflineAudioContext;

use super::player::{decode, fetch};

/// How many bars a waveform has.
pub(crate) const BARS: usize = 96;

/// The largest file drawn: decoded, a file takes far more memory than its bytes.
const MAX_FILE_BYTES: usize = 32 << 20;

/// The sample rate files are decoded at: peaks need no more, and decoded samples take less
/// memory (a minute is 1.9 MB a channel).
const SAMPLE_RATE: f32 = 8_000.0;

/// The peaks of the file at `url`: for each of [`BARS`] equal spans of its first channel, its
/// loudest sample, 0 to 1.
pub(crate) async fn peaks(url: &str) -> Result<Vec<f32>, String> {
    let bytes = fetch(url).await?;
    if bytes.len() > MAX_FILE_BYTES {
        return Err(format!("{} bytes is more than a waveform draws", bytes.len()));
    }
    // Decoding resamples to the context's rate; its length is only a placeholder.
    let context = OfflineAudioContext::new_with_number_of_channels_and_length_and_sample_rate(1, 1, SAMPLE_RATE)
        .map_err(|e| format!("{e:?}"))?;
    let buffer = decode(&context, &bytes).await?;
    let samples = buffer.get_channel_data(0).map_err(|e| format!("{e:?}"))?;
    Ok(peaks_of(&samples, BARS))
}

/// The loudest magnitude of each of `bars` equal spans of `samples` (fewer when there are
/// fewer samples), clamped to 1.
pub(crate) fn peaks_of(samples: &[f32], bars: usize) -> Vec<f32> {
    if samples.is_empty() || bars == 0 {
        return Vec::new();
    }
    let span = samples.len().div_ceil(bars);
    samples.chunks(span).map(|chunk| chunk.iter().fold(0.0_f32, |loudest, s| loudest.max(s.abs())).min(1.0)).collect()
}

/// An SVG path of one bar per peak, in a box [`BARS`] wide and 2 high, each bar centred on the
/// middle line and at least a hairline tall (silence still shows where it is).
pub(crate) fn bars_path(peaks: &[f32]) -> String {
    peaks
        .iter()
        .enumerate()
        .map(|(i, peak)| {
            let half = peak.max(0.02);
            format!("M{}.2 {:.3}h0.6v{:.3}h-0.6Z", i, 1.0 - half, 2.0 * half)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_bar_is_its_spans_loudest_sample() {
        let samples = [0.1, -0.9, 0.2, 0.3, -0.1, 0.05, 2.0];
        assert_eq!(peaks_of(&samples, 3), [0.9, 0.3, 1.0], "spans of 3, 3 and 1; clamped to 1");
        assert_eq!(peaks_of(&samples[..2], 8), [0.1, 0.9], "no more bars than samples");
        assert!(peaks_of(&[], 8).is_empty());
    }

    #[test]
    fn a_bar_is_centred_and_never_vanishes() {
        assert_eq!(bars_path(&[1.0, 0.0]), "M0.2 0.000h0.6v2.000h-0.6ZM1.2 0.980h0.6v0.040h-0.6Z");
    }
}
