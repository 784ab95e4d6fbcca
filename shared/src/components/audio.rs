//! Audio: recorded with the microphone (whole, or streamed in chunks while recording) or
//! uploaded; as an output, a player, which may play a generator's chunks as they come.

use crate::wire_names::wire_names;
use serde::{Deserialize, Serialize};

use super::{mismatch, Kind, Media, Problem, ValueError};
use crate::Value;

/// Audio's options.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Audio {
    /// Where input audio may come from; the first is offered first.
    pub sources: Vec<AudioSource>,
    /// As an input, send chunks while recording; as a generator's output, play chunks as they come.
    pub streaming: bool,
    /// As an output, play as soon as there is audio.
    pub autoplay: bool,
}

/// Where input audio comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum AudioSource {
    Microphone,
    Upload,
}

wire_names!(pub AudioSource { Microphone => "microphone", Upload => "upload" });

impl Kind for Audio {
    fn name(&self) -> &'static str {
        "audio"
    }

    fn validate(&self, value: &Value) -> Result<(), ValueError> {
        match value {
            Value::File(_) => Ok(()),
            other => Err(mismatch("an audio file", other)),
        }
    }

    fn check(&self) -> Result<(), Problem> {
        if self.sources.is_empty() {
            Err(Problem::NoSources)
        } else {
            Ok(())
        }
    }

    fn streams(&self) -> bool {
        self.streaming
    }

    fn media(&self) -> Option<Media> {
        Some(Media::Audio { streamed: self.streaming })
    }
}
