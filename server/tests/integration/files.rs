//! Uploads, image inputs and outputs through the JSON APIs, and the file route.

use axum::{
    body::Body,
    http::{Request, StatusCode},
    Router,
};
use http_body_util::BodyExt;
use rheo::{
    image::{imageops, Rgb, RgbImage},
    Image, Interface, Registry,
};
use serde_json::{json, Value as Json};
use tower::ServiceExt;

fn flip(image: RgbImage) -> RgbImage {
    imageops::flip_vertical(&image)
}

fn router() -> Router {
    Registry::new()
        .mount("flip", Interface::new(flip).inputs(Image::new()).outputs(Image::new()).api_name("predict"))
        .into_router()
}

async fn send(router: &Router, request: Request<Body>) -> (StatusCode, Vec<u8>) {
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    (status, response.into_body().collect().await.unwrap().to_bytes().to_vec())
}

/// Uploads one file as `gradio_client` does (multipart, field `files`).
async fn upload(router: &Router, name: &str, bytes: &[u8]) -> (StatusCode, Json) {
    upload_typed(router, name, "application/octet-stream", bytes).await
}

/// Uploads one file with the content type its sender claims.
async fn upload_typed(router: &Router, name: &str, mime_type: &str, bytes: &[u8]) -> (StatusCode, Json) {
    let mut body = format!(
        "--b\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\nContent-Type: {mime_type}\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(b"\r\n--b--\r\n");
    let request = Request::post("/flip/gradio_api/upload")
        .header("content-type", "multipart/form-data; boundary=b")
        .body(Body::from(body))
        .unwrap();
    let (status, body) = send(router, request).await;
    (status, serde_json::from_slice(&body).unwrap_or(Json::Null))
}

async fn run(router: &Router, data: Json) -> (StatusCode, Json) {
    let request = Request::post("/flip/run")
        .header("content-type", "application/json")
        .body(Body::from(json!({ "data": data }).to_string()))
        .unwrap();
    let (status, body) = send(router, request).await;
    (status, serde_json::from_slice(&body).unwrap())
}

fn two_tone_png() -> Vec<u8> {
    let image = RgbImage::from_fn(8, 6, |_, y| if y < 3 { Rgb([255; 3]) } else { Rgb([0; 3]) });
    let mut bytes = std::io::Cursor::new(Vec::new());
    image.write_to(&mut bytes, rheo::image::ImageFormat::Png).unwrap();
    bytes.into_inner()
}

fn file(path: &Json) -> Json {
    json!({ "path": path, "meta": { "_type": "gradio.FileData" } })
}

#[tokio::test]
async fn an_uploaded_image_goes_through_the_handler_and_comes_back_as_a_file() {
    let router = router();
    let (status, paths) = upload(&router, "two tone.png", &two_tone_png()).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = run(&router, json!([file(&paths[0])])).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let output = &body["data"][0];
    assert_eq!(output["mime_type"], "image/png");
    let url = output["url"].as_str().unwrap();
    assert!(url.starts_with("/flip/gradio_api/file="), "{url}");
    let (status, png) = send(&router, Request::get(url).body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    let flipped = rheo::image::load_from_memory(&png).unwrap().into_rgb8();
    assert_eq!((flipped.get_pixel(0, 0).0, flipped.get_pixel(0, 5).0), ([0; 3], [255; 3]));
}

#[tokio::test]
async fn bad_images_and_unknown_files_get_clear_errors() {
    let router = router();
    let (_, paths) = upload(&router, "notes.txt", b"just some text").await;
    let (status, body) = run(&router, json!([file(&paths[0])])).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"], "image: this is not an image in a format the server reads (PNG, JPEG or WebP)");
    let png = two_tone_png();
    let (_, paths) = upload(&router, "cut.png", &png[..png.len() - 10]).await;
    let (_, body) = run(&router, json!([file(&paths[0])])).await;
    assert!(body["error"].as_str().unwrap().starts_with("image: the image is corrupt or truncated"), "{body}");
    let (status, body) = run(&router, json!([file(&json!("/etc/hostname"))])).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"].as_str().unwrap().starts_with("image: the file is not one this server holds"), "{body}");
    let (status, body) = run(&router, json!(["a picture"])).await;
    assert_eq!(
        (status, body["error"].as_str().unwrap()),
        (StatusCode::UNPROCESSABLE_ENTITY, "image: expected an image file, got text")
    );
}

#[tokio::test]
async fn the_file_route_serves_only_stored_files_and_never_as_a_page() {
    let router = router();
    let (_, paths) = upload(&router, "page.html", b"<script>alert(1)</script>").await;
    let path = paths[0].as_str().unwrap();
    let response = router
        .clone()
        .oneshot(Request::get(format!("/flip/gradio_api/file={path}")).body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/octet-stream");
    assert_eq!(response.headers()["content-disposition"], "attachment");
    assert_eq!(response.headers()["content-security-policy"], "sandbox");
    // An SVG runs scripts when shown: whatever type (in whatever case) its uploader claims, it
    // is a download too.
    for claimed in ["image/svg+xml", "image/SVG+xml", "text/html"] {
        let (_, paths) = upload_typed(&router, "x.svg", claimed, b"<svg onload=\"alert(1)\"/>").await;
        let url = format!("/flip/gradio_api/file={}", paths[0].as_str().unwrap());
        let response = router.clone().oneshot(Request::get(url).body(Body::empty()).unwrap()).await.unwrap();
        assert_eq!(response.headers()["content-disposition"], "attachment", "{claimed}");
        assert_eq!(response.headers()["content-type"], "application/octet-stream", "{claimed}");
    }
    let outside = ["/etc/passwd", &format!("{path}/../../../etc/passwd"), "/proc/self/environ"];
    for attempt in outside {
        let (status, _) =
            send(&router, Request::get(format!("/flip/gradio_api/file={attempt}")).body(Body::empty()).unwrap()).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{attempt}");
    }
}

#[tokio::test]
async fn uploads_are_bounded() {
    let router = router();
    let (status, _) = upload(&router, "big.bin", &vec![0; 51 << 20]).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn an_upload_of_too_many_parts_stores_nothing() {
    // The attack: one 450 KB request of 20,000 parts filled the store, evicting everyone's files.
    let router = router();
    let (_, kept) = upload(&router, "kept.png", &two_tone_png()).await;
    let mut body = Vec::new();
    for i in 0..20_000 {
        body.extend_from_slice(
            format!("--b\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{i}\"\r\n\r\nx\r\n").as_bytes(),
        );
    }
    body.extend_from_slice(b"--b--\r\n");
    let request = Request::post("/flip/gradio_api/upload")
        .header("content-type", "multipart/form-data; boundary=b")
        .body(Body::from(body))
        .unwrap();
    let (status, answer) = send(&router, request).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(serde_json::from_slice::<Json>(&answer).unwrap()["detail"], "An upload may hold at most 32 files.");
    let (status, _) = run(&router, json!([file(&kept[0])])).await;
    assert_eq!(status, StatusCode::OK, "the other upload is still there");
}

#[tokio::test]
async fn files_are_served_from_disk_with_ranges() {
    let router = router();
    let png = two_tone_png();
    let (_, paths) = upload(&router, "two tone.png", &png).await;
    let url = format!("/flip/gradio_api/file={}", paths[0].as_str().unwrap());
    let request = Request::get(&url).header("range", "bytes=0-7").body(Body::empty()).unwrap();
    let response = router.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(response.headers()["content-range"], format!("bytes 0-7/{}", png.len()));
    assert_eq!(response.headers()["content-security-policy"], "sandbox", "our headers on every answer");
    let body = response.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(&body[..], &png[..8]);
    let (status, whole) = send(&router, Request::get(&url).body(Body::empty()).unwrap()).await;
    assert_eq!((status, whole), (StatusCode::OK, png));
}

#[tokio::test]
async fn limits_set_in_code_apply() {
    let router = Registry::new()
        .mount("flip", Interface::new(flip).inputs(Image::new()).outputs(Image::new()))
        .limits(rheo::Limits::default().max_upload_files(2).max_upload_bytes(1000))
        .into_router();
    let parts = |count: usize, size: usize| {
        let mut body = Vec::new();
        for i in 0..count {
            body.extend_from_slice(
                format!("--b\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{i}\"\r\n\r\n").as_bytes(),
            );
            body.extend(std::iter::repeat_n(b'x', size));
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(b"--b--\r\n");
        Request::post("/flip/gradio_api/upload")
            .header("content-type", "multipart/form-data; boundary=b")
            .body(Body::from(body))
            .unwrap()
    };
    assert_eq!(send(&router, parts(2, 10)).await.0, StatusCode::OK);
    let (status, body) = send(&router, parts(3, 10)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(String::from_utf8_lossy(&body).contains("at most 2 files"));
    assert_eq!(send(&router, parts(1, 2000)).await.0, StatusCode::PAYLOAD_TOO_LARGE, "1000 bytes at most");
}

#[tokio::test]
async fn an_image_example_is_a_file_the_page_shows_and_a_call_takes() {
    let sides = |image: RgbImage| (f64::from(image.width()), f64::from(image.height()));
    let router = Registry::new()
        .mount(
            "sides",
            Interface::new(sides)
                .inputs(Image::new())
                .outputs((rheo::Number::new(), rheo::Number::new()))
                .examples([(RgbImage::from_pixel(3, 2, Rgb([200, 0, 0])),)]),
        )
        .into_router();
    // The page's spec, as its server function hands it out.
    let request = Request::post("/api/interface")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from("name=sides"))
        .unwrap();
    let (status, body) = send(&router, request).await;
    assert_eq!(status, StatusCode::OK);
    let page: Json = serde_json::from_slice(&body).unwrap();
    let example = page["spec"]["examples"][0]["rows"][0][0].clone();
    assert_eq!(example["mime_type"], "image/png");
    let url = example["url"].as_str().unwrap();
    let (status, png) = send(&router, Request::get(url).body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK, "the thumbnail is served");
    assert_eq!(image::load_from_memory(&png).unwrap().to_rgb8(), RgbImage::from_pixel(3, 2, Rgb([200, 0, 0])));
    let run = Request::post("/sides/run")
        .header("content-type", "application/json")
        .body(Body::from(json!({ "data": [example] }).to_string()))
        .unwrap();
    let (status, body) = send(&router, run).await;
    assert_eq!((status, serde_json::from_slice::<Json>(&body).unwrap()), (StatusCode::OK, json!({"data": [3.0, 2.0]})));
}
