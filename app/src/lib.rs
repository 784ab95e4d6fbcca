//! Rheo's UI: the index of mounted apps and one generic renderer for any [`InterfaceSpec`],
//! and one for any [`BlocksSpec`]. Rendered on the server (feature `ssr`) and hydrated in the
//! browser (feature `hydrate`); the server provides the `AppSpecs` through context.
//!
//! In layers, each using only those before it: [`browser`] (devices and browser objects),
//! [`calls`] (Rheo's API, the "always last" rule), [`stream`] (webcam and microphone streams),
//! [`components`] (one widget per component), [`page`] (an interface's page).

// The component dispatch is a deep chain of `Either`s, whose async rendering inside a Blocks
// layout's containers nests past the default limit of 128 when the compiler lays it out.
#![recursion_limit = "256"]

mod browser;
mod calls;
mod components;
mod page;
mod stream;
mod text_json;
mod words;

use leptos::{
    either::{Either, EitherOf3},
    prelude::*,
};
#[cfg(feature = "ssr")]
use leptos_meta::MetaTags;
use leptos_meta::{provide_meta_context, Title};
#[cfg(any(feature = "ssr", feature = "hydrate"))]
use rheo_shared::i18n::Strings;
use rheo_shared::{BlocksSpec, InterfaceSummary};

#[cfg(feature = "hydrate")]
pub use components::hydrate_when_loaded;
pub use components::widget_chunk;
use page::BlocksView;
#[cfg(feature = "ssr")]
use words::Words;
use words::{tr, Text};

/// The specs of the mounted apps, which the server provides to the UI through context.
#[cfg(feature = "ssr")]
#[derive(Clone, Debug)]
pub struct AppSpecs(pub std::sync::Arc<Vec<BlocksSpec>>);

/// The path the request's page is served under (`""`, or `/demos` behind a proxy), which the
/// server provides to [`shell`] through context; the page passes it on to the browser in a
/// `<meta name="rheo-root">`, read back by [`page_root`].
#[cfg(feature = "ssr")]
#[derive(Clone, Debug, Default)]
pub struct SiteRoot(pub String);

/// The name of the `<meta>` that carries the root path to the browser (written by the server's
/// `shell`, read by the browser's `page_root`).
#[cfg(any(feature = "ssr", feature = "hydrate"))]
const ROOT_META: &str = "rheo-root";

/// In development (reload on save), this start of the server's id, which the shell gives the
/// page (`<meta name="rheo-reload">`) for `page::reload` to compare.
#[cfg(feature = "ssr")]
#[derive(Clone, Debug)]
pub struct ReloadId(pub String);

/// The name of the `<meta>` that lists the chunks of the widgets of the page's components
/// (their split functions' names, space-separated), which the page loads before it hydrates.
#[cfg(any(feature = "ssr", feature = "hydrate"))]
const CHUNKS_META: &str = "rheo-chunks";

/// The name of the `<meta>` that carries the page's language table (JSON) to the browser.
#[cfg(any(feature = "ssr", feature = "hydrate"))]
const WORDS_META: &str = "rheo-words";

/// Keeps the language table the server chose for this page (its `<meta>`), read in the
/// browser before hydrating; English when there is none (the server sends none for English).
#[cfg(feature = "hydrate")]
pub fn keep_page_words() {
    let meta = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.query_selector(&format!("meta[name={WORDS_META}]")).ok().flatten());
    let table = meta.and_then(|meta| meta.get_attribute("content"));
    words::keep_for_page(table.and_then(|json| serde_json::from_str(&json).ok()).unwrap_or_else(Strings::english));
}

/// The root path the server rendered this page under, read in the browser before hydrating.
#[cfg(feature = "hydrate")]
pub fn page_root() -> String {
    let meta = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.query_selector(&format!("meta[name={ROOT_META}]")).ok().flatten());
    meta.and_then(|meta| meta.get_attribute("content")).unwrap_or_default()
}

/// The path of this page under `root` (`/calculator` at `/demos/calculator`), read in the
/// browser before hydrating, as the server read it from the request (its root stripped).
#[cfg(feature = "hydrate")]
pub fn page_path(root: &str) -> String {
    let path = web_sys::window().and_then(|window| window.location().pathname().ok()).unwrap_or_default();
    path.strip_prefix(root).unwrap_or(&path).to_owned()
}

#[cfg(feature = "ssr")]
fn app_specs() -> Result<AppSpecs, ServerFnError> {
    use_context::<AppSpecs>().ok_or_else(|| ServerFnError::new("the server provided no app specs"))
}

/// Server functions have fixed addresses (not the default hash of the source path), so a
/// prebuilt bundle works with a server built anywhere.
/// The index's list: each interface's name, title, and description as plain text.
#[server(prefix = "/api", endpoint = "interfaces", output = text_json::TextJson)]
pub async fn list_interfaces() -> Result<Vec<InterfaceSummary>, ServerFnError> {
    let AppSpecs(specs) = app_specs()?;
    let summary = |spec: &BlocksSpec| {
        let summary = spec.summary();
        InterfaceSummary { description: components::to_plain_text(&summary.description), ..summary }
    };
    Ok(specs.iter().map(summary).collect())
}

/// The language chosen for this request: the best of the server's `Languages` (in context)
/// for the browser's `Accept-Language`.
#[cfg(feature = "ssr")]
fn chosen_strings() -> &'static Strings {
    let accept = use_context::<http::request::Parts>().and_then(|parts| {
        parts.headers.get(http::header::ACCEPT_LANGUAGE).and_then(|value| value.to_str().ok()).map(str::to_owned)
    });
    match use_context::<rheo_shared::i18n::Languages>() {
        Some(languages) => languages.choose(accept.as_deref()),
        None => words::english(),
    }
}

/// What an app's page is drawn from: its spec, and its description and article as HTML made
/// safe on the server (the bundle carries no Markdown parser: see `components::markdown`).
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct PageSpec {
    pub spec: BlocksSpec,
    pub description_html: String,
    pub article_html: String,
}

#[server(prefix = "/api", endpoint = "interface", output = text_json::TextJson)]
pub async fn get_interface(name: String) -> Result<Option<PageSpec>, ServerFnError> {
    use components::{to_safe_html, RawHtml};

    let AppSpecs(specs) = app_specs()?;
    let Some(mut spec) = specs.iter().find(|s| s.name == name).cloned() else {
        set_not_found_status();
        return Ok(None);
    };
    spec.translate(chosen_strings());
    let raw_html = if spec.html_in_text { RawHtml::Kept } else { RawHtml::AsText };
    let description_html = to_safe_html(&spec.description, raw_html);
    let article_html = to_safe_html(&spec.article, raw_html);
    Ok(Some(PageSpec { spec, description_html, article_html }))
}

#[cfg(feature = "ssr")]
fn set_not_found_status() {
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
}

/// Where the page finds the UI bundle's files: the compiled UI (`js` and its `wasm`, the
/// widgets' chunks) and the stylesheet. Embedded bundles are under content-hashed names;
/// `cargo leptos watch` serves `rheo.js`, `rheo.wasm` and `rheo.css` from disk.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Assets {
    /// The JS glue, an ES module exporting `default` (init) and `hydrate`.
    pub js: String,
    /// The WebAssembly module the glue loads.
    pub wasm: String,
    /// The stylesheet.
    pub css: String,
    /// The other modules the glue imports (the chunks' loader), preloaded with it.
    pub js_imports: Vec<String>,
    /// The wasm files of each chunk of widgets (by the name [`widget_chunk`] gives), which a
    /// page showing one of its widgets preloads.
    pub chunks: std::collections::BTreeMap<String, Vec<String>>,
}

/// The HTML document around the app, rendered on the server. It loads the bundle itself
/// (as Leptos's `HydrationScripts` does, but from the `assets` given, under the root path),
/// in a script that carries the page's nonce, the one inline script its CSP allows.
#[cfg(feature = "ssr")]
pub fn shell(options: LeptosOptions, assets: Assets) -> impl IntoView {
    let root = use_context::<SiteRoot>().unwrap_or_default().0;
    let chunks = page_chunks();
    let preloads = chunk_preloads(&root, &assets, &chunks);
    let imports = assets.js_imports.iter().map(|path| format!("{root}{path}")).collect::<Vec<_>>();
    let [js, wasm, css] = [assets.js, assets.wasm, assets.css].map(|path| format!("{root}{path}"));
    let hydrate =
        format!("import('{js}').then(ui => ui.default({{ module_or_path: '{wasm}' }}).then(() => ui.hydrate()));");
    view! {
        <!DOCTYPE html>
        <html lang=chosen_strings().lang.clone() data-theme=chosen_theme()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                // An inline icon: one request fewer than a /favicon.ico.
                <link rel="icon" href="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Ccircle cx='8' cy='8' r='7' fill='%23e8590c'/%3E%3C/svg%3E"/>
                <link rel="stylesheet" href=css/>
                <AutoReload options/>
                <link rel="modulepreload" href=js.clone()/>
                <link rel="preload" href=wasm r#as="fetch" r#type="application/wasm" crossorigin=""/>
                {imports.into_iter().map(|href| view! { <link rel="modulepreload" href=href/> }).collect_view()}
                {preloads}
                <meta name=CHUNKS_META content=chunks.join(" ")/>
                <meta name=ROOT_META content=root.clone()/>
                {page_words_meta()}
                {use_context::<ReloadId>().map(|ReloadId(id)| view! { <meta name=page::RELOAD_META content=id/> })}
                <script type="module" nonce=leptos::nonce::use_nonce()>{hydrate}</script>
                <MetaTags/>
            </head>
            <body>
                <App root path=request_path()/>
            </body>
        </html>
    }
}

/// The chunks of the widgets of this request's page's components, each once: those it shows,
/// and any it does not (an API-only component), whose options the page reads all the same.
#[cfg(feature = "ssr")]
fn page_chunks() -> Vec<&'static str> {
    let Page::Interface(name) = Page::at(&request_path()) else { return Vec::new() };
    let Some(AppSpecs(specs)) = use_context::<AppSpecs>() else { return Vec::new() };
    let Some(spec) = specs.iter().find(|spec| spec.name == name) else { return Vec::new() };
    let mut chunks: Vec<&str> = spec.components.iter().filter_map(|c| widget_chunk(c.kind.variant_name())).collect();
    chunks.sort_unstable();
    chunks.dedup();
    chunks
}

/// Preloads of the wasm files of the page's `chunks`, so that they download beside the main
/// module rather than after it.
#[cfg(feature = "ssr")]
fn chunk_preloads(root: &str, assets: &Assets, chunks: &[&str]) -> impl IntoView {
    // Chunks share files: each file once.
    let urls: std::collections::BTreeSet<&String> =
        chunks.iter().filter_map(|chunk| assets.chunks.get(*chunk)).flatten().collect();
    urls.into_iter()
        .map(|url| {
            let href = format!("{root}{url}");
            view! { <link rel="preload" href=href r#as="fetch" r#type="application/wasm" crossorigin=""/> }
        })
        .collect_view()
}

/// The page's language table for the browser, unless it is the English the page has built in.
#[cfg(feature = "ssr")]
fn page_words_meta() -> Option<impl IntoView> {
    let chosen = chosen_strings();
    let json = (!chosen.is_built_in_english()).then(|| serde_json::to_string(chosen).ok()).flatten()?;
    Some(view! { <meta name=WORDS_META content=json/> })
}

/// The theme the person chose with the switch, from its cookie; none: the system's.
#[cfg(feature = "ssr")]
fn chosen_theme() -> Option<&'static str> {
    let parts = use_context::<http::request::Parts>()?;
    let cookies = parts.headers.get_all(http::header::COOKIE);
    rheo_shared::theme::chosen_theme(cookies.iter().filter_map(|header| header.to_str().ok()))
}

/// The path of the request being rendered, its root path stripped (by the server's guard).
#[cfg(feature = "ssr")]
fn request_path() -> String {
    use_context::<http::request::Parts>().map_or_else(|| "/".into(), |parts| parts.uri.path().to_owned())
}

/// What a path under the root shows. Every page comes from the server (a link loads the next
/// one), so the app needs no router: Leptos's would also wrap each route's view in an
/// `AnyView`, which compiles the async hydration of every view into the bundle (54 KB of
/// the 361 KB brotli it weighed with one).
#[derive(Debug, PartialEq, Eq)]
enum Page {
    Index,
    Interface(String),
    Missing,
}

impl Page {
    /// `/` is the index and `/<name>` an interface, each with or without a trailing `/`.
    fn at(path: &str) -> Page {
        let path = path.strip_suffix('/').unwrap_or(path);
        match path.strip_prefix('/') {
            None if path.is_empty() => Page::Index,
            Some(name) if !name.is_empty() && !name.contains('/') => Page::Interface(name.to_owned()),
            _ => Page::Missing,
        }
    }
}

/// The app, served under `root` (`""`, or a path like `/demos`), showing the page at `path`
/// (under the root).
#[component]
pub fn App(root: String, path: String) -> impl IntoView {
    provide_meta_context();
    #[cfg(feature = "ssr")]
    provide_context(Words(chosen_strings()));
    let page = match Page::at(&path) {
        Page::Index => EitherOf3::A(view! { <Index root/> }),
        Page::Interface(name) => EitherOf3::B(view! { <InterfacePage root name/> }),
        Page::Missing => EitherOf3::C(view! { <NotFound root/> }),
    };
    view! { <ThemeSwitch/> <main>{page}</main> }
}

/// The light and dark switch, on every page: pressed while the page is dark.
#[component]
fn ThemeSwitch() -> impl IntoView {
    let dark = RwSignal::new(false);
    // Known once in the browser: the server's page cannot tell the system's preference.
    Effect::new(move |_| dark.set(browser::theme::is_dark()));
    let switch = move |_| {
        let now = !dark.get_untracked();
        browser::theme::choose(now);
        dark.set(now);
    };
    view! {
        <button type="button" class="theme-switch" aria-pressed=move || dark.get().to_string() on:click=switch>
            {tr(Text::DarkTheme)}
        </button>
    }
}

/// `/`: every mounted interface with its title and description.
#[component]
fn Index(root: String) -> impl IntoView {
    let interfaces = Resource::new_blocking(|| (), fetched_on_server(|_| list_interfaces()));
    view! {
        <Title text=tr(Text::DemosTitle)/>
        <h1>{tr(Text::DemosTitle)}</h1>
        <Suspense fallback=loading>
            {move || {
                let root = root.clone();
                Suspend::new(async move {
                match interfaces.await {
                    Ok(list) => Either::Left(view! {
                        <ul class="index">
                            {list.into_iter().map(|i| view! {
                                <li>
                                    <a href=format!("{root}/{}", i.name)>{i.title}</a>
                                    <p>{i.description}</p>
                                </li>
                            }).collect_view()}
                        </ul>
                    }),
                    Err(e) => Either::Right(view! { <LoadError error=e.to_string()/> }),
                }
            })}}
        </Suspense>
    }
}

/// `/<name>`: one app, an interface or a Blocks app, rendered from its spec.
#[component]
fn InterfacePage(root: String, name: String) -> impl IntoView {
    let page = Resource::new_blocking(move || name.clone(), fetched_on_server(get_interface));
    view! {
        <Suspense fallback=loading>
            {move || {
                let root = root.clone();
                Suspend::new(async move {
                    match page.await {
                        Ok(Some(mut page)) => {
                            // As JSON, values lose what only their components tell (a list of files).
                            page.spec.settle_values();
                            EitherOf3::A(view! { <BlocksView page root/> })
                        }
                        Ok(None) => EitherOf3::B(view! { <NotFound root/> }),
                        Err(e) => EitherOf3::C(view! { <LoadError error=e.to_string()/> }),
                    }
                })
            }}
        </Suspense>
    }
}

/// A page resource's fetcher: `fetch`, on the server. The page hydrates from what the server
/// wrote into it, and never fetches again (each page is loaded whole, and its resource's
/// source never changes), so in the browser it is never called: there it is a future that
/// never ends, and the main module carries no server functions' client (6 KB brotli).
#[cfg(feature = "ssr")]
fn fetched_on_server<S, F: std::future::Future>(fetch: impl Fn(S) -> F) -> impl Fn(S) -> F {
    fetch
}

#[cfg(not(feature = "ssr"))]
fn fetched_on_server<S, F: std::future::Future>(
    _fetch: impl Fn(S) -> F,
) -> impl Fn(S) -> std::future::Pending<F::Output> {
    |_| std::future::pending()
}

#[component]
fn NotFound(root: String) -> impl IntoView {
    #[cfg(feature = "ssr")]
    set_not_found_status();
    view! {
        <Title text=tr(Text::NotFound)/>
        <h1>{tr(Text::NotFound)}</h1>
        <p>{tr(Text::NoDemoHere)} " " <a href=format!("{root}/")>{tr(Text::SeeAllDemos)}</a></p>
    }
}

fn loading() -> impl IntoView {
    view! { <p>{tr(Text::Loading)}</p> }
}

/// `text` as a `<Title>` takes it: leptos_meta writes the server's `<title>` unescaped, so an
/// author's title holding `</title><img onerror=…>` would end it and add markup; the browser
/// sets `document.title` as text, which needs no escaping.
fn title_text(text: &str) -> String {
    if cfg!(feature = "ssr") {
        text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
    } else {
        text.to_owned()
    }
}

#[component]
fn LoadError(error: String) -> impl IntoView {
    view! { <p class="error" role="alert">{words::words().fill(Text::LoadError, &[("error", &error)])}</p> }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_names_the_index_an_interface_or_nothing() {
        assert_eq!(Page::at("/"), Page::Index);
        assert_eq!(Page::at(""), Page::Index);
        assert_eq!(Page::at("/calculator"), Page::Interface("calculator".into()));
        assert_eq!(Page::at("/calculator/"), Page::Interface("calculator".into()));
        for missing in ["//", "/calculator/api", "/a/b/", "calculator"] {
            assert_eq!(Page::at(missing), Page::Missing, "{missing}");
        }
    }
}
