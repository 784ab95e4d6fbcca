//! Video: a file uploaded or recorded with the webcam (and its microphone); as an output, a
//! player. Passed through as the file it is: the page plays what the browser plays.

use serde::{Deserialize, Serialize};

use super::{mismatch, Kind, Media, Problem, ValueError};
use crate::{wire_names::wire_names, Value};

/// A video's options (Gradio's `gr.Video`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Video {
    /// Where an input video may come from; the first is offered first.
    pub sources: Vec<VideoSource>,
    /// Record the microphone with the webcam (Gradio's `include_audio`).
    pub include_audio: bool,
    /// Show the webcam preview as a mirror (only the preview: the recording is as the camera
    /// sees it).
    pub mirror_webcam: bool,
    /// As an output, play as soon as there is a video.
    pub autoplay: bool,
    /// As an output, play again from the start when it ends.
    #[serde(rename = "loop")]
    pub loop_playback: bool,
}

impl Default for Video {
    /// From an upload or the webcam with its sound; a mirrored preview; no autoplay or loop.
    fn default() -> Self {
        Video {
            sources: vec![VideoSource::Upload, VideoSource::Webcam],
            include_audio: true,
            mirror_webcam: true,
            autoplay: false,
            loop_playback: false,
        }
    }
}

/// Where an input video comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum VideoSource {
    Upload,
    Webcam,
}

wire_names!(pub VideoSource { Upload => "upload", Webcam => "webcam" });

impl Kind for Video {
    fn name(&self) -> &'static str {
        "video"
    }

    fn validate(&self, value: &Value) -> Result<(), ValueError> {
        match value {
            Value::File(_) => Ok(()),
            other => Err(mismatch("a video file", other)),
        }
    }

    fn check(&self) -> Result<(), Problem> {
        if self.sources.is_empty() {
            Err(Problem::NoSources)
        } else {
            Ok(())
        }
    }

    fn media(&self) -> Option<Media> {
        Some(Media::Video)
    }
}
