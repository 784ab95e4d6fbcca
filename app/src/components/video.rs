//! The Video component's widget: as an output, a player with a download link; as an input, a
//! file picker with drop and the webcam recording with its microphone, the video chosen shown
//! in a player.

use leptos::{either::Either, html, prelude::*, task::spawn_local};
use rheo_shared::{components::Video, VideoSource, WebcamConstraints};
use web_sys::Blob;

use super::{drop_zone, error_line, image::CameraChoice, Field, Upload, Widget};
use crate::{
    browser::{camera::Camera, recorder::Recorder, BrowserValue},
    words::{tr, words, Text},
};

impl Widget for Video {
    fn view(&self, f: Field) -> impl IntoView + use<> {
        if f.readonly() {
            Either::Left(video_output(f, self.autoplay, self.loop_playback))
        } else {
            Either::Right(video_input(f, self))
        }
    }
}

/// A player for the value's file, and a download link.
fn video_output(f: Field, autoplay: bool, loop_playback: bool) -> impl IntoView {
    let file = f.file();
    let url = move || file().and_then(|f| f.url);
    let download_name = move || file().and_then(|f| f.orig_name).unwrap_or_else(|| "video.mp4".into());
    view! {
        <figure class="component video output">
            <figcaption>{f.label}</figcaption>
            <video controls=true playsinline=true src=url autoplay=autoplay loop=loop_playback
                aria-label=f.label hidden=move || url().is_none()></video>
            <p class="video-empty" hidden=move || url().is_some()>{tr(Text::NoVideoYet)}</p>
            <a class="download" href=url download=download_name hidden=move || url().is_none()>
                {move || words().fill(Text::Download, &[("label", &f.label.get())])}
            </a>
        </figure>
    }
}

/// A video from a file (picked or dropped) or recorded with the webcam, uploaded as soon as it
/// is chosen, and shown in a player.
fn video_input(f: Field, options: &Video) -> impl IntoView {
    let upload = Upload::new();
    let (uploading, error) = (upload.busy, upload.error);
    let take = f.uploader(upload);
    let file = f.file();
    let url = move || file().and_then(|f| f.url);
    let has = |source| options.sources.contains(&source);
    let label = f.label;
    let choice = CameraChoice::new(options.mirror_webcam, WebcamConstraints::default());
    let with_microphone = options.include_audio;
    let body = view! {
        <video class="preview" controls=true playsinline=true src=url hidden=move || url().is_none()
            aria-label=move || words().fill(Text::Chosen, &[("label", &label.get())])></video>
        {f.remove_button()}
        {has(VideoSource::Upload).then(|| {
            let take_first = move |files: web_sys::FileList| {
                if let Some(picked) = files.get(0) {
                    take(picked.clone().into(), picked.name());
                }
            };
            drop_zone(f.id.clone(), tr(Text::DropVideo), Some("video/*".to_owned()), false, Callback::new(take_first))
        })}
        {has(VideoSource::Webcam).then(|| webcam_recorder(take, choice, with_microphone))}
        <p class="hint" hidden=move || !uploading.get()>{tr(Text::Uploading)}</p>
        {error_line(move || error.get())}
    };
    f.fieldset("video input", body)
}

/// Where a webcam recording is.
#[derive(Clone, Copy, PartialEq)]
enum Webcam {
    Off,
    Starting,
    Ready,
    Recording,
}

/// The webcam as a video source: start it, record (with the microphone if asked), stop; the
/// recording is then uploaded and the camera released.
fn webcam_recorder(
    take: impl Fn(Blob, String) + Copy + 'static,
    choice: CameraChoice,
    with_microphone: bool,
) -> impl IntoView {
    let video = NodeRef::<html::Video>::new();
    let camera = BrowserValue::<Camera>::new();
    let recorder = BrowserValue::<Recorder>::new();
    let state = RwSignal::new(Webcam::Off);
    let error = RwSignal::new(None::<String>);
    let start = move || {
        let Some(element) = video.get() else { return };
        error.set(None);
        // Another camera chosen: the one running goes first.
        drop(camera.take());
        state.set(Webcam::Starting);
        spawn_local(async move {
            match Camera::start(element, &choice.request(), with_microphone).await {
                Ok(started) => {
                    camera.set(started);
                    state.set(Webcam::Ready);
                    choice.learn_cameras();
                }
                Err(message) => {
                    state.set(Webcam::Off);
                    error.set(Some(message));
                }
            }
        });
    };
    let record = move |_| match camera.with(|camera| Recorder::start(camera.stream())) {
        Some(Ok(started)) => {
            recorder.set(started);
            state.set(Webcam::Recording);
        }
        Some(Err(message)) => error.set(Some(message)),
        None => {}
    };
    let stop = move |_| {
        let Some(running) = recorder.take() else { return };
        // Held until the recording is finished, then released; a camera started meanwhile is
        // another one.
        let recorded = camera.take();
        state.set(Webcam::Off);
        spawn_local(async move {
            let finished = running.finish().await;
            drop(recorded);
            match finished {
                Ok((recording, extension)) => take(recording, format!("webcam.{extension}")),
                Err(message) => error.set(Some(message)),
            }
        });
    };
    // Another camera chosen: it replaces the preview, but never cuts a recording.
    let restart = move || {
        if state.get_untracked() == Webcam::Ready {
            start();
        }
    };
    let is = move |wanted: Webcam| state.get() == wanted;
    view! {
        <div class="snapshot recorder" data-webcam=move || match state.get() {
            Webcam::Off => "off",
            Webcam::Starting => "starting",
            Webcam::Ready => "ready",
            Webcam::Recording => "recording",
        }>
            {choice.video(video, &tr(Text::WebcamPreview), move || is(Webcam::Off))}
            <button type="button" class="secondary" hidden=move || !is(Webcam::Off) on:click=move |_| start()>
                {tr(Text::UseWebcam)}
            </button>
            <button type="button" class="primary" hidden=move || !is(Webcam::Ready) && !is(Webcam::Starting)
                disabled=move || !is(Webcam::Ready) on:click=record>{tr(Text::Record)}</button>
            <button type="button" class="primary" hidden=move || !is(Webcam::Recording) on:click=stop>
                {tr(Text::StopRecording)}
            </button>
            {choice.controls(restart)}
            {error_line(move || error.get())}
        </div>
    }
}
