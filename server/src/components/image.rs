//! [`Image`]: a picture, as an `image` crate image.

use std::marker::PhantomData;

use image::{DynamicImage, GrayImage, RgbImage, RgbaImage};
use rheo_shared::{components, ComponentKind, ComponentSpec, ImageFormat, ImageSource, ValueError, WebcamConstraints};
use serde_json::{json, Value as JsonValue};

use super::{
    builder_basics, image_data_schema, media_tool_schema, private, Common, Component, Contract, Output, Shown,
};
use crate::engine::value::{ComponentValue, Payload};

/// An image: picked or dropped as a file, pasted, or taken with the webcam; as an output,
/// shown with a download link. The handler gets an [`RgbImage`] unless the component asks for
/// another pixel format ([`Image::rgba`], [`Image::gray`], [`Image::dynamic`]).
///
/// `.streaming(true)` on a webcam input of a live interface sends frames to the handler while
/// the camera runs, every [`Interface::stream_every`](crate::Interface::stream_every).
///
/// ```
/// use rheo::{Image, ImageSource, Interface};
///
/// fn flip(frame: image::RgbImage) -> image::RgbImage {
///     image::imageops::flip_vertical(&frame)
/// }
///
/// let flip = Interface::new(flip)
///     .inputs(Image::new().sources([ImageSource::Webcam]).streaming(true))
///     .outputs(Image::new())
///     .live(true);
/// # let _ = rheo::Registry::new().mount("flip", flip);
/// ```
#[derive(Clone, Debug)]
pub struct Image<T = RgbImage> {
    common: Common,
    options: components::Image,
    pixels: PhantomData<fn() -> T>,
}

impl Image {
    /// An image from an upload, the webcam or the clipboard, not streaming.
    pub fn new() -> Self {
        Image { common: Common::default(), options: components::Image::default(), pixels: PhantomData }
    }
}

impl Default for Image {
    fn default() -> Self {
        Self::new()
    }
}

builder_basics!(Image<T>);

impl<T> Image<T> {
    /// Where an input image may come from; the first is the one offered first.
    pub fn sources(mut self, from: impl IntoIterator<Item = ImageSource>) -> Self {
        self.options.sources = from.into_iter().collect();
        self
    }

    /// Stream webcam frames to the handler while the camera runs (a live interface only).
    pub fn streaming(mut self, on: bool) -> Self {
        self.options.streaming = on;
        self
    }

    /// The JPEG quality (above 0, at most 1; default 0.8) the browser encodes streamed frames at.
    pub fn jpeg_quality(mut self, quality: f64) -> Self {
        self.options.jpeg_quality = quality;
        self
    }

    /// Show the webcam preview as a mirror (default true, as Gradio's `mirror_webcam`). Only
    /// the preview: photos and frames reach the handler as the camera sees them.
    pub fn mirror_webcam(mut self, mirror: bool) -> Self {
        self.options.mirror_webcam = mirror;
        self
    }

    /// What to ask of the webcam: a size, a frame rate, the front or rear camera (Gradio's
    /// `webcam_constraints`). Preferences, not demands: a camera that cannot meet them gives
    /// what it can, and the page says what it got.
    ///
    /// ```
    /// use rheo::{Facing, Image, WebcamConstraints};
    ///
    /// let camera = Image::new().webcam_constraints(WebcamConstraints {
    ///     width: Some(1280),
    ///     height: Some(720),
    ///     frame_rate: Some(30.0),
    ///     facing: Some(Facing::Rear),
    /// });
    /// # let _ = camera;
    /// ```
    pub fn webcam_constraints(mut self, constraints: WebcamConstraints) -> Self {
        self.options.webcam = constraints;
        self
    }

    /// An output's display height in CSS pixels (its natural size otherwise, fit to the column).
    pub fn height(mut self, pixels: u32) -> Self {
        self.options.height = Some(pixels);
        self
    }

    /// An output's display width in CSS pixels.
    pub fn width(mut self, pixels: u32) -> Self {
        self.options.width = Some(pixels);
        self
    }

    /// The format an output image is stored and downloaded in (default PNG): JPEG for photos
    /// (quality 90), WebP (lossless) for smaller files than PNG.
    pub fn format(mut self, format: ImageFormat) -> Self {
        self.options.format = format;
        self
    }

    /// The handler gets or returns an [`RgbaImage`].
    pub fn rgba(self) -> Image<RgbaImage> {
        self.pixels()
    }

    /// The handler gets or returns a [`GrayImage`].
    pub fn gray(self) -> Image<GrayImage> {
        self.pixels()
    }

    /// The handler gets or returns a [`DynamicImage`], in the pixel format it was sent in.
    pub fn dynamic(self) -> Image<DynamicImage> {
        self.pixels()
    }

    fn pixels<U>(self) -> Image<U> {
        Image { common: self.common, options: self.options, pixels: PhantomData }
    }
}

impl<T> private::Sealed for Image<T> {}

impl<T: ComponentValue> Component for Image<T> {
    type Value = T;

    fn into_spec(self) -> ComponentSpec {
        self.common.spec(ComponentKind::Image(self.options))
    }
}

impl<T: ComponentValue> Shown for Image<T> {}

macro_rules! image_value {
    ($type:ty, $from_dynamic:expr) => {
        impl ComponentValue for $type {
            fn from_payload(payload: Payload) -> Result<Self, ValueError> {
                match payload {
                    Payload::Image(image) => Ok($from_dynamic(image)),
                    other => Err(ValueError::WrongType { expected: "an image", got: other.kind_name() }),
                }
            }

            fn into_payload(self) -> Payload {
                Payload::Image(self.into())
            }
        }

        impl Output<Image<$type>> for $type {
            fn into_payload(self) -> Payload {
                ComponentValue::into_payload(self)
            }
        }
    };
}

image_value!(DynamicImage, |image| image);
image_value!(RgbImage, DynamicImage::into_rgb8);
image_value!(RgbaImage, DynamicImage::into_rgba8);
image_value!(GrayImage, |image: DynamicImage| image.into_luma8());

impl Contract for components::Image {
    fn class_name(&self) -> &'static str {
        "Image"
    }

    fn props(&self) -> JsonValue {
        json!({ "sources": self.sources, "streaming": self.streaming, "type": "filepath" })
    }

    fn api_info(&self) -> JsonValue {
        image_data_schema()
    }

    fn tool_schema(&self) -> JsonValue {
        media_tool_schema("image/png", "a PNG, JPEG or WebP image")
    }

    fn python_type(&self) -> String {
        "filepath".into()
    }

    /// What `handle_file(...)` sends; a client uploads the file first.
    fn example(&self) -> JsonValue {
        json!({ "path": "image.png", "meta": { "_type": "gradio.FileData" }, "orig_name": "image.png" })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_convert_to_the_pixel_format_asked_for() {
        let rgba = RgbaImage::from_pixel(2, 1, image::Rgba([10, 20, 30, 40]));
        let payload = ComponentValue::into_payload(rgba);
        assert_eq!(RgbImage::from_payload(payload.clone()).unwrap().get_pixel(1, 0).0, [10, 20, 30]);
        assert_eq!(RgbaImage::from_payload(payload).unwrap().get_pixel(0, 0).0, [10, 20, 30, 40]);
        assert_eq!(
            RgbImage::from_payload(Payload::Json(rheo_shared::Value::Number(1.0))).unwrap_err().to_string(),
            "expected an image, got a number"
        );
        assert_eq!(
            f64::from_payload(Payload::Image(DynamicImage::new_rgb8(1, 1))).unwrap_err().to_string(),
            "expected a number, got an image"
        );
    }
}
