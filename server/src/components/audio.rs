//! [`Audio`]: sound, as [`AudioData`].

use rheo_shared::{components, AudioData, AudioSource, ValueError};
use serde_json::{json, Value as JsonValue};

use super::{builder_basics, component_impl, file_data_schema, media_tool_schema, Common, Contract};
use crate::engine::value::{ComponentValue, Payload};

/// Audio: recorded with the microphone or uploaded (WAV, FLAC, MP3, Ogg Vorbis) as an input; as
/// an output, a player with a download link. The handler gets and returns [`AudioData`].
///
/// * In a live interface, a recording (not streaming) runs the handler once, when it stops.
/// * `.streaming(true)` on a microphone input of a live interface sends the handler a chunk of
///   the last [`Interface::stream_every`](crate::Interface::stream_every) while the
///   recording runs; pair it with a [`State`](crate::State) to build up history.
/// * `.streaming(true).autoplay(true)` on the output of a generator plays each yielded chunk
///   the moment it arrives, and ends as one file of them all.
///
/// ```
/// use futures::Stream;
/// use rheo::{AudioData, Audio, Interface};
///
/// fn keep_repeating(recording: AudioData) -> impl Stream<Item = AudioData> {
///     futures::stream::iter(std::iter::repeat_n(recording, 3))
/// }
///
/// let echo = Interface::new(keep_repeating)
///     .inputs(Audio::new().microphone())
///     .outputs(Audio::new().streaming(true).autoplay(true))
///     .live(true);
/// # let _ = rheo::Registry::new().mount("echo", echo);
/// ```
#[derive(Clone, Debug)]
pub struct Audio {
    common: Common,
    options: components::Audio,
}

builder_basics!(Audio);
component_impl!(Audio => AudioData, Audio);

impl Audio {
    /// Audio from the microphone or an upload, not streaming, not playing by itself.
    pub fn new() -> Self {
        let options = components::Audio {
            sources: vec![AudioSource::Microphone, AudioSource::Upload],
            streaming: false,
            autoplay: false,
        };
        Audio { common: Common::default(), options }
    }

    /// Where input audio may come from; the first is the one offered first.
    pub fn sources(mut self, from: impl IntoIterator<Item = AudioSource>) -> Self {
        self.options.sources = from.into_iter().collect();
        self
    }

    /// Only the microphone (`sources([AudioSource::Microphone])`).
    pub fn microphone(self) -> Self {
        self.sources([AudioSource::Microphone])
    }

    /// As an input: send chunks while recording. As a generator's output: play chunks as they come.
    pub fn streaming(mut self, on: bool) -> Self {
        self.options.streaming = on;
        self
    }

    /// As an output: start playing as soon as there is audio.
    pub fn autoplay(mut self, on: bool) -> Self {
        self.options.autoplay = on;
        self
    }
}

impl Default for Audio {
    fn default() -> Self {
        Self::new()
    }
}

impl ComponentValue for AudioData {
    fn from_payload(payload: Payload) -> Result<Self, ValueError> {
        match payload {
            Payload::Audio(audio) => Ok(audio),
            other => Err(ValueError::WrongType { expected: "audio", got: other.kind_name() }),
        }
    }

    fn into_payload(self) -> Payload {
        Payload::Audio(self)
    }
}

impl Contract for components::Audio {
    fn class_name(&self) -> &'static str {
        "Audio"
    }

    fn props(&self) -> JsonValue {
        json!({
            "sources": self.sources,
            "streaming": self.streaming,
            "autoplay": self.autoplay,
            "type": "filepath",
            "format": "wav",
        })
    }

    fn api_info(&self) -> JsonValue {
        file_data_schema("FileData")
    }

    fn tool_schema(&self) -> JsonValue {
        media_tool_schema("audio/wav", "a WAV, FLAC, MP3 or Ogg Vorbis recording")
    }

    fn python_type(&self) -> String {
        "filepath".into()
    }

    /// What `handle_file(...)` sends; a client uploads the file first.
    fn example(&self) -> JsonValue {
        json!({ "path": "audio.wav", "meta": { "_type": "gradio.FileData" }, "orig_name": "audio.wav" })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audio_converts_both_ways() {
        let audio = AudioData::mono(8000, vec![0.5]);
        assert_eq!(AudioData::from_payload(audio.clone().into_payload()), Ok(audio));
    }
}
