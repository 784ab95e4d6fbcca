//! The routes of Gradio's HTTP API that each interface answers under `/<name>/`, as Gradio 6
//! names them, so that `gradio_client` and `@gradio/client` work unchanged.

/// The app's config: components and the one endpoint.
pub const CONFIG_ROUTE: &str = "/{name}/config";
/// The API description: each endpoint's parameters and returns.
pub const INFO_ROUTE: &str = "/{name}/gradio_api/info";
/// Files go up here (multipart, one part per file); the answer is a JSON list of the paths to
/// refer to them by.
pub const UPLOAD_ROUTE: &str = "/{name}/gradio_api/upload";
/// A stored file: `GET /<name>/gradio_api/file=<path>` (the `file=` prefix is part of the
/// segment, so the route takes the rest of the path).
pub const FILE_ROUTE: &str = "/{name}/gradio_api/{*file}";
/// Starts a call in a session (`Client.predict`, `Client.submit`).
pub const QUEUE_JOIN_ROUTE: &str = "/{name}/gradio_api/queue/join";
/// A session's server-sent events.
pub const QUEUE_DATA_ROUTE: &str = "/{name}/gradio_api/queue/data";
/// Starts a call by REST, inputs by position.
pub const CALL_ROUTE: &str = "/{name}/gradio_api/call/{api_name}";
/// Starts a call by REST, inputs by parameter name.
pub const CALL_BY_NAME_ROUTE: &str = "/{name}/gradio_api/call/v2/{api_name}";
/// A REST call's result, as server-sent events.
pub const CALL_RESULT_ROUTE: &str = "/{name}/gradio_api/call/{api_name}/{event_id}";

/// Where interface `name` takes uploads.
pub fn upload_path(name: &str) -> String {
    UPLOAD_ROUTE.replace("{name}", name)
}

/// Where interface `name` serves the stored file `path`.
pub fn file_url(name: &str, path: &str) -> String {
    FILE_ROUTE.replace("{name}", name).replace("{*file}", &format!("file={path}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_fill_the_routes() {
        assert_eq!(upload_path("flip"), "/flip/gradio_api/upload");
        assert_eq!(file_url("flip", "/tmp/rheo-x/1/a.png"), "/flip/gradio_api/file=/tmp/rheo-x/1/a.png");
    }
}
