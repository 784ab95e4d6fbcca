//! Examples: rows of input values that fill the inputs when clicked (an interface's, under its
//! inputs; a Blocks app's sets, where its layout places them).
//! Images show as thumbnails; audio by name, with a small player under its row.

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

/// One cell of a row: an image's thumbnail, else the value in words; after its label, `said`
/// only.
fn cell(said: String, value: &Value) -> impl IntoView + use<> {
    let label = view! { <span class="said">{said}</span> };
    // A picture among its files shows as a thumbnail, with the value in words after it.
    let picture = value.files().iter().find(|file| is(file, "image/")).and_then(|file| file.url.clone());
    match picture {
        Some(url) if matches!(value, Value::File(_)) => Either::Left(view! {
            <span>{label}<img class="example-thumb" src=url alt=show_value(value)/></span>
        }),
        Some(url) => Either::Right(Either::Left(view! {
            <span>{label}<img class="example-thumb" src=url alt=""/>{show_value(value)}</span>
        })),
        None => Either::Right(Either::Right(view! { <span>{label}{show_value(value)}</span> })),
    }
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
