//! The browser's devices and objects, the app's lowest layer: the camera, the microphone, the
//! Web Audio chunk player, the video recorder, waveforms, and [`BrowserValue`], which holds such objects in components.

pub(crate) mod camera;
pub(crate) mod devices;
pub(crate) mod encoder;
pub(crate) mod microphone;
pub(crate) mod picture;
pub(crate) mod player;
pub(crate) mod recorder;
pub(crate) mod theme;
mod value;
pub(crate) mod waveform;

pub(crate) use value::BrowserValue;

use leptos::prelude::on_cleanup;

/// Runs `leave` when the view is dropped, in the browser only. On the server nothing runs to
/// be stopped, and a rendered view may be dropped on another thread than it was built on, where
/// browser-only (local) values cannot be touched: doing so panics and kills the response.
pub(crate) fn on_leave(leave: impl FnOnce() + Send + Sync + 'static) {
    if cfg!(feature = "hydrate") {
        on_cleanup(leave);
    }
}

/// Bytes as a blob of `mime_type`.
pub(crate) fn bytes_blob(bytes: &[u8], mime_type: &str) -> Option<web_sys::Blob> {
    array_blob(&js_sys::Uint8Array::from(bytes), mime_type)
}

/// A byte array as a blob of `mime_type`.
pub(crate) fn array_blob(bytes: &js_sys::Uint8Array, mime_type: &str) -> Option<web_sys::Blob> {
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime_type);
    web_sys::Blob::new_with_u8_array_sequence_and_options(&js_sys::Array::of1(bytes), &options).ok()
}

/// A `blob:` URL for media bytes of `mime_type` (whoever holds it revokes it).
pub(crate) fn object_url(bytes: &js_sys::Uint8Array, mime_type: Option<&str>) -> Option<String> {
    let blob = array_blob(bytes, mime_type.unwrap_or("application/octet-stream"))?;
    web_sys::Url::create_object_url_with_blob(&blob).ok()
}

/// A `blob:` URL of a script the page makes (a worklet's or a worker's module): one request
/// fewer than a file, and nothing to deploy. Revoke it once loaded.
pub(crate) fn script_url(source: &str) -> Option<String> {
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/javascript");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&js_sys::Array::of1(&source.into()), &options).ok()?;
    web_sys::Url::create_object_url_with_blob(&blob).ok()
}

/// Puts `text` on the clipboard.
pub(crate) fn copy_to_clipboard(text: &str) {
    if let Some(window) = web_sys::window() {
        let _ = window.navigator().clipboard().write_text(text);
    }
}
