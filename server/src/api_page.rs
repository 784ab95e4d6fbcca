//! Each interface's "Use via API" page, `<root>/<name>/api` (linked from the interface's page,
//! as Gradio's footer links its own): the endpoint, each parameter with its type, what it
//! accepts and an example, and snippets for Python (`gradio_client`), JavaScript
//! (`@gradio/client`), curl, Rust (the `gradio` crate) and an MCP client's configuration.
//! The snippets are generated from the spec; the compatibility tests run each one as the page
//! shows it, so the page cannot show code that does not work.
//!
//! A plain server-rendered page: it has nothing to hydrate, and works without the bundle.

use std::sync::Arc;

use axum::{
    extract::{Path, State},
    http::{
        header::{CACHE_CONTROL, VARY},
        HeaderValue,
    },
    response::{Html, IntoResponse, Response},
};
use rheo_shared::{
    i18n::{Languages, Strings, Text},
    ComponentKind, ComponentSpec, FileCount, InterfaceSpec, Media, Value,
};

use crate::engine::FileShape;
use serde_json::{json, Value as Json};

use crate::{
    components::contract,
    site::PublicUrl,
    transports::{
        gradio::describe::{example_input, is_state, parameter_name},
        rheo::ApiError,
        Interfaces, MCP_ROUTE,
    },
};

/// What the pages need besides the spec: the interfaces, the bundle's stylesheet and whether
/// the MCP endpoint is served.
pub(crate) struct ApiPages {
    pub(crate) interfaces: Arc<Interfaces>,
    pub(crate) stylesheet: String,
    pub(crate) mcp_server: bool,
    pub(crate) languages: Languages,
}

/// A parameter's example in a snippet: a value, or a file the reader has.
enum Example {
    Value(Json),
    /// A file of this name in the working directory, alone, in a list of one, or with text.
    File {
        name: String,
        shape: FileShape,
    },
}

impl Example {
    fn file(name: &str) -> Self {
        Example::File { name: name.to_owned(), shape: FileShape::One }
    }

    fn is_file(&self) -> bool {
        matches!(self, Example::File { .. })
    }
}

/// A file's expression `one` in its shape: alone, `[one]`, `{"text": …, "files": [one]}`, or
/// `[{"image": one}]` (a caption is optional)
/// (`key` writes a key as the language does).
fn shaped(one: String, shape: &FileShape, key: impl Fn(&str) -> String) -> String {
    match shape {
        FileShape::One => one,
        FileShape::List => format!("[{one}]"),
        FileShape::WithText(text) => format!("{{{}: {}, {}: [{one}]}}", key("text"), json!(text), key("files")),
        FileShape::Gallery(_) => format!("[{{{}: {one}}}]", key("image")),
    }
}

/// A JSON key, as Python and JSON write it.
fn quoted(key: &str) -> String {
    json!(key).to_string()
}

/// One snippet: a language (the `data-snippet` name), a heading, how to install what it
/// needs (in words, or as a file of its own, such as a Cargo manifest), and the code.
struct Snippet {
    language: &'static str,
    heading: &'static str,
    setup: String,
    setup_file: Option<(&'static str, String)>,
    code: String,
}

/// `GET <root>/<name>/api`.
pub(crate) async fn page(
    State(pages): State<Arc<ApiPages>>,
    Path(name): Path<String>,
    public: PublicUrl,
    headers: axum::http::HeaderMap,
) -> Result<Response, ApiError> {
    let app = pages.interfaces.find(&name)?;
    let words = pages.languages.choose(crate::site::accept_language(&headers));
    let base = public.absolute(&format!("/{name}/"));
    let mcp_url = pages.mcp_server.then(|| public.absolute(MCP_ROUTE));
    let endpoints: Vec<String> = app
        .tools()
        .map(|(tool, endpoint)| {
            let snippets = snippets(endpoint.spec(), &tool, &base, mcp_url.as_deref());
            render_endpoint(endpoint.spec(), &base, &snippets, words)
        })
        .collect();
    let theme = crate::site::theme_attribute(&headers);
    let page = Page {
        title: words.phrase(app.title()),
        name: &name,
        public: &public,
        stylesheet: &pages.stylesheet,
        theme: &theme,
        words,
    };
    let mut response = Html(page.render(&endpoints)).into_response();
    response.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response.headers_mut().insert(VARY, HeaderValue::from_static("Accept-Language, Cookie"));
    Ok(response)
}

/// The snippets for endpoint `spec`, whose MCP tool is named `tool`, served at `base` (its
/// absolute URL, ending in `/`).
fn snippets(spec: &InterfaceSpec, tool: &str, base: &str, mcp_url: Option<&str>) -> Vec<Snippet> {
    let parameters: Vec<(&ComponentSpec, Example)> = visible(spec).zip(examples(spec)).collect();
    let endpoint = format!("/{}", spec.api_name);
    let mut snippets = vec![
        python(&parameters, base, &endpoint),
        javascript(&parameters, base, &endpoint),
        curl(&parameters, base, &spec.api_name),
        rust(&parameters, base, &endpoint),
    ];
    if let Some(url) = mcp_url {
        let config = json!({ "mcpServers": { "rheo": { "url": url } } });
        snippets.push(Snippet {
            language: "mcp",
            heading: "MCP",
            setup: format!("In your MCP client's settings; the tool is named {tool:?}."),
            setup_file: None,
            code: serde_json::to_string_pretty(&config).expect("JSON"),
        });
    }
    snippets
}

fn visible(spec: &InterfaceSpec) -> impl Iterator<Item = &ComponentSpec> {
    spec.inputs.iter().filter(|c| !is_state(c))
}

/// Each visible parameter's example: the author's first example row if there is one, else
/// the component's starting value or example; media as a file of the reader's.
fn examples(spec: &InterfaceSpec) -> Vec<Example> {
    let row = spec.examples.first();
    spec.inputs
        .iter()
        .enumerate()
        .filter(|(_, c)| !is_state(c))
        .map(|(position, component)| match component.kind.media() {
            None if matches!(component.kind, ComponentKind::Gallery(_)) => {
                Example::File { name: "image.png".into(), shape: FileShape::Gallery(vec![None]) }
            }
            Some(Media::Image) => Example::file("image.png"),
            Some(Media::Audio { .. }) => Example::file("audio.wav"),
            Some(Media::Video) => Example::file("video.mp4"),
            Some(Media::File) => match &component.kind {
                ComponentKind::File(file) => Example::File {
                    name: example_file_name(file),
                    shape: if file.file_count == FileCount::Multiple { FileShape::List } else { FileShape::One },
                },
                ComponentKind::MultimodalTextbox(options) => Example::File {
                    name: example_file_name(&rheo_shared::components::File {
                        file_count: options.file_count,
                        file_types: options.file_types.clone(),
                    }),
                    shape: FileShape::WithText("Describe this file".into()),
                },
                _ => Example::file("file.txt"),
            },
            None => {
                let given = row.and_then(|row| row.get(position)).map(|value| json!(value));
                Example::Value(given.unwrap_or_else(|| example_input(component)))
            }
        })
        .collect()
}

/// A file a File input takes: named with its first extension, or after its first category
/// (text if it takes any file).
fn example_file_name(file: &rheo_shared::components::File) -> String {
    let extension = file.file_types.iter().find(|entry| entry.starts_with('.'));
    match (extension, file.file_types.first().map(String::as_str)) {
        (Some(extension), _) => format!("file{extension}"),
        (None, Some("image")) => "image.png".into(),
        (None, Some("audio")) => "audio.wav".into(),
        (None, Some("video")) => "video.mp4".into(),
        (None, _) => "file.txt".into(),
    }
}

fn python(parameters: &[(&ComponentSpec, Example)], base: &str, endpoint: &str) -> Snippet {
    let has_file = parameters.iter().any(|(_, e)| e.is_file());
    let import = if has_file { "Client, handle_file" } else { "Client" };
    let arguments: String = parameters
        .iter()
        .map(|(component, example)| {
            let value = match example {
                Example::Value(value) => python_literal(value),
                Example::File { name, shape } => shaped(format!("handle_file({name:?})"), shape, quoted),
            };
            format!("    {}={value},\n", parameter_name(&component.label))
        })
        .collect();
    Snippet {
        language: "python",
        heading: "Python",
        setup: "pip install gradio_client".into(),
        setup_file: None,
        code: format!(
            "from gradio_client import {import}\n\nclient = Client({base:?})\nresult = client.predict(\n{arguments}    api_name={endpoint:?},\n)\nprint(result)\n"
        ),
    }
}

/// A JSON value as Python source.
fn python_literal(value: &Json) -> String {
    match value {
        Json::Null => "None".into(),
        Json::Bool(true) => "True".into(),
        Json::Bool(false) => "False".into(),
        Json::Number(_) | Json::String(_) => value.to_string(),
        Json::Array(items) => format!("[{}]", items.iter().map(python_literal).collect::<Vec<_>>().join(", ")),
        Json::Object(fields) => {
            let fields: Vec<String> =
                fields.iter().map(|(k, v)| format!("{}: {}", json!(k), python_literal(v))).collect();
            format!("{{{}}}", fields.join(", "))
        }
    }
}

fn javascript(parameters: &[(&ComponentSpec, Example)], base: &str, endpoint: &str) -> Snippet {
    let has_file = parameters.iter().any(|(_, e)| e.is_file());
    let mut imports = String::from("import { Client");
    imports.push_str(if has_file {
        ", handle_file } from \"@gradio/client\";\n"
    } else {
        " } from \"@gradio/client\";\n"
    });
    if has_file {
        imports.push_str("import { readFile } from \"node:fs/promises\";\n");
    }
    let arguments: Vec<String> = parameters
        .iter()
        .map(|(component, example)| {
            let value = match example {
                Example::Value(value) => value.to_string(),
                Example::File { name, shape } => {
                    shaped(format!("handle_file(new File([await readFile({name:?})], {name:?}))"), shape, str::to_owned)
                }
            };
            format!("  {}: {value},", json!(parameter_name(&component.label)))
        })
        .collect();
    Snippet {
        language: "javascript",
        heading: "JavaScript",
        setup: "npm install @gradio/client (Node.js 18 or later; save as an .mjs file)".into(),
        setup_file: None,
        code: format!(
            "{imports}\nconst client = await Client.connect({base:?});\nconst result = await client.predict({endpoint:?}, {{\n{}\n}});\nconsole.log(JSON.stringify(result.data));\n",
            arguments.join("\n")
        ),
    }
}

fn curl(parameters: &[(&ComponentSpec, Example)], base: &str, api_name: &str) -> Snippet {
    let call = format!("{base}gradio_api/call/{api_name}");
    let mut uploads = String::new();
    // The body is one single-quoted shell word; an uploaded file's path comes in from its
    // variable (the quote closed around it).
    let values: Vec<String> = parameters
        .iter()
        .map(|(component, example)| match example {
            Example::Value(value) => value.to_string().replace('\'', r"'\''"),
            Example::File { name, shape } => {
                let variable = parameter_name(&component.label).to_ascii_uppercase();
                uploads.push_str(&format!(
                    "{variable}=$(curl -s -F files=@{name} {base}gradio_api/upload | sed 's/^\\[\"\\(.*\\)\"\\]$/\\1/')\n"
                ));
                let one = format!(r#"{{"path": "'"${variable}"'", "meta": {{"_type": "gradio.FileData"}}}}"#);
                // The text is the page's own ("Describe this file"), with no quote to escape.
                shaped(one, shape, quoted)
            }
        })
        .collect();
    let data = format!("'{{\"data\": [{}]}}'", values.join(", "));
    Snippet {
        language: "curl",
        heading: "curl",
        setup: "Two steps, as with Gradio: the first call answers an event id, the second streams the result.".into(),
        setup_file: None,
        code: format!(
            "{uploads}EVENT_ID=$(curl -s -X POST {call} \\\n  -H 'content-type: application/json' \\\n  -d {data} \\\n  | sed 's/.*\"event_id\": *\"\\([^\"]*\\)\".*/\\1/')\ncurl -sN {call}/$EVENT_ID\n"
        ),
    }
}

fn rust(parameters: &[(&ComponentSpec, Example)], base: &str, endpoint: &str) -> Snippet {
    let inputs: String = parameters
        .iter()
        .map(|(_, example)| {
            let input = match example {
                Example::Value(Json::String(text)) => format!("PredictionInput::from_value({})", json!(text)),
                Example::Value(value @ (Json::Number(_) | Json::Bool(_))) => {
                    format!("PredictionInput::from_value({value})")
                }
                Example::Value(value) => format!("PredictionInput::from_value(serde_json::json!({value}))"),
                Example::File { name, shape: FileShape::One } => format!("PredictionInput::from_file({name:?})"),
                Example::File { name, shape: FileShape::List } => {
                    format!("PredictionInput::Array(vec![PredictionInput::from_file({name:?})])")
                }
                // The gradio crate uploads a file given alone or in a list, not one inside an
                // object: the text goes, without the file, and a gallery goes empty.
                Example::File { shape: FileShape::WithText(text), .. } => {
                    format!(
                        "PredictionInput::from_value(serde_json::json!({{\"text\": {}, \"files\": []}}))",
                        json!(text)
                    )
                }
                Example::File { shape: FileShape::Gallery(_), .. } => {
                    "PredictionInput::from_value(serde_json::json!([]))".to_owned()
                }
            };
            format!("                {input},\n")
        })
        .collect();
    Snippet {
        language: "rust",
        heading: "Rust",
        setup: "With the gradio crate, in Cargo.toml:".into(),
        setup_file: Some((
            "rust-manifest",
            "[dependencies]\ngradio = \"0.4.2\"\nserde_json = \"1\"\ntokio = { version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }\n".into(),
        )),
        code: format!(
            "use gradio::{{Client, ClientOptions, PredictionInput}};\n\n#[tokio::main]\nasync fn main() -> Result<(), Box<dyn std::error::Error>> {{\n    let client = Client::new({base:?}, ClientOptions::default()).await?;\n    let outputs = client\n        .predict(\n            {endpoint:?},\n            vec![\n{inputs}            ],\n        )\n        .await?;\n    println!(\"{{}}\", serde_json::to_string(&outputs)?);\n    Ok(())\n}}\n"
        ),
    }
}

/// An app's API page, in `words`' language; `theme` is `<html>`'s attribute for the chosen
/// theme, or nothing.
struct Page<'a> {
    title: &'a str,
    name: &'a str,
    public: &'a PublicUrl,
    stylesheet: &'a str,
    theme: &'a str,
    words: &'a Strings,
}

impl Page<'_> {
    /// Its HTML: a section per endpoint (already escaped), every piece of the author's text
    /// escaped.
    fn render(&self, endpoints: &[String]) -> String {
        let escape = crate::site::escape_html;
        let endpoints = if endpoints.is_empty() {
            format!("<p>{}</p>", escape(self.words.get(Text::ApiNone)))
        } else {
            endpoints.concat()
        };
        let title = escape(self.title);
        let heading = escape(self.words.get(Text::ApiTitle)).replace("{title}", &title);
        format!(
            r#"<!DOCTYPE html>
<html lang="{lang}"{theme}><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{heading}</title><link rel="stylesheet" href="{stylesheet}"></head>
<body><main class="api-page">
<nav class="crumbs"><a href="{back}">{title}</a></nav>
<h1>{heading}</h1>
{endpoints}</main></body></html>"#,
            lang = escape(&self.words.lang),
            theme = self.theme,
            stylesheet = escape(&self.public.path(self.stylesheet)),
            back = escape(&self.public.path(&format!("/{}", self.name))),
        )
    }
}

/// One endpoint's section: its parameters and its snippets.
fn render_endpoint(spec: &InterfaceSpec, base: &str, snippets: &[Snippet], words: &Strings) -> String {
    let escape = crate::site::escape_html;
    let rows: String = visible(spec)
        .map(|component| {
            let default =
                if component.value == Value::Null { "required".to_owned() } else { json!(component.value).to_string() };
            format!(
                "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td><code>{}</code></td><td>{}</td></tr>\n",
                escape(&parameter_name(&component.label)),
                escape(contract(&component.kind).class_name()),
                escape(&accepts(component)),
                escape(&default),
                escape(&component.info),
            )
        })
        .collect();
    // Each snippet focusable, so that a keyboard scrolls one wider than the page (a table's).
    let sections: String = snippets
        .iter()
        .map(|s| {
            let setup_file = s.setup_file.as_ref().map_or(String::new(), |(language, file)| {
                format!("<pre tabindex=\"0\"><code data-snippet=\"{language}\">{}</code></pre>", escape(file))
            });
            format!(
                "<section><h3>{}</h3><p>{}</p>{setup_file}<pre tabindex=\"0\"><code data-snippet=\"{}\">{}</code></pre></section>\n",
                escape(s.heading),
                escape(&s.setup),
                s.language,
                escape(&s.code)
            )
        })
        .collect();
    let streams = spec.streaming_input().map_or(String::new(), |_| {
        "<p>Its streaming input takes one frame or one clip per call through the API.</p>".into()
    });
    let api_name = escape(&spec.api_name);
    let intro = escape(words.get(Text::ApiEndpoint))
        .replace("{name}", &format!("<code>/{api_name}</code>"))
        .replace("{base}", &format!("<code>{}</code>", escape(base)));
    let headings: String =
        [Text::ApiParameter, Text::ApiComponent, Text::ApiAccepts, Text::ApiDefault, Text::ApiDescription]
            .map(|heading| format!("<th>{}</th>", escape(words.get(heading))))
            .concat();
    format!(
        r#"<section class="endpoint"><h2><code>/{api_name}</code></h2>
<p>{intro}</p>{streams}
<table class="parameters"><thead><tr>{headings}</tr></thead>
<tbody>
{rows}</tbody></table>
{sections}</section>
"#
    )
}

/// What a parameter accepts, in words: a file for media, else from its JSON Schema.
fn accepts(component: &ComponentSpec) -> String {
    let schema = contract(&component.kind).tool_schema();
    let mut said = Vec::new();
    if matches!(component.kind, ComponentKind::Gallery(_)) {
        said.push("a list of images (PNG, JPEG or WebP), each with an optional caption".to_owned());
    } else if let Some(media) = component.kind.media() {
        said.push(match media {
            Media::Image => "an image file: PNG, JPEG or WebP".to_owned(),
            Media::Audio { .. } => "an audio file: WAV, FLAC, MP3 or Ogg Vorbis".to_owned(),
            Media::Video => "a video file: MP4 or WebM".to_owned(),
            Media::File => match &component.kind {
                ComponentKind::File(file) => {
                    let what = if file.file_count == FileCount::Multiple { "a list of files" } else { "a file" };
                    match file.file_types.is_empty() {
                        true => what.to_owned(),
                        false => format!("{what}: {}", file.file_types.join(", ")),
                    }
                }
                _ => "a file".to_owned(),
            },
        });
    } else if let Some(choices) = schema["enum"].as_array() {
        let choices: Vec<String> =
            choices.iter().map(|c| c.as_str().map_or_else(|| c.to_string(), str::to_owned)).collect();
        said.push(format!("one of: {}", choices.join(", ")));
    } else if let Some(kind) = schema["type"].as_str() {
        said.push(kind.to_owned());
    }
    match (schema["minimum"].as_f64(), schema["maximum"].as_f64()) {
        (Some(low), Some(high)) => said.push(format!("from {low} to {high}")),
        (Some(low), None) => said.push(format!("at least {low}")),
        (None, Some(high)) => said.push(format!("at most {high}")),
        (None, None) => {}
    }
    if let (None, Some(description)) = (component.kind.media(), schema["description"].as_str()) {
        said.push(description.to_owned());
    }
    said.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{interface::IntoMounted, Interface, Textbox};

    fn spec() -> InterfaceSpec {
        let interface = Interface::new(|text: String| text)
            .inputs(Textbox::new().label("it's <b>").info("<script>alert(1)</script>"))
            .outputs(Textbox::new())
            .title("<img src=x onerror=alert(1)>")
            .examples([("say \"hi\"".to_string(),)]);
        interface.into_mounted("echo").unwrap().endpoints[0].spec().clone()
    }

    #[test]
    fn the_authors_text_is_escaped_in_the_page() {
        let spec = spec();
        let public = PublicUrl { origin: "http://example.com".into(), root: "/demos".into() };
        let base = "http://example.com/demos/echo/";
        let (languages, _) = crate::i18n::languages(&[]).unwrap();
        for (accept, heading) in [(None, "<h1>Use &lt;img"), (Some("fr"), "<h1>Utiliser &lt;img")] {
            let words = languages.choose(accept);
            let endpoint = render_endpoint(&spec, base, &snippets(&spec, "echo", base, None), words);
            let page = Page {
                title: &spec.title,
                name: "echo",
                public: &public,
                stylesheet: "/pkg/rheo.css",
                theme: "",
                words,
            };
            let page = page.render(&[endpoint]);
            assert!(!page.contains("<img src=x") && !page.contains("<script>alert"));
            assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
            assert!(page.contains(r#"href="/demos/pkg/rheo.css""#) && page.contains(r#"href="/demos/echo""#));
            assert!(page.contains(heading), "{page}");
            let name = format!("<code>/{}</code>", spec.api_name);
            assert!(page.contains(&name) && page.contains("<code>http://example.com/demos/echo/</code>"), "{page}");
        }
    }

    #[test]
    fn example_values_are_written_in_each_language() {
        let spec = spec();
        let shown: Vec<String> = snippets(&spec, "echo", "http://h/echo/", None).into_iter().map(|s| s.code).collect();
        assert!(shown[0].contains(r#"it_s__b_="say \"hi\"","#), "Python keyword argument: {}", shown[0]);
        assert!(shown[1].contains(r#""it_s__b_": "say \"hi\"","#), "JavaScript: {}", shown[1]);
        assert!(shown[2].contains(r#"-d '{"data": ["say \"hi\""]}'"#), "curl: {}", shown[2]);
        assert!(shown[3].contains(r#"PredictionInput::from_value("say \"hi\""),"#), "Rust: {}", shown[3]);
        assert_eq!(python_literal(&json!([null, true, {"a": 1.5}])), r#"[None, True, {"a": 1.5}]"#);
    }

    #[test]
    fn a_quote_in_a_value_is_kept_by_the_shell() {
        let mut spec = spec();
        spec.examples = vec![vec![Value::Text("it's".into())]];
        let curl = &snippets(&spec, "echo", "http://h/echo/", None)[2].code;
        assert!(curl.contains(r#"-d '{"data": ["it'\''s"]}'"#), "{curl}");
    }
}
