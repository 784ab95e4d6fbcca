//! The File component's widget: as an input, a file picker with drop, the files chosen with
//! their sizes, and Remove; as an output, a download link per file.

use leptos::{either::Either, prelude::*};
use rheo_shared::{components::File, FileCount, FileData};

use super::{drop_zone, error_line, file_name, Field, Upload, Widget};
use crate::words::{tr, Text};

impl Widget for File {
    fn view(&self, f: Field) -> impl IntoView + use<> {
        if f.readonly() {
            Either::Left(file_output(f))
        } else {
            Either::Right(file_input(f, self))
        }
    }
}

/// Each file as a download link with its size.
fn file_output(f: Field) -> impl IntoView {
    let files = f.files();
    view! {
        <figure class="component file output">
            <figcaption>{f.label}</figcaption>
            <p class="file-empty" hidden=move || !files().is_empty()>{tr(Text::NoFileYet)}</p>
            <ul class="files">
                {move || files().into_iter().map(|file| view! {
                    <li><a class="download" href=file.url.clone() download=file_name(&file)>{file_name(&file)}</a>
                        " " <span class="size">{file_size(&file)}</span></li>
                }).collect_view()}
            </ul>
        </figure>
    }
}

/// A picker (and a drop zone) for one file or several, uploaded as soon as they are chosen;
/// the files held, with their sizes, and a button to remove them.
fn file_input(f: Field, options: &File) -> impl IntoView {
    let multiple = options.file_count == FileCount::Multiple;
    let upload = Upload::new();
    let (uploading, error) = (upload.busy, upload.error);
    let take = f.files_uploader(upload, multiple);
    let take_all = move |list: Option<web_sys::FileList>| {
        let Some(list) = list else { return };
        let count = if multiple { list.length() } else { list.length().min(1) };
        take((0..count).filter_map(|i| list.get(i)).map(|file| (file.clone().into(), file.name())).collect());
    };
    let files = f.files();
    let accept = accept_attribute(&options.file_types);
    let prompt = tr(if multiple { Text::DropFiles } else { Text::DropFile });
    let remove = f.remove_button();
    f.fieldset(
        "file input",
        view! {
            <ul class="files" hidden=move || files().is_empty()>
                {move || files().into_iter().map(|file| view! {
                    <li>{file_name(&file)} " " <span class="size">{file_size(&file)}</span></li>
                }).collect_view()}
            </ul>
            {remove}
            {drop_zone(f.id.clone(), prompt, accept, multiple, Callback::new(move |files| take_all(Some(files))))}
            <p class="hint" hidden=move || !uploading.get()>{tr(Text::Uploading)}</p>
            {error_line(move || error.get())}
        },
    )
}

/// The picker's `accept`: a category as its MIME family (`image/*`), an extension as it is;
/// none for any file.
pub(super) fn accept_attribute(file_types: &[String]) -> Option<String> {
    let each = file_types.iter().map(|entry| if entry.starts_with('.') { entry.clone() } else { format!("{entry}/*") });
    (!file_types.is_empty()).then(|| each.collect::<Vec<_>>().join(","))
}

/// A file's size as people read it: `812 B`, `14.2 KB`, `3.1 MB`.
pub(super) fn file_size(file: &FileData) -> String {
    match file.size {
        None => String::new(),
        Some(bytes) if bytes < 1000 => format!("{bytes} B"),
        Some(bytes) if bytes < 1_000_000 => format!("{:.1} KB", bytes as f64 / 1e3),
        Some(bytes) => format!("{:.1} MB", bytes as f64 / 1e6),
    }
}
