//! `/watch`: it sees and hears at once. The webcam and the microphone stream together, each
//! frame a picture and the sound captured since the last one; each picture comes back with a
//! box around its brightest part and a level meter of that sound along its bottom edge.

use std::time::Duration;

use rheo::{
    image::{Rgb, RgbImage},
    Audio, AudioData, Image, ImageSource, Interface, IntoMounted, Number,
};

/// The quietest loudness the meter shows, in dB below full scale: below, it is empty.
const FLOOR_DB: f64 = -60.0;
/// The meter's height, in pixels.
const METER_HEIGHT: u32 = 12;
/// The box's colour, and the meter's.
const BOX: Rgb<u8> = Rgb([255, 200, 0]);
const METER: Rgb<u8> = Rgb([40, 220, 90]);

/// The picture with its brightest part boxed and the sound's meter drawn, and the sound's
/// loudness in dB below full scale.
pub(crate) fn watch(mut picture: RgbImage, sound: AudioData) -> (RgbImage, f64) {
    let loudness = loudness_db(&sound.to_mono());
    if let Some((x, y, width, height)) = brightest_part(&picture) {
        draw_box(&mut picture, x, y, width, height);
    }
    let filled = ((loudness - FLOOR_DB) / -FLOOR_DB).clamp(0.0, 1.0);
    let (width, height) = picture.dimensions();
    let meter_width = (filled * f64::from(width)).round() as u32;
    for y in height.saturating_sub(METER_HEIGHT)..height {
        for x in 0..meter_width {
            picture.put_pixel(x, y, METER);
        }
    }
    (picture, (loudness * 10.0).round() / 10.0)
}

/// Root-mean-square loudness in dB below full scale; the floor for silence.
fn loudness_db(samples: &[f32]) -> f64 {
    if samples.is_empty() {
        return FLOOR_DB;
    }
    let power = samples.iter().map(|s| f64::from(*s).powi(2)).sum::<f64>() / samples.len() as f64;
    (10.0 * power.log10()).max(FLOOR_DB)
}

/// The brightest cell of a 4×4 grid over the picture, as (x, y, width, height); `None` for a
/// picture too small to divide.
fn brightest_part(picture: &RgbImage) -> Option<(u32, u32, u32, u32)> {
    let (width, height) = picture.dimensions();
    let (cell_width, cell_height) = (width / 4, height / 4);
    if cell_width == 0 || cell_height == 0 {
        return None;
    }
    let brightness = |column: u32, row: u32| -> u64 {
        let pixels = (0..cell_height).flat_map(|y| (0..cell_width).map(move |x| (x, y)));
        // Every other pixel each way: a quarter of the work, the same answer for a camera's picture.
        pixels
            .filter(|(x, y)| x % 2 == 0 && y % 2 == 0)
            .map(|(x, y)| {
                picture
                    .get_pixel(column * cell_width + x, row * cell_height + y)
                    .0
                    .iter()
                    .map(|&c| u64::from(c))
                    .sum::<u64>()
            })
            .sum()
    };
    let cells = (0..4).flat_map(|row| (0..4).map(move |column| (column, row)));
    let (column, row) =
        cells.max_by_key(|&(column, row)| (brightness(column, row), std::cmp::Reverse((row, column))))?;
    Some((column * cell_width, row * cell_height, cell_width, cell_height))
}

/// A 3-pixel frame around the rectangle.
fn draw_box(picture: &mut RgbImage, x: u32, y: u32, width: u32, height: u32) {
    for dy in 0..height {
        for dx in 0..width {
            let edge = dx < 3 || dy < 3 || dx + 3 >= width || dy + 3 >= height;
            if edge {
                picture.put_pixel(x + dx, y + dy, BOX);
            }
        }
    }
}

pub(crate) fn interface() -> impl IntoMounted {
    Interface::new(watch)
        .inputs((
            Image::new().label("camera").sources([ImageSource::Webcam]).streaming(true),
            Audio::new().label("microphone").microphone().streaming(true),
        ))
        .outputs((Image::new().label("seen and heard"), Number::new().label("loudness (dB)")))
        .live(true)
        .stream_every(Duration::from_secs_f64(1.0 / 30.0))
        .concurrency_limit(None)
        .title("Watch")
        .description(
            "Start the camera: the microphone streams with it. Each picture comes back with its brightest part \
             boxed and a level meter of the sound heard with it.",
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_brightest_part_is_boxed_and_the_meter_follows_the_sound() {
        let picture = RgbImage::from_fn(80, 80, |x, y| if x >= 60 && y < 20 { Rgb([250; 3]) } else { Rgb([10; 3]) });
        let loud = AudioData::mono(16_000, (0..1600).map(|i| 0.5 * (i as f32 / 10.0).sin()).collect());
        let (seen, loudness) = watch(picture.clone(), loud);
        assert!((-10.0..-8.0).contains(&loudness), "a sine of amplitude 0.5 is about -9 dB: {loudness}");
        assert_eq!(*seen.get_pixel(60, 0), BOX, "the top right cell is boxed");
        assert_eq!(*seen.get_pixel(0, 79), METER);
        assert_eq!(*seen.get_pixel(79, 79), Rgb([10; 3]), "the meter stops short of the full width");
        let (quiet, silence) = watch(picture, AudioData::mono(16_000, vec![0.0; 1600]));
        assert_eq!(silence, FLOOR_DB);
        assert_eq!(*quiet.get_pixel(0, 79), Rgb([10; 3]), "an empty meter");
    }
}
