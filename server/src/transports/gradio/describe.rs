//! How an interface describes itself to Gradio's clients: the `config` they read first and
//! the API info (`gradio_api/info`) that names each endpoint's parameters and returns.

use rheo_shared::{
    protocol::EventDataKind, BlocksSpec, Cancel, ComponentKind, ComponentSpec, EventSpec, InterfaceSpec, Node, Trigger,
    Value,
};
use serde_json::{json, Value as Json};

use crate::{components::contract, engine::MountedApp};

/// The Gradio release whose HTTP API this mirrors; clients pick protocol details by it.
pub(crate) const GRADIO_API_VERSION: &str = "6.31.0";

/// The `config` document: components with their API types, the layout, and one dependency
/// (event) per endpoint.
pub(crate) fn config(app: &MountedApp, root: &str) -> Json {
    let spec = app.spec();
    let (components, layout) = blocks_components(spec);
    let events = spec.events.iter().enumerate().map(|(id, event)| event_config(id, event));
    // After the events, so that an event's index stays its `fn_index`.
    let cancels = spec.cancels.iter().enumerate().map(|(n, cancel)| cancel_config(spec.events.len() + n, cancel));
    let dependencies: Vec<Json> = events.chain(cancels).collect();
    let mode = if spec.interface { "interface" } else { "blocks" };
    let title = &spec.title;
    json!({
        "version": GRADIO_API_VERSION,
        "api_prefix": "/gradio_api",
        "mode": mode,
        "protocol": "sse_v3",
        "root": root,
        "title": title,
        // Required by the Rust client (`gradio` on crates.io), though nothing here is themed.
        "theme": "default",
        "stylesheets": [],
        "enable_queue": true,
        "show_error": true,
        "connect_heartbeat": false,
        "analytics_enabled": false,
        "max_file_size": null,
        "components": components,
        "layout": layout,
        "dependencies": dependencies,
    })
}

/// A Blocks app's components (by their ids) with its containers and example sets (Gradio's
/// `dataset`) after them, and the layout tree over all, as Gradio writes them.
fn blocks_components(spec: &BlocksSpec) -> (Vec<Json>, Json) {
    let mut components: Vec<Json> = spec.components.iter().enumerate().map(|(id, c)| component_config(id, c)).collect();
    // A Chatbot whose likes an event hears shows its thumbs, as Gradio marks it.
    for event in spec.events.iter().filter(|e| e.event_data() == Some(EventDataKind::Like)) {
        if let Some(props) = event.triggers[0].component().and_then(|id| components[id].get_mut("props")) {
            props["likeable"] = json!(true);
        }
    }
    fn container(components: &mut Vec<Json>, kind: &str, props: Json, children: Vec<Json>) -> Json {
        let id = components.len();
        components.push(json!({ "id": id, "type": kind, "props": props, "skip_api": true }));
        json!({ "id": id, "children": children })
    }
    fn place(spec: &BlocksSpec, components: &mut Vec<Json>, nodes: &[Node]) -> Vec<Json> {
        nodes
            .iter()
            .filter_map(|node| {
                Some(match node {
                    Node::Component { id } => json!({ "id": id }),
                    // Flag buttons are the page's own: Gradio's clients never call them.
                    Node::Flag { .. } => return None,
                    Node::Examples { set } => {
                        let examples = &spec.examples[*set];
                        let of = |id: &usize| &spec.components[*id];
                        let kinds: Vec<&str> =
                            examples.inputs.iter().map(|id| contract(&of(id).kind).class_name()).collect();
                        let props = json!({
                            "components": kinds,
                            "headers": examples.inputs.iter().map(|id| &of(id).label).collect::<Vec<_>>(),
                            "samples": examples.rows,
                            "component_ids": examples.inputs,
                        });
                        container(components, "dataset", props, Vec::new())
                    }
                    Node::Row { children } => {
                        let children = place(spec, components, children);
                        container(components, "row", json!({ "visible": true }), children)
                    }
                    Node::Column { scale, children } => {
                        let children = place(spec, components, children);
                        container(components, "column", json!({ "scale": scale, "visible": true }), children)
                    }
                    Node::Group { children, .. } => {
                        let children = place(spec, components, children);
                        container(components, "group", json!({ "visible": true }), children)
                    }
                    Node::Accordion { label, open, children } => {
                        let children = place(spec, components, children);
                        container(components, "accordion", json!({ "label": label, "open": open }), children)
                    }
                    Node::Tabs { tabs } => {
                        let items = tabs
                            .iter()
                            .map(|tab| {
                                let children = place(spec, components, &tab.children);
                                container(components, "tabitem", json!({ "label": tab.label }), children)
                            })
                            .collect();
                        container(components, "tabs", json!({ "visible": true }), items)
                    }
                })
            })
            .collect()
    }
    let children = place(spec, &mut components, &spec.layout);
    let layout = json!({ "id": components.len(), "children": children });
    (components, layout)
}

/// A cancel as Gradio writes it: a dependency with no function that `cancels` events.
fn cancel_config(id: usize, cancel: &Cancel) -> Json {
    let targets: Vec<Json> =
        cancel.trigger.component().map(|c| json!([c, cancel.trigger.gradio_name()])).into_iter().collect();
    json!({
        "id": id,
        "targets": targets,
        "inputs": [],
        "outputs": [],
        "backend_fn": false,
        "js": null,
        "queue": false,
        "api_name": format!("cancel_{id}"),
        "api_visibility": "private",
        "types": { "generator": false, "cancel": true },
        "cancels": cancel.events,
    })
}

/// One event as a Gradio dependency: its triggers, its components, its name (none if private).
fn event_config(id: usize, event: &EventSpec) -> Json {
    // The page's own triggers (its load, a timer, a chained step) name no component.
    let targets: Vec<Json> = (event.triggers.iter())
        .filter_map(|trigger| Some(json!([trigger.component()?, trigger.gradio_name()])))
        .collect();
    let (trigger_after, only_on_success) = match event.triggers[..] {
        [Trigger::Then { event }] => (Some(event), false),
        [Trigger::Success { event }] => (Some(event), true),
        _ => (None, false),
    };
    json!({
        "id": id,
        "targets": targets,
        "inputs": event.inputs,
        "outputs": event.outputs,
        "backend_fn": true,
        "js": null,
        "queue": true,
        "api_name": event.api_name,
        "api_visibility": if event.private { "private" } else { "public" },
        "types": { "generator": event.generator, "cancel": false },
        "trigger_after": trigger_after,
        "trigger_only_on_success": only_on_success,
        "trigger_mode": event.trigger_mode().name(),
        "connection": "sse",
        "time_limit": null,
        "stream_every": 0.5,
        "batch": event.batch.is_some(),
        "max_batch_size": event.batch.map_or(4, |batch| batch.max_size),
        "cancels": [],
        "show_progress": "full",
    })
}

fn component_config(id: usize, component: &ComponentSpec) -> Json {
    let contract = contract(&component.kind);
    let mut props = json!({
        "label": component.label,
        "show_label": true,
        "visible": true,
        "name": component.kind.name(),
    });
    if component.value != Value::Null {
        props["value"] = json!(component.value);
    }
    if let (Some(props), Json::Object(extra)) = (props.as_object_mut(), contract.props()) {
        props.extend(extra);
    }
    let api_type = contract.api_info();
    json!({
        "id": id,
        "type": component.kind.name(),
        "props": props,
        "skip_api": is_state(component),
        "api_info": api_type,
        "api_info_as_input": api_type,
        "api_info_as_output": api_type,
        "example_inputs": example_input(component),
    })
}

pub(crate) fn is_state(component: &ComponentSpec) -> bool {
    matches!(component.kind, ComponentKind::State(_))
}

pub(crate) fn example_input(component: &ComponentSpec) -> Json {
    if component.value != Value::Null {
        return json!(component.value);
    }
    contract(&component.kind).example()
}

/// A label as a Python parameter name: `num 1` → `num_1`.
pub(crate) fn parameter_name(label: &str) -> String {
    let name: String = label.chars().map(|c| if c.is_alphanumeric() { c } else { '_' }).collect();
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("_{name}")
    } else {
        name
    }
}

/// The API info: each named endpoint with its parameters' names, types and components.
pub(crate) fn info(app: &MountedApp) -> Json {
    let named: serde_json::Map<String, Json> =
        app.named_endpoints().map(|(_, endpoint)| endpoint_info(endpoint.spec())).collect();
    json!({ "named_endpoints": named, "unnamed_endpoints": {} })
}

/// A component's name in the API info, as Gradio writes it there: its class name with only
/// the first letter capital (`MultimodalTextbox` is `Multimodaltextbox`).
fn info_name(class_name: &str) -> String {
    let mut letters = class_name.chars();
    letters
        .next()
        .map(|first| first.to_uppercase().chain(letters.flat_map(char::to_lowercase)).collect())
        .unwrap_or_default()
}

/// One endpoint's entry in the API info: its name, and its parameters and returns.
fn endpoint_info(spec: &InterfaceSpec) -> (String, Json) {
    let described = |components: &[ComponentSpec]| -> Vec<Json> {
        components
            .iter()
            .filter(|c| !is_state(c))
            .map(|c| {
                let contract = contract(&c.kind);
                json!({
                    "label": c.label,
                    "type": contract.api_info(),
                    "python_type": { "type": contract.python_type(), "description": c.info },
                    "component": info_name(contract.class_name()),
                })
            })
            .collect()
    };
    let mut parameters = described(&spec.inputs);
    let visible_inputs = spec.inputs.iter().filter(|c| !is_state(c));
    for (parameter, c) in parameters.iter_mut().zip(visible_inputs) {
        parameter["parameter_name"] = json!(parameter_name(&c.label));
        parameter["parameter_has_default"] = json!(c.value != Value::Null);
        parameter["parameter_default"] = json!(c.value);
        parameter["example_input"] = example_input(c);
    }
    let returns = described(&spec.outputs);
    let described = json!({
        "parameters": parameters,
        "returns": returns,
        "api_visibility": "public",
        "description": spec.description,
    });
    (format!("/{}", spec.api_name), described)
}

#[cfg(test)]
mod tests {
    use rheo_shared::components::Radio;

    use super::*;

    #[test]
    fn parameter_names_are_python_identifiers() {
        assert_eq!(parameter_name("num1"), "num1");
        assert_eq!(parameter_name("output 1"), "output_1");
        assert_eq!(parameter_name("2nd value"), "_2nd_value");
    }

    #[test]
    fn radio_choices_read_as_a_python_literal() {
        let kind = ComponentKind::Radio(Radio { choices: vec!["add".into(), "it's".into()] });
        assert_eq!(contract(&kind).python_type(), "Literal['add', 'it\\'s']");
        assert_eq!(contract(&kind).class_name(), "Radio");
    }
}
