//! `/landscapes`: an image generator's stand-in that fills a Gallery. A prompt's words choose the
//! time of day and the ground ("night", "sunset", "snow", "sea", "forest", …); each of the images
//! asked for is a variation (its hills, its sun or moon) drawn from the prompt and the seed, with
//! a caption saying what it shows.

use rheo::{
    image::{Rgb, RgbImage},
    Gallery, Interface, IntoMounted, Number, Slider, Textbox,
};

const SIDE: u32 = 192;

/// A time of day: its sky from top to horizon, and its light (a sun or the moon).
struct Sky {
    name: &'static str,
    top: [u8; 3],
    horizon: [u8; 3],
    light: [u8; 3],
}

const SKIES: [Sky; 4] = [
    Sky { name: "noon", top: [70, 140, 230], horizon: [190, 220, 250], light: [255, 250, 210] },
    Sky { name: "sunset", top: [90, 60, 140], horizon: [250, 150, 80], light: [255, 200, 90] },
    Sky { name: "night", top: [10, 14, 40], horizon: [40, 50, 90], light: [235, 235, 220] },
    Sky { name: "dawn", top: [120, 150, 210], horizon: [250, 190, 170], light: [255, 230, 180] },
];

/// What the land is: its near and far colours.
struct Ground {
    name: &'static str,
    near: [u8; 3],
    far: [u8; 3],
}

const GROUNDS: [Ground; 4] = [
    Ground { name: "hills", near: [60, 130, 60], far: [120, 170, 120] },
    Ground { name: "snow", near: [235, 240, 250], far: [190, 200, 220] },
    Ground { name: "sea", near: [20, 70, 130], far: [60, 120, 170] },
    Ground { name: "forest", near: [20, 70, 35], far: [50, 100, 70] },
];

/// The entry of `names` the prompt names, else the one `hash` picks.
fn chosen(prompt: &str, names: &[&'static str], hash: u64) -> usize {
    let prompt = prompt.to_lowercase();
    names.iter().position(|name| prompt.contains(name)).unwrap_or((hash % names.len() as u64) as usize)
}

/// FNV-1a of the prompt and the seed: the same prompt and seed draw the same images.
fn hash(prompt: &str, seed: u64) -> u64 {
    prompt
        .bytes()
        .chain(seed.to_le_bytes())
        .fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3))
}

fn mix(a: [u8; 3], b: [u8; 3], t: f32) -> Rgb<u8> {
    Rgb(std::array::from_fn(|i| (f32::from(a[i]) * (1.0 - t) + f32::from(b[i]) * t) as u8))
}

/// Variation `n`: the light where `h` puts it, and two ridges of hills shaped by `h`.
fn landscape(sky: &Sky, ground: &Ground, h: u64) -> RgbImage {
    let side = SIDE as f32;
    let (light_x, light_y) = (0.15 + (h % 70) as f32 / 100.0, 0.15 + (h / 70 % 25) as f32 / 100.0);
    let (phase, height) = ((h / 2000 % 628) as f32 / 100.0, 0.55 + (h / 700_000 % 15) as f32 / 100.0);
    RgbImage::from_fn(SIDE, SIDE, |x, y| {
        let (fx, fy) = (x as f32 / side, y as f32 / side);
        let far = height - 0.08 + 0.05 * (fx * 7.0 + phase).sin();
        let near = height + 0.1 + 0.06 * (fx * 4.0 - phase).cos();
        if fy > near {
            mix(ground.near, ground.far, (1.0 - fy) * 0.5)
        } else if fy > far {
            mix(ground.far, sky.horizon, 0.25)
        } else if ((fx - light_x).powi(2) + (fy - light_y).powi(2)).sqrt() < 0.07 {
            Rgb(sky.light)
        } else {
            mix(sky.top, sky.horizon, (fy / far).min(1.0))
        }
    })
}

fn landscapes(prompt: String, count: f64, seed: f64) -> Vec<(RgbImage, String)> {
    let seed = seed.max(0.0) as u64;
    let h = hash(&prompt, seed);
    let sky = &SKIES[chosen(&prompt, &SKIES.map(|s| s.name), h)];
    let ground = &GROUNDS[chosen(&prompt, &GROUNDS.map(|g| g.name), h >> 8)];
    (1..=count.clamp(1.0, 8.0) as u64)
        .map(|n| {
            let picture = landscape(sky, ground, hash(&prompt, seed.wrapping_add(n)));
            (picture, format!("{} over {}, variation {n}", capitalised(sky.name), ground.name))
        })
        .collect()
}

fn capitalised(word: &str) -> String {
    word[..1].to_uppercase() + &word[1..]
}

pub(crate) fn interface() -> impl IntoMounted {
    Interface::new(landscapes)
        .inputs((
            Textbox::new().label("prompt").value("a quiet sunset over the sea"),
            Slider::new(1.0, 8.0).step(1.0).value(4.0).label("images"),
            Number::new().minimum(0.0).step(1.0).value(7.0).label("seed"),
        ))
        .outputs(Gallery::new().columns(4).label("landscapes"))
        .title("Landscapes")
        .description(
            "An image generator's stand-in: the prompt's words choose the time of day (noon, sunset, night, dawn) \
             and the land (hills, snow, sea, forest); each image is a variation, the same for the same seed.",
        )
        .examples([("snow at night".to_string(), 3.0, 1.0), ("a forest at dawn".to_string(), 6.0, 42.0)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prompt_chooses_the_scene_and_the_seed_its_variations() {
        let four = landscapes("a quiet sunset over the sea".into(), 4.0, 7.0);
        let captions: Vec<&str> = four.iter().map(|(_, caption)| caption.as_str()).collect();
        assert_eq!(captions[0], "Sunset over sea, variation 1");
        assert_eq!(captions.len(), 4);
        assert_ne!(four[0].0, four[1].0, "variations differ");
        assert_eq!(landscapes("a quiet sunset over the sea".into(), 1.0, 7.0)[0].0, four[0].0, "the seed repeats them");
        assert_ne!(landscapes("a quiet sunset over the sea".into(), 1.0, 8.0)[0].0, four[0].0);
        assert_eq!(landscapes("snow at night".into(), 20.0, 1.0).len(), 8, "at most eight");
        assert!(landscapes("snow at night".into(), 1.0, 1.0)[0].1.starts_with("Night over snow"));
    }
}
