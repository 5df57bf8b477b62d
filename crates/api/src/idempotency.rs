//! `Idempotency-Key` on POST (API.md, Stripe's semantics): the first request with a
//! key runs and its response (status, body, content type, Location, ETag) is kept for
//! 24 hours; a retry with the same key and body gets that response again with
//! `Idempotent-Replayed: true`; the same key with another body is a 422; a retry while
//! the first still runs waits for it (up to [`WAIT`]) and then replays it, or gets 409.
//! Responses with a 5xx status are not kept: the key is released and a retry runs
//! afresh. Keys belong to the caller (user or API key); unauthenticated requests pass
//! through and get the handler's 401.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use actix_web::body::{BoxBody, MessageBody, to_bytes};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::http::header::{CONTENT_TYPE, ETAG, HeaderName, HeaderValue, LOCATION};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpResponse, ResponseError, web};
use rapport_domain::services::idempotency::{self, Claim, Stored};

use crate::error::ApiError;
use crate::state::AppState;

/// The request header.
pub const HEADER: &str = "idempotency-key";
/// Set on a replayed response.
pub const REPLAYED: &str = "idempotent-replayed";
/// How long a retry waits for the first request with its key.
pub const WAIT: Duration = Duration::from_secs(10);
const KEPT_HEADERS: [HeaderName; 3] = [CONTENT_TYPE, LOCATION, ETAG];

/// The middleware (`actix_web::middleware::from_fn`), for POSTs under `/api/v1`.
///
/// # Errors
/// Those of the wrapped service.
pub async fn middleware(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let key = match req.headers().get(HEADER) {
        Some(v) if req.method() == Method::POST && req.path().starts_with("/api/v1/") => v.clone(),
        _ => return Ok(next.call(req).await?.map_into_boxed_body()),
    };
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let Ok(actor) = crate::auth::caller(req.request()).await else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let key = match key.to_str() {
        Ok(k) => k.to_owned(),
        Err(_) => {
            let e = rapport_domain::DomainError::invalid("Idempotency-Key", "must be visible ASCII characters");
            return Ok(problem(req, e.into()));
        }
    };
    let principal = actor.label();
    let declared = crate::body::declared_length(req.headers());
    let limit = crate::body::limit_for(req.path());
    let body = match crate::body::read(req.take_payload(), declared, limit).await {
        Ok(body) => body,
        Err(e) => return Ok(problem(req, e)),
    };
    let path = req.uri().path_and_query().map_or_else(|| req.path().to_owned(), |p| p.as_str().to_owned());
    let fingerprint = idempotency::fingerprint(req.method().as_str(), &path, &body);
    req.set_payload(actix_web::dev::Payload::from(body));
    purge_now_and_then(&state);

    match idempotency::claim(&state.db, &principal, &key, &fingerprint).await {
        Ok(Claim::Owned) => {}
        Ok(Claim::Replay(stored)) => return Ok(replay(req, stored)),
        Ok(Claim::InProgress) => return Ok(wait_then_replay(req, &state, &principal, &key).await),
        Err(e) => return Ok(problem(req, e.into())),
    }
    let res = match next.call(req).await {
        Ok(res) => res,
        Err(e) => {
            let _ = idempotency::release(&state.db, &principal, &key).await;
            return Err(e);
        }
    };
    let status = res.status();
    let (http_req, http_res) = res.into_parts();
    let (head, body) = http_res.into_parts();
    let bytes = match to_bytes(body).await {
        Ok(b) => b,
        Err(_) => {
            let _ = idempotency::release(&state.db, &principal, &key).await;
            let res = ApiError::new("internal", "the response could not be read").error_response();
            return Ok(ServiceResponse::new(http_req, res));
        }
    };
    let res = head.set_body(bytes.clone());
    if status.is_server_error() {
        let _ = idempotency::release(&state.db, &principal, &key).await;
    } else {
        let headers = KEPT_HEADERS
            .iter()
            .filter_map(|h| res.headers().get(h).and_then(|v| v.to_str().ok()).map(|v| (h.to_string(), v.to_owned())))
            .collect();
        let stored = Stored { status: status.as_u16(), headers, body: String::from_utf8_lossy(&bytes).into_owned() };
        if let Err(e) = idempotency::complete(&state.db, &principal, &key, &stored).await {
            tracing::error!(error = %e, "keeping the idempotent response failed; releasing the key");
            let _ = idempotency::release(&state.db, &principal, &key).await;
        }
    }
    Ok(ServiceResponse::new(http_req, res.map_into_boxed_body()))
}

async fn wait_then_replay(
    req: ServiceRequest,
    state: &AppState,
    principal: &str,
    key: &str,
) -> ServiceResponse<BoxBody> {
    let deadline = tokio::time::Instant::now() + WAIT;
    let mut pause = Duration::from_millis(10);
    while tokio::time::Instant::now() < deadline {
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_millis(200));
        match idempotency::finished(&state.db, principal, key).await {
            Ok(Some(stored)) => return replay(req, stored),
            Ok(None) => {}
            Err(e) => return problem(req, e.into()),
        }
    }
    let (http_req, _) = req.into_parts();
    let mut res = ApiError::new("conflict", "a request with this Idempotency-Key is still in progress; retry later")
        .error_response();
    res.headers_mut().insert(actix_web::http::header::RETRY_AFTER, HeaderValue::from_static("1"));
    ServiceResponse::new(http_req, res)
}

fn replay(req: ServiceRequest, stored: Stored) -> ServiceResponse<BoxBody> {
    let (http_req, _) = req.into_parts();
    let status = actix_web::http::StatusCode::from_u16(stored.status).unwrap_or(actix_web::http::StatusCode::OK);
    let mut res = HttpResponse::build(status);
    for (name, value) in &stored.headers {
        res.insert_header((name.as_str(), value.as_str()));
    }
    res.insert_header((REPLAYED, "true"));
    ServiceResponse::new(http_req, res.body(stored.body))
}

fn problem(req: ServiceRequest, e: ApiError) -> ServiceResponse<BoxBody> {
    let (http_req, _) = req.into_parts();
    ServiceResponse::new(http_req, e.error_response())
}

/// Forgets expired keys at most every ten minutes, off the request's path.
fn purge_now_and_then(state: &AppState) {
    static LAST: AtomicI64 = AtomicI64::new(0);
    let now = chrono::Utc::now().timestamp();
    let last = LAST.load(Ordering::Relaxed);
    if now - last < 600 || LAST.compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed).is_err() {
        return;
    }
    let db = state.db.clone();
    actix_web::rt::spawn(async move {
        if let Err(e) = idempotency::purge(&db, rapport_domain::time::now()).await {
            tracing::warn!(error = %e, "purging idempotency keys failed");
        }
    });
}
