//! `/signal`: a sine wave of the frequency asked, measured with noise and smoothed, drawn as
//! lines (LinePlot, a series each) and the measurements against the signal as dots
//! (ScatterPlot, coloured by how far each is off). The noise is a seeded generator of its own,
//! so a run is the same every time (Gradio's twin in the compatibility tests draws the same).

use rheo::{Cell, Interface, IntoMounted, LinePlot, Number, ScatterPlot, Slider, Table};

/// Samples over the two seconds drawn.
const SAMPLES: usize = 100;

/// `n` to three decimals: what a chart shows, and what both servers send alike.
fn rounded(n: f64) -> f64 {
    (n * 1000.0).round() / 1000.0
}

/// A number in -1..1 from `state` (a linear congruential generator's next step).
fn noise(state: &mut u64) -> f64 {
    *state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
    (*state >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0
}

fn signal(frequency: f64, noise_level: f64, seed: f64) -> (Table, Table) {
    let mut state = seed as u64;
    let times: Vec<f64> = (0..SAMPLES).map(|i| 2.0 * i as f64 / SAMPLES as f64).collect();
    let clean: Vec<f64> = times.iter().map(|t| (2.0 * std::f64::consts::PI * frequency * t).sin()).collect();
    let measured: Vec<f64> = clean.iter().map(|c| c + noise_level * noise(&mut state)).collect();
    // A moving average of five measurements (fewer at the ends).
    let smoothed: Vec<f64> = (0..SAMPLES)
        .map(|i| {
            let window = &measured[i.saturating_sub(2)..(i + 3).min(SAMPLES)];
            window.iter().sum::<f64>() / window.len() as f64
        })
        .collect();
    let mut lines = Table::new(["t", "value", "series"]);
    for (name, values) in [("signal", &clean), ("measured", &measured), ("smoothed", &smoothed)] {
        for (t, value) in times.iter().zip(values) {
            lines = lines.row([Cell::from(rounded(*t)), rounded(*value).into(), name.into()]);
        }
    }
    let mut dots = Table::new(["signal", "measured", "error"]);
    for (c, m) in clean.iter().zip(&measured) {
        let off = if (m - c).abs() > noise_level / 2.0 { "more than half the noise" } else { "less" };
        dots = dots.row([Cell::from(rounded(*c)), rounded(*m).into(), off.into()]);
    }
    (lines, dots)
}

pub(crate) fn interface() -> impl IntoMounted {
    Interface::new(signal)
        .inputs((
            Slider::new(0.5, 5.0).step(0.5).value(1.5).label("frequency (Hz)"),
            Slider::new(0.0, 1.0).step(0.05).value(0.3).label("noise"),
            Number::new().minimum(0.0).maximum(1e6).step(1.0).value(7.0).label("seed"),
        ))
        .outputs((
            LinePlot::new("t", "value").color("series").x_title("time (s)").label("over time"),
            ScatterPlot::new("signal", "measured").color("error").label("measured against the signal"),
        ))
        .title("A noisy signal")
        .description("A sine wave measured with noise and smoothed by a moving average, as lines; then each measurement against the signal.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_series_of_a_hundred_samples_and_a_dot_per_sample() {
        let (lines, dots) = signal(1.0, 0.0, 7.0);
        assert_eq!(lines.rows.len(), 3 * SAMPLES);
        assert_eq!(dots.rows.len(), SAMPLES);
        // Without noise, what is measured is the signal.
        assert_eq!(lines.rows[25][0..2], [Cell::from(0.5), Cell::from(0.0)], "sin(2π · 1 Hz · 0.5 s)");
        assert_eq!(lines.rows[SAMPLES + 25][1], lines.rows[25][1]);
        let (_, noisy) = signal(1.0, 0.5, 7.0);
        assert_ne!(noisy.rows[3][0], noisy.rows[3][1]);
        assert_eq!(signal(1.0, 0.5, 7.0).1, noisy, "seeded: the same every time");
    }
}
