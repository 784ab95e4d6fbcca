//! The AnnotatedImage component's widget: the image with each region's mask laid over it (the
//! server draws them in their labels' colours), and a legend of the labels, each with a swatch
//! of its colour, that lights one label's regions while pointed at, focused or pressed.

use leptos::prelude::*;
use rheo_shared::{
    components::{annotation_colors, hex_color, AnnotatedImage},
    Value,
};

use super::{legend::Legend, Field, Widget};
use crate::words::{tr, Text};

impl Widget for AnnotatedImage {
    fn view(&self, f: Field) -> impl IntoView + use<> {
        annotated(f, self.clone())
    }
}

/// What the widget shows of a value: the image's URL, each region's mask's with its label, and
/// the labels in the order they first appear.
#[derive(Clone, Default, PartialEq)]
struct Shown {
    image: Option<String>,
    regions: Vec<(Option<String>, String)>,
    labels: Vec<String>,
}

fn shown(value: &Value) -> Shown {
    match value {
        Value::Annotated(annotated) => Shown {
            image: annotated.image().url.clone(),
            regions: annotated.annotations().map(|(mask, label)| (mask.url.clone(), label.to_owned())).collect(),
            labels: annotated.labels().into_iter().map(str::to_owned).collect(),
        },
        _ => Shown::default(),
    }
}

fn annotated(f: Field, options: AnnotatedImage) -> impl IntoView {
    let value = f.value;
    let now = Memo::new(move |_| value.with(shown));
    let labels = Memo::new(move |_| now.with(|now| now.labels.clone()));
    let legend = Legend::new(labels);
    let colors = options.color_map.clone();
    let swatch = move |label: &str| {
        // A label's colour comes from its order among the value's labels (the palette's
        // next), so it is looked up among them all.
        let color = labels.with_untracked(|all| {
            let all: Vec<&str> = all.iter().map(String::as_str).collect();
            annotation_colors(&all, &colors).into_iter().find(|(known, _)| *known == label).map(|(_, c)| c)
        });
        let fill = hex_color(color.unwrap_or([255, 0, 0]));
        view! { <svg class="swatch" width="12" height="12" viewBox="0 0 12 12" aria-hidden="true"><rect width="12" height="12" rx="2" fill=fill/></svg> }
    };
    let legend_view =
        options.show_legend.then(|| legend.view("annotated-legend", |_| "legend-entry".to_owned(), swatch));
    let label = f.label;
    let has_image = move || now.with(|now| now.image.is_some());
    view! {
        <figure class="component annotatedimage output">
            <figcaption>{label}</figcaption>
            <p class="image-empty" hidden=has_image>{tr(Text::NoImageYet)}</p>
            <div class="annotated-stage" hidden=move || !has_image()>
                <img class="annotated-base" src=move || now.with(|now| now.image.clone())
                    alt=label/>
                {move || now.get().regions.into_iter().map(|(mask, label)| view! {
                    <img class="annotated-mask" class:dimmed=move || legend.dims(&label) src=mask alt=""/>
                }).collect_view()}
            </div>
            {legend_view}
        </figure>
    }
}
