//! The plots' widget: an SVG chart built from the data (Gradio draws its plots with Vega-Lite;
//! here nothing from outside the data reaches the markup, and no script or style is inline):
//! axes with round ticks, a line, a dot or a bar per row in its series' colour, each mark
//! telling its values when pointed at (`<title>`) or focused (its accessible name), and a
//! legend of the series.
//!
//! The geometry ([`Chart::of`]) is a pure function of the data and the options, tested on its
//! own; the view only draws what it gives.

use leptos::{ev::KeyboardEvent, prelude::*};
use rheo_shared::{
    components::{date_text, Datatype, Mark, Plot, PlotCell, PlotData},
    Value,
};

use super::{focus_by_id, Field, Widget};
use crate::words::{tr, Text};

/// The drawing's size, in the SVG's own units (it scales to its box).
const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 360.0;
/// Room for the y axis' labels and title on the left, the x axis' below.
const LEFT: f64 = 64.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 52.0;
/// Colours the series take in turn (`.plot-c-0` to `.plot-c-7` in the stylesheet).
const PALETTE_LEN: usize = 8;
/// Ways of drawing a colour (`.plot-k-0` to `.plot-k-2`: solid, dashed and hollow, dotted),
/// so that the ninth series is not the first's twin.
const STROKES_LEN: usize = 3;

/// Moments are milliseconds.
const SECOND: f64 = 1000.0;
const MINUTE: f64 = 60.0 * SECOND;
const HOUR: f64 = 60.0 * MINUTE;
const DAY: f64 = 24.0 * HOUR;

/// The classes that draw series `s`: its colour, and past the palette, another stroke.
fn series_class(s: usize) -> String {
    format!("plot-c-{} plot-k-{}", s % PALETTE_LEN, s / PALETTE_LEN % STROKES_LEN)
}

impl Widget for Plot {
    fn view(&self, f: Field) -> impl IntoView + use<> {
        let value = f.value;
        let options = self.clone();
        let chart = Memo::new(move |_| {
            value.with(|v| match v {
                Value::Json(json) => PlotData::from_json(json).and_then(|data| Chart::of(&data, &options)),
                _ => None,
            })
        });
        let heading_id = f.heading_id();
        let title = self.title.clone().map(|title| view! { <p class="plot-title">{title}</p> });
        let svg_name = heading_id.clone();
        let drawing = move || chart.get().map(|chart| chart.view(svg_name.clone()));
        view! {
            <section class="component plot" aria-labelledby=f.heading_id()>
                <h3 id=heading_id>{f.label}</h3>
                {f.info_line()}
                {title}
                {drawing}
                <p class="plot-empty" hidden=move || chart.with(Option::is_some)>{tr(Text::NoPlotYet)}</p>
            </section>
        }
    }
}

/// A chart laid out: its axes' ticks, its marks and its series, in the SVG's units.
#[derive(Clone, Debug, PartialEq)]
struct Chart {
    x_title: String,
    y_title: String,
    x_ticks: Vec<(f64, String)>,
    y_ticks: Vec<(f64, String)>,
    /// Each series' name (empty for the one series of a chart without colours).
    series: Vec<String>,
    marks: Vec<Shape>,
    /// Each series' line through its points, for a line chart.
    lines: Vec<(usize, String)>,
}

/// One row drawn: a dot at (x, y), or a bar from (x, y) of a width and height; its series, and
/// what it says of itself.
#[derive(Clone, Debug, PartialEq)]
struct Shape {
    series: usize,
    x: f64,
    y: f64,
    bar: Option<(f64, f64)>,
    says: String,
}

/// An axis: how a value maps to a position, and the ticks to draw.
enum Scale {
    /// Numbers (or moments) from `lo` to `hi` along `start`..`end`.
    Linear { lo: f64, hi: f64, start: f64, end: f64 },
    /// Names, each its band along `start`..`end`.
    Bands { names: Vec<String>, start: f64, end: f64 },
}

impl Scale {
    /// A scale over `values` (and zero, `with_zero`; moments, `temporal`), its step and its
    /// ticks.
    fn linear(
        values: impl Iterator<Item = f64>,
        with_zero: bool,
        temporal: bool,
        start: f64,
        end: f64,
    ) -> (Scale, f64, Vec<f64>) {
        let (mut lo, mut hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)));
        if with_zero {
            (lo, hi) = (lo.min(0.0), hi.max(0.0));
        }
        let (lo, hi, step, ticks) = if temporal { time_ticks(lo, hi) } else { nice_ticks(lo, hi) };
        (Scale::Linear { lo, hi, start, end }, step, ticks)
    }

    fn position(&self, value: f64) -> f64 {
        match self {
            Scale::Linear { lo, hi, start, end } => start + (value - lo) / (hi - lo) * (end - start),
            Scale::Bands { names, start, end } => start + (value + 0.5) * (end - start) / names.len() as f64,
        }
    }

    fn band(&self) -> f64 {
        match self {
            Scale::Linear { .. } => 0.0,
            Scale::Bands { names, start, end } => (end - start).abs() / names.len() as f64,
        }
    }
}

/// Round bounds around `lo`..`hi`, the step between ticks (1, 2 or 5 times a power of ten),
/// and the five to eight ticks; never more than [`MAX_TICKS`], whatever the values (a handler's
/// 1e300 too).
fn nice_ticks(lo: f64, hi: f64) -> (f64, f64, f64, Vec<f64>) {
    let (lo, hi) = spread(lo, hi);
    ticks_by(lo, hi, round_step((hi - lo) / 6.0))
}

/// As [`nice_ticks`], for moments in milliseconds: the step is a round time (seconds, minutes,
/// hours, days, or 1, 2 or 5 times a power of ten days), so the ticks fall on whole minutes,
/// hours or midnights (UTC, as the labels are), not on 1.2e8 ms.
fn time_ticks(lo: f64, hi: f64) -> (f64, f64, f64, Vec<f64>) {
    const STEPS: [f64; 19] = [
        SECOND,
        2.0 * SECOND,
        5.0 * SECOND,
        10.0 * SECOND,
        15.0 * SECOND,
        30.0 * SECOND,
        MINUTE,
        2.0 * MINUTE,
        5.0 * MINUTE,
        10.0 * MINUTE,
        15.0 * MINUTE,
        30.0 * MINUTE,
        HOUR,
        2.0 * HOUR,
        3.0 * HOUR,
        6.0 * HOUR,
        12.0 * HOUR,
        DAY,
        2.0 * DAY,
    ];
    // One moment: the days around it (a range of half its value was decades wide).
    let (lo, hi) = if lo < hi { (lo, hi) } else { (lo - DAY, hi + DAY) };
    let rough = (hi - lo) / 6.0;
    let days = || Some(DAY * round_step(rough / DAY)).filter(|step| step.is_finite());
    let step = match STEPS.into_iter().find(|step| *step >= rough) {
        Some(step) if rough >= SECOND => step,
        // Never under a millisecond, which the labels do not show.
        Some(_) => round_step(rough).max(1.0),
        None => days().unwrap_or_else(|| round_step(rough)),
    };
    ticks_by(lo, hi, step)
}

/// `lo`..`hi`, or a range around a single value.
fn spread(lo: f64, hi: f64) -> (f64, f64) {
    if lo < hi {
        (lo, hi)
    } else {
        let pad = if lo == 0.0 { 1.0 } else { lo.abs() / 2.0 };
        (lo - pad, hi + pad)
    }
}

/// The least of 1, 2, 5 or 10 times a power of ten that is at least `rough`.
fn round_step(rough: f64) -> f64 {
    let rough = rough.min(f64::MAX / 10.0);
    let power = power_of_ten_below(rough);
    [1.0, 2.0, 5.0, 10.0].into_iter().map(|m| m * power).find(|step| *step >= rough).unwrap_or(10.0 * power)
}

/// The multiples of `step` from below `lo` to above `hi` (at most [`MAX_TICKS`] + 1), with
/// the bounds they make.
fn ticks_by(lo: f64, hi: f64, step: f64) -> (f64, f64, f64, Vec<f64>) {
    let (first, last) = ((lo / step).floor(), (hi / step).ceil());
    let count = ((last - first) as usize).min(MAX_TICKS);
    let ticks = (0..=count).map(|i| (first + i as f64) * step).collect();
    (first * step, last * step, step, ticks)
}

/// The most ticks an axis has.
const MAX_TICKS: usize = 12;

/// The greatest power of ten at most `n` (a finite number above 0; 1 for anything else). By
/// steps, not `powf` and `log10`: those would bring the maths library's code into the wasm.
fn power_of_ten_below(n: f64) -> f64 {
    let mut power = 1.0;
    while power > n && power > 1e-300 {
        power /= 10.0;
    }
    while n.is_finite() && power * 10.0 <= n {
        power *= 10.0;
    }
    power
}

/// A tick's label: a date (with the time when the ticks are less than a day apart, to the
/// second or millisecond when they are that close) for moments, else the number with as many
/// decimals as the step needs.
fn tick_label(value: f64, step: f64, temporal: bool) -> String {
    if temporal {
        let text = date_text(value, step < DAY);
        let second = (value / SECOND).rem_euclid(60.0);
        return match step {
            step if step < SECOND => format!("{text}:{second:06.3}"),
            step if step < MINUTE => format!("{text}:{:02}", second.floor()),
            _ => text,
        };
    }
    let (mut power, mut decimals) = (power_of_ten_below(step), 0);
    while power < 1.0 && decimals < 12 {
        power *= 10.0;
        decimals += 1;
    }
    format!("{value:.decimals$}")
}

/// The labels of `ticks`: for moments less than a day apart, the date only on the first and
/// where the day changes, the time on every one (a whole date on each overlapped the next).
fn tick_labels(ticks: &[f64], step: f64, temporal: bool) -> Vec<String> {
    let mut day = String::new();
    let mut label = |value: f64| {
        let label = tick_label(value, step, temporal);
        let Some((date, time)) = label.split_once(' ').filter(|_| temporal && step < DAY) else { return label };
        if date == day {
            return time.to_owned();
        }
        day = date.to_owned();
        label
    };
    ticks.iter().map(|&value| label(value)).collect()
}

/// A cell as a mark tells it.
fn cell_text(cell: &PlotCell, datatype: Datatype) -> String {
    match (cell, datatype) {
        (PlotCell::Number(ms), Datatype::Temporal) => date_text(*ms, true),
        (PlotCell::Number(n), _) => n.to_string(),
        (PlotCell::Text(text), _) => text.clone(),
    }
}

impl Chart {
    /// The chart of `data` as `options` ask; `None` without rows to draw (or without the
    /// columns named).
    fn of(data: &PlotData, options: &Plot) -> Option<Chart> {
        let (x, y) = (data.column(&options.x)?, data.column(&options.y)?);
        let color = options.color.as_deref().and_then(|name| data.column(name));
        let (x_type, y_type) = (data.datatypes[x], data.datatypes[y]);
        let mut series: Vec<String> = Vec::new();
        let mut names: Vec<String> = Vec::new();
        let mut rows: Vec<Row> = Vec::new();
        let bands = x_type == Datatype::Nominal || options.mark == Mark::Bar;
        for row in &data.rows {
            let (Some(Some(x_cell)), Some(Some(PlotCell::Number(y)))) = (row.get(x), row.get(y)) else { continue };
            let key = color.and_then(|c| Some(cell_text(row.get(c)?.as_ref()?, data.datatypes[c]))).unwrap_or_default();
            let x_text = cell_text(x_cell, x_type);
            let x = match (bands, x_cell) {
                (false, PlotCell::Number(n)) => *n,
                (false, PlotCell::Text(_)) => continue,
                (true, _) => position_or_push(&mut names, &x_text) as f64,
            };
            rows.push(Row { x, y: *y, series: position_or_push(&mut series, &key), x_text, summed: false });
        }
        if rows.is_empty() {
            return None;
        }
        if options.mark == Mark::Bar {
            rows = summed(rows);
        }
        let y_temporal = y_type == Datatype::Temporal;
        let (y_scale, y_step, y_ticks) =
            Scale::linear(rows.iter().map(|row| row.y), options.mark == Mark::Bar, y_temporal, HEIGHT - BOTTOM, TOP);
        let y_labels = tick_labels(&y_ticks, y_step, y_temporal);
        let y_ticks = y_ticks.into_iter().map(|v| y_scale.position(v)).zip(y_labels).collect();
        let (x_scale, x_ticks) = if bands {
            let ticks = names.iter().enumerate().map(|(i, name)| (i as f64, name.clone())).collect::<Vec<_>>();
            (Scale::Bands { names, start: LEFT, end: WIDTH - RIGHT }, ticks)
        } else {
            let temporal = x_type == Datatype::Temporal;
            let (scale, step, ticks) =
                Scale::linear(rows.iter().map(|row| row.x), false, temporal, LEFT, WIDTH - RIGHT);
            let labels = tick_labels(&ticks, step, temporal);
            (scale, ticks.into_iter().zip(labels).collect())
        };
        let x_ticks = x_ticks.into_iter().map(|(v, label)| (x_scale.position(v), label)).collect();
        let zero = y_scale.position(0.0);
        let group = series.len() as f64;
        let marks: Vec<Shape> = rows
            .into_iter()
            .map(|row| {
                let says = row.says(options, &series[row.series], y_type);
                let (px, py, series) = (x_scale.position(row.x), y_scale.position(row.y), row.series);
                match options.mark {
                    Mark::Bar => {
                        let width = x_scale.band() * 0.8 / group;
                        let left = px - x_scale.band() * 0.4 + width * series as f64;
                        Shape { series, x: left, y: py.min(zero), bar: Some((width, (py - zero).abs())), says }
                    }
                    Mark::Line | Mark::Point => Shape { series, x: px, y: py, bar: None, says },
                }
            })
            .collect();
        let lines = match options.mark {
            Mark::Line => (0..series.len()).map(|s| (s, line_through(&marks, s))).collect(),
            Mark::Point | Mark::Bar => Vec::new(),
        };
        Some(Chart {
            x_title: options.x_title.clone().unwrap_or_else(|| options.x.clone()),
            y_title: options.y_title.clone().unwrap_or_else(|| options.y.clone()),
            x_ticks,
            y_ticks,
            series,
            marks,
            lines,
        })
    }

    fn view(self, heading_id: String) -> impl IntoView {
        let Chart { x_title, y_title, x_ticks, y_ticks, series, marks, lines } = self;
        let labelled_by = heading_id.clone();
        // One stop for the keyboard however many marks, the arrows moving between them (a
        // roving tabindex): a stop per mark made a hundred of them to tab past on one chart.
        let current = RwSignal::new(0_usize);
        let last = marks.len().saturating_sub(1);
        let mark_id = move |index: usize| format!("{heading_id}-mark-{index}");
        let keys = {
            let mark_id = mark_id.clone();
            move |ev: KeyboardEvent| {
                if ev.alt_key() || ev.ctrl_key() || ev.meta_key() {
                    return; // the browser's own (Alt+Left goes back)
                }
                let now = current.get_untracked();
                let next = match ev.key().as_str() {
                    "ArrowRight" | "ArrowDown" => (now + 1).min(last),
                    "ArrowLeft" | "ArrowUp" => now.saturating_sub(1),
                    "Home" => 0,
                    "End" => last,
                    _ => return,
                };
                ev.prevent_default();
                focus_by_id(&mark_id(next)); // its focus makes it the current one
            }
        };
        let grid = y_ticks
            .into_iter()
            .map(|(y, label)| {
                view! {
                    <line class="plot-grid" x1=LEFT x2=WIDTH - RIGHT y1=y y2=y/>
                    <text class="plot-tick" x=LEFT - 6.0 y=y + 4.0 text-anchor="end">{label}</text>
                }
            })
            .collect_view();
        let x_labels = x_ticks
            .into_iter()
            .map(|(x, label)| {
                view! {
                    <line class="plot-axis" x1=x x2=x y1=HEIGHT - BOTTOM y2=HEIGHT - BOTTOM + 4.0/>
                    <text class="plot-tick" x=x y=HEIGHT - BOTTOM + 18.0 text-anchor="middle">{label}</text>
                }
            })
            .collect_view();
        let paths = lines
            .into_iter()
            .map(|(s, d)| view! { <path class=format!("plot-line {}", series_class(s)) d=d/> })
            .collect_view();
        let shapes = marks
            .into_iter()
            .enumerate()
            .map(|(index, mark)| {
                let class = format!("plot-mark {}", series_class(mark.series));
                let (id, tab) = (mark_id(index), move || if current.get() == index { "0" } else { "-1" });
                // Focused by the keys or a click, it is the current one.
                let focused = move |_| current.set(index);
                // Named by its <title> alone: an aria-label as well made the title its
                // description, and a screen reader read the values twice.
                match mark.bar {
                    Some((width, height)) => leptos::either::Either::Left(view! {
                        <rect class=class id=id x=mark.x y=mark.y width=width height=height tabindex=tab role="img" on:focus=focused>
                            <title>{mark.says}</title>
                        </rect>
                    }),
                    None => leptos::either::Either::Right(view! {
                        <circle class=class id=id cx=mark.x cy=mark.y r="4" tabindex=tab role="img" on:focus=focused>
                            <title>{mark.says}</title>
                        </circle>
                    }),
                }
            })
            .collect_view();
        let legend = (series.len() > 1 || series.first().is_some_and(|name| !name.is_empty())).then(|| {
            let entries = series
                .into_iter()
                .enumerate()
                .map(|(s, name)| {
                    // Rows whose colour cell is empty are a series too.
                    let name = if name.is_empty() { "—".to_owned() } else { name };
                    view! { <li><span class=format!("plot-swatch {}", series_class(s)) aria-hidden="true"></span>{name}</li> }
                })
                .collect_view();
            view! { <ul class="plot-legend">{entries}</ul> }
        });
        view! {
            <svg class="plot-svg" viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="group" aria-labelledby=labelled_by on:keydown=keys>
                // Its description: how the keys move between the marks. (A hidden <p> beside it,
                // named by aria-describedby, moved 12 KB of the widgets' code into the main
                // module, measured.)
                <desc>{tr(Text::PlotKeys)}</desc>
                {grid}
                <line class="plot-axis" x1=LEFT x2=WIDTH - RIGHT y1=HEIGHT - BOTTOM y2=HEIGHT - BOTTOM/>
                {x_labels}
                <text class="plot-title-axis" x=(LEFT + WIDTH - RIGHT) / 2.0 y=HEIGHT - 8.0 text-anchor="middle">{x_title}</text>
                <text class="plot-title-axis" x="14" y=(TOP + HEIGHT - BOTTOM) / 2.0 text-anchor="middle"
                    transform=format!("rotate(-90 14 {})", (TOP + HEIGHT - BOTTOM) / 2.0)>{y_title}</text>
                {paths}
                {shapes}
            </svg>
            {legend}
        }
    }
}

/// The index of `name` in `names`, pushed if it is not there yet.
fn position_or_push(names: &mut Vec<String>, name: &str) -> usize {
    names.iter().position(|n| n == name).unwrap_or_else(|| {
        names.push(name.to_owned());
        names.len() - 1
    })
}

/// A row to draw: its x (a number, or its name's band), y and series, and its x as it reads.
struct Row {
    x: f64,
    y: f64,
    series: usize,
    x_text: String,
    /// Whether y is the sum of several rows' (a bar's).
    summed: bool,
}

impl Row {
    /// What its mark says: `x: 2, y: 4, c: a`.
    fn says(&self, options: &Plot, series: &str, y_type: Datatype) -> String {
        let y = cell_text(&PlotCell::Number(self.y), y_type);
        let mut says = format!("{}: {}, {}: {y}", options.x, self.x_text, options.y);
        if self.summed {
            says.push_str(" (sum)");
        }
        if let Some(color) = options.color.as_deref().filter(|_| !series.is_empty()) {
            says.push_str(&format!(", {color}: {series}"));
        }
        says
    }
}

/// Bars' rows of the same name and series made one, their y summed (Gradio's bars sum by
/// default), in the order each first came.
fn summed(rows: Vec<Row>) -> Vec<Row> {
    let mut slots: std::collections::HashMap<(usize, usize), usize> = std::collections::HashMap::new();
    let mut out: Vec<Row> = Vec::with_capacity(rows.len());
    for row in rows {
        match slots.entry((row.x as usize, row.series)) {
            std::collections::hash_map::Entry::Occupied(slot) => {
                let summed = &mut out[*slot.get()];
                summed.y += row.y;
                summed.summed = true;
            }
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(out.len());
                out.push(row);
            }
        }
    }
    out
}

/// The path through series `series`' dots, left to right.
fn line_through(marks: &[Shape], series: usize) -> String {
    let mut points: Vec<(f64, f64)> = marks.iter().filter(|m| m.series == series).map(|m| (m.x, m.y)).collect();
    points.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut d = String::new();
    for (i, (x, y)) in points.into_iter().enumerate() {
        d.push_str(&format!("{}{x:.1},{y:.1}", if i == 0 { "M" } else { "L" }));
    }
    d
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn data(json: serde_json::Value) -> PlotData {
        PlotData::from_json(&json).unwrap()
    }

    fn options(mark: Mark, color: Option<&str>) -> Plot {
        Plot { mark, x: "x".into(), y: "y".into(), color: color.map(str::to_owned), ..Plot::default() }
    }

    #[test]
    fn ticks_are_round() {
        assert_eq!(nice_ticks(0.3, 9.2), (0.0, 10.0, 2.0, vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0]));
        assert_eq!(nice_ticks(-2.9, 22.9).3, [-5.0, 0.0, 5.0, 10.0, 15.0, 20.0, 25.0]);
        assert_eq!(nice_ticks(5.0, 5.0).0, 2.0, "one value: a range around it");
        // Huge, tiny and impossible ranges: a handful of ticks, never millions.
        for (lo, hi) in [(0.0, 1e25), (-1e300, 1e300), (-f64::MAX, f64::MAX), (1e-20, 3e-20), (0.0, f64::INFINITY)] {
            let ticks = nice_ticks(lo, hi).3;
            assert!((2..=MAX_TICKS + 1).contains(&ticks.len()), "{lo}..{hi}: {} ticks", ticks.len());
        }
        assert_eq!(nice_ticks(0.0, 1e25).2, 2e24);
        assert_eq!(tick_label(0.25, 0.05, false), "0.25");
        assert_eq!(tick_label(20.0, 5.0, false), "20");
        assert_eq!(tick_label(1.5, 0.5, false), "1.5");
        assert_eq!((power_of_ten_below(0.33), power_of_ten_below(250.0), power_of_ten_below(1.0)), (0.1, 100.0, 1.0));
    }

    #[test]
    fn a_ninth_series_takes_the_first_colour_drawn_otherwise() {
        assert_eq!(series_class(0), "plot-c-0 plot-k-0");
        assert_eq!(series_class(8), "plot-c-0 plot-k-1");
        assert_eq!(series_class(17), "plot-c-1 plot-k-2");
        assert_eq!(series_class(24), "plot-c-0 plot-k-0");
    }

    #[test]
    fn moments_tick_at_round_times() {
        // 2024-03-01 00:00 UTC
        let march_first = 1_709_251_200_000.0;
        // Four days: a tick each midnight, where a step of 1e8 ms fell at 03:46, 07:33, …
        let (_, _, step, ticks) = time_ticks(march_first + 0.3 * DAY, march_first + 4.2 * DAY);
        assert_eq!(step, DAY);
        assert!(ticks.iter().all(|t| t % DAY == 0.0), "{ticks:?}");
        assert_eq!(tick_label(ticks[1], step, true), "2024-03-02");
        // A working day: every two hours, on the hour.
        let (_, _, step, ticks) = time_ticks(march_first + 8.5 * HOUR, march_first + 18.2 * HOUR);
        assert_eq!(step, 2.0 * HOUR);
        assert_eq!(tick_label(ticks[1], step, true), "2024-03-01 10:00");
        // A quarter of an hour: minutes. Years: round numbers of days. Under a second: ms.
        assert_eq!(time_ticks(0.0, 30.0 * 60_000.0).2, 300_000.0);
        assert_eq!(time_ticks(0.0, 3.0 * 365.0 * DAY).2, 200.0 * DAY);
        assert_eq!(time_ticks(0.0, 600.0).2, 100.0);
        assert_eq!(tick_label(march_first + 45_000.0, 15_000.0, true), "2024-03-01 00:00:45");
        assert_eq!(tick_label(march_first + 1_250.0, 250.0, true), "2024-03-01 00:00:01.250");
        // One moment: the days around it, by 12 hours; a step never under a millisecond.
        assert_eq!(time_ticks(march_first, march_first).0, march_first - DAY);
        assert_eq!(time_ticks(march_first, march_first).2, 12.0 * HOUR);
        assert_eq!(time_ticks(0.0, 2.0).2, 1.0);
        // The date where the day changes, the time on every tick.
        let evening = [20.0, 22.0, 24.0, 26.0].map(|hours| march_first + hours * HOUR);
        assert_eq!(tick_labels(&evening, 2.0 * HOUR, true), ["2024-03-01 20:00", "22:00", "2024-03-02 00:00", "02:00"]);
        assert_eq!(tick_labels(&[0.0, DAY], DAY, true), ["1970-01-01", "1970-01-02"]);
        assert_eq!(tick_labels(&[0.5, 1.0], 0.5, false), ["0.5", "1.0"]);
        for (lo, hi) in [(march_first, march_first), (-1e300, 1e300), (0.0, f64::INFINITY)] {
            let ticks = time_ticks(lo, hi).3;
            assert!((2..=MAX_TICKS + 1).contains(&ticks.len()), "{lo}..{hi}: {} ticks", ticks.len());
        }
    }

    #[test]
    fn a_line_goes_left_to_right_through_each_series() {
        let plot = data(json!({
            "columns": ["x", "y", "c"],
            "data": [[2, 4, "a"], [0, 0, "a"], [1, 10, "b"], [3, null, "a"]],
            "datatypes": {"x": "quantitative", "y": "quantitative", "c": "nominal"},
            "mark": "line",
        }));
        let chart = Chart::of(&plot, &options(Mark::Line, Some("c"))).unwrap();
        assert_eq!(chart.series, ["a", "b"]);
        assert_eq!(chart.marks.len(), 3, "a row without its y is not drawn");
        assert_eq!(chart.marks[0].says, "x: 2, y: 4, c: a");
        let (_, a) = &chart.lines[0];
        assert!(a.starts_with(&format!("M{LEFT:.1},")), "{a}: from x = 0, the left edge");
        assert_eq!(a.matches('L').count(), 1);
        assert_eq!(chart.x_ticks.first().map(|t| t.1.as_str()), Some("0.0"), "as many decimals as a step of 0.5 needs");
    }

    #[test]
    fn bars_sum_by_name_from_zero_and_stand_side_by_side() {
        let plot = data(json!({
            "columns": ["x", "y", "c"],
            "data": [["Oslo", 2, "jan"], ["Oslo", 3, "jan"], ["Oslo", -1, "jul"], ["Rome", 4, "jan"]],
            "datatypes": {"x": "nominal", "y": "quantitative", "c": "nominal"},
            "mark": "bar",
        }));
        let chart = Chart::of(&plot, &options(Mark::Bar, Some("c"))).unwrap();
        assert_eq!(chart.marks.len(), 3);
        assert_eq!(chart.marks[0].says, "x: Oslo, y: 5 (sum), c: jan");
        let ((width, _), (second, _)) = (chart.marks[0].bar.unwrap(), chart.marks[1].bar.unwrap());
        assert_eq!(width, second);
        assert!((chart.marks[1].x - (chart.marks[0].x + width)).abs() < 1e-9, "jul's bar beside jan's");
        let zero = chart.y_ticks.iter().find(|(_, label)| label == "0").unwrap().0;
        let (oslo_jul, height) = (chart.marks[1].y, chart.marks[1].bar.unwrap().1);
        assert!((oslo_jul - zero).abs() < 1e-9 && height > 0.0, "a negative bar hangs from zero");
        assert_eq!(chart.x_ticks.iter().map(|t| t.1.as_str()).collect::<Vec<_>>(), ["Oslo", "Rome"]);
    }

    #[test]
    fn moments_are_labelled_as_dates() {
        let plot = data(json!({
            "columns": ["x", "y"],
            "data": [[1_709_251_200_000_i64, 1], [1_709_596_800_000_i64, 2]],
            "datatypes": {"x": "temporal", "y": "quantitative"},
            "mark": "point",
        }));
        let chart = Chart::of(&plot, &options(Mark::Point, None)).unwrap();
        assert_eq!(chart.marks[0].says, "x: 2024-03-01 00:00, y: 1");
        assert!(chart.x_ticks.iter().all(|(_, label)| label.starts_with("2024-0")), "{:?}", chart.x_ticks);
        assert!(chart.lines.is_empty() && chart.series == [""], "one series, no legend");
        assert_eq!(
            Chart::of(
                &data(json!({"columns": [], "data": [], "datatypes": {}, "mark": "line"})),
                &options(Mark::Line, None)
            ),
            None
        );
    }
}
