//! `/contact_sheet`: images uploaded into a Gallery, laid out on one contact sheet: each scaled
//! whole into a cell of the same size, in rows of the columns asked, and listed in words.

use rheo::{
    image::{imageops, Rgb, RgbImage},
    Gallery, GalleryImage, Image, Interface, IntoMounted, Slider, Textbox,
};

/// A cell's size on the sheet, and the space around each.
const CELL: (u32, u32) = (160, 120);
const GAP: u32 = 8;
const PAPER: Rgb<u8> = Rgb([245, 245, 240]);

/// `1 image`, `2 images`.
fn counted(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

/// The images on one sheet, in rows of `columns`, and what is on it in words; an empty
/// gallery gives an empty cell.
fn contact_sheet(images: Vec<GalleryImage>, columns: f64) -> (RgbImage, String) {
    let columns = (columns as u32).clamp(1, 8).min(images.len().max(1) as u32);
    let rows = (images.len() as u32).div_ceil(columns).max(1);
    let side = |cells: u32, cell: u32| cells * cell + (cells + 1) * GAP;
    let mut sheet = RgbImage::from_pixel(side(columns, CELL.0), side(rows, CELL.1), PAPER);
    let mut listed = Vec::with_capacity(images.len());
    for (n, GalleryImage { image, caption }) in images.iter().enumerate() {
        let image = image.to_rgb8();
        let (width, height) = image.dimensions();
        let scale = f64::min(f64::from(CELL.0) / f64::from(width), f64::from(CELL.1) / f64::from(height));
        let fitted = |side: u32| ((f64::from(side) * scale).round() as u32).max(1);
        let thumb = imageops::thumbnail(&image, fitted(width), fitted(height));
        let (column, row) = (n as u32 % columns, n as u32 / columns);
        let x = GAP + column * (CELL.0 + GAP) + (CELL.0 - thumb.width()) / 2;
        let y = GAP + row * (CELL.1 + GAP) + (CELL.1 - thumb.height()) / 2;
        imageops::overlay(&mut sheet, &thumb, i64::from(x), i64::from(y));
        let name = caption.as_deref().map_or_else(String::new, |caption| format!(" {caption}"));
        listed.push(format!("{}.{name} ({width}×{height})", n + 1));
    }
    if images.is_empty() {
        return (sheet, "No images: add some to the gallery.".to_owned());
    }
    let (images, rows) = (counted(images.len(), "image"), counted(rows as usize, "row"));
    (sheet, format!("{images} on {rows} of {columns}: {}", listed.join(", ")))
}

pub(crate) fn interface() -> impl IntoMounted {
    let picture = |bytes: &[u8], caption: &str| {
        GalleryImage::new(rheo::image::load_from_memory(bytes).expect("an example picture")).caption(caption)
    };
    let poppies = picture(include_bytes!("../examples/poppies.png"), "poppies");
    let leaf = picture(include_bytes!("../examples/leaf.png"), "leaf");
    Interface::new(contact_sheet)
        .inputs((
            Gallery::new().label("images").columns(4).info("Drop or choose images; each has a button to remove it."),
            Slider::new(1.0, 8.0).step(1.0).value(3.0).label("columns"),
        ))
        .outputs((Image::new().label("contact sheet"), Textbox::new().label("what is on it")))
        .title("Contact sheet")
        .description("Upload images into the gallery: they are laid out on one sheet, each whole in a cell of its own.")
        .examples([(vec![poppies, leaf], 2.0)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_are_laid_out_in_rows_of_the_columns_asked() {
        let red = RgbImage::from_pixel(320, 120, Rgb([200, 0, 0]));
        let blue = RgbImage::from_pixel(40, 120, Rgb([0, 0, 200]));
        let images =
            vec![GalleryImage::new(red).caption("red"), GalleryImage::new(blue.clone()), GalleryImage::new(blue)];
        let (sheet, said) = contact_sheet(images, 2.0);
        assert_eq!(sheet.dimensions(), (2 * 160 + 3 * GAP, 2 * 120 + 3 * GAP));
        assert_eq!(said, "3 images on 2 rows of 2: 1. red (320×120), 2. (40×120), 3. (40×120)");
        // The wide red image is scaled to the cell's width and centred in its height.
        assert_eq!(*sheet.get_pixel(GAP + 80, GAP + 60), Rgb([200, 0, 0]));
        assert_eq!(*sheet.get_pixel(GAP + 80, GAP + 10), PAPER);
        assert_eq!(*sheet.get_pixel(2 * GAP + 160 + 80, GAP + 60), Rgb([0, 0, 200]));
        let (empty, said) = contact_sheet(Vec::new(), 3.0);
        assert_eq!((empty.dimensions(), said.as_str()), ((176, 136), "No images: add some to the gallery."));
    }
}
