//! Gallery: images in a grid, each with an optional caption; one opens large in a preview that
//! the arrow keys move through. As an input, images uploaded into it. On the wire, Gradio's
//! list of `{"image": FileData, "caption": …}`.

use serde::{Deserialize, Serialize};

use super::{mismatch, ImageFormat, Kind, Problem, ValueError};
use crate::{value::GalleryData, wire_names::wire_names, Value};

/// The most columns a gallery's grid may have.
pub const MAX_GALLERY_COLUMNS: u32 = 8;

/// A gallery's options (Gradio's names).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Gallery {
    /// Images per row, 1 to [`MAX_GALLERY_COLUMNS`] (Gradio's default 2).
    pub columns: u32,
    /// Whether an image opens large when chosen (a preview the arrow keys move through).
    pub allow_preview: bool,
    /// How each thumbnail fills its square cell.
    pub object_fit: ObjectFit,
    /// The format a handler's images are stored in (Gradio's default WebP; lossless here).
    pub format: ImageFormat,
}

impl Default for Gallery {
    fn default() -> Self {
        Gallery { columns: 2, allow_preview: true, object_fit: ObjectFit::Cover, format: ImageFormat::Webp }
    }
}

/// CSS's `object-fit` for a thumbnail: cropped to fill its cell, or whole inside it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ObjectFit {
    /// Fills the cell, cropped (Gradio's default).
    #[default]
    Cover,
    /// Whole, letterboxed.
    Contain,
}

wire_names!(pub ObjectFit { Cover => "cover", Contain => "contain" });

impl Kind for Gallery {
    fn name(&self) -> &'static str {
        "gallery"
    }

    /// A gallery, or nothing: an input emptied (as Gradio's clients send `None`), which the
    /// handler gets as no images.
    fn validate(&self, value: &Value) -> Result<(), ValueError> {
        match value {
            Value::Gallery(_) | Value::Null => Ok(()),
            other => Err(mismatch("a gallery (a list of captioned images)", other)),
        }
    }

    fn check(&self) -> Result<(), Problem> {
        match self.columns {
            1..=MAX_GALLERY_COLUMNS => Ok(()),
            columns => Err(Problem::BadColumns(columns)),
        }
    }

    /// An empty gallery, as Gradio starts one.
    fn default_value(&self) -> Value {
        Value::Gallery(GalleryData::default())
    }

    /// Gradio's list of `{"image": FileData, "caption": …}`: any other JSON stays JSON, which
    /// [`Gallery::validate`] refuses.
    fn read(&self, json: serde_json::Value) -> Value {
        GalleryData::from_json(&json).map_or_else(|| Value::from_json(json), Value::Gallery)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ComponentKind, ComponentSpec, FileData};

    #[test]
    fn a_gallery_is_gradios_list_of_captioned_images() {
        let spec = ComponentSpec::new(ComponentKind::Gallery(Gallery::default()));
        let json = serde_json::json!([
            {"image": {"path": "a.webp", "url": "/file=a.webp"}, "caption": "a red square"},
            {"image": {"path": "b.webp"}, "caption": null},
            {"image": {"path": "c.webp"}},
        ]);
        let value = spec.read_value(json);
        let Value::Gallery(gallery) = &value else { panic!("not a gallery: {value:?}") };
        let items: Vec<(&str, Option<&str>)> =
            gallery.items().map(|(file, caption)| (file.path.as_str(), caption)).collect();
        assert_eq!(items, [("a.webp", Some("a red square")), ("b.webp", None), ("c.webp", None)]);
        assert_eq!(value.files().len(), 3);
        assert_eq!(spec.validate(&value), Ok(()));
        let written = serde_json::to_value(&value).unwrap();
        assert_eq!(written[0]["caption"], "a red square");
        assert_eq!(written[1]["caption"], serde_json::Value::Null);
        assert_eq!(written[2]["image"]["meta"]["_type"], "gradio.FileData");
        // Through JSON a gallery is JSON until its component reads it again, as a list of files is.
        let travelled: Value = serde_json::from_value(written).unwrap();
        assert_eq!(spec.adopt(travelled), value);
        for not_one in
            [serde_json::json!([{"image": 3}]), serde_json::json!([{"caption": "x"}]), serde_json::json!("a")]
        {
            assert!(spec.validate(&spec.read_value(not_one.clone())).is_err(), "{not_one}");
        }
        assert_eq!(spec.validate(&Value::Null), Ok(()), "an emptied input: no images");
        assert_eq!(spec.value, Value::Gallery(GalleryData::new([])));
        assert!(GalleryData::new([]).is_empty());
        let one = GalleryData::new([(FileData { path: "x".into(), ..FileData::default() }, Some("x".into()))]);
        assert_eq!(
            (one.len(), one.items().next().map(|(file, caption)| (file.path.as_str(), caption))),
            (1, Some(("x", Some("x"))))
        );
    }

    #[test]
    fn columns_are_bounded() {
        let with = |columns| Gallery { columns, ..Gallery::default() }.check();
        assert_eq!(with(1), Ok(()));
        assert_eq!(with(MAX_GALLERY_COLUMNS), Ok(()));
        assert_eq!(with(0).unwrap_err().to_string(), "a gallery has 1 to 8 columns, not 0");
        assert!(with(9).is_err());
    }
}
