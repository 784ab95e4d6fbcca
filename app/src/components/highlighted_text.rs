//! HighlightedText's widget: the text in spans, each labelled span a `<mark>` coloured by its
//! label (the author's colour, else eight colours by the order labels first appear) with the
//! label after it, and a legend whose labels, pointed at, focused or pressed, highlight their
//! spans alone.

use leptos::{either::Either, prelude::*};
use rheo_shared::{
    components::{labels_in_order, spans, HighlightedText, Span},
    Value,
};

use super::{legend::Legend, Field, Widget};
use crate::words::{tr, Text};

impl Widget for HighlightedText {
    fn view(&self, f: Field) -> impl IntoView + use<> {
        let value = f.value;
        let spans = Memo::new(move |_| {
            value.with(|v| match v {
                Value::Json(json) => spans(json).unwrap_or_default(),
                _ => Vec::new(),
            })
        });
        let labels =
            Memo::new(move |_| spans.with(|s| labels_in_order(s).into_iter().map(str::to_owned).collect::<Vec<_>>()));
        let legend = Legend::new(labels);
        let options = self.clone();
        let class_of = move |label: &str| labels.with(|all| options.label_class(label, all));
        let inline = self.show_inline_category;
        let legend_class = class_of.clone();
        let text = move || {
            let class_of = class_of.clone();
            spans
                .get()
                .into_iter()
                .map(move |(text, label): Span| match label {
                    None => Either::Left(text),
                    Some(label) => {
                        let name = label.clone();
                        let dimmed = move || legend.dims(&name);
                        Either::Right(view! {
                            <mark class=class_of(&label) class:dimmed=dimmed>
                                {text}
                            // Read out as "Ada (name)"; not shown inline, it is still read.
                            <span class=if inline { "hl-label" } else { "visually-hidden" }>
                                <span class="visually-hidden">" ("</span>{label.clone()}<span class="visually-hidden">")"</span>
                            </span>
                            </mark>
                        })
                    }
                })
                .collect_view()
        };
        let legend = self.show_legend.then(|| legend.view("hl-legend", legend_class, |_| ()));
        let heading_id = f.heading_id();
        view! {
            <section class="component highlightedtext" aria-labelledby=f.heading_id()>
                <h3 id=heading_id>{f.label}</h3>
                {f.info_line()}
                {legend}
                <p class="hl-text" role="status" hidden=move || spans.with(Vec::is_empty)>{text}</p>
                <p class="hl-empty" hidden=move || !spans.with(Vec::is_empty)>{tr(Text::NoTextYet)}</p>
            </section>
        }
    }
}
