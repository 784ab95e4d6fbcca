//! The wasm entry point. `cargo leptos` builds this crate to `pkg/rheo.wasm`; the page's
//! hydration script calls [`hydrate`], which attaches the UI to the server-rendered HTML.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(rheo_app::App);
}
