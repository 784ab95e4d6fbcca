//! How an interface describes itself to Gradio's clients: the `config` they read first and
//! the API info (`gradio_api/info`) that names each endpoint's parameters and returns.

use rheo_shared::{ComponentKind, ComponentSpec, InterfaceSpec, Value};
use serde_json::{json, Value as Json};

/// The Gradio release whose HTTP API this mirrors; clients pick protocol details by it.
pub const GRADIO_API_VERSION: &str = "6.31.0";

/// The id of the one event (dependency) an interface has: running its handler.
pub const FN_INDEX: usize = 0;

/// Components get ids in order: the inputs from 0, then the outputs.
fn component_ids(spec: &InterfaceSpec) -> (Vec<usize>, Vec<usize>) {
    let inputs = spec.inputs.len();
    ((0..inputs).collect(), (inputs..inputs + spec.outputs.len()).collect())
}

/// The `config` document: components with their API types, and the interface's one event.
pub fn config(spec: &InterfaceSpec, root: &str) -> Json {
    let (input_ids, output_ids) = component_ids(spec);
    let components: Vec<Json> = spec
        .inputs
        .iter()
        .chain(&spec.outputs)
        .enumerate()
        .map(|(id, component)| component_config(id, component))
        .collect();
    let triggers: Vec<Json> = if spec.live {
        input_ids.iter().map(|id| json!([id, "change"])).collect()
    } else {
        Vec::new()
    };
    json!({
        "version": GRADIO_API_VERSION,
        "api_prefix": "/gradio_api",
        "mode": "interface",
        "protocol": "sse_v3",
        "root": root,
        "title": spec.title,
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
    let mut props = json!({
        "label": component.label,
        "show_label": true,
        "visible": true,
        "name": component.kind.name(),
    });
    if component.value != Value::Null {
        props["value"] = json!(component.value);
    }
    match &component.kind {
        ComponentKind::Number { minimum, maximum, step } => {
            props["minimum"] = json!(minimum);
            props["maximum"] = json!(maximum);
            props["step"] = json!(step.unwrap_or(1.0));
        }
        ComponentKind::Slider { minimum, maximum, step } => {
            props["minimum"] = json!(minimum);
            props["maximum"] = json!(maximum);
            props["step"] = json!(step);
        }
        ComponentKind::Radio { choices } | ComponentKind::Dropdown { choices } => {
            props["choices"] = choices.iter().map(|c| json!([c, c])).collect();
        }
        ComponentKind::Textbox { lines, placeholder, max_length } => {
            props["lines"] = json!(lines);
            props["placeholder"] = json!(placeholder);
            props["max_length"] = json!(max_length);
        }
        ComponentKind::Image { sources, streaming, .. } => {
            props["sources"] = json!(sources);
            props["streaming"] = json!(streaming);
            props["type"] = json!("filepath");
        }
        ComponentKind::Audio { sources, streaming, autoplay } => {
            props["sources"] = json!(sources);
            props["streaming"] = json!(streaming);
            props["autoplay"] = json!(autoplay);
            props["type"] = json!("filepath");
            props["format"] = json!("wav");
        }
        _ => {}
    }
    let api_type = api_type(&component.kind);
    json!({
        "id": id,
        "type": component.kind.name(),
        "props": props,
        "skip_api": matches!(component.kind, ComponentKind::State),
        "api_info": api_type,
        "api_info_as_input": api_type,
        "api_info_as_output": api_type,
        "example_inputs": example_input(component),
    })
}

/// The JSON schema of a component's value, as Gradio writes it.
fn api_type(kind: &ComponentKind) -> Json {
    match kind {
        ComponentKind::Number { .. } => json!({ "type": "number" }),
        ComponentKind::Slider { minimum, maximum, .. } => json!({
            "type": "number",
            "description": format!("numeric value between {minimum} and {maximum}"),
        }),
        ComponentKind::Radio { choices } => json!({ "enum": choices, "title": "Radio", "type": "string" }),
        ComponentKind::Dropdown { choices } => json!({ "enum": choices, "title": "Dropdown", "type": "string" }),
        ComponentKind::Textbox { .. } => json!({ "type": "string" }),
        ComponentKind::Checkbox => json!({ "type": "boolean" }),
        ComponentKind::Label => json!({
            "title": "LabelData",
            "type": "object",
            "properties": {
                "label": { "anyOf": [{ "type": "string" }, { "type": "null" }] },
                "confidences": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": { "label": { "type": "string" }, "confidence": { "type": "number" } },
                    },
                },
            },
        }),
        ComponentKind::Image { .. } => file_data_schema("ImageData"),
        ComponentKind::Audio { .. } => file_data_schema("FileData"),
        ComponentKind::State => json!({}),
    }
}

/// The schema of Gradio's `FileData`, which media components take and give.
fn file_data_schema(title: &str) -> Json {
    let optional = |kind: &str| json!({ "anyOf": [{ "type": kind }, { "type": "null" }], "default": null });
    json!({
        "title": title,
        "type": "object",
        "properties": {
            "path": { "type": "string", "description": "Path to a file the server holds (from its upload route)" },
            "url": optional("string"),
            "size": optional("integer"),
            "orig_name": optional("string"),
            "mime_type": optional("string"),
            "is_stream": { "type": "boolean", "default": false },
            "meta": { "type": "object", "default": { "_type": "gradio.FileData" } },
        },
        "required": ["path"],
    })
}

/// The Python type a Gradio client user sees for a component.
fn python_type(kind: &ComponentKind) -> Json {
    let choices = |choices: &[String]| {
        let quoted: Vec<String> =
            choices.iter().map(|c| format!("'{}'", c.replace('\\', "\\\\").replace('\'', "\\'"))).collect();
        format!("Literal[{}]", quoted.join(", "))
    };
    let name = match kind {
        ComponentKind::Number { .. } | ComponentKind::Slider { .. } => "float".to_string(),
        ComponentKind::Radio { choices: c } | ComponentKind::Dropdown { choices: c } => choices(c),
        ComponentKind::Textbox { .. } => "str".to_string(),
        ComponentKind::Checkbox => "bool".to_string(),
        ComponentKind::Label => "Dict(label: str | None, confidences: list[Dict(label: str, confidence: float)])".to_string(),
        ComponentKind::Image { .. } | ComponentKind::Audio { .. } => "filepath".to_string(),
        ComponentKind::State => "Any".to_string(),
    };
    json!({ "type": name, "description": "" })
}

fn example_input(component: &ComponentSpec) -> Json {
    if component.value != Value::Null {
        return json!(component.value);
    }
    match &component.kind {
        ComponentKind::Number { minimum, .. } => json!(minimum.unwrap_or(3.0)),
        ComponentKind::Slider { minimum, .. } => json!(minimum),
        ComponentKind::Radio { choices } | ComponentKind::Dropdown { choices } => json!(choices.first()),
        ComponentKind::Textbox { .. } => json!("Hello!!"),
        ComponentKind::Checkbox => json!(true),
        // What `handle_file(...)` sends; a client uploads the file first.
        ComponentKind::Image { .. } => json!({ "path": "image.png", "meta": { "_type": "gradio.FileData" }, "orig_name": "image.png" }),
        ComponentKind::Audio { .. } => json!({ "path": "audio.wav", "meta": { "_type": "gradio.FileData" }, "orig_name": "audio.wav" }),
        _ => Json::Null,
    }
}

/// A label as a Python parameter name: `num 1` → `num_1`.
pub fn parameter_name(label: &str) -> String {
    let name: String = label.chars().map(|c| if c.is_alphanumeric() { c } else { '_' }).collect();
    if name.starts_with(|c: char| c.is_ascii_digit()) { format!("_{name}") } else { name }
}

/// The API info: the interface's endpoint with each parameter's name, type and component.
pub fn info(spec: &InterfaceSpec) -> Json {
    let described = |components: &[ComponentSpec]| -> Vec<Json> {
        components
            .iter()
            .filter(|c| !matches!(c.kind, ComponentKind::State))
            .map(|c| {
                json!({
                    "label": c.label,
                    "type": api_type(&c.kind),
                    "python_type": python_type(&c.kind),
                    "component": component_class(&c.kind),
                })
            })
            .collect()
    };
    let mut parameters = described(&spec.inputs);
    let visible_inputs = spec.inputs.iter().filter(|c| !matches!(c.kind, ComponentKind::State));
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

/// The Gradio class name of a component kind: `number` → `Number`.
fn component_class(kind: &ComponentKind) -> String {
    let name = kind.name();
    name[..1].to_uppercase() + &name[1..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameter_names_are_python_identifiers() {
        assert_eq!(parameter_name("num1"), "num1");
        assert_eq!(parameter_name("output 1"), "output_1");
        assert_eq!(parameter_name("2nd value"), "_2nd_value");
    }

    #[test]
    fn radio_choices_read_as_a_python_literal() {
        let kind = ComponentKind::Radio { choices: vec!["add".into(), "it's".into()] };
        assert_eq!(python_type(&kind)["type"], "Literal['add', 'it\\'s']");
        assert_eq!(component_class(&kind), "Radio");
    }
}
