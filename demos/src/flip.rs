//! The seed's webcam demo: every frame comes back upside down, as the camera streams.

use std::time::Duration;

use rheo::{
    image::{imageops, RgbImage},
    Image, ImageSource, Interface, IntoMounted,
};

pub(crate) fn flip(frame: RgbImage) -> RgbImage {
    imageops::flip_vertical(&frame)
}

/// A frame every `stream_every` (the demo streams at 1/30 s, as a webcam gives them).
pub(crate) fn interface(stream_every: Duration) -> impl IntoMounted {
    Interface::new(flip)
        .inputs(Image::new().label("webcam").sources([ImageSource::Webcam]).streaming(true))
        .outputs(Image::new().label("flipped"))
        .live(true)
        .stream_every(stream_every)
        // Each person's frames come one at a time anyway; different people's may run at once.
        .concurrency_limit(None)
        .api_name("predict")
        .title("Flip")
        .description("Start the camera: each frame comes back upside down while it streams.")
}

#[cfg(test)]
mod tests {
    use super::*;
    use rheo::image::Rgb;

    #[test]
    fn the_top_row_becomes_the_bottom_row() {
        let frame = RgbImage::from_fn(2, 3, |_, y| Rgb([y as u8; 3]));
        let flipped = flip(frame);
        assert_eq!(flipped.get_pixel(0, 0).0, [2; 3]);
        assert_eq!(flipped.get_pixel(1, 2).0, [0; 3]);
    }
}
