//! Reload on save, the page's side (the server's is `rheo::reload`): when the server was
//! started with reload on, the page listens to `RELOAD_ROUTE`; a new start of the server (a
//! watcher rebuilt it after a save) has a new id, and the page reloads itself, keeping what was
//! typed into its inputs for the page that follows (in `sessionStorage`, under its path).

use leptos::prelude::*;
use rheo_shared::{protocol::RELOAD_ROUTE, BlocksSpec, ComponentKind, Value};
use wasm_bindgen::{closure::Closure, JsCast};
use web_sys::{EventSource, MessageEvent};

use crate::browser::on_leave;

/// The name of the `<meta>` that carries this start of the server's id, when reload is on.
pub(crate) const RELOAD_META: &str = "rheo-reload";

/// If reload is on: puts back what the page before the reload kept, then reloads the page
/// when the server at `root` restarts, keeping the inputs' values.
pub(crate) fn follow_restarts(root: &str, spec: &BlocksSpec, values: &[RwSignal<Value>]) {
    let Some(id) = server_id() else { return };
    let kept = keepable(spec);
    let key = storage_key();
    // Once the page has settled: a value put back then is a change its events hear (a live
    // interface recomputes on it), not the value they started with.
    {
        let (key, kept, values) = (key.clone(), kept.clone(), values.to_vec());
        set_timeout(move || restore(&key, &kept, &values), std::time::Duration::ZERO);
    }
    let Ok(source) = EventSource::new(&format!("{root}{RELOAD_ROUTE}")) else { return };
    let values = values.to_vec();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        if event.data().as_string().is_some_and(|heard| heard != id) {
            let now: Vec<Option<Kept>> = (values.iter().zip(&kept))
                .map(|(value, kind)| kind.map(|kind| (kind.to_owned(), value.get_untracked())))
                .collect();
            store(&key, &now);
            let _ = web_sys::window().map(|window| window.location().reload());
        }
    });
    source.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget(); // lives as long as the page (the source is closed as it goes)
    let source = send_wrapper::SendWrapper::new(source);
    on_leave(move || source.close());
}

/// A value a reload keeps, with its component's kind (`"textbox"`): the next page takes it only
/// into a component of the same kind (the author may have changed the app).
type Kept = (String, Value);

/// Which components' values a reload keeps, by their kind's name: what a person gives (an
/// event's inputs), not a State, a button or a file (the server that stored it is gone).
fn keepable(spec: &BlocksSpec) -> Vec<Option<&'static str>> {
    let read: Vec<bool> =
        (0..spec.components.len()).map(|id| spec.events.iter().any(|event| event.inputs.contains(&id))).collect();
    let kind_kept = |kind: &ComponentKind| match kind {
        ComponentKind::Textbox(_)
        | ComponentKind::Number(_)
        | ComponentKind::Slider(_)
        | ComponentKind::Checkbox(_)
        | ComponentKind::Radio(_)
        | ComponentKind::Dropdown(_)
        | ComponentKind::MultimodalTextbox(_)
        | ComponentKind::Chatbot(_)
        | ComponentKind::Json(_)
        | ComponentKind::ColorPicker(_)
        | ComponentKind::DateTime(_)
        | ComponentKind::Code(_)
        | ComponentKind::Dataframe(_) => true,
        ComponentKind::Button(_)
        | ComponentKind::State(_)
        | ComponentKind::Image(_)
        | ComponentKind::Audio(_)
        | ComponentKind::File(_)
        | ComponentKind::Label(_)
        | ComponentKind::Markdown(_)
        | ComponentKind::HighlightedText(_)
        | ComponentKind::Gallery(_)
        | ComponentKind::AnnotatedImage(_)
        | ComponentKind::Plot(_)
        | ComponentKind::Video(_) => false,
    };
    (spec.components.iter().zip(read))
        .map(|(component, read)| (read && kind_kept(&component.kind)).then(|| component.kind.name()))
        .collect()
}

/// Puts back the values kept under `key`, each into a component that a reload keeps now
/// (`keepable`: an input) and of the kind it came from, and forgets them.
fn restore(key: &str, keepable: &[Option<&'static str>], values: &[RwSignal<Value>]) {
    let Some(storage) = session_storage() else { return };
    let Ok(Some(json)) = storage.get_item(key) else { return };
    let _ = storage.remove_item(key);
    let Ok(kept) = serde_json::from_str::<Vec<Option<Kept>>>(&json) else { return };
    for ((value, now), kept) in values.iter().zip(keepable).zip(kept) {
        if let (Some(now), Some((kind, kept))) = (now, kept) {
            if *now == kind && !has_files(&kept) {
                value.set(kept);
            }
        }
    }
}

/// A multimodal message's files, like a file input's, were stored by the server that is gone.
fn has_files(value: &Value) -> bool {
    matches!(value, Value::File(_) | Value::Files(_)) || matches!(value, Value::Multimodal(m) if !m.files.is_empty())
}

fn store(key: &str, values: &[Option<Kept>]) {
    if let (Some(storage), Ok(json)) = (session_storage(), serde_json::to_string(values)) {
        let _ = storage.set_item(key, &json);
    }
}

fn server_id() -> Option<String> {
    let document = web_sys::window()?.document()?;
    document.query_selector(&format!("meta[name={RELOAD_META}]")).ok()??.get_attribute("content")
}

fn storage_key() -> String {
    let path = web_sys::window().and_then(|window| window.location().pathname().ok()).unwrap_or_default();
    format!("rheo:reload:{path}")
}

fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok()?
}
