//! Calls, the layer above the browser's devices: Rheo's HTTP API as the page uses it
//! ([`api`]), the "always last" rule and its siblings ([`live::CallQueue`]), and the
//! [`Caller`] that sends an event's calls by its rule and shows their answers.

pub(crate) mod api;
pub(crate) mod live;
pub(crate) mod status;

use std::rc::Rc;

use leptos::{prelude::*, task::spawn_local};
use rheo_shared::{
    protocol::{diff::apply, AlertLevel, CallEvent, ErrorBody, FlagRequest, RunDiff, RunLine, RunRequest, RunResponse},
    ComponentSpec, FileData, TriggerMode, Value,
};
use web_sys::AbortController;

use crate::{
    browser::{
        object_url,
        picture::{self, Picture},
        BrowserValue,
    },
    components::Look,
    words::{tr, words, Text},
};
use api::Endpoint;
use live::CallQueue;
use status::{CallStatus, Toast, Toasts};

/// How long an alert stays on screen unless closed (Gradio's default duration).
const TOAST_SECONDS: u64 = 10;

/// Where a streaming audio output takes its chunks: `Some` chunk to play next, or `None` when
/// a new call starts or the user stops one (silence, forget what waits).
pub(crate) type ChunkSink = Rc<dyn Fn(Option<FileData>)>;

/// Where an image output paints a stream's pictures (see `browser::picture`).
pub(crate) type PictureSink = Rc<dyn Fn(Picture)>;

/// An image output that paints a stream's pictures, and the last it was given: the output's
/// value once the stream ends.
#[derive(Clone)]
struct PictureOutput {
    sink: PictureSink,
    last: Option<Picture>,
}

/// An event's calls: sends them by the trigger mode's rule of [`CallQueue`] and shows answers,
/// a generator's one by one. Widgets get it as a prop (an upload needs the interface's name).
#[derive(Clone, Copy)]
pub(crate) struct Caller {
    endpoint: StoredValue<Endpoint>,
    /// The output components, which read the answers' values.
    output_specs: StoredValue<Vec<ComponentSpec>>,
    inputs: StoredValue<Vec<RwSignal<Value>>>,
    outputs: StoredValue<Vec<RwSignal<Value>>>,
    /// How each output shows, which an update changes.
    looks: StoredValue<Vec<Look>>,
    error: RwSignal<Option<String>>,
    busy: RwSignal<bool>,
    status: RwSignal<CallStatus>,
    toasts: RwSignal<Toasts>,
    queue: StoredValue<CallQueue>,
    generator: bool,
    /// Told whether the last call succeeded when the calls end (a Blocks app's chained events).
    done: StoredValue<Option<Callback<bool>>>,
    /// The page's session, which the interface's `State` belongs to; set once hydrated, and
    /// new after Clear.
    session: StoredValue<Option<String>>,
    /// Stops the running generator call.
    abort: BrowserValue<AbortController>,
    /// The chunk player of each streaming audio output, by position.
    chunk_sinks: BrowserValue<Vec<Option<ChunkSink>>>,
    /// The image outputs that paint a stream's pictures, by position.
    picture_outputs: BrowserValue<Vec<Option<PictureOutput>>>,
    /// What fired the next call (a like's data), for an event that takes it.
    event_data: StoredValue<Option<serde_json::Value>>,
    /// The page's uploads, which a call waits for.
    uploads: Uploads,
}

/// The page's uploads in flight, and the calls waiting for them. A call that reads an input
/// still uploading waits for it, busy: Submit pressed while a chosen image was on its way sent
/// the input empty (stop 50's CI run lost a test to that race; a slow link makes it a
/// person's). Calls that read no uploading input go at once.
#[derive(Clone, Copy)]
pub(crate) struct Uploads(StoredValue<InFlight>);

#[derive(Default)]
struct InFlight {
    /// The input each upload in flight goes into, once per upload.
    uploading: Vec<RwSignal<Value>>,
    /// The callers asked to call meanwhile, each once.
    waiting: Vec<Caller>,
}

impl InFlight {
    fn reads_uploading(&self, caller: Caller) -> bool {
        caller.inputs.with_value(|inputs| inputs.iter().any(|input| self.uploading.contains(input)))
    }
}

impl Uploads {
    pub(crate) fn new() -> Self {
        Uploads(StoredValue::new(InFlight::default()))
    }

    /// An upload into input `into` starts; it counts until the guard is dropped.
    pub(crate) fn start(self, into: RwSignal<Value>) -> UploadInFlight {
        self.0.update_value(|in_flight| in_flight.uploading.push(into));
        UploadInFlight { uploads: self, into, failed: false }
    }

    /// Whether `caller` must wait, busy meanwhile: it is called when its inputs' uploads end.
    fn hold(self, caller: Caller) -> bool {
        let held = self.0.with_value(|in_flight| in_flight.reads_uploading(caller));
        if held {
            self.0.update_value(|in_flight| {
                if !in_flight.waiting.iter().any(|waiting| waiting.queue == caller.queue) {
                    in_flight.waiting.push(caller);
                }
            });
            caller.busy.set(true);
        }
        held
    }

    /// `caller` no longer waits (stopped, cleared, or its page gone); whether it did.
    fn release(self, caller: Caller) -> bool {
        let released = self.0.try_update_value(|in_flight| {
            let waited = in_flight.waiting.len();
            in_flight.waiting.retain(|waiting| waiting.queue != caller.queue);
            in_flight.waiting.len() != waited
        });
        released.unwrap_or(false)
    }
}

/// One upload in flight (see [`Uploads::start`]). Its end sends the calls that waited for it
/// alone, unless it failed: their input would be empty, and the failure is said under it.
pub(crate) struct UploadInFlight {
    uploads: Uploads,
    into: RwSignal<Value>,
    failed: bool,
}

impl UploadInFlight {
    /// The upload failed: the calls waiting for it are not sent.
    pub(crate) fn fail(&mut self) {
        self.failed = true;
    }
}

impl Drop for UploadInFlight {
    fn drop(&mut self) {
        let into = self.into;
        // try_: the page may have gone while the upload ran.
        let ended = self.uploads.0.try_update_value(|in_flight| {
            if let Some(at) = in_flight.uploading.iter().position(|input| *input == into) {
                in_flight.uploading.remove(at);
            }
            let (ended, still): (Vec<Caller>, Vec<Caller>) = std::mem::take(&mut in_flight.waiting)
                .into_iter()
                .partition(|&caller| !in_flight.reads_uploading(caller));
            in_flight.waiting = still;
            ended
        });
        for caller in ended.into_iter().flatten() {
            if self.failed {
                caller.busy.set(false);
            } else {
                caller.request();
            }
        }
    }
}

impl Caller {
    /// The inputs changed, or Submit was pressed.
    pub(crate) fn request(self) {
        if self.uploads.hold(self) {
            return;
        }
        if let Some(seq) = self.queue.write_value().request() {
            self.send(seq);
        }
    }

    fn send(self, seq: u64) {
        let fn_index = Some(self.endpoint.with_value(|endpoint| endpoint.fn_index));
        let request = RunRequest {
            data: self.input_values(),
            session: self.session(),
            events: false,
            fn_index,
            api_name: None,
            diffs: self.generator,
            event_data: self.event_data.get_value(),
        };
        self.busy.set(true);
        self.status.set(CallStatus::Quiet);
        // A generator can be stopped (its Stop button); its chunks start over.
        let controller = self.generator.then(AbortController::new).and_then(Result::ok);
        let signal = controller.as_ref().map(AbortController::signal);
        if let Some(controller) = controller {
            // In "multiple", an older generator's answers would no longer show: a newer call
            // stops it (on the server too).
            if let Some(older) = self.abort.take() {
                older.abort();
            }
            self.abort.set(controller);
            self.reset_chunks();
        }
        spawn_local(async move {
            // A generator's answers show as they come, a single answer when the call completes.
            let mut last = None;
            // A generator's answer, which the next one's edits apply to.
            let mut answer = api::Outputs::new();
            let mut answered = false;
            let on_line = |line| {
                let current = self.queue.read_value().is_current(seq);
                match line {
                    RunLine::Answer(RunResponse { data }) if self.generator => {
                        answered = true;
                        answer = data;
                        if current {
                            self.show(Ok(answer.clone()));
                        }
                    }
                    RunLine::Diff(RunDiff { diff }) => {
                        let applied = answer.iter_mut().zip(&diff).try_for_each(|(json, edits)| apply(json, edits));
                        if current {
                            self.show(applied.map(|()| answer.clone()).map_err(|e| e.to_string()));
                        }
                    }
                    RunLine::Answer(RunResponse { data }) => last = Some(Ok(data)),
                    RunLine::Error(ErrorBody { error }) => last = Some(Err(error)),
                    RunLine::Event(event) if current => self.hear(&event),
                    RunLine::Event(_) => {}
                }
            };
            let ended = api::run(&self.endpoint(), request, signal.as_ref(), on_line).await;
            // Stopped (by Stop, or by a newer call of a generator in "multiple"): its failure to
            // finish is no error of its own.
            let result = ended.err().map(Err).or(last);
            let stopped = signal.as_ref().is_some_and(web_sys::AbortSignal::aborted);
            self.complete(seq, result.filter(|_| !stopped), answered);
        });
    }

    /// An event of the current call: the status follows it, an alert becomes a toast.
    fn hear(self, event: &CallEvent) {
        if let CallEvent::Alert { level, message } = event {
            self.toast(*level, message.clone());
        }
        self.status.update(|status| *status = std::mem::take(status).after(event));
    }

    /// Shows an alert for [`TOAST_SECONDS`], or until closed.
    fn toast(self, level: AlertLevel, message: String) {
        let mut id = 0;
        self.toasts.update(|toasts| id = toasts.push(level, message));
        let toasts = self.toasts;
        set_timeout(
            move || {
                toasts.try_update(|toasts| toasts.dismiss(id));
            },
            std::time::Duration::from_secs(TOAST_SECONDS),
        );
    }

    /// Flags the values shown now (inputs, then outputs) with `reason`; says how it went in a
    /// toast.
    pub(crate) fn flag(self, reason: Option<String>) {
        let outputs: Vec<Value> = self.outputs.read_value().iter().map(|s| s.get_untracked()).collect();
        self.flag_values(self.input_values().into_iter().chain(outputs).collect(), reason);
    }

    /// Flags `data` (a value for each input, then each output) for `reason`.
    pub(crate) fn flag_values(self, data: Vec<Value>, reason: Option<String>) {
        spawn_local(async move {
            match api::flag(&self.endpoint(), FlagRequest { data, reason }).await {
                Ok(()) => self.toast(AlertLevel::Info, tr(Text::Flagged)),
                Err(error) => self.toast(AlertLevel::Warning, words().fill(Text::NotFlagged, &[("error", &error)])),
            }
        });
    }

    /// Closes toast `id`.
    pub(crate) fn dismiss_toast(self, id: u64) {
        self.toasts.update(|toasts| toasts.dismiss(id));
    }

    /// The alerts on screen.
    pub(crate) fn toasts(self) -> Vec<Toast> {
        self.toasts.with(|toasts| toasts.shown().to_vec())
    }

    /// The running call's place in line or progress.
    pub(crate) fn status(self) -> CallStatus {
        self.status.get()
    }

    /// Call `seq` has ended with `result`; a generator that `answered` keeps what it showed
    /// when it fails after (a reply cut short is still the reply to these inputs).
    fn complete(self, seq: u64, result: Option<Result<api::Outputs, String>>, answered: bool) {
        let completion = self.queue.write_value().complete(seq);
        let succeeded = matches!(result, Some(Ok(_)));
        match result.filter(|_| completion.show) {
            Some(Err(message)) if answered => self.error.set(Some(message)),
            Some(result) => self.show(result),
            None => {}
        }
        if let Some(next) = completion.send_next {
            self.send(next);
        } else if completion.idle {
            self.busy.set(false);
            self.status.set(CallStatus::Quiet);
            if let Some(done) = self.done.get_value() {
                done.run(succeeded);
            }
        }
    }

    /// When the calls end, `done` hears whether the last succeeded.
    pub(crate) fn when_done(self, done: Callback<bool>) {
        self.done.set_value(Some(done));
    }

    /// Stops a running generator: on the server too (its task is dropped), and its sound.
    pub(crate) fn stop(self) {
        self.status.try_set(CallStatus::Quiet); // also called as the page goes
        if self.uploads.release(self) {
            self.busy.try_set(false);
        }
        if let Some(controller) = self.abort.take() {
            controller.abort();
        }
        if let Some(mut queue) = self.queue.try_write_value() {
            queue.discard_answers();
        }
        self.reset_chunks();
    }

    /// Tells the server the session ended (the page closes, or Clear starts a new one). A
    /// beacon, so it is sent even while the page unloads.
    pub(crate) fn end_session(self) {
        if let (Some(session), Some(window)) = (self.session(), web_sys::window()) {
            let _ = window.navigator().send_beacon(&self.endpoint().end_session(&session));
        }
    }

    /// The page's session, once it has one.
    pub(crate) fn session(self) -> Option<String> {
        self.session.get_value()
    }

    /// Streaming audio output `index` plays its chunks with `sink`.
    pub(crate) fn play_chunks_with(self, index: usize, sink: ChunkSink) {
        self.put_at(self.chunk_sinks, index, sink);
    }

    /// Image output `index` paints a stream's pictures with `sink`.
    pub(crate) fn paint_pictures_with(self, index: usize, sink: PictureSink) {
        self.put_at(self.picture_outputs, index, PictureOutput { sink, last: None });
    }

    /// Puts `value` in output `index`'s place among `places` (one per output, made at the first).
    fn put_at<T: Clone + 'static>(self, places: BrowserValue<Vec<Option<T>>>, index: usize, value: T) {
        let outputs = self.outputs.read_value().len();
        places.with_or_insert(
            || vec![None; outputs],
            |places| {
                if let Some(place) = places.get_mut(index) {
                    *place = Some(value);
                }
            },
        );
    }

    /// Shows a stream's answer: its outputs' values and the bytes of their files. A picture
    /// goes to its output's painter, if it has one; other files get `blob:` URLs.
    pub(crate) fn show_streamed(self, outputs: Vec<(Value, Vec<&[u8]>)>) {
        let values = outputs.into_iter().enumerate().map(|(index, (mut value, media))| {
            if let (Value::File(file), [bytes]) = (&value, &media[..]) {
                let picture = || Picture { file: file.clone(), bytes: js_sys::Uint8Array::from(*bytes) };
                if picture::paints(file.mime_type.as_deref()) && self.paint(index, picture) {
                    return None;
                }
            }
            for (file, bytes) in value.files_mut().iter_mut().zip(media) {
                file.url = object_url(&js_sys::Uint8Array::from(bytes), file.mime_type.as_deref());
            }
            Some(value)
        });
        self.set_some_outputs(values);
    }

    /// Gives output `index`'s painter the picture; false if it has none.
    fn paint(self, index: usize, picture: impl FnOnce() -> Picture) -> bool {
        let given = self.picture_outputs.with(|painters| {
            let painter = painters.get_mut(index)?.as_mut()?;
            let picture = picture();
            painter.last = Some(picture.clone());
            Some((painter.sink.clone(), picture))
        });
        given.flatten().map(|(sink, picture)| sink(picture)).is_some()
    }

    /// The stream ended: the last picture each output painted becomes its value (its file, with
    /// a `blob:` URL), as if it had been set, for a download, a flag or the next event to read.
    pub(crate) fn keep_pictures(self) {
        let kept = self.picture_outputs.with(|painters| {
            let last = painters.iter_mut().map(|painter| painter.as_mut().and_then(|p| p.last.take()));
            last.map(|picture| {
                picture.map(|Picture { mut file, bytes }| {
                    file.url = object_url(&bytes, file.mime_type.as_deref());
                    Value::File(file)
                })
            })
            .collect::<Vec<_>>()
        });
        self.set_some_outputs(kept.unwrap_or_default());
    }

    /// Stops every streaming audio output's playback and forgets its chunks.
    pub(crate) fn reset_chunks(self) {
        self.chunk_sinks.with(|sinks| sinks.iter().flatten().for_each(|sink| sink(None)));
    }

    fn show(self, result: Result<api::Outputs, String>) {
        match result {
            Ok(outputs) => {
                let values =
                    outputs.into_iter().enumerate().map(|(index, json)| self.read_output(index, json)).collect();
                self.set_outputs(values);
                self.error.set(None);
            }
            Err(message) => {
                self.clear_outputs();
                self.error.set(Some(message));
            }
        }
    }

    /// Output `index`'s value from the JSON it came as, read by its component.
    pub(crate) fn read_output(self, index: usize, json: serde_json::Value) -> Value {
        self.output_specs.with_value(|specs| match specs.get(index) {
            Some(spec) => spec.read_value(json),
            None => Value::Null,
        })
    }

    /// Whether output `index` is media (its bytes follow a stream's answer).
    pub(crate) fn output_carries_media(self, index: usize) -> bool {
        self.output_specs.with_value(|specs| specs.get(index).is_some_and(|spec| spec.kind.media().is_some()))
    }

    /// Where the interface's API is.
    pub(crate) fn endpoint(self) -> Endpoint {
        self.endpoint.get_value()
    }

    /// Every input's value now.
    pub(crate) fn input_values(self) -> Vec<Value> {
        self.inputs.read_value().iter().map(|s| s.get_untracked()).collect()
    }

    pub(crate) fn set_error(self, message: Option<String>) {
        self.error.set(message);
    }

    /// The error shown under the outputs, if any.
    pub(crate) fn error(self) -> Option<String> {
        self.error.get()
    }

    /// Whether a call is in flight.
    pub(crate) fn busy(self) -> bool {
        self.busy.get()
    }

    /// A generator's Stop button: the call ends here and on the server.
    pub(crate) fn stop_generator(self) {
        self.stop();
        self.busy.set(false);
    }

    /// The page is hydrated: it gets its session (a Blocks page's events share one).
    pub(crate) fn start_session(self, session: String) {
        self.session.set_value(Some(session));
    }

    /// Shows new outputs; an audio chunk goes to its output's player instead, and an update's
    /// look to its output's look. The replaced value's `blob:` URLs (a streamed frame's files) are
    /// revoked, or every frame of a stream would stay in memory.
    pub(crate) fn set_outputs(self, values: Vec<Value>) {
        self.set_some_outputs(values.into_iter().map(Some));
    }

    /// [`Caller::set_outputs`], where `None` leaves an output as it is.
    fn set_some_outputs(self, values: impl IntoIterator<Item = Option<Value>>) {
        let look = |index: usize| self.looks.with_value(|looks| looks.get(index).copied());
        for (index, (signal, value)) in self.outputs.read_value().iter().zip(values).enumerate() {
            let Some(value) = value else { continue };
            let value = match value {
                Value::Update(update) => match look(index).map(|look| look.show(*update)) {
                    Some(Some(value)) => value,
                    _ => continue,
                },
                value => value,
            };
            if let Value::File(chunk @ FileData { is_stream: true, .. }) = &value {
                if let Some(sink) = self.chunk_sinks.with(|sinks| sinks.get(index).cloned().flatten()).flatten() {
                    sink(Some(chunk.clone()));
                    continue;
                }
            }
            signal.with_untracked(|old| {
                for url in old.files().iter().filter_map(|file| file.url.as_deref()).filter(|u| u.starts_with("blob:"))
                {
                    let _ = web_sys::Url::revoke_object_url(url);
                }
            });
            // Set otherwise than by painting: the last picture painted is not to come back at
            // the stream's end over this value.
            self.picture_outputs.with(|outputs| outputs.get_mut(index).and_then(Option::as_mut).map(|o| o.last = None));
            signal.set(value);
        }
    }

    pub(crate) fn clear_outputs(self) {
        let none = vec![Value::Null; self.outputs.read_value().len()];
        self.set_outputs(none);
    }
}

impl Caller {
    /// The caller of `endpoint` (a `generator` or not), whose inputs and outputs are these
    /// signals, the outputs of these components, which show with these looks; its calls wait
    /// for the page's `uploads`.
    pub(crate) fn new(
        endpoint: Endpoint,
        output_specs: &[ComponentSpec],
        generator: bool,
        inputs: Vec<RwSignal<Value>>,
        outputs: Vec<RwSignal<Value>>,
        looks: Vec<Look>,
        uploads: Uploads,
    ) -> Self {
        Caller {
            endpoint: StoredValue::new(endpoint),
            output_specs: StoredValue::new(output_specs.to_vec()),
            inputs: StoredValue::new(inputs),
            outputs: StoredValue::new(outputs),
            looks: StoredValue::new(looks),
            error: RwSignal::new(None),
            busy: RwSignal::new(false),
            status: RwSignal::new(CallStatus::Quiet),
            toasts: RwSignal::new(Toasts::default()),
            queue: StoredValue::new(CallQueue::new(TriggerMode::AlwaysLast)),
            generator,
            done: StoredValue::new(None),
            session: StoredValue::new(None),
            abort: BrowserValue::new(),
            chunk_sinks: BrowserValue::new(),
            picture_outputs: BrowserValue::new(),
            event_data: StoredValue::new(None),
            uploads,
        }
    }

    /// The page's uploads, which an upload counts itself in.
    pub(crate) fn uploads(self) -> Uploads {
        self.uploads
    }

    /// Firings while a call runs follow `mode` (always last unless told).
    pub(crate) fn with_trigger_mode(self, mode: TriggerMode) -> Self {
        self.queue.set_value(CallQueue::new(mode));
        self
    }

    /// Sets what fired the calls from now on (an event fired by a like sends which).
    pub(crate) fn set_event_data(self, data: serde_json::Value) {
        self.event_data.set_value(Some(data));
    }
}

/// A fresh id for the page's session: 128 random bits from the browser's crypto generator, as
/// hex. It keeps one page's State apart from another's, so it must not be guessable.
pub(crate) fn new_session_id() -> String {
    let mut bytes = [0_u8; 16];
    let crypto = web_sys::window().and_then(|window| window.crypto().ok());
    let filled = crypto.is_some_and(|crypto| crypto.get_random_values_with_u8_array(&mut bytes).is_ok());
    if !filled {
        // Every browser Rheo runs in has `crypto`; this only keeps ids apart without it.
        bytes.iter_mut().for_each(|b| *b = (js_sys::Math::random() * 256.0) as u8);
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
