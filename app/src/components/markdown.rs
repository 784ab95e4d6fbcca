//! Markdown's widget: the text as formatted HTML, made safe.
//!
//! A handler's text is untrusted (it often echoes what a user typed), so it is rendered with
//! nothing that could run: raw HTML blocks and inline tags are shown as text, and links and
//! images may only point at `http`, `https`, `mailto` or relative addresses (a
//! `javascript:` link becomes `#`). pulldown-cmark escapes every text and attribute it writes.
//!
//! The parser runs on the server ([`render_markdown`], a server function at a fixed address):
//! in the browser's bundle it would cost every page about 55 KiB (brotli) on first load, more
//! than a round trip on each new value costs a page that shows Markdown.

use leptos::{prelude::*, task::spawn_local};
use rheo_shared::{components::Markdown, Value};

use super::{Field, Widget};

/// The safe HTML of a Markdown text.
#[server(prefix = "/api", endpoint = "markdown", output = crate::text_json::TextJson)]
async fn render_markdown(markdown: String) -> Result<String, ServerFnError> {
    Ok(to_safe_html(&markdown, RawHtml::AsText))
}

/// The safe HTML of a Markdown text, or of why it could not be rendered.
pub(crate) async fn safe_html(markdown: String) -> String {
    render_markdown(markdown).await.unwrap_or_else(|e| format!("<p>{}</p>", e.to_string().replace('<', "&lt;")))
}

impl Widget for Markdown {
    fn view(&self, f: Field) -> impl IntoView + use<> {
        let value = f.value;
        let rendered = RwSignal::new(String::new());
        // Renders each new value; an answer for a value no longer shown is dropped.
        let asked = StoredValue::new(0_u64);
        Effect::new(move |_| {
            // Every new value, shown or cleared, makes older answers stale.
            let this = asked.get_value() + 1;
            asked.set_value(this);
            let text = match value.get() {
                Value::Text(text) => text,
                _ => return rendered.set(String::new()),
            };
            spawn_local(async move {
                let html = safe_html(text).await;
                if asked.get_value() == this {
                    rendered.set(html);
                }
            });
        });
        let heading_id = f.heading_id();
        view! {
            <section class="component markdown" aria-labelledby=f.heading_id()>
                <h3 id=heading_id>{f.label}</h3>
                <div class="markdown-body" inner_html=move || rendered.get()></div>
            </section>
        }
    }
}

/// What becomes of raw HTML in a Markdown text.
#[cfg(feature = "ssr")]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RawHtml {
    /// Shown as text: for anything a user may have written.
    AsText,
    /// Kept: only for an author's own text, by the author's choice (the page's CSP still
    /// stops any script in it).
    Kept,
}

/// Markdown (CommonMark, with tables and strikethrough) as HTML in which nothing can run
/// (with raw HTML [`RawHtml::AsText`]).
#[cfg(feature = "ssr")]
pub(crate) fn to_safe_html(markdown: &str, raw_html: RawHtml) -> String {
    use pulldown_cmark::{html, Event, Options, Parser, Tag};

    let parser =
        Parser::new_ext(markdown, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH).map(|event| match event {
            Event::Html(raw) | Event::InlineHtml(raw) if raw_html == RawHtml::AsText => Event::Text(raw),
            Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                Event::Start(Tag::Link { link_type, dest_url: safe_url(dest_url), title, id })
            }
            Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
                Event::Start(Tag::Image { link_type, dest_url: safe_url(dest_url), title, id })
            }
            other => other,
        });
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, parser);
    out
}

/// The words of a Markdown text without its formatting, for a one-line summary.
#[cfg(feature = "ssr")]
pub(crate) fn to_plain_text(markdown: &str) -> String {
    use pulldown_cmark::{Event, Parser, TagEnd};

    let mut text = String::with_capacity(markdown.len());
    for event in Parser::new(markdown) {
        match event {
            Event::Text(words) | Event::Code(words) | Event::Html(words) | Event::InlineHtml(words) => {
                text.push_str(&words)
            }
            Event::SoftBreak | Event::HardBreak | Event::End(TagEnd::Paragraph | TagEnd::Heading(_)) => text.push(' '),
            _ => {}
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The address if it is web, mail or relative; `#` for any other scheme (`javascript:`,
/// `data:`, …). A scheme is what comes before a `:` that precedes any `/`, `?` or `#`.
#[cfg(feature = "ssr")]
fn safe_url(url: pulldown_cmark::CowStr<'_>) -> pulldown_cmark::CowStr<'_> {
    let scheme = url.split(['/', '?', '#']).next().and_then(|head| head.split_once(':')).map(|(scheme, _)| scheme);
    match scheme.map(|s| s.trim().to_ascii_lowercase()) {
        None => url,
        Some(scheme) if ["http", "https", "mailto"].contains(&scheme.as_str()) => url,
        Some(_) => pulldown_cmark::CowStr::Borrowed("#"),
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    fn to_safe_html_text(markdown: &str) -> String {
        to_safe_html(markdown, RawHtml::AsText)
    }

    #[test]
    fn an_authors_html_is_kept_only_when_asked_and_links_stay_safe_either_way() {
        let markdown = "Made by <b>us</b>. [x](javascript:alert(1))";
        let kept = to_safe_html(markdown, RawHtml::Kept);
        assert!(kept.contains("<b>us</b>") && kept.contains("href=\"#\""), "{kept}");
        let text = to_safe_html(markdown, RawHtml::AsText);
        assert!(text.contains("&lt;b&gt;us&lt;/b&gt;"), "{text}");
    }

    #[test]
    fn plain_text_keeps_the_words() {
        assert_eq!(
            to_plain_text("# Hi\n\nTwo **bold** `words`\nand <i>more</i>."),
            "Hi Two bold words and <i>more</i>."
        );
    }

    #[test]
    fn markdown_is_formatted() {
        let html = to_safe_html_text("## 3 words\n\n* **bold** and ~~gone~~\n\n| a | b |\n| - | - |\n| 1 | 2 |\n");
        assert!(html.contains("<h2>3 words</h2>"), "{html}");
        assert!(html.contains("<strong>bold</strong>"), "{html}");
        assert!(html.contains("<del>gone</del>"), "{html}");
        assert!(html.contains("<td>1</td>"), "{html}");
    }

    #[test]
    fn raw_html_is_shown_as_text() {
        let html = to_safe_html_text("<script>alert(1)</script>\n\nhi <img src=x onerror=\"alert(2)\"> there");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{html}");
        assert!(html.contains("&lt;img src=x onerror=\"alert(2)\"&gt;"), "{html}");
    }

    #[test]
    fn only_web_mail_and_relative_links_are_kept() {
        for (markdown, href) in [
            ("[a](https://example.com/x?y#z)", "https://example.com/x?y#z"),
            ("[a](mailto:me@example.com)", "mailto:me@example.com"),
            ("[a](/flip/page?a:b)", "/flip/page?a:b"),
            ("[a](javascript:alert(1))", "#"),
            ("[a]( JavaScript:alert(1))", "#"),
            ("[a](data:text/html,<script>x</script>)", "#"),
        ] {
            let html = to_safe_html_text(markdown);
            assert!(html.contains(&format!("href=\"{}\"", href.replace('&', "&amp;"))), "{markdown}: {html}");
        }
        let image = to_safe_html_text("![x](javascript:alert(1))");
        assert!(image.contains("src=\"#\""), "{image}");
    }
}
