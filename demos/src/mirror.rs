//! A still-image demo: upload, drop, paste or snap a photo, press Submit, get it mirrored.

use rheo::{
    image::{imageops, RgbImage},
    Image, Interface, IntoMounted,
};

pub(crate) fn mirror(image: RgbImage) -> RgbImage {
    imageops::flip_horizontal(&image)
}

pub(crate) fn interface() -> impl IntoMounted {
    Interface::new(mirror)
        .inputs(Image::new().label("photo"))
        .outputs(Image::new().label("mirrored"))
        .title("Mirror")
        .description("Choose, drop or paste an image, or take one with the webcam, then press Submit.")
}

#[cfg(test)]
mod tests {
    use super::*;
    use rheo::image::Rgb;

    #[test]
    fn left_and_right_swap() {
        let image = RgbImage::from_fn(3, 1, |x, _| Rgb([x as u8; 3]));
        assert_eq!(mirror(image).get_pixel(0, 0).0, [2; 3]);
    }
}
