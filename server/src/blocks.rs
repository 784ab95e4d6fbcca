//! [`Blocks`]: components placed in a layout, and events whose wiring the compiler checks.

use std::{
    marker::PhantomData,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
    time::Duration,
};

use rheo_shared::{
    BlocksSpec, Cancel, ComponentSpec, EventSpec, ExampleSet, Flagging, Node, Reset, Tab, Trigger as On, TriggerMode,
    DEFAULT_STREAM_EVERY,
};

use crate::{
    components::{
        Button, Chatbot, Component, ComponentList, Edit, Like, Markdown, MediaInput, Returns, Submitting, WithEventData,
    },
    engine::{
        sessions::StateWiring,
        value::{ComponentValue, StateValue},
        within, Declared, DeclaredApp, ErasedConversation, ErasedHandler, ExampleFile,
    },
    handler::Handler,
    interface::{erase, erase_conversation, erase_with_event_data, name_unlabelled, private::Sealed, IntoMounted},
};

/// An app of components in a layout and events that run handlers on them (Gradio's
/// `gr.Blocks`). Adding a component returns a typed [`Handle`]; an event takes a handler and
/// tuples of handles as its inputs and outputs, and a handler whose arguments or return
/// values do not fit those handles' value types does not compile.
///
/// ```
/// use rheo::{Blocks, Button, Number, Registry, Textbox};
///
/// fn double(x: f64) -> f64 {
///     2.0 * x
/// }
///
/// fn describe(x: f64) -> String {
///     format!("the double is {x}")
/// }
///
/// let mut app = Blocks::new().title("Doubler");
/// app.markdown("Type a number, then **Double** it.");
/// let (x, doubled, words) = app.row(|app| (app.add(Number::new().label("x")), app.add(Number::new()), app.add(Textbox::new())));
/// let go = app.add(Button::new("Double").primary());
/// app.on(go.click(), double, x, doubled).api_name("double").success(describe, doubled, words);
/// # let _ = Registry::new().mount("doubler", app);
/// ```
///
/// A handler whose types do not fit its handles is a compile error naming both sides:
///
/// ```compile_fail,E0271
/// # use rheo::{Blocks, Button, Number, Textbox};
/// fn double(x: f64) -> f64 {
///     2.0 * x
/// }
/// let mut app = Blocks::new();
/// let (text, go) = (app.add(Textbox::new()), app.add(Button::new("Go")));
/// let out = app.add(Number::new());
/// // error[E0271]: … expected `(String,)`, found `(f64,)`: a Textbox gives the handler a String.
/// app.on(go.click(), double, text, out);
/// ```
pub struct Blocks {
    /// Tells this Blocks' handles from another's.
    id: u64,
    title: Option<String>,
    description: String,
    components: Vec<ComponentSpec>,
    /// The [`State`](crate::State) components, by id, with their starting values: the app's
    /// State slots, in order.
    states: Vec<(usize, StateValue)>,
    /// The children of each container being filled, the page's first.
    open: Vec<Vec<Node>>,
    events: Vec<Event>,
    cancels: Vec<Cancel>,
    resets: Vec<Reset>,
    examples: Vec<ExampleSet>,
    /// The examples' media, to store when the app is built.
    example_files: Vec<ExampleFile>,
    /// Mistakes found while declaring (a handle of another Blocks), reported at mount.
    problems: Vec<String>,
}

/// A handler made ready for the engine, with what its event's spec needs to know of it.
pub(crate) struct ErasedEvent {
    pub(crate) handler: ErasedHandler,
    /// Its conversation, for a handler of a whole stream.
    pub(crate) conversation: Option<ErasedConversation>,
    pub(crate) generator: bool,
    pub(crate) api_name: String,
    /// How its calls are batched, if its handler takes a batch.
    pub(crate) batch: Option<rheo_shared::Batching>,
}

impl ErasedEvent {
    /// An event of Rheo's own (a chat's), whose handler takes one call at a time.
    pub(crate) fn new(handler: ErasedHandler, generator: bool, api_name: impl Into<String>) -> Self {
        ErasedEvent { handler, conversation: None, generator, api_name: api_name.into(), batch: None }
    }

    /// An author's handler, made ready by `erase`, with its conversation as `converse` makes it.
    fn of<F: Handler<M>, M>(
        handler: F,
        erase: impl FnOnce(Arc<F>) -> ErasedHandler,
        converse: impl FnOnce(Arc<F>) -> Option<ErasedConversation>,
    ) -> Self {
        let (batch, handler) = (handler.batching(), Arc::new(handler));
        let conversation = converse(handler.clone());
        ErasedEvent { handler: erase(handler), conversation, generator: F::GENERATOR, api_name: F::api_name(), batch }
    }
}

struct Event {
    spec: EventSpec,
    handler: ErasedHandler,
    conversation: Option<ErasedConversation>,
    /// Whether the author named it; a default name is made unique at mount.
    named: bool,
    timeout: Option<Duration>,
    /// The concurrency group whose line it shares (Gradio's `concurrency_id`).
    concurrency_group: Option<String>,
    /// Whether the author set its `concurrency_limit` (else the server's default applies).
    limit_set: bool,
}

/// Which Blocks a handle belongs to: each gets a number of its own.
static NEXT_BLOCKS: AtomicU64 = AtomicU64::new(0);

impl Default for Blocks {
    fn default() -> Self {
        Self::new()
    }
}

impl Blocks {
    /// An empty app; add components, layouts and events, then mount it.
    pub fn new() -> Self {
        Blocks {
            id: NEXT_BLOCKS.fetch_add(1, Ordering::Relaxed),
            title: None,
            description: String::new(),
            components: Vec::new(),
            states: Vec::new(),
            open: vec![Vec::new()],
            events: Vec::new(),
            cancels: Vec::new(),
            resets: Vec::new(),
            examples: Vec::new(),
            example_files: Vec::new(),
            problems: Vec::new(),
        }
    }

    /// The page's heading; defaults to the mount name.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// Markdown shown under the title, and the index's line for the app.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = description.into();
        self
    }

    /// Places `component` here in the layout, and returns its handle. A
    /// [`State`](crate::State) takes no place: it is a value each session keeps on the server,
    /// which every event that names it reads or writes (Gradio's `gr.State` in Blocks).
    pub fn add<C: Component>(&mut self, component: C) -> Handle<C> {
        let id = self.components.len();
        match component.starting_state() {
            Some(start) => self.states.push((id, start)),
            None => self.place(Node::Component { id }),
        }
        self.components.push(component.into_spec());
        Handle { blocks: self.id, id, marker: PhantomData }
    }

    /// A component outside the layout: never shown, an output only API clients see (a
    /// preset's, as Gradio's hidden components).
    pub(crate) fn add_unplaced<C: Component>(&mut self, component: C) -> Handle<C> {
        let id = self.components.len();
        self.components.push(component.into_spec());
        Handle { blocks: self.id, id, marker: PhantomData }
    }

    /// Markdown text placed here (a [`Markdown`] showing it, whose handle may be an output).
    pub fn markdown(&mut self, text: impl Into<String>) -> Handle<Markdown> {
        let text: String = text.into();
        self.add(Markdown::new().value(text))
    }

    /// What `build` places goes side by side, wrapping on a narrow screen.
    pub fn row<T>(&mut self, build: impl FnOnce(&mut Self) -> T) -> T {
        self.contain(build, |children| Node::Row { children })
    }

    /// What `build` places goes one above the other; in a row, `scale` is its width relative
    /// to its siblings' (Gradio's `scale`; at least 1).
    pub fn column<T>(&mut self, scale: u32, build: impl FnOnce(&mut Self) -> T) -> T {
        self.contain(build, |children| Node::Column { scale: scale.max(1), children })
    }

    /// A tab named `label` holding what `build` places; tabs declared one after another share
    /// one tab bar, the first shown at first.
    pub fn tab<T>(&mut self, label: impl Into<String>, build: impl FnOnce(&mut Self) -> T) -> T {
        let label = label.into();
        self.open.push(Vec::new());
        let built = build(self);
        let children = self.open.pop().unwrap_or_default();
        let siblings = self.open.last_mut().expect("the page is always open");
        match siblings.last_mut() {
            Some(Node::Tabs { tabs }) => tabs.push(Tab { label, children }),
            _ => siblings.push(Node::Tabs { tabs: vec![Tab { label, children }] }),
        }
        built
    }

    /// A section titled `label` that opens and closes, holding what `build` places.
    pub fn accordion<T>(&mut self, label: impl Into<String>, open: bool, build: impl FnOnce(&mut Self) -> T) -> T {
        let label = label.into();
        self.contain(build, |children| Node::Accordion { label, open, children })
    }

    /// What `build` places, drawn as one panel.
    pub fn group<T>(&mut self, build: impl FnOnce(&mut Self) -> T) -> T {
        self.contain(build, |children| Node::Group { label: None, children })
    }

    fn contain<T>(&mut self, build: impl FnOnce(&mut Self) -> T, node: impl FnOnce(Vec<Node>) -> Node) -> T {
        self.open.push(Vec::new());
        let built = build(self);
        let children = self.open.pop().unwrap_or_default();
        self.place(node(children));
        built
    }

    fn place(&mut self, node: Node) {
        self.open.last_mut().expect("the page is always open").push(node);
    }

    /// When `triggers` fire (one [`Trigger`], or an array of them for any of several: Gradio's
    /// `gr.on(triggers=[…])`), runs `handler` on the values of `inputs` (a handle, or a tuple of
    /// up to eight) and shows what it returns in `outputs`. Its `api_name` defaults to the
    /// function's name; [`EventRef`] sets it and the event's other options, and chains more.
    pub fn on<F, M, I, O>(&mut self, triggers: impl Triggers, handler: F, inputs: I, outputs: O) -> EventRef<'_>
    where
        F: Handler<M, Args = <I::Components as ComponentList>::Args>,
        F::Output: Returns<O::Components>,
        I: Handles,
        O: Handles,
    {
        let erased = ErasedEvent::of(
            handler,
            erase::<F, M, I::Components, O::Components>,
            erase_conversation::<F, M, I::Components, O::Components>,
        );
        self.push_event(triggers.into_triggers(), erased, inputs.ids(), outputs.ids())
    }

    /// When the person likes or dislikes a message of `chatbot` (with the thumbs under each of
    /// the assistant's messages, shown once an event listens), runs `handler` on the [`Like`]
    /// then the values of `inputs`, and shows what it returns in `outputs` (Gradio's
    /// `chatbot.like`). Only the page likes: the event is private.
    ///
    /// ```
    /// use rheo::{Blocks, ChatMessage, Chatbot, Like, Textbox};
    ///
    /// fn noted(like: Like, conversation: Vec<ChatMessage>) -> String {
    ///     let verdict = if like.liked { "liked" } else { "disliked" };
    ///     format!("You {verdict} message {} of {}.", like.index + 1, conversation.len())
    /// }
    ///
    /// let mut app = Blocks::new();
    /// let chat = app.add(Chatbot::new());
    /// let said = app.add(Textbox::new().label("feedback"));
    /// app.on_like(chat, noted, chat, said);
    /// # let _ = rheo::Registry::new().mount("liked", app);
    /// ```
    pub fn on_like<F, M, I, O>(&mut self, chatbot: Handle<Chatbot>, handler: F, inputs: I, outputs: O) -> EventRef<'_>
    where
        F: Handler<M, Args = <I::Components as WithEventData<Like>>::Args>,
        F::Output: Returns<O::Components>,
        I: Handles,
        I::Components: WithEventData<Like>,
        O: Handles,
    {
        self.on_event_data::<Like, F, M, I, O>(chatbot.like(), handler, inputs, outputs)
    }

    /// When the person edits a message they sent in `chatbot` (an Edit button beside each,
    /// shown once an event listens), runs `handler` on the [`Edit`] then the values of
    /// `inputs`, and shows what it returns in `outputs` (Gradio's `chatbot.edit`); the event
    /// answers the edited message, typically. Only the page edits: the event is private.
    ///
    /// ```
    /// use rheo::{Blocks, ChatMessage, Chatbot, Edit};
    ///
    /// fn answer_again(edit: Edit, mut conversation: Vec<ChatMessage>) -> Vec<ChatMessage> {
    ///     conversation.truncate(edit.index);
    ///     conversation.push(ChatMessage::user(edit.text.clone()));
    ///     conversation.push(ChatMessage::assistant(format!("You meant: {}", edit.text)));
    ///     conversation
    /// }
    ///
    /// let mut app = Blocks::new();
    /// let chat = app.add(Chatbot::new());
    /// app.on_edit(chat, answer_again, chat, chat);
    /// # let _ = rheo::Registry::new().mount("edited", app);
    /// ```
    pub fn on_edit<F, M, I, O>(&mut self, chatbot: Handle<Chatbot>, handler: F, inputs: I, outputs: O) -> EventRef<'_>
    where
        F: Handler<M, Args = <I::Components as WithEventData<Edit>>::Args>,
        F::Output: Returns<O::Components>,
        I: Handles,
        I::Components: WithEventData<Edit>,
        O: Handles,
    {
        self.on_event_data::<Edit, F, M, I, O>(chatbot.edit(), handler, inputs, outputs)
    }

    /// A private event fired by `trigger`, whose handler takes its event data `D` first.
    fn on_event_data<D, F, M, I, O>(&mut self, trigger: Trigger, handler: F, inputs: I, outputs: O) -> EventRef<'_>
    where
        D: ComponentValue,
        F: Handler<M, Args = <I::Components as WithEventData<D>>::Args>,
        F::Output: Returns<O::Components>,
        I: Handles,
        I::Components: WithEventData<D>,
        O: Handles,
    {
        let erased = ErasedEvent::of(handler, erase_with_event_data::<D, F, M, I::Components, O::Components>, |_| None);
        self.push_event(vec![trigger], erased, inputs.ids(), outputs.ids()).private()
    }

    /// An event that only API clients call (Gradio's `gr.api`): nothing on the page triggers
    /// it. It runs `handler` on `inputs` (handles, or a tuple of them) and returns into
    /// `outputs`, which may be [`State`](crate::State)s: an API client's session keeps them
    /// from one call to the next.
    pub fn api<F, M, I, O>(&mut self, handler: F, inputs: I, outputs: O) -> EventRef<'_>
    where
        F: Handler<M, Args = <I::Components as ComponentList>::Args>,
        F::Output: Returns<O::Components>,
        I: Handles,
        O: Handles,
    {
        self.on(Vec::new(), handler, inputs, outputs)
    }

    /// Adds an event of an already erased handler (a preset's own wiring around the author's).
    pub(crate) fn push_event(
        &mut self,
        triggers: Vec<Trigger>,
        erased: ErasedEvent,
        inputs: Vec<(u64, usize)>,
        outputs: Vec<(u64, usize)>,
    ) -> EventRef<'_> {
        if triggers.iter().any(|trigger| trigger.blocks.is_some_and(|blocks| blocks != self.id)) {
            self.problems.push("an event is triggered by a component of another Blocks".into());
        }
        let inputs = self.ids(inputs, "an event");
        let outputs = self.ids(outputs, "an event");
        let ErasedEvent { handler, conversation, generator, api_name, batch } = erased;
        let spec = EventSpec {
            triggers: triggers.iter().map(|trigger| trigger.on).collect(),
            inputs,
            outputs,
            api_name,
            private: false,
            generator,
            duplex: conversation.is_some(),
            concurrency_limit: Some(1),
            stream_every: DEFAULT_STREAM_EVERY,
            time_limit: None,
            debounce: None,
            flagging: None,
            batch,
            trigger_mode: None,
        };
        let event = Event {
            spec,
            handler,
            conversation,
            named: false,
            timeout: None,
            concurrency_group: None,
            limit_set: false,
        };
        self.events.push(event);
        EventRef { index: self.events.len() - 1, blocks: self }
    }

    /// When `trigger` fires, the running calls of `events` stop, generators included: a Stop
    /// button (Gradio's `cancels=`). The page stops them; their handlers are dropped on the
    /// server as their caller goes.
    pub fn cancel(&mut self, trigger: Trigger, events: impl IntoIterator<Item = EventId>) {
        let events: Vec<EventId> = events.into_iter().collect();
        let foreign = trigger.blocks.is_some_and(|blocks| blocks != self.id);
        if foreign || events.iter().any(|event| event.blocks != self.id) {
            self.problems.push("a cancel names a component or an event of another Blocks".into());
        }
        self.cancels.push(Cancel { trigger: trigger.on, events: events.iter().map(|event| event.index).collect() });
    }

    /// The components' ids, each checked to be this Blocks'.
    /// When `trigger` fires, `components` (a handle or a tuple of them) go back to their
    /// starting values, as Gradio's `gr.ClearButton` puts them: the events writing them stop and
    /// their errors go. A [`State`](crate::State) among them starts the page's session again, and
    /// with it every State of the page.
    ///
    /// ```
    /// use rheo::{Blocks, Button, Textbox};
    ///
    /// let mut app = Blocks::new();
    /// let (question, answer) = (app.add(Textbox::new()), app.add(Textbox::new()));
    /// let clear = app.add(Button::new("Clear"));
    /// app.reset(clear.click(), (question, answer));
    /// ```
    pub fn reset<H: Handles>(&mut self, trigger: Trigger, components: H) {
        if trigger.blocks.is_some_and(|blocks| blocks != self.id) {
            self.problems.push("a reset is triggered by a component of another Blocks".into());
        }
        let components = self.ids(components.ids(), "a reset");
        self.resets.push(Reset { trigger: trigger.on, components });
    }

    /// Rows of example values for `inputs` (a handle or a tuple of them), typed as a handler
    /// of them takes its arguments, placed here as a table (Gradio's `gr.Examples`): clicking a
    /// row fills them in, which fires their change events.
    ///
    /// ```
    /// use rheo::{Blocks, Number, Radio};
    ///
    /// let mut app = Blocks::new();
    /// let (x, op) = (app.add(Number::new()), app.add(Radio::new(["add", "subtract"])));
    /// app.examples((x, op), [(3.0, "add".to_string()), (8.0, "subtract".to_string())]);
    /// ```
    pub fn examples<I: Handles>(
        &mut self,
        inputs: I,
        rows: impl IntoIterator<Item = <I::Components as ComponentList>::Args>,
    ) {
        let rows = rows.into_iter().map(I::Components::encode_args).collect();
        self.push_examples(inputs.ids(), rows);
    }

    /// A set of examples of the components `inputs`, each row their values as payloads.
    pub(crate) fn push_examples(&mut self, inputs: Vec<(u64, usize)>, rows: Vec<Vec<crate::engine::value::Payload>>) {
        let set = self.examples.len();
        let inputs = self.ids(inputs, "a set of examples");
        let rows = (rows.into_iter().enumerate())
            .map(|(row, payloads)| ExampleFile::row_values(set, row, payloads, &mut self.example_files))
            .collect();
        self.examples.push(ExampleSet { inputs, rows, cache: None });
        self.place(Node::Examples { set });
    }

    /// The ids of `handles`, which `what` names; a handle of another Blocks is a problem.
    fn ids(&mut self, handles: Vec<(u64, usize)>, what: &str) -> Vec<usize> {
        if handles.iter().any(|(blocks, _)| *blocks != self.id) {
            self.problems.push(format!("{what} names a component of another Blocks"));
        }
        handles.into_iter().map(|(_, id)| id).collect()
    }
}

/// An event just declared: its options, and the events chained after it.
pub struct EventRef<'a> {
    blocks: &'a mut Blocks,
    index: usize,
}

/// An event of a [`Blocks`], to [`cancel`](Blocks::cancel) it.
#[derive(Clone, Copy, Debug)]
pub struct EventId {
    blocks: u64,
    index: usize,
}

impl EventRef<'_> {
    fn event(&mut self) -> &mut Event {
        &mut self.blocks.events[self.index]
    }

    /// This event, to cancel it from a Stop button.
    pub fn id(&self) -> EventId {
        EventId { blocks: self.blocks.id, index: self.index }
    }

    /// The endpoint name API clients call it by (and its MCP tool's); unique in the app.
    pub fn api_name(mut self, name: impl Into<String>) -> Self {
        let event = self.event();
        event.spec.api_name = name.into();
        event.named = true;
        self
    }

    /// People may flag its calls, for `reasons` (a preset's: a chat's likes).
    pub(crate) fn flagged(mut self, reasons: &[&str]) -> Self {
        self.event().spec.flagging = Some(Flagging { reasons: reasons.iter().map(|r| r.to_string()).collect() });
        self
    }

    /// Keeps the event to the page: no API client or MCP tool sees or calls it (Gradio's
    /// `api_visibility="private"`).
    pub fn private(mut self) -> Self {
        self.event().spec.private = true;
        self
    }

    /// Calls of this event that may run at once; `None` for no limit. Unless set, the server's
    /// [`default_concurrency_limit`](crate::Limits) (1, as in Gradio).
    pub fn concurrency_limit(mut self, limit: Option<usize>) -> Self {
        let event = self.event();
        event.spec.concurrency_limit = limit;
        event.limit_set = true;
        self
    }

    /// A stream event's time between chunks or frames (default 0.5 s).
    pub fn stream_every(mut self, every: Duration) -> Self {
        self.event().spec.stream_every = every.as_secs_f64();
        self
    }

    /// The page runs the event once its triggers have been still for `pause` (at most 10 s),
    /// not at each: a change event on a text runs when the typing pauses, not at each letter.
    pub fn debounce(mut self, pause: Duration) -> Self {
        self.event().spec.debounce = Some(pause.as_secs_f64());
        self
    }

    /// What firing the event does while the page's call of it runs (Gradio's `trigger_mode`):
    /// ignored ([`TriggerMode::Once`], the default but for changes), answered by a call of its
    /// own ([`TriggerMode::Multiple`], up to 8 at once) or answered once the running call ends,
    /// with the inputs as they are then ([`TriggerMode::AlwaysLast`], a change's default).
    pub fn trigger_mode(mut self, mode: TriggerMode) -> Self {
        self.event().spec.trigger_mode = Some(mode);
        self
    }

    /// A stream event's longest stream: it ends then, and the page says so (default none).
    pub fn time_limit(mut self, limit: Option<Duration>) -> Self {
        self.event().spec.time_limit = limit.map(|limit| limit.as_secs_f64());
        self
    }

    /// Shares one concurrency limit with the other events of group `id` (Gradio's
    /// `concurrency_id`): together they run at most as many calls at once as the lowest
    /// [`concurrency_limit`](Self::concurrency_limit) set among them, in one waiting line; two
    /// events on one model, say, that must never run it at once.
    pub fn concurrency_id(mut self, id: impl Into<String>) -> Self {
        self.event().concurrency_group = Some(id.into());
        self
    }

    /// How long one call may take from when its handler starts; past it, the call fails.
    pub fn timeout(mut self, limit: Option<Duration>) -> Self {
        self.event().timeout = limit.filter(|limit| !limit.is_zero());
        self
    }

    /// Then, when this event has ended (with a result or an error), runs another
    /// (Gradio's `.then`).
    pub fn then<F, M, I, O>(self, handler: F, inputs: I, outputs: O) -> Self
    where
        F: Handler<M, Args = <I::Components as ComponentList>::Args>,
        F::Output: Returns<O::Components>,
        I: Handles,
        O: Handles,
    {
        let trigger = Trigger { blocks: None, on: On::Then { event: self.index } };
        self.blocks.on(trigger, handler, inputs, outputs)
    }

    /// Then, only if this event ended with a result, runs another (Gradio's `.success`).
    pub fn success<F, M, I, O>(self, handler: F, inputs: I, outputs: O) -> Self
    where
        F: Handler<M, Args = <I::Components as ComponentList>::Args>,
        F::Output: Returns<O::Components>,
        I: Handles,
        O: Handles,
    {
        let trigger = Trigger { blocks: None, on: On::Success { event: self.index } };
        self.blocks.on(trigger, handler, inputs, outputs)
    }
}

/// A component of a [`Blocks`], typed by its component: an input gives the handler `C`'s value
/// type, an output takes it. Copy it freely: one handle may be an input of one event and an
/// output of another.
pub struct Handle<C> {
    blocks: u64,
    id: usize,
    marker: PhantomData<fn() -> C>,
}

impl<C> Clone for Handle<C> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<C> Copy for Handle<C> {}

impl<C: Component> Handle<C> {
    /// Fires when the value changes, by the user or as another event's output.
    pub fn change(self) -> Trigger {
        self.trigger(On::Change { component: self.id })
    }

    /// Fires when the user changes the value (not when an event's output does).
    pub fn input(self) -> Trigger {
        self.trigger(On::Input { component: self.id })
    }

    fn trigger(self, on: On) -> Trigger {
        Trigger { blocks: Some(self.blocks), on }
    }
}

impl Handle<Button> {
    /// Fires when the button is clicked.
    pub fn click(self) -> Trigger {
        self.trigger(On::Click { component: self.id })
    }
}

impl Handle<Chatbot> {
    /// Fires when a message is liked or disliked ([`Blocks::on_like`] wires it).
    pub(crate) fn like(self) -> Trigger {
        self.trigger(On::Like { component: self.id })
    }

    /// Fires when a message sent is edited ([`Blocks::on_edit`] wires it).
    pub(crate) fn edit(self) -> Trigger {
        self.trigger(On::Edit { component: self.id })
    }
}

impl<C: Submitting> Handle<C> {
    /// Fires when Enter is pressed in the text field.
    pub fn submit(self) -> Trigger {
        self.trigger(On::Submit { component: self.id })
    }
}

impl<C: MediaInput> Handle<C> {
    /// Fires when the user has uploaded a file (picked, dropped, pasted, recorded or taken with
    /// the camera), once the server has stored it.
    pub fn upload(self) -> Trigger {
        self.trigger(On::Upload { component: self.id })
    }

    /// Fires when the user removes the file.
    pub fn clear(self) -> Trigger {
        self.trigger(On::Clear { component: self.id })
    }

    /// Fires with each chunk or frame while the user streams (a microphone or a webcam: the
    /// component is `.streaming(true)`); the event's handler gets it, and must read this
    /// component, and no other event may. Set the pace with [`EventRef::stream_every`] and a
    /// limit with [`EventRef::time_limit`]. The handler runs once per chunk; one chunk runs at
    /// a time per stream, and a newer one replaces a chunk still waiting.
    pub fn stream(self) -> Trigger {
        self.trigger(On::Stream { component: self.id })
    }
}

/// What runs an event: a component's action ([`Handle::change`], [`Handle::click`], …), the
/// page loading, or a timer.
#[derive(Clone, Copy, Debug)]
pub struct Trigger {
    /// The Blocks of the component that fires it, if one does.
    blocks: Option<u64>,
    on: On,
}

impl Trigger {
    /// When the page has loaded (Gradio's `demo.load`).
    pub fn load() -> Self {
        Trigger { blocks: None, on: On::Load }
    }

    /// Every `period` while the page is open (Gradio's `gr.Timer`); at least 50 ms.
    pub fn every(period: Duration) -> Self {
        Trigger { blocks: None, on: On::Every { seconds: period.as_secs_f64() } }
    }
}

/// What fires an event: one [`Trigger`], or any of several (an array or a `Vec` of them, as
/// `[a.change(), b.change()]`).
pub trait Triggers: Sealed {
    #[doc(hidden)]
    fn into_triggers(self) -> Vec<Trigger>;
}

impl Sealed for Trigger {}

impl Triggers for Trigger {
    fn into_triggers(self) -> Vec<Trigger> {
        vec![self]
    }
}

impl<const N: usize> Sealed for [Trigger; N] {}

impl<const N: usize> Triggers for [Trigger; N] {
    fn into_triggers(self) -> Vec<Trigger> {
        self.to_vec()
    }
}

impl Sealed for Vec<Trigger> {}

impl Triggers for Vec<Trigger> {
    fn into_triggers(self) -> Vec<Trigger> {
        self
    }
}

/// Handles as an event takes them: one, or a tuple of up to eight, or `()` for none. Their
/// components fix the handler's types, as [`ComponentList`] does for an `Interface`.
pub trait Handles: Sealed {
    #[doc(hidden)]
    type Components: ComponentList;
    /// Each handle's Blocks and component id.
    #[doc(hidden)]
    fn ids(&self) -> Vec<(u64, usize)>;
}

impl<C> Sealed for Handle<C> {}

impl<C: Component> Handles for Handle<C> {
    type Components = C;

    fn ids(&self) -> Vec<(u64, usize)> {
        vec![(self.blocks, self.id)]
    }
}

macro_rules! handle_tuple {
    ($($c:ident $v:ident),*) => {
        impl<$($c),*> Sealed for ($(Handle<$c>,)*) {}

        impl<$($c: Component),*> Handles for ($(Handle<$c>,)*) {
            type Components = ($($c,)*);

            fn ids(&self) -> Vec<(u64, usize)> {
                let ($($v,)*) = self;
                vec![$(($v.blocks, $v.id)),*]
            }
        }
    };
}

handle_tuple!();
handle_tuple!(A a);
handle_tuple!(A a, B b);
handle_tuple!(A a, B b, C c);
handle_tuple!(A a, B b, C c, D d);
handle_tuple!(A a, B b, C c, D d, E e);
handle_tuple!(A a, B b, C c, D d, E e, F f);
handle_tuple!(A a, B b, C c, D d, E e, F f, G g);
handle_tuple!(A a, B b, C c, D d, E e, F f, G g, H h);

impl Sealed for Blocks {}

impl IntoMounted for Blocks {
    #[allow(private_interfaces)]
    fn into_mounted(self, name: &str) -> Result<DeclaredApp, Vec<String>> {
        let Blocks {
            title,
            description,
            components,
            states,
            mut open,
            mut events,
            cancels,
            resets,
            examples,
            example_files,
            mut problems,
            ..
        } = self;
        unique_default_names(&mut events);
        let spec = BlocksSpec {
            name: name.to_owned(),
            title: title.unwrap_or_else(|| name.to_owned()),
            description,
            article: String::new(),
            html_in_text: false,
            interface: false,
            components: name_unlabelled(components, |spec| spec.kind.name()),
            layout: open.pop().unwrap_or_default(),
            events: events.iter().map(|event| event.spec.clone()).collect(),
            cancels,
            examples,
            resets,
        };
        problems.extend(spec.check().err().into_iter().flatten());
        // A batched event's limit counts runs, not calls: it cannot share a line counted in calls.
        let grouped_batch = events.iter().find(|event| event.concurrency_group.is_some() && event.spec.batch.is_some());
        problems.extend(grouped_batch.map(|event| {
            format!(
                "event {:?} takes batches: it cannot share a concurrency group (concurrency_id)",
                event.spec.api_name
            )
        }));
        if !problems.is_empty() {
            return Err(problems);
        }
        let choices = choice_slots(&spec);
        let endpoints = events
            .into_iter()
            .enumerate()
            .map(|(index, Event { handler, conversation, timeout, concurrency_group, limit_set, .. })| {
                let endpoint = spec.endpoint(index);
                let wiring = state_wiring(&spec.events[index], &states, &choices);
                let timed: ErasedHandler = Box::new(move |values, slot| within(handler(values, slot), timeout));
                Declared::new(endpoint, timed, wiring)
                    .conversing(conversation)
                    .in_concurrency_group(concurrency_group)
                    .with_limit_set(limit_set)
                    .taking_event_data(spec.events[index].event_data())
            })
            .collect();
        let state_starts =
            states.into_iter().map(|(_, start)| start).chain(choices.into_iter().map(|(_, start)| start));
        let state_starts = state_starts.collect();
        Ok(DeclaredApp { spec, endpoints, state_starts, example_files })
    }
}

/// The components whose choices an event's update may replace (a Radio or a Dropdown that is
/// an event's output), by id, each with its slot's starting value: its choices as declared.
fn choice_slots(spec: &BlocksSpec) -> Vec<(usize, StateValue)> {
    let written = |id: usize| spec.events.iter().any(|event| event.outputs.contains(&id));
    let declared = spec.components.iter().enumerate().filter_map(|(id, c)| Some((id, c.choices()?.to_vec())));
    declared.filter(|(id, _)| written(*id)).map(|(id, choices)| (id, Arc::new(choices) as StateValue)).collect()
}

/// Which of `event`'s inputs and outputs are which of the app's slots: its State slots
/// (`states`, by component id), then the slots of the choices its updates may replace
/// (`choices`, by component id).
fn state_wiring(event: &EventSpec, states: &[(usize, StateValue)], choices: &[(usize, StateValue)]) -> StateWiring {
    let slots = |ids: &[usize], slotted: &[(usize, StateValue)], first: usize| -> Vec<(usize, usize)> {
        let slot = |id: usize| slotted.iter().position(|(slotted, _)| *slotted == id).map(|k| first + k);
        ids.iter().enumerate().filter_map(|(position, &id)| Some((position, slot(id)?))).collect()
    };
    let (after_states, none) = (states.len(), 0);
    StateWiring::new(slots(&event.inputs, states, none), slots(&event.outputs, states, none))
        .with_choices(slots(&event.inputs, choices, after_states), slots(&event.outputs, choices, after_states))
}

/// Events the author did not name are named after their function, as in Gradio; where two
/// share a name, the later ones get `_1`, `_2`, … A name the author gave is kept as it is (two
/// alike are an error at mount).
fn unique_default_names(events: &mut [Event]) {
    let taken: Vec<String> = events.iter().filter(|e| e.named).map(|e| e.spec.api_name.clone()).collect();
    let mut given: Vec<String> = Vec::new();
    for event in events.iter_mut().filter(|e| !e.named) {
        let name = unique_name(&event.spec.api_name, |name| taken.iter().chain(&given).any(|t| t == name));
        given.push(name.clone());
        event.spec.api_name = name;
    }
}

/// `wanted`, or, if `taken` says it is, `wanted_1`, `wanted_2`, … (Gradio's way with names).
pub(crate) fn unique_name(wanted: &str, taken: impl Fn(&str) -> bool) -> String {
    let mut name = wanted.to_owned();
    let mut n = 0;
    while taken(&name) {
        n += 1;
        name = format!("{wanted}_{n}");
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Number, Textbox};

    fn double(x: f64) -> f64 {
        2.0 * x
    }

    #[test]
    fn the_layout_and_events_are_recorded_in_order() {
        let mut app = Blocks::new().title("T");
        let (a, b) = app.row(|app| {
            let a = app.column(2, |app| app.add(Number::new().label("a")));
            (a, app.add(Number::new()))
        });
        app.tab("one", |app| app.markdown("hi"));
        app.tab("two", |_| ());
        let go = app.add(Button::new("Go"));
        app.on(go.click(), double, a, b).then(double, b, a).private();
        app.on(a.change(), |x: f64| x, a, b);
        app.on(Trigger::load(), |x: f64| x, a, b);
        let declared = app.into_mounted("t").unwrap();
        let spec = &declared.spec;
        assert_eq!(
            spec.components.iter().map(|c| c.label.as_str()).collect::<Vec<_>>(),
            ["a", "number", "markdown", "button"]
        );
        assert!(
            matches!(&spec.layout[0], Node::Row { children } if matches!(children[0], Node::Column { scale: 2, .. }))
        );
        assert!(matches!(&spec.layout[1], Node::Tabs { tabs } if tabs.len() == 2));
        let names: Vec<(&str, bool)> = spec.events.iter().map(|e| (e.api_name.as_str(), e.private)).collect();
        assert_eq!(names, [("double", false), ("double_1", true), ("predict", false), ("predict_1", false)]);
        assert_eq!(spec.events[1].triggers, [On::Then { event: 0 }]);
        assert_eq!(declared.endpoints.len(), 4);
    }

    static RUNNING: AtomicU64 = AtomicU64::new(0);
    static MOST: AtomicU64 = AtomicU64::new(0);

    /// A slow handler counting the calls running at once.
    async fn busy(x: f64) -> f64 {
        let now = RUNNING.fetch_add(1, Ordering::SeqCst) + 1;
        MOST.fetch_max(now, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(20)).await;
        RUNNING.fetch_sub(1, Ordering::SeqCst);
        x
    }

    /// Two events calling [`busy`], each with the default limit of one, both in `group` if one
    /// is given.
    fn two_events(group: Option<&str>) -> Blocks {
        let mut app = Blocks::new();
        let (x, a, b) = (app.add(Number::new()), app.add(Button::new("A")), app.add(Button::new("B")));
        for (button, name) in [(a, "a"), (b, "b")] {
            let event = app.on(button.click(), busy, x, x).api_name(name);
            if let Some(group) = group {
                event.concurrency_id(group);
            }
        }
        app
    }

    /// Calls `events` of `app` at once, on a server with `limits`; gives the most calls that
    /// ran at once.
    async fn most_at_once(app: Blocks, limits: crate::Limits, events: [usize; 2]) -> u64 {
        MOST.store(0, Ordering::SeqCst);
        let files = std::sync::Arc::new(crate::engine::files::FileStore::new(4096, 1 << 30).unwrap());
        let built = app.into_mounted("two").unwrap().build(
            &limits,
            &files,
            &crate::engine::media::DecodeBudget::new(1 << 30),
            &crate::store::Backend::Memory,
        );
        let app = built.unwrap();
        let call = |index: usize| {
            let endpoint = app.endpoint(index).unwrap();
            let inputs = endpoint.check(vec![rheo_shared::Value::Number(1.0)]).unwrap();
            crate::engine::last(endpoint.call(&files, None, None, inputs, None))
        };
        let (a, b) = tokio::join!(call(events[0]), call(events[1]));
        assert!(a.is_ok() && b.is_ok());
        MOST.load(Ordering::SeqCst)
    }

    /// One test, as they share [`busy`]'s counters: the events of a concurrency group take
    /// turns, and an event without a `concurrency_limit` of its own takes the server's default.
    #[tokio::test]
    async fn concurrency_groups_and_the_servers_default_limit() {
        let limits = crate::Limits::default;
        assert_eq!(most_at_once(two_events(None), limits(), [0, 1]).await, 2, "each event has a line of its own");
        assert_eq!(most_at_once(two_events(Some("model")), limits(), [0, 1]).await, 1, "one line for the group");
        let unlimited = || crate::Limits::default().default_concurrency_limit(None);
        let once = || crate::Limits::default().default_concurrency_limit(Some(1));
        assert_eq!(most_at_once(two_events(None), once(), [0, 0]).await, 1, "Gradio's default: one at a time");
        assert_eq!(most_at_once(two_events(None), unlimited(), [0, 0]).await, 2, "no default limit");
        let mut app = Blocks::new();
        let (x, go) = (app.add(Number::new()), app.add(Button::new("Go")));
        app.on(go.click(), busy, x, x).concurrency_limit(Some(1));
        assert_eq!(most_at_once(app, unlimited(), [0, 0]).await, 1, "the author's limit wins");
    }

    /// One event keeps a number in a State, another reads it: per session, and the State
    /// takes no place in the layout.
    #[tokio::test]
    async fn events_share_a_state_per_session() {
        use crate::State;
        fn keep(x: f64) -> State<f64> {
            State(x)
        }
        fn read(State(kept): State<f64>) -> f64 {
            kept
        }
        let mut app = Blocks::new();
        let (x, kept) = (app.add(Number::new()), app.add(State(-1.0)));
        app.on(x.change(), keep, x, kept).api_name("keep");
        app.on(Trigger::load(), read, kept, x).api_name("read");
        let files = std::sync::Arc::new(crate::engine::files::FileStore::new(4096, 1 << 30).unwrap());
        let app = app.into_mounted("kept").unwrap();
        let spec = &app.spec;
        assert_eq!(spec.layout, [Node::Component { id: 0 }]);
        let app = app.build_in_memory(&files);
        let call = |index: usize, inputs: Vec<rheo_shared::Value>, session: &str| {
            let endpoint = app.endpoint(index).unwrap();
            let inputs = endpoint.check(inputs).unwrap();
            crate::engine::last(endpoint.call(&files, None, Some(session.to_owned()), inputs, None))
        };
        let number = |n: f64| crate::engine::value::Payload::Json(rheo_shared::Value::Number(n));
        call(0, vec![rheo_shared::Value::Number(7.0)], "a").await.unwrap();
        assert_eq!(call(1, vec![rheo_shared::Value::Null], "a").await.unwrap(), [number(7.0)]);
        assert_eq!(call(1, vec![rheo_shared::Value::Null], "b").await.unwrap(), [number(-1.0)], "its own session");
    }

    /// An update's choices are its session's: that session's calls may pick them (and no longer
    /// the old ones), another session's may not; a handler's bad choices are refused.
    #[tokio::test]
    async fn an_update_gives_a_dropdown_other_choices_in_its_session() {
        use crate::{engine::CallError, Dropdown, Update};
        use rheo_shared::Value;
        fn sizes(family: String) -> Update<Dropdown> {
            let sizes = ["small", "large"].map(|size| format!("{family}-{size}"));
            Update::new().choices(if family.is_empty() { Vec::new() } else { sizes.to_vec() })
        }
        fn pick(model: String) -> String {
            model
        }
        let mut app = Blocks::new();
        let (family, model, picked) =
            (app.add(Textbox::new()), app.add(Dropdown::new(["base"]).label("model")), app.add(Textbox::new()));
        app.on(family.submit(), sizes, family, model).api_name("sizes");
        app.on(model.change(), pick, model, picked).api_name("pick");
        let files = std::sync::Arc::new(crate::engine::files::FileStore::new(4096, 1 << 30).unwrap());
        let declared = app.into_mounted("models").unwrap();
        let app = declared.build_in_memory(&files);
        let files = &files;
        let call = |index: usize, input: &str, session: &str| {
            let endpoint = app.endpoint(index).unwrap();
            let inputs = endpoint.check(vec![Value::Text(input.into())]);
            let session = Some(session.to_owned());
            async move { crate::engine::last(endpoint.call(files, None, session, inputs?, None)).await }
        };
        let misfit = |result: Result<_, CallError>| match result {
            Err(CallError::InvalidInput { misfits }) => misfits[0].to_string(),
            other => panic!("not refused: {other:?}"),
        };
        assert!(call(1, "base", "a").await.is_ok());
        assert_eq!(misfit(call(1, "tiny-small", "a").await), "model: \"tiny-small\" is not one of the choices: base");
        call(0, "tiny", "a").await.unwrap();
        assert!(call(1, "tiny-small", "a").await.is_ok(), "the session's new choice");
        assert_eq!(
            misfit(call(1, "base", "a").await),
            "model: \"base\" is not one of the choices: tiny-small, tiny-large"
        );
        assert!(misfit(call(1, "tiny-small", "b").await).contains("not one of the choices: base"), "another session");
        let empty = call(0, "", "a").await.err().unwrap();
        assert!(empty.to_string().contains("a choice list must not be empty"), "{empty}");
    }

    /// Examples are typed like a handler's arguments; their media are stored when the app is
    /// built, each cell then holding its file's URL.
    #[test]
    fn examples_are_placed_and_their_media_stored_when_built() {
        use crate::{Image, Textbox};
        let mut app = Blocks::new();
        let (picture, caption) = (app.add(Image::new()), app.add(Textbox::new()));
        app.examples((picture, caption), [(image::RgbImage::new(2, 2), "black".to_string())]);
        app.on(caption.submit(), |c: String| c, caption, caption);
        let files = std::sync::Arc::new(crate::engine::files::FileStore::new(4096, 1 << 30).unwrap());
        let app = app.into_mounted("pictures").unwrap();
        let built = app.build_in_memory(&files);
        let spec = built.spec();
        assert_eq!(spec.layout[2], Node::Examples { set: 0 });
        let row = &spec.examples[0].rows[0];
        let rheo_shared::Value::File(file) = &row[0] else { panic!("not a file: {row:?}") };
        assert!(file.url.as_deref().is_some_and(|url| url.starts_with("/pictures/gradio_api/file=")), "{file:?}");
        assert_eq!(row[1], rheo_shared::Value::Text("black".into()));
    }

    #[test]
    fn wiring_mistakes_are_refused_at_mount() {
        let mut other = Blocks::new();
        let foreign = other.add(Number::new());
        let mut app = Blocks::new();
        let x = app.add(Number::new());
        app.on(x.change(), double, foreign, x).api_name("same");
        app.on(foreign.change(), double, x, x).api_name("same");
        app.on(Trigger::every(Duration::from_millis(10)), || 1.0, (), x);
        let theirs = other.on(foreign.change(), double, foreign, foreign).id();
        app.cancel(Trigger::load(), [theirs]);
        let problems = app.into_mounted("bad").err().unwrap();
        assert!(problems.contains(&"an event names a component of another Blocks".to_string()), "{problems:?}");
        assert!(problems.contains(&"an event is triggered by a component of another Blocks".to_string()));
        assert!(problems.iter().any(|p| p.contains("two events are named \"same\"")));
        assert!(problems.iter().any(|p| p.contains("a timer's period must be at least 0.05 s")));
        assert!(problems.iter().any(|p| p.contains("would fire each other for ever")));
        assert!(problems.contains(&"a cancel names a component or an event of another Blocks".to_string()));
    }
}
