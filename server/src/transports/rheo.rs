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
use rheo_shared::{
    protocol::{diff::diff_outputs, ErrorBody, FlagRequest, RunDiff, RunLine, RunRequest, RunResponse, NDJSON},
    Value,
};

use super::{check_session, json_answers, with_events, ClientTicket, Failure, Interfaces, Step};
use crate::{
    engine::{events::Reporter, last, CallError},
    site::{ClientAddress, PublicUrl},
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

/// `POST /<name>/run`: one answer, or for a generator, its answers as NDJSON as they come;
/// with `events`, NDJSON for any interface, the call's events between its answers. Without
/// events, a generator's first answer is awaited before the response starts, so a call that
/// fails at once still gets its 4xx; the call stops if the client goes away. A client has at
/// most `Limits::max_pending_per_client` calls in flight (a 429 past them), as in the queue.
pub(crate) async fn run(
    State(interfaces): State<Arc<Interfaces>>,
    Path(name): Path<String>,
    public: PublicUrl,
    ClientAddress(client): ClientAddress,
    body: Result<Json<RunRequest>, JsonRejection>,
) -> Result<Response, ApiError> {
    let limit = interfaces.limits.max_pending_per_client;
    let place = interfaces.runs_by_client.take(client, limit).ok_or(Failure::TooManyCalls(limit))?;
    let app = interfaces.find(&name)?;
    let request = interfaces.read(body)?;
    let interface = match (&request.api_name, request.fn_index) {
        (Some(api_name), _) => app.named(api_name).ok_or_else(|| Failure::NoEndpoint(api_name.clone()))?.1,
        (None, index) => {
            let index = index.unwrap_or_default();
            app.endpoint(index).ok_or(Failure::NoEndpointAt(index))?
        }
    }
    .clone();
    if let Some(session) = &request.session {
        check_session(session)?;
    }
    let checked = interface.check_event_data(interface.check(request.data)?, request.event_data)?;
    let (reporter, events) = if request.events { Some(Reporter::new()).unzip() } else { (None, None) };
    // The page's own URLs: under the root path, on whatever origin it was loaded from.
    let answers = json_answers(interfaces, interface.clone(), client, request.session, checked, reporter, move |url| {
        public.path(url)
    });
    if let Some(events) = events {
        let mut last: Option<Vec<Value>> = None;
        let diffs = request.diffs && interface.spec().generator;
        let lines = with_events(answers, events).map(move |step| match step {
            Step::Event(event) => RunLine::Event(event),
            Step::Answer(Ok(data)) if diffs => {
                let line = match &last {
                    None => RunLine::Answer(RunResponse { data: data.clone() }),
                    Some(old) => RunLine::Diff(RunDiff { diff: diff_outputs(old, &data) }),
                };
                last = Some(data);
                line
            }
            Step::Answer(Ok(data)) => RunLine::Answer(RunResponse { data }),
            Step::Answer(Err(error)) => RunLine::Error(ErrorBody { error: error.to_string() }),
        });
        return Ok(ndjson(lines, place));
    }
    if !interface.spec().generator {
        let data = last(answers).await?;
        drop(place);
        return Ok(Json(RunResponse { data }).into_response());
    }
    let mut answers = Box::pin(answers);
    let first = answers.next().await.unwrap_or(Err(CallError::NoValue))?;
    let lines = futures::stream::once(async { Ok(first) }).chain(answers).map(|answer| match answer {
        Ok(data) => RunLine::Answer(RunResponse { data }),
        Err(error) => RunLine::Error(ErrorBody { error: error.to_string() }),
    });
    Ok(ndjson(lines, place))
}

/// An NDJSON answer of `lines`, each sent as it comes; the client's `place` among its calls is
/// held until the last is sent, or the client goes.
fn ndjson(lines: impl futures::Stream<Item = RunLine> + Send + 'static, place: ClientTicket) -> Response {
    let bytes = lines.map(move |line| {
        let _held: &ClientTicket = &place;
        let mut bytes = serde_json::to_vec(&line).expect("lines always serialise");
        bytes.push(b'\n');
        Ok::<_, std::convert::Infallible>(bytes)
    });
    ([(CONTENT_TYPE, NDJSON)], Body::from_stream(bytes)).into_response()
}

/// `POST /<name>/flag`: keeps the values shown and the reason (see `crate::flagging`).
pub(crate) async fn flag(
    State(interfaces): State<Arc<Interfaces>>,
    Path(name): Path<String>,
    body: Result<Json<FlagRequest>, JsonRejection>,
) -> Result<StatusCode, ApiError> {
    let flagger = interfaces.flagger(&name)?;
    let request = interfaces.read(body)?;
    flagger.flag(&interfaces.files, request.data, request.reason.unwrap_or_default()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /<name>/sessions/<session>/end`: the page's session ended; its State goes now.
pub(crate) async fn end_session(
    State(interfaces): State<Arc<Interfaces>>,
    Path((name, session)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let app = interfaces.find(&name)?;
    check_session(&session)?;
    app.end_session(&session).await.map_err(CallError::from)?;
    Ok(StatusCode::NO_CONTENT)
}
