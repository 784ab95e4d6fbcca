//! `/talk`: talk to it. Say something and pause: your words come back lower and slower, a
//! tenth of a second at a time, playing as they stream in. Talk over the reply and it stops.
//!
//! [`ReplyOnPause`] does the listening (a voice activity detector finds the pause that ends
//! your turn); the reply is a plain generator of the utterance.

use std::time::Duration;

use futures::Stream;
use rheo::{Audio, AudioData, Interface, IntoMounted, ReplyOnPause};

/// How much slower (and so lower) the reply plays than what was said.
const SLOWER: f64 = 1.25;
/// The reply's pieces, as a model speaking piece by piece would send them.
const PIECE: Duration = Duration::from_millis(100);
/// Below this (about -36 dBFS), the utterance's start is the quiet before the words, which
/// the reply leaves out rather than keep the person waiting through it.
const QUIET: f32 = 1.0 / 64.0;

/// The utterance from its first sound, stretched [`SLOWER`] times (lower by as much), in
/// pieces of [`PIECE`].
pub(crate) fn say_back(utterance: AudioData) -> impl Stream<Item = AudioData> {
    let rate = utterance.sample_rate;
    let samples = utterance.to_mono();
    let words = samples.iter().position(|s| s.abs() >= QUIET).unwrap_or(samples.len());
    let stretched = stretch(&samples[words..], SLOWER);
    let piece = ((PIECE.as_secs_f64() * f64::from(rate)) as usize).max(1);
    let pieces: Vec<AudioData> = stretched.chunks(piece).map(|p| AudioData::mono(rate, p.to_vec())).collect();
    futures::stream::iter(pieces)
}

/// `samples` played `factor` times slower: each output sample read between two input ones.
fn stretch(samples: &[f32], factor: f64) -> Vec<f32> {
    let length = (samples.len() as f64 * factor) as usize;
    (0..length)
        .map(|i| {
            let at = i as f64 / factor;
            let index = at as usize;
            let next = samples.get(index + 1).or(samples.get(index)).copied().unwrap_or(0.0);
            let fraction = (at - index as f64) as f32;
            samples.get(index).map_or(0.0, |sample| sample + (next - sample) * fraction)
        })
        .collect()
}

pub(crate) fn interface() -> impl IntoMounted {
    Interface::new(ReplyOnPause::new(say_back).pause(Duration::from_millis(500)))
        .inputs(Audio::new().label("you").microphone().streaming(true))
        .outputs(Audio::new().label("reply").streaming(true).autoplay(true))
        .live(true)
        .stream_every(Duration::from_millis(20))
        // Each person's replies come one at a time anyway; different people's may run at once.
        .concurrency_limit(None)
        .time_limit(Some(Duration::from_secs(300)))
        .title("Talk to it")
        .description(
            "Press Record and say something, then pause: it says it back, lower and slower. \
             Talk over its reply and it stops.",
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::StreamExt;

    #[tokio::test]
    async fn the_reply_is_the_utterance_slower_in_pieces() {
        let utterance = AudioData::mono(16_000, (0..16_000).map(|i| (i as f32 / 100.0).sin()).collect());
        let pieces: Vec<AudioData> = say_back(utterance).collect().await;
        let seconds: f64 = pieces.iter().map(AudioData::duration).sum();
        assert!((seconds - SLOWER).abs() < 0.01, "{seconds}");
        assert!(pieces.iter().all(|p| p.duration() <= PIECE.as_secs_f64() + 1e-9));
    }

    #[tokio::test]
    async fn the_reply_leaves_out_the_quiet_before_the_words() {
        let mut samples = vec![0.001; 8_000];
        samples.extend(std::iter::repeat_n(0.5, 8_000));
        let pieces: Vec<AudioData> = say_back(AudioData::mono(16_000, samples)).collect().await;
        let seconds: f64 = pieces.iter().map(AudioData::duration).sum();
        assert!((seconds - 0.5 * SLOWER).abs() < 0.01, "{seconds}");
        assert!(pieces[0].to_mono()[0] >= QUIET);
    }
}
