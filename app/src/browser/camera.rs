//! The webcam, through `getUserMedia`: start it into a `<video>`, grab a frame as a JPEG,
//! stop it (which releases the device: the browser's camera light goes off).

use js_sys::Promise;
use wasm_bindgen::{prelude::*, JsCast};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, CanvasRenderingContext2d, HtmlCanvasElement, HtmlVideoElement, MediaStream};

use super::devices::{self, CameraRequest};
use crate::words::{tr, Text};

/// A running camera, shown in a video element.
pub(crate) struct Camera {
    stream: MediaStream,
    video: HtmlVideoElement,
    canvas: HtmlCanvasElement,
}

impl Camera {
    /// Asks for the camera as `request` says (with the microphone if `with_microphone`) and
    /// shows it in `video`, muted. The error says, in words, why there is none.
    pub(crate) async fn start(
        video: HtmlVideoElement,
        request: &CameraRequest,
        with_microphone: bool,
    ) -> Result<Camera, String> {
        let stream = devices::open_camera(request, with_microphone).await?;
        video.set_muted(true);
        video.set_src_object(Some(&stream));
        if let Ok(playing) = video.play() {
            let _ = JsFuture::from(playing).await;
        }
        let canvas: HtmlCanvasElement = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.create_element("canvas").ok())
            .ok_or("cannot create a canvas")?
            .unchecked_into();
        Ok(Camera { stream, video, canvas })
    }

    /// The current frame as a JPEG of `quality` (0 to 1), at the camera's size.
    pub(crate) async fn capture_jpeg(&self, quality: f64) -> Result<Blob, String> {
        let (width, height) = (self.video.video_width(), self.video.video_height());
        if width == 0 || height == 0 {
            return Err(tr(Text::CameraNotReady));
        }
        if self.canvas.width() != width || self.canvas.height() != height {
            self.canvas.set_width(width);
            self.canvas.set_height(height);
        }
        let context: CanvasRenderingContext2d =
            self.canvas.get_context("2d").ok().flatten().ok_or("the browser gave no 2D canvas")?.unchecked_into();
        context.draw_image_with_html_video_element(&self.video, 0.0, 0.0).map_err(|e| format!("{e:?}"))?;
        let canvas = self.canvas.clone();
        // toBlob encodes off the main thread and calls back; a promise turns that into a future.
        let encoded = Promise::new(&mut |resolve, reject| {
            let done = Closure::once_into_js(move |blob: JsValue| {
                let _ = resolve.call1(&JsValue::NULL, &blob);
            });
            if canvas
                .to_blob_with_type_and_encoder_options(done.unchecked_ref(), "image/jpeg", &quality.into())
                .is_err()
            {
                let _ = reject.call0(&JsValue::NULL);
            }
        });
        let blob = JsFuture::from(encoded).await.map_err(|_| "the frame could not be encoded".to_string())?;
        blob.dyn_into::<Blob>().map_err(|_| "the frame could not be encoded".to_string())
    }

    /// The camera's track.
    pub(crate) fn video_track(&self) -> Option<web_sys::MediaStreamTrack> {
        self.stream.get_video_tracks().get(0).dyn_into().ok()
    }

    /// What it gives: the camera's track, and the microphone's if asked for.
    pub(crate) fn stream(&self) -> &MediaStream {
        &self.stream
    }

    /// Stops the camera and releases the device.
    pub(crate) fn stop(&self) {
        devices::release(&self.stream);
        self.video.set_src_object(None);
    }
}

impl Drop for Camera {
    fn drop(&mut self) {
        self.stop();
    }
}
