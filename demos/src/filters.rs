//! Webcam streaming with a choice of filter that can be switched while the camera runs.

use std::time::Duration;

use rheo::{
    image::{imageops, DynamicImage, GrayImage, RgbImage},
    Image, ImageSource, Interface, IntoMounted, Radio,
};

pub(crate) const FILTERS: [&str; 3] = ["flip", "grayscale", "edges"];

pub(crate) fn filters(frame: RgbImage, filter: String) -> Result<DynamicImage, String> {
    match filter.as_str() {
        "flip" => Ok(imageops::flip_vertical(&frame).into()),
        "grayscale" => Ok(imageops::grayscale(&frame).into()),
        "edges" => Ok(edges(&imageops::grayscale(&frame)).into()),
        other => Err(format!("unknown filter {other:?}")),
    }
}

/// A Laplacian edge detector: bright where the brightness changes, dark where it is flat.
fn edges(gray: &GrayImage) -> GrayImage {
    let laplacian = [0.0, -1.0, 0.0, -1.0, 4.0, -1.0, 0.0, -1.0, 0.0];
    // filter3x3 clamps to 0..255; doubling makes faint edges visible.
    let mut edges = imageops::filter3x3(gray, &laplacian);
    edges.pixels_mut().for_each(|p| p.0[0] = p.0[0].saturating_mul(2));
    edges
}

pub(crate) fn interface() -> impl IntoMounted {
    Interface::new(filters)
        .inputs((
            Image::new().label("webcam").sources([ImageSource::Webcam]).streaming(true),
            Radio::new(FILTERS).label("filter").value("flip"),
        ))
        .outputs(Image::new().label("filtered").dynamic())
        .live(true)
        .stream_every(Duration::from_secs_f64(1.0 / 30.0))
        // Short, so a stream that reaches its limit is easy to see (Gradio's default is 30 s).
        .time_limit(Some(Duration::from_secs(10)))
        .title("Filters")
        .description("Start the camera and switch filters while it streams. Each stream runs for up to 10 seconds.")
}

#[cfg(test)]
mod tests {
    use super::*;
    use rheo::image::Rgb;

    /// Left half black, right half white.
    fn step() -> RgbImage {
        RgbImage::from_fn(8, 4, |x, _| if x < 4 { Rgb([0; 3]) } else { Rgb([255; 3]) })
    }

    #[test]
    fn each_filter_does_its_job() {
        let gray = filters(step(), "grayscale".into()).unwrap();
        assert!(matches!(gray, DynamicImage::ImageLuma8(_)));
        let edges = filters(step(), "edges".into()).unwrap().into_luma8();
        assert_eq!(edges.get_pixel(1, 1).0, [0], "flat areas are dark");
        assert_eq!(edges.get_pixel(4, 1).0, [255], "the step is bright");
        let flipped = filters(RgbImage::from_fn(1, 2, |_, y| Rgb([y as u8; 3])), "flip".into()).unwrap().into_rgb8();
        assert_eq!(flipped.get_pixel(0, 0).0, [1; 3]);
        assert!(filters(step(), "sepia".into()).is_err());
    }
}
