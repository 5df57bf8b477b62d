//! `/api/v1/leads` and the lead-assignment setting.

use actix_web::http::header;
use actix_web::web::{Data, Json, Path, Query};
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, put};
use rapport_domain::services::leads as svc;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::AuthUser;
use crate::dto::etag;
use crate::dto::if_match;
use crate::dto::leads::*;
use crate::error::ApiError;
use crate::openapi::*;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_leads)
        .service(create_lead)
        .service(get_lead)
        .service(update_lead)
        .service(delete_lead)
        .service(convert_lead)
        .service(get_lead_assignment)
        .service(set_lead_assignment);
}

/// List leads
#[utoipa::path(
    tag = "leads",
    params(LeadQuery),
    responses((status = 200, description = "A page of leads", body = LeadPage), BadRequest, Unauthorized, Forbidden, Unprocessable),
    security(("bearer" = []), ("api_key" = []))
)]
#[get("/leads")]
async fn list_leads(user: AuthUser, state: Data<AppState>, q: Query<LeadQuery>) -> Result<Json<LeadPage>, ApiError> {
    let (filter, sort, paging) = q.into_inner().split()?;
    Ok(Json(svc::list(&state.read, &user.0, &filter, sort.as_deref(), &paging).await?.into()))
}

/// Create a lead
///
/// Without `owner_id` the lead is assigned to an active sales rep by the configured rule
/// (a sales rep creating it owns it; no active rep leaves it unassigned).
#[utoipa::path(
    tag = "leads",
    request_body = LeadCreate,
    responses(
        (status = 201, description = "Created", body = Lead, headers(("ETag" = String), ("Location" = String))),
        BadRequest, Unauthorized, Forbidden, PayloadTooLarge, UnsupportedMediaType, Unprocessable
    ),
    security(("bearer" = []), ("api_key" = []))
)]
#[post("/leads")]
async fn create_lead(user: AuthUser, state: Data<AppState>, body: Json<LeadCreate>) -> Result<HttpResponse, ApiError> {
    let l = svc::create(&state.db, &user.0, body.into_inner().into()).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::ETAG, etag(l.version)))
        .insert_header((header::LOCATION, format!("/api/v1/leads/{}", l.id)))
        .json(Lead::from(l)))
}

/// Get a lead
#[utoipa::path(
    tag = "leads",
    params(("id" = i64, Path, description = "Lead id")),
    responses((status = 200, description = "The lead", body = Lead, headers(("ETag" = String))), BadRequest, Unauthorized, Forbidden, NotFound),
    security(("bearer" = []), ("api_key" = []))
)]
#[get("/leads/{id}")]
async fn get_lead(user: AuthUser, state: Data<AppState>, id: Path<i64>) -> Result<HttpResponse, ApiError> {
    let l = svc::get(&state.read, &user.0, id.into_inner()).await?;
    Ok(HttpResponse::Ok().insert_header((header::ETAG, etag(l.version))).json(Lead::from(l)))
}

/// Update a lead
///
/// A status move outside the rule table is 409 `invalid_transition`, naming the allowed moves.
#[utoipa::path(
    tag = "leads",
    params(("id" = i64, Path, description = "Lead id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read")),
    request_body = LeadUpdate,
    responses(
        (status = 200, description = "The changed lead", body = Lead, headers(("ETag" = String))),
        BadRequest, Unauthorized, Forbidden, NotFound, Conflict, PreconditionFailed, PayloadTooLarge, UnsupportedMediaType, Unprocessable
    ),
    security(("bearer" = []), ("api_key" = []))
)]
#[patch("/leads/{id}")]
async fn update_lead(
    user: AuthUser,
    state: Data<AppState>,
    id: Path<i64>,
    req: HttpRequest,
    body: Json<LeadUpdate>,
) -> Result<HttpResponse, ApiError> {
    let l = svc::update(&state.db, &user.0, id.into_inner(), if_match(&req)?, body.into_inner().into()).await?;
    Ok(HttpResponse::Ok().insert_header((header::ETAG, etag(l.version))).json(Lead::from(l)))
}

/// Delete a lead
#[utoipa::path(
    tag = "leads",
    params(("id" = i64, Path, description = "Lead id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read")),
    responses((status = 204, description = "Deleted"), BadRequest, Unauthorized, Forbidden, NotFound, PreconditionFailed),
    security(("bearer" = []), ("api_key" = []))
)]
#[delete("/leads/{id}")]
async fn delete_lead(
    user: AuthUser,
    state: Data<AppState>,
    id: Path<i64>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    svc::delete(&state.db, &user.0, id.into_inner(), if_match(&req)?).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Convert a qualified lead
///
/// In one transaction: links the customer with the lead's email or creates one (owned by
/// the lead's owner), creates an opportunity, and marks the lead converted. Only a
/// qualified lead converts (409 `invalid_transition`); converting twice is 409 `conflict`.
#[utoipa::path(
    tag = "leads",
    params(("id" = i64, Path, description = "Lead id")),
    request_body(content = LeadConvert, description = "Optional opportunity details; `{}` takes the defaults"),
    responses(
        (status = 201, description = "Converted", body = LeadConversion),
        BadRequest, Unauthorized, Forbidden, NotFound, Conflict, PayloadTooLarge, UnsupportedMediaType, Unprocessable
    ),
    security(("bearer" = []), ("api_key" = []))
)]
#[post("/leads/{id}/convert")]
async fn convert_lead(
    user: AuthUser,
    state: Data<AppState>,
    id: Path<i64>,
    body: Json<LeadConvert>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner();
    let opts = svc::Conversion {
        opportunity_title: b.opportunity_title,
        amount: b.amount,
        expected_close_date: b.expected_close_date,
    };
    let done = svc::convert(&state.db, &user.0, id.into_inner(), opts).await?;
    Ok(HttpResponse::Created().json(LeadConversion::from(done)))
}

/// Read the lead-assignment rule
#[utoipa::path(
    tag = "settings",
    responses(
        (status = 200, description = "The rule", body = LeadAssignment, headers(("ETag" = String))),
        Unauthorized, Forbidden
    ),
    security(("bearer" = []), ("api_key" = []))
)]
#[get("/settings/lead-assignment")]
async fn get_lead_assignment(user: AuthUser, state: Data<AppState>) -> Result<HttpResponse, ApiError> {
    let (rule, version) = svc::get_assignment_rule(&state.read, &user.0).await?;
    Ok(HttpResponse::Ok().insert_header((header::ETAG, etag(version))).json(LeadAssignment { rule: rule.into() }))
}

/// Set the lead-assignment rule
///
/// With `If-Match`, only when nobody changed the rule since you read it (412 otherwise).
#[utoipa::path(
    tag = "settings",
    params(("If-Match" = Option<String>, Header, description = "ETag of the version you read")),
    request_body = LeadAssignment,
    responses(
        (status = 200, description = "The new rule", body = LeadAssignment, headers(("ETag" = String))),
        BadRequest, Unauthorized, Forbidden, PreconditionFailed, PayloadTooLarge, UnsupportedMediaType, Unprocessable
    ),
    security(("bearer" = []), ("api_key" = []))
)]
#[put("/settings/lead-assignment")]
async fn set_lead_assignment(
    user: AuthUser,
    state: Data<AppState>,
    req: HttpRequest,
    body: Json<LeadAssignment>,
) -> Result<HttpResponse, ApiError> {
    let (rule, version) =
        svc::set_assignment_rule(&state.db, &user.0, body.into_inner().rule.into(), if_match(&req)?).await?;
    Ok(HttpResponse::Ok().insert_header((header::ETAG, etag(version))).json(LeadAssignment { rule: rule.into() }))
}
