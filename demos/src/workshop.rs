//! `/workshop`: a Blocks app. A text with examples under it and buttons beside it (a row that
//! wraps on a narrow screen), each button on its own function of that one text; a chained second step that runs
//! only when the first succeeded; results in tabs; Enter in a search field or a change of the
//! text (one event, two triggers, run once the typing pauses); a slider in a
//! closed accordion whose change reruns the top words and gives them to a dropdown as its
//! choices (picking one counts it); a status line a timer refreshes; a
//! generator that spells the text out word by word, and a Stop button that cancels it; and
//! updates: a checkbox hides the status line, another locks the text, and `find` relabels its
//! result; a picture, described in words when one is uploaded and forgotten when it is
//! removed (upload and clear events); and texts kept for the session by one button and shown
//! by another (two events sharing a `State`), and forgotten by a third (a reset).

use std::{sync::OnceLock, time::Duration, time::Instant};

use futures::Stream;
use rheo::{
    image::RgbImage,
    serde_json::{json, Value},
    Blocks, Button, Checkbox, Dropdown, Image, ImageSource, IntoMounted, Json, Markdown, Number, Slider, State,
    Textbox, Trigger, TriggerMode, Update,
};

use crate::word_count::{top_words, words};

fn count_words(text: String) -> Result<f64, String> {
    if text.trim().is_empty() {
        return Err("there is no text to count: type some first".into());
    }
    Ok(words(&text).len() as f64)
}

/// The chained step: what the count means, from the text and the count.
fn report(text: String, count: f64) -> String {
    let sentences = text.split_terminator(['.', '!', '?']).filter(|s| !s.trim().is_empty()).count().max(1);
    format!("**{count} words** in {sentences} sentences: {:.1} words a sentence.", count / sentences as f64)
}

fn shout(text: String) -> String {
    text.to_uppercase()
}

/// A generator: the text again, a word more every 300 ms (a Stop button ends it).
fn spell(text: String) -> impl Stream<Item = String> {
    async_stream::stream! {
        let mut spelled = String::new();
        for word in text.split_whitespace() {
            tokio::time::sleep(Duration::from_millis(300)).await;
            if !spelled.is_empty() {
                spelled.push(' ');
            }
            spelled.push_str(word);
            yield spelled.clone();
        }
    }
}

/// How often `word` occurs in the text, whatever its case, under a label that names it; no
/// change while no word is searched for.
fn find(text: String, word: String) -> Update<Number> {
    let word = word.trim().to_lowercase();
    if word.is_empty() {
        return Update::new();
    }
    let found = words(&text).iter().filter(|w| **w == word).count() as f64;
    Update::new().value(found).label(format!("found \"{word}\""))
}

fn show_status(shown: bool) -> Update<Textbox> {
    Update::new().visible(shown)
}

fn lock_text(locked: bool) -> Update<Textbox> {
    Update::new().interactive(!locked)
}

/// The text's top words with their counts, and the same words as the choices of a dropdown.
fn top(text: String, how_many: f64) -> (Value, Update<Dropdown>) {
    let top = top_words(&words(&text), how_many as usize);
    let choices: Vec<String> = top.iter().map(|(word, _)| word.clone()).collect();
    let counts = top.into_iter().map(|(word, count)| json!({ "word": word, "count": count }));
    let choices = if choices.is_empty() { vec!["(no words)".to_owned()] } else { choices };
    (json!(counts.collect::<Vec<_>>()), Update::new().choices(choices))
}

/// An uploaded picture in words: its size and its strongest colour on average.
fn describe(picture: RgbImage) -> String {
    let mut sums = [0_u64; 3];
    for pixel in picture.pixels() {
        for (sum, channel) in sums.iter_mut().zip(pixel.0) {
            *sum += u64::from(channel);
        }
    }
    let strongest = (0..3).max_by_key(|&c| sums[c]).unwrap_or(0);
    let colour = ["red", "green", "blue"][strongest];
    format!("a picture of {} × {} pixels, mostly {colour}", picture.width(), picture.height())
}

fn no_picture() -> String {
    "no picture".into()
}

/// Keeps the text for the session (at most the last five), and says how many are kept.
fn keep(text: String, State(mut kept): State<Vec<String>>) -> (String, State<Vec<String>>) {
    kept.push(text);
    if kept.len() > 5 {
        kept.remove(0);
    }
    (format!("{} kept", kept.len()), State(kept))
}

/// The texts this session kept, newest last.
fn kept(State(kept): State<Vec<String>>) -> String {
    if kept.is_empty() {
        return "nothing kept yet".into();
    }
    kept.join(" | ")
}

/// The status line: how long the server has been up, refreshed by a timer.
fn status() -> String {
    static STARTED: OnceLock<Instant> = OnceLock::new();
    let up = STARTED.get_or_init(Instant::now).elapsed().as_secs();
    format!("Server up for {up} s")
}

/// Texts to try, under the text.
const EXAMPLE_TEXTS: [&str; 2] = ["To be, or not to be, that is the question.", "A rose is a rose is a rose. Is it?"];

pub(crate) fn blocks() -> impl IntoMounted {
    let mut app = Blocks::new().title("Text workshop");
    app.markdown("Write a text, then count its words or shout it. Enter in **find** counts one word.");
    let (text, buttons) = app.row(|app| {
        let text = app.column(3, |app| {
            let text =
                app.add(Textbox::new().lines(4).label("text").value("The cat sat on the mat. The mat was flat!"));
            let examples = [EXAMPLE_TEXTS[0], EXAMPLE_TEXTS[1]].map(|example| (example.to_owned(),));
            app.examples(text, examples);
            text
        });
        let buttons = app.column(1, |app| {
            let count = app.add(Button::new("Count words").primary());
            (
                count,
                app.add(Button::new("Shout")),
                app.add(Button::new("Spell it out")),
                app.add(Button::new("Stop").stop()),
            )
        });
        (text, buttons)
    });
    let (count, loud, spell_out, stop) = buttons;
    let (words, report_md) =
        app.tab("Counts", |app| (app.add(Number::new().label("words")), app.add(Markdown::new().label("report"))));
    let shouted = app.tab("Shouted", |app| app.add(Textbox::new().label("shouted")));
    let spelled = app.tab("Spelled", |app| app.add(Textbox::new().lines(3).label("spelled")));
    let (search, found) = app.group(|app| {
        (app.add(Textbox::new().label("find").placeholder("a word, then Enter")), app.add(Number::new().label("found")))
    });
    let (how_many, top_list, top_word) = app.accordion("Top words", false, |app| {
        (
            app.add(Slider::new(1.0, 10.0).step(1.0).value(3.0).label("how many")),
            app.add(Json::new().label("top")),
            app.add(Dropdown::new(["the"]).label("a top word").info("its count goes to found")),
        )
    });
    let (show, lock) = app.row(|app| {
        (app.add(Checkbox::new().label("show the status").value(true)), app.add(Checkbox::new().label("lock the text")))
    });
    let status_line = app.add(Textbox::new().label("status"));
    let kept_texts = app.add(State(Vec::<String>::new()));
    let (keep_it, show_kept, forget, kept_line) = app.accordion("Kept texts", false, |app| {
        let buttons = app.row(|app| {
            (app.add(Button::new("Keep this text")), app.add(Button::new("Show kept")), app.add(Button::new("Forget")))
        });
        (buttons.0, buttons.1, buttons.2, app.add(Textbox::new().label("kept")))
    });
    let (picture, about) = app.accordion("Picture", false, |app| {
        let picture = app.add(Image::new().sources([ImageSource::Upload]).label("picture"));
        (picture, app.add(Textbox::new().label("about the picture").value("no picture")))
    });

    app.on(count.click(), count_words, text, words)
        .api_name("count_words")
        .success(report, (text, words), report_md)
        .private();
    app.on(loud.click(), shout, text, shouted).api_name("shout");
    let spelling = app.on(spell_out.click(), spell, text, spelled).api_name("spell").id();
    app.cancel(stop.click(), [spelling]);
    // Enter in the search field, or any change of the text once a word is searched for.
    // (once the typing pauses for 300 ms, not at each letter).
    app.on([search.submit(), text.change()], find, (text, search), found)
        .api_name("find")
        .debounce(Duration::from_millis(300));
    app.on(how_many.change(), top, (text, how_many), (top_list, top_word)).api_name("top_words");
    app.on(top_word.change(), find, (text, top_word), found).api_name("count_top_word");
    app.on(Trigger::load(), status, (), status_line).private();
    app.on(Trigger::every(Duration::from_secs(1)), status, (), status_line).private();
    app.on(show.change(), show_status, show, status_line).private();
    app.on(lock.change(), lock_text, lock, text).private();
    app.on(picture.upload(), describe, picture, about).api_name("describe");
    app.on(picture.clear(), no_picture, (), about).private();
    // Every click keeps the text, even one that comes while the last is being kept (a click's
    // default, "once", would drop it).
    app.on(keep_it.click(), keep, (text, kept_texts), (kept_line, kept_texts))
        .api_name("keep")
        .trigger_mode(TriggerMode::Multiple);
    app.on(show_kept.click(), kept, kept_texts, kept_line).api_name("kept");
    // Puts the State back as it started (a new session for the page) and empties the line.
    app.reset(forget.click(), (kept_texts, kept_line));
    app
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_handlers_compute() {
        assert_eq!(count_words("a b, c".into()), Ok(3.0));
        assert!(count_words("  ".into()).is_err());
        assert_eq!(count_words(EXAMPLE_TEXTS[1].into()), Ok(10.0), "as the browser test expects");
        assert_eq!(report("One. Two three.".into(), 3.0), "**3 words** in 2 sentences: 1.5 words a sentence.");
        let found = Update::new().value(2.0).label("found \"the\"");
        assert_eq!(find("The cat and the hat".into(), " THE ".into()), found);
        assert_eq!(top("b a b".into(), 1.0), (json!([{ "word": "b", "count": 2 }]), Update::new().choices(["b"])));
        let blue = RgbImage::from_pixel(4, 2, rheo::image::Rgb([10, 20, 200]));
        assert_eq!(describe(blue), "a picture of 4 × 2 pixels, mostly blue");
        let (said, State(texts)) =
            keep("f".into(), State(vec!["a", "b", "c", "d", "e"].into_iter().map(String::from).collect()));
        assert_eq!((said.as_str(), texts.join("")), ("5 kept", "bcdef".into()));
        assert_eq!(kept(State(vec![])), "nothing kept yet");
    }
}
