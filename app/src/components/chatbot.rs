//! Chatbot's widget: the conversation, each message rendered as safe Markdown, a step of the
//! assistant's folded under its title.
//!
//! A streamed reply grows by a token at a time; rendering it whole on every token would cost
//! O(n²). A message is cut into Markdown blocks at blank lines outside code fences: a block
//! that is followed by one is finished, rendered once (by the server's renderer, as Markdown
//! outputs are) into an element of its own, while the unfinished last block shows as plain
//! text until the message has been still for [`SETTLE`]; then it is rendered too.

use std::{cell::Cell, rc::Rc, time::Duration};

use leptos::{html, prelude::*, task::spawn_local};
use rheo_shared::{
    components::{is_web_address, Chatbot},
    Value,
};
use serde_json::Value as JsonValue;
use wasm_bindgen::JsCast;
use web_sys::Element;

use super::{markdown::safe_html, Field, Widget};
use crate::{
    browser::{copy_to_clipboard, BrowserValue},
    words::{tr, words, Text},
};

/// How long a message's last block must stay unchanged before it is rendered as Markdown.
const SETTLE: Duration = Duration::from_millis(300);
/// How near its end, in pixels, the conversation counts as followed.
const FOLLOWING_SLACK: i32 = 40;

/// A message as the widget shows it.
#[derive(Clone, Debug, Default, PartialEq)]
struct Shown {
    role: String,
    text: String,
    /// A step's title, log and whether it is still working.
    step: Option<(String, String, bool)>,
    files: Vec<ShownFile>,
}

/// A file in a message: where it is, its type and name, and what it shows.
#[derive(Clone, Debug, Default, PartialEq)]
struct ShownFile {
    url: String,
    mime_type: String,
    name: String,
    alt_text: String,
}

impl ShownFile {
    /// A file part's file, if its URL is one the page may show.
    fn read(part: &JsonValue) -> Option<ShownFile> {
        let file = part.get("file")?;
        let text = |object: &JsonValue, key| object.get(key).and_then(JsonValue::as_str).map(str::to_owned);
        let url = text(file, "url").filter(|url| is_web_address(url))?;
        let name = text(file, "orig_name").unwrap_or_else(|| "file".into());
        let alt_text = text(part, "alt_text").unwrap_or_else(|| name.clone());
        Some(ShownFile { url, mime_type: text(file, "mime_type").unwrap_or_default(), name, alt_text })
    }

    /// An image, a player or a download link.
    fn element(&self, document: &web_sys::Document) -> Option<Element> {
        let family = self.mime_type.split('/').next().unwrap_or_default();
        let (tag, source) = match family {
            "image" => ("img", "src"),
            "audio" | "video" => (family, "src"),
            _ => ("a", "href"),
        };
        let element = document.create_element(tag).ok()?;
        let _ = element.set_attribute(source, &self.url);
        let _ = match tag {
            "img" => element.set_attribute("alt", &self.alt_text),
            "a" => {
                element.set_text_content(Some(&self.name));
                element.set_attribute("download", &self.name)
            }
            _ => element.set_attribute("controls", "").and(element.set_attribute("aria-label", &self.alt_text)),
        };
        Some(element)
    }
}

impl Shown {
    /// Message `index` of a conversation, if it has that many.
    fn read(conversation: &Value, index: usize) -> Option<Shown> {
        let Value::Json(JsonValue::Array(messages)) = conversation else { return None };
        let message = messages.get(index)?;
        let (text, files) = match message.get("content") {
            Some(JsonValue::String(text)) => (text.clone(), Vec::new()),
            Some(JsonValue::Array(parts)) => (
                parts.iter().filter_map(|part| part.get("text").and_then(JsonValue::as_str)).collect(),
                parts
                    .iter()
                    .filter(|part| part.get("type") == Some(&"file".into()))
                    .filter_map(ShownFile::read)
                    .collect(),
            ),
            _ => Default::default(),
        };
        let field =
            |object: &JsonValue, key| object.get(key).and_then(JsonValue::as_str).unwrap_or_default().to_owned();
        let step = message.get("metadata").filter(|m| m.get("title").is_some()).map(|metadata| {
            let pending = metadata.get("status").and_then(JsonValue::as_str) != Some("done");
            (field(metadata, "title"), field(metadata, "log"), pending)
        });
        Some(Shown { role: field(message, "role"), text, step, files })
    }
}

fn message_count(conversation: &Value) -> usize {
    match conversation {
        Value::Json(JsonValue::Array(messages)) => messages.len(),
        _ => 0,
    }
}

/// Splits Markdown into its finished blocks (each followed by a blank line outside a code
/// fence) and what follows the last of them.
fn blocks(text: &str) -> (Vec<&str>, &str) {
    let mut finished = Vec::new();
    let (mut start, mut offset, mut fenced) = (0, 0, false);
    for line in text.split_inclusive('\n') {
        let end = offset + line.len();
        let trimmed = line.trim();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fenced = !fenced;
        } else if trimmed.is_empty() && !fenced && line.ends_with('\n') {
            if !text[start..offset].trim().is_empty() {
                finished.push(&text[start..offset]);
            }
            start = end;
        }
        offset = end;
    }
    (finished, &text[start..])
}

impl Widget for Chatbot {
    fn view(&self, f: Field) -> impl IntoView + use<> {
        let value = f.value;
        let log = NodeRef::<html::Div>::new();
        let entries = BrowserValue::<Vec<Entry>>::new();
        let (like, edit) = (f.hooks.like, f.hooks.edit);
        let buttons = Buttons { like: like.is_some(), edit: edit.is_some() };
        // The messages are kept by hand, not as views: a keyed list of views cost every page's
        // bundle about 60 KB before optimisation, and a message only ever grows or goes.
        Effect::new(move |_| {
            let Some(log) = log.get() else { return };
            value.with(|conversation| {
                entries.with_or_insert(Vec::new, |entries| sync(&log, entries, conversation, buttons))
            });
        });
        let text_of = move |index: usize| entries.with(|entries| entries.get(index).map(|e| e.text.clone())).flatten();
        // One listener for every message's buttons: copy, like, dislike, edit and its editor's.
        let clicked = move |ev: leptos::ev::MouseEvent| {
            let Some(button) = ev.target().and_then(|target| target.dyn_into::<Element>().ok()) else { return };
            let index = |name| button.get_attribute(name).and_then(|index| index.parse::<usize>().ok());
            if let Some(index) = index("data-copy") {
                copy_to_clipboard(&text_of(index).unwrap_or_default());
            } else if let Some(index) = index("data-edit") {
                open_editor(&button, &text_of(index).unwrap_or_default(), index);
            } else if let (Some(index), Some(edit)) = (index("data-edit-send"), edit) {
                let previous = text_of(index).unwrap_or_default();
                if let Some(text) = close_editor(&button).filter(|text| *text != previous) {
                    edit.run(serde_json::json!({ "index": index, "value": text, "previous_value": previous }));
                }
            } else if button.class_name() == "chat-edit-cancel" {
                close_editor(&button);
            } else if let (Some(index), Some(like)) = (index("data-like"), like) {
                let liked = button.class_name() == "chat-like";
                let message = value.with_untracked(|conversation| match conversation {
                    Value::Json(JsonValue::Array(messages)) => messages.get(index).cloned(),
                    _ => None,
                });
                if let Some(message) = message {
                    mark_liked(&button, liked);
                    like.run(serde_json::json!({ "index": index, "value": message, "liked": liked }));
                }
            }
        };
        if self.saved_in_browser {
            save_in_browser(value, &f.id);
        }
        let placeholder = self.placeholder.clone().unwrap_or_else(|| tr(Text::NoMessagesYet));
        let heading_id = f.heading_id();
        view! {
            <section class="component chatbot" aria-labelledby=f.heading_id()>
                <h3 id=heading_id>{f.label}</h3>
                <p class="chat-placeholder" hidden=move || value.with(message_count) != 0>{placeholder}</p>
                <div
                    class="chat-log"
                    role="log"
                    tabindex="0"
                    aria-label=tr(Text::Conversation)
                    node_ref=log
                    on:click=clicked
                ></div>
            </section>
        }
    }
}

/// How long a conversation must stay unchanged before it is saved: not on every token (each
/// save writes it whole, which over a streamed reply would cost O(n²)).
const SAVE_AFTER: f64 = 0.3;

/// Keeps the conversation `value` of widget `id` in the browser's local storage, per page:
/// shown again when the page opens, saved once it has been still for [`SAVE_AFTER`] seconds
/// and when the page goes.
fn save_in_browser(value: RwSignal<Value>, id: &str) {
    let id = id.to_owned();
    let key = StoredValue::new(String::new());
    let save = move || {
        let storage = web_sys::window().and_then(|window| window.local_storage().ok().flatten());
        let text = value.with_untracked(|conversation| serde_json::to_string(conversation).ok());
        if let (Some(storage), Some(text)) = (storage, text) {
            // Past the storage's quota, the conversation is not saved: the page goes on.
            let _ = storage.set_item(&key.get_value(), &text);
        }
    };
    let save_soon = crate::page::debounced(Some(SAVE_AFTER), save);
    Effect::new(move |seen: Option<()>| {
        value.track();
        if seen.is_some() {
            return save_soon();
        }
        let Some(window) = web_sys::window() else { return };
        key.set_value(format!("rheo:chat:{}:{id}", window.location().pathname().unwrap_or_default()));
        let storage = window.local_storage().ok().flatten();
        let saved = storage.and_then(|storage| storage.get_item(&key.get_value()).ok().flatten());
        if let Some(saved) = saved.and_then(|text| serde_json::from_str::<JsonValue>(&text).ok()) {
            if saved.as_array().is_some_and(|messages| !messages.is_empty()) {
                value.set(Value::Json(saved));
            }
        }
        let on_page_hide = window_event_listener(leptos::ev::pagehide, move |_| save());
        crate::browser::on_leave(move || on_page_hide.remove());
    });
}

/// Which buttons a message may have besides Copy (the events listening say).
#[derive(Clone, Copy)]
struct Buttons {
    like: bool,
    edit: bool,
}

/// A message on screen: its elements, and the text they show.
struct Entry {
    role: String,
    step: bool,
    files: Vec<ShownFile>,
    pending: bool,
    text: String,
    /// How many of its text's blocks are finished (each in an element of its own).
    finished: usize,
    element: Element,
    /// A step's title and log.
    summary: Option<(Element, Element)>,
    body: Element,
    tail: Element,
    /// When its tail is rendered.
    settle: Rc<Settle>,
}

/// Brings the log's elements in line with the conversation: a message that grew gets what it
/// added; one that changed otherwise, or is new, is made anew; the ones past the end go.
fn sync(log: &Element, entries: &mut Vec<Entry>, conversation: &Value, buttons: Buttons) {
    // Following the conversation (scrolled to its end, as it is unless the person scrolled up),
    // it stays at the end as messages grow.
    let following = log.scroll_height() - log.scroll_top() - log.client_height() < FOLLOWING_SLACK;
    let count = message_count(conversation);
    for index in 0..count {
        let Some(message) = Shown::read(conversation, index) else { break };
        let fits = entries.get(index).is_some_and(|entry| {
            entry.role == message.role
                && entry.step == message.step.is_some()
                && entry.files == message.files
                && message.text.starts_with(&entry.text)
        });
        if !fits {
            let Some(entry) = Entry::make(&message, index, buttons) else { return };
            match entries.get_mut(index) {
                Some(old) => {
                    let _ = log.replace_child(&entry.element, &old.element);
                    *old = entry;
                }
                None => {
                    let _ = log.append_child(&entry.element);
                    entries.push(entry);
                }
            }
        }
        entries[index].show(message);
    }
    for gone in entries.drain(count.min(entries.len())..) {
        gone.element.remove();
    }
    if following {
        log.set_scroll_top(log.scroll_height());
    }
}

impl Entry {
    fn make(message: &Shown, index: usize, wanted: Buttons) -> Option<Entry> {
        let document = web_sys::window()?.document()?;
        let make = |tag: &str, class: &str| {
            let element = document.create_element(tag).ok()?;
            element.set_class_name(class);
            Some(element)
        };
        let step = if message.step.is_some() { " step" } else { "" };
        let element = make("div", &format!("chat-message {}{step}", message.role))?;
        let body = make("div", "chat-text")?;
        if !message.files.is_empty() {
            let files = make("div", "chat-files")?;
            for file in &message.files {
                let _ = files.append_child(&file.element(&document)?.into());
            }
            let _ = body.append_child(&files);
        }
        let tail = make("div", "chat-tail")?;
        let copy = make("button", "chat-copy")?;
        let _ = body.append_child(&tail);
        let words = words();
        copy.set_text_content(Some(words.get(Text::Copy)));
        let _ = copy.set_attribute("type", "button");
        let _ = copy.set_attribute("aria-label", words.get(Text::CopyMessage));
        let _ = copy.set_attribute("data-copy", &index.to_string());
        // The assistant's answers (not its steps) are liked or disliked, the person's messages
        // edited, once an event listens.
        let buttons = make("div", "chat-buttons")?;
        let _ = buttons.append_child(&copy);
        let button = |class: &str, text: &str, label: &str, data: &str| {
            let button = make("button", class)?;
            button.set_text_content(Some(text));
            let _ = button.set_attribute("type", "button");
            let _ = button.set_attribute("aria-label", label);
            let _ = button.set_attribute(data, &index.to_string());
            let _ = buttons.append_child(&button);
            Some(button)
        };
        if wanted.like && message.role == "assistant" && message.step.is_none() {
            // Drawn, not emoji: a system without an emoji font would show empty boxes.
            for (class, path, label) in
                [("chat-like", "M5 15l7-7 7 7", Text::Like), ("chat-dislike", "M5 9l7 7 7-7", Text::Dislike)]
            {
                let button = button(class, "", words.get(label), "data-like")?;
                let _ = button.set_attribute("aria-pressed", "false");
                let icon = sign(&document, path)?;
                let _ = button.append_child(&icon);
            }
        }
        if wanted.edit && message.role == "user" {
            button("chat-edit", words.get(Text::Edit), words.get(Text::EditMessage), "data-edit")?;
        }
        let summary = match &message.step {
            Some(_) => {
                let details = make("details", "chat-step")?;
                let summary = make("summary", "")?;
                let (title, log) = (make("span", "chat-step-title")?, make("span", "chat-step-log")?);
                let _ = summary.append_child(&title);
                let _ = summary.append_child(&log);
                let _ = details.append_child(&summary);
                let _ = details.append_child(&body);
                let _ = details.append_child(&buttons);
                let _ = element.append_child(&details);
                Some((title, log))
            }
            None => {
                let _ = element.append_child(&body);
                let _ = element.append_child(&buttons);
                None
            }
        };
        Some(Entry {
            role: message.role.clone(),
            step: message.step.is_some(),
            files: message.files.clone(),
            pending: false,
            text: String::new(),
            finished: 0,
            element,
            summary,
            body,
            tail,
            settle: Rc::default(),
        })
    }

    /// Shows `message`, whose text starts with the one shown.
    fn show(&mut self, message: Shown) {
        if let (Some((title, log)), Some((new_title, new_log, pending))) = (&self.summary, &message.step) {
            title.set_text_content(Some(new_title));
            log.set_text_content(Some(new_log));
            // Open while it works, folded once done, as Gradio shows a step.
            if let Some(details) = self.element.first_element_child() {
                if *pending != self.pending || self.text.is_empty() {
                    let _ = if *pending { details.set_attribute("open", "") } else { details.remove_attribute("open") };
                    details.set_class_name(if *pending { "chat-step pending" } else { "chat-step" });
                }
            }
            self.pending = *pending;
        }
        if message.text == self.text && !self.text.is_empty() {
            return;
        }
        let (finished, tail) = blocks(&message.text);
        // No block finished since: the tail grew, and its text node takes what was added
        // (Chromium then reshapes only that, not the whole paragraph, as setting it would).
        let added = (finished.len() == self.finished).then(|| tail.strip_prefix(blocks(&self.text).1)).flatten();
        for block in &finished[self.finished..] {
            let Ok(element) = self.tail.owner_document().map_or(Err(()), |d| d.create_element("div").map_err(|_| ()))
            else {
                return;
            };
            element.set_class_name("chat-block");
            element.set_text_content(Some(block));
            let _ = self.body.insert_before(&element, Some(&self.tail));
            let source = block.to_string();
            spawn_local(async move { element.set_inner_html(&safe_html(source).await) });
        }
        self.finished = finished.len();
        match (added, self.raw_tail()) {
            (Some(added), Some(text)) => {
                let _ = text.append_data(added);
            }
            _ => {
                self.tail.set_text_content(Some(tail));
                self.tail.set_class_name("chat-tail");
            }
        }
        self.settle.changed(&self.tail);
        self.text = message.text;
    }
}

/// When a message's tail is rendered: once it has not changed for [`SETTLE`]. One timer waits
/// at a time, armed again while changes come (not one per token).
#[derive(Default)]
struct Settle {
    /// Bumped by each change of the text: a render of an older text is dropped.
    changes: Cell<u64>,
    waiting: Cell<bool>,
}

impl Settle {
    fn changed(self: &Rc<Self>, tail: &Element) {
        self.changes.set(self.changes.get() + 1);
        if !self.waiting.replace(true) {
            self.clone().arm(tail.clone());
        }
    }

    fn arm(self: Rc<Self>, tail: Element) {
        let armed = self.changes.get();
        set_timeout(
            move || {
                if self.changes.get() != armed {
                    return self.arm(tail);
                }
                self.waiting.set(false);
                let source = tail.text_content().unwrap_or_default();
                if source.trim().is_empty() {
                    return;
                }
                spawn_local(async move {
                    let html = safe_html(source).await;
                    if self.changes.get() == armed {
                        tail.set_inner_html(&html);
                        tail.set_class_name("chat-block");
                    }
                });
            },
            SETTLE,
        );
    }
}

impl Entry {
    /// The tail's text, while it shows as text (not yet rendered).
    fn raw_tail(&self) -> Option<web_sys::Text> {
        let raw = self.tail.class_name() == "chat-tail" && self.tail.child_nodes().length() == 1;
        raw.then(|| self.tail.first_child()).flatten().and_then(|node| node.dyn_into::<web_sys::Text>().ok())
    }
}

/// An icon of one stroked `path`, in the text's colour.
fn sign(document: &web_sys::Document, path: &str) -> Option<Element> {
    const SVG: Option<&str> = Some("http://www.w3.org/2000/svg");
    let svg = document.create_element_ns(SVG, "svg").ok()?;
    for (name, value) in [("viewBox", "0 0 24 24"), ("width", "16"), ("height", "16"), ("aria-hidden", "true")] {
        let _ = svg.set_attribute(name, value);
    }
    let line = document.create_element_ns(SVG, "path").ok()?;
    for (name, value) in [("d", path), ("fill", "none"), ("stroke", "currentColor"), ("stroke-width", "2.5")] {
        let _ = line.set_attribute(name, value);
    }
    let _ = svg.append_child(&line);
    Some(svg)
}

/// Opens an editor of the message whose Edit `button` was clicked, holding its `text`: its
/// text hidden, a text area with Send and Cancel in its place.
fn open_editor(button: &Element, text: &str, index: usize) {
    let Some(message) = button.closest(".chat-message").ok().flatten() else { return };
    let Some(document) = message.owner_document() else { return };
    if message.query_selector(".chat-editor").ok().flatten().is_some() {
        return;
    }
    let made = (|| {
        let editor = document.create_element("div").ok()?;
        editor.set_class_name("chat-editor");
        let area: web_sys::HtmlTextAreaElement = document.create_element("textarea").ok()?.dyn_into().ok()?;
        area.set_value(text);
        let words = words();
        let _ = area.set_attribute("aria-label", words.get(Text::EditMessage));
        let _ = editor.append_child(&area);
        for (class, label) in [("chat-edit-send", Text::Send), ("chat-edit-cancel", Text::Cancel)] {
            let button = document.create_element("button").ok()?;
            button.set_class_name(class);
            button.set_text_content(Some(words.get(label)));
            let _ = button.set_attribute("type", "button");
            if class == "chat-edit-send" {
                let _ = button.set_attribute("data-edit-send", &index.to_string());
            }
            let _ = editor.append_child(&button);
        }
        Some((editor, area))
    })();
    let Some((editor, area)) = made else { return };
    if let Some(body) = message.query_selector(".chat-text").ok().flatten() {
        let _ = body.set_attribute("hidden", "");
    }
    let _ = message.append_child(&editor);
    let _ = area.focus();
}

/// Closes the editor that `button` is in, showing its message's text again; gives the text
/// typed into it.
fn close_editor(button: &Element) -> Option<String> {
    let editor = button.closest(".chat-editor").ok().flatten()?;
    let typed = editor
        .query_selector("textarea")
        .ok()
        .flatten()
        .and_then(|area| area.dyn_into::<web_sys::HtmlTextAreaElement>().ok().map(|area| area.value()));
    if let Some(body) = editor.parent_element().and_then(|message| message.query_selector(".chat-text").ok().flatten())
    {
        let _ = body.remove_attribute("hidden");
    }
    editor.remove();
    typed
}

/// Shows the like or dislike `button` pressed (`liked` says which it is), its other unpressed.
fn mark_liked(button: &Element, liked: bool) {
    let _ = button.set_attribute("aria-pressed", "true");
    let other = if liked { button.next_element_sibling() } else { button.previous_element_sibling() };
    if let Some(other) = other {
        let _ = other.set_attribute("aria-pressed", "false");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_end_at_blank_lines_outside_code_fences() {
        assert_eq!(blocks("Hello"), (vec![], "Hello"));
        assert_eq!(blocks("One.\n\nTwo"), (vec!["One.\n"], "Two"));
        assert_eq!(blocks("One.\n\n\nTwo.\n\n"), (vec!["One.\n", "Two.\n"], ""));
        let code = "```\na\n\nb\n```\n\nafter";
        assert_eq!(blocks(code), (vec!["```\na\n\nb\n```\n"], "after"));
        assert_eq!(blocks("```\nopen\n\nstill"), (vec![], "```\nopen\n\nstill"));
        // A blank line not yet ended by its newline does not finish the block.
        assert_eq!(blocks("One.\n  "), (vec![], "One.\n  "));
    }

    #[test]
    fn messages_are_read_from_either_content_shape_with_their_steps() {
        let chat = Value::Json(serde_json::json!([
            {"role": "user", "content": [{"type": "text", "text": "Hi "}, {"type": "text", "text": "there"}]},
            {"role": "assistant", "content": "Hm", "metadata": {"title": "Thinking", "status": "done"}},
            {"role": "assistant", "content": "Hm", "metadata": {"title": "Searching", "log": "3 pages"}},
        ]));
        assert_eq!(Shown::read(&chat, 0).unwrap().text, "Hi there");
        assert_eq!(Shown::read(&chat, 1).unwrap().step, Some(("Thinking".into(), String::new(), false)));
        assert_eq!(Shown::read(&chat, 2).unwrap().step, Some(("Searching".into(), "3 pages".into(), true)));
        assert_eq!(Shown::read(&chat, 3), None);
        assert_eq!(message_count(&chat), 3);
    }
}
