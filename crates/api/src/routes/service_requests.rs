//! `/api/v1/service-requests`, a customer's requests and the service settings.

use actix_web::http::header;
use actix_web::web::{Data, Json, Path, Query};
use actix_web::{HttpRequest, HttpResponse, get, post, put};
use rapport_domain::services::service_requests::{self as svc, rating, settings};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::AuthUser;
use crate::dto::service_requests::*;
use crate::dto::{etag, if_match};
use crate::error::ApiError;
use crate::openapi::*;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(service_stats)
        .service(list_service_requests)
        .service(create_service_request)
        .service(get_service_request)
        .service(change_service_status)
        .service(assign_service_request)
        .service(add_service_update)
        .service(service_timeline)
        .service(rate_service_request)
        .service(customer_service_requests)
        .service(get_service_settings)
        .service(set_service_settings);
}

fn with_etag(r: svc::ServiceRequest) -> HttpResponse {
    HttpResponse::Ok().insert_header((header::ETAG, etag(r.version))).json(ServiceRequest::from(r))
}

/// Service statistics
///
/// Open and overdue counts, average first-response and resolution times, CSAT average and
/// distribution — in total, per agent, per priority and per month — for requests made in a period.
#[utoipa::path(
    tag = "service",
    params(StatsQuery),
    responses((status = 200, description = "The figures", body = ServiceStats), BadRequest, Unauthorized, Forbidden, Unprocessable),
    security(("bearer" = []), ("api_key" = []))
)]
#[get("/service-requests/stats")]
async fn service_stats(
    user: AuthUser,
    state: Data<AppState>,
    q: Query<StatsQuery>,
) -> Result<Json<ServiceStats>, ApiError> {
    let from = q.from.map(|t| t.naive_utc());
    let to = q.to.map(|t| t.naive_utc());
    Ok(Json(svc::stats(&state.read, &user.0, from, to).await?.into()))
}

/// List service requests
#[utoipa::path(
    tag = "service",
    params(ServiceRequestQuery),
    responses((status = 200, description = "A page of requests", body = ServiceRequestPage), BadRequest, Unauthorized, Forbidden, Unprocessable),
    security(("bearer" = []), ("api_key" = []))
)]
#[get("/service-requests")]
async fn list_service_requests(
    user: AuthUser,
    state: Data<AppState>,
    q: Query<ServiceRequestQuery>,
) -> Result<Json<ServiceRequestPage>, ApiError> {
    let (filter, sort, paging) = q.into_inner().split()?;
    Ok(Json(svc::list(&state.read, &user.0, &filter, sort.as_deref(), &paging).await?.into()))
}

/// Open a service request
///
/// The request gets its due time from the SLA of its priority and goes to the active
/// support agent with the fewest open requests (ties to the one idle longest).
#[utoipa::path(
    tag = "service",
    request_body = ServiceRequestCreate,
    responses(
        (status = 201, description = "Created", body = ServiceRequest, headers(("ETag" = String), ("Location" = String))),
        BadRequest, Unauthorized, Forbidden, PayloadTooLarge, UnsupportedMediaType, Unprocessable
    ),
    security(("bearer" = []), ("api_key" = []))
)]
#[post("/service-requests")]
async fn create_service_request(
    user: AuthUser,
    state: Data<AppState>,
    body: Json<ServiceRequestCreate>,
) -> Result<HttpResponse, ApiError> {
    let r = svc::create(&state.db, &user.0, body.into_inner().into()).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::ETAG, etag(r.version)))
        .insert_header((header::LOCATION, format!("/api/v1/service-requests/{}", r.id)))
        .json(ServiceRequest::from(r)))
}

/// Get a service request
#[utoipa::path(
    tag = "service",
    params(("id" = i64, Path, description = "Request id")),
    responses((status = 200, description = "The request", body = ServiceRequest, headers(("ETag" = String))), BadRequest, Unauthorized, Forbidden, NotFound),
    security(("bearer" = []), ("api_key" = []))
)]
#[get("/service-requests/{id}")]
async fn get_service_request(user: AuthUser, state: Data<AppState>, id: Path<i64>) -> Result<HttpResponse, ApiError> {
    Ok(with_etag(svc::get(&state.read, &user.0, id.into_inner()).await?))
}

/// Move a request's status
///
/// By the status table (409 `invalid_transition` otherwise). Resolving issues the rating link.
#[utoipa::path(
    tag = "service",
    params(("id" = i64, Path, description = "Request id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read")),
    request_body = StatusChange,
    responses(
        (status = 200, description = "The moved request", body = ServiceRequest, headers(("ETag" = String))),
        BadRequest, Unauthorized, Forbidden, NotFound, Conflict, PreconditionFailed, PayloadTooLarge, UnsupportedMediaType, Unprocessable
    ),
    security(("bearer" = []), ("api_key" = []))
)]
#[post("/service-requests/{id}/status")]
async fn change_service_status(
    user: AuthUser,
    state: Data<AppState>,
    id: Path<i64>,
    req: HttpRequest,
    body: Json<StatusChange>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner();
    let r =
        svc::change_status(&state.db, &user.0, id.into_inner(), if_match(&req)?, &b.status, b.note.as_deref()).await?;
    Ok(with_etag(r))
}

/// Reassign a request
#[utoipa::path(
    tag = "service",
    params(("id" = i64, Path, description = "Request id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read")),
    request_body = Assignment,
    responses(
        (status = 200, description = "The reassigned request", body = ServiceRequest, headers(("ETag" = String))),
        BadRequest, Unauthorized, Forbidden, NotFound, Conflict, PreconditionFailed, PayloadTooLarge, UnsupportedMediaType, Unprocessable
    ),
    security(("bearer" = []), ("api_key" = []))
)]
#[post("/service-requests/{id}/assign")]
async fn assign_service_request(
    user: AuthUser,
    state: Data<AppState>,
    id: Path<i64>,
    req: HttpRequest,
    body: Json<Assignment>,
) -> Result<HttpResponse, ApiError> {
    let r = svc::assign(&state.db, &user.0, id.into_inner(), if_match(&req)?, body.assignee_id).await?;
    Ok(with_etag(r))
}

/// Comment on a request
#[utoipa::path(
    tag = "service",
    params(("id" = i64, Path, description = "Request id")),
    request_body = CommentCreate,
    responses(
        (status = 201, description = "The new timeline entry", body = ServiceUpdate),
        BadRequest, Unauthorized, Forbidden, NotFound, PayloadTooLarge, UnsupportedMediaType, Unprocessable
    ),
    security(("bearer" = []), ("api_key" = []))
)]
#[post("/service-requests/{id}/updates")]
async fn add_service_update(
    user: AuthUser,
    state: Data<AppState>,
    id: Path<i64>,
    body: Json<CommentCreate>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner();
    let vis = b.visibility.as_deref().unwrap_or("internal");
    let u = svc::comment(&state.db, &user.0, id.into_inner(), &b.body, vis).await?;
    Ok(HttpResponse::Created().json(ServiceUpdate::from(u)))
}

/// A request's timeline
///
/// Every status change, assignment, comment and rating, oldest first (sales users see
/// only customer-visible entries).
#[utoipa::path(
    tag = "service",
    params(("id" = i64, Path, description = "Request id")),
    responses((status = 200, description = "Entries, oldest first", body = Vec<ServiceUpdate>), BadRequest, Unauthorized, Forbidden, NotFound),
    security(("bearer" = []), ("api_key" = []))
)]
#[get("/service-requests/{id}/timeline")]
async fn service_timeline(
    user: AuthUser,
    state: Data<AppState>,
    id: Path<i64>,
) -> Result<Json<Vec<ServiceUpdate>>, ApiError> {
    let entries = svc::timeline(&state.read, &user.0, id.into_inner()).await?;
    Ok(Json(entries.into_iter().map(ServiceUpdate::from).collect()))
}

/// Record a rating given to staff
///
/// For a resolved or closed request; a second rating is 409.
#[utoipa::path(
    tag = "service",
    params(("id" = i64, Path, description = "Request id")),
    request_body = RatingSubmit,
    responses(
        (status = 200, description = "The rated request", body = ServiceRequest, headers(("ETag" = String))),
        BadRequest, Unauthorized, Forbidden, NotFound, Conflict, PayloadTooLarge, UnsupportedMediaType, Unprocessable
    ),
    security(("bearer" = []), ("api_key" = []))
)]
#[post("/service-requests/{id}/rating")]
async fn rate_service_request(
    user: AuthUser,
    state: Data<AppState>,
    id: Path<i64>,
    body: Json<RatingSubmit>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner();
    Ok(with_etag(rating::rate_by_staff(&state.db, &user.0, id.into_inner(), b.rating, b.comment.as_deref()).await?))
}

/// A customer's service requests
#[utoipa::path(
    tag = "service",
    params(("id" = i64, Path, description = "Customer id"), ServiceRequestQuery),
    responses((status = 200, description = "A page of the customer's requests", body = ServiceRequestPage), BadRequest, Unauthorized, Forbidden, NotFound, Unprocessable),
    security(("bearer" = []), ("api_key" = []))
)]
#[get("/customers/{id}/service-requests")]
async fn customer_service_requests(
    user: AuthUser,
    state: Data<AppState>,
    id: Path<i64>,
    q: Query<ServiceRequestQuery>,
) -> Result<Json<ServiceRequestPage>, ApiError> {
    let id = id.into_inner();
    rapport_domain::services::customers::get(&state.read, &user.0, id).await?;
    let (mut filter, sort, paging) = q.into_inner().split()?;
    filter.customer_id = Some(id);
    Ok(Json(svc::list(&state.read, &user.0, &filter, sort.as_deref(), &paging).await?.into()))
}

/// Read the service settings
#[utoipa::path(
    tag = "settings",
    responses(
        (status = 200, description = "SLA hours and visibility", body = ServiceSettings, headers(("ETag" = String))),
        Unauthorized, Forbidden
    ),
    security(("bearer" = []), ("api_key" = []))
)]
#[get("/settings/service")]
async fn get_service_settings(user: AuthUser, state: Data<AppState>) -> Result<HttpResponse, ApiError> {
    let (s, version) = settings::get(&state.read, &user.0).await?;
    Ok(HttpResponse::Ok().insert_header((header::ETAG, etag(version))).json(ServiceSettings::from(s)))
}

/// Set the service settings
///
/// New SLA hours apply to requests opened from now on. With `If-Match`, only when nobody
/// changed the settings since you read them (412 otherwise).
#[utoipa::path(
    tag = "settings",
    params(("If-Match" = Option<String>, Header, description = "ETag of the version you read")),
    request_body = ServiceSettings,
    responses(
        (status = 200, description = "The new settings", body = ServiceSettings, headers(("ETag" = String))),
        BadRequest, Unauthorized, Forbidden, PreconditionFailed, PayloadTooLarge, UnsupportedMediaType, Unprocessable
    ),
    security(("bearer" = []), ("api_key" = []))
)]
#[put("/settings/service")]
async fn set_service_settings(
    user: AuthUser,
    state: Data<AppState>,
    req: HttpRequest,
    body: Json<ServiceSettings>,
) -> Result<HttpResponse, ApiError> {
    let (s, version) = settings::set(&state.db, &user.0, body.into_inner().into(), if_match(&req)?).await?;
    Ok(HttpResponse::Ok().insert_header((header::ETAG, etag(version))).json(ServiceSettings::from(s)))
}
