//! [`Code`]: source code (`String`), edited or shown highlighted.

use rheo_shared::components::{self, CodeLanguage};
use serde_json::{json, Value as JsonValue};

use super::{builder_basics, component_impl, Common, Contract};

/// Source code (`String`): as an input, an editor with line numbers, highlighted as it is
/// typed; as an output, highlighted with line numbers and a Copy button. An output's code is
/// trimmed of leading and trailing whitespace, as Gradio's is.
///
/// ```
/// use rheo::{Code, CodeLanguage};
///
/// let script = Code::new().language(CodeLanguage::Python).lines(8).label("script");
/// ```
#[derive(Clone, Debug, Default)]
pub struct Code {
    common: Common,
    options: components::Code,
}

builder_basics!(Code => String);
component_impl!(Code => String, Code);

impl Code {
    /// Plain code, five lines high.
    pub fn new() -> Self {
        Self::default()
    }

    /// The language it is highlighted as.
    pub fn language(mut self, language: CodeLanguage) -> Self {
        self.options.language = Some(language);
        self
    }

    /// The lines it shows at least (default 5); it grows with its code.
    pub fn lines(mut self, lines: u32) -> Self {
        self.options.lines = lines.max(1);
        self
    }
}

impl Contract for components::Code {
    fn class_name(&self) -> &'static str {
        "Code"
    }

    fn props(&self) -> JsonValue {
        json!({ "language": self.language, "lines": self.lines, "show_line_numbers": true, "wrap_lines": false })
    }

    fn api_info(&self) -> JsonValue {
        json!({ "type": "string" })
    }

    fn tool_schema(&self) -> JsonValue {
        match self.language {
            Some(language) => {
                json!({ "type": "string", "description": format!("{} code", json!(language).as_str().unwrap_or_default()) })
            }
            None => json!({ "type": "string" }),
        }
    }

    fn python_type(&self) -> String {
        "str".into()
    }

    fn example(&self) -> JsonValue {
        json!("print('Hello World')")
    }
}
