//! The person's choice of a light or dark page, kept in a cookie: the page's switch writes it,
//! and the server reads it to write `data-theme` on every page's `<html>` (the app's, the login
//! page, "Use via API"), so that no page shows the other theme before a script runs.

/// The cookie: `rheo-theme=dark` or `rheo-theme=light`; none follows the system.
pub const THEME_COOKIE: &str = "rheo-theme";

/// The theme chosen, from a request's `Cookie` headers: `"dark"`, `"light"`, or none (any
/// other value is none).
pub fn chosen_theme<'a>(cookie_headers: impl IntoIterator<Item = &'a str>) -> Option<&'static str> {
    let pairs = cookie_headers.into_iter().flat_map(|header| header.split(';'));
    let values = pairs.filter_map(|pair| pair.trim().strip_prefix(THEME_COOKIE)?.strip_prefix('='));
    values.into_iter().find_map(|theme| match theme {
        "dark" => Some("dark"),
        "light" => Some("light"),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_choice_is_read_among_other_cookies_and_nothing_else_counts() {
        assert_eq!(chosen_theme(["a=1; rheo-theme=dark; b=2"]), Some("dark"));
        assert_eq!(chosen_theme(["a=1", "rheo-theme=light"]), Some("light"));
        assert_eq!(chosen_theme(["rheo-theme=blue", "rheo-themes=dark"]), None);
        assert_eq!(chosen_theme([]), None);
    }
}
