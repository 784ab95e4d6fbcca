//! The languages a server's pages speak: the tables Rheo ships (English and six others), each
//! with the author's changes, and the author's own languages ([`Language`]). Each page takes
//! the best one for the browser's `Accept-Language` ([`Languages::choose`]).

use std::collections::BTreeMap;

use rheo_shared::i18n::{Languages, Strings, Text};

/// The tables Rheo ships besides English (whose texts are written beside their keys in
/// [`Text`]): key to text, JSON.
const SHIPPED: [(&str, &str); 6] = [
    ("fr", include_str!("fr.json")),
    ("de", include_str!("de.json")),
    ("es", include_str!("es.json")),
    ("pt-BR", include_str!("pt-BR.json")),
    ("ja", include_str!("ja.json")),
    ("zh-CN", include_str!("zh-CN.json")),
];

/// A language for the pages: a shipped one to change (`fr`, `de`, `es`, `pt-BR`, `ja`,
/// `zh-CN`, or `en`) or a new one, with texts of Rheo's UI by key (their keys are
/// `rheo_shared::i18n::Text`'s: `submit`, `in_line`, …) and translations of the author's own
/// texts (labels, titles, descriptions, button words), by their English.
///
/// ```
/// use rheo::{Language, Registry};
///
/// let registry = Registry::new()
///     .language(Language::new("fr").text("submit", "Calculer").phrase("Calculator", "Calculatrice"))
///     .language(Language::new("it").text("submit", "Invia").text("clear", "Cancella"));
/// ```
///
/// A key Rheo does not know stops the server at start; a new language's missing texts are
/// English, and the server says which at start.
#[derive(Clone, Debug)]
pub struct Language {
    tag: String,
    texts: BTreeMap<String, String>,
    phrases: BTreeMap<String, String>,
}

impl Language {
    /// The language with this tag (`fr`, `pt-BR`, `it`).
    pub fn new(tag: impl Into<String>) -> Self {
        Language { tag: tag.into(), texts: BTreeMap::new(), phrases: BTreeMap::new() }
    }

    /// Rheo's UI text `key` in this language.
    pub fn text(mut self, key: impl Into<String>, text: impl Into<String>) -> Self {
        self.texts.insert(key.into(), text.into());
        self
    }

    /// The author's text `english` (a label, a title, a description, a button's words) in
    /// this language.
    pub fn phrase(mut self, english: impl Into<String>, translated: impl Into<String>) -> Self {
        self.phrases.insert(english.into(), translated.into());
        self
    }
}

/// The shipped tables with the author's `languages` over them, and what to tell the author at
/// start (texts missing from a language of theirs); an error for a bad tag or an unknown key.
pub(crate) fn languages(authored: &[Language]) -> Result<(Languages, Vec<String>), String> {
    let mut tables = vec![Language { tag: "en".into(), texts: english_table(), phrases: BTreeMap::new() }];
    for (tag, json) in SHIPPED {
        let texts = serde_json::from_str(json).map_err(|e| format!("the shipped {tag} table is unreadable: {e}"))?;
        tables.push(Language { tag: tag.into(), texts, phrases: BTreeMap::new() });
    }
    for language in authored {
        if !is_language_tag(&language.tag) {
            return Err(format!(
                "language {:?}: a tag is letters and digits in parts split by '-' (fr, pt-BR)",
                language.tag
            ));
        }
        match tables.iter_mut().find(|table| table.tag.eq_ignore_ascii_case(&language.tag)) {
            Some(table) => {
                table.texts.extend(language.texts.clone());
                table.phrases.extend(language.phrases.clone());
            }
            None => tables.push(language.clone()),
        }
    }
    let mut notes = Vec::new();
    let mut built = Vec::new();
    for Language { tag, texts, phrases } in tables {
        let (strings, gaps) = Strings::from_table(&tag, &texts, phrases);
        if !gaps.unknown.is_empty() {
            return Err(format!("language {tag}: no text of Rheo's UI is named {}", gaps.unknown.join(", ")));
        }
        if !gaps.missing.is_empty() {
            notes.push(format!(
                "language {tag}: {} of {} texts are missing, shown in English: {}",
                gaps.missing.len(),
                Text::ALL.len(),
                gaps.missing.join(", ")
            ));
        }
        built.push(strings);
    }
    Ok((Languages::new(built), notes))
}

/// English as a table, so that it is complete like every other.
fn english_table() -> BTreeMap<String, String> {
    Text::ALL.iter().map(|text| (text.key().to_owned(), text.english().to_owned())).collect()
}

/// `fr`, `pt-BR`, `zh-Hant-TW`: parts of 1 to 8 letters or digits, the first letters.
fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let first = parts.next().unwrap_or_default();
    (2..=8).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_alphabetic())
        && parts.all(|part| (1..=8).contains(&part.len()) && part.bytes().all(|b| b.is_ascii_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_table_has_every_text_and_its_placeholders() {
        let (languages, notes) = languages(&[]).unwrap();
        assert_eq!(notes, Vec::<String>::new(), "a shipped table lacks texts");
        assert_eq!(languages.tags().collect::<Vec<_>>(), ["en", "fr", "de", "es", "pt-BR", "ja", "zh-CN"]);
        let placeholders = |text: &str| {
            let mut names: Vec<String> = text
                .split('{')
                .skip(1)
                .filter_map(|rest| rest.split_once('}'))
                .map(|(name, _)| name.to_owned())
                .collect();
            names.sort();
            names
        };
        for tag in languages.tags() {
            let strings = languages.choose(Some(tag));
            for text in Text::ALL {
                assert_eq!(placeholders(strings.get(*text)), placeholders(text.english()), "{tag} {}", text.key());
                assert!(!strings.get(*text).trim().is_empty(), "{tag} {}", text.key());
            }
        }
        assert_eq!(languages.choose(Some("de-AT, en;q=0.5")).get(Text::Submit), "Senden");
    }

    #[test]
    fn the_authors_language_changes_a_shipped_one_or_adds_one_and_says_what_it_lacks() {
        let french = Language::new("fr").text("submit", "Calculer").phrase("Calculator", "Calculatrice");
        let (languages, notes) = languages(&[french, Language::new("it").text("submit", "Invia")]).unwrap();
        let fr = languages.choose(Some("fr"));
        assert_eq!((fr.get(Text::Submit), fr.phrase("Calculator")), ("Calculer", "Calculatrice"));
        assert_ne!(fr.get(Text::Clear), "Clear", "the rest of the shipped table stays");
        let it = languages.choose(Some("it-IT"));
        assert_eq!((it.get(Text::Submit), it.get(Text::Clear)), ("Invia", "Clear"));
        assert_eq!(notes.len(), 1);
        assert!(notes[0].starts_with(&format!(
            "language it: {} of {} texts are missing",
            Text::ALL.len() - 1,
            Text::ALL.len()
        )));

        let typo = languages_error(Language::new("fr").text("sumbit", "x"));
        assert_eq!(typo, "language fr: no text of Rheo's UI is named sumbit");
        let tag = languages_error(Language::new("french language"));
        assert!(tag.starts_with("language \"french language\": a tag is"), "{tag}");
    }

    fn languages_error(language: Language) -> String {
        languages(&[language]).unwrap_err()
    }
}
