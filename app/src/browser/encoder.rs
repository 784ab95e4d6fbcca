//! The webcam's frames encoded off the main thread: a Worker reads the camera's track (a
//! `MediaStreamTrackProcessor`'s stream of `VideoFrame`s, handed to it) and encodes the frames
//! the page may send as JPEGs on an `OffscreenCanvas`.
//!
//! Measured here (headless Chromium, 2 cores): 3 ms a 640x480 frame and 8 ms a 1280x720 one in
//! the worker, against 17 ms for a 640x480 `canvas.toBlob` on the main thread, which also
//! drew the `<video>` first and waited for the tick after the frame. The worker takes each
//! frame as the camera gives it, so a frame goes out as soon as it exists. WebCodecs would
//! give H.264 or VP8, which the server would then need a video decoder for; JPEG keeps the
//! server's side as it is.
//!
//! Where the browser has no `MediaStreamTrackProcessor` (Firefox, Safari), [`FrameEncoder::start`]
//! gives `None` and the page encodes on its main thread ([`super::camera::Camera::capture_jpeg`]).

use js_sys::{Array, ArrayBuffer, Function, Object, Reflect, Uint8Array};
use wasm_bindgen::{prelude::*, JsCast};
use web_sys::{MediaStreamTrack, MessageEvent, Worker};

/// The worker. It holds the newest frame (closing the one before: the camera's pool of frames
/// is small) and encodes it when it has a credit (the page gives one per frame it may send, as
/// its window of frames in flight allows) and its time has come: one frame per `every` ms on
/// average, a frame up to a quarter of `every` early allowed (frames come on the camera's clock,
/// a little early or late; `due` is when the next is due, and a frame up to a quarter late does
/// not put it off, or the next, on time, would be early: so two frames may go half of `every`
/// apart, the average holding). A frame that comes earlier than that
/// is encoded when its time comes if that is soon (within a quarter of the camera's last frame
/// gap: dropped, a 60 fps camera lost 2 to 4 frames a second at 60 asked); otherwise it is
/// held only until the next frame replaces it. Every early frame waited for its time before, and
/// a camera a little faster than `every` (30.3 fps at 30 asked) then made every frame wait,
/// 15 ms on average: each wait set the next frame's time, and the camera's kept pace with it.
const ENCODER_WORKER: &str = r#"
let reader = null, canvas = null, context = null, held = null, lastFrameAt = null, gap = Infinity;
let credits = 0, quality = 0.8, every = 0, due = -Infinity, encoding = false, wake = null;
onmessage = (event) => {
  const message = event.data;
  if (message.readable) {
    ({ quality, every } = message);
    reader = message.readable.getReader();
    read();
  } else if (message.credit) {
    credits += message.credit;
    encode();
  }
};
async function read() {
  try {
    for (;;) {
      const { value: frame, done } = await reader.read();
      if (done) return;
      if (held) held.close();
      held = frame;
      const now = performance.now();
      if (lastFrameAt !== null) gap = now - lastFrameAt;
      lastFrameAt = now;
      encode();
    }
  } catch (error) {
    postMessage({ stopped: String(error) });
  }
}
async function encode() {
  if (encoding || !held || credits <= 0) return;
  const early = due - 0.25 * every - performance.now();
  if (early > 0) {
    if (early <= 0.25 * gap) {
      wake ??= setTimeout(() => {
        wake = null;
        encode();
      }, early);
    }
    return;
  }
  const frame = held;
  held = null;
  credits -= 1;
  encoding = true;
  due = Math.max(due, performance.now() - 0.25 * every) + every;
  try {
    try {
      const [width, height] = [frame.displayWidth, frame.displayHeight];
      if (!canvas || canvas.width !== width || canvas.height !== height) {
        canvas = new OffscreenCanvas(width, height);
        context = canvas.getContext("2d");
      }
      context.drawImage(frame, 0, 0);
    } finally {
      frame.close();
    }
    const jpeg = await (await canvas.convertToBlob({ type: "image/jpeg", quality })).arrayBuffer();
    postMessage(jpeg, [jpeg]);
  } catch (error) {
    postMessage({ failed: String(error) });
  }
  encoding = false;
  encode();
}
"#;

/// What the worker gives.
pub(crate) enum Encoded {
    /// A frame, as a JPEG's bytes; it took a credit.
    Frame(Uint8Array),
    /// A frame could not be encoded (why); it took a credit.
    Failed(String),
    /// The worker stopped (its camera's stream broke, or it failed): no frame will come from it.
    Stopped,
}

/// A camera track's frames, encoded as JPEGs in a worker as credits allow; stops when dropped.
pub(crate) struct FrameEncoder {
    worker: Worker,
    // Kept alive for as long as the worker may call them.
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(JsValue)>,
}

impl FrameEncoder {
    /// Encodes `track`'s frames at `quality` (0 to 1), at most one per `every_ms` and one per
    /// credit, giving each to `on_frame`, as the worker's failures. `None` where the browser cannot.
    pub(crate) fn start(
        track: &MediaStreamTrack,
        quality: f64,
        every_ms: f64,
        on_frame: impl FnMut(Encoded) + 'static,
    ) -> Option<FrameEncoder> {
        let global = js_sys::global();
        let processor_class: Function =
            Reflect::get(&global, &"MediaStreamTrackProcessor".into()).ok()?.dyn_into().ok()?;
        let init = Object::new();
        Reflect::set(&init, &"track".into(), track).ok()?;
        let processor = Reflect::construct(&processor_class, &Array::of1(&init)).ok()?;
        let readable = Reflect::get(&processor, &"readable".into()).ok()?;
        let url = super::script_url(ENCODER_WORKER)?;
        let worker = Worker::new(&url).ok();
        let _ = web_sys::Url::revoke_object_url(&url);
        let worker = worker?;
        let on_frame = std::rc::Rc::new(std::cell::RefCell::new(on_frame));
        let on_message = {
            let on_frame = on_frame.clone();
            Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
                let data = event.data();
                let text = |key: &str| Reflect::get(&data, &key.into()).ok().and_then(|text| text.as_string());
                let encoded = match (text("failed"), text("stopped")) {
                    (Some(why), _) => Encoded::Failed(why),
                    (_, Some(_)) => Encoded::Stopped,
                    _ => match data.clone().dyn_into::<ArrayBuffer>() {
                        Ok(frame) => Encoded::Frame(Uint8Array::new(&frame)),
                        Err(_) => Encoded::Failed("the frame could not be encoded".into()),
                    },
                };
                (on_frame.borrow_mut())(encoded);
            })
        };
        let on_error = Closure::<dyn FnMut(JsValue)>::new(move |_| {
            (on_frame.borrow_mut())(Encoded::Stopped);
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        let start = Object::new();
        Reflect::set(&start, &"readable".into(), &readable).ok()?;
        Reflect::set(&start, &"quality".into(), &quality.into()).ok()?;
        Reflect::set(&start, &"every".into(), &every_ms.into()).ok()?;
        if worker.post_message_with_transfer(&start, &Array::of1(&readable)).is_err() {
            worker.terminate();
            return None;
        }
        Some(FrameEncoder { worker, _on_message: on_message, _on_error: on_error })
    }

    /// Lets the worker send `frames` more.
    pub(crate) fn credit(&self, frames: u32) {
        let message = Object::new();
        if Reflect::set(&message, &"credit".into(), &frames.into()).is_ok() {
            let _ = self.worker.post_message(&message);
        }
    }
}

impl Drop for FrameEncoder {
    fn drop(&mut self) {
        self.worker.terminate();
    }
}
