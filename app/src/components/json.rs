//! Json's widget: the value pretty-printed, each object and array a `<details>` that folds.

use leptos::prelude::*;
use rheo_shared::{components::Json, Value};
use serde_json::Value as JsonValue;

use super::{Field, Widget};

impl Widget for Json {
    fn view(&self, f: Field) -> impl IntoView + use<> {
        let value = f.value;
        let tree = move || match value.get() {
            Value::Null => r#"<p class="json-empty">No value yet</p>"#.to_owned(),
            shown => {
                let mut html = String::new();
                write_node(&mut html, None, &to_json(&shown));
                html
            }
        };
        let heading_id = f.heading_id();
        view! {
            <section class="component json" aria-labelledby=f.heading_id()>
                <h3 id=heading_id>{f.label}</h3>
                <div class="json-tree" inner_html=tree></div>
            </section>
        }
    }
}

/// The JSON a value was sent as: a number that came over the wire as `3` reads back as an
/// `f64`, and is shown as `3` again.
pub(crate) fn to_json(value: &Value) -> JsonValue {
    match value {
        Value::Json(json) => json.clone(),
        Value::Number(n) if n.fract() == 0.0 && n.abs() < 2f64.powi(53) => JsonValue::from(*n as i64),
        // Through text, not `to_value`: the page already carries JSON's writer and reader, and
        // `to_value`'s serializer would add code to every page's bundle.
        other => {
            serde_json::to_string(other).ok().and_then(|text| serde_json::from_str(&text).ok()).unwrap_or_default()
        }
    }
}

/// Writes one member (`key: value`) or item of the tree as HTML: objects and arrays as open
/// `<details>` that fold. Built as text, every key and value escaped, rather than as nested
/// views: a recursive view cost every page's bundle several KiB more.
fn write_node(html: &mut String, key: Option<&str>, value: &JsonValue) {
    let key =
        key.map(|key| format!(r#"<span class="json-key">{}: </span>"#, escape(&JsonValue::from(key).to_string())));
    let key = key.as_deref().unwrap_or_default();
    let (open, close, noun, children): (_, _, _, Vec<(Option<&str>, &JsonValue)>) = match value {
        JsonValue::Object(members) if !members.is_empty() => {
            ("{", "}", "keys", members.iter().map(|(k, v)| (Some(k.as_str()), v)).collect())
        }
        JsonValue::Array(items) if !items.is_empty() => ("[", "]", "items", items.iter().map(|v| (None, v)).collect()),
        leaf => {
            let text = escape(&leaf.to_string());
            html.push_str(&format!(
                r#"<div class="json-leaf json-{}">{key}<span class="json-value">{text}</span></div>"#,
                kind(leaf)
            ));
            return;
        }
    };
    let count = children.len();
    html.push_str(&format!(
        r#"<details class="json-node" open><summary>{key}{open}<span class="json-count">{count} {noun}</span></summary><div class="json-children">"#
    ));
    for (key, child) in children {
        write_node(html, key, child);
    }
    html.push_str(&format!(r#"</div><span class="json-close">{close}</span></details>"#));
}

/// Text made safe to place in HTML, as element content or a quoted attribute.
fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            other => escaped.push(other),
        }
    }
    escaped
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

    #[test]
    fn the_tree_escapes_keys_and_values() {
        let mut html = String::new();
        write_node(&mut html, None, &serde_json::json!({"<b>": ["<script>x</script>", 1, null]}));
        assert!(!html.contains("<b>") && !html.contains("<script>"), "{html}");
        assert!(html.contains(r#"<span class="json-key">&quot;&lt;b&gt;&quot;: </span>"#), "{html}");
        assert!(
            html.contains(r#"<span class="json-value">&quot;&lt;script&gt;x&lt;/script&gt;&quot;</span>"#),
            "{html}"
        );
        assert!(html.contains("1 keys") && html.contains("3 items"), "{html}");
        assert!(
            html.contains(r#"<div class="json-leaf json-null"><span class="json-value">null</span></div>"#),
            "{html}"
        );
    }
}
