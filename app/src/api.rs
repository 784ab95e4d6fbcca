//! The browser side of Rheo's HTTP API (see `rheo_shared::protocol`): calls and uploads.

use gloo_net::http::Request;
use rheo_shared::{
    protocol::{file_url, run_path, upload_path, ErrorBody, RunRequest, RunResponse},
    FileData, Value,
};

/// Runs one call of interface `name`; the error is a message to show as it is.
pub async fn run(name: &str, data: Vec<Value>) -> Result<Vec<Value>, String> {
    let response = Request::post(&run_path(name))
        .json(&RunRequest { data })
        .map_err(|e| format!("could not encode the inputs: {e}"))?
        .send()
        .await
        .map_err(|e| format!("could not reach the server: {e}"))?;
    if response.ok() {
        let body: RunResponse =
            response.json().await.map_err(|e| format!("the server's answer was unreadable: {e}"))?;
        return Ok(body.data);
    }
    match response.json::<ErrorBody>().await {
        Ok(body) => Err(body.error),
        Err(_) => Err(format!("the server answered {} {}", response.status(), response.status_text())),
    }
}

/// Uploads a file for interface `name`; the answer refers to the stored file.
pub async fn upload(name: &str, file: &web_sys::Blob, file_name: &str) -> Result<FileData, String> {
    let form = web_sys::FormData::new().map_err(|_| "the browser cannot build a form".to_string())?;
    form.append_with_blob_and_filename("files", file, file_name)
        .map_err(|_| "the browser cannot read this file".to_string())?;
    let response = Request::post(&upload_path(name))
        .body(form)
        .map_err(|e| format!("could not send the file: {e}"))?
        .send()
        .await
        .map_err(|e| format!("could not reach the server: {e}"))?;
    if !response.ok() {
        let detail = response.text().await.unwrap_or_default();
        return Err(match response.status() {
            413 => "The file is too large to upload.".to_string(),
            status => format!("The upload failed ({status}): {detail}"),
        });
    }
    let paths: Vec<String> = response.json().await.map_err(|e| format!("the server's answer was unreadable: {e}"))?;
    let path = paths.into_iter().next().ok_or("the server stored nothing")?;
    Ok(FileData {
        url: Some(file_url(name, &path)),
        path,
        orig_name: Some(file_name.to_owned()),
        mime_type: Some(file.type_()).filter(|t| !t.is_empty()),
        size: Some(file.size() as u64),
        ..FileData::default()
    })
}
