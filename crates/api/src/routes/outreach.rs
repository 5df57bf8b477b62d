//! The outbox, customers' channel opt-outs, and inbound SMS replies.

use actix_web::web::{Data, Json, Path, Query};
use actix_web::{HttpResponse, delete, get, post};
use rapport_domain::services::{opt_outs, outbox};
use utoipa_actix_web::service_config::ServiceConfig;

use super::segments::numbered;
use crate::auth::AuthUser;
use crate::dto::outreach::*;
use crate::error::ApiError;
use crate::openapi::*;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_outbox).service(list_opt_outs).service(add_opt_out).service(remove_opt_out).service(sms_reply);
}

/// The outbox
///
/// Email and SMS that would have been sent, when no SMTP server (`RAPPORT_SMTP_URL`) or SMS
/// gateway (`RAPPORT_SMS_WEBHOOK_URL`) is configured. Newest first.
#[utoipa::path(
    tag = "marketing",
    params(OutboxQuery),
    responses((status = 200, description = "Messages", body = OutboxPage), BadRequest, Unauthorized, Forbidden, Unprocessable),
    security(("bearer" = []), ("api_key" = []))
)]
#[get("/outbox")]
async fn list_outbox(
    user: AuthUser,
    state: Data<AppState>,
    q: Query<OutboxQuery>,
) -> Result<Json<OutboxPage>, ApiError> {
    let q = q.into_inner();
    let (page, per_page) = numbered(q.page, q.per_page)?;
    let p = outbox::list(&state.read, &user.0, q.channel.as_deref(), q.recipient.as_deref(), page, per_page).await?;
    Ok(Json(p.into()))
}

/// A customer's opt-outs
#[utoipa::path(
    tag = "customers",
    params(("id" = i64, Path, description = "Customer id")),
    responses((status = 200, description = "Channels the customer opted out of", body = Vec<OptOut>), BadRequest, Unauthorized, Forbidden, NotFound),
    security(("bearer" = []), ("api_key" = []))
)]
#[get("/customers/{id}/opt-outs")]
async fn list_opt_outs(user: AuthUser, state: Data<AppState>, id: Path<i64>) -> Result<Json<Vec<OptOut>>, ApiError> {
    let list = opt_outs::list(&state.read, &user.0, id.into_inner()).await?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}

/// Opt a customer out of a channel
///
/// Every later campaign on that channel skips the customer, and queued messages to them
/// are not sent. Recording an existing opt-out again changes nothing.
#[utoipa::path(
    tag = "customers",
    params(("id" = i64, Path, description = "Customer id")),
    request_body = OptOutCreate,
    responses((status = 200, description = "The customer's opt-outs", body = Vec<OptOut>), BadRequest, Unauthorized, Forbidden, NotFound, PayloadTooLarge, UnsupportedMediaType, Unprocessable),
    security(("bearer" = []), ("api_key" = []))
)]
#[post("/customers/{id}/opt-outs")]
async fn add_opt_out(
    user: AuthUser,
    state: Data<AppState>,
    id: Path<i64>,
    body: Json<OptOutCreate>,
) -> Result<Json<Vec<OptOut>>, ApiError> {
    let list = opt_outs::add(&state.db, &user.0, id.into_inner(), &body.channel).await?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}

/// Lift an opt-out
#[utoipa::path(
    tag = "customers",
    params(("id" = i64, Path, description = "Customer id"), ("channel" = String, Path, description = "email, sms or phone")),
    responses((status = 204, description = "Lifted"), BadRequest, Unauthorized, Forbidden, NotFound, Unprocessable),
    security(("bearer" = []), ("api_key" = []))
)]
#[delete("/customers/{id}/opt-outs/{channel}")]
async fn remove_opt_out(
    user: AuthUser,
    state: Data<AppState>,
    path: Path<(i64, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, channel) = path.into_inner();
    opt_outs::remove(&state.db, &user.0, id, &channel).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Record an SMS reply
///
/// For the SMS gateway's inbound hook: a stop word (STOP, UNSUBSCRIBE, TD, 退订, …) opts every
/// customer with that phone number out of SMS.
#[utoipa::path(
    tag = "marketing",
    request_body = SmsReply,
    responses((status = 200, description = "What the reply did", body = SmsReplyOutcome), BadRequest, Unauthorized, Forbidden, PayloadTooLarge, UnsupportedMediaType, Unprocessable),
    security(("bearer" = []), ("api_key" = []))
)]
#[post("/sms/replies")]
async fn sms_reply(
    user: AuthUser,
    state: Data<AppState>,
    body: Json<SmsReply>,
) -> Result<Json<SmsReplyOutcome>, ApiError> {
    Ok(Json(opt_outs::sms_reply(&state.db, &user.0, &body.from, &body.body).await?.into()))
}
