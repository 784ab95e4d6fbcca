//! The wasm entry point. `cargo leptos` builds this crate to `pkg/rheo.wasm`; the page's
//! hydration script calls [`hydrate`], which attaches the UI to the server-rendered HTML.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    let root = rheo_app::page_root();
    rheo_app::keep_page_words();
    // Server functions are called under the root path too (it is set once, for the page's life).
    leptos::server_fn::client::set_server_url(Box::leak(root.clone().into_boxed_str()));
    let path = rheo_app::page_path(&root);
    // The widgets the page shows from chunks of their own come first: a view whose code is
    // still on its way could not take over the server's HTML.
    wasm_bindgen_futures::spawn_local(rheo_app::hydrate_when_loaded(move || {
        leptos::mount::hydrate_body(move || leptos::view! { <rheo_app::App root path/> });
    }));
}
