//! The Audio component's widget: as an output, a player with a download link, or for a
//! generator's streaming output, live playback of each chunk as it arrives and then the whole
//! recording in a player; as an input, a microphone recorder (with a level meter) and a file
//! picker; as a streaming input, the microphone streaming chunks while it records.

use leptos::{prelude::*, task::spawn_local};
use rheo_shared::{AudioSource, FileData, Value};

use crate::{
    browser_value::BrowserValue,
    interface_view::Caller,
    microphone::Microphone,
    player::ChunkPlayer,
    streaming::{bytes_blob, stream_notes, Source, Streamer},
    widgets::{Field, Upload},
};

pub(crate) fn audio(f: Field, index: usize, sources: Vec<AudioSource>, streaming: bool, autoplay: bool) -> AnyView {
    if f.readonly() {
        audio_output(f, index, streaming && autoplay, autoplay).into_any()
    } else if streaming {
        microphone_stream(f).into_any()
    } else {
        audio_input(f, sources).into_any()
    }
}

/// A player for the value's file, and a download link. With `live_chunks`, a generator's
/// chunks play as they arrive (the player shows once the stream ends, holding all of them).
fn audio_output(f: Field, index: usize, live_chunks: bool, autoplay: bool) -> impl IntoView {
    let file = f.file();
    let url = move || file().and_then(|f| f.url);
    let download_name = move || file().and_then(|f| f.orig_name).unwrap_or_else(|| "audio.wav".into());
    let player = live_chunks.then(|| {
        let player = ChunkPlayer::new();
        let sink = player.clone();
        let value = f.value;
        expect_context::<Caller>().play_chunks_with(index, std::rc::Rc::new(move |chunk: Option<FileData>| match chunk {
            Some(chunk) => sink.enqueue(chunk.url.unwrap_or_default()),
            None => {
                sink.reset();
                value.set(Value::Null);
            }
        }));
        // Leaving the page stops the player too: the caller's cleanup resets every sink.
        player
    });
    let (scheduled, seconds, playing, error) = match &player {
        Some(p) => (p.scheduled, p.seconds, p.playing, p.error),
        None => (RwSignal::new(0), RwSignal::new(0.0), RwSignal::new(false), RwSignal::new(None)),
    };
    let live = move || scheduled.get() > 0 && url().is_none();
    view! {
        <figure class="component audio output" data-chunks=move || scheduled.get()
            data-seconds=move || format!("{:.3}", seconds.get()) data-playing=move || playing.get().to_string()>
            <figcaption>{f.label.clone()}</figcaption>
            <p class="audio-live" role="status" hidden=move || !live()>
                {move || format!("Playing as it arrives: {} chunks, {:.1} s", scheduled.get(), seconds.get())}
            </p>
            <audio controls=true src=url autoplay=autoplay && !live_chunks hidden=move || url().is_none()
                aria-label=f.label.clone()></audio>
            <p class="audio-empty" hidden=move || url().is_some() || live()>"No audio yet"</p>
            <a class="download" href=url download=download_name hidden=move || url().is_none()>
                "Download " {f.label.clone()}
            </a>
            {move || error.get().map(|message| view! { <p class="error" role="alert">{message}</p> })}
        </figure>
    }
}

/// Audio from a microphone recording or a file, uploaded as soon as it is complete.
fn audio_input(f: Field, sources: Vec<AudioSource>) -> impl IntoView {
    let upload = Upload::new();
    let (uploading, error) = (upload.busy, upload.error);
    let take = f.uploader(upload);
    let file = f.file();
    let url = move || file().and_then(|f| f.url);
    let legend_id = format!("{}-label", f.id);
    let labelled_by = legend_id.clone();
    let has = |source| sources.contains(&source);
    view! {
        <fieldset class="component audio input" aria-labelledby=labelled_by>
            <legend id=legend_id>{f.label.clone()}</legend>
            <audio controls=true src=url hidden=move || url().is_none() aria-label=format!("{} (chosen)", f.label)></audio>
            {has(AudioSource::Microphone).then(|| recorder(take, error))}
            {has(AudioSource::Upload).then(|| view! {
                <label class="drop-zone">
                    "Choose an audio file (WAV, FLAC, MP3, Ogg) "
                    <input type="file" id=f.id.clone() accept="audio/*"
                        on:change=move |ev| {
                            let input = event_target::<web_sys::HtmlInputElement>(&ev);
                            if let Some(picked) = input.files().and_then(|files| files.get(0)) {
                                take(picked.clone().into(), picked.name());
                            }
                        }/>
                </label>
            })}
            <p class="hint" hidden=move || !uploading.get()>"Uploading…"</p>
            {move || error.get().map(|message| view! { <p class="error" role="alert">{message}</p> })}
        </fieldset>
    }
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
            None => error.set(Some("The recording is empty: no sound was captured. Record for a moment longer.".into())),
        }
    };
    crate::on_leave(move || drop(microphone.take()));
    view! {
        <div class="recorder">
            <button type="button" class="secondary" hidden=move || recording.get() on:click=start>"Record"</button>
            <button type="button" class="primary" hidden=move || !recording.get() on:click=stop>"Stop recording"</button>
            <meter class="level" min="0" max="1" value=move || level.get() aria-label="Microphone level"
                hidden=move || !recording.get()></meter>
        </div>
    }
}

/// The microphone of a streaming input: Record/Stop, the level meter, the time left.
fn microphone_stream(f: Field) -> impl IntoView {
    let streamer = expect_context::<Streamer>();
    let legend_id = format!("{}-label", f.id);
    let labelled_by = legend_id.clone();
    let status = streamer.status;
    view! {
        <fieldset class="component audio microphone" aria-labelledby=labelled_by>
            <legend id=legend_id>{f.label.clone()}</legend>
            <div class="stream-controls">
                <button type="button" class="primary" hidden=move || status.get().is_running()
                    on:click=move |_| streamer.start(Source::Microphone)>"Record"</button>
                <button type="button" class="secondary" hidden=move || !status.get().is_running()
                    on:click=move |_| streamer.stop()>"Stop"</button>
                <meter class="level" min="0" max="1" value=move || streamer.level.get() aria-label="Microphone level"
                    hidden=move || !status.get().is_running()></meter>
                <span class="time-left">{move || streamer.seconds_left.get().map(|s| format!("{s} s left"))}</span>
            </div>
            {stream_notes(streamer, "microphone", "Record")}
        </fieldset>
    }
}
