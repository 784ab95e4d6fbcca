//! Code's widget: line numbers beside the code, highlighted by `rheo_shared`'s lexer into spans
//! with classes. As an input, a transparent textarea over the highlighted text (both grow with
//! the code, so they never scroll apart); as an output, the code alone with a Copy button.

use leptos::prelude::*;
use rheo_shared::{
    components::{highlight, Code, CodeLanguage},
    Value,
};

use super::{Field, Widget};
use crate::{
    browser::copy_to_clipboard,
    words::{tr, Text},
};

impl Widget for Code {
    fn view(&self, f: Field) -> impl IntoView + use<> {
        let (language, lines) = (self.language, self.lines as usize);
        let text = f.text();
        let numbers = move || {
            // Every line, the empty one after a last newline too (where the caret may be).
            let count = text().split('\n').count().max(lines);
            (1..=count).map(|n| n.to_string()).collect::<Vec<_>>().join("\n")
        };
        let readonly = f.readonly();
        let commit = f.commit();
        let editor = (!readonly).then(|| {
            view! {
                <textarea id=f.id.clone() class="code-input" wrap="off" spellcheck="false" autocapitalize="off"
                    rows=lines prop:value=text on:input=move |ev| commit(Value::Text(event_target_value(&ev)))>
                    {f.initial_text()}
                </textarea>
            }
        });
        let copy = readonly.then(|| {
            view! {
                <button type="button" class="code-copy" on:click=move |_| copy_to_clipboard(&text())>{tr(Text::Copy)}</button>
            }
        });
        let label = f.label;
        let heading = if readonly {
            leptos::either::Either::Left(view! { <h3 id=f.heading_id()>{label}</h3> })
        } else {
            leptos::either::Either::Right(view! { <label for=f.id.clone()>{label}</label> })
        };
        view! {
            <div class="component code" role=readonly.then_some("region") aria-labelledby=readonly.then(|| f.heading_id())>
                {heading}
                {f.info_line()}
                <div class="code-box">
                    {copy}
                    <pre class="code-lines" aria-hidden="true">{numbers}</pre>
                    <div class="code-stack">
                        <pre class="code-view" aria-hidden=(!readonly).then_some("true")><code>{move || spans(text(), language)}"\n"</code></pre>
                        {editor}
                    </div>
                </div>
            </div>
        }
    }
}

/// The code as spans, each piece with its token's class.
fn spans(code: String, language: Option<CodeLanguage>) -> impl IntoView {
    highlight(&code, language)
        .into_iter()
        .map(|(token, piece)| view! { <span class=token.class()>{piece.to_owned()}</span> })
        .collect_view()
}
