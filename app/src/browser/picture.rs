//! A stream's pictures painted as they come: an image output shows each answer's picture on a
//! canvas, decoded off the main thread (`ImageDecoder`, or `createImageBitmap` of a blob where
//! the browser has none) and handed to the canvas whole (`transferFromImageBitmap`), which
//! shows it at the next paint.
//!
//! Measured here (headless Chromium, 2 cores, a 640x480 JPEG): 0.2 ms of the main thread a
//! picture, and 2.7 ms until it can be painted; an `<img>` given a `blob:` URL took 1.3 ms of
//! it (the blob and its URL each wait on the browser's process) and 5 ms to load, and decoded
//! the picture again wherever it was read. At 60 pictures a second the main thread was the
//! bound: 97 % busy, and a quarter of that went to blobs and their URLs.

use std::{cell::RefCell, rc::Rc};

use js_sys::{Array, Function, Object, Promise, Reflect, Uint8Array};
use rheo_shared::FileData;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{HtmlCanvasElement, ImageBitmap, ImageBitmapRenderingContext};

use crate::stream::frames::OneLoadAtATime;

/// One answer's picture: its file (a stream's answer carries its bytes, not a URL) and bytes.
#[derive(Clone)]
pub(crate) struct Picture {
    pub(crate) file: FileData,
    pub(crate) bytes: Uint8Array,
}

impl PartialEq for Picture {
    /// The same picture: the same bytes, not bytes alike.
    fn eq(&self, other: &Picture) -> bool {
        Object::is(&self.bytes, &other.bytes)
    }
}

/// Whether a picture of `mime_type` is painted rather than given to an `<img>`: the formats
/// every browser decodes to a bitmap. A GIF would lose its animation, an SVG its vectors.
pub(crate) fn paints(mime_type: Option<&str>) -> bool {
    matches!(mime_type, Some("image/jpeg" | "image/png" | "image/webp"))
}

/// A canvas that paints the pictures it is given, one decode at a time (the newest waits; see
/// [`OneLoadAtATime`]).
pub(crate) struct Painter {
    canvas: HtmlCanvasElement,
    context: ImageBitmapRenderingContext,
    decodes: RefCell<OneLoadAtATime<Picture>>,
    /// Told after each picture is handed to the canvas.
    on_painted: Box<dyn Fn()>,
}

impl Painter {
    /// Paints on `canvas`; `None` where the browser has no bitmap context.
    pub(crate) fn new(canvas: HtmlCanvasElement, on_painted: impl Fn() + 'static) -> Option<Rc<Painter>> {
        let context = canvas.get_context("bitmaprenderer").ok().flatten()?.dyn_into().ok()?;
        let decodes = RefCell::new(OneLoadAtATime::default());
        Some(Rc::new(Painter { canvas, context, decodes, on_painted: Box::new(on_painted) }))
    }

    /// Paints `picture` once it is decoded, after any being decoded now.
    pub(crate) fn offer(self: &Rc<Self>, picture: Picture) {
        let start = self.decodes.borrow_mut().offer(picture, js_sys::Date::now());
        if let Some(picture) = start {
            self.clone().paint(picture);
        }
    }

    /// Forgets what is decoded or waits: the output shows something else now.
    pub(crate) fn clear(&self) {
        self.decodes.borrow_mut().clear();
    }

    fn paint(self: Rc<Self>, picture: Picture) {
        wasm_bindgen_futures::spawn_local(async move {
            let decoded = decode(&picture).await;
            let current = self.decodes.borrow().is_current(&picture);
            match decoded {
                Ok(bitmap) if current => {
                    let (width, height) = (bitmap.width(), bitmap.height());
                    if self.canvas.width() != width || self.canvas.height() != height {
                        self.canvas.set_width(width);
                        self.canvas.set_height(height);
                    }
                    self.context.transfer_from_image_bitmap(&bitmap);
                    (self.on_painted)();
                }
                Ok(bitmap) => bitmap.close(),
                // A picture the browser cannot decode is skipped: the last one stays.
                Err(_) => {}
            }
            let next = self.decodes.borrow_mut().painted(&picture, js_sys::Date::now());
            if let Some(next) = next {
                self.paint(next);
            }
        });
    }
}

/// `picture` as a bitmap, decoded off the main thread.
async fn decode(picture: &Picture) -> Result<ImageBitmap, JsValue> {
    let window = web_sys::window().ok_or(JsValue::NULL)?;
    let mime_type = picture.file.mime_type.as_deref().ok_or(JsValue::NULL)?;
    let Ok(decoder_class) = Reflect::get(&window, &"ImageDecoder".into())?.dyn_into::<Function>() else {
        let blob = super::array_blob(&picture.bytes, mime_type).ok_or(JsValue::NULL)?;
        return JsFuture::from(window.create_image_bitmap_with_blob(&blob)?).await?.dyn_into();
    };
    // `ImageDecoder` copies the bytes it is given: no blob, no trip to the browser's process.
    let init = Object::new();
    Reflect::set(&init, &"data".into(), &picture.bytes)?;
    Reflect::set(&init, &"type".into(), &mime_type.into())?;
    let decoder = Reflect::construct(&decoder_class, &Array::of1(&init))?;
    let decoded = awaited(&decoder, "decode", &JsValue::UNDEFINED).await;
    let _ = call(&decoder, "close", &JsValue::UNDEFINED);
    let frame = Reflect::get(&decoded?, &"image".into())?;
    let bitmap = awaited(&window, "createImageBitmap", &frame).await;
    let _ = call(&frame, "close", &JsValue::UNDEFINED);
    bitmap?.dyn_into()
}

/// Calls `target.method(argument)` and awaits the promise it gives.
async fn awaited(target: &JsValue, method: &str, argument: &JsValue) -> Result<JsValue, JsValue> {
    let promise: Promise = call(target, method, argument)?.dyn_into()?;
    JsFuture::from(promise).await
}

/// Calls `target.method(argument)` (no argument if undefined).
fn call(target: &JsValue, method: &str, argument: &JsValue) -> Result<JsValue, JsValue> {
    let function: Function = Reflect::get(target, &method.into())?.dyn_into()?;
    match argument.is_undefined() {
        true => function.call0(target),
        false => function.call1(target, argument),
    }
}

#[cfg(test)]
mod tests {
    use super::paints;

    #[test]
    fn only_pictures_a_bitmap_shows_whole_are_painted() {
        assert!(paints(Some("image/jpeg")) && paints(Some("image/png")) && paints(Some("image/webp")));
        assert!(!paints(Some("image/gif")), "its animation would be lost");
        assert!(!paints(Some("image/svg+xml")), "its vectors would be lost");
        assert!(!paints(None));
    }
}
