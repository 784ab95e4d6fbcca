//! Server-side rendered pages, in a process of their own.
//!
//! The renders run one after another on one runtime, as in the server: run concurrently with
//! the other tests (each `#[tokio::test]` on a runtime of its own), a fallback render hung about
//! one run in ten, which the release server, on one runtime, does not do (tested with 180
//! concurrent requests of these paths).

// The helpers the integration tests share; these tests use a part of them.
#[allow(dead_code)]
#[path = "integration/common.rs"]
mod common;

use axum::{body::Body, http::Request, http::StatusCode};
use common::get;
use http_body_util::BodyExt;
use rheo::{Interface, Radio, Registry, Textbox};
use tower::ServiceExt;

#[tokio::test]
async fn pages() {
    pages_are_rendered_on_the_server_with_labels().await;
    dotted_paths_get_a_404_page_not_a_crash_or_a_file().await;
    an_authors_texts_reach_the_page_as_text_only().await;
    a_page_and_its_scripts_carry_a_policy_its_wasm_and_stylesheet_none().await;
}

/// The policy governs documents and scripts; the wasm modules and the stylesheet a page reads
/// are under its policy, and carry none of their own (300 bytes on each of a page's chunks).
async fn a_page_and_its_scripts_carry_a_policy_its_wasm_and_stylesheet_none() {
    let router = Registry::new()
        .mount("hostile", Interface::new(echo).inputs((Textbox::new(), Radio::new(["a"]))).outputs(Textbox::new()))
        .into_router();
    let fetch = |path: String| {
        let router = router.clone();
        async move { router.oneshot(Request::get(path).body(Body::empty()).unwrap()).await.unwrap() }
    };
    let page = fetch("/hostile".into()).await;
    assert!(page.headers().contains_key("content-security-policy"));
    let html = String::from_utf8(page.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap();
    let bundled = |name: &str| {
        let at = html.find(name).unwrap_or_else(|| panic!("no {name} in {html}"));
        let start = html[..at].rfind("/pkg/").expect("under /pkg/");
        html[start..at + name.len()].to_owned()
    };
    for (path, policy) in [(bundled("rheo.js"), true), (bundled("rheo.wasm"), false), (bundled("rheo.css"), false)] {
        let response = fetch(path.clone()).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(response.headers().contains_key("content-security-policy"), policy, "{path}");
        assert_eq!(response.headers()["x-content-type-options"], "nosniff", "{path}");
    }
}

/// Markup that runs if it reaches the page as HTML, or ends the inline script that carries the
/// page's data to hydration.
const HOSTILE: &str = "<img src=x onerror=alert(1)></title></script><script>alert(2)</script>";

fn echo(text: String, _choice: String) -> String {
    text
}

async fn an_authors_texts_reach_the_page_as_text_only() {
    let hostile = Interface::new(echo)
        .inputs((Textbox::new().label(HOSTILE).value(HOSTILE), Radio::new([HOSTILE, "plain"]).label(HOSTILE)))
        .outputs(Textbox::new().label(HOSTILE))
        .title(HOSTILE)
        .description(HOSTILE)
        .examples([(HOSTILE.to_owned(), HOSTILE.to_owned())]);
    let router = Registry::new().mount("hostile", hostile).into_router();
    for path in ["/", "/hostile"] {
        let response = router.clone().oneshot(Request::get(path).body(Body::empty()).unwrap()).await.unwrap();
        let policy = response.headers()["content-security-policy"].to_str().unwrap().to_owned();
        let html = String::from_utf8(response.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap();
        assert!(!html.contains("<img src=x"), "{path}: an author's markup became HTML: {html}");
        assert!(!html.contains("</script><script>alert"), "{path}: a text ended a script: {html}");
        assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"), "{path}: the text is shown as text: {html}");
        // Every script the page has carries the nonce its policy names; nothing else may run.
        let nonce = policy.split("'nonce-").nth(1).and_then(|rest| rest.split('\'').next()).expect(&policy);
        assert_eq!(html.matches("<script").count(), html.matches(&format!("nonce=\"{nonce}\"")).count(), "{html}");
        assert!(policy.contains("frame-ancestors 'self'") && !policy.contains("unsafe-inline"), "{policy}");
    }
}

async fn pages_are_rendered_on_the_server_with_labels() {
    let (status, html) = get("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(r#"<a href="/describe">Describe</a>"#), "{html}");
    assert!(html.contains("Typed mapping over tuples."));

    let (status, html) = get("/describe").await;
    assert_eq!(status, StatusCode::OK);
    for label in [
        r#"<label for="component-0">name</label>"#,
        r#"<label for="component-2">checkbox</label>"#,
        r#"<label for="component-3">output 1</label>"#,
    ] {
        assert!(html.contains(label), "missing {label} in {html}");
    }
    assert!(html.contains(">Submit</button>"), "a non-live interface has a Submit button");

    let (_, html) = get("/double").await;
    assert!(!html.contains(">Submit</button>"), "a live interface has no Submit button");

    let (status, html) = get("/no-such-demo").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("There is no demo here"));
}

async fn dotted_paths_get_a_404_page_not_a_crash_or_a_file() {
    for path in ["/pkg/../../Cargo.toml", "/pkg/%2e%2e/%2e%2e/Cargo.toml", "/../Cargo.toml"] {
        let (status, html) = get(path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(!html.contains("[workspace]"), "{path}");
    }
}
