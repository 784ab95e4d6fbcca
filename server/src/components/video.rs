//! [`Video`]: a video, as a [`VideoFile`]: its bytes, and what its container says of it.

use std::time::Duration;

use bytes::Bytes;
use rheo_shared::{components, ValueError, VideoSource};
use serde_json::{json, Value as JsonValue};

use super::{builder_basics, component_impl, file_data_schema, media_tool_schema, Common, Contract};
use crate::engine::{
    value::{ComponentValue, Payload},
    video::read_container,
};

/// A video: uploaded or recorded with the webcam (and its microphone) as an input; as an
/// output, a player with a download link. The handler gets and returns a [`VideoFile`]: MP4
/// or WebM (Matroska), passed through as it is. The server reads its container, not its
/// pictures: it checks what it is by its content and how long it is
/// ([`Limits::max_video_length`](crate::Limits::max_video_length)), and the browser plays it.
///
/// The page records the webcam as MP4 (H.264, with Opus sound) where the browser can, as
/// Chromium does, else as WebM.
///
/// ```
/// use rheo::{Interface, Textbox, Video, VideoFile};
///
/// fn describe(video: VideoFile) -> String {
///     format!("{:.1} s of {}×{} {}", video.duration.as_secs_f64(), video.width, video.height, video.format)
/// }
///
/// let about = Interface::new(describe).inputs(Video::new()).outputs(Textbox::new());
/// # let _ = rheo::Registry::new().mount("about", about);
/// ```
#[derive(Clone, Debug)]
pub struct Video {
    common: Common,
    options: components::Video,
}

builder_basics!(Video);
component_impl!(Video => VideoFile, Video);

impl Video {
    /// A video from an upload or the webcam with its sound; as an output, a player.
    pub fn new() -> Self {
        Video { common: Common::default(), options: components::Video::default() }
    }

    /// Where an input video may come from; the first is the one offered first.
    pub fn sources(mut self, from: impl IntoIterator<Item = VideoSource>) -> Self {
        self.options.sources = from.into_iter().collect();
        self
    }

    /// Only the webcam (`sources([VideoSource::Webcam])`).
    pub fn webcam(self) -> Self {
        self.sources([VideoSource::Webcam])
    }

    /// Whether a webcam recording has the microphone's sound (on by default).
    pub fn include_audio(mut self, on: bool) -> Self {
        self.options.include_audio = on;
        self
    }

    /// Whether the webcam's preview is a mirror (on by default; the recording never is).
    pub fn mirror_webcam(mut self, on: bool) -> Self {
        self.options.mirror_webcam = on;
        self
    }

    /// As an output: start playing as soon as there is a video.
    pub fn autoplay(mut self, on: bool) -> Self {
        self.options.autoplay = on;
        self
    }

    /// As an output: play again from the start when it ends (Gradio's `loop`).
    pub fn loop_playback(mut self, on: bool) -> Self {
        self.options.loop_playback = on;
        self
    }
}

impl Default for Video {
    fn default() -> Self {
        Self::new()
    }
}

/// A video as a handler sees it: its bytes, its name and type, and what its container says.
/// An input's type is found from its bytes, whatever the sender claimed.
#[derive(Clone, Debug, PartialEq)]
pub struct VideoFile {
    /// Its name, without folders (`webcam.mp4`).
    pub name: String,
    /// Its container.
    pub format: VideoFormat,
    /// Its content.
    pub bytes: Bytes,
    /// From its first sample to the end of its last, by the samples' own timing.
    pub duration: Duration,
    /// Its picture's width in pixels, as stored (a player may turn it, as an MP4's track
    /// header says).
    pub width: u32,
    /// Its picture's height in pixels, as stored.
    pub height: u32,
    /// Whether it has a sound track.
    pub has_audio: bool,
}

impl VideoFile {
    /// A video of these bytes, named `name`: MP4 or WebM (Matroska), found from the bytes.
    /// The error says, in words, why they are not one.
    pub fn read(name: impl Into<String>, bytes: impl Into<Bytes>) -> Result<Self, VideoError> {
        let bytes = bytes.into();
        let container = read_container(&bytes)?;
        Ok(VideoFile {
            name: name.into(),
            format: container.format,
            bytes,
            duration: container.duration,
            width: container.width,
            height: container.height,
            has_audio: container.has_audio,
        })
    }

    /// Its content type (`video/mp4`).
    pub fn mime_type(&self) -> &'static str {
        self.format.mime_type()
    }

    /// This video, if it is at most `max` long.
    pub(crate) fn within(self, max: Duration) -> Result<Self, VideoError> {
        if self.duration > max {
            return Err(VideoError::TooLong { seconds: self.duration.as_secs_f64(), max: max.as_secs() });
        }
        Ok(self)
    }
}

/// A video's container.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VideoFormat {
    /// MP4 (ISO BMFF; QuickTime's `.mov` too): H.264, H.265, VP9 or AV1.
    Mp4,
    /// WebM: VP8, VP9 or AV1, with Opus or Vorbis sound.
    WebM,
    /// Matroska, of which WebM is a part.
    Matroska,
}

impl VideoFormat {
    /// Its content type.
    pub fn mime_type(self) -> &'static str {
        match self {
            VideoFormat::Mp4 => "video/mp4",
            VideoFormat::WebM => "video/webm",
            VideoFormat::Matroska => "video/x-matroska",
        }
    }

    /// Its usual extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            VideoFormat::Mp4 => "mp4",
            VideoFormat::WebM => "webm",
            VideoFormat::Matroska => "mkv",
        }
    }
}

impl std::fmt::Display for VideoFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            VideoFormat::Mp4 => "MP4",
            VideoFormat::WebM => "WebM",
            VideoFormat::Matroska => "Matroska",
        })
    }
}

/// Why bytes are not a video the server takes, in words for the person who sent them.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[allow(missing_docs)]
pub enum VideoError {
    #[error("this is not a video in a format the server reads (MP4 or WebM)")]
    NotAVideo,
    #[error("the video is corrupt: {0}")]
    Corrupt(String),
    #[error("the file holds no video track")]
    NoPicture,
    #[error("the video is {seconds:.1} s long; the limit is {max} s")]
    TooLong { seconds: f64, max: u64 },
    #[error("the video holds more than {0} frames")]
    TooManyFrames(u64),
}

impl ComponentValue for VideoFile {
    fn from_payload(payload: Payload) -> Result<Self, ValueError> {
        match payload {
            Payload::Video(video) => Ok(video),
            other => Err(ValueError::WrongType { expected: "a video", got: other.kind_name() }),
        }
    }

    fn into_payload(self) -> Payload {
        Payload::Video(self)
    }
}

impl Contract for components::Video {
    fn class_name(&self) -> &'static str {
        "Video"
    }

    /// Gradio's props; its `include_audio` is off for a webcam-only input, whatever the author
    /// said, which Rheo does not copy.
    fn props(&self) -> JsonValue {
        json!({
            "sources": self.sources,
            "webcam_options": { "mirror": self.mirror_webcam, "constraints": null },
            "include_audio": self.include_audio,
            "autoplay": self.autoplay,
            "loop": self.loop_playback,
            "streaming": false,
            "buttons": ["download"],
        })
    }

    fn api_info(&self) -> JsonValue {
        file_data_schema("FileData")
    }

    fn tool_schema(&self) -> JsonValue {
        media_tool_schema("video/mp4", "an MP4 or WebM video")
    }

    fn python_type(&self) -> String {
        "filepath".into()
    }

    /// What `handle_file(...)` sends; a client uploads the file first.
    fn example(&self) -> JsonValue {
        json!({ "path": "video.mp4", "meta": { "_type": "gradio.FileData" }, "orig_name": "video.mp4" })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MP4: &[u8] = include_bytes!("../../tests/fixtures/webcam-h264.mp4");

    #[test]
    fn a_video_converts_both_ways_and_is_held_to_its_length() {
        let video = VideoFile::read("blob", MP4).unwrap();
        assert_eq!((video.mime_type(), video.format.extension()), ("video/mp4", "mp4"));
        assert_eq!(VideoFile::from_payload(video.clone().into_payload()), Ok(video.clone()));
        assert!(video.clone().within(Duration::from_secs(2)).is_ok());
        assert_eq!(
            video.within(Duration::from_secs(1)).unwrap_err().to_string(),
            "the video is 1.5 s long; the limit is 1 s"
        );
    }
}
