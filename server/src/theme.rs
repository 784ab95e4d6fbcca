//! [`Theme`]: the author's look for every page of the server (Gradio's `theme=` and `css=`):
//! a built-in theme, a primary colour, a font, corner radius and spacing, and CSS of their own.
//!
//! A theme is served as CSS, never inline: at start, the server appends the theme's rules (and
//! the author's CSS file) to the UI bundle's stylesheet, which every page links (the app's, the
//! login page, "Use via API"), under a new content-hashed name. The page's CSP stays as strict,
//! no page makes one more request, and a server with no theme serves the bundle as built.
//!
//! A primary colour is given once; the theme derives what the stylesheet needs from it: the
//! accent of the light scheme, darkened until it has 4.5:1 contrast on white (WCAG AA), and of
//! the dark scheme, lightened until it has as much on the dark background; the text on it, and
//! the soft backgrounds and lines that mix it into each scheme's background.

use std::{fmt::Write as _, path::PathBuf};

use crate::Color;

/// The themes Rheo ships: each a primary colour, and a radius and a font of its own.
const BUILT_IN: [(&str, BuiltIn); 4] = [
    ("default", BuiltIn { primary: Color::rgb(0xc2, 0x41, 0x0c), radius: 8.0, font: None }),
    ("ocean", BuiltIn { primary: Color::rgb(0x25, 0x63, 0xeb), radius: 12.0, font: None }),
    (
        "forest",
        BuiltIn {
            primary: Color::rgb(0x15, 0x80, 0x3d),
            radius: 4.0,
            font: Some("Georgia, \"Times New Roman\", serif"),
        },
    ),
    (
        "mono",
        BuiltIn { primary: Color::rgb(0x37, 0x41, 0x51), radius: 0.0, font: Some("ui-monospace, Menlo, monospace") },
    ),
];

/// The light scheme's background and the dark one's (`--bg` in the stylesheet).
const LIGHT_BACKGROUND: Color = Color::rgb(0xff, 0xff, 0xff);
const DARK_BACKGROUND: Color = Color::rgb(0x0d, 0x11, 0x17);
/// WCAG AA for text: the accent is the colour of links and of primary buttons.
const AA_CONTRAST: f64 = 4.5;
const MAX_RADIUS: f64 = 32.0;
const SPACING: std::ops::RangeInclusive<f64> = 0.5..=2.0;
/// The most bytes of an author's CSS file.
const MAX_CSS_BYTES: u64 = 1 << 20;

#[derive(Clone, Copy)]
struct BuiltIn {
    primary: Color,
    radius: f64,
    font: Option<&'static str>,
}

/// The look of every page the server serves.
///
/// ```
/// use rheo::{Registry, Theme};
///
/// let registry = Registry::new().theme(
///     Theme::named("ocean")          // default, ocean, forest or mono
///         .primary("#0f766e")         // buttons, links, sliders: made readable in light and dark
///         .font("Georgia, serif")
///         .radius(6.0)                // corners, in pixels (0 to 32)
///         .spacing(1.25)              // the layout's gaps, scaled (0.5 to 2)
///         .css_file("demo.css"),      // CSS of your own, read at start, served as a file
/// );
/// ```
///
/// Each setting left out is the built-in theme's. A mistake (an unknown theme, a colour that is
/// not `#rgb` or `#rrggbb`, a font list with other than names, a missing CSS file) stops the
/// server at start with a message that says which.
#[derive(Clone, Debug, Default)]
pub struct Theme {
    name: Option<String>,
    primary: Option<String>,
    font: Option<String>,
    radius: Option<f64>,
    spacing: Option<f64>,
    css_file: Option<PathBuf>,
}

impl Theme {
    /// Rheo's own theme, to change.
    pub fn new() -> Self {
        Theme::default()
    }

    /// A built-in theme: `default`, `ocean`, `forest` or `mono`.
    pub fn named(name: impl Into<String>) -> Self {
        Theme { name: Some(name.into()), ..Theme::default() }
    }

    /// The same settings over built-in theme `name` (`RHEO_THEME`).
    pub(crate) fn with_name(self, name: impl Into<String>) -> Self {
        Theme { name: Some(name.into()), ..self }
    }

    /// The primary colour, `#rgb` or `#rrggbb`.
    pub fn primary(mut self, colour: impl Into<String>) -> Self {
        self.primary = Some(colour.into());
        self
    }

    /// The font, as a CSS `font-family` list (`"Inter", system-ui, sans-serif`).
    pub fn font(mut self, family: impl Into<String>) -> Self {
        self.font = Some(family.into());
        self
    }

    /// The corners' radius, in pixels (0 to 32).
    pub fn radius(mut self, pixels: f64) -> Self {
        self.radius = Some(pixels);
        self
    }

    /// The layout's gaps, scaled (0.5 to 2; 1 as built).
    pub fn spacing(mut self, scale: f64) -> Self {
        self.spacing = Some(scale);
        self
    }

    /// A CSS file of the author's, served after the theme's rules (read once, at start; at most
    /// 1 MiB).
    pub fn css_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.css_file = Some(path.into());
        self
    }

    /// The CSS the theme adds to the bundle's stylesheet, or what is wrong with it, in words.
    pub(crate) fn css(&self) -> Result<String, String> {
        let name = self.name.as_deref().unwrap_or("default");
        let built_in = BUILT_IN.iter().find(|(known, _)| *known == name).map(|(_, theme)| *theme).ok_or_else(|| {
            let names: Vec<&str> = BUILT_IN.iter().map(|(known, _)| *known).collect();
            format!("there is no theme named {name:?}: the themes are {}", names.join(", "))
        })?;
        let primary = match &self.primary {
            Some(colour) => parse_colour(colour)?,
            None => built_in.primary,
        };
        let font = match (&self.font, built_in.font) {
            (Some(font), _) => Some(check_font(font)?),
            (None, font) => font,
        };
        let radius = self.radius.unwrap_or(built_in.radius);
        if !(radius.is_finite() && (0.0..=MAX_RADIUS).contains(&radius)) {
            return Err(format!("a theme's radius is 0 to {MAX_RADIUS} pixels, not {radius}"));
        }
        let spacing = self.spacing.unwrap_or(1.0);
        if !(spacing.is_finite() && SPACING.contains(&spacing)) {
            return Err(format!("a theme's spacing is {} to {}, not {spacing}", SPACING.start(), SPACING.end()));
        }
        let mut css = format!("\n/* The theme: {name} */\n:root {{\n");
        let light = readable_on(primary, LIGHT_BACKGROUND);
        let dark = readable_on(primary, DARK_BACKGROUND);
        let pair = |property: &str, light: Color, dark: Color| format!("  {property}: light-dark({light}, {dark});\n");
        css += &pair("--accent", light, dark);
        css += &pair("--on-accent", text_on(light), text_on(dark));
        css += &pair("--accent-soft", mix(light, LIGHT_BACKGROUND, 0.1), mix(dark, DARK_BACKGROUND, 0.2));
        css += &pair("--accent-line", mix(light, LIGHT_BACKGROUND, 0.35), mix(dark, DARK_BACKGROUND, 0.5));
        let _ = writeln!(css, "  --radius: {radius}px;\n  --space: {spacing};");
        if let Some(font) = font {
            let _ = writeln!(css, "  font-family: {font};");
        }
        css += "}\n";
        if let Some(path) = &self.css_file {
            css += "\n/* The author's own CSS */\n";
            css += &read_css(path)?;
        }
        Ok(css)
    }
}

/// `#rgb` or `#rrggbb`, any case.
fn parse_colour(colour: &str) -> Result<Color, String> {
    colour.trim().parse().map_err(|_| format!("the theme's colour {colour:?} is not #rgb or #rrggbb"))
}

/// A `font-family` list of names only (letters, digits, spaces, hyphens, quotes, commas), so
/// that it cannot end the rule it is written in.
fn check_font(font: &str) -> Result<&str, String> {
    let allowed = |c: char| c.is_alphanumeric() || " ,-_\"'".contains(c);
    match !font.trim().is_empty() && font.len() <= 200 && font.chars().all(allowed) {
        true => Ok(font.trim()),
        false => Err(format!(
            "the theme's font {font:?} is not a list of font names (letters, digits, spaces, quotes, commas)"
        )),
    }
}

fn read_css(path: &std::path::Path) -> Result<String, String> {
    let unreadable = |e: std::io::Error| format!("the theme's CSS file {} cannot be read: {e}", path.display());
    let size = std::fs::metadata(path).map_err(unreadable)?.len();
    if size > MAX_CSS_BYTES {
        return Err(format!("the theme's CSS file {} is {size} bytes: at most {MAX_CSS_BYTES}", path.display()));
    }
    std::fs::read_to_string(path).map_err(unreadable)
}

/// `colour` mixed with `other`, `share` of it `colour`'s.
fn mix(colour: Color, other: Color, share: f64) -> Color {
    let channel = |a: u8, b: u8| (share * f64::from(a) + (1.0 - share) * f64::from(b)).round() as u8;
    Color::rgb(channel(colour.r, other.r), channel(colour.g, other.g), channel(colour.b, other.b))
}

/// `colour`, moved step by step toward black on a light background (toward white on a dark
/// one) until it reads on `background` at AA contrast.
fn readable_on(colour: Color, background: Color) -> Color {
    let away = if background.luminance() > 0.5 { Color::rgb(0, 0, 0) } else { Color::rgb(0xff, 0xff, 0xff) };
    (0..=20)
        .map(|step| mix(colour, away, 1.0 - f64::from(step) * 0.05))
        .find(|candidate| candidate.contrast(background) >= AA_CONTRAST)
        .unwrap_or(away)
}

/// White or near-black, whichever reads better on `colour`.
fn text_on(colour: Color) -> Color {
    let (white, ink) = (Color::rgb(0xff, 0xff, 0xff), Color::rgb(0x1a, 0x12, 0x06));
    if white.contrast(colour) >= ink.contrast(colour) {
        white
    } else {
        ink
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_primary_colour_becomes_readable_accents_in_both_schemes() {
        for colour in ["#ffeb3b", "#2563eb", "#000", "#FFFFFF", "#c2410c"] {
            let primary = parse_colour(colour).unwrap();
            let (light, dark) = (readable_on(primary, LIGHT_BACKGROUND), readable_on(primary, DARK_BACKGROUND));
            assert!(light.contrast(LIGHT_BACKGROUND) >= AA_CONTRAST, "{colour} on white: {light}");
            assert!(dark.contrast(DARK_BACKGROUND) >= AA_CONTRAST, "{colour} on the dark background: {dark}");
            assert!(text_on(light).contrast(light) >= AA_CONTRAST, "text on {light}");
        }
        assert_eq!(
            readable_on(Color::rgb(0x25, 0x63, 0xeb), LIGHT_BACKGROUND),
            Color::rgb(0x25, 0x63, 0xeb),
            "readable already: kept"
        );
    }

    #[test]
    fn a_theme_is_css_variables_and_the_authors_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("demo.css");
        std::fs::write(&file, "h1 { letter-spacing: 0.1em; }\n").unwrap();
        let css = Theme::named("forest").primary("#0F766E").radius(3.0).spacing(1.5).css_file(&file).css().unwrap();
        assert!(css.contains("--accent: light-dark(#0f766e, "), "{css}");
        assert!(css.contains("--radius: 3px;\n  --space: 1.5;\n  font-family: Georgia"), "{css}");
        assert!(css.ends_with("h1 { letter-spacing: 0.1em; }\n"), "{css}");
    }

    #[test]
    fn each_mistake_is_said_in_words() {
        let wrong = |theme: Theme| theme.css().unwrap_err();
        assert_eq!(
            wrong(Theme::named("neon")),
            r#"there is no theme named "neon": the themes are default, ocean, forest, mono"#
        );
        assert_eq!(wrong(Theme::new().primary("blue")), r#"the theme's colour "blue" is not #rgb or #rrggbb"#);
        assert_eq!(wrong(Theme::new().primary("#12345")), r##"the theme's colour "#12345" is not #rgb or #rrggbb"##);
        assert!(wrong(Theme::new().font("x; } body { display: none")).starts_with("the theme's font"));
        assert_eq!(wrong(Theme::new().radius(40.0)), "a theme's radius is 0 to 32 pixels, not 40");
        assert_eq!(wrong(Theme::new().spacing(f64::NAN)), "a theme's spacing is 0.5 to 2, not NaN");
        let missing = wrong(Theme::new().css_file("/no/such/theme.css"));
        assert!(missing.starts_with("the theme's CSS file /no/such/theme.css cannot be read: "), "{missing}");
    }
}
