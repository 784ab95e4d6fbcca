//! An image classifier stand-in that reports as a real model would: progress over its stages,
//! and a warning (not an error) when the image is too small to judge well.

use std::time::Duration;

use rheo::{image::RgbImage, Classification, Image, Interface, IntoMounted, Label};

/// Below this many pixels on a side, the answer is a guess: say so, and answer anyway.
const SMALL_SIDE: u32 = 64;
const STAGES: [&str; 4] = ["loading the image", "finding edges", "weighing colours", "deciding"];
const STAGE_TIME: Duration = Duration::from_millis(150);

/// Classifies by the dominant colour channel, one stage at a time.
pub(crate) fn classify(image: RgbImage) -> Classification {
    if image.width() < SMALL_SIDE || image.height() < SMALL_SIDE {
        rheo::warning(format!(
            "The image is {}×{} pixels: below {SMALL_SIDE}×{SMALL_SIDE}, the answer is a guess.",
            image.width(),
            image.height()
        ));
    }
    for _ in rheo::track(STAGES, "classifying") {
        std::thread::sleep(STAGE_TIME);
    }
    let mut sums = [0f64; 3];
    for pixel in image.pixels() {
        for (sum, channel) in sums.iter_mut().zip(pixel.0) {
            *sum += f64::from(channel);
        }
    }
    let total = sums.iter().sum::<f64>().max(1.0);
    Classification::from_scores([("red", sums[0] / total), ("green", sums[1] / total), ("blue", sums[2] / total)])
}

pub(crate) fn interface() -> impl IntoMounted {
    Interface::new(classify)
        .inputs(Image::new().label("image").info("A photo; at least 64×64 pixels for a good answer."))
        .outputs(Label::new().label("colour"))
        // One that reads red, and one small enough to draw the warning.
        .examples([
            (example(include_bytes!("../examples/poppies.png")),),
            (example(include_bytes!("../examples/leaf.png")),),
        ])
        .title("Classify")
        .description(
            "Which colour dominates the picture: progress shows **each stage**, and a small image gets a warning.",
        )
        .article(ARTICLE)
        .flagging_options(["Wrong colour", "Good example"])
}

/// An example image shipped with the demo.
fn example(png: &[u8]) -> RgbImage {
    rheo::image::load_from_memory(png).expect("the demo's examples are PNG files").to_rgb8()
}

/// How it works, under the interface (Markdown).
const ARTICLE: &str = "\
### How it works

A stand-in for a real model: it sums each colour channel over the picture and answers with
their shares. It takes four stages of 150 ms so that the progress bar has something to show.

Found a wrong answer? **Flag it**: the picture, the answer and your reason are saved for
review, in `.rheo/flagged/classify/` on the server.";

#[cfg(test)]
mod tests {
    use super::*;
    use rheo::image::Rgb;

    #[test]
    fn the_dominant_channel_wins() {
        let image = RgbImage::from_pixel(80, 80, Rgb([10, 200, 30]));
        assert_eq!(classify(image).label.as_deref(), Some("green"));
    }
}
