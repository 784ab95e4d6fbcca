//! A generator's next value as the edits from its last, as Gradio's sse_v3 sends them
//! (`gradio.utils.diff`, applied by `gradio_client.utils.apply_diff` and `@gradio/client`).
//!
//! A streamed reply of n tokens sent whole on every token costs O(n²) bytes; as edits, text
//! that grows is an `append` of what was added, so the reply costs O(n). Each edit is
//! `[action, path, value]`, the path a list of array indexes and object keys from the
//! output's root:
//!
//! ```json
//! [["append", [1, "content", 0, "text"], " world"], ["add", [2], {"role": "user", …}]]
//! ```
//!
//! [`diff`] makes the same edits as Gradio's, in the same order (a client applies them one by
//! one): equal values none; a change of JSON type a `replace`; text that extends the old an
//! `append`; arrays compared item by item, then `delete`s of the old tail (each index less by
//! the deletes before it, since each delete shifts the rest) and `add`s of the new one; objects
//! key by key in the old value's order, then `add`s of new keys; anything else a `replace`.

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use crate::{wire_names::wire_names, Value};

/// What an edit does at its path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// The value there becomes the edit's.
    Replace,
    /// The text there gets the edit's text at its end.
    Append,
    /// The edit's value is inserted there: before that index of an array, or at that key.
    Add,
    /// The value there goes.
    Delete,
}

wire_names!(pub Action { Replace => "replace", Append => "append", Add => "add", Delete => "delete" });

/// One edit: `[action, path, value]` on the wire. A path's steps are array indexes (numbers)
/// and object keys (text).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Edit(pub Action, pub Vec<Json>, pub Json);

/// The edits that make `new` from `old`, as Gradio's `utils.diff` makes them.
pub fn diff(old: &Json, new: &Json) -> Vec<Edit> {
    let mut edits = Vec::new();
    compare(old, new, &mut Vec::new(), &mut edits);
    edits
}

fn compare(old: &Json, new: &Json, path: &mut Vec<Json>, edits: &mut Vec<Edit>) {
    let edit = |action, path: &[Json], value: &Json| Edit(action, path.to_vec(), value.clone());
    if old == new {
        return;
    }
    match (old, new) {
        (Json::String(old), Json::String(new)) if new.starts_with(old.as_str()) => {
            edits.push(Edit(Action::Append, path.clone(), Json::String(new[old.len()..].to_owned())));
        }
        (Json::Array(old), Json::Array(new)) => {
            let common = old.len().min(new.len());
            for (index, (old, new)) in old.iter().zip(new).enumerate() {
                path.push(index.into());
                compare(old, new, path, edits);
                path.pop();
            }
            // Each delete is of the first old item past the common part: the one before it
            // shifted the rest down.
            for _ in common..old.len() {
                path.push(common.into());
                edits.push(edit(Action::Delete, path, &Json::Null));
                path.pop();
            }
            for (index, item) in new.iter().enumerate().skip(common) {
                path.push(index.into());
                edits.push(edit(Action::Add, path, item));
                path.pop();
            }
        }
        (Json::Object(old), Json::Object(new)) => {
            for (key, was) in old {
                path.push(key.as_str().into());
                match new.get(key) {
                    Some(now) => compare(was, now, path, edits),
                    None => edits.push(edit(Action::Delete, path, &Json::Null)),
                }
                path.pop();
            }
            for (key, item) in new.iter().filter(|(key, _)| !old.contains_key(*key)) {
                path.push(key.as_str().into());
                edits.push(edit(Action::Add, path, item));
                path.pop();
            }
        }
        _ => edits.push(edit(Action::Replace, path, new)),
    }
}

/// Each output's edits from `old` to `new` (a generator's last answer and its next). Text and
/// JSON (a conversation, say) get [`diff`]'s edits; any other value (a file, a number, an
/// update) is replaced whole when it changes: a new file's fields all change anyway, and
/// `@gradio/client` applies edits to the very object it handed out before, so a file edited
/// field by field would change under a caller who kept the last chunk.
pub fn diff_outputs(old: &[Value], new: &[Value]) -> Vec<Vec<Edit>> {
    let json = |value: &Value| serde_json::to_value(value).unwrap_or_default();
    let edits = |(old, new): (&Value, &Value)| match new {
        Value::Text(_) | Value::Json(_) => diff(&json(old), &json(new)),
        _ if old == new => Vec::new(),
        _ => vec![Edit(Action::Replace, Vec::new(), json(new))],
    };
    old.iter().zip(new).map(edits).collect()
}

/// An edit that does not fit the value it is applied to.
#[derive(Debug, thiserror::Error, PartialEq)]
#[error("an edit does not fit the value: {0}")]
pub struct MisfitEdit(&'static str);

/// Applies `edits` to `value`, in order.
pub fn apply(value: &mut Json, edits: &[Edit]) -> Result<(), MisfitEdit> {
    edits.iter().try_for_each(|edit| apply_one(value, edit))
}

fn apply_one(root: &mut Json, Edit(action, path, value): &Edit) -> Result<(), MisfitEdit> {
    let Some((last, parents)) = path.split_last() else {
        match action {
            Action::Replace => *root = value.clone(),
            Action::Append => append(root, value)?,
            Action::Add | Action::Delete => return Err(MisfitEdit("an add or a delete needs a path")),
        }
        return Ok(());
    };
    let mut parent = root;
    for step in parents {
        parent = child(parent, step)?;
    }
    match (action, parent) {
        (Action::Replace, parent) => *child(parent, last)? = value.clone(),
        (Action::Append, parent) => append(child(parent, last)?, value)?,
        (Action::Add, Json::Array(items)) => {
            let index = index_of(last).filter(|index| *index <= items.len()).ok_or(MisfitEdit("no such index"))?;
            items.insert(index, value.clone());
        }
        (Action::Add, Json::Object(fields)) => {
            let key = last.as_str().ok_or(MisfitEdit("an object's key is text"))?;
            fields.insert(key.to_owned(), value.clone());
        }
        (Action::Delete, Json::Array(items)) => {
            let index = index_of(last).filter(|index| *index < items.len()).ok_or(MisfitEdit("no such index"))?;
            items.remove(index);
        }
        (Action::Delete, Json::Object(fields)) => {
            let key = last.as_str().ok_or(MisfitEdit("an object's key is text"))?;
            fields.remove(key).ok_or(MisfitEdit("no such key"))?;
        }
        (Action::Add | Action::Delete, _) => return Err(MisfitEdit("only arrays and objects have items")),
    }
    Ok(())
}

fn index_of(step: &Json) -> Option<usize> {
    step.as_u64().and_then(|index| usize::try_from(index).ok())
}

fn child<'a>(parent: &'a mut Json, step: &Json) -> Result<&'a mut Json, MisfitEdit> {
    let found = match parent {
        Json::Array(items) => index_of(step).and_then(|index| items.get_mut(index)),
        Json::Object(fields) => step.as_str().and_then(|key| fields.get_mut(key)),
        _ => None,
    };
    found.ok_or(MisfitEdit("its path leads nowhere"))
}

fn append(target: &mut Json, suffix: &Json) -> Result<(), MisfitEdit> {
    let (Json::String(text), Json::String(suffix)) = (target, suffix) else {
        return Err(MisfitEdit("only text is appended to"));
    };
    text.push_str(suffix);
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn edits(json: Json) -> Vec<Edit> {
        serde_json::from_value(json).unwrap()
    }

    /// Each pair's edits as `gradio.utils.diff` (Gradio 6.31) makes them, then applied back.
    #[test]
    fn edits_are_gradios_and_applying_them_makes_the_new_value() {
        let cases = [
            (json!("Hello"), json!("Hello there"), json!([["append", [], " there"]])),
            (json!("Hello"), json!("Bye"), json!([["replace", [], "Bye"]])),
            (json!(1.0), json!("one"), json!([["replace", [], "one"]])),
            (json!(null), json!([1]), json!([["replace", [], [1]]])),
            (
                json!([{"role": "user", "content": [{"type": "text", "text": "hi"}]}]),
                json!([
                    {"role": "user", "content": [{"type": "text", "text": "hi"}]},
                    {"role": "assistant", "content": [{"type": "text", "text": "Hel"}]}
                ]),
                json!([["add", [1], {"role": "assistant", "content": [{"type": "text", "text": "Hel"}]}]]),
            ),
            (
                json!([{"content": [{"text": "Hel"}]}]),
                json!([{"content": [{"text": "Hello"}]}]),
                json!([["append", [0, "content", 0, "text"], "lo"]]),
            ),
            (
                json!([1, 2, 3, 4]),
                json!([1, 5]),
                json!([["replace", [1], 5], ["delete", [2], null], ["delete", [2], null]]),
            ),
            (
                json!({"a": 1, "b": 2}),
                json!({"b": 3, "c": 4}),
                json!([["delete", ["a"], null], ["replace", ["b"], 3], ["add", ["c"], 4]]),
            ),
        ];
        for (old, new, expected) in cases {
            let made = diff(&old, &new);
            assert_eq!(serde_json::to_value(&made).unwrap(), expected, "{old} -> {new}");
            let mut applied = old.clone();
            apply(&mut applied, &made).unwrap();
            assert_eq!(applied, new, "{old} -> {new} applied");
        }
        assert!(diff(&json!({"a": [1, "x"]}), &json!({"a": [1, "x"]})).is_empty());
    }

    #[test]
    fn text_and_json_outputs_are_edited_and_other_values_replaced_whole() {
        let file = |path: &str| Value::from_json(json!({"path": path, "is_stream": true}));
        let old = [Value::Text("a".into()), Value::Json(json!([1])), file("x"), Value::Number(1.0)];
        let new = [Value::Text("ab".into()), Value::Json(json!([1, 2])), file("y"), Value::Number(1.0)];
        assert_eq!(
            serde_json::to_value(diff_outputs(&old, &new)).unwrap(),
            json!([
                [["append", [], "b"]],
                [["add", [1], 2]],
                [["replace", [], serde_json::to_value(&new[2]).unwrap()]],
                []
            ])
        );
    }

    #[test]
    fn an_edit_that_does_not_fit_is_refused() {
        for (value, edit) in [
            (json!([1]), json!([["append", [0], "x"]])),
            (json!([1]), json!([["delete", [1], null]])),
            (json!([1]), json!([["add", [3], 2]])),
            (json!({"a": 1}), json!([["replace", ["b", "c"], 2]])),
            (json!("a"), json!([["add", [], "b"]])),
        ] {
            let mut target = value.clone();
            assert!(apply(&mut target, &edits(edit.clone())).is_err(), "{edit} on {value}");
        }
    }
}
