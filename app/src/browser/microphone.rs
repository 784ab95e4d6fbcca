//! The microphone, through `getUserMedia` and an AudioWorklet: raw PCM as it is captured (not
//! the deprecated ScriptProcessor, not MediaRecorder's compressed chunks), with a level for
//! the meter. The samples wait in a buffer until taken: all at once when a recording stops,
//! or every `stream_every` seconds while a stream runs.

use std::{cell::RefCell, rc::Rc};

use js_sys::Float32Array;
use leptos::prelude::*;
use rheo_shared::AudioData;
use wasm_bindgen::{prelude::*, JsCast};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AudioContext, AudioWorkletNode, MediaStream, MessageEvent};

use super::devices;
use crate::words::{words, Text};

/// The worklet: mixes the input to mono and posts it in batches of about 5 ms (256 frames, two
/// render quanta), transferring each buffer rather than copying it. Small, because a chunk
/// taken every `stream_every` holds only the batches posted so far: with 1024 frames (21 ms)
/// a 0.05 s chunk ended up to 21 ms before its tick.
const CAPTURE_WORKLET: &str = r#"
class RheoCapture extends AudioWorkletProcessor {
  constructor() { super(); this.batch = new Float32Array(256); this.filled = 0; }
  process(inputs) {
    const channels = inputs[0];
    if (!channels || channels.length === 0) return true;
    const frames = channels[0].length;
    for (let i = 0; i < frames; i++) {
      let sum = 0;
      for (const channel of channels) sum += channel[i];
      this.batch[this.filled++] = sum / channels.length;
      if (this.filled === this.batch.length) {
        this.port.postMessage(this.batch, [this.batch.buffer]);
        this.batch = new Float32Array(256);
        this.filled = 0;
      }
    }
    return true;
  }
}
registerProcessor("rheo-capture", RheoCapture);
"#;

/// The most seconds of samples kept waiting; older ones are dropped (a stream whose server
/// stalls must not grow the page's memory without end).
const MAX_BUFFERED_SECONDS: f64 = 60.0;

/// A running microphone.
pub(crate) struct Microphone {
    stream: MediaStream,
    context: AudioContext,
    _worklet: AudioWorkletNode,
    buffer: Rc<RefCell<Vec<f32>>>,
    _on_samples: Closure<dyn FnMut(MessageEvent)>,
}

impl Microphone {
    /// Asks for the microphone and starts capturing; `level` follows the loudness (0 to 1).
    /// The error says, in words, why there is no microphone.
    pub(crate) async fn start(level: RwSignal<f64>) -> Result<Microphone, String> {
        let stream = devices::open_microphone().await?;
        // `Clone::clone`, not `stream.clone()`: that is JS's MediaStream.clone(), which makes new
        // tracks, and stopping them would leave the microphone on.
        let started = Self::capture(Clone::clone(&stream), level).await;
        if started.is_err() {
            devices::release(&stream);
        }
        started
    }

    /// Captures the sound of a stream the page already has (a camera's, asked for with the
    /// microphone); stopping it stops the whole stream.
    pub(crate) async fn of_stream(stream: MediaStream, level: RwSignal<f64>) -> Result<Microphone, String> {
        Self::capture(stream, level).await
    }

    async fn capture(stream: MediaStream, level: RwSignal<f64>) -> Result<Microphone, String> {
        let failed = |what: &'static str| {
            move |e: JsValue| words().fill(Text::MicrophoneFailed, &[("error", &format!("{what}: {e:?}"))])
        };
        let context = AudioContext::new().map_err(failed("audio context"))?;
        let module = super::script_url(CAPTURE_WORKLET).ok_or("the browser cannot load the capture worklet")?;
        let added =
            context.audio_worklet().map_err(failed("worklet"))?.add_module(&module).map_err(failed("worklet"))?;
        JsFuture::from(added).await.map_err(failed("worklet"))?;
        let _ = web_sys::Url::revoke_object_url(&module);
        let worklet = AudioWorkletNode::new(&context, "rheo-capture").map_err(failed("worklet"))?;
        let source = context.create_media_stream_source(&stream).map_err(failed("source"))?;
        source.connect_with_audio_node(&worklet).map_err(failed("connect"))?;
        // The worklet writes silence; connected, the graph pulls it even with nothing to play.
        worklet.connect_with_audio_node(&context.destination()).map_err(failed("connect"))?;
        let buffer = Rc::new(RefCell::new(Vec::new()));
        let max_buffered = (MAX_BUFFERED_SECONDS * f64::from(context.sample_rate())) as usize;
        let on_samples = {
            let buffer = buffer.clone();
            Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
                let samples = event.data().unchecked_into::<Float32Array>().to_vec();
                level.set(rms(&samples));
                let mut buffer = buffer.borrow_mut();
                buffer.extend_from_slice(&samples);
                let excess = buffer.len().saturating_sub(max_buffered);
                buffer.drain(..excess);
            })
        };
        worklet.port().map_err(failed("worklet"))?.set_onmessage(Some(on_samples.as_ref().unchecked_ref()));
        if let Ok(resumed) = context.resume() {
            let _ = JsFuture::from(resumed).await;
        }
        Ok(Microphone { stream, context, _worklet: worklet, buffer, _on_samples: on_samples })
    }

    /// Everything captured since the last take, as mono audio; `None` when nothing was.
    pub(crate) fn take(&self) -> Option<AudioData> {
        let samples = std::mem::take(&mut *self.buffer.borrow_mut());
        (!samples.is_empty()).then(|| AudioData::mono(self.context.sample_rate() as u32, samples))
    }

    /// Stops capturing and releases the device.
    pub(crate) fn stop(&self) {
        devices::release(&self.stream);
        let _ = self.context.close();
    }
}

impl Drop for Microphone {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The loudness of a batch (root mean square, with a gain so speech fills the meter).
fn rms(samples: &[f32]) -> f64 {
    if samples.is_empty() {
        return 0.0;
    }
    let power: f64 = samples.iter().map(|s| f64::from(*s).powi(2)).sum::<f64>() / samples.len() as f64;
    (power.sqrt() * 3.0).min(1.0)
}
