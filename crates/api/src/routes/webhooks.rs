//! `/api/v1/webhooks`.

use actix_web::http::header;
use actix_web::web::{Data, Json, Path, Query};
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post};
use rapport_domain::services::webhooks::{self as svc, TargetPolicy};
use utoipa_actix_web::service_config::ServiceConfig;

use super::segments::numbered;
use crate::auth::AuthUser;
use crate::config::Config;
use crate::dto::webhooks::*;
use crate::dto::{etag, if_match};
use crate::error::ApiError;
use crate::openapi::*;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_webhooks)
        .service(create_webhook)
        .service(get_webhook)
        .service(update_webhook)
        .service(delete_webhook)
        .service(list_webhook_deliveries)
        .service(redeliver_webhook);
}

fn policy(config: &Config) -> TargetPolicy {
    TargetPolicy { allow_private: config.webhooks.allow_private }
}

/// List webhooks
///
/// Every subscription, newest first. Secrets are never shown.
#[utoipa::path(
    tag = "webhooks",
    responses((status = 200, description = "All subscriptions", body = WebhookList), Unauthorized, Forbidden),
    security(("bearer" = []), ("api_key" = []))
)]
#[get("/webhooks")]
async fn list_webhooks(user: AuthUser, state: Data<AppState>) -> Result<Json<WebhookList>, ApiError> {
    let items = svc::list(&state.read, &user.0).await?;
    Ok(Json(WebhookList { items: items.into_iter().map(Webhook::from).collect() }))
}

/// Create a webhook
///
/// Subscribes a URL to events. The URL must be http(s) and its host must resolve to public
/// addresses only. The response carries the signing `secret` once; it is never shown again.
#[utoipa::path(
    tag = "webhooks",
    request_body = WebhookCreate,
    responses(
        (status = 201, description = "Created; `secret` is shown only now", body = WebhookCreated, headers(("ETag" = String), ("Location" = String))),
        BadRequest, Unauthorized, Forbidden, PayloadTooLarge, UnsupportedMediaType, Unprocessable
    ),
    security(("bearer" = []), ("api_key" = []))
)]
#[post("/webhooks")]
async fn create_webhook(
    user: AuthUser,
    state: Data<AppState>,
    config: Data<Config>,
    body: Json<WebhookCreate>,
) -> Result<HttpResponse, ApiError> {
    let (w, secret) = svc::create(&state.db, &user.0, body.into_inner().into(), policy(&config)).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::ETAG, etag(w.version)))
        .insert_header((header::LOCATION, format!("/api/v1/webhooks/{}", w.id)))
        .json(WebhookCreated { webhook: w.into(), secret }))
}

/// Get a webhook
#[utoipa::path(
    tag = "webhooks",
    params(("id" = i64, Path, description = "Webhook id")),
    responses((status = 200, description = "The subscription", body = Webhook, headers(("ETag" = String))), BadRequest, Unauthorized, Forbidden, NotFound),
    security(("bearer" = []), ("api_key" = []))
)]
#[get("/webhooks/{id}")]
async fn get_webhook(user: AuthUser, state: Data<AppState>, id: Path<i64>) -> Result<HttpResponse, ApiError> {
    let w = svc::get(&state.read, &user.0, id.into_inner()).await?;
    Ok(HttpResponse::Ok().insert_header((header::ETAG, etag(w.version))).json(Webhook::from(w)))
}

/// Update a webhook
///
/// Only the fields present change. Send `If-Match` with the `ETag` you read (412 otherwise).
/// `active: true` switches a subscription on again after the server switched it off.
#[utoipa::path(
    tag = "webhooks",
    params(("id" = i64, Path, description = "Webhook id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read")),
    request_body = WebhookUpdate,
    responses(
        (status = 200, description = "The changed subscription", body = Webhook, headers(("ETag" = String))),
        BadRequest, Unauthorized, Forbidden, NotFound, PreconditionFailed, PayloadTooLarge, UnsupportedMediaType, Unprocessable
    ),
    security(("bearer" = []), ("api_key" = []))
)]
#[patch("/webhooks/{id}")]
async fn update_webhook(
    user: AuthUser,
    state: Data<AppState>,
    config: Data<Config>,
    id: Path<i64>,
    req: HttpRequest,
    body: Json<WebhookUpdate>,
) -> Result<HttpResponse, ApiError> {
    let changes = body.into_inner().into();
    let w = svc::update(&state.db, &user.0, id.into_inner(), if_match(&req)?, changes, policy(&config)).await?;
    Ok(HttpResponse::Ok().insert_header((header::ETAG, etag(w.version))).json(Webhook::from(w)))
}

/// Delete a webhook
///
/// The subscription and its delivery history go; nothing more is sent to it.
#[utoipa::path(
    tag = "webhooks",
    params(("id" = i64, Path, description = "Webhook id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read")),
    responses((status = 204, description = "Deleted"), BadRequest, Unauthorized, Forbidden, NotFound, PreconditionFailed),
    security(("bearer" = []), ("api_key" = []))
)]
#[delete("/webhooks/{id}")]
async fn delete_webhook(
    user: AuthUser,
    state: Data<AppState>,
    id: Path<i64>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    svc::delete(&state.db, &user.0, id.into_inner(), if_match(&req)?).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A webhook's deliveries
///
/// Newest first, with status, attempts and the last response code or error.
#[utoipa::path(
    tag = "webhooks",
    params(("id" = i64, Path, description = "Webhook id"), WebhookDeliveryQuery),
    responses((status = 200, description = "A page of deliveries", body = WebhookDeliveryPage), BadRequest, Unauthorized, Forbidden, NotFound, Unprocessable),
    security(("bearer" = []), ("api_key" = []))
)]
#[get("/webhooks/{id}/deliveries")]
async fn list_webhook_deliveries(
    user: AuthUser,
    state: Data<AppState>,
    id: Path<i64>,
    q: Query<WebhookDeliveryQuery>,
) -> Result<Json<WebhookDeliveryPage>, ApiError> {
    let q = q.into_inner();
    let (page, per_page) = numbered(q.page, q.per_page)?;
    let p = svc::list_deliveries(&state.read, &user.0, id.into_inner(), q.status.as_deref(), page, per_page).await?;
    Ok(Json(p.into()))
}

/// Redeliver an event
///
/// Queues the delivery's event again (same body and event id) as a new delivery, signed
/// afresh when it is sent. The subscription must be active (409 otherwise).
#[utoipa::path(
    tag = "webhooks",
    params(("id" = i64, Path, description = "Webhook id"), ("delivery_id" = i64, Path, description = "Delivery id")),
    responses((status = 202, description = "The new delivery, queued", body = WebhookDelivery), BadRequest, Unauthorized, Forbidden, NotFound, Conflict),
    security(("bearer" = []), ("api_key" = []))
)]
#[post("/webhooks/{id}/deliveries/{delivery_id}/redeliver")]
async fn redeliver_webhook(
    user: AuthUser,
    state: Data<AppState>,
    path: Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (id, delivery_id) = path.into_inner();
    let d = svc::redeliver(&state.db, &user.0, id, delivery_id).await?;
    Ok(HttpResponse::Accepted().json(WebhookDelivery::from(d)))
}
