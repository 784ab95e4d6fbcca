//! The widgets whose code only the pages that show them download. Each is a `#[lazy]`
//! function, which the bundle's build splits into a wasm chunk of its own (`scripts/bundle.sh`,
//! `cargo leptos build --split`): a page of numbers and text never loads the chat, the media
//! inputs or the code editor.
//!
//! A lazily loaded view cannot hydrate the server's HTML while its code is on its way, so the
//! page loads the chunks of the widgets it shows ([`load_shown_widgets`], from the
//! `data-widget` of each component) before hydrating; a lazy function whose chunk is loaded
//! answers on its first poll, and the view is built at once, as any other.

use std::{
    future::Future,
    pin::Pin,
    task::{Context, Poll, Waker},
};

use leptos::{either::Either, prelude::*};
use send_wrapper::SendWrapper;

use super::{Field, Widget};

/// A view that a lazy function gives.
pub(crate) type LazyView = Pin<Box<dyn Future<Output = AnyView>>>;

/// What `poll` gives before a lazy function's chunk has come: nothing yet.
fn poll_once<T>(future: &mut Pin<Box<dyn Future<Output = T>>>) -> Option<T> {
    match future.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(value) => Some(value),
        Poll::Pending => None,
    }
}

/// `view` now if its code is loaded (always, on the server, and in the page for the widgets
/// it loaded before hydrating); else once loaded (a kind the page did not announce).
pub(crate) fn shown_when_loaded(mut view: LazyView) -> impl IntoView {
    match poll_once(&mut view) {
        Some(view) => Either::Left(view),
        None => Either::Right(Suspend::new(SendWrapper::new(view))),
    }
}

/// For each lazily loaded kind: the function the dispatch calls (named as the kind), the lazy
/// function whose chunk holds the widget's code, and that function's preload (`#[lazy]` names
/// it `__preload_` and the function's name).
macro_rules! lazy_widgets {
    ($($kind:ident: $lazy_view:ident, $preload:ident;)+) => {
        $(
            #[allow(non_snake_case)]
            pub(crate) fn $kind(kind: rheo_shared::components::$kind, field: Field) -> LazyView {
                Box::pin($lazy_view(kind, field))
            }

            #[leptos::lazy]
            fn $lazy_view(kind: rheo_shared::components::$kind, field: Field) -> AnyView {
                kind.view(field).into_any()
            }
        )+

        /// The loading of the chunk of the kind named `name` (as `ComponentKind::name` says
        /// it); `None` for a kind in the main module. (Only the browser's build has preloads.)
        #[cfg(feature = "hydrate")]
        fn load(name: &str) -> Option<Pin<Box<dyn Future<Output = ()>>>> {
            $(if name.eq_ignore_ascii_case(stringify!($kind)) {
                return Some(Box::pin($preload()));
            })+
            None
        }
    };
}

lazy_widgets! {
    Image: image_view, __preload_image_view;
    Audio: audio_view, __preload_audio_view;
    Chatbot: chatbot_view, __preload_chatbot_view;
    File: file_view, __preload_file_view;
    MultimodalTextbox: multimodal_textbox_view, __preload_multimodal_textbox_view;
    ColorPicker: color_picker_view, __preload_color_picker_view;
    DateTime: date_time_view, __preload_date_time_view;
    HighlightedText: highlighted_text_view, __preload_highlighted_text_view;
    Code: code_view, __preload_code_view;
}

/// Loads the chunks of the lazily loaded widgets this server-rendered page shows (its
/// components' `data-widget`), side by side; the page hydrates once they are in.
#[cfg(feature = "hydrate")]
pub async fn load_shown_widgets() {
    let Some(document) = web_sys::window().and_then(|window| window.document()) else { return };
    let Ok(shown) = document.query_selector_all("[data-widget]") else { return };
    let mut names: Vec<String> = (0..shown.length())
        .filter_map(|i| shown.item(i))
        .filter_map(|node| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(node).ok())
        .filter_map(|element| element.get_attribute("data-widget"))
        .collect();
    names.sort_unstable();
    names.dedup();
    let mut loads: Vec<_> = names.iter().filter_map(|name| load(name)).collect();
    // A first poll starts each chunk's download, so that they come side by side.
    loads.retain_mut(|loading| poll_once(loading).is_none());
    for loading in loads {
        loading.await;
    }
}
