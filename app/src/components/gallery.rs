//! The Gallery component's widget: images in a grid with their captions; a chosen one shown
//! large above the grid, with its caption and download link, which the arrow keys move
//! through and Escape closes (focus going back to its thumbnail). As an input, images picked
//! or dropped into the grid, each with a button that removes it.

use leptos::{either::Either, ev::KeyboardEvent, html, prelude::*};
use rheo_shared::{
    components::{Gallery, ObjectFit},
    FileData, GalleryData, Value,
};

use super::{drop_zone, error_line, file_name, focus_by_id, Field, Upload, Widget};
use crate::words::{tr, words, Text};

impl Widget for Gallery {
    fn view(&self, f: Field) -> impl IntoView + use<> {
        gallery(f, self)
    }
}

/// The images a gallery's value holds, with their captions.
fn held(value: &Value) -> Vec<(FileData, Option<String>)> {
    match value {
        Value::Gallery(gallery) => {
            gallery.items().map(|(file, caption)| (file.clone(), caption.map(str::to_owned))).collect()
        }
        _ => Vec::new(),
    }
}

/// What an input gallery adds: a picker and drop zone for images (several at once), uploaded
/// and added to those it holds, the Remove of them all, and the state of the upload.
fn adding(f: &Field) -> impl IntoView {
    let upload = Upload::new();
    let (uploading, error) = (upload.busy, upload.error);
    let value = f.value;
    let take = f.uploader_into(upload, move |added| {
        let mut items = value.with_untracked(held);
        items.extend(added.into_iter().map(|file| (file, None)));
        Value::Gallery(GalleryData::new(items))
    });
    let take_all = move |list: web_sys::FileList| {
        take((0..list.length()).filter_map(|i| list.get(i)).map(|file| (file.clone().into(), file.name())).collect());
    };
    view! {
        {f.remove_button()}
        {drop_zone(f.id.clone(), tr(Text::DropImages), Some("image/*".to_owned()), true, Callback::new(take_all))}
        <p class="hint" hidden=move || !uploading.get()>{tr(Text::Uploading)}</p>
        {error_line(move || error.get())}
    }
}

/// A thumbnail's `object-fit`, as the grid's `data-fit` says it.
fn fit(object_fit: ObjectFit) -> &'static str {
    match object_fit {
        ObjectFit::Cover => "cover",
        ObjectFit::Contain => "contain",
    }
}

/// One image as the gallery shows it.
#[derive(Clone, PartialEq)]
struct Picture {
    url: Option<String>,
    caption: Option<String>,
    download_name: String,
}

fn pictures(value: &Value) -> Vec<Picture> {
    match value {
        Value::Gallery(gallery) => gallery
            .items()
            .map(|(file, caption)| Picture {
                url: file.url.clone(),
                caption: caption.map(str::to_owned),
                download_name: file_name(file),
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// What names image `n` (from 1) of `count`: its caption, else its place.
fn picture_name(picture: &Picture, n: usize, count: usize) -> String {
    picture.caption.clone().unwrap_or_else(|| words().fill(Text::ImageNOf, &[("n", &n), ("count", &count)]))
}

/// The grid, and the preview; as an input, a button on each image that removes it, and what
/// [`adding`] adds.
fn gallery(f: Field, options: &Gallery) -> impl IntoView {
    let value = f.value;
    let editing = !f.readonly();
    let commit = f.commit();
    let remove = move |index: usize| {
        let mut items = value.with_untracked(held);
        if index < items.len() {
            items.remove(index);
            commit(Value::Gallery(GalleryData::new(items)));
        }
    };
    let shown = Memo::new(move |_| value.with(pictures));
    let count = move || shown.with(Vec::len);
    let chosen = RwSignal::new(None::<usize>);
    let preview = NodeRef::<html::Div>::new();
    let thumb_id = {
        let id = f.id.clone();
        move |index: usize| format!("{id}-{index}")
    };
    // Other images: the preview of an earlier one closes; if it held the focus, the first
    // thumbnail takes it (else it would fall to the page's body).
    Effect::new({
        let first_thumb = thumb_id(0);
        move |_| {
            shown.track();
            let active = document().active_element();
            let held = preview.get_untracked().zip(active).is_some_and(|(p, active)| p.contains(Some(&active)));
            chosen.set(None);
            if held {
                let first_thumb = first_thumb.clone();
                request_animation_frame(move || focus_by_id(&first_thumb));
            }
        }
    });
    let open = move |index: usize| {
        chosen.set(Some(index));
        // Once the preview is shown (the next frame), it takes the focus, for the arrow keys.
        request_animation_frame(move || {
            if let Some(preview) = preview.get_untracked() {
                let _ = preview.focus();
            }
        });
    };
    let close = {
        let thumb_id = thumb_id.clone();
        move || {
            let Some(index) = chosen.get_untracked() else { return };
            chosen.set(None);
            focus_by_id(&thumb_id(index));
        }
    };
    let step = move |by: isize| {
        let count = count() as isize;
        chosen.update(|chosen| {
            if let Some(index) = chosen.as_mut().filter(|_| count > 0) {
                *index = (*index as isize + by).rem_euclid(count) as usize;
            }
        });
    };
    let keys = {
        let close = close.clone();
        move |ev: KeyboardEvent| {
            match ev.key().as_str() {
                "ArrowLeft" => step(-1),
                "ArrowRight" => step(1),
                "Escape" => close(),
                _ => return,
            }
            ev.prevent_default();
        }
    };
    let current = move || chosen.get().and_then(|index| shown.with(|shown| shown.get(index).cloned()));
    let current_name = move || {
        let index = chosen.get()?;
        current().map(|picture| picture_name(&picture, index + 1, count()))
    };
    let allow_preview = options.allow_preview;
    let label = f.label;
    let heading_id = f.heading_id();
    view! {
        <figure class="component gallery" class:output=!editing class:input=editing role=editing.then_some("group")
            aria-labelledby=f.heading_id()>
            <figcaption id=heading_id>{label}</figcaption>
            {f.info_line()}
            <p class="image-empty" hidden=move || count() != 0 || editing>{tr(Text::NoImagesYet)}</p>
            <div class="gallery-preview" tabindex="-1" role="group" node_ref=preview on:keydown=keys
                aria-label=current_name hidden=move || chosen.get().is_none()>
                <img src=move || current().and_then(|p| p.url) alt=move || current_name().unwrap_or_default()/>
                <p class="caption">{move || current().and_then(|p| p.caption)}</p>
                <div class="gallery-controls">
                    <button type="button" aria-label=tr(Text::PreviousImage) on:click=move |_| step(-1)>"‹"</button>
                    <span>{move || chosen.get().map(|index| format!("{} / {}", index + 1, count()))}</span>
                    <button type="button" aria-label=tr(Text::NextImage) on:click=move |_| step(1)>"›"</button>
                    <a class="download" href=move || current().and_then(|p| p.url)
                        download=move || current().map(|p| p.download_name)>
                        {move || words().fill(Text::Download, &[("label", &current_name().unwrap_or_default())])}
                    </a>
                    <button type="button" class="close" on:click=move |_| close()>{tr(Text::Close)}</button>
                </div>
            </div>
            <ul class="gallery-grid" data-columns=options.columns data-fit=fit(options.object_fit) hidden=move || count() == 0>
                {move || {
                    let all = shown.get();
                    let count = all.len();
                    all.into_iter().enumerate().map(|(index, picture)| {
                        let name = picture_name(&picture, index + 1, count);
                        let said = editing.then(|| words().fill(Text::Remove, &[("label", &name)]));
                        let caption = picture.caption.clone().map(|caption| view! { <span class="caption">{caption}</span> });
                        let image = if allow_preview {
                            Either::Left(view! {
                                <button type="button" class="thumb" id=thumb_id(index) aria-label=name
                                    aria-current=move || (chosen.get() == Some(index)).then_some("true")
                                    on:click=move |_| open(index)>
                                    <img src=picture.url alt="" loading="lazy"/>
                                </button>
                            })
                        } else {
                            Either::Right(view! { <img src=picture.url alt=name loading="lazy"/> })
                        };
                        let removing = said.map(|said| {
                            view! { <button type="button" class="remove" on:click=move |_| remove(index)>{said}</button> }
                        });
                        view! { <li>{image}{caption}{removing}</li> }
                    }).collect_view()
                }}
            </ul>
            {editing.then(|| adding(&f))}
        </figure>
    }
}
