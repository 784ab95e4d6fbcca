//! [`BrowserValue`]: a browser object (a microphone, a socket, a player) held by a component.

use leptos::prelude::*;
use send_wrapper::SendWrapper;

/// A value that only ever exists in the browser, held as long as the component that made it.
/// On the server it stays empty, whatever is put in: Leptos's `LocalStorage` panics when a
/// view rendered on one thread is dropped on another, which a multi-threaded server does (the
/// response then dies); an empty `BrowserValue` may be dropped anywhere.
pub(crate) struct BrowserValue<T: 'static>(StoredValue<Option<SendWrapper<T>>>);

impl<T: 'static> Clone for BrowserValue<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: 'static> Copy for BrowserValue<T> {}

impl<T: 'static> BrowserValue<T> {
    pub(crate) fn new() -> Self {
        BrowserValue(StoredValue::new(None))
    }

    /// Holds `value` (in the browser; on the server it is dropped at once).
    pub(crate) fn set(self, value: T) {
        if cfg!(feature = "hydrate") {
            self.0.try_set_value(Some(SendWrapper::new(value)));
        }
    }

    /// Takes the value out, if one is held.
    pub(crate) fn take(self) -> Option<T> {
        self.0.try_update_value(Option::take).flatten().map(SendWrapper::take)
    }

    /// Runs `f` on the value, if one is held.
    pub(crate) fn with<R>(self, f: impl FnOnce(&mut T) -> R) -> Option<R> {
        self.0.try_update_value(|held| held.as_mut().map(|value| f(value))).flatten()
    }

    /// Runs `f` on the value, made first with `make` if none is held (in the browser).
    pub(crate) fn with_or_insert<R>(self, make: impl FnOnce() -> T, f: impl FnOnce(&mut T) -> R) -> Option<R> {
        if self.with(|_| ()).is_none() {
            self.set(make());
        }
        self.with(f)
    }
}
