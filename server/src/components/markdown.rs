//! [`Markdown`]: shows text written in Markdown (`String`).

use rheo_shared::components;
use serde_json::{json, Value as JsonValue};

use super::{builder_basics, component_impl, Common, Contract};

/// An output showing Markdown (`String`) as formatted text: CommonMark with tables and
/// strikethrough. Raw HTML in the text is shown as text and links go only to `http`, `https`
/// and `mailto` addresses, so nothing a handler returns can run in the page.
///
/// ```
/// use rheo::{Interface, Markdown, Textbox};
///
/// fn report(name: String) -> String {
///     format!("# Hello, {name}\n\n* one\n* two")
/// }
///
/// let reports = Interface::new(report).inputs(Textbox::new()).outputs(Markdown::new());
/// # let _ = rheo::Registry::new().mount("report", reports);
/// ```
#[derive(Clone, Debug, Default)]
pub struct Markdown {
    common: Common,
    options: components::Markdown,
}

builder_basics!(Markdown => String);
component_impl!(Markdown => String, Markdown);

impl Markdown {
    /// An empty Markdown output.
    pub fn new() -> Self {
        Self::default()
    }
}

impl Contract for components::Markdown {
    fn class_name(&self) -> &'static str {
        "Markdown"
    }

    fn api_info(&self) -> JsonValue {
        json!({ "type": "string" })
    }

    fn python_type(&self) -> String {
        "str".into()
    }

    fn example(&self) -> JsonValue {
        json!("# Hello!")
    }
}
