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
use futures::StreamExt;
use rheo_shared::protocol::{ErrorBody, RunRequest, RunResponse, NDJSON};

use super::{check_session, json_answers, Failure, Interfaces};
use crate::{
    engine::{last, CallError},
    site::PublicUrl,
};

/// A failure as Rheo's API writes it: its status and `{"error": "…"}`.
pub(crate) struct ApiError(Failure);

impl<E: Into<Failure>> From<E> for ApiError {
    fn from(failure: E) -> Self {
        ApiError(failure.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.0.status(), Json(ErrorBody { error: self.0.to_string() })).into_response()
    }
}

/// `POST /<name>/run`: one answer, or for a generator, its answers as NDJSON as they come.
/// A generator's first answer is awaited before the response starts, so a call that fails at
/// once (bad inputs, say) still gets its 4xx; the generator stops if the client goes away.
pub(crate) async fn run(
    State(interfaces): State<Arc<Interfaces>>,
    Path(name): Path<String>,
    public: PublicUrl,
    body: Result<Json<RunRequest>, JsonRejection>,
) -> Result<Response, ApiError> {
    let interface = interfaces.find(&name)?.clone();
    let request = interfaces.read(body)?;
    if let Some(session) = &request.session {
        check_session(session)?;
    }
    let checked = interface.check(request.data)?;
    // The page's own URLs: under the root path, on whatever origin it was loaded from.
    let answers =
        json_answers(interfaces, interface.clone(), request.session, checked, None, move |url| public.path(url));
    if !interface.spec().generator {
        let data = last(answers).await?;
        return Ok(Json(RunResponse { data }).into_response());
    }
    let mut answers = Box::pin(answers);
    let first = answers.next().await.unwrap_or(Err(CallError::NoValue))?;
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
pub(crate) async fn end_session(
    State(interfaces): State<Arc<Interfaces>>,
    Path((name, session)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let interface = interfaces.find(&name)?;
    check_session(&session)?;
    interface.end_session(&session);
    Ok(StatusCode::NO_CONTENT)
}
