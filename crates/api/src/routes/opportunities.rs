//! `/api/v1/opportunities`.

use actix_web::http::header;
use actix_web::web::{Data, Json, Path, Query};
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post};
use rapport_domain::services::opportunities as svc;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::AuthUser;
use crate::dto::opportunities::*;
use crate::dto::{etag, if_match};
use crate::error::ApiError;
use crate::openapi::*;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(opportunity_pipeline)
        .service(list_opportunities)
        .service(create_opportunity)
        .service(get_opportunity)
        .service(update_opportunity)
        .service(delete_opportunity);
}

/// The pipeline by stage
///
/// Every stage with its count, total amount and weighted amount (amount × probability).
#[utoipa::path(
    tag = "opportunities",
    params(PipelineQuery),
    responses((status = 200, description = "One row per stage, in pipeline order", body = Vec<PipelineStage>), BadRequest, Unauthorized, Forbidden),
    security(("bearer" = []), ("api_key" = []))
)]
#[get("/opportunities/pipeline")]
async fn opportunity_pipeline(
    user: AuthUser,
    state: Data<AppState>,
    q: Query<PipelineQuery>,
) -> Result<Json<Vec<PipelineStage>>, ApiError> {
    let stages = svc::pipeline(&state.read, &user.0, &q.into_inner().into()).await?;
    Ok(Json(stages.into_iter().map(PipelineStage::from).collect()))
}

/// List opportunities
#[utoipa::path(
    tag = "opportunities",
    params(OpportunityQuery),
    responses((status = 200, description = "A page of opportunities", body = OpportunityPage), BadRequest, Unauthorized, Forbidden, Unprocessable),
    security(("bearer" = []), ("api_key" = []))
)]
#[get("/opportunities")]
async fn list_opportunities(
    user: AuthUser,
    state: Data<AppState>,
    q: Query<OpportunityQuery>,
) -> Result<Json<OpportunityPage>, ApiError> {
    let (filter, sort, paging) = q.into_inner().split()?;
    Ok(Json(svc::list(&state.read, &user.0, &filter, sort.as_deref(), &paging).await?.into()))
}

/// Create an opportunity
#[utoipa::path(
    tag = "opportunities",
    request_body = OpportunityCreate,
    responses(
        (status = 201, description = "Created", body = Opportunity, headers(("ETag" = String), ("Location" = String))),
        BadRequest, Unauthorized, Forbidden, PayloadTooLarge, UnsupportedMediaType, Unprocessable
    ),
    security(("bearer" = []), ("api_key" = []))
)]
#[post("/opportunities")]
async fn create_opportunity(
    user: AuthUser,
    state: Data<AppState>,
    body: Json<OpportunityCreate>,
) -> Result<HttpResponse, ApiError> {
    let o = svc::create(&state.db, &user.0, body.into_inner().into()).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::ETAG, etag(o.version)))
        .insert_header((header::LOCATION, format!("/api/v1/opportunities/{}", o.id)))
        .json(Opportunity::from(o)))
}

/// Get an opportunity
#[utoipa::path(
    tag = "opportunities",
    params(("id" = i64, Path, description = "Opportunity id")),
    responses((status = 200, description = "The opportunity", body = Opportunity, headers(("ETag" = String))), BadRequest, Unauthorized, Forbidden, NotFound),
    security(("bearer" = []), ("api_key" = []))
)]
#[get("/opportunities/{id}")]
async fn get_opportunity(user: AuthUser, state: Data<AppState>, id: Path<i64>) -> Result<HttpResponse, ApiError> {
    let o = svc::get(&state.read, &user.0, id.into_inner()).await?;
    Ok(HttpResponse::Ok().insert_header((header::ETAG, etag(o.version))).json(Opportunity::from(o)))
}

/// Update an opportunity
///
/// Stage moves outside the rule table are 409 `invalid_transition`; `lost` needs a `lost_reason`.
#[utoipa::path(
    tag = "opportunities",
    params(("id" = i64, Path, description = "Opportunity id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read")),
    request_body = OpportunityUpdate,
    responses(
        (status = 200, description = "The changed opportunity", body = Opportunity, headers(("ETag" = String))),
        BadRequest, Unauthorized, Forbidden, NotFound, Conflict, PreconditionFailed, PayloadTooLarge, UnsupportedMediaType, Unprocessable
    ),
    security(("bearer" = []), ("api_key" = []))
)]
#[patch("/opportunities/{id}")]
async fn update_opportunity(
    user: AuthUser,
    state: Data<AppState>,
    id: Path<i64>,
    req: HttpRequest,
    body: Json<OpportunityUpdate>,
) -> Result<HttpResponse, ApiError> {
    let o = svc::update(&state.db, &user.0, id.into_inner(), if_match(&req)?, body.into_inner().into()).await?;
    Ok(HttpResponse::Ok().insert_header((header::ETAG, etag(o.version))).json(Opportunity::from(o)))
}

/// Delete an opportunity
#[utoipa::path(
    tag = "opportunities",
    params(("id" = i64, Path, description = "Opportunity id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read")),
    responses((status = 204, description = "Deleted"), BadRequest, Unauthorized, Forbidden, NotFound, PreconditionFailed),
    security(("bearer" = []), ("api_key" = []))
)]
#[delete("/opportunities/{id}")]
async fn delete_opportunity(
    user: AuthUser,
    state: Data<AppState>,
    id: Path<i64>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    svc::delete(&state.db, &user.0, id.into_inner(), if_match(&req)?).await?;
    Ok(HttpResponse::NoContent().finish())
}
