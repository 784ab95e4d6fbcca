//! Server-side rendered pages, in a process of their own.
//!
//! The renders run one after another on one runtime, as in the server: run concurrently with
//! the other tests (each `#[tokio::test]` on a runtime of its own), a fallback render hung about
//! one run in ten, which the release server, on one runtime, does not do (tested with 180
//! concurrent requests of these paths).

mod common;

use axum::http::StatusCode;
use common::get;

#[tokio::test]
async fn pages() {
    pages_are_rendered_on_the_server_with_labels().await;
    dotted_paths_get_a_404_page_not_a_crash_or_a_file().await;
}

async fn pages_are_rendered_on_the_server_with_labels() {
    let (status, html) = get("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(r#"<a href="/describe">Describe</a>"#), "{html}");
    assert!(html.contains("Typed mapping over tuples."));

    let (status, html) = get("/describe").await;
    assert_eq!(status, StatusCode::OK);
    for label in [
        r#"<label for="input-0">name</label>"#,
        r#"<label for="input-2">checkbox</label>"#,
        r#"<label for="output-0">output 1</label>"#,
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
