//! The page's language: the table of Rheo's UI texts the server chose for the browser
//! (`rheo_shared::i18n`), read by every widget through [`words`] and [`tr`].
//!
//! On the server each request's table is in the page's context. In the browser a page has one
//! language for its life, which also reaches code that runs outside any component (an event
//! handler, a device failing to start), so it is kept for the page ([`keep_for_page`]).

use std::sync::OnceLock;

use leptos::prelude::*;
use rheo_shared::i18n::Strings;
pub(crate) use rheo_shared::i18n::{english, Text};

/// The request's table, in context on the server. `&'static`, so that it is `Copy` into every
/// closure: the server's tables live as long as it does.
#[derive(Clone, Copy)]
pub(crate) struct Words(pub(crate) &'static Strings);

/// The browser page's table, once the server sent it.
static PAGE: OnceLock<Strings> = OnceLock::new();

/// The page's texts: the request's table, the browser page's, or English before either.
pub(crate) fn words() -> &'static Strings {
    use_context::<Words>().map(|Words(strings)| strings).or_else(|| PAGE.get()).unwrap_or_else(english)
}

/// `text` in the page's language.
pub(crate) fn tr(text: Text) -> String {
    words().get(text).to_owned()
}

/// Keeps `strings` as the browser page's language (the first kept stays: a page has one).
#[cfg(feature = "hydrate")]
pub(crate) fn keep_for_page(strings: Strings) -> &'static Strings {
    PAGE.get_or_init(|| strings)
}
