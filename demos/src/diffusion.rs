//! "Fake diffusion": a generator yields noisy images that converge, step by step, to a final
//! picture, each shown as it arrives.

use std::time::Duration;

use futures::Stream;
use rheo::{
    image::{Rgb, RgbImage},
    CacheMode, Image, Interface, IntoMounted, Slider,
};

const SIDE: u32 = 256;
/// How long each step takes to "denoise".
const STEP_TIME: Duration = Duration::from_millis(200);

/// The picture the steps converge to: a sun setting over the sea.
pub(crate) fn final_picture() -> RgbImage {
    RgbImage::from_fn(SIDE, SIDE, |x, y| {
        let (fx, fy) = (x as f32 / SIDE as f32, y as f32 / SIDE as f32);
        let sun = ((fx - 0.5).powi(2) + (fy - 0.55).powi(2)).sqrt() < 0.18;
        match () {
            _ if fy > 0.6 => Rgb([20, 60, (120.0 + 80.0 * fy) as u8]),
            _ if sun => Rgb([255, 210, 60]),
            _ => Rgb([(250.0 - 90.0 * fy) as u8, (120.0 + 40.0 * fy) as u8, (90.0 + 80.0 * fy) as u8]),
        }
    })
}

/// Step `step` of `steps`: the picture under noise that fades out linearly to none at the end.
pub(crate) fn noisy(picture: &RgbImage, step: u32, steps: u32, seed: u32) -> RgbImage {
    let clarity = step as f32 / steps as f32;
    let mut state = seed.max(1);
    let mut noise = move || {
        // xorshift32: deterministic noise, no dependency for a demo.
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        (state & 0xff) as f32
    };
    RgbImage::from_fn(picture.width(), picture.height(), |x, y| {
        let clear = picture.get_pixel(x, y).0;
        Rgb(clear.map(|c| (clarity * f32::from(c) + (1.0 - clarity) * noise()) as u8))
    })
}

pub(crate) fn diffuse(steps: f64) -> impl Stream<Item = RgbImage> {
    let steps = steps as u32;
    async_stream::stream! {
        let picture = final_picture();
        for step in 1..=steps {
            tokio::time::sleep(STEP_TIME).await;
            yield noisy(&picture, step, steps, step * 7919);
        }
    }
}

pub(crate) fn interface() -> impl IntoMounted {
    Interface::new(diffuse)
        .inputs(Slider::new(1.0, 20.0).label("steps").value(8.0).info("More steps, a clearer picture, a longer wait."))
        .outputs(Image::new().label("picture"))
        // Kept once computed (a generator keeps its last picture): an example clicked again
        // shows at once.
        .examples([(12.0,), (16.0,)])
        .cache_examples(CacheMode::Lazy)
        .title("Diffusion")
        .description(
            "A generator yields the picture one denoising step at a time; each step is shown as it arrives. \
             The examples' pictures are kept once made: clicked again, they show at once.",
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn distance(a: &RgbImage, b: &RgbImage) -> f64 {
        a.pixels()
            .zip(b.pixels())
            .map(|(p, q)| (0..3).map(|c| (f64::from(p.0[c]) - f64::from(q.0[c])).abs()).sum::<f64>())
            .sum()
    }

    #[test]
    fn steps_converge_to_the_picture() {
        let picture = final_picture();
        let distances: Vec<f64> = (1..=5).map(|step| distance(&noisy(&picture, step, 5, step), &picture)).collect();
        assert!(distances.windows(2).all(|w| w[1] < w[0]), "{distances:?}");
        assert_eq!(distances[4], 0.0, "the last step is the picture");
    }
}
