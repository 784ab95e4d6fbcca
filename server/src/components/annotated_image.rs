//! [`AnnotatedImage`]: an image with labelled regions over it ([`Annotated`]), an output.

use image::{DynamicImage, GrayImage, Rgba, RgbaImage};
use rheo_shared::{
    components::{self, annotation_colors},
    ImageFormat, ValueError,
};
use serde_json::{json, Value as JsonValue};

use super::{builder_basics, component_impl, file_data_schema, Common, Contract};
use crate::engine::value::{ComponentValue, Payload};

/// An image with labelled regions drawn over it, boxes or masks, each in its label's colour; a
/// legend of the labels lights one label's regions while pointed at, focused or pressed. An
/// output: the handler returns an [`Annotated`] image (an object detector's boxes, a
/// segmenter's masks).
///
/// ```
/// use rheo::{Annotated, AnnotatedImage, Annotation, Image, Interface};
///
/// fn find_red(photo: image::RgbImage) -> Annotated {
///     let red = photo.enumerate_pixels().find(|(_, _, p)| p.0[0] > 200 && p.0[1] < 80);
///     let boxes = red.map(|(x, y, _)| Annotation::boxed("red", x.saturating_sub(8), y.saturating_sub(8), 16, 16));
///     Annotated::new(photo).with(boxes)
/// }
///
/// let finder = Interface::new(find_red).inputs(Image::new()).outputs(AnnotatedImage::new().color("red", "#ff0000"));
/// # let _ = rheo::Registry::new().mount("finder", finder);
/// ```
#[derive(Clone, Debug, Default)]
pub struct AnnotatedImage {
    common: Common,
    options: components::AnnotatedImage,
}

builder_basics!(AnnotatedImage);
component_impl!(AnnotatedImage => Annotated, AnnotatedImage);

impl AnnotatedImage {
    /// An annotated image with a legend, its labels coloured in the order they first appear.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether the legend of labels shows (default true).
    pub fn show_legend(mut self, show: bool) -> Self {
        self.options.show_legend = show;
        self
    }

    /// Label `label`'s colour (`#rrggbb`), Gradio's `color_map`; other labels take the
    /// palette's colours in the order they first appear.
    pub fn color(mut self, label: impl Into<String>, color: impl Into<String>) -> Self {
        self.options.color_map.insert(label.into(), color.into());
        self
    }

    /// The format the image is stored in (default WebP, lossless); the regions are PNGs.
    pub fn format(mut self, format: ImageFormat) -> Self {
        self.options.format = format;
        self
    }
}

/// An image and the labelled regions to draw over it.
#[derive(Clone, Debug, PartialEq)]
pub struct Annotated {
    /// The image.
    pub image: DynamicImage,
    /// Its regions, drawn in this order.
    pub annotations: Vec<Annotation>,
}

impl Annotated {
    /// An image without regions yet.
    pub fn new(image: impl Into<DynamicImage>) -> Self {
        Annotated { image: image.into(), annotations: Vec::new() }
    }

    /// This image with these regions added.
    pub fn with(mut self, annotations: impl IntoIterator<Item = Annotation>) -> Self {
        self.annotations.extend(annotations);
        self
    }
}

/// One labelled region of an [`Annotated`] image.
#[derive(Clone, Debug, PartialEq)]
pub struct Annotation {
    /// Where it is.
    pub region: Region,
    /// What it is; the legend's entry, and its colour's key.
    pub label: String,
}

impl Annotation {
    /// A box `width` × `height` pixels whose top left corner is at (`x`, `y`).
    pub fn boxed(label: impl Into<String>, x: u32, y: u32, width: u32, height: u32) -> Self {
        Annotation { region: Region::Box { x, y, width, height }, label: label.into() }
    }

    /// A mask of the image's size: 0 outside the region, up to 255 (its confidence) inside.
    pub fn mask(label: impl Into<String>, mask: GrayImage) -> Self {
        Annotation { region: Region::Mask(mask), label: label.into() }
    }
}

/// Where an annotation is on its image.
#[derive(Clone, Debug, PartialEq)]
pub enum Region {
    /// A rectangle, in pixels from the top left corner (drawn as Gradio draws one: filled at
    /// half strength with a solid border three pixels wide).
    #[allow(missing_docs)]
    Box { x: u32, y: u32, width: u32, height: u32 },
    /// A mask of the image's size: each pixel's opacity, 0 to 255.
    Mask(GrayImage),
}

impl ComponentValue for Annotated {
    fn from_payload(payload: Payload) -> Result<Self, ValueError> {
        match payload {
            Payload::Annotated(annotated) => Ok(*annotated),
            other => Err(ValueError::WrongType { expected: "an annotated image", got: other.kind_name() }),
        }
    }

    fn into_payload(self) -> Payload {
        Payload::Annotated(Box::new(self))
    }
}

/// The width of a box's border, as Gradio draws it.
const BORDER: u32 = 3;

/// The most pixels an image's regions may come to, all together (a region is drawn at the
/// image's size): 256 Mi, a region per pixel of a 16-megapixel photo's sixteen regions.
pub(crate) const MAX_REGION_PIXELS: u64 = 1 << 28;

/// Each region drawn as Gradio sends it and encoded as a PNG, with its label: an RGBA image of
/// the image's size in its label's colour, transparent outside the region. One is drawn at a
/// time, so that only one is ever held unencoded. Errors in words: more than
/// [`MAX_REGION_PIXELS`] in all, a mask of another size than the image.
pub(crate) fn encoded_regions(
    options: &components::AnnotatedImage,
    annotated: &Annotated,
) -> Result<Vec<(Vec<u8>, String)>, String> {
    let (width, height) = (annotated.image.width(), annotated.image.height());
    let count = annotated.annotations.len();
    if u64::from(width) * u64::from(height) * count as u64 > MAX_REGION_PIXELS {
        return Err(format!(
            "{count} regions of a {width}×{height} image: at most {MAX_REGION_PIXELS} region pixels in all"
        ));
    }
    let colors = colors(options, annotated);
    let drawn = annotated.annotations.iter().zip(colors).map(|(annotation, color)| {
        let region = drawn(annotation, color, width, height)?;
        Ok((crate::engine::media::encode_png(&region.into()), annotation.label.clone()))
    });
    drawn.collect()
}

/// One region drawn at the image's size (`width` × `height`) in `color`.
fn drawn(annotation: &Annotation, [r, g, b]: [u8; 3], width: u32, height: u32) -> Result<RgbaImage, String> {
    match &annotation.region {
        Region::Box { x, y, width: w, height: h } => {
            let (x2, y2) = (x.saturating_add(*w).min(width), y.saturating_add(*h).min(height));
            Ok(RgbaImage::from_fn(width, height, |px, py| {
                let inside = (*x..x2).contains(&px) && (*y..y2).contains(&py);
                // Inside, so no sum below passes the image's size.
                let border = inside && (px < x + BORDER || px + BORDER >= x2 || py < y + BORDER || py + BORDER >= y2);
                match (inside, border) {
                    (false, _) => Rgba([0, 0, 0, 0]),
                    (true, true) => Rgba([r, g, b, 255]),
                    (true, false) => Rgba([r, g, b, 127]),
                }
            }))
        }
        Region::Mask(mask) if mask.dimensions() != (width, height) => Err(format!(
            "the mask of {:?} is {}×{} pixels, its image {width}×{height}",
            annotation.label,
            mask.width(),
            mask.height()
        )),
        Region::Mask(mask) => Ok(RgbaImage::from_fn(width, height, |px, py| match mask.get_pixel(px, py).0[0] {
            0 => Rgba([0, 0, 0, 0]),
            alpha => Rgba([r, g, b, alpha]),
        })),
    }
}

/// Each annotation's colour as red, green and blue, by its label (see [`annotation_colors`]).
fn colors(options: &components::AnnotatedImage, annotated: &Annotated) -> Vec<[u8; 3]> {
    let labels: Vec<&str> = annotated.annotations.iter().map(|a| a.label.as_str()).collect();
    let by_label = annotation_colors(&labels, &options.color_map);
    labels
        .iter()
        .map(|label| by_label.iter().find(|(known, _)| known == label).map_or([255, 0, 0], |(_, color)| *color))
        .collect()
}

impl Contract for components::AnnotatedImage {
    fn class_name(&self) -> &'static str {
        "AnnotatedImage"
    }

    fn props(&self) -> JsonValue {
        json!({ "show_legend": self.show_legend, "color_map": self.color_map, "format": self.format })
    }

    /// Gradio's `AnnotatedImageData`.
    fn api_info(&self) -> JsonValue {
        json!({
            "properties": {
                "image": file_data_schema("FileData"),
                "annotations": {
                    "items": {
                        "properties": { "image": file_data_schema("FileData"), "label": { "type": "string" } },
                        "required": ["image", "label"],
                        "title": "Annotation",
                        "type": "object",
                    },
                    "type": "array",
                },
            },
            "required": ["image", "annotations"],
            "title": "AnnotatedImageData",
            "type": "object",
        })
    }

    fn python_type(&self) -> String {
        "dict(image: filepath, annotations: list[dict(image: filepath, label: str)])".into()
    }

    fn example(&self) -> JsonValue {
        JsonValue::Null
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boxes_are_drawn_as_gradio_draws_them_and_masks_keep_their_opacity() {
        let annotated = Annotated::new(RgbaImage::new(12, 10)).with([
            Annotation::boxed("car", 2, 1, 8, 7),
            Annotation::mask("sky", GrayImage::from_fn(12, 10, |_, y| image::Luma([if y < 2 { 200 } else { 0 }]))),
        ]);
        let regions: Vec<RgbaImage> = annotated
            .annotations
            .iter()
            .zip([[10, 20, 30], [40, 50, 60]])
            .map(|(a, c)| drawn(a, c, 12, 10).unwrap())
            .collect();
        assert_eq!(regions[0].get_pixel(0, 0).0, [0, 0, 0, 0], "outside: transparent black, as Gradio's");
        assert_eq!(regions[0].get_pixel(2, 1).0, [10, 20, 30, 255], "the border");
        assert_eq!(regions[0].get_pixel(9, 7).0, [10, 20, 30, 255], "the far border, inside the box");
        assert_eq!(regions[0].get_pixel(10, 8).0[3], 0, "past the box");
        assert_eq!(regions[0].get_pixel(5, 4).0, [10, 20, 30, 127], "inside: half");
        assert_eq!(regions[1].get_pixel(3, 1).0, [40, 50, 60, 200]);
        assert_eq!(regions[1].get_pixel(3, 5).0[3], 0);
        // A box past the image's edge is cut at it; a mask of another size is refused.
        let past = Annotation::boxed("x", 2, 2, u32::MAX, u32::MAX);
        assert_eq!(drawn(&past, [0, 0, 0], 4, 4).unwrap().get_pixel(3, 3).0[3], 255);
        let far = Annotation::boxed("x", u32::MAX - 1, u32::MAX - 1, 9, 9);
        assert_eq!(drawn(&far, [0, 0, 0], 4, 4).unwrap().get_pixel(3, 3).0[3], 0, "a box outside draws nothing");
        let wrong = Annotation::mask("x", GrayImage::new(2, 2));
        assert_eq!(drawn(&wrong, [0, 0, 0], 4, 4).unwrap_err(), "the mask of \"x\" is 2×2 pixels, its image 4×4");
    }

    #[test]
    fn labels_take_the_authors_colours_then_the_palettes() {
        let options = components::AnnotatedImage::default();
        let annotated = Annotated::new(RgbaImage::new(1, 1)).with([
            Annotation::boxed("b", 0, 0, 1, 1),
            Annotation::boxed("a", 0, 0, 1, 1),
            Annotation::boxed("b", 0, 0, 1, 1),
        ]);
        let colors = colors(&options, &annotated);
        assert_eq!(colors[0], colors[2], "one colour per label");
        assert_ne!(colors[0], colors[1]);
        let mut chosen = options.clone();
        chosen.color_map.insert("a".into(), "#00ff00".into());
        assert_eq!(super::colors(&chosen, &annotated)[1], [0, 255, 0]);
        // Drawn and encoded: a PNG per region, with its label.
        let encoded = encoded_regions(&chosen, &annotated).unwrap();
        assert_eq!(
            encoded.iter().map(|(png, label)| (&png[1..4], label.as_str())).collect::<Vec<_>>(),
            [(&b"PNG"[..], "b"), (&b"PNG"[..], "a"), (&b"PNG"[..], "b")]
        );
        let many = Annotated::new(GrayImage::new(4096, 4096)).with((0..17).map(|_| Annotation::boxed("x", 0, 0, 1, 1)));
        let refused = encoded_regions(&options, &many).unwrap_err();
        assert_eq!(refused, "17 regions of a 4096×4096 image: at most 268435456 region pixels in all");
    }
}
