//! What the page says about a call besides its outputs, and says back: a bar with its place in
//! line or its progress, its alerts as toasts that close by themselves or with a click, and
//! the Flag buttons. Every text is
//! a text node: markup in a handler's words is shown as written.

use leptos::prelude::*;
use rheo_shared::{protocol::AlertLevel, Flagging};

use crate::{
    calls::{status::Toast, Caller},
    components::number_text,
    words::{words, Text},
};
use rheo_shared::i18n::Strings;

/// The running call's place in line, then its progress: a bar (filling when the handler says
/// how far it is, indeterminate otherwise) and the words with it.
pub(super) fn call_status(caller: Caller) -> impl IntoView {
    let words = words();
    view! {
        <div class="call-status" role="status" hidden=move || !caller.status().is_shown()>
            <progress max="1" value=move || caller.status().fraction().map(number_text)></progress>
            <span class="call-status-text">{move || caller.status().text(words)}</span>
        </div>
    }
}

/// The call's alerts, newest last, each with a close button (a handful at most: redrawn whole
/// when one comes or goes).
pub(super) fn toasts(caller: Caller) -> impl IntoView {
    let words = words();
    let toast = move |toast: Toast| {
        view! {
            <div class="toast" data-level=toast.level.name() role="status">
                <strong>{title(words, toast.level)}</strong>
                <p>{toast.message}</p>
                <button type="button" class="toast-close" aria-label=words.get(Text::Close).to_owned()
                    on:click=move |_| caller.dismiss_toast(toast.id)>"×"</button>
            </div>
        }
    };
    view! {
        <div class="toasts" aria-live="polite">
            {move || caller.toasts().into_iter().map(toast).collect_view()}
        </div>
    }
}

/// The Flag button, or one per reason the author gave ("Flag as Incorrect").
pub(super) fn flag_buttons(caller: Caller, flagging: Flagging) -> impl IntoView {
    let words = words();
    let buttons = match flagging.reasons.is_empty() {
        true => vec![(words.get(Text::Flag).to_owned(), None)],
        false => (flagging.reasons.into_iter())
            .map(|reason| (words.fill(Text::FlagAs, &[("reason", &reason)]), Some(reason)))
            .collect(),
    };
    let buttons = buttons.into_iter().map(|(text, reason)| {
        view! { <button type="button" class="secondary" on:click=move |_| caller.flag(reason.clone())>{text}</button> }
    });
    view! { <div class="buttons flag-buttons">{buttons.collect_view()}</div> }
}

fn title(words: &Strings, level: AlertLevel) -> &str {
    words.get(match level {
        AlertLevel::Info => Text::Info,
        AlertLevel::Warning => Text::Warning,
    })
}
