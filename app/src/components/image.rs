//! The Image component's widget: as an output, the image with a download link; as an input,
//! a file picker with drop and paste, and a webcam snapshot; as a streaming input, the live
//! camera with Start/Stop and the time left.

use std::rc::Rc;

use leptos::{either::EitherOf3, html, prelude::*, task::spawn_local};
use rheo_shared::{components::Image, ImageSource, WebcamConstraints};

use crate::browser::devices::{self, CameraRequest, Device};
use wasm_bindgen::JsCast;
use web_sys::Blob;

use super::{drop_zone, error_line, stream_controls, stream_notes, Field, Upload, Widget};
use crate::{
    browser::{camera::Camera, picture::Painter, BrowserValue},
    stream::{frames::OneLoadAtATime, Source, Streamer},
    words::{tr, words, Text},
};

impl Widget for Image {
    fn view(&self, f: Field) -> impl IntoView + use<> {
        let camera_choice = || CameraChoice::new(self.mirror_webcam, self.webcam.clone());
        match (f.readonly(), f.streamer) {
            (true, _) => EitherOf3::A(image_output(f, self)),
            (false, Some(streamer)) if self.streaming => EitherOf3::B(webcam_stream(f, streamer, camera_choice())),
            (false, _) => EitherOf3::C(image_input(f, self.sources.clone(), camera_choice())),
        }
    }
}

/// One `<img>` whose source follows the value (a generator's answers may swap it many times a
/// second, so the element stays and only its `src` changes, one load at a time), and a
/// download link. A stream's pictures are painted on a canvas instead (see
/// `browser::picture`), shown until the value changes: the stream's end makes the last one the
/// value. Shown at the author's display size, if any.
fn image_output(f: Field, options: &Image) -> impl IntoView {
    let file = f.file();
    let url = move || file().and_then(|f| f.url);
    let shown = RwSignal::new(url());
    let loads = StoredValue::new(OneLoadAtATime::showing(shown.get_untracked()));
    let img = NodeRef::<html::Img>::new();
    let canvas = NodeRef::<html::Canvas>::new();
    let live = RwSignal::new(false);
    let painter = paint_stream(&f, canvas, live, (options.width, options.height));
    Effect::new(move |_| {
        let url = url();
        live.set(false);
        painter.with(|painter| painter.clear());
        match url {
            Some(src) => {
                if let Some(now) = loads.write_value().offer(src, js_sys::Date::now()) {
                    shown.set(Some(now));
                }
            }
            None => {
                loads.write_value().clear();
                shown.set(None);
            }
        }
    });
    let loaded = move || {
        let Some(src) = img.get_untracked().and_then(|img| img.get_attribute("src")) else { return };
        request_animation_frame(move || {
            // `None` once the output is gone.
            let next = loads.try_update_value(|loads| loads.painted(&src, js_sys::Date::now())).flatten();
            if let Some(next) = next {
                shown.set(Some(next));
            }
        })
    };
    let download_name = move || file().and_then(|f| f.orig_name).unwrap_or_else(|| "image".into());
    // Attributes, not a style: the page's CSP refuses inline style attributes.
    let (width, height) = (options.width, options.height);
    view! {
        <figure class="component image output">
            <figcaption>{f.label}</figcaption>
            <img node_ref=img src=move || shown.get() alt=f.label hidden=move || live.get() || url().is_none()
                width=width height=height on:load=move |_| loaded() on:error=move |_| loaded()/>
            <canvas node_ref=canvas role="img" aria-label=f.label hidden=move || !live.get()></canvas>
            <p class="image-empty" hidden=move || live.get() || url().is_some()>{tr(Text::NoImageYet)}</p>
            <a class="download" href=url download=download_name hidden=move || live.get() || url().is_none()>
                {move || words().fill(Text::Download, &[("label", &f.label.get())])}
            </a>
        </figure>
    }
}

/// Paints the pictures of a stream that writes `f` on `canvas`, once it is in the page, at the
/// author's display `size` if any; `live` once one is painted. The painter, for the output to
/// clear. Where the browser cannot paint so, the stream's pictures come as the value.
fn paint_stream(
    f: &Field,
    canvas: NodeRef<html::Canvas>,
    live: RwSignal<bool>,
    size: (Option<u32>, Option<u32>),
) -> BrowserValue<Rc<Painter>> {
    let painter = BrowserValue::new();
    let (caller, index) = (f.caller, f.index);
    Effect::new(move |_| {
        let Some(canvas) = canvas.get() else { return };
        // Through the style object, which the CSP allows (it refuses style attributes).
        let style = web_sys::HtmlElement::style(&canvas);
        for (property, pixels) in [("width", size.0), ("height", size.1)] {
            if let Some(pixels) = pixels {
                let _ = style.set_property(property, &format!("{pixels}px"));
            }
        }
        // Set once, not at each picture: each set would run what shows the output again.
        let painted = move || {
            if live.try_get_untracked() == Some(false) {
                live.set(true);
            }
        };
        if let Some(made) = Painter::new(canvas, painted) {
            let sink = made.clone();
            caller.paint_pictures_with(index, Rc::new(move |picture| sink.offer(picture)));
            painter.set(made);
        }
    });
    painter
}

/// A still image from a file (picked, dropped or pasted) or a webcam snapshot, uploaded as
/// soon as it is chosen.
fn image_input(f: Field, sources: Vec<ImageSource>, choice: CameraChoice) -> impl IntoView {
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
    let label = f.label;
    let remove = f.remove_button();
    view! {
        <fieldset class="component image input" aria-labelledby=f.heading_id()
            on:paste=move |ev: leptos::ev::ClipboardEvent| {
                if has_clipboard(&ev) {
                    ev.prevent_default();
                    take_first(ev.clipboard_data().and_then(|d| d.files()));
                }
            }>
            <legend id=heading_id>{f.label}</legend>
            <img class="preview" src=preview alt=move || words().fill(Text::Chosen, &[("label", &label.get())]) hidden=move || preview().is_none()/>
            {remove}
            {has(ImageSource::Upload).then(|| {
                let accept = Some("image/*".to_owned());
                drop_zone(f.id.clone(), tr(Text::DropImage), accept, false, Callback::new(move |files| take_first(Some(files))))
            })}
            {has(ImageSource::Webcam).then(|| snapshot(take, choice))}
            {has(ImageSource::Clipboard).then(|| view! {
                <p class="hint">{tr(Text::PasteImage)}</p>
            })}
            <p class="hint" hidden=move || !uploading.get()>{tr(Text::Uploading)}</p>
            {error_line(move || error.get())}
        </fieldset>
    }
}

fn has_clipboard(ev: &leptos::ev::ClipboardEvent) -> bool {
    ev.clipboard_data().and_then(|d| d.files()).is_some_and(|files| files.length() > 0)
}

/// The webcam as a still source: start it, take a photo, which is then uploaded.
fn snapshot(take: impl Fn(Blob, String) + Copy + 'static, choice: CameraChoice) -> impl IntoView {
    let video = NodeRef::<html::Video>::new();
    let camera = BrowserValue::<Camera>::new();
    let running = RwSignal::new(false);
    // A camera is there to take a photo with: not while another one chosen is starting (a
    // click then took nothing, silently).
    let ready = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let start = move || {
        let Some(element) = video.get() else { return };
        error.set(None);
        ready.set(false);
        drop(camera.take()); // another camera chosen: the one running goes first
        spawn_local(async move {
            match Camera::start(element, &choice.request.get_untracked(), false).await {
                Ok(started) => {
                    camera.set(started);
                    running.set(true);
                    ready.set(true);
                    choice.learn_cameras();
                }
                Err(message) => error.set(Some(message)),
            }
        });
    };
    let shoot = move |_| {
        spawn_local(async move {
            let Some(taken) = camera.take() else { return };
            ready.set(false);
            running.set(false);
            match taken.capture_jpeg(0.92).await {
                Ok(photo) => take(photo, "webcam.jpg".into()),
                Err(message) => error.set(Some(message)),
            }
            // Dropping the camera releases it.
        });
    };
    let restart = move || {
        if running.get_untracked() {
            start();
        }
    };
    view! {
        <div class="snapshot">
            {choice.video(video, &tr(Text::WebcamPreview), move || !running.get())}
            <button type="button" class="secondary" hidden=move || running.get() on:click=move |_| start()>{tr(Text::UseWebcam)}</button>
            <button type="button" class="primary" hidden=move || !running.get() disabled=move || !ready.get()
                on:click=shoot>{tr(Text::TakePhoto)}</button>
            {choice.controls(restart)}
            {error_line(move || error.get())}
        </div>
    }
}

/// The live camera of a streaming input, with Start/Stop, the time left and the stream's state.
fn webcam_stream(f: Field, streamer: Streamer, choice: CameraChoice) -> impl IntoView {
    let video = NodeRef::<html::Video>::new();
    let start = move || {
        if let Some(element) = video.get() {
            streamer.start(Source::Camera(element.unchecked_into(), choice.request.get_untracked()));
            choice.learn_cameras();
        }
    };
    // Another camera chosen while streaming: the stream starts over with it.
    let restart = move || {
        if streamer.status.get_untracked().is_running() {
            streamer.stop();
            start();
        }
    };
    let body = view! {
        {choice.video(video, &words().fill(Text::CameraPreview, &[("label", &f.label.get_untracked())]), || false)}
        {stream_controls(streamer, Text::StartCamera, start, ())}
        {choice.controls(restart)}
        {stream_notes(streamer, Device::Camera)}
    };
    f.fieldset("image webcam", body)
}

/// What the person may choose about a webcam: whether the preview is a mirror, and which
/// camera, when the machine has several; and what the camera gives when the author asked for
/// a size.
#[derive(Clone, Copy)]
pub(super) struct CameraChoice {
    mirror: RwSignal<bool>,
    request: RwSignal<CameraRequest>,
    /// The cameras, as (device id, label), once the page may use one (labels are hidden before).
    cameras: RwSignal<Vec<(String, String)>>,
    /// The preview's size in pixels, once it plays.
    size: RwSignal<Option<(u32, u32)>>,
}

impl CameraChoice {
    /// A preview mirrored or not at first, and a request for the camera with `constraints`.
    pub(super) fn new(mirror: bool, constraints: WebcamConstraints) -> Self {
        CameraChoice {
            mirror: RwSignal::new(mirror),
            request: RwSignal::new(CameraRequest { constraints, device_id: None }),
            cameras: RwSignal::new(Vec::new()),
            size: RwSignal::new(None),
        }
    }

    /// What to ask of the camera now.
    pub(super) fn request(self) -> CameraRequest {
        self.request.get_untracked()
    }

    /// Asks the browser for the cameras, now that one runs.
    pub(super) fn learn_cameras(self) {
        spawn_local(async move { self.cameras.set(devices::cameras().await) });
    }

    /// The preview, mirrored or not (only the preview: frames are taken from the camera).
    pub(super) fn video(
        self,
        video: NodeRef<html::Video>,
        label: &str,
        hidden: impl Fn() -> bool + Send + Sync + 'static,
    ) -> impl IntoView {
        let size = self.size;
        view! {
            <video node_ref=video muted=true playsinline=true aria-label=label.to_owned() hidden=hidden
                class:mirrored=move || self.mirror.get()
                on:resize=move |ev| {
                    let element = event_target::<web_sys::HtmlVideoElement>(&ev);
                    size.set(Some((element.video_width(), element.video_height())));
                }></video>
        }
    }

    /// The mirror switch, the camera list (with `restart` when the choice changes), and a
    /// note when the camera does not give the size asked.
    pub(super) fn controls(self, restart: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
        let CameraChoice { mirror, request, cameras, size } = self;
        let choose = move |ev| {
            let id = event_target_value(&ev);
            request.update(|r| r.device_id = Some(id));
            restart();
        };
        let chosen = move || request.with(|r| r.device_id.clone());
        let note = move || {
            let (width, height) = size.get()?;
            let asked = request.with(|r| (r.constraints.width, r.constraints.height));
            let differs = asked.0.is_some_and(|w| w != width) || asked.1.is_some_and(|h| h != height);
            let show = |side: Option<u32>| side.map_or_else(|| tr(Text::AnySize), |s| s.to_string());
            let size = [("width", &width as &dyn std::fmt::Display), ("height", &height)];
            let (asked_width, asked_height) = (show(asked.0), show(asked.1));
            let asked = [("asked_width", &asked_width as &dyn std::fmt::Display), ("asked_height", &asked_height)];
            differs.then(|| words().fill(Text::CameraSize, &[size, asked].concat()))
        };
        view! {
            <div class="camera-options">
                <label class="switch">
                    <input type="checkbox" prop:checked=move || mirror.get()
                        on:change=move |ev| mirror.set(event_target_checked(&ev))/>
                    {tr(Text::MirrorPreview)}
                </label>
                <label hidden=move || cameras.with(|c| c.len() < 2)>
                    {tr(Text::Camera)} " "
                    <select aria-label=tr(Text::Camera) on:change=choose>
                        {move || cameras.get().into_iter().map(|(id, label)| {
                            let selected = chosen() == Some(id.clone());
                            view! { <option value=id selected=selected>{label}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <p class="hint camera-size" hidden=move || note().is_none()>{note}</p>
            </div>
        }
    }
}
