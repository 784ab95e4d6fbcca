//! Image: a picture uploaded, pasted or taken with the webcam, or a stream of webcam frames;
//! as an output, a picture to see and download.

use serde::{Deserialize, Serialize};

use super::{mismatch, Kind, Problem, ValueError};
use crate::Value;

/// An image's options.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Image {
    /// Where an input image may come from; the first is offered first.
    pub sources: Vec<ImageSource>,
    /// Stream webcam frames to the handler while the camera runs.
    pub streaming: bool,
    /// How the browser encodes webcam frames it streams (JPEG quality, above 0, at most 1).
    pub jpeg_quality: f64,
}

/// Where an input image comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum ImageSource {
    Upload,
    Webcam,
    Clipboard,
}

impl Kind for Image {
    fn name(&self) -> &'static str {
        "image"
    }

    fn validate(&self, value: &Value) -> Result<(), ValueError> {
        match value {
            Value::File(_) => Ok(()),
            other => Err(mismatch("an image file", other)),
        }
    }

    fn check(&self) -> Result<(), Problem> {
        if !(self.jpeg_quality > 0.0 && self.jpeg_quality <= 1.0) {
            Err(Problem::BadQuality)
        } else if self.sources.is_empty() {
            Err(Problem::NoSources)
        } else {
            Ok(())
        }
    }

    fn streams(&self) -> bool {
        self.streaming
    }

    fn carries_media(&self) -> bool {
        true
    }
}
