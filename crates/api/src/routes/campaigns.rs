//! `/api/v1/campaigns`: campaigns, their launch, messages and statistics.

use actix_web::http::header;
use actix_web::web::{Data, Json, Path, Query};
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post};
use rapport_domain::services::campaigns::{self as svc, launch, stats};
use utoipa_actix_web::service_config::ServiceConfig;

use super::segments::numbered;
use crate::auth::AuthUser;
use crate::dto::campaigns::*;
use crate::dto::{etag, if_match};
use crate::error::ApiError;
use crate::openapi::*;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(compare_campaigns)
        .service(list_campaigns)
        .service(create_campaign)
        .service(get_campaign)
        .service(update_campaign)
        .service(delete_campaign)
        .service(schedule_campaign)
        .service(unschedule_campaign)
        .service(launch_campaign)
        .service(cancel_campaign)
        .service(test_send_campaign)
        .service(campaign_stats)
        .service(campaign_messages);
}

fn ok(c: rapport_domain::services::campaigns::Campaign) -> HttpResponse {
    HttpResponse::Ok().insert_header((header::ETAG, etag(c.version))).json(Campaign::from(c))
}

/// List campaigns
#[utoipa::path(
    tag = "marketing",
    params(CampaignQuery),
    responses((status = 200, description = "Campaigns, newest first", body = CampaignPage), BadRequest, Unauthorized, Forbidden, Unprocessable),
    security(("bearer" = []), ("api_key" = []))
)]
#[get("/campaigns")]
async fn list_campaigns(
    user: AuthUser,
    state: Data<AppState>,
    q: Query<CampaignQuery>,
) -> Result<Json<CampaignPage>, ApiError> {
    let q = q.into_inner();
    let (page, per_page) = numbered(q.page, q.per_page)?;
    let filter = svc::CampaignFilter { status: q.status, channel: q.channel };
    Ok(Json(svc::list(&state.read, &user.0, &filter, page, per_page).await?.into()))
}

/// Create a campaign
///
/// A draft. Unknown template placeholders are refused with 422.
#[utoipa::path(
    tag = "marketing",
    request_body = CampaignCreate,
    responses(
        (status = 201, description = "Created", body = Campaign, headers(("ETag" = String), ("Location" = String))),
        BadRequest, Unauthorized, Forbidden, PayloadTooLarge, UnsupportedMediaType, Unprocessable
    ),
    security(("bearer" = []), ("api_key" = []))
)]
#[post("/campaigns")]
async fn create_campaign(
    user: AuthUser,
    state: Data<AppState>,
    body: Json<CampaignCreate>,
) -> Result<HttpResponse, ApiError> {
    let c = svc::create(&state.db, &user.0, body.into_inner().into()).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::ETAG, etag(c.version)))
        .insert_header((header::LOCATION, format!("/api/v1/campaigns/{}", c.id)))
        .json(Campaign::from(c)))
}

/// Get a campaign
///
/// With `progress`: its messages by delivery status.
#[utoipa::path(
    tag = "marketing",
    params(("id" = i64, Path, description = "Campaign id")),
    responses((status = 200, description = "The campaign", body = Campaign, headers(("ETag" = String))), BadRequest, Unauthorized, Forbidden, NotFound),
    security(("bearer" = []), ("api_key" = []))
)]
#[get("/campaigns/{id}")]
async fn get_campaign(user: AuthUser, state: Data<AppState>, id: Path<i64>) -> Result<HttpResponse, ApiError> {
    let (c, progress) = svc::get_with_progress(&state.read, &user.0, id.into_inner()).await?;
    let version = c.version;
    let mut body = Campaign::from(c);
    body.progress = Some(progress.into());
    Ok(HttpResponse::Ok().insert_header((header::ETAG, etag(version))).json(body))
}

/// Update a campaign
#[utoipa::path(
    tag = "marketing",
    params(("id" = i64, Path, description = "Campaign id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read")),
    request_body = CampaignUpdate,
    responses(
        (status = 200, description = "The changed campaign", body = Campaign, headers(("ETag" = String))),
        BadRequest, Unauthorized, Forbidden, NotFound, Conflict, PreconditionFailed, PayloadTooLarge, UnsupportedMediaType, Unprocessable
    ),
    security(("bearer" = []), ("api_key" = []))
)]
#[patch("/campaigns/{id}")]
async fn update_campaign(
    user: AuthUser,
    state: Data<AppState>,
    id: Path<i64>,
    req: HttpRequest,
    body: Json<CampaignUpdate>,
) -> Result<HttpResponse, ApiError> {
    Ok(ok(svc::update(&state.db, &user.0, id.into_inner(), if_match(&req)?, body.into_inner().into()).await?))
}

/// Delete a campaign
///
/// Only before launch; launched campaigns are cancelled instead and keep their statistics.
#[utoipa::path(
    tag = "marketing",
    params(("id" = i64, Path, description = "Campaign id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read")),
    responses((status = 204, description = "Deleted"), BadRequest, Unauthorized, Forbidden, NotFound, Conflict, PreconditionFailed),
    security(("bearer" = []), ("api_key" = []))
)]
#[delete("/campaigns/{id}")]
async fn delete_campaign(
    user: AuthUser,
    state: Data<AppState>,
    id: Path<i64>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    svc::delete(&state.db, &user.0, id.into_inner(), if_match(&req)?).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Schedule a campaign
///
/// A draft with a segment and `start_at` launches by itself at that time.
#[utoipa::path(
    tag = "marketing",
    params(("id" = i64, Path, description = "Campaign id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read")),
    responses((status = 200, description = "Scheduled", body = Campaign, headers(("ETag" = String))), BadRequest, Unauthorized, Forbidden, NotFound, Conflict, PreconditionFailed, Unprocessable),
    security(("bearer" = []), ("api_key" = []))
)]
#[post("/campaigns/{id}/schedule")]
async fn schedule_campaign(
    user: AuthUser,
    state: Data<AppState>,
    id: Path<i64>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let c = svc::schedule(&state.db, &user.0, id.into_inner(), if_match(&req)?).await?;
    state.wake.notify_one();
    Ok(ok(c))
}

/// Unschedule a campaign
///
/// Back to draft.
#[utoipa::path(
    tag = "marketing",
    params(("id" = i64, Path, description = "Campaign id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read")),
    responses((status = 200, description = "A draft again", body = Campaign, headers(("ETag" = String))), BadRequest, Unauthorized, Forbidden, NotFound, Conflict, PreconditionFailed),
    security(("bearer" = []), ("api_key" = []))
)]
#[post("/campaigns/{id}/unschedule")]
async fn unschedule_campaign(
    user: AuthUser,
    state: Data<AppState>,
    id: Path<i64>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    Ok(ok(svc::unschedule(&state.db, &user.0, id.into_inner(), if_match(&req)?).await?))
}

/// Launch a campaign now
///
/// Materialises one message per segment member reachable on the channel (opted-out
/// customers and those without an address are skipped and counted) and starts delivery;
/// a phone campaign puts a call on each customer owner's list instead.
#[utoipa::path(
    tag = "marketing",
    params(("id" = i64, Path, description = "Campaign id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read")),
    responses((status = 200, description = "Running", body = Campaign, headers(("ETag" = String))), BadRequest, Unauthorized, Forbidden, NotFound, Conflict, PreconditionFailed, Unprocessable),
    security(("bearer" = []), ("api_key" = []))
)]
#[post("/campaigns/{id}/launch")]
async fn launch_campaign(
    user: AuthUser,
    state: Data<AppState>,
    id: Path<i64>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let c = launch::launch(&state.db, &user.0, id.into_inner(), if_match(&req)?, &state.tracking).await?;
    state.wake.notify_one();
    Ok(ok(c))
}

/// Cancel a campaign
///
/// Messages not yet sent are not sent.
#[utoipa::path(
    tag = "marketing",
    params(("id" = i64, Path, description = "Campaign id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read")),
    responses((status = 200, description = "Cancelled", body = Campaign, headers(("ETag" = String))), BadRequest, Unauthorized, Forbidden, NotFound, Conflict, PreconditionFailed),
    security(("bearer" = []), ("api_key" = []))
)]
#[post("/campaigns/{id}/cancel")]
async fn cancel_campaign(
    user: AuthUser,
    state: Data<AppState>,
    id: Path<i64>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    Ok(ok(svc::cancel(&state.db, &user.0, id.into_inner(), if_match(&req)?).await?))
}

/// Test-send a campaign
///
/// Renders the templates for one customer; with `to`, also sends that rendering as a test
/// message (not counted in the statistics).
#[utoipa::path(
    tag = "marketing",
    params(("id" = i64, Path, description = "Campaign id")),
    request_body = TestSendRequest,
    responses((status = 200, description = "The rendering", body = TestSendResult), BadRequest, Unauthorized, Forbidden, NotFound, PayloadTooLarge, UnsupportedMediaType, Unprocessable),
    security(("bearer" = []), ("api_key" = []))
)]
#[post("/campaigns/{id}/test-send")]
async fn test_send_campaign(
    user: AuthUser,
    state: Data<AppState>,
    id: Path<i64>,
    body: Json<TestSendRequest>,
) -> Result<Json<TestSendResult>, ApiError> {
    let b = body.into_inner();
    let r = launch::test_send(&state.db, &user.0, id.into_inner(), b.customer_id, b.to, &state.tracking).await?;
    if r.message_id.is_some() {
        state.wake.notify_one();
    }
    Ok(Json(r.into()))
}

/// Campaign statistics
///
/// Counts, rates, attributed revenue, cost, ROI, goal progress and a daily series.
#[utoipa::path(
    tag = "marketing",
    params(("id" = i64, Path, description = "Campaign id")),
    responses((status = 200, description = "The statistics", body = CampaignStats), BadRequest, Unauthorized, Forbidden, NotFound),
    security(("bearer" = []), ("api_key" = []))
)]
#[get("/campaigns/{id}/stats")]
async fn campaign_stats(user: AuthUser, state: Data<AppState>, id: Path<i64>) -> Result<Json<CampaignStats>, ApiError> {
    let (s, days) = stats::stats(&state.read, &user.0, id.into_inner()).await?;
    let mut body = CampaignStats::from(s);
    body.by_day = Some(days.into_iter().map(Into::into).collect());
    Ok(Json(body))
}

/// Compare campaigns
#[utoipa::path(
    tag = "marketing",
    params(CompareQuery),
    responses((status = 200, description = "Statistics in the order asked", body = Vec<CampaignStats>), BadRequest, Unauthorized, Forbidden, NotFound, Unprocessable),
    security(("bearer" = []), ("api_key" = []))
)]
#[get("/campaigns/compare")]
async fn compare_campaigns(
    user: AuthUser,
    state: Data<AppState>,
    q: Query<CompareQuery>,
) -> Result<Json<Vec<CampaignStats>>, ApiError> {
    let ids = q
        .ids
        .split(',')
        .map(|s| s.trim().parse::<i64>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| rapport_domain::DomainError::invalid("ids", "must be comma-separated campaign ids"))?;
    let all = stats::compare(&state.read, &user.0, &ids).await?;
    Ok(Json(all.into_iter().map(Into::into).collect()))
}

/// A campaign's messages
#[utoipa::path(
    tag = "marketing",
    params(("id" = i64, Path, description = "Campaign id"), MessageQuery),
    responses((status = 200, description = "Messages by id", body = CampaignMessagePage), BadRequest, Unauthorized, Forbidden, NotFound, Unprocessable),
    security(("bearer" = []), ("api_key" = []))
)]
#[get("/campaigns/{id}/messages")]
async fn campaign_messages(
    user: AuthUser,
    state: Data<AppState>,
    id: Path<i64>,
    q: Query<MessageQuery>,
) -> Result<Json<CampaignMessagePage>, ApiError> {
    let q = q.into_inner();
    let (page, per_page) = numbered(q.page, q.per_page)?;
    Ok(Json(svc::messages(&state.read, &user.0, id.into_inner(), q.status.as_deref(), page, per_page).await?.into()))
}
