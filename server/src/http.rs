//! Rheo's own HTTP API: `POST /<name>/run` and `POST /<name>/sessions/<session>/end` (see
//! `rheo_shared::protocol`).

use std::sync::Arc;

use axum::{
    body::Body,
    extract::{rejection::JsonRejection, Path, State},
    http::{header::CONTENT_TYPE, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use futures::{Stream, StreamExt};
use rheo_shared::{
    protocol::{ErrorBody, RunRequest, RunResponse, MAX_REQUEST_BYTES, NDJSON},
    Value,
};

use crate::{handler::CallError, interface::Mounted, registry::Served};

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

/// `POST /<name>/run`: one answer, or for a generator, its answers as NDJSON as they come.
/// A generator's first answer is awaited before the response starts, so a call that fails at
/// once (bad inputs, say) still gets its 4xx; the generator stops if the client goes away.
pub async fn run(
    State(served): State<Arc<Served>>,
    Path(name): Path<String>,
    body: Result<Json<RunRequest>, JsonRejection>,
) -> Result<Response, ApiError> {
    let interface = served
        .interface(&name)
        .ok_or_else(|| ApiError(StatusCode::NOT_FOUND, format!("there is no interface named {name:?}")))?
        .clone();
    let Json(request) = body?;
    if !interface.spec().generator {
        let data = interface.run_json(&served.files, request.session, request.data).await?;
        return Ok(Json(RunResponse { data }).into_response());
    }
    let mut answers = Box::pin(answers(served.clone(), interface, request));
    let first = answers.next().await.unwrap_or_else(|| Err(CallError::Handler("the handler produced no value".into())))?;
    let lines = futures::stream::once(async { Ok(first) }).chain(answers).map(|answer| {
        let line = match answer {
            Ok(data) => serde_json::to_vec(&RunResponse { data }),
            Err(error) => serde_json::to_vec(&ErrorBody { error: error.to_string() }),
        };
        let mut line = line.expect("bodies always serialise");
        line.push(b'\n');
        Ok::<_, std::convert::Infallible>(line)
    });
    Ok(([(CONTENT_TYPE, NDJSON)], Body::from_stream(lines)).into_response())
}

/// `POST /<name>/sessions/<session>/end`: the page's session ended; its State goes now.
pub async fn end_session(State(served): State<Arc<Served>>, Path((name, session)): Path<(String, String)>) -> Result<StatusCode, ApiError> {
    let interface = served
        .interface(&name)
        .ok_or_else(|| ApiError(StatusCode::NOT_FOUND, format!("there is no interface named {name:?}")))?;
    interface.end_session(&session);
    Ok(StatusCode::NO_CONTENT)
}

/// A call's answers, owning what it needs, so the response body can carry it.
fn answers(served: Arc<Served>, interface: Arc<Mounted>, request: RunRequest) -> impl Stream<Item = Result<Vec<Value>, CallError>> + Send + 'static {
    async_stream::stream! {
        for await answer in interface.call_json(&served.files, request.session, request.data) {
            yield answer;
        }
    }
}
