//! Blocks: components placed in a layout, and the events that run handlers on them (Gradio's
//! `gr.Blocks`). A component's id is its place in [`BlocksSpec::components`]; layouts and
//! events refer to components by id, and chained events to earlier events by index.

use crate::wire_names::wire_names;
use serde::{Deserialize, Serialize};

use crate::{
    check_values,
    interface::{is_api_name, is_path_segment, Batching, MAX_DEBOUNCE_SECONDS},
    protocol::{required, EventDataKind, MissingField},
    ComponentKind, ComponentSpec, Flagging, InterfaceSpec, InterfaceSummary, Value,
};

/// The shortest period of a timer event, in seconds: a faster one would be a busy loop of calls.
pub const MIN_TIMER_SECONDS: f64 = 0.05;

/// How many containers may nest (a row in a tab in a column…): the page draws each depth with
/// a view type of its own, which keeps the bundle small (see the app's `layout_depths!`).
pub const MAX_LAYOUT_DEPTH: usize = 4;

/// Everything the page needs to render a Blocks app and the API needs to describe it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BlocksSpec {
    /// The path segment it is mounted at: `/<name>`.
    pub name: String,
    pub title: String,
    /// Markdown shown under the title (and the index's line for the app).
    #[serde(default)]
    pub description: String,
    /// Markdown shown under the app (Gradio's `article`).
    #[serde(default)]
    pub article: String,
    /// The description and the article may hold raw HTML, which the page keeps (the author's
    /// choice; scripts still cannot run: the page's CSP allows only its own). Off: it is
    /// shown as text.
    #[serde(default)]
    pub html_in_text: bool,
    /// Made by an `Interface` (Gradio's mode `"interface"`): event 0 is its function.
    #[serde(default)]
    pub interface: bool,
    /// Every component, its id being its index.
    pub components: Vec<ComponentSpec>,
    /// What the page shows, top to bottom.
    pub layout: Vec<Node>,
    /// Every event, its index being its `fn_index` in Gradio's API.
    pub events: Vec<EventSpec>,
    /// Triggers that stop running events (a Stop button), generators included.
    #[serde(default)]
    pub cancels: Vec<Cancel>,
    /// Sets of examples, each placed in the layout by a [`Node::Examples`].
    #[serde(default)]
    pub examples: Vec<ExampleSet>,
    /// Triggers that put components back as they started (a Clear button).
    #[serde(default)]
    pub resets: Vec<Reset>,
}

/// When `trigger` fires, `components` go back to their starting values (Gradio's
/// `gr.ClearButton`): the events writing them stop, and their errors go. A State among them
/// starts the page's session again, and with it every State of the page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Reset {
    pub trigger: Trigger,
    pub components: Vec<usize>,
}

/// Rows of values for some components (Gradio's `gr.Examples`): clicking a row fills them in,
/// which fires their change events.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExampleSet {
    /// The components a row fills, by id.
    pub inputs: Vec<usize>,
    /// A value per component in each row (media as files the server keeps).
    pub rows: Vec<Vec<Value>>,
    /// The event whose outputs for these rows the server keeps, if it does: a call of it on a
    /// row's values is answered from them, without the handler (Gradio's `cache_examples`).
    #[serde(default)]
    pub cache: Option<ExampleCache>,
}

/// Event `event`'s outputs for a set of examples, kept by the server: computed before it
/// serves (`Eager`) or on the first call of each row (`Lazy`; Gradio's `cache_mode`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExampleCache {
    pub event: usize,
    pub mode: CacheMode,
    /// Clicking a row runs the event too, so that its kept outputs show at once (an interface
    /// that is not live; a live one runs on the change the click makes).
    pub run_on_click: bool,
}

/// When cached examples are computed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CacheMode {
    Eager,
    Lazy,
}

/// When `trigger` fires, the running calls of `events` stop (Gradio's `cancels=`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Cancel {
    pub trigger: Trigger,
    pub events: Vec<usize>,
}

/// One place in the layout: a component, or a container of more. On the wire tagged by its
/// `kind`, and read through a `NodeRecord` (see [`Trigger`] for why).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", try_from = "NodeRecord")]
pub enum Node {
    Component {
        id: usize,
    },
    /// Side by side, wrapping onto more lines on a narrow screen.
    Row {
        children: Vec<Node>,
    },
    /// One above the other; in a row, `scale` is its width relative to its siblings'.
    Column {
        scale: u32,
        children: Vec<Node>,
    },
    /// One tab shown at a time, the first at first.
    Tabs {
        tabs: Vec<Tab>,
    },
    /// A section that opens and closes, open at first when `open`.
    Accordion {
        label: String,
        open: bool,
        children: Vec<Node>,
    },
    /// Components drawn as one panel, without gaps between them; with a `label`, a region
    /// named by it for assistive technology (an interface's "Inputs" and "Outputs").
    Group {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        label: Option<String>,
        children: Vec<Node>,
    },
    /// The example set `set` of [`BlocksSpec::examples`], as a table of rows to click.
    Examples {
        set: usize,
    },
    /// The Flag buttons of event `event` (its [`EventSpec::flagging`]): they keep its last
    /// call's inputs and outputs.
    Flag {
        event: usize,
    },
}

/// A [`Node`] as read: its kind, and every kind's fields, each optional.
#[derive(Deserialize)]
struct NodeRecord {
    kind: NodeKind,
    id: Option<usize>,
    children: Option<Vec<Node>>,
    scale: Option<u32>,
    tabs: Option<Vec<Tab>>,
    label: Option<String>,
    open: Option<bool>,
    set: Option<usize>,
    event: Option<usize>,
}

#[derive(Clone, Copy)]
enum NodeKind {
    Component,
    Row,
    Column,
    Tabs,
    Accordion,
    Group,
    Examples,
    Flag,
}

wire_names!(NodeKind {
    Component => "component",
    Row => "row",
    Column => "column",
    Tabs => "tabs",
    Accordion => "accordion",
    Group => "group",
    Examples => "examples",
    Flag => "flag",
});

impl TryFrom<NodeRecord> for Node {
    type Error = MissingField;

    fn try_from(record: NodeRecord) -> Result<Self, MissingField> {
        let NodeRecord { kind, id, children, scale, tabs, label, open, set, event } = record;
        let children = || required(children, "children");
        Ok(match kind {
            NodeKind::Component => Node::Component { id: required(id, "id")? },
            NodeKind::Row => Node::Row { children: children()? },
            NodeKind::Column => Node::Column { scale: required(scale, "scale")?, children: children()? },
            NodeKind::Tabs => Node::Tabs { tabs: required(tabs, "tabs")? },
            NodeKind::Accordion => Node::Accordion {
                label: required(label, "label")?,
                open: required(open, "open")?,
                children: children()?,
            },
            NodeKind::Group => Node::Group { label, children: children()? },
            NodeKind::Examples => Node::Examples { set: required(set, "set")? },
            NodeKind::Flag => Node::Flag { event: required(event, "event")? },
        })
    }
}

/// One tab of a [`Node::Tabs`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Tab {
    pub label: String,
    pub children: Vec<Node>,
}

/// What runs an event's handler. On the wire tagged by its `on` (`{"on": "click",
/// "component": 2}`), and read through a `TriggerRecord`: serde's reader of an enum of
/// struct variants compiles a visitor for each variant into the page's wasm, a record's is one.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "on", rename_all = "snake_case", try_from = "TriggerRecord")]
pub enum Trigger {
    /// A button is clicked.
    Click { component: usize },
    /// A component's value changes: by the user, or as another event's output.
    Change { component: usize },
    /// The user changes a component's value (not an event's output).
    Input { component: usize },
    /// Enter is pressed in a textbox.
    Submit { component: usize },
    /// The user has uploaded a file into a media input (picked, dropped, pasted, recorded or
    /// taken with the camera), once it is stored.
    Upload { component: usize },
    /// The user has removed a media input's file.
    Clear { component: usize },
    /// Each chunk or frame of a streaming media input (a microphone, a webcam) while the user
    /// streams it.
    Stream { component: usize },
    /// The person likes or dislikes a message of a Chatbot; the event's handler gets which
    /// ([`LikeData`](crate::protocol::LikeData), the call's event data).
    Like { component: usize },
    /// The person edits a message they sent in a Chatbot; the event's handler gets which and
    /// how ([`EditData`](crate::protocol::EditData), the call's event data).
    Edit { component: usize },
    /// The page has loaded.
    Load,
    /// Every `seconds` while the page is open (Gradio's `gr.Timer`).
    Every { seconds: f64 },
    /// An earlier event has ended, whether it succeeded or not (Gradio's `.then`).
    Then { event: usize },
    /// An earlier event has ended with a result (Gradio's `.success`).
    Success { event: usize },
}

/// A [`Trigger`] as read: what it is on, and every trigger's fields, each optional.
#[derive(Deserialize)]
struct TriggerRecord {
    on: TriggerKind,
    component: Option<usize>,
    seconds: Option<f64>,
    event: Option<usize>,
}

#[derive(Clone, Copy)]
enum TriggerKind {
    Click,
    Change,
    Input,
    Submit,
    Upload,
    Clear,
    Stream,
    Like,
    Edit,
    Load,
    Every,
    Then,
    Success,
}

wire_names!(TriggerKind {
    Click => "click",
    Change => "change",
    Input => "input",
    Submit => "submit",
    Upload => "upload",
    Clear => "clear",
    Stream => "stream",
    Like => "like",
    Edit => "edit",
    Load => "load",
    Every => "every",
    Then => "then",
    Success => "success",
});

impl TryFrom<TriggerRecord> for Trigger {
    type Error = MissingField;

    fn try_from(record: TriggerRecord) -> Result<Self, MissingField> {
        let TriggerRecord { on, component, seconds, event } = record;
        let component = || required(component, "component");
        let event = || required(event, "event");
        Ok(match on {
            TriggerKind::Click => Trigger::Click { component: component()? },
            TriggerKind::Change => Trigger::Change { component: component()? },
            TriggerKind::Input => Trigger::Input { component: component()? },
            TriggerKind::Submit => Trigger::Submit { component: component()? },
            TriggerKind::Upload => Trigger::Upload { component: component()? },
            TriggerKind::Clear => Trigger::Clear { component: component()? },
            TriggerKind::Stream => Trigger::Stream { component: component()? },
            TriggerKind::Like => Trigger::Like { component: component()? },
            TriggerKind::Edit => Trigger::Edit { component: component()? },
            TriggerKind::Load => Trigger::Load,
            TriggerKind::Every => Trigger::Every { seconds: required(seconds, "seconds")? },
            TriggerKind::Then => Trigger::Then { event: event()? },
            TriggerKind::Success => Trigger::Success { event: event()? },
        })
    }
}

impl Trigger {
    /// The component whose action fires it, if one does.
    pub fn component(self) -> Option<usize> {
        match self {
            Trigger::Click { component }
            | Trigger::Change { component }
            | Trigger::Input { component }
            | Trigger::Submit { component }
            | Trigger::Upload { component }
            | Trigger::Clear { component }
            | Trigger::Stream { component }
            | Trigger::Like { component }
            | Trigger::Edit { component } => Some(component),
            Trigger::Load | Trigger::Every { .. } | Trigger::Then { .. } | Trigger::Success { .. } => None,
        }
    }

    /// The event it follows, if it is chained.
    pub fn after(self) -> Option<usize> {
        match self {
            Trigger::Then { event } | Trigger::Success { event } => Some(event),
            _ => None,
        }
    }

    /// Gradio's name for it in a dependency's `targets`.
    pub fn gradio_name(self) -> &'static str {
        match self {
            Trigger::Click { .. } => "click",
            Trigger::Change { .. } => "change",
            Trigger::Input { .. } => "input",
            Trigger::Submit { .. } => "submit",
            Trigger::Upload { .. } => "upload",
            Trigger::Clear { .. } => "clear",
            Trigger::Stream { .. } => "stream",
            Trigger::Like { .. } => "like",
            Trigger::Edit { .. } => "edit",
            Trigger::Load => "load",
            Trigger::Every { .. } => "tick",
            Trigger::Then { .. } => "then",
            Trigger::Success { .. } => "success",
        }
    }
}

/// One event: what fires it, the components its handler reads and writes, how clients call it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EventSpec {
    /// Any of them fires it (Gradio's `gr.on(triggers=[…])`); a chained, stream, like or edit trigger is
    /// an event's only one.
    pub triggers: Vec<Trigger>,
    pub inputs: Vec<usize>,
    pub outputs: Vec<usize>,
    /// The endpoint's name for API clients and MCP (unique in the app, as in Gradio, even
    /// when private).
    pub api_name: String,
    /// Kept to the page: no API client or MCP tool sees or calls it.
    #[serde(default)]
    pub private: bool,
    /// The handler is a generator: each value it yields replaces the last.
    pub generator: bool,
    /// A stream event whose handler takes the whole stream (see [`InterfaceSpec::duplex`]).
    #[serde(default)]
    pub duplex: bool,
    /// Calls of this event that may run at once; `None` for no limit.
    pub concurrency_limit: Option<usize>,
    /// A stream event's seconds between chunks or frames.
    #[serde(default = "default_stream_every")]
    pub stream_every: f64,
    /// A stream event's longest stream, in seconds; `None` for no limit.
    #[serde(default)]
    pub time_limit: Option<f64>,
    /// Seconds the page waits after the last firing before it runs (a word typed, not each
    /// letter); `None`: at once.
    #[serde(default)]
    pub debounce: Option<f64>,
    /// How a person flags its calls, if they may (see [`Node::Flag`]).
    #[serde(default)]
    pub flagging: Option<Flagging>,
    /// How its calls are gathered into batches, for a handler that takes a batch.
    #[serde(default)]
    pub batch: Option<Batching>,
    /// What a firing does while a call of it runs on the page; `None`: Gradio's default for
    /// its triggers ([`TriggerMode::default_for`]).
    #[serde(default)]
    pub trigger_mode: Option<TriggerMode>,
}

/// What firing an event does while a call of it, sent by the same page, is still running
/// (Gradio's `trigger_mode`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TriggerMode {
    /// Nothing: the firing is ignored (a second click on Submit while it runs).
    Once,
    /// A call of its own: every firing is answered, answers shown newest last; at most
    /// [`MAX_CALLS_IN_FLIGHT`] run at once, and firings beyond ride on the next as `AlwaysLast`.
    Multiple,
    /// One call follows the running one, with the inputs as they are when it ends: after a
    /// burst of changes the last inputs' answer is the one shown, with one call at a time.
    AlwaysLast,
}

/// The calls of one event a page has running at once in [`TriggerMode::Multiple`]: bounded, so
/// that a dragged slider cannot fill the server's line for the session (Gradio's queue takes
/// 32 calls of a session at once).
pub const MAX_CALLS_IN_FLIGHT: u32 = 8;

impl TriggerMode {
    /// Gradio's default: `AlwaysLast` for changes, `Multiple` for a stream's chunks, `Once`
    /// for the rest.
    pub fn default_for(triggers: &[Trigger]) -> Self {
        match triggers.first() {
            Some(Trigger::Change { .. }) => TriggerMode::AlwaysLast,
            Some(Trigger::Stream { .. }) => TriggerMode::Multiple,
            _ => TriggerMode::Once,
        }
    }

    /// Gradio's name for it.
    pub fn name(self) -> &'static str {
        match self {
            TriggerMode::Once => "once",
            TriggerMode::Multiple => "multiple",
            TriggerMode::AlwaysLast => "always_last",
        }
    }
}

/// A stream event's seconds between chunks or frames unless the author says (Gradio's).
pub const DEFAULT_STREAM_EVERY: f64 = 0.5;

fn default_stream_every() -> f64 {
    DEFAULT_STREAM_EVERY
}

impl EventSpec {
    /// What a firing does while a call runs: the author's choice, or Gradio's default.
    pub fn trigger_mode(&self) -> TriggerMode {
        self.trigger_mode.unwrap_or_else(|| TriggerMode::default_for(&self.triggers))
    }

    /// Whether `trigger` fires it.
    pub fn fires_on(&self, trigger: Trigger) -> bool {
        self.triggers.contains(&trigger)
    }

    /// The event it follows, if it is chained.
    pub fn after(&self) -> Option<usize> {
        self.triggers.iter().find_map(|trigger| trigger.after())
    }

    /// The event data its calls take, if any: a like's or an edit's.
    pub fn event_data(&self) -> Option<EventDataKind> {
        match self.triggers[..] {
            [Trigger::Like { .. }] => Some(EventDataKind::Like),
            [Trigger::Edit { .. }] => Some(EventDataKind::Edit),
            _ => None,
        }
    }
}

impl Trigger {
    /// This trigger in an app where component ids start at `components` and event indexes at
    /// `events` (another app embedded in it).
    fn shifted(self, components: usize, events: usize) -> Trigger {
        match self {
            Trigger::Click { component } => Trigger::Click { component: component + components },
            Trigger::Change { component } => Trigger::Change { component: component + components },
            Trigger::Input { component } => Trigger::Input { component: component + components },
            Trigger::Submit { component } => Trigger::Submit { component: component + components },
            Trigger::Upload { component } => Trigger::Upload { component: component + components },
            Trigger::Clear { component } => Trigger::Clear { component: component + components },
            Trigger::Stream { component } => Trigger::Stream { component: component + components },
            Trigger::Like { component } => Trigger::Like { component: component + components },
            Trigger::Edit { component } => Trigger::Edit { component: component + components },
            Trigger::Then { event } => Trigger::Then { event: event + events },
            Trigger::Success { event } => Trigger::Success { event: event + events },
            Trigger::Load | Trigger::Every { .. } => self,
        }
    }
}

impl Node {
    /// This node with its ids moved on as [`Trigger::shifted`] moves them, and example sets
    /// by `sets`.
    fn shifted(&self, components: usize, events: usize, sets: usize) -> Node {
        let all = |children: &[Node]| children.iter().map(|n| n.shifted(components, events, sets)).collect();
        match self {
            Node::Component { id } => Node::Component { id: id + components },
            Node::Examples { set } => Node::Examples { set: set + sets },
            Node::Flag { event } => Node::Flag { event: event + events },
            Node::Row { children } => Node::Row { children: all(children) },
            Node::Column { scale, children } => Node::Column { scale: *scale, children: all(children) },
            Node::Group { label, children } => Node::Group { label: label.clone(), children: all(children) },
            Node::Accordion { label, open, children } => {
                Node::Accordion { label: label.clone(), open: *open, children: all(children) }
            }
            Node::Tabs { tabs } => Node::Tabs {
                tabs: tabs.iter().map(|tab| Tab { label: tab.label.clone(), children: all(&tab.children) }).collect(),
            },
        }
    }
}

impl BlocksSpec {
    /// The events writing any of `components`, by index.
    pub fn writers(&self, components: &[usize]) -> Vec<usize> {
        let writes = |event: &EventSpec| event.outputs.iter().any(|id| components.contains(id));
        self.events.iter().enumerate().filter(|(_, event)| writes(event)).map(|(index, _)| index).collect()
    }

    /// Takes in `other`'s components, events, cancels, resets and example sets after its own
    /// (ids, indexes and sets moved on), and gives back `other`'s layout, to place: a tabbed
    /// app's tabs are its interfaces so embedded (Gradio's `Interface.render()`).
    pub fn embed(&mut self, other: BlocksSpec) -> Vec<Node> {
        let (components, events, sets) = (self.components.len(), self.events.len(), self.examples.len());
        let ids = |ids: Vec<usize>| ids.into_iter().map(|id| id + components).collect::<Vec<_>>();
        self.components.extend(other.components);
        self.events.extend(other.events.into_iter().map(|event| EventSpec {
            triggers: event.triggers.iter().map(|t| t.shifted(components, events)).collect(),
            inputs: ids(event.inputs),
            outputs: ids(event.outputs),
            ..event
        }));
        self.cancels.extend(other.cancels.into_iter().map(|cancel| Cancel {
            trigger: cancel.trigger.shifted(components, events),
            events: cancel.events.iter().map(|event| event + events).collect(),
        }));
        self.resets.extend(other.resets.into_iter().map(|reset| Reset {
            trigger: reset.trigger.shifted(components, events),
            components: ids(reset.components),
        }));
        self.examples.extend(other.examples.into_iter().map(|set| ExampleSet {
            inputs: ids(set.inputs),
            rows: set.rows,
            cache: set.cache.map(|cache| ExampleCache { event: cache.event + events, ..cache }),
        }));
        other.layout.iter().map(|node| node.shifted(components, events, sets)).collect()
    }

    /// Checks the whole declaration: the name, every component, every event. Returns every
    /// problem found, in words.
    pub fn check(&self) -> Result<(), Vec<String>> {
        let mut problems = Vec::new();
        if !is_path_segment(&self.name) {
            problems.push(format!("blocks name {:?}: use 1-64 lowercase letters, digits, '-' or '_'", self.name));
        }
        let inputs: Vec<usize> = self.events.iter().flat_map(|e| e.inputs.iter().copied()).collect();
        for (id, component) in self.components.iter().enumerate() {
            let checked = if inputs.contains(&id) { component.check_input() } else { component.check() };
            problems.extend(checked.err().map(|e| e.to_string()));
            if component.kind.is_streaming() {
                problems.extend(self.stream_problems(id));
            }
        }
        for (index, event) in self.events.iter().enumerate() {
            problems.extend(self.event_problems(index, event).into_iter().map(|p| format!("event {index}: {p}")));
        }
        for (set, examples) in self.examples.iter().enumerate() {
            problems.extend(self.example_problems(examples).into_iter().map(|p| format!("examples {}: {p}", set + 1)));
        }
        for cancel in &self.cancels {
            let known = cancel.trigger.component().is_none_or(|id| id < self.components.len());
            if !known || cancel.events.iter().any(|&event| event >= self.events.len()) {
                problems.push("a cancel names a component or an event of another Blocks".to_owned());
            }
        }
        let mut names: Vec<&str> = self.events.iter().map(|e| e.api_name.as_str()).collect();
        names.sort_unstable();
        for pair in names.windows(2).filter(|pair| pair[0] == pair[1]) {
            problems.push(format!("two events are named {:?}: an api_name must be unique", pair[0]));
        }
        let mut placed_sets = Node::leaves(&self.layout).into_iter().filter_map(|node| match node {
            Node::Examples { set } => Some(*set),
            _ => None,
        });
        if placed_sets.any(|set| set >= self.examples.len()) {
            problems.push("the layout places a set of examples that does not exist".to_owned());
        }
        for reset in &self.resets {
            let known = |id: &usize| *id < self.components.len();
            if !reset.trigger.component().is_none_or(|id| known(&id)) || !reset.components.iter().all(known) {
                problems.push("a reset names a component of another Blocks".to_owned());
            }
        }
        if depth(&self.layout) > MAX_LAYOUT_DEPTH {
            problems.push(format!("layouts nest at most {MAX_LAYOUT_DEPTH} containers deep"));
        }
        problems.extend(self.change_cycle());
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }

    fn event_problems(&self, index: usize, event: &EventSpec) -> Vec<String> {
        let mut problems = Vec::new();
        let known = |id: &usize| *id < self.components.len();
        if !event.inputs.iter().chain(&event.outputs).all(known) {
            problems.push("it names a component of another Blocks".to_owned());
        }
        // No trigger is an event called through the API only (Gradio's `gr.api`).
        if event.triggers.is_empty() && event.private {
            problems.push("nothing triggers it and it is private".to_owned());
        }
        let alone = |t: &Trigger| {
            let data = matches!(t, Trigger::Like { .. } | Trigger::Edit { .. });
            data || matches!(t, Trigger::Then { .. } | Trigger::Success { .. } | Trigger::Stream { .. })
        };
        if event.triggers.len() > 1 && event.triggers.iter().any(alone) {
            problems.push("a chained, stream, like or edit trigger is an event's only one".to_owned());
        }
        for &trigger in &event.triggers {
            problems.extend(self.trigger_problem(index, trigger));
        }
        if !is_api_name(&event.api_name) {
            problems.push(format!("api_name {:?}: use 1-64 letters, digits, '-' or '_'", event.api_name));
        }
        if event.concurrency_limit == Some(0) {
            problems.push("concurrency_limit must be at least 1".to_owned());
        }
        if !(event.stream_every.is_finite() && event.stream_every > 0.0) {
            problems.push("stream_every must be a positive number of seconds".to_owned());
        }
        if event.time_limit.is_some_and(|t| !(t.is_finite() && t > 0.0)) {
            problems.push("time_limit must be a positive number of seconds".to_owned());
        }
        if event.debounce.is_some_and(|d| !(d.is_finite() && (0.0..=MAX_DEBOUNCE_SECONDS).contains(&d))) {
            problems.push(format!("debounce must be 0 to {MAX_DEBOUNCE_SECONDS} seconds"));
        }
        problems.extend(event.batch.iter().flat_map(Batching::problems));
        let streams = event.triggers.iter().any(|t| matches!(t, Trigger::Stream { .. }));
        let streaming = event.inputs.iter().filter_map(|&id| self.components.get(id)).filter(|c| c.kind.is_streaming());
        problems.extend(crate::interface::streams_together(streaming.map(|c| &c.kind)));
        if event.duplex {
            let components = event.inputs.iter().chain(&event.outputs).filter_map(|&id| self.components.get(id));
            problems.extend(crate::interface::conversation_problems(streams, components));
        }
        if event.trigger_mode.is_some() && streams {
            problems.push("a stream event has no trigger mode: each chunk or frame is sent as it comes".to_owned());
        }
        problems
    }

    /// What is wrong with a set of examples: components of another Blocks, or a row that does
    /// not fit its components.
    fn example_problems(&self, examples: &ExampleSet) -> Vec<String> {
        let Some(components) =
            examples.inputs.iter().map(|&id| self.components.get(id).cloned()).collect::<Option<Vec<_>>>()
        else {
            return vec!["it names a component of another Blocks".to_owned()];
        };
        let rows = examples.rows.iter().enumerate();
        let misfits = rows.filter_map(|(row, values)| Some((row, check_values(&components, values).err()?)));
        misfits.flat_map(|(row, misfits)| misfits.into_iter().map(move |m| format!("row {}: {m}", row + 1))).collect()
    }

    /// What is wrong with `trigger` firing event `index`, if anything.
    fn trigger_problem(&self, index: usize, trigger: Trigger) -> Option<String> {
        let known = |id: usize| id < self.components.len();
        let problem = match trigger {
            Trigger::Click { component } if !self.is(component, |k| matches!(k, ComponentKind::Button(_))) => {
                "only a Button is clicked".to_owned()
            }
            Trigger::Submit { component }
                if !self.is(component, |k| {
                    matches!(k, ComponentKind::Textbox(_) | ComponentKind::MultimodalTextbox(_))
                }) =>
            {
                "only a Textbox or a MultimodalTextbox is submitted".to_owned()
            }
            Trigger::Upload { component } | Trigger::Clear { component }
                if !self.is(component, |k| k.media().is_some()) =>
            {
                "only a media input (an Image, an Audio, a File) is uploaded or cleared".to_owned()
            }
            Trigger::Stream { component } if !self.is(component, ComponentKind::is_streaming) => {
                "only a streaming media input (`.streaming(true)`) streams".to_owned()
            }
            Trigger::Like { component } | Trigger::Edit { component }
                if !self.is(component, |k| matches!(k, ComponentKind::Chatbot(_))) =>
            {
                "only a Chatbot's messages are liked or edited".to_owned()
            }
            Trigger::Change { component } | Trigger::Input { component } if !known(component) => {
                "it names a component of another Blocks".to_owned()
            }
            Trigger::Every { seconds } if !(seconds.is_finite() && seconds >= MIN_TIMER_SECONDS) => {
                format!("a timer's period must be at least {MIN_TIMER_SECONDS} s, not {seconds} s")
            }
            Trigger::Then { event } | Trigger::Success { event } if event >= index => {
                "it follows an event that is not declared before it".to_owned()
            }
            _ => return None,
        };
        Some(problem)
    }

    /// A streaming input (component `id`) streams to one event, its stream event, which reads
    /// it; no other event reads it, as its value in the page is a device, not a file.
    fn stream_problems(&self, id: usize) -> Vec<String> {
        let label = &self.components[id].label;
        if self.rides_with_webcam(id) {
            return Vec::new();
        }
        let streams = self.events.iter().filter(|e| e.fires_on(Trigger::Stream { component: id })).count();
        let mut problems = Vec::new();
        if streams != 1 {
            problems.push(format!("{label}: a streaming input needs one stream event (it has {streams})"));
        }
        let stream = Trigger::Stream { component: id };
        if self.events.iter().any(|e| e.inputs.contains(&id) != e.fires_on(stream)) {
            problems.push(format!("{label}: a streaming input is read by its stream event, and by it alone"));
        }
        problems
    }

    /// Whether streaming input `id` is a microphone that streams with a webcam: read by one
    /// event, the webcam's stream event, and by no other.
    fn rides_with_webcam(&self, id: usize) -> bool {
        let mut reading = self.events.iter().filter(|e| e.inputs.contains(&id));
        let webcam_stream = |event: &EventSpec| matches!(event.triggers[..], [Trigger::Stream { component }] if component != id && self.is(component, |k| matches!(k, ComponentKind::Image(_))));
        let rides = reading.next().is_some_and(webcam_stream) && reading.next().is_none();
        rides && self.is(id, |k| matches!(k, ComponentKind::Audio(_)))
    }

    fn is(&self, id: usize, kind: impl Fn(&ComponentKind) -> bool) -> bool {
        self.components.get(id).is_some_and(|c| kind(&c.kind))
    }

    /// A loop of `change` events would run for ever: a component's change runs an event that
    /// (itself or through the events chained after it) changes that component again.
    fn change_cycle(&self) -> Option<String> {
        // What each event writes, with the events that follow it (declared later, so each
        // follower's writes are complete when read backwards).
        let mut writes: Vec<Vec<usize>> = self.events.iter().map(|e| e.outputs.clone()).collect();
        for index in (0..self.events.len()).rev() {
            if let Some(before) = self.events[index].after().filter(|&b| b < index) {
                let followed = writes[index].clone();
                writes[before].extend(followed);
            }
        }
        // Component → the components its change rewrites.
        let next = |id: usize| -> Vec<usize> {
            let fired = self.events.iter().enumerate().filter(|(_, e)| e.fires_on(Trigger::Change { component: id }));
            fired.flat_map(|(index, _)| writes[index].iter().copied()).collect()
        };
        // Depth-first search for a component reached again from itself.
        let count = self.components.len();
        let mut state = vec![0_u8; count]; // 0 unseen, 1 on the path, 2 done
        fn visit(id: usize, state: &mut [u8], next: &dyn Fn(usize) -> Vec<usize>, path: &mut Vec<usize>) -> bool {
            state[id] = 1;
            path.push(id);
            let count = state.len();
            for to in next(id).into_iter().filter(|&to| to < count) {
                if state[to] == 1 {
                    path.push(to);
                    return true;
                }
                if state[to] == 0 && visit(to, state, next, path) {
                    return true;
                }
            }
            path.pop();
            state[id] = 2;
            false
        }
        for start in 0..count {
            let mut path = Vec::new();
            if state[start] == 0 && visit(start, &mut state, &next, &mut path) {
                let labels: Vec<&str> = path.iter().map(|&id| self.components[id].label.as_str()).collect();
                return Some(format!("these change events would fire each other for ever: {}", labels.join(" → ")));
            }
        }
        None
    }

    /// What the index lists of it.
    pub fn summary(&self) -> InterfaceSummary {
        InterfaceSummary { name: self.name.clone(), title: self.title.clone(), description: self.description.clone() }
    }

    /// Every value read again by its component ([`ComponentSpec::adopt`]), its own and its
    /// examples': after the spec travelled as JSON, which does not tell a list of files from
    /// other JSON.
    pub fn settle_values(&mut self) {
        for component in &mut self.components {
            let value = std::mem::take(&mut component.value);
            component.value = component.adopt(value);
        }
        for set in &mut self.examples {
            for row in &mut set.rows {
                for (value, component) in
                    row.iter_mut().zip(&set.inputs).filter_map(|(v, &id)| Some((v, self.components.get(id)?)))
                {
                    *value = component.adopt(std::mem::take(value));
                }
            }
        }
    }

    /// The value in column `column` of row `row` of example set `set`, to replace.
    pub fn example_mut(&mut self, set: usize, row: usize, column: usize) -> Option<&mut Value> {
        self.examples.get_mut(set)?.rows.get_mut(row)?.get_mut(column)
    }

    /// Event `index` as an endpoint the engine runs: its components' specs, in order.
    pub fn endpoint(&self, index: usize) -> InterfaceSpec {
        let event = &self.events[index];
        let specs = |ids: &[usize]| ids.iter().filter_map(|&id| self.components.get(id).cloned()).collect();
        InterfaceSpec {
            name: self.name.clone(),
            title: self.title.clone(),
            description: String::new(),
            article: String::new(),
            html_in_text: false,
            inputs: specs(&event.inputs),
            outputs: specs(&event.outputs),
            live: false,
            live_debounce: None,
            trigger_mode: event.trigger_mode,
            // A private event's endpoint has no name: only its index reaches it.
            api_name: if event.private { String::new() } else { event.api_name.clone() },
            stream_every: event.stream_every,
            time_limit: event.time_limit,
            examples: Vec::new(),
            concurrency_limit: event.concurrency_limit,
            generator: event.generator,
            duplex: event.duplex,
            flagging: event.flagging.clone(),
            batch: event.batch,
            cache_examples: None,
        }
    }
}

impl Node {
    /// The nodes holding no other (components, example sets, Flag buttons) among `nodes`, at
    /// any depth, in order.
    pub fn leaves(nodes: &[Node]) -> Vec<&Node> {
        nodes
            .iter()
            .flat_map(|node| match node {
                Node::Component { .. } | Node::Examples { .. } | Node::Flag { .. } => vec![node],
                Node::Row { children }
                | Node::Column { children, .. }
                | Node::Accordion { children, .. }
                | Node::Group { children, .. } => Node::leaves(children),
                Node::Tabs { tabs } => tabs.iter().flat_map(|tab| Node::leaves(&tab.children)).collect(),
            })
            .collect()
    }
}

/// How many containers deep `nodes` nest.
fn depth(nodes: &[Node]) -> usize {
    let inner = |children: &[Node]| 1 + depth(children);
    let deepest = nodes.iter().map(|node| match node {
        Node::Component { .. } | Node::Examples { .. } | Node::Flag { .. } => 0,
        Node::Row { children }
        | Node::Column { children, .. }
        | Node::Accordion { children, .. }
        | Node::Group { children, .. } => inner(children),
        Node::Tabs { tabs } => tabs.iter().map(|tab| inner(&tab.children)).max().unwrap_or(1),
    });
    deepest.max().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::components::{Button, Number, Textbox};

    fn number(label: &str) -> ComponentSpec {
        ComponentSpec::new(ComponentKind::Number(Number::default())).with_label(label)
    }

    /// An event named `api_name`; private if the name starts with `_`.
    fn event(trigger: Trigger, inputs: &[usize], outputs: &[usize], api_name: &str) -> EventSpec {
        EventSpec {
            triggers: vec![trigger],
            inputs: inputs.to_vec(),
            outputs: outputs.to_vec(),
            api_name: api_name.into(),
            private: api_name.starts_with('_'),
            generator: false,
            duplex: false,
            concurrency_limit: Some(1),
            stream_every: DEFAULT_STREAM_EVERY,
            time_limit: None,
            debounce: None,
            flagging: None,
            batch: None,
            trigger_mode: None,
        }
    }

    fn blocks(events: Vec<EventSpec>) -> BlocksSpec {
        BlocksSpec {
            name: "studio".into(),
            title: "Studio".into(),
            description: String::new(),
            article: String::new(),
            html_in_text: false,
            interface: false,
            components: vec![
                number("a"),
                number("b"),
                ComponentSpec::new(ComponentKind::Button(Button::default())).with_label("go"),
                ComponentSpec::new(ComponentKind::Textbox(Textbox { lines: 1, placeholder: None, max_length: None }))
                    .with_label("t"),
            ],
            layout: (0..4).map(|id| Node::Component { id }).collect(),
            events,
            cancels: Vec::new(),
            examples: Vec::new(),
            resets: Vec::new(),
        }
    }

    #[test]
    fn every_trigger_and_node_reads_back_as_written() {
        let triggers = [
            Trigger::Click { component: 1 },
            Trigger::Change { component: 2 },
            Trigger::Input { component: 3 },
            Trigger::Submit { component: 4 },
            Trigger::Upload { component: 5 },
            Trigger::Clear { component: 6 },
            Trigger::Stream { component: 7 },
            Trigger::Like { component: 8 },
            Trigger::Edit { component: 8 },
            Trigger::Load,
            Trigger::Every { seconds: 0.5 },
            Trigger::Then { event: 8 },
            Trigger::Success { event: 9 },
        ];
        for trigger in triggers {
            let json = serde_json::to_string(&trigger).unwrap();
            assert_eq!(serde_json::from_str::<Trigger>(&json).unwrap(), trigger, "{json}");
        }
        let leaves = vec![Node::Component { id: 0 }, Node::Examples { set: 1 }, Node::Flag { event: 2 }];
        let layout = Node::Row {
            children: vec![
                Node::Column { scale: 2, children: leaves.clone() },
                Node::Group { label: Some("outputs".into()), children: leaves.clone() },
                Node::Group { label: None, children: leaves.clone() },
                Node::Accordion { label: "more".into(), open: false, children: leaves.clone() },
                Node::Tabs { tabs: vec![Tab { label: "one".into(), children: leaves }] },
            ],
        };
        let json = serde_json::to_string(&layout).unwrap();
        assert_eq!(serde_json::from_str::<Node>(&json).unwrap(), layout, "{json}");
    }

    #[test]
    fn a_trigger_or_node_missing_its_kinds_field_is_refused_by_name() {
        let error = serde_json::from_str::<Trigger>(r#"{"on":"click"}"#).unwrap_err();
        assert!(error.to_string().contains("missing field `component`"), "{error}");
        let error = serde_json::from_str::<Node>(r#"{"kind":"accordion","label":"x","children":[]}"#).unwrap_err();
        assert!(error.to_string().contains("missing field `open`"), "{error}");
        assert!(serde_json::from_str::<Node>(r#"{"kind":"grid","children":[]}"#).is_err());
    }

    #[test]
    fn a_good_app_passes() {
        let app = blocks(vec![
            event(Trigger::Click { component: 2 }, &[0], &[1], "double"),
            event(Trigger::Success { event: 0 }, &[1], &[3], "_p1"),
            event(Trigger::Change { component: 0 }, &[0], &[1], "copy"),
            event(Trigger::Every { seconds: 1.0 }, &[], &[3], "_p2"),
        ]);
        assert_eq!(app.check(), Ok(()));
        let endpoint = app.endpoint(0);
        assert_eq!((endpoint.inputs[0].label.as_str(), endpoint.outputs[0].label.as_str()), ("a", "b"));
    }

    #[test]
    fn every_wiring_mistake_is_named() {
        let app = blocks(vec![
            event(Trigger::Click { component: 0 }, &[9], &[1], "same"),
            event(Trigger::Submit { component: 2 }, &[0], &[1], "same"),
            event(Trigger::Every { seconds: 0.01 }, &[], &[1], "bad name!"),
            event(Trigger::Then { event: 3 }, &[], &[1], "_p3"),
            event(Trigger::Upload { component: 0 }, &[], &[1], "_p4"),
            event(Trigger::Like { component: 0 }, &[], &[], "_p5"),
        ]);
        assert_eq!(
            app.check().unwrap_err(),
            [
                "event 0: it names a component of another Blocks",
                "event 0: only a Button is clicked",
                "event 1: only a Textbox or a MultimodalTextbox is submitted",
                "event 2: a timer's period must be at least 0.05 s, not 0.01 s",
                "event 2: api_name \"bad name!\": use 1-64 letters, digits, '-' or '_'",
                "event 3: it follows an event that is not declared before it",
                "event 4: only a media input (an Image, an Audio, a File) is uploaded or cleared",
                "event 5: only a Chatbot's messages are liked or edited",
                "two events are named \"same\": an api_name must be unique",
            ]
        );
    }

    #[test]
    fn a_trigger_mode_defaults_as_gradios_and_a_stream_has_none() {
        let mode = |trigger| event(trigger, &[0], &[1], "e").trigger_mode();
        assert_eq!(mode(Trigger::Change { component: 0 }), TriggerMode::AlwaysLast);
        assert_eq!(mode(Trigger::Click { component: 2 }), TriggerMode::Once);
        assert_eq!(mode(Trigger::Every { seconds: 1.0 }), TriggerMode::Once);
        let chosen = EventSpec {
            trigger_mode: Some(TriggerMode::Multiple),
            ..event(Trigger::Click { component: 2 }, &[0], &[1], "e")
        };
        assert_eq!(chosen.trigger_mode(), TriggerMode::Multiple);
        assert_eq!(serde_json::to_value(TriggerMode::AlwaysLast).unwrap(), "always_last");
        let mut stream = EventSpec {
            trigger_mode: Some(TriggerMode::Once),
            ..event(Trigger::Stream { component: 0 }, &[0], &[1], "e")
        };
        let problems = blocks(vec![stream.clone()]).event_problems(0, &stream);
        assert!(problems.iter().any(|p| p.contains("a stream event has no trigger mode")), "{problems:?}");
        stream.trigger_mode = None;
        assert_eq!(stream.trigger_mode(), TriggerMode::Multiple, "Gradio's for a stream");
    }

    #[test]
    fn an_event_has_several_triggers_but_a_chained_one_alone() {
        let mut both = event(Trigger::Change { component: 0 }, &[0, 1], &[3], "sum");
        both.triggers.push(Trigger::Change { component: 1 });
        assert!(both.fires_on(Trigger::Change { component: 1 }));
        assert_eq!(blocks(vec![both.clone()]).check(), Ok(()));
        let mut mixed = event(Trigger::Then { event: 0 }, &[], &[3], "_p8");
        mixed.triggers.push(Trigger::Click { component: 1 });
        let mut api_only = event(Trigger::Load, &[], &[3], "api_only");
        api_only.triggers.clear();
        let unreachable = EventSpec { private: true, api_name: "_p10".into(), ..api_only.clone() };
        assert_eq!(
            blocks(vec![both, mixed, api_only, unreachable]).check().unwrap_err(),
            [
                "event 1: a chained, stream, like or edit trigger is an event's only one",
                "event 1: only a Button is clicked",
                "event 3: nothing triggers it and it is private",
            ]
        );
    }

    #[test]
    fn a_streaming_input_streams_to_one_event_that_alone_reads_it() {
        use crate::components::{Audio, AudioSource};
        let microphone = Audio { sources: vec![AudioSource::Microphone], streaming: true, autoplay: false };
        let mut app = blocks(vec![
            event(Trigger::Stream { component: 4 }, &[4, 0], &[1], "hear"),
            event(Trigger::Click { component: 2 }, &[], &[1], "clear"),
        ]);
        app.components.push(ComponentSpec::new(ComponentKind::Audio(microphone)).with_label("mic"));
        assert_eq!(app.check(), Ok(()));
        app.events.push(event(Trigger::Stream { component: 4 }, &[4], &[1], "again"));
        app.events.push(event(Trigger::Click { component: 2 }, &[4], &[1], "misread"));
        app.events.push(event(Trigger::Stream { component: 0 }, &[0], &[1], "number"));
        assert_eq!(
            app.check().unwrap_err(),
            [
                "mic: a streaming input needs one stream event (it has 2)",
                "mic: a streaming input is read by its stream event, and by it alone",
                "event 4: only a streaming media input (`.streaming(true)`) streams",
            ]
        );
    }

    /// A microphone read by a webcam's stream event streams with it, in each frame; a second
    /// microphone, or a microphone with a stream event of its own too, is refused.
    #[test]
    fn a_microphone_streams_with_a_webcam_in_its_stream_event() {
        use crate::components::{Audio, AudioSource, Image, ImageSource};
        let microphone = Audio { sources: vec![AudioSource::Microphone], streaming: true, autoplay: false };
        let webcam = Image { sources: vec![ImageSource::Webcam], streaming: true, ..Image::default() };
        let mut app = blocks(vec![event(Trigger::Stream { component: 4 }, &[4, 5, 0], &[1], "see_and_hear")]);
        app.components.push(ComponentSpec::new(ComponentKind::Image(webcam)).with_label("webcam"));
        app.components.push(ComponentSpec::new(ComponentKind::Audio(microphone.clone())).with_label("mic"));
        assert_eq!(app.check(), Ok(()));
        app.components.push(ComponentSpec::new(ComponentKind::Audio(microphone)).with_label("mic 2"));
        app.events[0].inputs.push(6);
        app.events.push(event(Trigger::Stream { component: 5 }, &[5], &[1], "hear"));
        let problems = app.check().unwrap_err();
        assert!(
            problems.contains(&"mic: a streaming input is read by its stream event, and by it alone".to_owned()),
            "{problems:?}"
        );
        assert!(
            problems.iter().any(|p| p.contains("stream one at a time, or as a webcam and a microphone together")),
            "{problems:?}"
        );
    }

    /// a's change writes b, whose change (through a chained event) writes a again.
    #[test]
    fn a_loop_of_change_events_is_refused() {
        let app = blocks(vec![
            event(Trigger::Change { component: 0 }, &[0], &[1], "_p4"),
            event(Trigger::Change { component: 1 }, &[1], &[3], "_p5"),
            event(Trigger::Then { event: 1 }, &[3], &[0], "_p6"),
        ]);
        assert_eq!(app.check().unwrap_err(), ["these change events would fire each other for ever: a → b → a"]);
        let input_only = blocks(vec![event(Trigger::Input { component: 0 }, &[0], &[0], "_p7")]);
        assert_eq!(input_only.check(), Ok(()), "an input event fires on the user's changes only");
    }

    #[test]
    fn examples_fit_their_components_and_are_placed_once_declared() {
        let mut app = blocks(Vec::new());
        app.examples = vec![ExampleSet {
            inputs: vec![0, 3],
            rows: vec![vec![Value::Number(1.0), Value::Text("x".into())]],
            cache: None,
        }];
        app.layout.push(Node::Examples { set: 0 });
        assert_eq!(app.check(), Ok(()));
        app.examples.push(ExampleSet {
            inputs: vec![0],
            rows: vec![vec![Value::Text("two".into())], vec![]],
            cache: None,
        });
        app.examples.push(ExampleSet { inputs: vec![7], rows: Vec::new(), cache: None });
        app.layout.push(Node::Group { label: None, children: vec![Node::Examples { set: 5 }] });
        assert_eq!(
            app.check().unwrap_err(),
            [
                "examples 2: row 1: a: expected a number, got text",
                "examples 2: row 2: expected 1 values (a), got 0",
                "examples 3: it names a component of another Blocks",
                "the layout places a set of examples that does not exist",
            ]
        );
    }

    #[test]
    fn a_layout_nests_at_most_the_depth_the_page_draws() {
        let mut app = blocks(Vec::new());
        let nest = |node: Node| Node::Group { label: None, children: vec![node] };
        let mut node = Node::Component { id: 0 };
        for _ in 0..MAX_LAYOUT_DEPTH {
            node = nest(node);
        }
        app.layout = vec![node.clone()];
        assert_eq!(app.check(), Ok(()));
        app.layout = vec![Node::Tabs { tabs: vec![Tab { label: "t".into(), children: vec![node] }] }];
        assert_eq!(app.check().unwrap_err(), ["layouts nest at most 4 containers deep"]);
    }
}
