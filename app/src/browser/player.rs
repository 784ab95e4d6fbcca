//! Gapless playback of a generator's audio chunks with Web Audio, each scheduled the moment it
//! arrives: the first plays at once (no waiting for a playlist or for the end), each next one
//! starts exactly where the one before ends. Chunks are fetched and decoded in arrival order.

use std::{
    cell::{Cell, RefCell},
    collections::VecDeque,
    rc::Rc,
};

use gloo_net::http::Request;
use js_sys::Uint8Array;
use leptos::{prelude::*, task::spawn_local};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AudioBuffer, AudioBufferSourceNode, AudioContext, AudioContextState, AudioScheduledSourceNode, BaseAudioContext,
};

use crate::words::{tr, Text};

/// How far ahead of "now" a chunk that has nothing before it is scheduled, in seconds, so its
/// first samples are not cut off.
const LEAD: f64 = 0.005;

/// The chunk player of one streaming audio output.
#[derive(Clone)]
pub(crate) struct ChunkPlayer {
    inner: Rc<Inner>,
    /// Chunks scheduled in the current stream.
    pub(crate) scheduled: RwSignal<u32>,
    /// Seconds of audio scheduled in the current stream.
    pub(crate) seconds: RwSignal<f64>,
    /// Whether the audio context runs (the browser let the page make sound) with chunks on it.
    pub(crate) playing: RwSignal<bool>,
    /// Why a chunk could not be played, if one could not.
    pub(crate) error: RwSignal<Option<String>>,
}

#[derive(Default)]
struct Inner {
    context: RefCell<Option<AudioContext>>,
    /// Where (in the context's time) the next chunk starts.
    next_start: Cell<f64>,
    waiting: RefCell<VecDeque<String>>,
    /// The sources scheduled and not yet over, with when (in the context's time) each ends.
    sources: RefCell<Vec<(AudioBufferSourceNode, f64)>>,
    draining: Cell<bool>,
    /// Bumped by `reset`: a chunk fetched for an older stream is not played.
    generation: Cell<u32>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        if let Some(context) = self.context.take() {
            let _ = context.close();
        }
    }
}

impl ChunkPlayer {
    pub(crate) fn new() -> Self {
        ChunkPlayer {
            inner: Rc::default(),
            scheduled: RwSignal::new(0),
            seconds: RwSignal::new(0.0),
            playing: RwSignal::new(false),
            error: RwSignal::new(None),
        }
    }

    /// Plays the chunk at `url` right after the ones before it.
    pub(crate) fn enqueue(&self, url: String) {
        self.inner.waiting.borrow_mut().push_back(url);
        if !self.inner.draining.replace(true) {
            let player = self.clone();
            spawn_local(async move { player.drain().await });
        }
    }

    /// Stops what plays and forgets what waits: a new stream starts from silence. The context
    /// stays, so that the next stream plays without asking the browser again (a conversation's
    /// next reply comes from the server, not from a click).
    pub(crate) fn reset(&self) {
        self.inner.generation.set(self.inner.generation.get() + 1);
        for url in self.inner.waiting.borrow_mut().drain(..).filter(|url| url.starts_with("blob:")) {
            let _ = web_sys::Url::revoke_object_url(&url);
        }
        for (source, _) in self.inner.sources.borrow_mut().drain(..) {
            let _ = AudioScheduledSourceNode::stop(&source);
        }
        self.inner.next_start.set(0.0);
        self.scheduled.set(0);
        self.seconds.set(0.0);
        self.playing.set(false);
        self.error.set(None);
    }

    async fn drain(&self) {
        loop {
            let next = self.inner.waiting.borrow_mut().pop_front();
            let Some(url) = next else { break };
            let generation = self.inner.generation.get();
            let decoded = self.decode(&url).await;
            // A stream's chunk is a `blob:` URL of its own, read once (see `Streamer::answered`).
            if url.starts_with("blob:") {
                let _ = web_sys::Url::revoke_object_url(&url);
            }
            match decoded {
                Ok((context, buffer)) if generation == self.inner.generation.get() => self.schedule(&context, &buffer),
                Ok(_) => {}
                Err(message) => self.error.set(Some(message)),
            }
        }
        self.inner.draining.set(false);
    }

    /// The audio context, made on the first chunk and running: it is made after the user's
    /// click (Submit, stopping a recording, or starting a conversation, whose replies come
    /// later: the page has been clicked, so the browser lets it run), and kept until the
    /// player goes.
    async fn context(&self) -> Result<AudioContext, String> {
        let existing = self.inner.context.borrow().clone();
        let context = match existing {
            Some(context) => context,
            None => {
                let context = AudioContext::new().map_err(|_| tr(Text::NoWebAudio))?;
                self.inner.next_start.set(0.0);
                *self.inner.context.borrow_mut() = Some(context.clone());
                context
            }
        };
        if context.state() == AudioContextState::Suspended {
            if let Ok(resumed) = context.resume() {
                let _ = JsFuture::from(resumed).await;
            }
        }
        Ok(context)
    }

    async fn decode(&self, url: &str) -> Result<(AudioContext, AudioBuffer), String> {
        let context = self.context().await?;
        let decoded = async { decode(&context, &fetch(url).await?).await };
        let buffer = decoded.await.map_err(|e| format!("an audio chunk could not be played: {e}"))?;
        Ok((context, buffer))
    }

    /// Starts `buffer` where the last chunk ends, or at once if that has passed.
    fn schedule(&self, context: &AudioContext, buffer: &AudioBuffer) {
        let Ok(source) = context.create_buffer_source() else { return };
        source.set_buffer(Some(buffer));
        if source.connect_with_audio_node(&context.destination()).is_err() {
            return;
        }
        let start = self.inner.next_start.get().max(context.current_time() + LEAD);
        if source.start_with_when(start).is_ok() {
            self.inner.next_start.set(start + buffer.duration());
            let mut sources = self.inner.sources.borrow_mut();
            sources.retain(|(_, end)| *end > context.current_time());
            sources.push((source, start + buffer.duration()));
            self.scheduled.update(|n| *n += 1);
            self.seconds.update(|s| *s += buffer.duration());
            self.playing.set(context.state() == AudioContextState::Running);
        }
    }
}

/// The file at `url`.
pub(crate) async fn fetch(url: &str) -> Result<Vec<u8>, String> {
    Request::get(url).send().await.map_err(|e| e.to_string())?.binary().await.map_err(|e| e.to_string())
}

/// An audio file's `bytes`, decoded by `context` (at its sample rate).
pub(crate) async fn decode(context: &BaseAudioContext, bytes: &[u8]) -> Result<AudioBuffer, String> {
    let decoding = context.decode_audio_data(&Uint8Array::from(bytes).buffer()).map_err(|e| format!("{e:?}"))?;
    Ok(JsFuture::from(decoding).await.map_err(|e| format!("{e:?}"))?.unchecked_into())
}
