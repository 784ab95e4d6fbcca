//! [`Gallery`]: images in a grid with captions ([`GalleryImage`]s), given by a handler or
//! uploaded into an input.

use image::{DynamicImage, GrayImage, RgbImage, RgbaImage};
use rheo_shared::{
    components::{self, ObjectFit},
    ComponentKind, ComponentSpec, ImageFormat, ValueError,
};
use serde_json::{json, Value as JsonValue};

use super::{
    builder_basics, file_data_schema, image_data_schema, media_tool_schema, private, Common, Component, Contract,
    Output, Shown,
};
use crate::engine::value::{ComponentValue, Payload};

/// Images in a grid, each with an optional caption; choosing one opens it large, and the arrow
/// keys move through them (Escape closes). As an output, the handler returns a `Vec` of images
/// (`RgbImage`, `RgbaImage`, `GrayImage` or `DynamicImage`), of `(image, String)` or
/// `(image, Option<String>)` pairs (image and caption), or of [`GalleryImage`]s. As an input,
/// images are picked or dropped into it, and the handler gets `Vec<GalleryImage>` (none for an
/// emptied gallery), decoded together within the decode budget. At most
/// [`Limits::max_upload_files`](crate::Limits::max_upload_files) images, each within an input
/// image's size.
///
/// ```
/// use rheo::{Gallery, Interface, Slider};
///
/// fn shades(count: f64) -> Vec<(image::RgbImage, String)> {
///     (0..count as u8)
///         .map(|i| (image::RgbImage::from_pixel(64, 64, image::Rgb([i * 40, 90, 160])), format!("shade {i}")))
///         .collect()
/// }
///
/// let shades = Interface::new(shades).inputs(Slider::new(1.0, 6.0).step(1.0)).outputs(Gallery::new().columns(3));
/// # let _ = rheo::Registry::new().mount("shades", shades);
/// ```
#[derive(Clone, Debug, Default)]
pub struct Gallery {
    common: Common,
    options: components::Gallery,
}

builder_basics!(Gallery);

impl Gallery {
    /// An empty gallery of two columns, whose images open large when chosen, stored as WebP.
    pub fn new() -> Self {
        Self::default()
    }

    /// Images per row, 1 to 8 (default 2).
    pub fn columns(mut self, columns: u32) -> Self {
        self.options.columns = columns;
        self
    }

    /// Whether an image opens large when chosen (default true).
    pub fn allow_preview(mut self, allow: bool) -> Self {
        self.options.allow_preview = allow;
        self
    }

    /// How each thumbnail fills its square cell: cropped ([`ObjectFit::Cover`], the default)
    /// or whole ([`ObjectFit::Contain`]).
    pub fn object_fit(mut self, fit: ObjectFit) -> Self {
        self.options.object_fit = fit;
        self
    }

    /// The format the images are stored and downloaded in (default WebP, lossless).
    pub fn format(mut self, format: ImageFormat) -> Self {
        self.options.format = format;
        self
    }
}

impl private::Sealed for Gallery {}

impl Component for Gallery {
    type Value = Vec<GalleryImage>;

    fn into_spec(self) -> ComponentSpec {
        self.common.spec(ComponentKind::Gallery(self.options))
    }
}

impl Shown for Gallery {}

/// One image of a [`Gallery`], with its caption if it has one.
#[derive(Clone, Debug, PartialEq)]
pub struct GalleryImage {
    /// The image.
    pub image: DynamicImage,
    /// Shown under it, and its description for assistive technology.
    pub caption: Option<String>,
}

impl GalleryImage {
    /// An image without a caption.
    pub fn new(image: impl Into<DynamicImage>) -> Self {
        GalleryImage { image: image.into(), caption: None }
    }

    /// This image with a caption.
    pub fn caption(mut self, caption: impl Into<String>) -> Self {
        self.caption = Some(caption.into());
        self
    }
}

/// `ComponentValue` and `Output<Gallery>` for a list type, converted to and from
/// [`GalleryImage`]s by `$from` and `$into`.
macro_rules! gallery_value {
    ($type:ty, $from:expr, $into:expr) => {
        impl ComponentValue for $type {
            fn from_payload(payload: Payload) -> Result<Self, ValueError> {
                match payload {
                    Payload::Gallery(images) => Ok(images.into_iter().map($from).collect()),
                    Payload::Json(rheo_shared::Value::Null) => Ok(Vec::new()),
                    other => Err(ValueError::WrongType { expected: "a gallery", got: other.kind_name() }),
                }
            }

            fn into_payload(self) -> Payload {
                Payload::Gallery(self.into_iter().map($into).collect())
            }
        }

        impl Output<Gallery> for $type {
            fn into_payload(self) -> Payload {
                ComponentValue::into_payload(self)
            }
        }
    };
}

/// A list of images, of `(image, caption)` or of `(image, Option<caption>)`, for each pixel
/// format (`$pixels` turns a decoded image into it).
macro_rules! gallery_values {
    ($($image:ty => $pixels:expr),*) => {$(
        gallery_value!(Vec<$image>, |shown: GalleryImage| $pixels(shown.image), GalleryImage::new);
        gallery_value!(
            Vec<($image, String)>,
            |shown: GalleryImage| ($pixels(shown.image), shown.caption.unwrap_or_default()),
            |(image, caption): ($image, String)| GalleryImage::new(image).caption(caption)
        );
        gallery_value!(
            Vec<($image, Option<String>)>,
            |shown: GalleryImage| ($pixels(shown.image), shown.caption),
            |(image, caption): ($image, Option<String>)| GalleryImage { image: image.into(), caption }
        );
    )*};
}

gallery_value!(Vec<GalleryImage>, |shown| shown, |shown| shown);
gallery_values!(
    RgbImage => DynamicImage::into_rgb8,
    RgbaImage => DynamicImage::into_rgba8,
    GrayImage => DynamicImage::into_luma8,
    DynamicImage => |image| image
);

impl Contract for components::Gallery {
    fn class_name(&self) -> &'static str {
        "Gallery"
    }

    fn props(&self) -> JsonValue {
        json!({
            "columns": self.columns,
            "allow_preview": self.allow_preview,
            "object_fit": self.object_fit,
            "format": self.format,
            "type": "filepath",
        })
    }

    /// Gradio's `GalleryData`: a list of images (or videos, which Rheo does not show yet), each
    /// with its caption; an image's `path` optional (Gradio's `ImageData` may be a URL alone).
    fn api_info(&self) -> JsonValue {
        let image = image_data_schema();
        let caption =
            json!({ "anyOf": [{ "type": "string" }, { "type": "null" }], "default": null, "title": "Caption" });
        let item = |key: &str, title: &str, file: JsonValue| {
            json!({
                "properties": { key: file, "caption": caption },
                "required": [key],
                "title": title,
                "type": "object",
            })
        };
        json!({
            "items": { "anyOf": [
                item("image", "GalleryImage", image),
                item("video", "GalleryVideo", file_data_schema("FileData")),
            ] },
            "title": "GalleryData",
            "type": "array",
        })
    }

    /// An MCP client sends each image as base64 or a `data:` URL, alone or with its caption.
    fn tool_schema(&self) -> JsonValue {
        let image = media_tool_schema("image/png", "an image (PNG, JPEG or WebP)");
        let captioned = json!({
            "type": "object",
            "properties": { "image": image, "caption": { "type": "string" } },
            "required": ["image"],
        });
        json!({ "type": "array", "items": { "anyOf": [image, captioned] } })
    }

    fn python_type(&self) -> String {
        "list[dict(image: filepath, caption: str | None) | dict(video: filepath, caption: str | None)]".into()
    }

    fn example(&self) -> JsonValue {
        json!([])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_handler_returns_images_with_or_without_captions() {
        let red = RgbImage::from_pixel(2, 2, image::Rgb([255, 0, 0]));
        let captioned =
            Output::<Gallery>::into_payload(vec![(red.clone(), "red".to_owned()), (red.clone(), "also red".into())]);
        let images = Vec::<GalleryImage>::from_payload(captioned).unwrap();
        assert_eq!(images.iter().map(|i| i.caption.as_deref()).collect::<Vec<_>>(), [Some("red"), Some("also red")]);
        assert_eq!(images[0].image, DynamicImage::ImageRgb8(red.clone()));
        let bare = Output::<Gallery>::into_payload(vec![GrayImage::new(1, 1)]);
        assert!(matches!(&bare, Payload::Gallery(images) if images.len() == 1 && images[0].caption.is_none()));
        assert_eq!(
            Vec::<GalleryImage>::from_payload(Payload::Image(red.into())).unwrap_err().to_string(),
            "expected a gallery, got an image"
        );
    }
}
