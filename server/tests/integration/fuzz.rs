//! Property tests of the routes that read outside bytes: multipart uploads, `file=` paths, and
//! the bodies of Gradio's join and call and of Rheo's run. Whatever is sent, the answer is a
//! 2xx or a 4xx with a message, never a 5xx, a panic or a file from outside the store. Bounded
//! in the test command (`PROPTEST_CASES`, 256 by default); `scripts/fuzz.sh` runs them longer.

use std::sync::OnceLock;

use axum::{
    body::Body,
    http::{Request, StatusCode},
    Router,
};
use http_body_util::BodyExt;
use proptest::{collection::vec, prelude::*};
use rheo::{
    image::{imageops, RgbImage},
    Audio, AudioData, Image, Interface, Number, Radio, Registry, Textbox,
};
use serde_json::{json, Value as Json};
use tower::ServiceExt;

fn flip(image: RgbImage) -> RgbImage {
    imageops::flip_vertical(&image)
}

fn louder(audio: AudioData) -> AudioData {
    AudioData { samples: audio.samples.iter().map(|s| (s * 2.0).clamp(-1.0, 1.0)).collect(), ..audio }
}

fn calculator(a: f64, operation: String, b: f64) -> Result<f64, String> {
    match operation.as_str() {
        "add" => Ok(a + b),
        "multiply" => Ok(a * b),
        _ => Err(format!("unknown operation {operation:?}")),
    }
}

fn shout(text: String) -> String {
    text.to_uppercase()
}

/// One runtime and one router for every case, as one server serves every request.
fn server() -> &'static (tokio::runtime::Runtime, Router) {
    static SERVER: OnceLock<(tokio::runtime::Runtime, Router)> = OnceLock::new();
    SERVER.get_or_init(|| {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let router = runtime.block_on(async {
            Registry::new()
                .mount("flip", Interface::new(flip).inputs(Image::new()).outputs(Image::new()))
                .mount("louder", Interface::new(louder).inputs(Audio::new()).outputs(Audio::new()))
                .mount(
                    "calculator",
                    Interface::new(calculator)
                        .inputs((Number::new(), Radio::new(["add", "multiply"]), Number::new().maximum(1e300)))
                        .outputs(Number::new()),
                )
                .mount("shout", Interface::new(shout).inputs(Textbox::new().max_length(64)).outputs(Textbox::new()))
                .into_router()
        });
        (runtime, router)
    })
}

/// Sends `request`; answers its status and body.
fn send(request: Request<Body>) -> (StatusCode, String) {
    let (runtime, router) = server();
    runtime.block_on(async {
        let response = router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        (status, String::from_utf8_lossy(&body).into_owned())
    })
}

fn post(path: &str, content_type: &str, body: Vec<u8>) -> (StatusCode, String) {
    send(Request::post(path).header("content-type", content_type).body(Body::from(body)).unwrap())
}

/// A refusal must say why; nothing a client sends is the server's fault (a full queue, 503,
/// is the load's, and is allowed).
fn answered_in_words(status: StatusCode, body: &str) -> Result<(), TestCaseError> {
    prop_assert!(!status.is_server_error() || status == StatusCode::SERVICE_UNAVAILABLE, "{status}: {body}");
    if status.is_client_error() {
        prop_assert!(body.len() > 10, "{status} without a reason: {body:?}");
    }
    Ok(())
}

/// JSON of every shape, leaning towards what the server reads: files, paths, big numbers.
fn any_json() -> impl Strategy<Value = Json> {
    let leaf = prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::Bool),
        any::<f64>().prop_filter("finite", |x| x.is_finite()).prop_map(|x| json!(x)),
        Just(json!(1.79e308)),
        ".{0,24}".prop_map(Json::String),
        Just(json!("add")),
        Just(json!({"path": "../../Cargo.toml", "meta": {"_type": "gradio.FileData"}})),
        Just(json!({"path": "/etc/passwd"})),
        "[a-z0-9/._-]{0,40}".prop_map(|path| json!({ "path": path })),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..5).prop_map(Json::Array),
            vec(("[a-z_]{0,8}", inner), 0..4).prop_map(|pairs| Json::Object(pairs.into_iter().collect())),
        ]
    })
}

/// A multipart body of random parts, some well formed, some not.
fn any_multipart() -> impl Strategy<Value = Vec<u8>> {
    let part = (
        prop_oneof![Just("files".to_owned()), ".{0,8}"],
        prop_oneof![Just(None), ".{0,40}".prop_map(Some), Just(Some("../../../etc/passwd".to_owned()))],
        vec(any::<u8>(), 0..256),
        any::<bool>(),
    );
    (vec(part, 0..6), vec(any::<u8>(), 0..32)).prop_map(|(parts, tail)| {
        let mut body = Vec::new();
        for (name, file_name, bytes, well_formed) in parts {
            body.extend_from_slice(b"--b\r\n");
            let file_name = file_name.map(|f| format!("; filename=\"{f}\"")).unwrap_or_default();
            body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"{file_name}\r\n").as_bytes(),
            );
            if well_formed {
                body.extend_from_slice(b"\r\n");
            }
            body.extend_from_slice(&bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(&tail);
        body
    })
}

proptest! {
    #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_upload_is_stored_or_refused_in_words(body in any_multipart()) {
        let (status, answer) = post("/flip/gradio_api/upload", "multipart/form-data; boundary=b", body);
        answered_in_words(status, &answer)?;
        if status.is_success() {
            // Every stored file is served back by the path the store handed out, and only it.
            let paths: Vec<String> = serde_json::from_str(&answer).unwrap();
            for path in paths {
                let (status, _) = send(Request::get(format!("/flip/gradio_api/file={path}")).body(Body::empty()).unwrap());
                prop_assert_eq!(status, StatusCode::OK);
            }
        }
    }

    #[test]
    fn a_path_the_store_did_not_hand_out_is_not_found(path in prop_oneof![
        ".{0,60}",
        "(\\.\\./|%2e%2e/|/|\\\\){1,6}(etc/passwd|Cargo\\.toml|tmp)",
    ]) {
        let encoded: String = path.bytes().map(|b| format!("%{b:02X}")).collect();
        let (status, body) = send(Request::get(format!("/flip/gradio_api/file={encoded}")).body(Body::empty()).unwrap());
        prop_assert_eq!(status, StatusCode::NOT_FOUND, "{}", body);
    }

    #[test]
    fn any_join_is_queued_or_refused_in_words(data in any_json(), fn_index in any::<Option<u8>>(), session in ".{0,200}") {
        let body = json!({"data": data, "fn_index": fn_index, "session_hash": session});
        for name in ["calculator", "flip", "louder", "shout"] {
            let (status, answer) = post(&format!("/{name}/gradio_api/queue/join"), "application/json", body.to_string().into_bytes());
            answered_in_words(status, &answer)?;
        }
    }

    #[test]
    fn any_call_runs_or_is_refused_in_words(data in vec(any_json(), 0..5)) {
        let body = json!({ "data": data }).to_string().into_bytes();
        for (name, api) in [("calculator", "calculator"), ("flip", "flip"), ("louder", "louder"), ("shout", "shout")] {
            let (status, answer) = post(&format!("/{name}/run"), "application/json", body.clone());
            answered_in_words(status, &answer)?;
            let (status, answer) = post(&format!("/{name}/gradio_api/call/{api}"), "application/json", body.clone());
            answered_in_words(status, &answer)?;
        }
    }

    #[test]
    fn any_body_bytes_are_refused_in_words(bytes in vec(any::<u8>(), 0..300)) {
        for path in ["/calculator/run", "/calculator/gradio_api/queue/join", "/calculator/gradio_api/call/calculator"] {
            let (status, answer) = post(path, "application/json", bytes.clone());
            answered_in_words(status, &answer)?;
        }
    }
}
