//! The browser's `MediaRecorder`: a camera's stream, with its microphone, recorded into one
//! video file.

use std::{cell::RefCell, rc::Rc};

use js_sys::{Array, Promise};
use wasm_bindgen::{prelude::*, JsCast};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, BlobEvent, BlobPropertyBag, MediaRecorder, MediaRecorderOptions, MediaStream, RecordingState};

use crate::words::{tr, Text};

/// The types asked for, best first: MP4 with H.264 plays in every browser (Safari's included),
/// and Chromium records it; WebM where it does not.
const TYPES: [&str; 3] = ["video/mp4;codecs=avc1,opus", "video/webm;codecs=vp8,opus", "video/webm"];

/// How often the recorder hands over what it has, in milliseconds: a stop then waits for at
/// most this much.
const SLICE_MS: i32 = 1000;

/// A recording running.
pub(crate) struct Recorder {
    recorder: MediaRecorder,
    parts: Rc<RefCell<Vec<Blob>>>,
    _on_data: Closure<dyn FnMut(BlobEvent)>,
}

impl Recorder {
    /// Starts recording `stream` (all its tracks).
    pub(crate) fn start(stream: &MediaStream) -> Result<Recorder, String> {
        let failed = |e: JsValue| format!("{}: {e:?}", tr(Text::RecordingFailed));
        let options = MediaRecorderOptions::new();
        if let Some(supported) = TYPES.iter().find(|t| MediaRecorder::is_type_supported(t)) {
            options.set_mime_type(supported);
        }
        let recorder =
            MediaRecorder::new_with_media_stream_and_media_recorder_options(stream, &options).map_err(failed)?;
        let parts = Rc::new(RefCell::new(Vec::new()));
        let sink = parts.clone();
        let on_data = Closure::<dyn FnMut(BlobEvent)>::new(move |event: BlobEvent| {
            if let Some(data) = event.data().filter(|data| data.size() > 0.0) {
                sink.borrow_mut().push(data);
            }
        });
        recorder.set_ondataavailable(Some(on_data.as_ref().unchecked_ref()));
        recorder.start_with_time_slice(SLICE_MS).map_err(failed)?;
        Ok(Recorder { recorder, parts, _on_data: on_data })
    }

    /// Stops, and gives the recording as one file with its extension. A recorder that stopped
    /// by itself (its camera's track ended) gives what it recorded.
    pub(crate) async fn finish(self) -> Result<(Blob, &'static str), String> {
        if self.recorder.state() != RecordingState::Inactive {
            let recorder = self.recorder.clone();
            let stopped = Promise::new(&mut |resolve, _| {
                let done = Closure::once_into_js(move || {
                    let _ = resolve.call0(&JsValue::NULL);
                });
                recorder.set_onstop(Some(done.unchecked_ref()));
            });
            self.recorder.stop().map_err(|e| format!("{}: {e:?}", tr(Text::RecordingFailed)))?;
            // The last part comes before `stop`.
            let _ = JsFuture::from(stopped).await;
        }
        let mime_type = self.recorder.mime_type();
        let parts: Array = self.parts.borrow().iter().collect();
        let options = BlobPropertyBag::new();
        options.set_type(&mime_type);
        let video = Blob::new_with_blob_sequence_and_options(&parts, &options)
            .map_err(|e| format!("{}: {e:?}", tr(Text::RecordingFailed)))?;
        if video.size() == 0.0 {
            return Err(tr(Text::EmptyVideo));
        }
        Ok((video, if mime_type.starts_with("video/mp4") { "mp4" } else { "webm" }))
    }
}

impl Drop for Recorder {
    /// A recording dropped unfinished (the page left, the camera stopped) is thrown away.
    fn drop(&mut self) {
        self.recorder.set_ondataavailable(None);
        if self.recorder.state() != RecordingState::Inactive {
            let _ = self.recorder.stop();
        }
    }
}
