//! AnnotatedImage: an image with labelled regions (boxes or masks) over it, and a legend that
//! lights one label's regions. On the wire, Gradio's
//! `{"image": FileData, "annotations": [{"image": FileData, "label": …}]}`, each annotation's
//! image a PNG of the image's size in its label's colour, transparent outside the region.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{check_color_map, mismatch, parse_hex_color, ImageFormat, Kind, Problem, ValueError};
use crate::{value::AnnotatedData, Value};

/// An annotated image's options (Gradio's names).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AnnotatedImage {
    /// A legend of the labels, which lights one label's regions while pointed at or focused.
    pub show_legend: bool,
    /// A label's colour (`#rrggbb`); other labels take [`PALETTE`]'s in the order they appear.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub color_map: BTreeMap<String, String>,
    /// The format the image is stored in (Gradio's default WebP; lossless here).
    pub format: ImageFormat,
}

impl Default for AnnotatedImage {
    fn default() -> Self {
        AnnotatedImage { show_legend: true, color_map: BTreeMap::new(), format: ImageFormat::Webp }
    }
}

/// The colours of labels the author did not colour, in the order they first appear: strong
/// enough to see over a photo, told apart by hue.
pub const PALETTE: [[u8; 3]; 8] = [
    [230, 73, 128],
    [28, 126, 214],
    [55, 178, 77],
    [247, 103, 7],
    [174, 62, 201],
    [16, 152, 173],
    [245, 159, 0],
    [112, 72, 232],
];

/// Each distinct label of `labels`, in the order it first appears, with its colour: the
/// author's from `color_map`, else the palette's next. The server draws the regions in these
/// colours and the page draws the legend's swatches in them, so the two agree.
pub fn annotation_colors<'a>(labels: &[&'a str], color_map: &BTreeMap<String, String>) -> Vec<(&'a str, [u8; 3])> {
    let mut colors: Vec<(&str, [u8; 3])> = Vec::new();
    let mut next = PALETTE.iter().cycle();
    for &label in labels {
        if colors.iter().all(|(known, _)| *known != label) {
            let chosen = color_map.get(label).and_then(|hex| parse_hex_color(hex));
            colors.push((label, chosen.unwrap_or_else(|| *next.next().expect("a cycle never ends"))));
        }
    }
    colors
}

impl Kind for AnnotatedImage {
    fn name(&self) -> &'static str {
        "annotatedimage"
    }

    fn validate(&self, value: &Value) -> Result<(), ValueError> {
        match value {
            Value::Annotated(_) => Ok(()),
            other => Err(mismatch("an annotated image", other)),
        }
    }

    fn check(&self) -> Result<(), Problem> {
        check_color_map(&self.color_map)
    }

    fn output_only(&self) -> bool {
        true
    }

    /// Gradio's `AnnotatedImageData`: any other JSON stays JSON, which
    /// [`AnnotatedImage::validate`] refuses.
    fn read(&self, json: serde_json::Value) -> Value {
        AnnotatedData::from_json(&json).map_or_else(|| Value::from_json(json), Value::Annotated)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ComponentKind, ComponentSpec};

    #[test]
    fn an_annotated_image_is_gradios_image_with_masks() {
        let spec = ComponentSpec::new(ComponentKind::AnnotatedImage(AnnotatedImage::default()));
        assert_eq!(spec.value, Value::Null, "empty until a handler answers");
        let json = serde_json::json!({
            "image": {"path": "photo.webp", "url": "/file=photo.webp"},
            "annotations": [{"image": {"path": "m1.png"}, "label": "car"}, {"image": {"path": "m2.png"}, "label": "tree"}],
        });
        let value = spec.read_value(json);
        let Value::Annotated(annotated) = &value else { panic!("not an annotated image: {value:?}") };
        assert_eq!(annotated.image().path, "photo.webp");
        let masks: Vec<(&str, &str)> =
            annotated.annotations().map(|(file, label)| (file.path.as_str(), label)).collect();
        assert_eq!(masks, [("m1.png", "car"), ("m2.png", "tree")]);
        let twice = AnnotatedData::new(
            annotated.image().clone(),
            [("car", "a"), ("bus", "b"), ("car", "c")].map(|(label, path)| {
                (crate::FileData { path: path.into(), ..crate::FileData::default() }, label.to_owned())
            }),
        );
        assert_eq!(twice.labels(), ["car", "bus"], "each label once, in order");
        assert_eq!(value.files().len(), 3, "the image and each mask");
        assert_eq!(spec.validate(&value), Ok(()));
        let written = serde_json::to_value(&value).unwrap();
        assert_eq!(written["annotations"][1]["label"], "tree");
        assert_eq!(written["image"]["meta"]["_type"], "gradio.FileData");
        assert_eq!(spec.adopt(serde_json::from_value(written).unwrap()), value);
        for not_one in [
            serde_json::json!({"image": {"path": "a"}}),
            serde_json::json!({"image": {"path": "a"}, "annotations": [{"label": "x"}]}),
        ] {
            assert!(spec.validate(&spec.read_value(not_one.clone())).is_err(), "{not_one}");
        }
    }

    #[test]
    fn labels_are_coloured_by_the_author_then_by_the_palette_in_order() {
        let map = BTreeMap::from([("tree".to_owned(), "#00ff00".to_owned())]);
        let colors = annotation_colors(&["car", "tree", "car", "bus"], &map);
        assert_eq!(colors, [("car", PALETTE[0]), ("tree", [0, 255, 0]), ("bus", PALETTE[1])]);
        let bad =
            AnnotatedImage { color_map: BTreeMap::from([("x".into(), "green".into())]), ..AnnotatedImage::default() };
        assert_eq!(bad.check().unwrap_err().to_string(), "the colour of \"x\" is \"green\": give #rrggbb or #rgb");
    }
}
