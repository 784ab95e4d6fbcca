//! Code: source code, edited or shown with line numbers and highlighting. On the wire, text
//! (Gradio's `Code`); its language is an option of the component.
//!
//! The highlighter is a small lexer written here, not a grammar library: the page gets its
//! tokens as spans with classes (no markup from anywhere, nothing the CSP must allow), and it
//! costs the page a few KB where a grammar engine costs hundreds.

use serde::{Deserialize, Serialize};

use super::{mismatch, Kind, ValueError};
use crate::Value;

/// A code field's options.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Code {
    /// How it is highlighted; `None` for plain text.
    pub language: Option<CodeLanguage>,
    /// Lines shown at least.
    pub lines: u32,
}

impl Default for Code {
    fn default() -> Self {
        Code { language: None, lines: 5 }
    }
}

/// The languages a [`Code`] highlights (Markdown is shown as written), by Gradio's names; Rust
/// is Rheo's own, which Gradio's front end does not know.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[allow(missing_docs)]
pub enum CodeLanguage {
    Python,
    Rust,
    Javascript,
    Typescript,
    Json,
    C,
    Cpp,
    Shell,
    Sql,
    Yaml,
    Css,
    Markdown,
}

impl Kind for Code {
    fn name(&self) -> &'static str {
        "code"
    }

    fn validate(&self, value: &Value) -> Result<(), ValueError> {
        match value {
            Value::Text(_) => Ok(()),
            other => Err(mismatch("code (text)", other)),
        }
    }

    fn default_value(&self) -> Value {
        Value::Text(String::new())
    }

    /// Trimmed of leading and trailing whitespace, as Gradio's `postprocess` does.
    fn postprocess(&self, value: Value) -> Value {
        match value {
            Value::Text(text) if text.trim().len() != text.len() => Value::Text(text.trim().to_owned()),
            other => other,
        }
    }
}

/// What a piece of code is, as the page colours it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Token {
    Plain,
    Keyword,
    Text,
    Number,
    Comment,
    /// A name called (`f(`), or a Rust macro (`m!`).
    Call,
}

impl Token {
    /// The class the page gives its span.
    pub fn class(self) -> &'static str {
        match self {
            Token::Plain => "",
            Token::Keyword => "tok-k",
            Token::Text => "tok-s",
            Token::Number => "tok-n",
            Token::Comment => "tok-c",
            Token::Call => "tok-f",
        }
    }
}

/// How a language writes comments, strings and keywords.
struct Syntax {
    line_comment: &'static [&'static str],
    block_comment: bool,
    quotes: &'static [char],
    keywords: &'static [&'static str],
}

const C_LIKE: [&str; 32] = [
    "if",
    "else",
    "for",
    "while",
    "do",
    "return",
    "break",
    "continue",
    "switch",
    "case",
    "default",
    "struct",
    "enum",
    "const",
    "static",
    "void",
    "int",
    "char",
    "float",
    "double",
    "long",
    "short",
    "unsigned",
    "signed",
    "sizeof",
    "typedef",
    "class",
    "public",
    "private",
    "namespace",
    "true",
    "false",
];

/// How `language` is written; `None` for Markdown, shown as written.
fn syntax(language: CodeLanguage) -> Option<Syntax> {
    use CodeLanguage::*;
    let (line_comment, block_comment, quotes, keywords): (&[&str], bool, &[char], &[&str]) = match language {
        Python => (
            &["#"],
            false,
            &['"', '\''],
            &[
                "def", "return", "if", "elif", "else", "for", "while", "in", "not", "and", "or", "is", "import",
                "from", "as", "class", "with", "try", "except", "finally", "raise", "lambda", "yield", "None", "True",
                "False", "pass", "break", "continue", "async", "await", "global",
            ],
        ),
        Rust => (
            &["//"],
            true,
            &['"'],
            &[
                "fn", "let", "mut", "pub", "use", "mod", "struct", "enum", "impl", "trait", "for", "in", "if", "else",
                "match", "while", "loop", "return", "break", "continue", "where", "self", "Self", "crate", "super",
                "as", "const", "static", "move", "async", "await", "dyn", "ref", "type", "unsafe", "true", "false",
            ],
        ),
        Javascript | Typescript => (
            &["//"],
            true,
            &['"', '\'', '`'],
            &[
                "function",
                "return",
                "if",
                "else",
                "for",
                "while",
                "do",
                "const",
                "let",
                "var",
                "new",
                "class",
                "extends",
                "import",
                "export",
                "from",
                "default",
                "async",
                "await",
                "try",
                "catch",
                "finally",
                "throw",
                "typeof",
                "instanceof",
                "of",
                "in",
                "this",
                "null",
                "undefined",
                "true",
                "false",
                "interface",
                "type",
            ],
        ),
        Json => (&[], false, &['"'], &["true", "false", "null"]),
        C | Cpp => (&["//"], true, &['"', '\''], &C_LIKE),
        Shell => (
            &["#"],
            false,
            &['"', '\''],
            &[
                "if", "then", "else", "elif", "fi", "for", "while", "do", "done", "case", "esac", "in", "function",
                "return", "export", "local", "echo",
            ],
        ),
        Sql => (
            &["--"],
            true,
            &['\''],
            &[
                "select", "from", "where", "insert", "into", "values", "update", "set", "delete", "create", "table",
                "drop", "alter", "join", "left", "right", "inner", "outer", "on", "group", "by", "order", "having",
                "limit", "as", "and", "or", "not", "null", "is", "in", "distinct", "count", "union", "SELECT", "FROM",
                "WHERE", "INSERT", "INTO", "VALUES", "UPDATE", "SET", "DELETE", "CREATE", "TABLE", "JOIN", "ON",
                "GROUP", "BY", "ORDER", "AS", "AND", "OR", "NOT", "NULL", "LIMIT", "COUNT", "DISTINCT",
            ],
        ),
        Yaml => (&["#"], false, &['"', '\''], &["true", "false", "null", "yes", "no"]),
        Css => (&[], true, &['"', '\''], &["important"]),
        Markdown => return None,
    };
    Some(Syntax { line_comment, block_comment, quotes, keywords })
}

/// `code` cut into pieces by what they are; the pieces, joined, are `code`.
pub fn highlight(code: &str, language: Option<CodeLanguage>) -> Vec<(Token, &str)> {
    let Some((language, syntax)) = language.and_then(|l| Some((l, syntax(l)?))) else {
        return vec![(Token::Plain, code)];
    };
    let mut out: Vec<(Token, &str)> = Vec::new();
    let bytes = code.as_bytes();
    let mut i = 0;
    while i < code.len() {
        let rest = &code[i..];
        let (token, len) = if let Some(len) = comment(rest, &syntax) {
            (Token::Comment, len)
        } else if let Some(len) = quoted(rest, &syntax, language) {
            (Token::Text, len)
        } else if bytes[i].is_ascii_digit() {
            (Token::Number, word_len(rest))
        } else if rest.starts_with(|c: char| c.is_alphabetic() || c == '_') {
            let len = word_len(rest);
            let word = &rest[..len];
            let after = rest[len..].trim_start_matches([' ', '\t']);
            let token = if syntax.keywords.contains(&word) {
                Token::Keyword
            } else if after.starts_with('(') || (language == CodeLanguage::Rust && after.starts_with('!')) {
                Token::Call
            } else {
                Token::Plain
            };
            (token, len)
        } else {
            (Token::Plain, rest.chars().next().map_or(1, char::len_utf8))
        };
        match out.last_mut() {
            Some((Token::Plain, piece)) if token == Token::Plain => *piece = &code[i - piece.len()..i + len],
            _ => out.push((token, &code[i..i + len])),
        }
        i += len;
    }
    out
}

/// The length of a word (letters, digits, `_`; a number's `.` too) at the start of `text`.
fn word_len(text: &str) -> usize {
    let number = text.starts_with(|c: char| c.is_ascii_digit());
    text.find(|c: char| !(c.is_alphanumeric() || c == '_' || (number && c == '.'))).unwrap_or(text.len())
}

/// The length of a comment at the start of `text`, if one starts there.
fn comment(text: &str, syntax: &Syntax) -> Option<usize> {
    if syntax.line_comment.iter().any(|start| text.starts_with(start)) {
        return Some(text.find('\n').unwrap_or(text.len()));
    }
    if syntax.block_comment && text.starts_with("/*") {
        return Some(text[2..].find("*/").map_or(text.len(), |end| end + 4));
    }
    None
}

/// The length of a string at the start of `text`, if one starts there: to its closing quote
/// (escapes skipped), a Python triple quote to its own, or to the line's end if unclosed.
fn quoted(text: &str, syntax: &Syntax, language: CodeLanguage) -> Option<usize> {
    let quote = text.chars().next().filter(|c| syntax.quotes.contains(c))?;
    if language == CodeLanguage::Python {
        let triple: String = std::iter::repeat_n(quote, 3).collect();
        if let Some(body) = text.strip_prefix(triple.as_str()) {
            return Some(body.find(triple.as_str()).map_or(text.len(), |end| end + 6));
        }
    }
    let mut escaped = false;
    for (i, c) in text.char_indices().skip(1) {
        match c {
            '\n' if quote != '`' => return Some(i),
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            c if c == quote => return Some(i + 1),
            _ => {}
        }
    }
    Some(text.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classes(code: &str, language: CodeLanguage) -> Vec<(Token, &str)> {
        let tokens = highlight(code, Some(language));
        assert_eq!(tokens.iter().map(|(_, piece)| *piece).collect::<String>(), code, "the pieces make the code");
        tokens.into_iter().filter(|(token, _)| *token != Token::Plain).collect()
    }

    #[test]
    fn code_is_cut_by_what_it_is() {
        use Token::*;
        assert_eq!(
            classes("def add(a, b):  # sum\n    return a + 2.5 * \"x\\\"y\"", CodeLanguage::Python),
            [
                (Keyword, "def"),
                (Call, "add"),
                (Comment, "# sum"),
                (Keyword, "return"),
                (Number, "2.5"),
                (Text, "\"x\\\"y\"")
            ]
        );
        assert_eq!(
            classes("let v = vec![1]; /* a\nb */ f (\"é\") // end", CodeLanguage::Rust),
            [
                (Keyword, "let"),
                (Call, "vec"),
                (Number, "1"),
                (Comment, "/* a\nb */"),
                (Call, "f"),
                (Text, "\"é\""),
                (Comment, "// end")
            ]
        );
        assert_eq!(classes("'''doc\nstring''' x", CodeLanguage::Python), [(Text, "'''doc\nstring'''")]);
        assert_eq!(
            classes("SELECT name FROM t -- all", CodeLanguage::Sql),
            [(Keyword, "SELECT"), (Keyword, "FROM"), (Comment, "-- all")]
        );
        assert_eq!(classes("\"unclosed\nnext", CodeLanguage::Json), [(Text, "\"unclosed")]);
        assert_eq!(highlight("x = 1", None), [(Token::Plain, "x = 1")]);
        assert_eq!(highlight("# 1 `a`", Some(CodeLanguage::Markdown)), [(Token::Plain, "# 1 `a`")]);
        assert_eq!(highlight("", Some(CodeLanguage::Rust)), []);
    }

    #[test]
    fn code_is_trimmed_as_gradio_does() {
        let code = Code::default();
        assert_eq!(code.postprocess(Value::Text("\n  x = 1\n".into())), Value::Text("x = 1".into()));
        assert_eq!(code.validate(&Value::Number(1.0)).unwrap_err().to_string(), "expected code (text), got a number");
    }
}
