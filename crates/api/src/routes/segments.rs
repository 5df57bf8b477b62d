//! `/api/v1/segments`: saved customer filters for marketing.

use actix_web::http::header;
use actix_web::web::{Data, Json, Path, Query};
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post};
use rapport_domain::list::Paging;
use rapport_domain::services::segments as svc;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::AuthUser;
use crate::dto::segments::*;
use crate::dto::{etag, if_match, paging};
use crate::error::ApiError;
use crate::openapi::*;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(preview_segment)
        .service(list_segments)
        .service(create_segment)
        .service(get_segment)
        .service(update_segment)
        .service(delete_segment)
        .service(segment_members);
}

/// Numbered paging (page, per_page) from a query.
pub(crate) fn numbered(page: Option<u64>, per_page: Option<u64>) -> Result<(u64, u64), ApiError> {
    match paging(page, per_page, None, None)? {
        Paging::Offset { page, per_page, .. } => Ok((page, per_page)),
        Paging::Cursor { .. } => Err(ApiError::bad_request("this list is read in numbered pages")),
    }
}

/// Preview a filter
///
/// How many customers the filter holds now, and the first ten by id. Nothing is saved.
#[utoipa::path(
    tag = "marketing",
    request_body = SegmentPreviewRequest,
    responses((status = 200, description = "Count and sample", body = SegmentPreview), BadRequest, Unauthorized, Forbidden, PayloadTooLarge, UnsupportedMediaType, Unprocessable),
    security(("bearer" = []), ("api_key" = []))
)]
#[post("/segments/preview")]
async fn preview_segment(
    user: AuthUser,
    state: Data<AppState>,
    body: Json<SegmentPreviewRequest>,
) -> Result<Json<SegmentPreview>, ApiError> {
    Ok(Json(svc::preview(&state.db, &user.0, body.into_inner().filter.into()).await?.into()))
}

/// List segments
#[utoipa::path(
    tag = "marketing",
    params(PageQuery),
    responses((status = 200, description = "Segments by name", body = SegmentPage), BadRequest, Unauthorized, Forbidden, Unprocessable),
    security(("bearer" = []), ("api_key" = []))
)]
#[get("/segments")]
async fn list_segments(
    user: AuthUser,
    state: Data<AppState>,
    q: Query<PageQuery>,
) -> Result<Json<SegmentPage>, ApiError> {
    let (page, per_page) = numbered(q.page, q.per_page)?;
    Ok(Json(svc::list(&state.read, &user.0, page, per_page).await?.into()))
}

/// Save a segment
#[utoipa::path(
    tag = "marketing",
    request_body = SegmentCreate,
    responses(
        (status = 201, description = "Created", body = Segment, headers(("ETag" = String), ("Location" = String))),
        BadRequest, Unauthorized, Forbidden, PayloadTooLarge, UnsupportedMediaType, Unprocessable
    ),
    security(("bearer" = []), ("api_key" = []))
)]
#[post("/segments")]
async fn create_segment(
    user: AuthUser,
    state: Data<AppState>,
    body: Json<SegmentCreate>,
) -> Result<HttpResponse, ApiError> {
    let s = svc::create(&state.db, &user.0, body.into_inner().into()).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::ETAG, etag(s.version)))
        .insert_header((header::LOCATION, format!("/api/v1/segments/{}", s.id)))
        .json(Segment::from(s)))
}

/// Get a segment
#[utoipa::path(
    tag = "marketing",
    params(("id" = i64, Path, description = "Segment id")),
    responses((status = 200, description = "The segment", body = Segment, headers(("ETag" = String))), BadRequest, Unauthorized, Forbidden, NotFound),
    security(("bearer" = []), ("api_key" = []))
)]
#[get("/segments/{id}")]
async fn get_segment(user: AuthUser, state: Data<AppState>, id: Path<i64>) -> Result<HttpResponse, ApiError> {
    let s = svc::get(&state.read, &user.0, id.into_inner()).await?;
    Ok(HttpResponse::Ok().insert_header((header::ETAG, etag(s.version))).json(Segment::from(s)))
}

/// Update a segment
#[utoipa::path(
    tag = "marketing",
    params(("id" = i64, Path, description = "Segment id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read")),
    request_body = SegmentUpdate,
    responses(
        (status = 200, description = "The changed segment", body = Segment, headers(("ETag" = String))),
        BadRequest, Unauthorized, Forbidden, NotFound, PreconditionFailed, PayloadTooLarge, UnsupportedMediaType, Unprocessable
    ),
    security(("bearer" = []), ("api_key" = []))
)]
#[patch("/segments/{id}")]
async fn update_segment(
    user: AuthUser,
    state: Data<AppState>,
    id: Path<i64>,
    req: HttpRequest,
    body: Json<SegmentUpdate>,
) -> Result<HttpResponse, ApiError> {
    let s = svc::update(&state.db, &user.0, id.into_inner(), if_match(&req)?, body.into_inner().into()).await?;
    Ok(HttpResponse::Ok().insert_header((header::ETAG, etag(s.version))).json(Segment::from(s)))
}

/// Delete a segment
#[utoipa::path(
    tag = "marketing",
    params(("id" = i64, Path, description = "Segment id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read")),
    responses((status = 204, description = "Deleted"), BadRequest, Unauthorized, Forbidden, NotFound, PreconditionFailed),
    security(("bearer" = []), ("api_key" = []))
)]
#[delete("/segments/{id}")]
async fn delete_segment(
    user: AuthUser,
    state: Data<AppState>,
    id: Path<i64>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    svc::delete(&state.db, &user.0, id.into_inner(), if_match(&req)?).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A segment's members
///
/// The customers the segment holds now, by id; pass `next_after` as `after` for the next page.
#[utoipa::path(
    tag = "marketing",
    params(("id" = i64, Path, description = "Segment id"), MemberQuery),
    responses((status = 200, description = "Members", body = SegmentMemberPage), BadRequest, Unauthorized, Forbidden, NotFound, Unprocessable),
    security(("bearer" = []), ("api_key" = []))
)]
#[get("/segments/{id}/customers")]
async fn segment_members(
    user: AuthUser,
    state: Data<AppState>,
    id: Path<i64>,
    q: Query<MemberQuery>,
) -> Result<Json<SegmentMemberPage>, ApiError> {
    let per_page = q.per_page.unwrap_or(100);
    if !(1..=1000).contains(&per_page) {
        return Err(rapport_domain::DomainError::invalid("per_page", "must be between 1 and 1000").into());
    }
    let after = q.after.unwrap_or(0);
    if after < 0 {
        return Err(rapport_domain::DomainError::invalid("after", "must be 0 or more").into());
    }
    let (items, total) = svc::members(&state.db, &user.0, id.into_inner(), after, per_page).await?;
    let next_after = (items.len() as u64 == per_page).then(|| items.last().map(|m| m.id)).flatten();
    Ok(Json(SegmentMemberPage { items: items.into_iter().map(Into::into).collect(), total, next_after }))
}
