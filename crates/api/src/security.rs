//! Response hardening: security headers on every response, CORS by an allow-list
//! (closed when none is configured), and the audit of refused requests.

use actix_cors::Cors;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, ETAG, HeaderName, IF_MATCH, LOCATION, RETRY_AFTER};
use actix_web::middleware::{Condition, DefaultHeaders, Next};
use actix_web::{HttpMessage, web};
use rapport_domain::services::audit;

use crate::auth::AuthUser;
use crate::state::AppState;

/// Only this origin's scripts, styles, images and connections; no plugins, no framing.
/// Styles may be inline: Swagger UI and the rating page set some.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
    style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; \
    object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/// The headers every response carries (a handler's own value wins).
pub fn headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("Referrer-Policy", "no-referrer"))
        .add(("X-Frame-Options", "DENY"))
        .add(("Content-Security-Policy", CONTENT_SECURITY_POLICY))
        .add(("Cross-Origin-Opener-Policy", "same-origin"))
}

/// CORS for the configured origins only; with none, the middleware is off and no
/// response carries `Access-Control-*` headers. Requests from other origins are not
/// blocked here (same-origin browsers send `Origin` too); they just get no CORS headers.
pub fn cors(origins: &[String]) -> Condition<Cors> {
    let cors = origins
        .iter()
        .fold(Cors::default(), |c, o| c.allowed_origin(o))
        .allowed_methods(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"])
        .allowed_headers([AUTHORIZATION, CONTENT_TYPE, ACCEPT, IF_MATCH, HeaderName::from_static("idempotency-key")])
        .expose_headers([ETAG, LOCATION, RETRY_AFTER, HeaderName::from_static("idempotent-replayed")])
        .block_on_origin_mismatch(false)
        .max_age(3600);
    Condition::new(!origins.is_empty(), cors)
}

/// Audits every 403 answered to an authenticated caller (`{"method", "path"}`). Other
/// responses pass untouched.
///
/// # Errors
/// Those of the wrapped service.
pub async fn audit_denials(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let res = next.call(req).await?;
    if res.status() != StatusCode::FORBIDDEN {
        return Ok(res);
    }
    let http = res.request();
    let actor = http.extensions().get::<AuthUser>().map(|a| a.0.clone());
    if let (Some(actor), Some(state)) = (actor, http.app_data::<web::Data<AppState>>())
        && let Err(e) = audit::record_denial(&state.db, &actor, http.method().as_str(), http.path()).await
    {
        tracing::warn!(error = %e, "recording a refused request failed");
    }
    Ok(res)
}
