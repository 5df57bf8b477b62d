//! `/api/v1/activities` and `/api/v1/follow-ups`.

use actix_web::http::header;
use actix_web::web::{Data, Json, Path, Query};
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post};
use rapport_domain::services::activities as svc;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::AuthUser;
use crate::dto::activities::*;
use crate::dto::{etag, if_match, optional_json};
use crate::error::ApiError;
use crate::openapi::*;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_activities)
        .service(create_activity)
        .service(get_activity)
        .service(update_activity)
        .service(delete_activity)
        .service(complete_activity)
        .service(follow_ups);
}

/// List activities
#[utoipa::path(
    tag = "activities",
    params(ActivityQuery),
    responses((status = 200, description = "A page of activities", body = ActivityPage), BadRequest, Unauthorized, Forbidden, Unprocessable),
    security(("bearer" = []), ("api_key" = []))
)]
#[get("/activities")]
async fn list_activities(
    user: AuthUser,
    state: Data<AppState>,
    q: Query<ActivityQuery>,
) -> Result<Json<ActivityPage>, ApiError> {
    let (filter, sort, paging) = q.into_inner().split()?;
    Ok(Json(svc::list(&state.read, &user.0, &filter, sort.as_deref(), &paging).await?.into()))
}

/// Record an activity
#[utoipa::path(
    tag = "activities",
    request_body = ActivityCreate,
    responses(
        (status = 201, description = "Created", body = Activity, headers(("ETag" = String), ("Location" = String))),
        BadRequest, Unauthorized, Forbidden, PayloadTooLarge, UnsupportedMediaType, Unprocessable
    ),
    security(("bearer" = []), ("api_key" = []))
)]
#[post("/activities")]
async fn create_activity(
    user: AuthUser,
    state: Data<AppState>,
    body: Json<ActivityCreate>,
) -> Result<HttpResponse, ApiError> {
    let a = svc::create(&state.db, &user.0, body.into_inner().into()).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::ETAG, etag(a.version)))
        .insert_header((header::LOCATION, format!("/api/v1/activities/{}", a.id)))
        .json(Activity::from(a)))
}

/// Get an activity
#[utoipa::path(
    tag = "activities",
    params(("id" = i64, Path, description = "Activity id")),
    responses((status = 200, description = "The activity", body = Activity, headers(("ETag" = String))), BadRequest, Unauthorized, Forbidden, NotFound),
    security(("bearer" = []), ("api_key" = []))
)]
#[get("/activities/{id}")]
async fn get_activity(user: AuthUser, state: Data<AppState>, id: Path<i64>) -> Result<HttpResponse, ApiError> {
    let a = svc::get(&state.read, &user.0, id.into_inner()).await?;
    Ok(HttpResponse::Ok().insert_header((header::ETAG, etag(a.version))).json(Activity::from(a)))
}

/// Update an activity
#[utoipa::path(
    tag = "activities",
    params(("id" = i64, Path, description = "Activity id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read")),
    request_body = ActivityUpdate,
    responses(
        (status = 200, description = "The changed activity", body = Activity, headers(("ETag" = String))),
        BadRequest, Unauthorized, Forbidden, NotFound, PreconditionFailed, PayloadTooLarge, UnsupportedMediaType, Unprocessable
    ),
    security(("bearer" = []), ("api_key" = []))
)]
#[patch("/activities/{id}")]
async fn update_activity(
    user: AuthUser,
    state: Data<AppState>,
    id: Path<i64>,
    req: HttpRequest,
    body: Json<ActivityUpdate>,
) -> Result<HttpResponse, ApiError> {
    let a = svc::update(&state.db, &user.0, id.into_inner(), if_match(&req)?, body.into_inner().into()).await?;
    Ok(HttpResponse::Ok().insert_header((header::ETAG, etag(a.version))).json(Activity::from(a)))
}

/// Delete an activity
#[utoipa::path(
    tag = "activities",
    params(("id" = i64, Path, description = "Activity id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read")),
    responses((status = 204, description = "Deleted"), BadRequest, Unauthorized, Forbidden, NotFound, PreconditionFailed),
    security(("bearer" = []), ("api_key" = []))
)]
#[delete("/activities/{id}")]
async fn delete_activity(
    user: AuthUser,
    state: Data<AppState>,
    id: Path<i64>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    svc::delete(&state.db, &user.0, id.into_inner(), if_match(&req)?).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Complete an activity
///
/// Sets `done_at` to now; completing twice is 409 `conflict`.
#[utoipa::path(
    tag = "activities",
    params(("id" = i64, Path, description = "Activity id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read")),
    request_body(content = Option<ActivityComplete>, description = "Optional: the outcome"),
    responses(
        (status = 200, description = "The completed activity", body = Activity, headers(("ETag" = String))),
        BadRequest, Unauthorized, Forbidden, NotFound, Conflict, PreconditionFailed
    ),
    security(("bearer" = []), ("api_key" = []))
)]
#[post("/activities/{id}/complete")]
async fn complete_activity(
    user: AuthUser,
    state: Data<AppState>,
    id: Path<i64>,
    req: HttpRequest,
    body: actix_web::web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let body: ActivityComplete = optional_json(&body)?.unwrap_or_default();
    let a = svc::complete(&state.db, &user.0, id.into_inner(), if_match(&req)?, body.outcome).await?;
    Ok(HttpResponse::Ok().insert_header((header::ETAG, etag(a.version))).json(Activity::from(a)))
}

/// My follow-ups
///
/// Overdue activities, activities due today (UTC), and leads and opportunities without
/// activity for `idle_days` (default 14). Everyone reads their own; admins and managers
/// read anyone's with `user_id`.
#[utoipa::path(
    tag = "activities",
    params(FollowUpQuery),
    responses((status = 200, description = "The follow-up lists", body = FollowUps), BadRequest, Unauthorized, Forbidden, Unprocessable),
    security(("bearer" = []), ("api_key" = []))
)]
#[get("/follow-ups")]
async fn follow_ups(
    user: AuthUser,
    state: Data<AppState>,
    q: Query<FollowUpQuery>,
) -> Result<Json<FollowUps>, ApiError> {
    let now = rapport_domain::time::now();
    let f = svc::follow_ups(&state.read, &user.0, q.user_id, q.idle_days.unwrap_or(14), now).await?;
    Ok(Json(f.into()))
}
