//! The Audio component's widget: as an output, a player with a download link, or for a
//! generator's streaming output, live playback of each chunk as it arrives and then the whole
//! recording in a player; as an input, a microphone recorder (with a level meter) and a file
//! picker; as a streaming input, the microphone streaming chunks while it records.

use leptos::{
    either::{Either, EitherOf3},
    html,
    prelude::*,
    task::spawn_local,
};
use rheo_shared::{components::Audio, AudioSource, FileData, Value};
use wasm_bindgen::JsCast;

use super::{drop_zone, error_line, stream_controls, stream_notes, Field, Upload, Widget};
use crate::{
    browser::devices::Device,
    browser::{bytes_blob, microphone::Microphone, on_leave, player::ChunkPlayer, waveform, BrowserValue},
    stream::{Source, Streamer},
    words::{tr, words, Text},
};

impl Widget for Audio {
    fn view(&self, f: Field) -> impl IntoView + use<> {
        match (f.readonly(), f.streamer) {
            (true, _) => EitherOf3::A(audio_output(f, self.streaming && self.autoplay, self.autoplay)),
            (false, Some(streamer)) if self.streaming => EitherOf3::B(microphone_stream(f, streamer)),
            (false, _) => EitherOf3::C(audio_input(f, self.sources.clone())),
        }
    }
}

/// A player for the value's file, and a download link. With `live_chunks`, a generator's
/// chunks play as they arrive (the player shows once the stream ends, holding all of them).
fn audio_output(f: Field, live_chunks: bool, autoplay: bool) -> impl IntoView {
    let file = f.file();
    let url = move || file().and_then(|f| f.url);
    let download_name = move || file().and_then(|f| f.orig_name).unwrap_or_else(|| "audio.wav".into());
    let player = live_chunks.then(|| {
        let player = ChunkPlayer::new();
        let sink = player.clone();
        let value = f.value;
        f.caller.play_chunks_with(
            f.index,
            std::rc::Rc::new(move |chunk: Option<FileData>| match chunk {
                Some(chunk) => sink.enqueue(chunk.url.unwrap_or_default()),
                None => {
                    sink.reset();
                    value.set(Value::Null);
                }
            }),
        );
        // Leaving the page stops the player too: the caller's cleanup resets every sink.
        player
    });
    let (scheduled, seconds, playing, error) = match &player {
        Some(p) => (p.scheduled, p.seconds, p.playing, p.error),
        None => (RwSignal::new(0), RwSignal::new(0.0), RwSignal::new(false), RwSignal::new(None)),
    };
    let live = move || scheduled.get() > 0 && url().is_none();
    let player = NodeRef::<html::Audio>::new();
    let (wave, follow) = waveform(Signal::derive(url), player, &f.id);
    view! {
        <figure class="component audio output" data-chunks=move || scheduled.get()
            data-seconds=move || format!("{:.3}", seconds.get()) data-playing=move || playing.get().to_string()>
            <figcaption>{f.label}</figcaption>
            <p class="audio-live" role="status" hidden=move || !live()>
                {move || {
                    let seconds = format!("{:.1}", seconds.get());
                    words().fill(Text::PlayingChunks, &[("chunks", &scheduled.get()), ("seconds", &seconds)])
                }}
            </p>
            {wave}
            <audio controls=true src=url autoplay=autoplay && !live_chunks hidden=move || url().is_none()
                aria-label=f.label node_ref=player on:timeupdate=follow></audio>
            <p class="audio-empty" hidden=move || url().is_some() || live()>{tr(Text::NoAudioYet)}</p>
            <a class="download" href=url download=download_name hidden=move || url().is_none()>
                {move || words().fill(Text::Download, &[("label", &f.label.get())])}
            </a>
            {error_line(move || error.get())}
        </figure>
    }
}

/// The waveform of the file at `url` (shown once decoded), which seeks `player` where it is
/// clicked and fills in as it plays (the player's `timeupdate` calls the handler returned). A
/// picture for the eye and the pointer: the player's own controls serve the keyboard and screen
/// readers.
fn waveform(
    url: Signal<Option<String>>,
    player: NodeRef<html::Audio>,
    id: &str,
) -> (impl IntoView, impl Fn(leptos::ev::Event) + Copy + 'static) {
    let peaks = RwSignal::new(Vec::<f32>::new());
    let played = RwSignal::new(0.0_f64);
    Effect::new(move |_| {
        peaks.set(Vec::new());
        played.set(0.0);
        let Some(wanted) = url.get() else { return };
        spawn_local(async move {
            let found = waveform::peaks(&wanted).await.unwrap_or_default();
            // A newer file may have come while this one decoded.
            if url.get_untracked().as_deref() == Some(wanted.as_str()) {
                peaks.set(found);
            }
        });
    });
    // The player's `timeupdate` handler: how much has played.
    let follow = move |_| {
        let Some(audio) = player.get_untracked() else { return };
        let (at, length) = (audio.current_time(), audio.duration());
        played.set(if length.is_finite() && length > 0.0 { at / length } else { 0.0 });
    };
    let seek = move |ev: leptos::ev::MouseEvent| {
        let (Some(audio), Some(target)) = (player.get_untracked(), ev.current_target()) else { return };
        let rect = target.unchecked_into::<web_sys::Element>().get_bounding_client_rect();
        let length = audio.duration();
        if rect.width() > 0.0 && length.is_finite() {
            let fraction = ((f64::from(ev.client_x()) - rect.left()) / rect.width()).clamp(0.0, 1.0);
            audio.set_current_time(fraction * length);
        }
    };
    let clip = format!("{id}-played");
    let width = waveform::BARS;
    let view = view! {
        <svg class="waveform" viewBox=format!("0 0 {width} 2") preserveAspectRatio="none" aria-hidden="true"
            hidden=move || peaks.with(Vec::is_empty) on:click=seek>
            <clipPath id=clip.clone()>
                <rect x="0" y="0" height="2" width=move || format!("{:.2}", played.get() * width as f64)/>
            </clipPath>
            <path class="wave" d=move || waveform::bars_path(&peaks.get())/>
            <path class="wave played" clip-path=format!("url(#{clip})") d=move || waveform::bars_path(&peaks.get())/>
        </svg>
    };
    (view, follow)
}

/// Audio from a microphone recording or a file, uploaded as soon as it is complete.
fn audio_input(f: Field, sources: Vec<AudioSource>) -> impl IntoView {
    let upload = Upload::new();
    let (uploading, error) = (upload.busy, upload.error);
    let take = f.uploader(upload);
    let file = f.file();
    let url = move || file().and_then(|f| f.url);
    let has = |source| sources.contains(&source);
    let label = f.label;
    let remove = f.remove_button();
    let player = NodeRef::<html::Audio>::new();
    let (wave, follow) = waveform(Signal::derive(url), player, &f.id);
    let body = view! {
            {wave}
            <audio controls=true src=url hidden=move || url().is_none() node_ref=player on:timeupdate=follow
                aria-label=move || words().fill(Text::Chosen, &[("label", &label.get())])></audio>
            {remove}
            {has(AudioSource::Microphone).then(|| recorder(take, error))}
            {has(AudioSource::Upload).then(|| {
                let take_first = move |files: web_sys::FileList| {
                    if let Some(picked) = files.get(0) {
                        take(picked.clone().into(), picked.name());
                    }
                };
                drop_zone(f.id.clone(), tr(Text::ChooseAudio), Some("audio/*".to_owned()), false, Callback::new(take_first))
            })}
            <p class="hint" hidden=move || !uploading.get()>{tr(Text::Uploading)}</p>
            {error_line(move || error.get())}
    };
    f.fieldset("audio input", body)
}

/// Record / Stop: the whole recording is handed to `take` as a WAV when it stops.
fn recorder(take: impl Fn(web_sys::Blob, String) + Copy + 'static, error: RwSignal<Option<String>>) -> impl IntoView {
    let microphone = BrowserValue::<Microphone>::new();
    let recording = RwSignal::new(false);
    let level = RwSignal::new(0.0);
    let start = move |_| {
        error.set(None);
        spawn_local(async move {
            match Microphone::start(level).await {
                Ok(started) => {
                    microphone.set(started);
                    recording.set(true);
                }
                Err(message) => error.set(Some(message)),
            }
        });
    };
    let stop = move |_| {
        recording.set(false);
        level.set(0.0);
        // Dropping the microphone releases it.
        let Some(stopped) = microphone.take() else { return };
        match stopped.take().and_then(|audio| bytes_blob(&audio.to_wav(), "audio/wav")) {
            Some(wav) => take(wav, "recording.wav".into()),
            None => error.set(Some(tr(Text::EmptyRecording))),
        }
    };
    on_leave(move || drop(microphone.take()));
    view! {
        <div class="recorder">
            <button type="button" class="secondary" hidden=move || recording.get() on:click=start>{tr(Text::Record)}</button>
            <button type="button" class="primary" hidden=move || !recording.get() on:click=stop>{tr(Text::StopRecording)}</button>
            <meter class="level" min="0" max="1" value=move || level.get() aria-label=tr(Text::MicrophoneLevel)
                hidden=move || !recording.get()></meter>
        </div>
    }
}

/// The microphone of a streaming input: Record/Stop, the level meter, the time left.
/// A microphone that streams with a webcam shows only its level: the camera's controls start
/// and stop both, and say how the stream goes.
fn microphone_stream(f: Field, streamer: Streamer) -> impl IntoView {
    let status = streamer.status;
    let meter = view! {
        <meter class="level" min="0" max="1" value=move || streamer.level.get() aria-label=tr(Text::MicrophoneLevel)
            hidden=move || !status.get().is_running()></meter>
    };
    let body = match streamer.with_microphone() {
        true => Either::Left(meter),
        false => Either::Right(view! {
            {stream_controls(streamer, Text::Record, move || streamer.start(Source::Microphone), meter)}
            {stream_notes(streamer, Device::Microphone)}
        }),
    };
    f.fieldset("audio microphone", body)
}
