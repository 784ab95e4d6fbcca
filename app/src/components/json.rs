//! Json's widget: the value pretty-printed, each object and array a `<details>` that folds.

use leptos::prelude::*;
use rheo_shared::{components::Json, Value};
use serde_json::Value as JsonValue;

use super::{Field, Widget};

impl Widget for Json {
    fn view(&self, f: Field) -> AnyView {
        let value = f.value;
        let tree = move || match value.get() {
            Value::Null => view! { <p class="json-empty">"No value yet"</p> }.into_any(),
            shown => node(None, &to_json(&shown)),
        };
        let heading_id = f.heading_id();
        view! {
            <section class="component json" aria-labelledby=f.heading_id()>
                <h3 id=heading_id>{f.label.clone()}</h3>
                <div class="json-tree">{tree}</div>
            </section>
        }
        .into_any()
    }
}

/// The JSON a value was sent as: a number that came over the wire as `3` reads back as an
/// `f64`, and is shown as `3` again.
pub(crate) fn to_json(value: &Value) -> JsonValue {
    match value {
        Value::Json(json) => json.clone(),
        Value::Number(n) if n.fract() == 0.0 && n.abs() < 2f64.powi(53) => JsonValue::from(*n as i64),
        other => serde_json::to_value(other).unwrap_or(JsonValue::Null),
    }
}

/// One member (`key: value`) or item of the tree.
fn node(key: Option<String>, value: &JsonValue) -> AnyView {
    let key = key.map(|key| view! { <span class="json-key">{key}": "</span> });
    let (open, close, children) = match value {
        JsonValue::Object(members) if !members.is_empty() => {
            let children = members.iter().map(|(k, v)| node(Some(JsonValue::from(k.as_str()).to_string()), v));
            ("{", "}", children.collect::<Vec<_>>())
        }
        JsonValue::Array(items) if !items.is_empty() => ("[", "]", items.iter().map(|v| node(None, v)).collect()),
        leaf => {
            let class = format!("json-leaf json-{}", kind(leaf));
            return view! { <div class=class>{key}<span class="json-value">{leaf.to_string()}</span></div> }.into_any();
        }
    };
    let count = format!("{} {}", children.len(), if open == "{" { "keys" } else { "items" });
    view! {
        <details class="json-node" open=true>
            <summary>{key}{open}<span class="json-count">{count}</span></summary>
            <div class="json-children">{children}</div>
            <span class="json-close">{close}</span>
        </details>
    }
    .into_any()
}

fn kind(leaf: &JsonValue) -> &'static str {
    match leaf {
        JsonValue::Null => "null",
        JsonValue::Bool(_) => "bool",
        JsonValue::Number(_) => "number",
        JsonValue::String(_) => "string",
        JsonValue::Array(_) | JsonValue::Object(_) => "empty",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_back_as_the_json_they_were_sent_as() {
        let sent = serde_json::json!({"words": 7, "ratio": 0.5, "top": [{"word": "the"}], "none": null});
        let received: Value = serde_json::from_str(&sent.to_string()).unwrap();
        assert_eq!(to_json(&received), sent);
        assert_eq!(to_json(&Value::Number(3.0)), serde_json::json!(3));
        assert_eq!(to_json(&Value::Number(2.5)), serde_json::json!(2.5));
        assert_eq!(to_json(&Value::Text("a".into())), serde_json::json!("a"));
    }
}
