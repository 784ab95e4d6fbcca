//! `/word_count`: text in; a Markdown report and the counts as JSON out, as you type.

use std::{collections::HashMap, time::Duration};

use rheo::{serde_json::json, Interface, IntoMounted, Json, Markdown, Textbox};

/// The words of `text`, lowercased: runs of letters, digits and apostrophes.
pub(crate) fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The most frequent words, most frequent first (ties in alphabetical order).
pub(crate) fn top_words(words: &[String], how_many: usize) -> Vec<(String, usize)> {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for word in words {
        *counts.entry(word).or_default() += 1;
    }
    let mut counted: Vec<(String, usize)> = counts.into_iter().map(|(w, n)| (w.to_owned(), n)).collect();
    counted.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    counted.truncate(how_many);
    counted
}

fn word_count(text: String) -> (String, rheo::serde_json::Value) {
    let words = words(&text);
    let top = top_words(&words, 5);
    let first_line = text.lines().next().unwrap_or_default();
    let mut report = format!("## {} words\n\n> {first_line}\n\n", words.len());
    if !top.is_empty() {
        report.push_str("| word | count |\n| --- | ---: |\n");
        for (word, count) in &top {
            report.push_str(&format!("| {word} | {count} |\n"));
        }
    }
    let counts = json!({
        "characters": text.chars().count(),
        "words": words.len(),
        "lines": text.lines().count(),
        "top": top.iter().map(|(word, count)| json!({ "word": word, "count": count })).collect::<Vec<_>>(),
    });
    (report, counts)
}

pub(crate) fn interface() -> impl IntoMounted {
    Interface::new(word_count)
        .inputs(Textbox::new().lines(6).placeholder("Paste some text").label("text"))
        .outputs((Markdown::new().label("report"), Json::new().label("counts")))
        .title("Word count")
        .description(
            "Type or paste text: a Markdown report and the counts as JSON follow as you type, each time you pause.",
        )
        .examples([("The cat sat on the mat.\nThe mat was flat.".to_string(),)])
        .live(true)
        // Once the typing pauses, not at every letter.
        .live_debounce(Duration::from_millis(300))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_words_and_reports_the_most_frequent() {
        let (report, counts) = word_count("The cat sat on the mat.\nThe mat".into());
        assert_eq!(counts["words"], 8);
        assert_eq!(counts["lines"], 2);
        assert_eq!(counts["top"][0], json!({ "word": "the", "count": 3 }));
        assert_eq!(counts["top"][1], json!({ "word": "mat", "count": 2 }));
        assert!(report.starts_with("## 8 words\n\n> The cat sat on the mat.\n"), "{report}");
        assert!(report.contains("| the | 3 |"), "{report}");
    }
}
