//! The streaming-outputs guide's `keep_repeating`: record from the microphone (the call runs
//! when the recording stops) or upload a file, and hear it streamed back several times,
//! playing at once.

use std::time::Duration;

use futures::Stream;
use rheo::{Audio, AudioData, Interface, IntoMounted};

/// How many times the recording comes back.
pub(crate) const REPEATS: usize = 4;
/// The pause between yields, as a model producing audio piece by piece would take.
const PAUSE: Duration = Duration::from_millis(500);

pub(crate) fn keep_repeating(recording: AudioData) -> impl Stream<Item = AudioData> {
    async_stream::stream! {
        for repeat in 0..REPEATS {
            if repeat > 0 {
                tokio::time::sleep(PAUSE).await;
            }
            yield recording.clone();
        }
    }
}

pub(crate) fn interface() -> impl IntoMounted {
    Interface::new(keep_repeating)
        .inputs(Audio::new().label("recording"))
        .outputs(Audio::new().label("echo").streaming(true).autoplay(true))
        .live(true)
        .title("Echo")
        .description("Record something (or choose a file); it comes back four times, playing as it streams in.")
}
