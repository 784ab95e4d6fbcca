//! How an interface describes itself to Gradio's clients: the `config` they read first and
//! the API info (`gradio_api/info`) that names each endpoint's parameters and returns.

use rheo_shared::{ComponentKind, ComponentSpec, InterfaceSpec, Value};
use serde_json::{json, Value as Json};

use crate::components::contract;

/// The Gradio release whose HTTP API this mirrors; clients pick protocol details by it.
pub(crate) const GRADIO_API_VERSION: &str = "6.31.0";

/// The id of the one event (dependency) an interface has: running its handler.
pub(crate) const FN_INDEX: usize = 0;

/// Components get ids in order: the inputs from 0, then the outputs.
fn component_ids(spec: &InterfaceSpec) -> (Vec<usize>, Vec<usize>) {
    let inputs = spec.inputs.len();
    ((0..inputs).collect(), (inputs..inputs + spec.outputs.len()).collect())
}

/// The `config` document: components with their API types, and the interface's one event.
pub(crate) fn config(spec: &InterfaceSpec, root: &str) -> Json {
    let (input_ids, output_ids) = component_ids(spec);
    let components: Vec<Json> = spec
        .inputs
        .iter()
        .chain(&spec.outputs)
        .enumerate()
        .map(|(id, component)| component_config(id, component))
        .collect();
    let triggers: Vec<Json> =
        if spec.live { input_ids.iter().map(|id| json!([id, "change"])).collect() } else { Vec::new() };
    json!({
        "version": GRADIO_API_VERSION,
        "api_prefix": "/gradio_api",
        "mode": "interface",
        "protocol": "sse_v3",
        "root": root,
        "title": spec.title,
        // Required by the Rust client (`gradio` on crates.io), though nothing here is themed.
        "theme": "default",
        "stylesheets": [],
        "enable_queue": true,
        "show_error": true,
        "connect_heartbeat": false,
        "analytics_enabled": false,
        "max_file_size": null,
        "components": components,
        "layout": { "id": spec.inputs.len() + spec.outputs.len(), "children": [] },
        "dependencies": [{
            "id": FN_INDEX,
            "targets": triggers,
            "inputs": input_ids,
            "outputs": output_ids,
            "backend_fn": true,
            "js": null,
            "queue": true,
            "api_name": spec.api_name,
            "api_visibility": "public",
            "types": { "generator": spec.generator, "cancel": false },
            "trigger_mode": "always_last",
            "connection": "sse",
            "time_limit": spec.time_limit,
            "stream_every": spec.stream_every,
            "batch": false,
            "max_batch_size": 4,
            "cancels": [],
            "show_progress": "full",
        }],
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

/// The API info: the interface's endpoint with each parameter's name, type and component.
pub(crate) fn info(spec: &InterfaceSpec) -> Json {
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
                    "component": contract.class_name(),
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
    json!({
        "named_endpoints": {
            format!("/{}", spec.api_name): {
                "parameters": parameters,
                "returns": returns,
                "api_visibility": "public",
                "description": spec.description,
            }
        },
        "unnamed_endpoints": {},
    })
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
