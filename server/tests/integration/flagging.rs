//! Flagging: a flag appends a row and copies its media; flags at once stay whole rows; every
//! bad flag gets a clear error and writes nothing.

use std::path::Path;

use axum::{
    body::Body,
    http::{Request, StatusCode},
    Router,
};
use http_body_util::BodyExt;
use rheo::{image::RgbImage, Image, Interface, Limits, Number, Registry, State, Textbox};
use serde_json::{json, Value as Json};
use tower::ServiceExt;

/// A square of `side` pixels and a running count of the session's calls.
fn square(side: f64, State(count): State<u32>) -> (RgbImage, State<u32>, String) {
    let side = side as u32;
    (RgbImage::new(side, side), State(count + 1), format!("{side} px"))
}

fn app(dir: &Path, limits: Limits) -> Router {
    Registry::new()
        .mount(
            "square",
            Interface::new(square)
                .inputs((Number::new().label("side"), State(0_u32)))
                .outputs((Image::new().label("picture"), State(0_u32), Textbox::new().label("size")))
                .flagging_options(["Wrong", "Nice"]),
        )
        .mount("plain", Interface::new(|x: f64| x).inputs(Number::new()).outputs(Number::new()))
        .flagging_dir(dir)
        .limits(limits)
        .into_router()
}

async fn post(app: &Router, path: &str, body: Json) -> (StatusCode, Json) {
    let request = Request::post(path).header("content-type", "application/json").body(Body::from(body.to_string()));
    let response = app.clone().oneshot(request.unwrap()).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or(Json::Null))
}

/// Runs `square` and returns the values a page would flag: the inputs, then the outputs.
async fn shown(app: &Router, side: u32) -> Json {
    let (status, answer) = post(app, "/square/run", json!({"data": [side, null]})).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let outputs = answer["data"].as_array().unwrap();
    json!([side, null, outputs[0], null, outputs[2]])
}

fn rows(dir: &Path, file: &str) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_path(dir.join("square").join(file)).unwrap();
    reader.records().map(|r| r.unwrap().iter().map(str::to_owned).collect()).collect()
}

#[tokio::test]
async fn a_flag_appends_its_values_and_a_copy_of_its_media() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(dir.path(), Limits::default());
    let values = shown(&app, 3).await;
    let (status, body) = post(&app, "/square/flag", json!({"data": values, "reason": "Wrong"})).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let rows = rows(dir.path(), "dataset.csv");
    assert_eq!(rows[0], ["side", "picture", "size", "reason", "flagged_at"], "State is left out");
    let row = &rows[1];
    assert_eq!((row[0].as_str(), row[2].as_str(), row[3].as_str()), ("3", "3 px", "Wrong"));
    assert!(row[4].ends_with('Z') && row[4].contains('T'), "an RFC 3339 time in UTC: {}", row[4]);
    let copy = image::open(dir.path().join("square").join(&row[1])).unwrap();
    assert_eq!((copy.width(), copy.height()), (3, 3), "the picture shown, copied beside the CSV");
    assert!(row[1].starts_with("picture/"), "{}", row[1]);
}

/// A flag's values come from the page, or from anyone who posts: text a spreadsheet would run
/// as a formula is kept as text.
#[tokio::test]
async fn a_formula_in_a_flag_is_written_as_text() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(dir.path(), Limits::default());
    let mut values = shown(&app, 3).await;
    values[4] = json!("=HYPERLINK(\"http://example.com\",\"x\")");
    let (status, body) = post(&app, "/square/flag", json!({"data": values, "reason": "Wrong"})).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let rows = rows(dir.path(), "dataset.csv");
    assert_eq!(rows[1][2], "'=HYPERLINK(\"http://example.com\",\"x\")");
}

#[tokio::test]
async fn flags_at_once_are_each_a_whole_row() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(dir.path(), Limits::default());
    let values = shown(&app, 2).await;
    let flags = (0..24).map(|i| {
        let (app, mut values) = (app.clone(), values.clone());
        values[4] = json!(format!("r{i}\n\"x\""));
        tokio::spawn(async move { post(&app, "/square/flag", json!({"data": values, "reason": "Nice"})).await })
    });
    for flag in futures::future::join_all(flags).await {
        assert_eq!(flag.unwrap().0, StatusCode::NO_CONTENT);
    }
    let rows = rows(dir.path(), "dataset.csv");
    assert_eq!(rows.len(), 25, "a header and 24 rows");
    let mut texts: Vec<&str> = rows[1..].iter().map(|row| row[2].as_str()).collect();
    texts.sort();
    assert!(texts.iter().all(|t| t.starts_with('r') && t.ends_with("\n\"x\"")), "quoting kept: {texts:?}");
    texts.dedup();
    assert_eq!(texts.len(), 24);
}

#[tokio::test]
async fn a_dataset_written_with_other_components_is_left_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("square")).unwrap();
    std::fs::write(dir.path().join("square/dataset.csv"), "old,columns\n1,2\n").unwrap();
    let app = app(dir.path(), Limits::default());
    let values = shown(&app, 1).await;
    assert_eq!(post(&app, "/square/flag", json!({"data": values, "reason": "Nice"})).await.0, StatusCode::NO_CONTENT);
    assert_eq!(rows(dir.path(), "dataset.csv").len(), 2, "untouched");
    assert_eq!(rows(dir.path(), "dataset2.csv")[0][0], "side", "a new file with this interface's header");
}

#[tokio::test]
async fn bad_flags_get_a_clear_error_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(dir.path(), Limits::default());
    let values = shown(&app, 2).await;
    let mut forged = values.clone();
    forged[2]["path"] = json!("/etc/passwd");
    let mut mistyped = values.clone();
    mistyped[0] = json!("two");
    let cases = [
        ("/plain/flag", json!({"data": [1, 1]}), StatusCode::NOT_FOUND, "flagging is off for this interface"),
        ("/nope/flag", json!({"data": []}), StatusCode::NOT_FOUND, "there is no interface named \"nope\""),
        ("/square/flag", json!({"data": [1]}), StatusCode::UNPROCESSABLE_ENTITY, "expected 5 values"),
        ("/square/flag", json!({"data": mistyped}), StatusCode::UNPROCESSABLE_ENTITY, "side: expected a number"),
        (
            "/square/flag",
            json!({"data": forged, "reason": "Wrong"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "picture: the file is no longer",
        ),
        (
            "/square/flag",
            json!({"data": values, "reason": "x".repeat(201)}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "the reason is longer than 200 characters",
        ),
        (
            "/square/flag",
            json!({"data": values, "reason": "Spam"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "the reason must be one of: Wrong, Nice",
        ),
        ("/square/flag", json!({"data": values}), StatusCode::UNPROCESSABLE_ENTITY, "the reason must be one of"),
    ];
    for (path, body, status, message) in cases {
        let (got, answer) = post(&app, path, body).await;
        assert_eq!(got, status, "{path}: {answer}");
        assert!(answer["error"].as_str().unwrap().starts_with(message), "{path}: {answer}");
    }
    assert!(!dir.path().join("square/dataset.csv").exists(), "nothing was written");
}

#[tokio::test]
async fn a_full_or_unwritable_directory_refuses_the_flag_in_words() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(dir.path(), Limits::default().max_flagged_bytes(1 << 10));
    let values = shown(&app, 2).await;
    let (status, body) = post(&app, "/square/flag", json!({"data": values, "reason": "Wrong"})).await;
    assert_eq!(status, StatusCode::INSUFFICIENT_STORAGE);
    assert_eq!(body["error"], "the flagging directory is full (its limit is 1 KiB); nothing was saved");
    assert!(!dir.path().join("square/dataset.csv").exists());

    // A file where the directory should be: the server starts (the log says why flags will
    // fail), and a flag says so.
    let blocked = dir.path().join("blocked");
    std::fs::write(&blocked, "").unwrap();
    let app = self::app(&blocked, Limits::default());
    let values = shown(&app, 2).await;
    let (status, body) = post(&app, "/square/flag", json!({"data": values, "reason": "Wrong"})).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(body["error"].as_str().unwrap().starts_with("the flag could not be saved: "), "{body}");
    assert_eq!(post(&app, "/square/run", json!({"data": [1, null]})).await.0, StatusCode::OK, "it goes on");
}

/// Files under `dir`, however deep.
fn files_under(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .map(|entries| {
            let count = |entry: std::fs::DirEntry| if entry.path().is_dir() { files_under(&entry.path()) } else { 1 };
            entries.flatten().map(count).sum()
        })
        .unwrap_or(0)
}

#[tokio::test]
async fn the_same_file_flagged_again_is_kept_once() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(dir.path(), Limits::default());
    let values = shown(&app, 5).await;
    for _ in 0..3 {
        let (status, body) = post(&app, "/square/flag", json!({"data": values, "reason": "Nice"})).await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    }
    let rows = rows(dir.path(), "dataset.csv");
    assert_eq!(rows.len(), 4, "a header and three rows");
    assert!(rows[1..].iter().all(|row| row[1] == rows[1][1]), "each row names the one copy");
    assert_eq!(files_under(&dir.path().join("square/picture")), 1);
}

/// Two servers sharing one flagging directory (replicas) share its bound: each counts what
/// the other wrote.
#[tokio::test]
async fn the_bound_holds_across_servers_sharing_the_directory() {
    let dir = tempfile::tempdir().unwrap();
    // Room for the rows and a few pictures (each a few hundred bytes).
    let limits = || Limits::default().max_flagged_bytes(64 * 1024 + 1500);
    let (first, second) = (app(dir.path(), limits()), app(dir.path(), limits()));
    let flag = |app: Router, side: u32| async move {
        let values = shown(&app, side).await;
        post(&app, "/square/flag", json!({"data": values, "reason": "Nice"})).await.0
    };
    assert_eq!(flag(first.clone(), 40).await, StatusCode::NO_CONTENT);
    let mut side = 41;
    while flag(second.clone(), side).await == StatusCode::NO_CONTENT {
        side += 1;
        assert!(side < 200, "the bound never held");
    }
    assert_eq!(
        flag(first, side + 1).await,
        StatusCode::INSUFFICIENT_STORAGE,
        "the first server sees the second's flags"
    );
}
