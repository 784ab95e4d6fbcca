//! Examples: rows of input values that fill the inputs when clicked (an interface's, under its
//! inputs; a Blocks app's sets, where its layout places them).
//! Images show as thumbnails, videos as their first frame; audio by name, with a small player under its row; a table as its
//! headers and first rows.

use leptos::{either::Either, prelude::*};
use rheo_shared::{FileData, Value};

use crate::{
    components::show_value,
    words::{words, Text},
};

/// Rows of example values for the components `labels` name, whose values are `inputs`;
/// clicking one fills them in and runs `on_fill`, if given. `root` is the path the page is
/// served under, which example files' URLs need.
pub(super) fn examples(
    labels: Vec<String>,
    rows: Vec<Vec<Value>>,
    root: &str,
    inputs: Vec<RwSignal<Value>>,
    on_fill: Option<Callback<()>>,
) -> impl IntoView + use<> {
    if rows.is_empty() {
        return None;
    }
    let words = words();
    let rows = rows.into_iter().enumerate().map(|(row, values)| {
        let values: Vec<Value> = values.into_iter().map(|value| under_root(value, root)).collect();
        let inputs = inputs.clone();
        // Named by its cells, each after its label (said, not shown: the header shows them): a
        // name of its own would differ from the text shown, which speech input cannot match.
        let said = labels
            .iter()
            .enumerate()
            .map(|(i, label)| if i == 0 { format!("{label} ") } else { format!(", {label} ") });
        let cells = said.zip(&values).map(|(said, value)| cell(said, value)).collect_view();
        let players = values.iter().filter_map(audio_url).map(|url| {
            let name = words.fill(Text::PlayExample, &[("n", &(row + 1))]);
            view! { <audio class="example-player" controls=true preload="none" src=url aria-label=name></audio> }
        });
        let players = players.collect_view();
        let fill = move |_| {
            for (signal, value) in inputs.iter().zip(&values) {
                signal.set(value.clone());
            }
            if let Some(on_fill) = on_fill {
                on_fill.run(());
            }
        };
        view! {
            <button type="button" class="example" on:click=fill>
                <span class="said">{words.fill(Text::ExampleRow, &[("n", &(row + 1))]) + " "}</span>
                {cells}
            </button>
            {players}
        }
    });
    Some(view! {
        <section class="examples" aria-label=words.get(Text::Examples)>
            <h2>{words.get(Text::Examples)}</h2>
            <div class="example-header" aria-hidden="true">
                {labels.iter().map(|l| view! { <span>{l.clone()}</span> }).collect_view()}
            </div>
            {rows.collect_view()}
        </section>
    })
}

/// One cell of a row: an image's thumbnail, else the value in words (a table's its first
/// rows, a line each); after its label, `said` only.
fn cell(said: String, value: &Value) -> impl IntoView + use<> {
    let label = view! { <span class="said">{said}</span> };
    // A picture among its files shows as a thumbnail, with the value in words after it; a
    // video as its first frame, with its name.
    let picture = value.files().iter().find(|file| is(file, "image/")).and_then(|file| file.url.clone());
    let video = || value.files().iter().find(|file| is(file, "video/")).and_then(|file| file.url.clone());
    match picture {
        Some(url) if matches!(value, Value::File(_)) => Either::Left(Either::Left(view! {
            <span>{label}<img class="example-thumb" src=url alt=show_value(value)/></span>
        })),
        None if video().is_some() => Either::Left(Either::Right(view! {
            <span>{label}<video class="example-thumb" src=video() preload="metadata" muted=true aria-hidden="true"></video>
                {show_value(value)}</span>
        })),
        Some(url) => Either::Right(Either::Left(view! {
            <span>{label}<img class="example-thumb" src=url alt=""/>{show_value(value)}</span>
        })),
        None => {
            let table = match value {
                Value::Json(json) => table_preview(json),
                _ => None,
            };
            let lines = table.is_some();
            let text = table.unwrap_or_else(|| show_value(value));
            Either::Right(Either::Right(view! { <span class:example-lines=lines>{label}{text}</span> }))
        }
    }
}

/// The rows of a table an example shows: its headers, then its first rows.
const PREVIEW_ROWS: usize = 3;

/// A Dataframe's value (`{"headers": […], "data": [[…], …]}`) in words: its headers and its
/// first [`PREVIEW_ROWS`] rows, a line each, then how many more there are; `None` for other
/// JSON. Read from the JSON as it is (reading it as a `Table` would put the tables' reader in
/// every page), and as text, not a view of spans, which cost every page 2 KB.
fn table_preview(json: &serde_json::Value) -> Option<String> {
    let text = |cell: &serde_json::Value| match cell {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(text) => text.clone(),
        other => other.to_string(),
    };
    let line = |cells: &serde_json::Value| {
        cells.as_array().map(|cells| cells.iter().map(text).collect::<Vec<_>>().join(" · "))
    };
    let (headers, data) = (json.get("headers")?, json.get("data")?.as_array()?);
    let mut lines = vec![line(headers)?];
    // All of them when one would be left: "1 more rows" says no more than the row itself.
    let shown = if data.len() == PREVIEW_ROWS + 1 { data.len() } else { PREVIEW_ROWS };
    lines.extend(data.iter().take(shown).map(|cells| line(cells).unwrap_or_default()));
    if data.len() > shown {
        lines.push(words().fill(Text::MoreRows, &[("count", &(data.len() - shown))]));
    }
    Some(lines.join("\n"))
}

fn audio_url(value: &Value) -> Option<String> {
    match value {
        Value::File(file) if is(file, "audio/") => file.url.clone(),
        _ => None,
    }
}

fn is(file: &FileData, kind: &str) -> bool {
    file.mime_type.as_deref().is_some_and(|mime| mime.starts_with(kind))
}

/// An example file's URL under the path the page is served from.
fn under_root(mut value: Value, root: &str) -> Value {
    for file in value.files_mut() {
        file.url = file.url.take().map(|url| format!("{root}{url}"));
    }
    value
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_table_previews_as_its_headers_and_first_rows() {
        let table = json!({
            "headers": ["city", "july", "coast"],
            "data": [["Oslo", 17.7, true], ["Rome", null, false], ["Lima", 16, true], ["Quito", 14, false], ["Cairo", 28, false]],
            "metadata": null,
        });
        let preview = table_preview(&table).unwrap();
        let lines: Vec<&str> = preview.lines().collect();
        assert_eq!(lines[0], "city · july · coast");
        assert_eq!(lines[1], "Oslo · 17.7 · true");
        assert_eq!(lines[2], "Rome ·  · false", "an empty cell is empty, not null");
        assert_eq!(lines.len(), 1 + PREVIEW_ROWS + 1);
        assert_eq!(lines.last(), Some(&"… 2 more rows"));
        let four = json!({"headers": ["n"], "data": [[1], [2], [3], [4]]});
        assert_eq!(table_preview(&four).unwrap(), "n\n1\n2\n3\n4", "all four rather than 1 more row");
        // Other JSON is not a table.
        for other in [json!({"headers": ["a"]}), json!([1, 2]), json!({"label": "cat"})] {
            assert_eq!(table_preview(&other), None, "{other}");
        }
    }
}
