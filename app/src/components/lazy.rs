//! The widgets whose code only the pages that show them download. They are grouped by what
//! goes together into nine split functions (wasm_split's, as Leptos's `#[lazy]` is), which the
//! bundle's build puts in chunks of their own (`scripts/bundle.sh`, `cargo leptos build
//! --split`: each function's `split_<name>.wasm` and the `chunk_<n>.wasm` files of the code
//! they share): a page of numbers and text never loads the chat, the media inputs or the code
//! editor.
//!
//! The kinds are listed twice, here and in `widget_kinds!`'s `lazy:`, and the compiler holds
//! the two together: a kind only here leaves its function unused (a warning, an error under
//! clippy's `-D warnings`), a kind only there has no function, a kind in neither list leaves
//! the dispatch's match without its arm.
//!
//! A lazily loaded view cannot hydrate the server's HTML while its code is on its way, so the
//! page loads the chunks of its components' widgets ([`hydrate_when_loaded`], from the list the
//! server writes into the page) before hydrating; a split function whose chunk is loaded
//! answers on its first poll, and the view is built at once, as any other. The chunks also
//! read their kinds' options, when the page reads its spec ([`read_loaded`]).

use std::{
    future::Future,
    pin::Pin,
    task::{Context, Poll, Waker},
};

use leptos::{either::Either, prelude::*, wasm_split::SplitLoaderError};

use super::{Field, Widget};
use crate::words::{tr, Text};
#[cfg(feature = "hydrate")]
use rheo_shared::components::{page_options, ComponentKind, KindName};

/// A view that a lazy function gives, once its chunk is loaded.
pub(crate) type LazyView = Pin<Box<dyn Future<Output = Result<AnyView, SplitLoaderError>>>>;

/// What `poll` gives before a lazy function's chunk has come: nothing yet.
fn poll_once<T>(future: &mut Pin<Box<dyn Future<Output = T>>>) -> Option<T> {
    match future.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(value) => Some(value),
        Poll::Pending => None,
    }
}

/// The widget `view` gives, whose code is loaded: always on the server, where nothing is
/// split, and in the page, which loads the chunks of the widgets it shows before hydrating.
/// (Waiting here instead would not do: the page's `Suspense` would show "Loading…" in its place
/// and build it anew, and hydrating would not match the server's HTML.)
pub(crate) fn shown_when_loaded(mut view: LazyView) -> impl IntoView {
    match poll_once(&mut view) {
        Some(Ok(view)) => Either::Left(view),
        Some(Err(_)) | None => Either::Right(view! { <p class="error" role="alert">{tr(Text::CodeNotLoaded)}</p> }),
    }
}

/// For each chunk: an enum of its kinds (named as the chunk), its split function (`fallible`: a
/// chunk that does not arrive is an error, not a panic) and that function's preload, then, in
/// the page, the split function that reads its kinds' options and its preload; for each kind,
/// the function the dispatch calls, named as the kind, and in [`options`] its reading. Kinds
/// that go together share a chunk: a chunk per kind made the splitter cut the code they share into a file per
/// combination of users (fifty files for the audio widget); one chunk for all media made an
/// image's page download the microphone's code (36 KB brotli), and the image input's chunk
/// with the gallery and the annotated image in it cost a webcam's page 38 KB more.
macro_rules! lazy_widgets {
    ($($chunk:ident($split:ident, $preload:ident; $read:ident, $preload_read:ident): $($kind:ident),+;)+) => {
        $(
            enum $chunk {
                $($kind(rheo_shared::components::$kind),)+
            }

            #[leptos::wasm_split::wasm_split($split, wasm_split_path = ::leptos::wasm_split, fallible, preload($preload))]
            fn $split(kind: $chunk, field: Field) -> Result<AnyView, SplitLoaderError> {
                Ok(match kind {
                    $($chunk::$kind(kind) => kind.view(field).into_any(),)+
                })
            }

            /// The options of one of this chunk's kinds, read from their JSON in the chunk.
            #[cfg(feature = "hydrate")]
            #[leptos::wasm_split::wasm_split($split, wasm_split_path = ::leptos::wasm_split, fallible, preload($preload_read))]
            fn $read(name: KindName, json: String) -> Result<Result<ComponentKind, String>, SplitLoaderError> {
                Ok(match name {
                    $(KindName::$kind => page_options::read(&json, ComponentKind::$kind),)+
                    _ => Err("not a kind of this chunk".to_owned()),
                })
            }

            $(
                #[allow(non_snake_case)]
                pub(crate) fn $kind(kind: rheo_shared::components::$kind, field: Field) -> LazyView {
                    Box::pin($split($chunk::$kind(kind), field))
                }
            )+
        )+

        /// For each kind, the reading of its options by its chunk (see [`read_loaded`]).
        #[cfg(feature = "hydrate")]
        pub(crate) mod options {
            use super::*;
            $($(
                #[allow(non_snake_case)]
                pub(crate) fn $kind(json: String) -> ReadOptions {
                    Box::pin($read(KindName::$kind, json))
                }
            )+)+
        }

        /// The chunk (its split function's name, which names its files) holding the widget of
        /// the kind named `name` (as `ComponentKind::variant_name` says it: `"Plot"`, where
        /// the API says `nativeplot`); `None` for a kind in the main module. The server
        /// preloads the chunks of a page's kinds.
        pub fn widget_chunk(name: &str) -> Option<&'static str> {
            $($(if name == stringify!($kind) {
                return Some(stringify!($split));
            })+)+
            None
        }

        /// The loading of `chunk`.
        #[cfg(feature = "hydrate")]
        fn load(chunk: &str) -> Option<Pin<Box<dyn Future<Output = Result<(), SplitLoaderError>>>>> {
            // Each split function has its own loader, which knows the chunk loaded once it has
            // loaded it itself: both are loaded, as both answer on their first poll.
            $(if chunk == stringify!($split) {
                return Some(Box::pin(async { $preload().await?; $preload_read().await }));
            })+
            None
        }
    };
}

lazy_widgets! {
    ImageKinds(image_widgets, preload_image_widgets; read_image_options, preload_image_options): Image;
    ShownImageKinds(shown_image_widgets, preload_shown_image_widgets; read_shown_image_options, preload_shown_image_options): Gallery, AnnotatedImage;
    AudioKinds(audio_widgets, preload_audio_widgets; read_audio_options, preload_audio_options): Audio;
    FileKinds(file_widgets, preload_file_widgets; read_file_options, preload_file_options): File, MultimodalTextbox;
    ChatKinds(chat_widgets, preload_chat_widgets; read_chat_options, preload_chat_options): Chatbot;
    TextKinds(text_widgets, preload_text_widgets; read_text_options, preload_text_options): Code, HighlightedText, Markdown, Json;
    PickKinds(pick_widgets, preload_pick_widgets; read_pick_options, preload_pick_options): Dropdown, Label, ColorPicker, DateTime;
    TableKinds(table_widgets, preload_table_widgets; read_table_options, preload_table_options): Dataframe, Plot;
    VideoKinds(video_widgets, preload_video_widgets; read_video_options, preload_video_options): Video;
}

/// The reading of a kind's options by its chunk, which answers on its first poll once the chunk
/// is loaded.
#[cfg(feature = "hydrate")]
pub(crate) type ReadOptions = Pin<Box<dyn Future<Output = Result<Result<ComponentKind, String>, SplitLoaderError>>>>;

/// The options `read` gives, read by a chunk the page has loaded ([`hydrate_when_loaded`] loads
/// those of all its components' kinds before the page reads its spec); a chunk not loaded is an
/// error, in words.
#[cfg(feature = "hydrate")]
pub(crate) fn read_loaded(mut read: ReadOptions) -> Result<ComponentKind, String> {
    match poll_once(&mut read) {
        Some(Ok(options)) => options,
        Some(Err(_)) | None => Err("the chunk of this kind's widget is not loaded".to_owned()),
    }
}

/// Loads the chunks of the widgets of this server-rendered page's components (the shell lists
/// them, from its spec: `crate::CHUNKS_META`), side by side, then hydrates it with `hydrate`:
/// its views take over the server's HTML at once, and its spec's options are read by their
/// chunks (`read_options`). If one does not arrive, the page stays as the server rendered it
/// (hydrating it would not match its HTML) and says so at its top.
#[cfg(feature = "hydrate")]
pub async fn hydrate_when_loaded(hydrate: impl FnOnce()) {
    rheo_shared::components::page_options::set_reader(super::read_options);
    let Some(document) = web_sys::window().and_then(|window| window.document()) else { return };
    let listed = document.query_selector(&format!("meta[name={}]", crate::CHUNKS_META)).ok().flatten();
    let chunks = listed.and_then(|meta| meta.get_attribute("content")).unwrap_or_default();
    let mut loads: Vec<_> = chunks.split_whitespace().filter_map(load).collect();
    // A first poll starts each chunk's download, so that they come side by side.
    let mut loaded = true;
    loads.retain_mut(|loading| match poll_once(loading) {
        Some(result) => {
            loaded &= result.is_ok();
            false
        }
        None => true,
    });
    for loading in loads {
        loaded &= loading.await.is_ok();
    }
    if loaded {
        hydrate();
    } else if let (Some(body), Ok(alert)) = (document.body(), document.create_element("p")) {
        alert.set_class_name("error");
        alert.set_attribute("role", "alert").ok();
        alert.set_text_content(Some(crate::words::words().get(Text::CodeNotLoaded)));
        body.prepend_with_node_1(&alert).ok();
    }
}
