//! A legend of labels whose entries, pointed at, focused or pressed (kept until pressed again),
//! light their label's parts alone and dim the rest: a HighlightedText's spans, an
//! AnnotatedImage's regions.

use leptos::prelude::*;

/// Which label is lit: the one pointed at or focused, else the one pressed.
#[derive(Clone, Copy)]
pub(super) struct Legend {
    labels: Memo<Vec<String>>,
    pointed: RwSignal<Option<String>>,
    pressed: RwSignal<Option<String>>,
}

impl Legend {
    /// A legend of `labels` (in the order they first appear), none lit.
    pub(super) fn new(labels: Memo<Vec<String>>) -> Self {
        Legend { labels, pointed: RwSignal::new(None), pressed: RwSignal::new(None) }
    }

    /// The label lit now: only one the value still has (a new value may drop the one pressed
    /// or pointed at).
    fn lit(self) -> Option<String> {
        self.pointed.get().or_else(|| self.pressed.get()).filter(|l| self.labels.with(|all| all.contains(l)))
    }

    /// Whether a part labelled `label` is dimmed now: another label is lit.
    pub(super) fn dims(self, label: &str) -> bool {
        self.lit().is_some_and(|lit| lit != label)
    }

    /// The list, each label a toggle button of class `class_of(label)` with `swatch(label)`
    /// before its text.
    pub(super) fn view<S: IntoView + 'static>(
        self,
        list_class: &'static str,
        class_of: impl Fn(&str) -> String + Clone + Send + Sync + 'static,
        swatch: impl Fn(&str) -> S + Clone + Send + Sync + 'static,
    ) -> impl IntoView {
        let Legend { labels, pointed, pressed } = self;
        view! {
            <ul class=list_class>
                {move || labels.get().into_iter().map(|label| {
                    let (enter, focused, toggle) = (label.clone(), label.clone(), label.clone());
                    let (class, swatch) = (class_of(&label), swatch(&label));
                    let is_pressed = {
                        let label = label.clone();
                        move || pressed.get().as_deref() == Some(label.as_str())
                    };
                    view! {
                        <li><button type="button" class=class aria-pressed=move || is_pressed().to_string()
                            on:mouseenter=move |_| pointed.set(Some(enter.clone())) on:mouseleave=move |_| pointed.set(None)
                            on:focus=move |_| pointed.set(Some(focused.clone())) on:blur=move |_| pointed.set(None)
                            on:click=move |_| pressed.update(|p| *p = if p.as_ref() == Some(&toggle) { None } else { Some(toggle.clone()) })>
                            {swatch}{label}
                        </button></li>
                    }
                }).collect_view()}
            </ul>
        }
    }
}
