//! Image: a picture uploaded, pasted or taken with the webcam, or a stream of webcam frames;
//! as an output, a picture to see and download.

use crate::wire_names::wire_names;
use serde::{Deserialize, Serialize};

use super::{mismatch, Kind, Media, Problem, ValueError};
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
    /// Show the webcam preview as a mirror, as people expect of a camera facing them (on by
    /// default, as Gradio's `mirror_webcam`). Only the preview: photos and streamed frames
    /// reach the handler as the camera sees them. The page has a switch.
    #[serde(default = "mirror_by_default")]
    pub mirror_webcam: bool,
    /// What to ask of the webcam (Gradio's `webcam_constraints`).
    #[serde(default)]
    pub webcam: WebcamConstraints,
    /// An output's display size in CSS pixels (none: its natural size, fit to the column).
    #[serde(default)]
    pub height: Option<u32>,
    #[serde(default)]
    pub width: Option<u32>,
    /// The format an output image is stored and downloaded in.
    #[serde(default)]
    pub format: ImageFormat,
}

fn mirror_by_default() -> bool {
    true
}

impl Default for Image {
    /// From an upload, the webcam or the clipboard, not streaming; a mirrored preview; PNG.
    fn default() -> Self {
        Image {
            sources: vec![ImageSource::Upload, ImageSource::Webcam, ImageSource::Clipboard],
            streaming: false,
            jpeg_quality: 0.8,
            mirror_webcam: true,
            webcam: WebcamConstraints::default(),
            height: None,
            width: None,
            format: ImageFormat::Png,
        }
    }
}

/// What the page asks of the webcam. The sizes and rate are preferences (`ideal` in
/// `getUserMedia`'s terms): a camera that cannot meet them gives what it can, and the page
/// says what it got. Its camera choice, when the machine has several, overrides `facing`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct WebcamConstraints {
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub frame_rate: Option<f64>,
    pub facing: Option<Facing>,
}

/// Which way a phone's camera looks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Facing {
    /// The front camera, facing the person (`user`).
    Front,
    /// The rear camera (`environment`).
    Rear,
}

wire_names!(pub Facing { Front => "front", Rear => "rear" });

impl Facing {
    /// Its name in `getUserMedia`'s `facingMode`.
    pub fn mode(self) -> &'static str {
        match self {
            Facing::Front => "user",
            Facing::Rear => "environment",
        }
    }
}

/// How an output image is stored: PNG (lossless, the default), JPEG (small, for photos) or
/// WebP (lossless, smaller than PNG).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ImageFormat {
    #[default]
    Png,
    Jpeg,
    Webp,
}

wire_names!(pub ImageFormat { Png => "png", Jpeg => "jpeg", Webp => "webp" });

impl ImageFormat {
    pub fn mime_type(self) -> &'static str {
        match self {
            ImageFormat::Png => "image/png",
            ImageFormat::Jpeg => "image/jpeg",
            ImageFormat::Webp => "image/webp",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            ImageFormat::Png => "png",
            ImageFormat::Jpeg => "jpg",
            ImageFormat::Webp => "webp",
        }
    }
}

/// Where an input image comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum ImageSource {
    Upload,
    Webcam,
    Clipboard,
}

wire_names!(pub ImageSource { Upload => "upload", Webcam => "webcam", Clipboard => "clipboard" });

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
        let WebcamConstraints { width, height, frame_rate, .. } = self.webcam;
        let sizes = [width, height, self.width, self.height];
        if !(self.jpeg_quality > 0.0 && self.jpeg_quality <= 1.0) {
            Err(Problem::BadQuality)
        } else if self.sources.is_empty() {
            Err(Problem::NoSources)
        } else if sizes.iter().flatten().any(|side| !(1..=8192).contains(side)) {
            Err(Problem::BadImageSize)
        } else if frame_rate.is_some_and(|fps| !(fps.is_finite() && fps > 0.0 && fps <= 240.0)) {
            Err(Problem::BadFrameRate)
        } else {
            Ok(())
        }
    }

    fn streams(&self) -> bool {
        self.streaming
    }

    fn media(&self) -> Option<Media> {
        Some(Media::Image)
    }
}
