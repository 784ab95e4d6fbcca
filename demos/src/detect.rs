//! `/detect`: an object detector's stand-in on an AnnotatedImage. It finds the regions of
//! strong red, green, blue and yellow in a picture (pixels classed by hue, joined into connected
//! regions on a grid of at most 160 cells a side) and labels each by its colour, as boxes or as
//! masks.

use std::collections::VecDeque;

use rheo::{
    image::{imageops::FilterType, GrayImage, Luma, Rgb, RgbImage},
    Annotated, AnnotatedImage, Annotation, Image, ImageSource, Interface, IntoMounted, Radio,
};

/// The grid the regions are found on: an image's longer side is brought to at most this.
const GRID: u32 = 160;
/// The smallest region kept, as a share of the grid's cells.
const MIN_SHARE: f32 = 0.002;
/// The most regions kept, the largest ones.
const MOST_REGIONS: usize = 16;
/// A picture's longer side is brought to at most this: the answer is the picture with its
/// regions, each drawn at its size.
const MAX_SIDE: u32 = 1024;

const COLOURS: [&str; 4] = ["red", "yellow", "green", "blue"];

/// The colour a pixel is, if it is a strong one: by hue, for saturated and bright enough pixels.
fn colour_of(Rgb([r, g, b]): Rgb<u8>) -> Option<usize> {
    let (r, g, b) = (f32::from(r) / 255.0, f32::from(g) / 255.0, f32::from(b) / 255.0);
    let (max, min) = (r.max(g).max(b), r.min(g).min(b));
    if max < 0.35 || (max - min) / max < 0.45 {
        return None;
    }
    let hue = match max {
        m if m == r => 60.0 * ((g - b) / (max - min)).rem_euclid(6.0),
        m if m == g => 60.0 * ((b - r) / (max - min) + 2.0),
        _ => 60.0 * ((r - g) / (max - min) + 4.0),
    };
    match hue {
        h if !(20.0..340.0).contains(&h) => Some(0),
        h if (40.0..70.0).contains(&h) => Some(1),
        h if (80.0..160.0).contains(&h) => Some(2),
        h if (200.0..260.0).contains(&h) => Some(3),
        _ => None,
    }
}

/// The regions of one colour: each a colour and the grid cells it covers.
fn regions(grid: &RgbImage) -> Vec<(usize, Vec<(u32, u32)>)> {
    let (width, height) = grid.dimensions();
    let class: Vec<Option<usize>> = grid.pixels().map(|p| colour_of(*p)).collect();
    let mut seen = vec![false; class.len()];
    let min_cells = ((width * height) as f32 * MIN_SHARE).max(4.0) as usize;
    let mut found = Vec::new();
    for start in 0..class.len() {
        let Some(colour) = class[start].filter(|_| !seen[start]) else { continue };
        seen[start] = true;
        let (mut cells, mut queue) = (Vec::new(), VecDeque::from([start]));
        while let Some(at) = queue.pop_front() {
            let (x, y) = ((at as u32) % width, (at as u32) / width);
            cells.push((x, y));
            let neighbours = [(x.wrapping_sub(1), y), (x + 1, y), (x, y.wrapping_sub(1)), (x, y + 1)];
            for (nx, ny) in neighbours.into_iter().filter(|&(nx, ny)| nx < width && ny < height) {
                let next = (ny * width + nx) as usize;
                if !seen[next] && class[next] == Some(colour) {
                    seen[next] = true;
                    queue.push_back(next);
                }
            }
        }
        if cells.len() >= min_cells {
            found.push((colour, cells));
        }
    }
    // The largest, in the order they were met (row by row).
    let mut largest: Vec<usize> = (0..found.len()).collect();
    largest.sort_by_key(|&i| std::cmp::Reverse(found[i].1.len()));
    largest.truncate(MOST_REGIONS);
    largest.sort_unstable();
    largest.into_iter().map(|i| std::mem::take(&mut found[i])).collect()
}

fn detect(picture: RgbImage, draw: String) -> Annotated {
    let picture = match picture.width().max(picture.height()) {
        side if side > MAX_SIDE => {
            let (width, height) = (picture.width() * MAX_SIDE / side, picture.height() * MAX_SIDE / side);
            rheo::image::imageops::resize(&picture, width.max(1), height.max(1), FilterType::Triangle)
        }
        _ => picture,
    };
    let (width, height) = picture.dimensions();
    let scale = (width.max(height) as f32 / GRID as f32).max(1.0);
    let (grid_width, grid_height) = (((width as f32 / scale) as u32).max(1), ((height as f32 / scale) as u32).max(1));
    let grid = rheo::image::imageops::resize(&picture, grid_width, grid_height, FilterType::Nearest);
    let to_image = |cell: u32, size: u32| ((cell as f32 * scale) as u32).min(size);
    let annotations = regions(&grid).into_iter().map(|(colour, cells)| {
        let label = COLOURS[colour];
        if draw == "masks" {
            let mut mask = GrayImage::new(width, height);
            for (x, y) in cells {
                for py in to_image(y, height)..to_image(y + 1, height) {
                    for px in to_image(x, width)..to_image(x + 1, width) {
                        mask.put_pixel(px, py, Luma([255]));
                    }
                }
            }
            Annotation::mask(label, mask)
        } else {
            let (x0, x1) = (cells.iter().map(|c| c.0).min().unwrap_or(0), cells.iter().map(|c| c.0).max().unwrap_or(0));
            let (y0, y1) = (cells.iter().map(|c| c.1).min().unwrap_or(0), cells.iter().map(|c| c.1).max().unwrap_or(0));
            let (left, top) = (to_image(x0, width), to_image(y0, height));
            Annotation::boxed(label, left, top, to_image(x1 + 1, width) - left, to_image(y1 + 1, height) - top)
        }
    });
    let annotations: Vec<Annotation> = annotations.collect();
    Annotated::new(picture).with(annotations)
}

/// A shape of a scene: its colour, centre, half size, and whether it is round (else square).
struct Shape([u8; 3], (i32, i32), i32, bool);

impl Shape {
    fn covers(&self, x: i32, y: i32) -> bool {
        let Shape(_, (cx, cy), r, round) = *self;
        if round {
            (x - cx).pow(2) + (y - cy).pow(2) <= r * r
        } else {
            (x - cx).abs() <= r && (y - cy).abs() <= r
        }
    }
}

/// A scene of shapes on a grey floor, the first listed on top.
fn scene(shapes: &[Shape]) -> RgbImage {
    RgbImage::from_fn(320, 240, |x, y| {
        let top = shapes.iter().find(|shape| shape.covers(x as i32, y as i32));
        top.map_or(Rgb([200, 200, 196]), |shape| Rgb(shape.0))
    })
}

pub(crate) fn interface() -> impl IntoMounted {
    let toys = scene(&[
        Shape([220, 30, 40], (70, 70), 36, true),
        Shape([30, 90, 220], (210, 80), 40, false),
        Shape([240, 200, 20], (120, 180), 28, false),
        Shape([40, 170, 60], (260, 190), 30, true),
    ]);
    let pair = scene(&[Shape([220, 30, 40], (90, 120), 50, false), Shape([220, 30, 40], (240, 120), 40, true)]);
    Interface::new(detect)
        .inputs((
            Image::new().sources([ImageSource::Upload, ImageSource::Webcam]).label("picture"),
            Radio::new(["boxes", "masks"]).value("boxes").label("draw"),
        ))
        .outputs(
            AnnotatedImage::new()
                .color("red", "#e03131")
                .color("yellow", "#f59f00")
                .color("green", "#2f9e44")
                .color("blue", "#1971c2")
                .label("found"),
        )
        .title("Detect")
        .description(
            "An object detector's stand-in: regions of strong red, yellow, green and blue are found and labelled by \
             colour, as boxes or as masks. Point at a label in the legend to see its regions alone.",
        )
        .examples([(toys, "boxes".to_string()), (pair, "masks".to_string())])
}

#[cfg(test)]
mod tests {
    use super::*;
    use rheo::Region;

    #[test]
    fn each_coloured_shape_is_found_and_boxed_where_it_is() {
        let picture = scene(&[Shape([220, 30, 40], (70, 70), 36, true), Shape([30, 90, 220], (210, 80), 40, false)]);
        let found = detect(picture.clone(), "boxes".into());
        let boxes: Vec<(&str, Region)> =
            found.annotations.iter().map(|a| (a.label.as_str(), a.region.clone())).collect();
        assert_eq!(boxes.len(), 2, "{boxes:?}");
        let (label, Region::Box { x, y, width, height }) = &boxes[0] else { panic!("not a box") };
        assert_eq!(*label, "red");
        // The circle spans 34..=106 on both axes; the grid's cells are 2 pixels.
        assert!((32..=36).contains(x) && (32..=36).contains(y), "{x} {y}");
        assert!((70..=76).contains(width) && (70..=76).contains(height), "{width} {height}");
        assert_eq!(boxes[1].0, "blue");
        // As masks, the same regions: the red one covers the circle's centre, not a corner.
        let masks = detect(picture, "masks".into());
        let Region::Mask(red) = &masks.annotations[0].region else { panic!("not a mask") };
        assert_eq!((red.get_pixel(70, 70).0[0], red.get_pixel(36, 36).0[0]), (255, 0));
        assert!(detect(RgbImage::from_pixel(50, 40, Rgb([128, 128, 128])), "boxes".into()).annotations.is_empty());
        // A busy picture keeps its largest regions; a large one is answered smaller.
        let checkered = RgbImage::from_fn(2000, 1000, |x, y| {
            if (x / 200 + y / 200) % 2 == 0 {
                Rgb([220, 30, 40])
            } else {
                Rgb([200, 200, 196])
            }
        });
        let found = detect(checkered, "masks".into());
        assert_eq!((found.annotations.len(), found.image.width(), found.image.height()), (MOST_REGIONS, 1024, 512));
    }
}
