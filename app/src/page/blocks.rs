//! The page of a Blocks app: its layout of components, and its events wired to them. Each
//! event has its own [`Caller`] (its own line by its trigger mode, busy state and error); an event
//! fires from its trigger: a click, a change, Enter, the page loading, a timer, or the end of
//! the event it follows.

use std::time::Duration;

use leptos::{
    either::{Either, EitherOf3},
    prelude::*,
};
use leptos_meta::Title;
use rheo_shared::{protocol::api_page_path, BlocksSpec, ComponentKind, Node, Trigger, Value};

use super::{debounced, examples::examples as examples_view, notices};
use crate::{
    browser::on_leave,
    calls::{api::Endpoint, new_session_id, Caller, Uploads},
    components::{component_view, error_line, Field, Hooks, Look},
    stream::Streamer,
    words::{tr, Text},
    PageSpec,
};

/// The widest a column's `scale` is drawn (the stylesheet has a width for each up to it).
const MAX_SCALE: u32 = 12;

#[component]
#[allow(unreachable_pub)] // what #[component] generates for a crate-visible component is `pub`
pub(crate) fn BlocksView(page: PageSpec, root: String) -> impl IntoView {
    let PageSpec { spec, description_html, article_html } = page;
    let index = format!("{root}/");
    let api_page = format!("{root}{}", api_page_path(&spec.name));
    let values: Vec<RwSignal<Value>> = spec.components.iter().map(|c| RwSignal::new(c.value.clone())).collect();
    let looks: Vec<Look> = spec.components.iter().map(Look::new).collect();
    let in_flight = Uploads::new();
    let callers: Vec<Caller> = (0..spec.events.len())
        .map(|event| {
            let endpoint = spec.endpoint(event);
            let picked = |ids: &[usize]| ids.iter().map(|&id| values[id]).collect();
            let at = Endpoint { root: root.clone(), name: spec.name.clone(), fn_index: event };
            let (inputs, outputs) = (picked(&spec.events[event].inputs), picked(&spec.events[event].outputs));
            let output_looks = spec.events[event].outputs.iter().map(|&id| looks[id]).collect();
            Caller::new(at, &endpoint.outputs, endpoint.generator, inputs, outputs, output_looks, in_flight)
                .with_trigger_mode(spec.events[event].trigger_mode())
        })
        .collect();
    for caller in &callers {
        let caller = *caller;
        on_leave(move || caller.stop());
    }
    let streamers = streamers(&spec, &callers, &values);
    // What firing each event does: run it at once, or once its triggers pause (`debounce`).
    let runs = (callers.iter().zip(&spec.events))
        .map(|(&caller, event)| {
            let run = debounced(event.debounce, move || caller.request());
            Callback::new(move |()| run())
        })
        .collect();
    // Uploads go to the app, whichever event reads them.
    let uploads = Caller::new(
        Endpoint { root: root.clone(), name: spec.name.clone(), fn_index: 0 },
        &[],
        false,
        vec![],
        vec![],
        vec![],
        in_flight,
    );
    let events = Events {
        spec: StoredValue::new(spec.clone()),
        callers: StoredValue::new(callers.clone()),
        runs: StoredValue::new(runs),
        values: StoredValue::new(values.clone()),
        put_back: StoredValue::new(vec![None; values.len()]),
        uploads,
    };
    events.chain();
    let hydrated = RwSignal::new(false);
    let follow = {
        let (root, spec, values) = (root.clone(), spec.clone(), values.clone());
        move || super::reload::follow_restarts(&root, &spec, &values)
    };
    Effect::new(move |_| {
        follow();
        events.start_session();
        events.fire(&|trigger| trigger == Trigger::Load);
        events.start_timers();
        hydrated.set(true);
    });
    for (id, value) in values.iter().copied().enumerate() {
        events.fire_on_change(id, value);
    }
    // A closing page ends its session, so the server drops its State at once.
    let on_page_hide = window_event_listener(leptos::ev::pagehide, move |_| uploads.end_session());
    on_leave(move || on_page_hide.remove());
    let layout =
        Layout { spec: &spec, root: &root, values: &values, looks: &looks, events, uploads, streamers: &streamers };
    // The errors of events with no output to show them under.
    let unplaced = callers.iter().zip(&spec.events).filter(|(_, event)| event.outputs.is_empty());
    let errors = unplaced.map(|(&caller, _)| error_line(move || caller.error())).collect_view();
    let toasts = callers.iter().map(|&caller| notices::toasts(caller)).collect_view();
    let busy = move || events.callers.with_value(|callers| callers.iter().any(|c| c.busy())).to_string();
    view! {
        <Title text=crate::title_text(&spec.title)/>
        <nav class="crumbs"><a href=index>{tr(Text::AllDemos)}</a></nav>
        <h1>{spec.title.clone()}</h1>
        {(!description_html.is_empty()).then(|| view! { <div class="description" inner_html=description_html></div> })}
        <div class="blocks" data-hydrated=move || hydrated.get().to_string() aria-busy=busy>
            {layout.depth0(&spec.layout)}
        </div>
        <div class="event-errors" aria-live="polite">{errors}</div>
        // A page of the server's own, not a route of this app.
        {(!article_html.is_empty()).then(|| view! { <article class="article" inner_html=article_html></article> })}
        {toasts}
        <footer class="page-footer"><a href=api_page rel="external">{tr(Text::UseViaApi)}</a></footer>
    }
}

/// Each stream event's streamer, with the streaming input it streams (and, under the same
/// streamer, a microphone that streams with a webcam): it streams to the event's caller, stops
/// when the page goes, and sends the event's other inputs again when they change.
fn streamers(spec: &BlocksSpec, callers: &[Caller], values: &[RwSignal<Value>]) -> Vec<(usize, Streamer)> {
    let streams = spec.events.iter().enumerate().filter_map(|(index, event)| match event.triggers[..] {
        [Trigger::Stream { component }] => Some((index, event, component)),
        _ => None,
    });
    streams
        .flat_map(|(index, event, component)| {
            // A microphone read by a webcam's stream event streams with it, in its frames.
            let rider =
                event.inputs.iter().copied().find(|&id| id != component && spec.components[id].kind.is_streaming());
            let input = &spec.components[component];
            let streamer = Streamer::new(callers[index], event.stream_every, event.duplex, input, rider.is_some());
            on_leave(move || streamer.stop());
            let streaming = |id: &usize| *id == component || Some(*id) == rider;
            let others: Vec<RwSignal<Value>> =
                event.inputs.iter().filter(|id| !streaming(id)).map(|&id| values[id]).collect();
            if !others.is_empty() {
                Effect::new(move |seen: Option<()>| {
                    others.iter().for_each(|value| value.track());
                    if seen.is_some() {
                        streamer.inputs_changed();
                    }
                });
            }
            [Some((component, streamer)), rider.map(|rider| (rider, streamer))].into_iter().flatten()
        })
        .collect()
}

/// The app's events and their callers, by index.
#[derive(Clone, Copy)]
struct Events {
    spec: StoredValue<BlocksSpec>,
    callers: StoredValue<Vec<Caller>>,
    /// What firing each event runs.
    runs: StoredValue<Vec<Callback<()>>>,
    /// Every component's value, by id.
    values: StoredValue<Vec<RwSignal<Value>>>,
    /// The value a reset put each component back to, until its change effect has seen it: a
    /// reset fires no change events.
    put_back: StoredValue<Vec<Option<Value>>>,
    /// The page's uploads, whose session is the page's.
    uploads: Caller,
}

impl Events {
    /// Stops the events the cancels `fires` picks name, puts back the components its resets
    /// name, then runs every event it picks.
    /// One instance for every picking closure (`&dyn`): an instance each cost 7 KB of wasm.
    fn fire(self, fires: &dyn Fn(Trigger) -> bool) {
        let (stopped, reset, chosen): (Vec<usize>, Vec<usize>, Vec<usize>) = self.spec.with_value(|spec| {
            let cancels = spec.cancels.iter().filter(|c| fires(c.trigger));
            let resets = spec.resets.iter().filter(|r| fires(r.trigger));
            let events = spec.events.iter().enumerate().filter(|(_, e)| e.triggers.iter().copied().any(&fires));
            (
                cancels.flat_map(|c| c.events.iter().copied()).collect(),
                resets.flat_map(|r| r.components.iter().copied()).collect(),
                events.map(|(index, _)| index).collect(),
            )
        });
        for index in stopped {
            self.caller(index).inspect(|caller| caller.stop_generator());
        }
        if !reset.is_empty() {
            self.reset(&reset);
        }
        for index in chosen {
            if let Some(run) = self.runs.with_value(|runs| runs.get(index).copied()) {
                run.run(());
            }
        }
    }

    /// Puts `components` back to their starting values without firing their change events;
    /// stops the events writing them and clears their errors; a State among them starts the
    /// page's session again.
    fn reset(self, components: &[usize]) {
        let (starts, writers, state) = self.spec.with_value(|spec| {
            let starts: Vec<(usize, Value)> =
                components.iter().map(|&id| (id, spec.components[id].value.clone())).collect();
            let writers = spec.writers(components);
            let state = components.iter().any(|&id| matches!(spec.components[id].kind, ComponentKind::State(_)));
            (starts, writers, state)
        });
        for caller in writers.into_iter().filter_map(|index| self.caller(index)) {
            caller.stop();
            caller.set_error(None);
        }
        for (id, start) in starts {
            let Some(value) = self.values.with_value(|values| values.get(id).copied()) else { continue };
            if value.get_untracked() != start {
                self.put_back.update_value(|put_back| put_back[id] = Some(start.clone()));
                value.set(start);
            }
        }
        if state {
            self.uploads.end_session();
            self.start_session();
        }
    }

    /// A new session for the page, which all its events share (so they share its State).
    fn start_session(self) {
        let session = new_session_id();
        self.callers.with_value(|callers| callers.iter().for_each(|caller| caller.start_session(session.clone())));
        self.uploads.start_session(session);
    }

    /// What `trigger` (a like or an edit of a message) runs with its event data, if an event
    /// listens: its events get the data, then fire. An event whose likes are flagged (a chat's
    /// `flag_likes`) flags the conversation up to the message liked, for `Like` or `Dislike`.
    fn with_data(self, trigger: Trigger) -> Option<Callback<serde_json::Value>> {
        let listeners: Vec<(usize, bool)> = self.spec.with_value(|spec| {
            let listening = spec.events.iter().enumerate().filter(|(_, e)| e.fires_on(trigger));
            listening.map(|(index, e)| (index, e.flagging.is_some())).collect()
        });
        (!listeners.is_empty()).then(|| {
            Callback::new(move |data: serde_json::Value| {
                let callers = listeners.iter().filter_map(|&(index, flags)| Some((self.caller(index)?, flags)));
                for (caller, flags) in callers {
                    caller.set_event_data(data.clone());
                    if flags && matches!(trigger, Trigger::Like { .. }) {
                        flag_like(caller, &data);
                    }
                }
                self.fire(&|fired| fired == trigger);
            })
        })
    }

    fn caller(self, index: usize) -> Option<Caller> {
        self.callers.with_value(|callers| callers.get(index).copied())
    }

    /// A callback running the events, cancels and resets `fires` picks, or `None` if it picks
    /// none.
    fn callback(self, fires: impl Fn(Trigger) -> bool + Copy + Send + Sync + 'static) -> Option<Callback<()>> {
        let any = self.spec.with_value(|spec| {
            let triggers = spec.events.iter().flat_map(|e| e.triggers.iter().copied());
            let others = spec.cancels.iter().map(|c| c.trigger).chain(spec.resets.iter().map(|r| r.trigger));
            triggers.chain(others).any(fires)
        });
        any.then(|| Callback::new(move |()| self.fire(&fires)))
    }

    /// Component `id`'s change events run whenever `value` changes after hydration: the
    /// user's changes and other events' outputs alike (a loop of them is refused at mount).
    fn fire_on_change(self, id: usize, value: RwSignal<Value>) {
        let listens =
            self.spec.with_value(|spec| spec.events.iter().any(|e| e.fires_on(Trigger::Change { component: id })));
        if listens {
            Effect::new(move |seen: Option<()>| {
                value.track();
                let put_back = self.put_back.try_update_value(|put_back| put_back[id].take()).flatten();
                if seen.is_some() && put_back.is_none_or(|start| start != value.get_untracked()) {
                    self.fire(&|trigger| trigger == Trigger::Change { component: id });
                }
            });
        }
    }

    /// Each chained event runs when the one it follows ends (`.success`: only if it succeeded).
    fn chain(self) {
        let count = self.spec.with_value(|spec| spec.events.len());
        for event in 0..count {
            let Some(caller) = self.caller(event) else { continue };
            let done = Callback::new(move |succeeded: bool| {
                self.fire(&|trigger| match trigger {
                    Trigger::Then { event: after } => after == event,
                    Trigger::Success { event: after } => after == event && succeeded,
                    _ => false,
                })
            });
            caller.when_done(done);
        }
    }

    /// Starts each timer event's interval; each stops when the page goes.
    fn start_timers(self) {
        let periods: Vec<(usize, f64)> = self.spec.with_value(|spec| {
            let triggers =
                spec.events.iter().enumerate().flat_map(|(index, e)| e.triggers.iter().map(move |t| (index, t)));
            let period = |(index, trigger): (usize, &Trigger)| match trigger {
                Trigger::Every { seconds } => Some((index, *seconds)),
                _ => None,
            };
            triggers.filter_map(period).collect()
        });
        for (index, seconds) in periods {
            let Some(caller) = self.caller(index) else { continue };
            let tick = move || caller.request();
            if let Ok(interval) = set_interval_with_handle(tick, Duration::from_secs_f64(seconds)) {
                on_leave(move || interval.clear());
            }
        }
    }
}

/// Flags the like `data` of a conversation, the input of `caller`: the conversation up to the
/// message liked, for `Like` or `Dislike`.
fn flag_like(caller: Caller, data: &serde_json::Value) {
    let index = data["index"].as_u64().unwrap_or_default() as usize;
    let reason = if data["liked"] == true { "Like" } else { "Dislike" };
    let cut = |value: Value| match value {
        Value::Json(serde_json::Value::Array(mut messages)) => {
            messages.truncate(index + 1);
            Value::Json(serde_json::Value::Array(messages))
        }
        other => other,
    };
    caller.flag_values(caller.input_values().into_iter().map(cut).collect(), Some(reason.to_owned()));
}

/// What each node of the layout is drawn with.
struct Layout<'a> {
    spec: &'a BlocksSpec,
    /// The path the page is served under (example files' URLs need it).
    root: &'a str,
    values: &'a [RwSignal<Value>],
    looks: &'a [Look],
    events: Events,
    uploads: Caller,
    /// The streaming inputs' streamers, by component id.
    streamers: &'a [(usize, Streamer)],
}

impl Layout<'_> {
    /// Component `id`'s widget: interactive when an event reads it or the user's action on it
    /// runs one (Gradio's rule), else it only shows its value.
    fn component(&self, id: usize) -> impl IntoView + use<> {
        let component = &self.spec.components[id];
        let is_input = self.spec.events.iter().any(|e| e.inputs.contains(&id));
        let user_events = self.events.callback(move |trigger| match trigger {
            Trigger::Click { component } | Trigger::Input { component } => component == id,
            _ => false,
        });
        let hook = |wanted: Trigger| self.events.callback(move |trigger| trigger == wanted);
        let hooks = Hooks {
            submit: hook(Trigger::Submit { component: id }),
            upload: hook(Trigger::Upload { component: id }),
            clear: hook(Trigger::Clear { component: id }),
            like: self.events.with_data(Trigger::Like { component: id }),
            edit: self.events.with_data(Trigger::Edit { component: id }),
        };
        let interactive = is_input || self.listens_to_change(id) || hooks.any();
        let on_change = user_events.or_else(|| interactive.then(|| Callback::new(|()| {})));
        // An output plays a stream of audio chunks through the caller of the event writing it
        // (at its place among that event's outputs); uploads go through the page's.
        let writer = self.spec.events.iter().enumerate().find_map(|(event, e)| {
            let position = e.outputs.iter().position(|&output| output == id)?;
            Some((self.events.caller(event)?, position))
        });
        let (caller, index) = writer.unwrap_or((self.uploads, id));
        let field = Field {
            id: format!("component-{id}"),
            label: self.looks[id].label(),
            info: component.info.clone(),
            choices: self.looks[id].choices(),
            index,
            value: self.values[id],
            on_change,
            hooks,
            caller,
            streamer: self.streamers.iter().find(|(component, _)| *component == id).map(|(_, streamer)| *streamer),
        };
        self.show_stop_while_running(id);
        // Each event's place in line and progress show above its first output, its error
        // under its last, as an interface's above and under its outputs.
        let events = self.spec.events.iter().enumerate();
        let reported = events.clone().filter(|(_, e)| e.outputs.first() == Some(&id));
        let statuses = reported.filter_map(|(index, _)| self.events.caller(index)).map(notices::call_status);
        let failed =
            events.filter(|(_, e)| e.outputs.last() == Some(&id)).filter_map(|(index, _)| self.events.caller(index));
        let errors = failed.map(|caller| error_line(move || caller.error()));
        (statuses.collect_view(), component_view(component, self.looks[id], field), errors.collect_view())
    }

    /// A button whose click only stops events (a Stop button) shows only while one of them
    /// runs, as Gradio's interfaces show theirs. One that also runs an event or puts
    /// components back (a Clear button) always shows.
    fn show_stop_while_running(&self, id: usize) {
        let click = Trigger::Click { component: id };
        if self.spec.events.iter().any(|e| e.fires_on(click)) || self.spec.resets.iter().any(|r| r.trigger == click) {
            return;
        }
        let stopped = self.spec.cancels.iter().filter(|c| c.trigger == click).flat_map(|c| c.events.iter());
        let callers: Vec<Caller> = stopped.filter_map(|&event| self.events.caller(event)).collect();
        if !callers.is_empty() {
            self.looks[id].show_while(move || callers.iter().any(|caller| caller.busy()));
        }
    }

    /// A node that holds no other: a component, a set of examples, or an event's Flag buttons.
    fn leaf(&self, node: &Node) -> impl IntoView + use<> {
        match node {
            Node::Component { id } => EitherOf3::A(self.component(*id)),
            Node::Examples { set } => EitherOf3::B(self.examples(*set)),
            Node::Flag { event } => {
                let flagging = self.spec.events.get(*event).and_then(|e| e.flagging.clone());
                let caller = self.events.caller(*event);
                EitherOf3::C(caller.zip(flagging).map(|(caller, flagging)| notices::flag_buttons(caller, flagging)))
            }
            _ => unreachable!("a container is drawn by `container`"),
        }
    }

    /// Example set `set`: clicking a row fills its components, which fires their change
    /// events.
    fn examples(&self, set: usize) -> impl IntoView + use<> {
        let examples = &self.spec.examples[set];
        let labels = examples.inputs.iter().map(|&id| self.spec.components[id].label.clone()).collect();
        let inputs = examples.inputs.iter().map(|&id| self.values[id]).collect();
        // A cached set's event runs on the click, its kept outputs shown at once.
        let runs = examples.cache.filter(|cache| cache.run_on_click).map(|cache| cache.event);
        let on_fill = runs.and_then(|event| self.events.runs.with_value(|runs| runs.get(event).copied()));
        examples_view(labels, examples.rows.clone(), self.root, inputs, on_fill)
    }

    /// What a labelled group is to assistive technology (see [`Region`]).
    fn region(&self, node: &Node) -> Option<Region> {
        let Node::Group { label: Some(label), children } = node else { return None };
        let ids: Vec<usize> = Node::leaves(children)
            .into_iter()
            .filter_map(|leaf| match leaf {
                Node::Component { id } => Some(*id),
                _ => None,
            })
            .collect();
        let is_input = |id| self.spec.events.iter().any(|e| e.inputs.contains(id));
        let writers = self.spec.writers(&ids).into_iter().filter_map(|index| self.events.caller(index));
        let outputs_only = !ids.is_empty() && !ids.iter().any(is_input);
        Some(Region { label: label.clone(), writers: outputs_only.then(|| writers.collect()) })
    }

    fn listens_to_change(&self, id: usize) -> bool {
        self.spec.events.iter().any(|e| e.fires_on(Trigger::Change { component: id }))
    }
}

/// The layout's views, a function per depth: a container at one depth draws its children
/// with the next depth's function. Each depth's view is a type of its own, so nesting needs no
/// `AnyView` (whose type erasure compiles the async rendering of every widget into the bundle:
/// 370 KB more wasm when containers were `AnyView`s), and each holds the next depth's type
/// once (every kind of container is one view, [`container`]): with one branch per kind, the
/// types grew as 5^depth and rustc ran out of 24 GB compiling them. The deepest holds only
/// components; `BlocksSpec::check` refuses a layout nested deeper than
/// [`MAX_LAYOUT_DEPTH`](rheo_shared::MAX_LAYOUT_DEPTH).
macro_rules! layout_depths {
    ($($depth:ident -> $inner:ident),+ ; $deepest:ident) => {
        impl Layout<'_> {
            $(
                fn $depth(&self, nodes: &[Node]) -> impl IntoView + use<> {
                    let node = |node: &Node| match node {
                        Node::Component { .. } | Node::Examples { .. } | Node::Flag { .. } => Either::Left(self.leaf(node)),
                        other => Either::Right(container(other, self.region(other), &|children| self.$inner(children))),
                    };
                    nodes.iter().map(node).collect_view()
                }
            )+

            fn $deepest(&self, nodes: &[Node]) -> impl IntoView + use<> {
                let component = |node: &Node| match node {
                    Node::Component { .. } | Node::Examples { .. } | Node::Flag { .. } => Some(self.leaf(node)),
                    _ => None,
                };
                nodes.iter().filter_map(component).collect_view()
            }
        }
    };
}

// Containers at depths 0 to 3, components alone at 4: what the spec's check allows.
const _: () = assert!(rheo_shared::MAX_LAYOUT_DEPTH == 4);
layout_depths!(depth0 -> depth1, depth1 -> depth2, depth2 -> depth3, depth3 -> depth4; depth4);

/// A labelled group, to assistive technology: a region named by its label; one holding only
/// outputs is also live (its new values are read out), and busy while an event writing them
/// runs, as an interface's outputs always were.
struct Region {
    label: String,
    /// The callers of the events writing its outputs; `None` when it holds an input.
    writers: Option<Vec<Caller>>,
}

/// What heads a container: nothing, an accordion's toggle, or a tab bar.
enum Header {
    None,
    Toggle(String),
    Tabs(Vec<String>),
}

/// Any container as one view: `<div class="{kind}">`, its header, and its panels (a tab's
/// each; one for the rest), each drawn by `inner`. `shown` is the panel shown: the open tab; an
/// accordion's one panel when open (0), none when closed.
fn container<V: IntoView + 'static>(
    node: &Node,
    region: Option<Region>,
    inner: &dyn Fn(&[Node]) -> V,
) -> impl IntoView + use<V> {
    let (class, scale, header, panels, first) = shape(node);
    let shown = RwSignal::new(first);
    let role = matches!(node, Node::Tabs { .. }).then_some("tabpanel");
    let panels = panels.into_iter().enumerate().map(|(index, children)| {
        view! { <div class="panel" role=role hidden=hidden_unless_shown(shown, index)>{inner(children)}</div> }
    });
    view! {
        <div {..region_attributes(region)} class=class data-scale=scale>
            {header_view(header, shown)}{panels.collect_view()}
        </div>
    }
}

// What follows is kept out of `container`: a closure or view made in a generic function is a
// type per instance, which compiled it once per layout depth.

/// A container's class, `data-scale`, header, panels and the panel shown at first.
fn shape(node: &Node) -> (&'static str, Option<String>, Header, Vec<&[Node]>, usize) {
    let no_scale = None;
    match node {
        Node::Row { children } => ("row", no_scale, Header::None, vec![children], 0),
        Node::Column { scale, children } => {
            let scale = (*scale).clamp(1, MAX_SCALE).to_string();
            ("column", Some(scale), Header::None, vec![children], 0)
        }
        Node::Group { children, .. } => ("group", no_scale, Header::None, vec![children], 0),
        Node::Accordion { label, open, children } => {
            ("accordion", no_scale, Header::Toggle(label.clone()), vec![children], if *open { 0 } else { usize::MAX })
        }
        Node::Tabs { tabs } => {
            let labels = tabs.iter().map(|tab| tab.label.clone()).collect();
            ("tabs", no_scale, Header::Tabs(labels), tabs.iter().map(|tab| tab.children.as_slice()).collect(), 0)
        }
        Node::Component { .. } | Node::Examples { .. } | Node::Flag { .. } => {
            ("", no_scale, Header::None, Vec::new(), 0)
        }
    }
}

fn header_view(header: Header, shown: RwSignal<usize>) -> impl IntoView {
    match header {
        Header::None => EitherOf3::A(()),
        Header::Toggle(label) => EitherOf3::B(view! {
            <button type="button" class="accordion-toggle" aria-expanded=move || (shown.get() == 0).to_string()
                on:click=move |_| shown.update(|s| *s = if *s == 0 { usize::MAX } else { 0 })>{label}</button>
        }),
        Header::Tabs(labels) => EitherOf3::C(tab_bar(labels, shown)),
    }
}

fn hidden_unless_shown(shown: RwSignal<usize>, index: usize) -> impl Fn() -> bool + Send + Sync + 'static {
    move || shown.get() != index
}

/// A labelled group's `role`, `aria-label`, `aria-live` and `aria-busy` (see [`Region`]).
fn region_attributes(region: Option<Region>) -> impl leptos::attr::Attribute {
    let (label, writers) = region.map_or((None, None), |region| (Some(region.label), region.writers));
    let landmark = label.is_some().then_some("region");
    let live = writers.is_some().then_some("polite");
    let busy = move || writers.as_ref().map(|callers| callers.iter().any(|caller| caller.busy()).to_string());
    view! { <{..} role=landmark aria-label=label aria-live=live aria-busy=busy /> }
}

/// A tab bar: a button per tab, the one `shown` selected.
fn tab_bar(labels: Vec<String>, shown: RwSignal<usize>) -> impl IntoView {
    let buttons = labels.into_iter().enumerate().map(|(index, label)| {
        view! {
            <button type="button" role="tab" class="tab" aria-selected=move || (shown.get() == index).to_string()
                on:click=move |_| shown.set(index)>{label}</button>
        }
    });
    view! { <div role="tablist" class="tab-bar">{buttons.collect_view()}</div> }
}
