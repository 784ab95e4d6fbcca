//! The Image component's widget: as an output, the image with a download link; as an input,
//! a file picker with drop and paste, and a webcam snapshot; as a streaming input, the live
//! camera with Start/Stop and the time left.

use leptos::{html, prelude::*, task::spawn_local};
use rheo_shared::{components::Image, ImageSource};
use wasm_bindgen::JsCast;
use web_sys::Blob;

use super::{error_line, stream_controls, stream_notes, Field, Upload, Widget};
use crate::{
    browser::{camera::Camera, BrowserValue},
    stream::{Source, Streamer},
};

impl Widget for Image {
    fn view(&self, f: Field) -> AnyView {
        match (f.readonly(), f.streamer) {
            (true, _) => image_output(f).into_any(),
            (false, Some(streamer)) if self.streaming => webcam_stream(f, streamer).into_any(),
            (false, _) => image_input(f, self.sources.clone()).into_any(),
        }
    }
}

/// One `<img>` whose source follows the value (a stream swaps it many times a second, so the
/// element stays and only its `src` changes), and a download link.
fn image_output(f: Field) -> impl IntoView {
    let file = f.file();
    let url = move || file().and_then(|f| f.url);
    let download_name = move || file().and_then(|f| f.orig_name).unwrap_or_else(|| "image".into());
    view! {
        <figure class="component image output">
            <figcaption>{f.label.clone()}</figcaption>
            <img src=url alt=f.label.clone() hidden=move || url().is_none()/>
            <p class="image-empty" hidden=move || url().is_some()>"No image yet"</p>
            <a class="download" href=url download=download_name hidden=move || url().is_none()>
                "Download " {f.label.clone()}
            </a>
        </figure>
    }
}

/// A still image from a file (picked, dropped or pasted) or a webcam snapshot, uploaded as
/// soon as it is chosen.
fn image_input(f: Field, sources: Vec<ImageSource>) -> impl IntoView {
    let upload = Upload::new();
    let (uploading, error) = (upload.busy, upload.error);
    let take = f.uploader(upload);
    let take_first = move |files: Option<web_sys::FileList>| {
        if let Some(picked) = files.and_then(|files| files.get(0)) {
            take(picked.clone().into(), picked.name());
        }
    };
    let has = |source| sources.contains(&source);
    let preview = {
        let file = f.file();
        move || file().and_then(|f| f.url)
    };
    let heading_id = f.heading_id();
    view! {
        <fieldset class="component image input" aria-labelledby=f.heading_id()
            on:paste=move |ev: leptos::ev::ClipboardEvent| {
                if has_clipboard(&ev) {
                    ev.prevent_default();
                    take_first(ev.clipboard_data().and_then(|d| d.files()));
                }
            }>
            <legend id=heading_id>{f.label.clone()}</legend>
            <img class="preview" src=preview alt=format!("{} (chosen)", f.label) hidden=move || preview().is_none()/>
            {has(ImageSource::Upload).then(|| view! {
                <label class="drop-zone"
                    on:dragover=|ev: leptos::ev::DragEvent| ev.prevent_default()
                    on:drop=move |ev: leptos::ev::DragEvent| {
                        ev.prevent_default();
                        take_first(ev.data_transfer().and_then(|d| d.files()));
                    }>
                    "Drop an image here, or choose a file "
                    <input type="file" id=f.id.clone() accept="image/*"
                        on:change=move |ev| take_first(event_target::<web_sys::HtmlInputElement>(&ev).files())/>
                </label>
            })}
            {has(ImageSource::Webcam).then(|| snapshot(take))}
            {has(ImageSource::Clipboard).then(|| view! {
                <p class="hint">"…or paste an image here (Ctrl+V)."</p>
            })}
            <p class="hint" hidden=move || !uploading.get()>"Uploading…"</p>
            {error_line(move || error.get())}
        </fieldset>
    }
}

fn has_clipboard(ev: &leptos::ev::ClipboardEvent) -> bool {
    ev.clipboard_data().and_then(|d| d.files()).is_some_and(|files| files.length() > 0)
}

/// The webcam as a still source: start it, take a photo, which is then uploaded.
fn snapshot(take: impl Fn(Blob, String) + Copy + 'static) -> impl IntoView {
    let video = NodeRef::<html::Video>::new();
    let camera = BrowserValue::<Camera>::new();
    let running = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let start = move |_| {
        let Some(element) = video.get() else { return };
        error.set(None);
        spawn_local(async move {
            match Camera::start(element).await {
                Ok(started) => {
                    camera.set(started);
                    running.set(true);
                }
                Err(message) => error.set(Some(message)),
            }
        });
    };
    let shoot = move |_| {
        spawn_local(async move {
            let Some(taken) = camera.take() else { return };
            running.set(false);
            match taken.capture_jpeg(0.92).await {
                Ok(photo) => take(photo, "webcam.jpg".into()),
                Err(message) => error.set(Some(message)),
            }
            // Dropping the camera releases it.
        });
    };
    view! {
        <div class="snapshot">
            <video node_ref=video muted=true playsinline=true hidden=move || !running.get()></video>
            <button type="button" class="secondary" hidden=move || running.get() on:click=start>"Use webcam"</button>
            <button type="button" class="primary" hidden=move || !running.get() on:click=shoot>"Take photo"</button>
            {error_line(move || error.get())}
        </div>
    }
}

/// The live camera of a streaming input, with Start/Stop, the time left and the stream's state.
fn webcam_stream(f: Field, streamer: Streamer) -> impl IntoView {
    let video = NodeRef::<html::Video>::new();
    let start = move || {
        if let Some(element) = video.get() {
            streamer.start(Source::Camera(element.unchecked_into()));
        }
    };
    let body = view! {
        <video node_ref=video muted=true playsinline=true aria-label=format!("{} camera preview", f.label)></video>
        {stream_controls(streamer, "Start camera", start, ().into_any())}
        {stream_notes(streamer, "camera", "Start the camera")}
    };
    f.fieldset("image webcam", body.into_any())
}
