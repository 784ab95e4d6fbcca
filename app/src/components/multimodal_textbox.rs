//! MultimodalTextbox's widget: a text area with files attached (picked or dropped), the files
//! listed with their sizes; Enter sends (Shift+Enter is a new line).

use leptos::prelude::*;
use rheo_shared::{components::MultimodalTextbox, FileCount, MultimodalData, Value};

use super::{
    error_line,
    file::{accept_attribute, file_size},
    file_name, Field, Upload, Widget,
};
use crate::words::{tr, Text};

impl Widget for MultimodalTextbox {
    fn view(&self, f: Field) -> impl IntoView + use<> {
        let value = f.value;
        let commit = f.commit();
        let message = move || {
            value.with(|value| match value {
                Value::Multimodal(message) => message.clone(),
                _ => MultimodalData::default(),
            })
        };
        let text = move || message().text;
        let on_input =
            move |ev| commit(Value::Multimodal(MultimodalData { text: event_target_value(&ev), ..message() }));
        let on_submit = f.hooks.submit;
        let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
            if let (Some(on_submit), "Enter", false) = (on_submit, ev.key().as_str(), ev.shift_key()) {
                ev.prevent_default();
                on_submit.run(());
            }
        };
        let multiple = self.file_count == FileCount::Multiple;
        let upload = Upload::new();
        let (uploading, error) = (upload.busy, upload.error);
        // New files join those attached (or, for one file, replace it); the text stays.
        let take = f.uploader_into(upload, move |stored| {
            let MultimodalData { text, mut files } = message();
            if !multiple {
                files.clear();
            }
            files.extend(stored);
            Value::Multimodal(MultimodalData { text, files })
        });
        let take_all = move |list: Option<web_sys::FileList>| {
            let Some(list) = list else { return };
            let count = if multiple { list.length() } else { list.length().min(1) };
            take((0..count).filter_map(|i| list.get(i)).map(|file| (file.clone().into(), file.name())).collect());
        };
        let remove = move |_| commit(Value::Multimodal(MultimodalData { text: message().text, files: Vec::new() }));
        let attached = move || message().files;
        let accept = accept_attribute(&self.file_types);
        let typed = value.with_untracked(|value| match value {
            Value::Multimodal(message) => message.text.clone(),
            _ => String::new(),
        });
        view! {
            <div class="component multimodal"
                on:dragover=|ev: leptos::ev::DragEvent| ev.prevent_default()
                on:drop=move |ev: leptos::ev::DragEvent| {
                    ev.prevent_default();
                    take_all(ev.data_transfer().and_then(|d| d.files()));
                }>
                <label for=f.id.clone()>{f.label}</label>
                {f.info_line()}
                <textarea id=f.id.clone() rows="2" readonly=f.readonly() placeholder=self.placeholder.clone()
                    prop:value=text on:input=on_input on:keydown=on_keydown>{typed}</textarea>
                <ul class="files" hidden=move || attached().is_empty()>
                    {move || attached().into_iter().map(|file| view! {
                        <li>{file_name(&file)} " " <span class="size">{file_size(&file)}</span></li>
                    }).collect_view()}
                </ul>
                <div class="multimodal-actions">
                    <label class="attach">{tr(if multiple { Text::AttachFiles } else { Text::AttachFile }) + " "}
                        <input type="file" accept=accept multiple=multiple
                            on:change=move |ev| take_all(event_target::<web_sys::HtmlInputElement>(&ev).files())/>
                    </label>
                    <button type="button" class="remove" hidden=move || attached().is_empty() on:click=remove>
                        {tr(Text::RemoveAttachments)}
                    </button>
                </div>
                <p class="hint" hidden=move || !uploading.get()>{tr(Text::Uploading)}</p>
                {error_line(move || error.get())}
            </div>
        }
    }
}
