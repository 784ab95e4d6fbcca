//! The page's light or dark theme: the system's preference, unless the person chose one with
//! the switch, kept in a cookie (see `rheo_shared::theme`).

use rheo_shared::theme::THEME_COOKIE;

/// Whether the page shows dark now.
pub(crate) fn is_dark() -> bool {
    let Some(window) = web_sys::window() else { return false };
    let chosen = window.document().and_then(|d| d.document_element()).and_then(|html| html.get_attribute("data-theme"));
    match chosen.as_deref() {
        Some("dark") => true,
        Some("light") => false,
        _ => window.match_media("(prefers-color-scheme: dark)").ok().flatten().is_some_and(|query| query.matches()),
    }
}

/// Shows the page dark or light, and keeps the choice for a year.
pub(crate) fn choose(dark: bool) {
    use wasm_bindgen::JsCast;
    let theme = if dark { "dark" } else { "light" };
    let Some(document) = web_sys::window().and_then(|window| window.document()) else { return };
    if let Some(html) = document.document_element() {
        let _ = html.set_attribute("data-theme", theme);
    }
    if let Ok(document) = document.dyn_into::<web_sys::HtmlDocument>() {
        let _ = document.set_cookie(&format!("{THEME_COOKIE}={theme}; path=/; max-age=31536000; SameSite=Lax"));
    }
}
