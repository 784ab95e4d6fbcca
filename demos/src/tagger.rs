//! `/tagger`: text tagged by rules (numbers, day and month names, and capitalised words that
//! do not start a sentence, taken for names), shown in a HighlightedText with a legend.

use rheo::{HighlightedText, Interface, IntoMounted, Textbox};

const DATE_WORDS: [&str; 19] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

type Span = (String, Option<String>);

/// Runs of whitespace, runs of word characters, and each other character alone.
fn pieces(text: &str) -> Vec<&str> {
    let class = |c: char| match c {
        c if c.is_whitespace() => 0,
        c if c.is_alphanumeric() || matches!(c, '_' | '\'' | '-') => 1,
        _ => 2,
    };
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in text.char_indices().skip(1) {
        let previous = text[..i].chars().next_back().map(class);
        if class(c) == 2 || previous != Some(class(c)) {
            out.push(&text[start..i]);
            start = i;
        }
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

fn tag(text: String) -> Vec<Span> {
    let mut spans: Vec<Span> = Vec::new();
    let mut sentence_starts = true;
    for piece in pieces(&text) {
        let first = piece.chars().next().unwrap_or(' ');
        let label = if piece.bytes().all(|b| b.is_ascii_digit()) {
            Some("number")
        } else if DATE_WORDS.contains(&piece) {
            Some("date")
        } else if first.is_uppercase() && !sentence_starts {
            Some("name")
        } else {
            None
        };
        if first.is_alphanumeric() {
            sentence_starts = false;
        } else if matches!(piece, "." | "!" | "?") {
            sentence_starts = true;
        }
        push(&mut spans, piece, label);
    }
    spans
}

/// Adds a piece: text without a label joins the text before it, and a name after a name and a
/// space makes one name ("Ada Lovelace").
fn push(spans: &mut Vec<Span>, piece: &str, label: Option<&str>) {
    let n = spans.len();
    let after_a_name = n >= 2 && spans[n - 1] == (" ".to_owned(), None) && spans[n - 2].1.as_deref() == Some("name");
    match (label, spans.last_mut()) {
        (Some("name"), _) if after_a_name => {
            spans.pop();
            let name = &mut spans[n - 2].0;
            name.push(' ');
            name.push_str(piece);
        }
        (None, Some((text, None))) => text.push_str(piece),
        _ => spans.push((piece.to_owned(), label.map(str::to_owned))),
    }
}

pub(crate) fn interface() -> impl IntoMounted {
    Interface::new(tag)
        .inputs(Textbox::new().label("text").lines(4).max_length(5_000))
        .outputs(HighlightedText::new().label("tagged").show_legend(true).color("name", "#ffd43b"))
        .title("Tag a text")
        .description("Numbers, day and month names, and names (capitalised words that do not start a sentence) are tagged by rules.")
        .examples([("On Monday 3 March, Ada Lovelace met Charles Babbage in London.".to_string(),)])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(text: &str, label: Option<&str>) -> Span {
        (text.to_owned(), label.map(str::to_owned))
    }

    #[test]
    fn numbers_dates_and_names_are_tagged() {
        assert_eq!(
            tag("On Monday 3 March, Ada Lovelace met Babbage. Then tea!".into()),
            vec![
                span("On ", None),
                span("Monday", Some("date")),
                span(" ", None),
                span("3", Some("number")),
                span(" ", None),
                span("March", Some("date")),
                span(", ", None),
                span("Ada Lovelace", Some("name")),
                span(" met ", None),
                span("Babbage", Some("name")),
                span(". Then tea!", None),
            ]
        );
        assert_eq!(tag(String::new()), vec![]);
        assert_eq!(pieces("l'eau  co-op!?"), ["l'eau", "  ", "co-op", "!", "?"]);
    }
}
