use serde::{Deserialize, Serialize};

use crate::components::{Button, ButtonVariant, Kind};
use crate::{
    BlocksSpec, CacheMode, Cancel, ComponentKind, ComponentSpec, EventSpec, ExampleCache, ExampleSet, Node, Reset,
    Trigger, TriggerMode, Value,
};

/// Everything the UI needs to render one interface and the API needs to describe it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InterfaceSpec {
    /// The path segment it is mounted at: `/<name>`.
    pub name: String,
    pub title: String,
    /// Markdown shown under the title.
    pub description: String,
    /// Markdown shown under the interface (Gradio's `article`).
    #[serde(default)]
    pub article: String,
    /// The description and the article may hold raw HTML, which the page keeps (the author's
    /// choice; scripts still cannot run: the page's CSP allows only its own). Off: it is
    /// shown as text.
    #[serde(default)]
    pub html_in_text: bool,
    pub inputs: Vec<ComponentSpec>,
    pub outputs: Vec<ComponentSpec>,
    /// Recompute on every input change, with no Submit button.
    pub live: bool,
    /// A live interface's pause, in seconds, after the last change before it recomputes (a
    /// word typed, not each letter); `None` for at once.
    #[serde(default)]
    pub live_debounce: Option<f64>,
    /// What a change (live) or a Submit does while a call runs; `None`: Gradio's default.
    #[serde(default)]
    pub trigger_mode: Option<TriggerMode>,
    /// The endpoint name programmatic clients call (Gradio's `api_name`).
    pub api_name: String,
    /// Seconds between captured chunks or frames of a streaming input.
    pub stream_every: f64,
    /// Seconds one stream may run; `None` for no limit.
    pub time_limit: Option<f64>,
    /// Rows of input values that fill the inputs when clicked.
    pub examples: Vec<Vec<Value>>,
    /// Calls of this interface that may run at once; `None` for no limit.
    pub concurrency_limit: Option<usize>,
    /// The handler is a generator: a call answers a stream of outputs, each replacing the last.
    #[serde(default)]
    pub generator: bool,
    /// The handler takes the whole stream of its streaming input, a conversation: it answers
    /// when it likes (not once per chunk or frame) and may interrupt its own reply.
    #[serde(default)]
    pub duplex: bool,
    /// A Flag button under the outputs (Gradio's `flagging_mode="manual"`); `None`: off.
    #[serde(default)]
    pub flagging: Option<Flagging>,
    /// How calls are gathered into batches, for a handler that takes a batch; `None`: one
    /// call at a time.
    #[serde(default)]
    pub batch: Option<Batching>,
    /// Whether the server keeps the examples' outputs, and when it computes them; `None`: each
    /// example clicked is a call like any other.
    #[serde(default)]
    pub cache_examples: Option<CacheMode>,
}

/// The longest pause a live interface may wait after a change before it recomputes.
pub(crate) const MAX_DEBOUNCE_SECONDS: f64 = 10.0;

/// What is wrong with these streaming inputs of one endpoint, if anything: one streams, or a
/// webcam and a microphone together.
pub(crate) fn streams_together<'a>(kinds: impl Iterator<Item = &'a ComponentKind>) -> Option<String> {
    let kinds: Vec<&ComponentKind> = kinds.collect();
    let pair = |a: &ComponentKind, b: &ComponentKind| {
        matches!(
            (a, b),
            (ComponentKind::Image(_), ComponentKind::Audio(_)) | (ComponentKind::Audio(_), ComponentKind::Image(_))
        )
    };
    match kinds[..] {
        [] | [_] => None,
        [a, b] if pair(a, b) => None,
        _ => Some("streaming inputs stream one at a time, or as a webcam and a microphone together".to_owned()),
    }
}

/// What is wrong with a conversation (a handler of a whole stream) that `streams` or not and
/// reads or writes `components`.
pub(crate) fn conversation_problems<'a>(
    streams: bool,
    mut components: impl Iterator<Item = &'a ComponentSpec>,
) -> Vec<String> {
    let mut problems = Vec::new();
    if !streams {
        problems.push("a conversation (a function of an Incoming stream) needs a streaming input to hear".to_owned());
    }
    if components.any(|c| matches!(c.kind, ComponentKind::State(_))) {
        problems.push("a conversation keeps its memory in its handler: it takes and gives no State".to_owned());
    }
    problems
}

/// How a batched handler's calls are gathered (Gradio's `batch=True` with `max_batch_size`):
/// the calls waiting when a run may start, up to `max_size`, run together; a run waits up to
/// `max_wait` seconds for its batch to fill. Its concurrency limit counts runs, not calls.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Batching {
    pub max_size: usize,
    pub max_wait: f64,
}

/// The most calls one batch may hold.
pub const MAX_BATCH_SIZE: usize = 1024;

/// The longest a batch may wait to fill, in seconds.
const MAX_BATCH_WAIT_SECONDS: f64 = 10.0;

impl Batching {
    /// What is wrong with these settings, in words.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if !(1..=MAX_BATCH_SIZE).contains(&self.max_size) {
            problems.push(format!("max_batch_size must be 1 to {MAX_BATCH_SIZE}"));
        }
        if !(self.max_wait.is_finite() && (0.0..=MAX_BATCH_WAIT_SECONDS).contains(&self.max_wait)) {
            problems.push(format!("a batch's max_wait must be 0 to {MAX_BATCH_WAIT_SECONDS} seconds"));
        }
        problems
    }
}

/// The longest reason a flag may give (an author's option, or a person's words), in characters.
pub const MAX_FLAG_REASON_CHARS: usize = 200;

/// How a person flags a call: with one button, or with one button per reason the author gave
/// (Gradio's `flagging_options`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Flagging {
    pub reasons: Vec<String>,
}

/// A value that does not fit its component, or a wrong number of values.
#[derive(Clone, Debug, PartialEq)]
pub struct Misfit {
    /// The position and label of the value that does not fit; `None` when the count is wrong.
    pub component: Option<(usize, String)>,
    /// What is wrong, in words.
    pub reason: String,
}

impl std::fmt::Display for Misfit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.component {
            Some((_, label)) => write!(f, "{label}: {}", self.reason),
            None => f.write_str(&self.reason),
        }
    }
}

/// Checks one value for each component, in order, and reports every misfit.
pub fn check_values(components: &[ComponentSpec], values: &[Value]) -> Result<(), Vec<Misfit>> {
    if values.len() != components.len() {
        let labels: Vec<&str> = components.iter().map(|c| c.label.as_str()).collect();
        let reason = format!("expected {} values ({}), got {}", components.len(), labels.join(", "), values.len());
        return Err(vec![Misfit { component: None, reason }]);
    }
    let misfits: Vec<Misfit> = components
        .iter()
        .zip(values)
        .enumerate()
        .filter_map(|(index, (component, value))| {
            let error = component.validate(value).err()?;
            Some(Misfit { component: Some((index, component.label.clone())), reason: error.to_string() })
        })
        .collect();
    if misfits.is_empty() {
        Ok(())
    } else {
        Err(misfits)
    }
}

/// What the index page lists of each interface.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InterfaceSummary {
    pub name: String,
    pub title: String,
    pub description: String,
}

impl InterfaceSpec {
    /// Checks the whole declaration: the name, every component, the examples, the timings.
    /// Returns every problem found, in words, so an author can fix them all at once.
    pub fn check(&self) -> Result<(), Vec<String>> {
        let mut problems = Vec::new();
        if !is_path_segment(&self.name) {
            problems.push(format!("interface name {:?}: use 1-64 lowercase letters, digits, '-' or '_'", self.name));
        }
        let inputs = self.inputs.iter().map(ComponentSpec::check_input);
        let outputs = self.outputs.iter().map(ComponentSpec::check);
        problems.extend(inputs.chain(outputs).filter_map(Result::err).map(|e| e.to_string()));
        for (row, example) in self.examples.iter().enumerate() {
            if let Err(misfits) = check_values(&self.inputs, example) {
                problems.extend(misfits.iter().map(|m| format!("example {}: {m}", row + 1)));
            }
        }
        let streaming = self.inputs.iter().filter(|c| c.kind.is_streaming()).count();
        problems.extend(streams_together(self.inputs.iter().filter(|c| c.kind.is_streaming()).map(|c| &c.kind)));
        if streaming > 0 && !self.live {
            problems.push("a streaming input needs a live interface (.live(true))".into());
        }
        if streaming > 0 && self.generator && !self.duplex {
            problems.push("a generator cannot take a streaming input: each chunk or frame gets one answer".into());
        }
        if self.duplex {
            problems.extend(conversation_problems(streaming > 0, self.inputs.iter().chain(&self.outputs)));
        }
        if self.inputs.iter().any(|c| matches!(&c.kind, ComponentKind::Audio(audio) if audio.autoplay)) {
            problems.push("autoplay is for audio outputs".into());
        }
        if self.outputs.iter().any(|c| matches!(&c.kind, ComponentKind::Image(image) if image.streams())) {
            problems.push("streaming images are webcam inputs; an image output shows each value it gets".into());
        }
        if !(self.stream_every.is_finite() && self.stream_every > 0.0) {
            problems.push("stream_every must be a positive number of seconds".into());
        }
        if self.time_limit.is_some_and(|t| !(t.is_finite() && t > 0.0)) {
            problems.push("time_limit must be a positive number of seconds".into());
        }
        if self.concurrency_limit == Some(0) {
            problems.push("concurrency_limit must be at least 1".into());
        }
        if self.live_debounce.is_some_and(|d| !(d.is_finite() && (0.0..=MAX_DEBOUNCE_SECONDS).contains(&d))) {
            problems.push(format!("live_debounce must be 0 to {MAX_DEBOUNCE_SECONDS} seconds"));
        }
        problems.extend(self.batch.iter().flat_map(Batching::problems));
        if self.trigger_mode.is_some() && streaming > 0 {
            problems.push("a streaming interface has no trigger mode: each chunk or frame is sent as it comes".into());
        }
        if self.cache_examples.is_some() {
            if streaming > 0 {
                problems
                    .push("a streaming interface's examples cannot be cached: each frame is a call of its own".into());
            }
            let stateful = |c: &ComponentSpec| matches!(c.kind, ComponentKind::State(_));
            if self.inputs.iter().chain(&self.outputs).any(stateful) {
                problems.push(
                    "cached examples are answered without a session: an interface with State cannot cache them".into(),
                );
            }
        }
        if let Some(flagging) = &self.flagging {
            if streaming > 0 {
                problems.push("flagging is for calls, not streams: a streamed frame is not kept to flag".into());
            }
            for reason in &flagging.reasons {
                if reason.trim().is_empty() || reason.chars().count() > MAX_FLAG_REASON_CHARS {
                    problems.push(format!("flagging option {reason:?}: use 1-{MAX_FLAG_REASON_CHARS} characters"));
                }
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }

    /// The interface as Blocks, as Gradio's `Interface` is: the inputs (ids from 0) with Clear,
    /// Submit (unless live) and Stop (a generator's, shown while it runs) buttons under them,
    /// beside the outputs (ids after the inputs) with the Flag buttons; the examples under both.
    /// One event, 0, runs the function: on Submit, or, live, on any input's change (on each
    /// chunk or frame of a streaming input).
    pub fn to_blocks(&self) -> BlocksSpec {
        let (inputs, outputs) = (0..self.inputs.len(), self.inputs.len()..self.inputs.len() + self.outputs.len());
        let mut components = self.inputs.clone();
        // Outputs are empty until a call fills them, whatever their kind's default.
        components.extend(self.outputs.iter().map(|c| c.clone().with_value(Value::Null)));
        // A conversation's Stop is its stream's.
        let buttons = Buttons::add(&mut components, self.live, self.generator && !self.duplex);
        let event = EventSpec {
            triggers: self.triggers(&components, buttons.submit),
            inputs: inputs.clone().collect(),
            outputs: outputs.clone().collect(),
            api_name: self.api_name.clone(),
            private: false,
            generator: self.generator,
            duplex: self.duplex,
            concurrency_limit: self.concurrency_limit,
            stream_every: self.stream_every,
            time_limit: self.time_limit,
            debounce: self.live_debounce,
            flagging: self.flagging.clone(),
            batch: self.batch,
            trigger_mode: self.trigger_mode,
        };
        let cache = self.cache_examples.map(|mode| ExampleCache { event: 0, mode, run_on_click: !self.live });
        let examples = ExampleSet { inputs: inputs.clone().collect(), rows: self.examples.clone(), cache };
        BlocksSpec {
            name: self.name.clone(),
            title: self.title.clone(),
            description: self.description.clone(),
            article: self.article.clone(),
            html_in_text: self.html_in_text,
            interface: true,
            layout: self.layout(&components, &buttons),
            events: vec![event],
            cancels: (buttons.stop.into_iter())
                .map(|stop| Cancel { trigger: Trigger::Click { component: stop }, events: vec![0] })
                .collect(),
            examples: if self.examples.is_empty() { Vec::new() } else { vec![examples] },
            resets: vec![Reset {
                trigger: Trigger::Click { component: buttons.clear },
                components: (0..outputs.end).collect(),
            }],
            components,
        }
    }

    /// What runs the function: its streaming input's stream; Submit; or, live, any input's
    /// change (the page loading, if it has none).
    fn triggers(&self, components: &[ComponentSpec], submit: Option<usize>) -> Vec<Trigger> {
        if let Some(streaming) = self.streaming_input() {
            return vec![Trigger::Stream { component: streaming }];
        }
        if let Some(submit) = submit {
            return vec![Trigger::Click { component: submit }];
        }
        let changes = (0..self.inputs.len()).filter(|&id| !is_state(&components[id]));
        let changes: Vec<Trigger> = changes.map(|component| Trigger::Change { component }).collect();
        if changes.is_empty() {
            vec![Trigger::Load]
        } else {
            changes
        }
    }

    /// Two panels side by side, the inputs' with the buttons and the outputs' with the Flag
    /// buttons, and the examples under them: two levels deep, so that a tab holds one.
    fn layout(&self, components: &[ComponentSpec], buttons: &Buttons) -> Vec<Node> {
        let placed = |ids: std::ops::Range<usize>| -> Vec<Node> {
            ids.filter(|&id| !is_state(&components[id])).map(|id| Node::Component { id }).collect()
        };
        let mut inputs = placed(0..self.inputs.len());
        let row = [Some(buttons.clear), buttons.submit, buttons.stop].into_iter().flatten();
        inputs.push(Node::Row { children: row.map(|id| Node::Component { id }).collect() });
        let mut outputs = placed(self.inputs.len()..self.inputs.len() + self.outputs.len());
        if self.flagging.is_some() {
            outputs.push(Node::Flag { event: 0 });
        }
        let panel = |label: &str, children| Node::Group { label: Some(label.into()), children };
        let panels = vec![panel("Inputs", inputs), panel("Outputs", outputs)];
        let mut layout = vec![Node::Row { children: panels }];
        if !self.examples.is_empty() {
            layout.push(Node::Examples { set: 0 });
        }
        layout
    }

    /// The position of the input whose stream runs the function, if one streams: the webcam
    /// of a webcam and a microphone that stream together.
    pub fn streaming_input(&self) -> Option<usize> {
        self.streaming_inputs().first().copied()
    }

    /// Every streaming input's position, in the order of a frame's parts: one, or a webcam and
    /// a microphone that stream together (each frame then carries a picture, then the sound
    /// with it).
    pub fn streaming_inputs(&self) -> Vec<usize> {
        let mut streaming: Vec<usize> =
            (0..self.inputs.len()).filter(|&i| self.inputs[i].kind.is_streaming()).collect();
        streaming.sort_by_key(|&i| !matches!(self.inputs[i].kind, ComponentKind::Image(_)));
        streaming
    }

    pub fn summary(&self) -> InterfaceSummary {
        InterfaceSummary { name: self.name.clone(), title: self.title.clone(), description: self.description.clone() }
    }
}

/// An interface's buttons, by component id.
struct Buttons {
    clear: usize,
    submit: Option<usize>,
    stop: Option<usize>,
}

impl Buttons {
    /// Adds Clear, Submit (unless `live`) and Stop (for a `generator`) to `components`.
    fn add(components: &mut Vec<ComponentSpec>, live: bool, generator: bool) -> Self {
        let mut button = |text: &str, variant: ButtonVariant| {
            let button = ComponentSpec::new(ComponentKind::Button(Button { variant }));
            components.push(button.with_label(text).with_value(Value::Text(text.into())));
            components.len() - 1
        };
        let clear = button("Clear", ButtonVariant::Secondary);
        let submit = (!live).then(|| button("Submit", ButtonVariant::Primary));
        let stop = generator.then(|| button("Stop", ButtonVariant::Stop));
        Buttons { clear, submit, stop }
    }
}

fn is_state(component: &ComponentSpec) -> bool {
    matches!(component.kind, ComponentKind::State(_))
}

pub(crate) fn is_path_segment(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

/// An endpoint name clients can write in a path and as an MCP tool's name.
pub(crate) fn is_api_name(name: &str) -> bool {
    (1..=64).contains(&name.len()) && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> InterfaceSpec {
        InterfaceSpec {
            name: "calculator".into(),
            title: "Calculator".into(),
            description: String::new(),
            article: String::new(),
            html_in_text: false,
            inputs: vec![ComponentSpec::new(ComponentKind::Number(Default::default()))],
            outputs: vec![ComponentSpec::new(ComponentKind::Number(Default::default()))],
            live: true,
            live_debounce: None,
            trigger_mode: None,
            api_name: "predict".into(),
            stream_every: 0.5,
            time_limit: Some(30.0),
            examples: vec![vec![Value::Number(1.0)]],
            concurrency_limit: None,
            generator: false,
            duplex: false,
            flagging: None,
            batch: None,
            cache_examples: None,
        }
    }

    #[test]
    fn a_good_spec_passes() {
        assert_eq!(spec().check(), Ok(()));
    }

    #[test]
    fn an_interface_is_a_blocks_app_of_one_event() {
        let live = spec().to_blocks();
        assert_eq!(live.check(), Ok(()));
        assert!(live.interface);
        assert_eq!(live.events[0].triggers, [Trigger::Change { component: 0 }]);
        assert_eq!((live.events[0].inputs.clone(), live.events[0].outputs.clone()), (vec![0], vec![1]));
        assert_eq!(live.components[1].value, Value::Null, "an output starts empty");
        assert_eq!(live.examples[0].rows, spec().examples);
        assert_eq!(live.resets[0].components, [0, 1], "Clear empties the inputs and the outputs");
        let mut submitted = spec();
        (submitted.live, submitted.generator) = (false, true);
        let submitted = submitted.to_blocks();
        assert_eq!(submitted.check(), Ok(()));
        let labels: Vec<&str> = submitted.components[2..].iter().map(|c| c.label.as_str()).collect();
        assert_eq!(labels, ["Clear", "Submit", "Stop"]);
        assert_eq!(submitted.events[0].triggers, [Trigger::Click { component: 3 }]);
        assert_eq!(submitted.cancels[0], Cancel { trigger: Trigger::Click { component: 4 }, events: vec![0] });
    }

    #[test]
    fn every_misfit_is_reported_with_its_position() {
        let two = vec![spec().inputs[0].clone().with_label("a"), spec().inputs[0].clone().with_label("b")];
        let misfits = check_values(&two, &[Value::Text("x".into()), Value::Null]).unwrap_err();
        let positions: Vec<usize> = misfits.iter().filter_map(|m| m.component.as_ref().map(|c| c.0)).collect();
        assert_eq!(positions, [0, 1]);
        assert_eq!(misfits[0].to_string(), "a: expected a number, got text");
        assert_eq!(misfits[1].to_string(), "b: a value is required");
        assert_eq!(check_values(&two, &[Value::Number(1.0), Value::Number(2.0)]), Ok(()));
        assert_eq!(check_values(&two, &[]).unwrap_err()[0].to_string(), "expected 2 values (a, b), got 0");
    }

    #[test]
    fn every_problem_is_reported() {
        let mut bad = spec();
        bad.name = "Bad/Name".into();
        bad.examples = vec![vec![], vec![Value::Text("x".into())]];
        bad.stream_every = 0.0;
        bad.concurrency_limit = Some(0);
        bad.live_debounce = Some(11.0);
        bad.flagging = Some(Flagging { reasons: vec!["fine".into(), " ".into()] });
        let problems = bad.check().unwrap_err();
        assert_eq!(
            problems,
            vec![
                "interface name \"Bad/Name\": use 1-64 lowercase letters, digits, '-' or '_'",
                "example 1: expected 1 values (number), got 0",
                "example 2: number: expected a number, got text",
                "stream_every must be a positive number of seconds",
                "concurrency_limit must be at least 1",
                "live_debounce must be 0 to 10 seconds",
                "flagging option \" \": use 1-200 characters",
            ]
        );
    }

    #[test]
    fn a_stream_cannot_be_flagged_and_camera_sizes_are_bounded() {
        use crate::components::{Image, ImageSource, WebcamConstraints};

        let image = |webcam: WebcamConstraints| Image {
            sources: vec![ImageSource::Webcam],
            streaming: true,
            webcam,
            ..Image::default()
        };
        let mut streaming = spec();
        streaming.inputs = vec![ComponentSpec::new(ComponentKind::Image(image(WebcamConstraints::default())))];
        streaming.examples.clear();
        assert_eq!(streaming.check(), Ok(()));
        streaming.flagging = Some(Flagging::default());
        let too_wide = WebcamConstraints { width: Some(9000), ..Default::default() };
        let too_fast = WebcamConstraints { frame_rate: Some(f64::NAN), ..Default::default() };
        streaming.outputs = vec![
            ComponentSpec::new(ComponentKind::Image(image(too_wide))).with_label("wide"),
            ComponentSpec::new(ComponentKind::Image(image(too_fast))).with_label("fast"),
        ];
        let problems = streaming.check().unwrap_err();
        assert!(problems.contains(&"wide: an image size must be 1 to 8192 pixels".to_string()), "{problems:?}");
        assert!(problems.contains(&"fast: a frame rate must be above 0 and at most 240 per second".to_string()));
        assert!(problems.iter().any(|p| p.starts_with("flagging is for calls, not streams")), "{problems:?}");
    }

    #[test]
    fn a_webcam_and_a_microphone_stream_together_and_the_webcam_leads() {
        use crate::components::{Audio, AudioSource, Image, ImageSource};
        let microphone = || {
            let audio = Audio { sources: vec![AudioSource::Microphone], streaming: true, autoplay: false };
            ComponentSpec::new(ComponentKind::Audio(audio))
        };
        let webcam = Image { sources: vec![ImageSource::Webcam], streaming: true, ..Image::default() };
        let mut both = spec();
        both.examples.clear();
        both.inputs = vec![microphone(), ComponentSpec::new(ComponentKind::Image(webcam))];
        assert_eq!(both.check(), Ok(()));
        assert_eq!((both.streaming_input(), both.streaming_inputs()), (Some(1), vec![1, 0]), "the picture first");
        assert_eq!(both.to_blocks().check(), Ok(()));
        both.inputs[1] = microphone();
        let problems = both.check().unwrap_err();
        assert!(problems.iter().any(|p| p.contains("or as a webcam and a microphone together")), "{problems:?}");
    }
}
