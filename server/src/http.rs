//! Rheo's own HTTP API: `POST /<name>/run` (see `rheo_shared::protocol`).

use std::sync::Arc;

use axum::{
    extract::{rejection::JsonRejection, Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    Json,
};
use rheo_shared::protocol::{ErrorBody, RunRequest, RunResponse, MAX_REQUEST_BYTES};

use crate::{handler::CallError, registry::Served};

/// An error response: a status and a JSON body `{"error": "…"}`.
pub struct ApiError(pub StatusCode, pub String);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.0, Json(ErrorBody { error: self.1 })).into_response()
    }
}

impl From<CallError> for ApiError {
    fn from(error: CallError) -> Self {
        let status = match error {
            CallError::InvalidInput(_) | CallError::Handler(_) => StatusCode::UNPROCESSABLE_ENTITY,
            CallError::InvalidOutput(_) | CallError::Panicked => StatusCode::INTERNAL_SERVER_ERROR,
            CallError::Busy => StatusCode::SERVICE_UNAVAILABLE,
        };
        ApiError(status, error.to_string())
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        let message = match rejection.status() {
            StatusCode::PAYLOAD_TOO_LARGE => {
                format!("the request is too large: the limit is {} KiB", MAX_REQUEST_BYTES / 1024)
            }
            _ => rejection.body_text(),
        };
        ApiError(rejection.status(), message)
    }
}

pub async fn run(
    State(served): State<Arc<Served>>,
    Path(name): Path<String>,
    body: Result<Json<RunRequest>, JsonRejection>,
) -> Result<Json<RunResponse>, ApiError> {
    let interface = served
        .interface(&name)
        .ok_or_else(|| ApiError(StatusCode::NOT_FOUND, format!("there is no interface named {name:?}")))?;
    let Json(request) = body?;
    let data = interface.run_json(&served.files, request.data).await?;
    Ok(Json(RunResponse { data }))
}
