//! The page of one interface: any [`InterfaceSpec`] as inputs, outputs and examples.

use leptos::prelude::*;
use leptos_meta::Title;
use rheo_shared::{protocol::api_page_path, ComponentSpec, Value};

use super::{debounced, examples::examples, notices};
use crate::{
    browser::on_leave,
    calls::{api::Endpoint, new_session_id, Caller},
    components::{component_view, error_line, Field, Hooks, Look},
    stream::Streamer,
    PageSpec,
};

#[component]
#[allow(unreachable_pub)] // what #[component] generates for a crate-visible component is `pub`
pub(crate) fn InterfaceView(page: PageSpec, root: String) -> impl IntoView {
    let PageSpec { spec, description_html, article_html } = page;
    let starting_values = |components: &[ComponentSpec], start: fn(&ComponentSpec) -> Value| {
        components.iter().map(|c| RwSignal::new(start(c))).collect::<Vec<_>>()
    };
    let inputs = starting_values(&spec.inputs, |c| c.value.clone());
    let outputs = starting_values(&spec.outputs, |_| Value::Null);
    let input_looks: Vec<Look> = spec.inputs.iter().map(Look::new).collect();
    let output_looks: Vec<Look> = spec.outputs.iter().map(Look::new).collect();
    let index = format!("{root}/");
    let api_page = format!("{root}{}", api_page_path(&spec.name));
    let labels = spec.inputs.iter().map(|c| c.label.clone()).collect();
    let endpoint = Endpoint { root: root.clone(), name: spec.name.clone(), fn_index: 0 };
    let caller =
        Caller::new(endpoint, &spec.outputs, spec.generator, inputs.clone(), outputs.clone(), output_looks.clone());
    on_leave(move || caller.stop());
    let live = spec.live;
    // With a streaming input, the stream runs the handler: other inputs' changes go to it.
    let streamer = spec.streaming_input().map(|index| {
        let streamer = Streamer::new(caller, spec.stream_every, &spec.inputs[index]);
        on_leave(move || streamer.stop());
        streamer
    });
    // Effects run only in the browser, after hydration: the page says when it is interactive.
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| {
        caller.start_session(new_session_id());
        hydrated.set(true);
    });
    // A closing page ends its session, so the server drops its State at once.
    let on_page_hide = window_event_listener(leptos::ev::pagehide, move |_| caller.end_session());
    on_leave(move || on_page_hide.remove());
    let recompute = debounced(spec.live_debounce, move || caller.request());
    let on_input_change = Callback::new(move |()| match streamer {
        Some(streamer) => streamer.inputs_changed(),
        None if live => recompute(),
        None => {}
    });
    let clear = {
        let starts: Vec<Value> = spec.inputs.iter().map(|c| c.value.clone()).collect();
        move |_| caller.clear(&starts)
    };
    let widgets = Widgets { caller, streamer };
    let input_widgets = widgets.view(&spec.inputs, &inputs, &input_looks, "input", Some(on_input_change));
    let output_widgets = widgets.view(&spec.outputs, &outputs, &output_looks, "output", None);

    view! {
        <Title text=crate::title_text(&spec.title)/>
        <nav class="crumbs"><a href=index>"All demos"</a></nav>
        <h1>{spec.title.clone()}</h1>
        {(!description_html.is_empty()).then(|| view! { <div class="description" inner_html=description_html></div> })}
        <div class="interface" data-live=live.to_string() data-hydrated=move || hydrated.get().to_string()
            data-stream=move || streamer.map(|s| s.status.get().name())
            data-frames=move || streamer.map(|s| s.frames_shown.get())>
            <section class="inputs" aria-label="Inputs">
                {input_widgets}
                <div class="buttons">
                    <button type="button" class="secondary" on:click=clear>"Clear"</button>
                    {(!live).then(|| view! {
                        <button type="button" class="primary" on:click=move |_| caller.request()>"Submit"</button>
                    })}
                    {spec.generator.then(|| view! {
                        <button type="button" class="secondary" hidden=move || !caller.busy()
                            on:click=move |_| caller.stop_generator()>"Stop"</button>
                    })}
                </div>
            </section>
            <section class="outputs" aria-label="Outputs" aria-live="polite" aria-busy=move || caller.busy().to_string()>
                {notices::call_status(caller)}
                {output_widgets}
                {error_line(move || caller.error())}
                {spec.flagging.clone().map(|flagging| notices::flag_buttons(caller, flagging))}
            </section>
        </div>
        {examples(labels, spec.examples.clone(), &root, inputs, Some(on_input_change))}
        // A page of the server's own, not a route of this app.
        {(!article_html.is_empty()).then(|| view! { <article class="article" inner_html=article_html></article> })}
        {notices::toasts(caller)}
        <footer class="page-footer"><a href=api_page rel="external">"Use via API"</a></footer>
    }
}

/// What every widget of the page gets besides its own value.
#[derive(Clone, Copy)]
struct Widgets {
    caller: Caller,
    streamer: Option<Streamer>,
}

impl Widgets {
    /// A widget per component, with ids `<prefix>-0`, `<prefix>-1`, …
    fn view(
        self,
        components: &[ComponentSpec],
        values: &[RwSignal<Value>],
        looks: &[Look],
        prefix: &str,
        on_change: Option<Callback<()>>,
    ) -> impl IntoView {
        let Widgets { caller, streamer } = self;
        components
            .iter()
            .zip(values)
            .zip(looks)
            .enumerate()
            .map(|(index, ((component, value), &look))| {
                let id = format!("{prefix}-{index}");
                let field = Field {
                    id,
                    label: look.label(),
                    info: component.info.clone(),
                    choices: look.choices(),
                    index,
                    value: *value,
                    on_change,
                    hooks: Hooks::default(),
                    caller,
                    streamer,
                };
                component_view(component, look, field)
            })
            .collect_view()
    }
}
