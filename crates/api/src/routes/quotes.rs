//! `/api/v1/quotes` and `/api/v1/opportunities/{id}/quote`.

use actix_web::http::header;
use actix_web::web::{Data, Json, Path, Query};
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post};
use rapport_domain::services::quotes as svc;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::AuthUser;
use crate::dto::quotes::*;
use crate::dto::{etag, if_match};
use crate::error::ApiError;
use crate::openapi::*;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    // Fixed paths before `{id}` paths.
    cfg.service(list_quotes)
        .service(create_quote)
        .service(quote_from_opportunity)
        .service(get_quote)
        .service(update_quote)
        .service(delete_quote)
        .service(send_quote)
        .service(accept_quote)
        .service(reject_quote);
}

/// 200 with the quote and its `ETag`.
fn ok(q: svc::Quote) -> HttpResponse {
    HttpResponse::Ok().insert_header((header::ETAG, etag(q.version))).json(Quote::from(q))
}

/// 201 with the new quote, its `ETag` and `Location`.
fn created(q: svc::Quote) -> HttpResponse {
    HttpResponse::Created()
        .insert_header((header::ETAG, etag(q.version)))
        .insert_header((header::LOCATION, format!("/api/v1/quotes/{}", q.id)))
        .json(Quote::from(q))
}

/// List quotes
///
/// Filter, sort, and page by number (`page`) or by keyset (`cursor`). `status=expired`
/// finds draft and sent quotes whose validity has passed.
#[utoipa::path(
    tag = "quotes",
    params(QuoteQuery),
    responses((status = 200, description = "A page of quotes", body = QuotePage), BadRequest, Unauthorized, Forbidden, Unprocessable),
    security(("bearer" = []), ("api_key" = []))
)]
#[get("/quotes")]
async fn list_quotes(user: AuthUser, state: Data<AppState>, q: Query<QuoteQuery>) -> Result<Json<QuotePage>, ApiError> {
    let (filter, sort, paging) = q.into_inner().split()?;
    let page = svc::list(&state.read, &user.0, &filter, sort.as_deref(), &paging).await?;
    Ok(Json(page.into()))
}

/// Create a quote
///
/// A draft for a customer you can see. Lines without `unit_price` take the product's
/// price, lines without `description` its name. The number (`Q-2026-000123`) and
/// every amount are set by the server; sending a total is refused.
#[utoipa::path(
    tag = "quotes",
    request_body = QuoteCreate,
    responses(
        (status = 201, description = "Created", body = Quote, headers(("ETag" = String), ("Location" = String))),
        BadRequest, Unauthorized, Forbidden, PayloadTooLarge, UnsupportedMediaType, Unprocessable
    ),
    security(("bearer" = []), ("api_key" = []))
)]
#[post("/quotes")]
async fn create_quote(
    user: AuthUser,
    state: Data<AppState>,
    body: Json<QuoteCreate>,
) -> Result<HttpResponse, ApiError> {
    let q = svc::create(&state.db, &user.0, body.into_inner().into()).await?;
    Ok(created(q))
}

/// Quote an opportunity
///
/// A draft quote for the opportunity's customer, owned by the opportunity's owner,
/// priced from the catalogue. An inactive or deleted product is refused, naming the
/// line (`lines[1].product_id`).
#[utoipa::path(
    tag = "quotes",
    params(("id" = i64, Path, description = "Opportunity id")),
    request_body = OpportunityQuoteCreate,
    responses(
        (status = 201, description = "Created", body = Quote, headers(("ETag" = String), ("Location" = String))),
        BadRequest, Unauthorized, Forbidden, NotFound, PayloadTooLarge, UnsupportedMediaType, Unprocessable
    ),
    security(("bearer" = []), ("api_key" = []))
)]
#[post("/opportunities/{id}/quote")]
async fn quote_from_opportunity(
    user: AuthUser,
    state: Data<AppState>,
    id: Path<i64>,
    body: Json<OpportunityQuoteCreate>,
) -> Result<HttpResponse, ApiError> {
    let q = svc::from_opportunity(&state.db, &user.0, id.into_inner(), body.into_inner().into()).await?;
    Ok(created(q))
}

/// Get a quote
#[utoipa::path(
    tag = "quotes",
    params(("id" = i64, Path, description = "Quote id")),
    responses((status = 200, description = "The quote", body = Quote, headers(("ETag" = String))), BadRequest, Unauthorized, Forbidden, NotFound),
    security(("bearer" = []), ("api_key" = []))
)]
#[get("/quotes/{id}")]
async fn get_quote(user: AuthUser, state: Data<AppState>, id: Path<i64>) -> Result<HttpResponse, ApiError> {
    Ok(ok(svc::get(&state.read, &user.0, id.into_inner()).await?))
}

/// Update a draft quote
///
/// Only drafts change (409 `conflict` otherwise). Absent fields stay; `lines`
/// replaces every line and the totals are computed again. Send `If-Match` with the
/// `ETag` you read (412 when stale).
#[utoipa::path(
    tag = "quotes",
    params(("id" = i64, Path, description = "Quote id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read")),
    request_body = QuoteUpdate,
    responses(
        (status = 200, description = "The changed quote", body = Quote, headers(("ETag" = String))),
        BadRequest, Unauthorized, Forbidden, NotFound, Conflict, PreconditionFailed, PayloadTooLarge, UnsupportedMediaType, Unprocessable
    ),
    security(("bearer" = []), ("api_key" = []))
)]
#[patch("/quotes/{id}")]
async fn update_quote(
    user: AuthUser,
    state: Data<AppState>,
    id: Path<i64>,
    req: HttpRequest,
    body: Json<QuoteUpdate>,
) -> Result<HttpResponse, ApiError> {
    let q = svc::update(&state.db, &user.0, id.into_inner(), if_match(&req)?, body.into_inner().into()).await?;
    Ok(ok(q))
}

/// Delete a draft quote
///
/// A soft delete, for drafts only (409 `conflict` otherwise).
#[utoipa::path(
    tag = "quotes",
    params(("id" = i64, Path, description = "Quote id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read")),
    responses((status = 204, description = "Deleted"), BadRequest, Unauthorized, Forbidden, NotFound, Conflict, PreconditionFailed),
    security(("bearer" = []), ("api_key" = []))
)]
#[delete("/quotes/{id}")]
async fn delete_quote(
    user: AuthUser,
    state: Data<AppState>,
    id: Path<i64>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    svc::delete(&state.db, &user.0, id.into_inner(), if_match(&req)?).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Send a quote
///
/// draft → sent. An expired draft cannot be sent (409 `invalid_transition`).
#[utoipa::path(
    tag = "quotes",
    params(("id" = i64, Path, description = "Quote id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read")),
    responses(
        (status = 200, description = "The sent quote", body = Quote, headers(("ETag" = String))),
        BadRequest, Unauthorized, Forbidden, NotFound, Conflict, PreconditionFailed
    ),
    security(("bearer" = []), ("api_key" = []))
)]
#[post("/quotes/{id}/send")]
async fn send_quote(
    user: AuthUser,
    state: Data<AppState>,
    id: Path<i64>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    Ok(ok(svc::send(&state.db, &user.0, id.into_inner(), if_match(&req)?).await?))
}

/// Accept a quote
///
/// sent → accepted, in one step: the order is created with the quote's lines,
/// amounts and tax (`order_id`), and the quote's opportunity, if any, is won. An
/// expired quote cannot be accepted (409 `invalid_transition`).
#[utoipa::path(
    tag = "quotes",
    params(("id" = i64, Path, description = "Quote id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read")),
    responses(
        (status = 200, description = "The accepted quote", body = Quote, headers(("ETag" = String))),
        BadRequest, Unauthorized, Forbidden, NotFound, Conflict, PreconditionFailed
    ),
    security(("bearer" = []), ("api_key" = []))
)]
#[post("/quotes/{id}/accept")]
async fn accept_quote(
    user: AuthUser,
    state: Data<AppState>,
    id: Path<i64>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    Ok(ok(svc::accept(&state.db, &user.0, id.into_inner(), if_match(&req)?).await?))
}

/// Reject a quote
///
/// draft or sent → rejected.
#[utoipa::path(
    tag = "quotes",
    params(("id" = i64, Path, description = "Quote id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read")),
    responses(
        (status = 200, description = "The rejected quote", body = Quote, headers(("ETag" = String))),
        BadRequest, Unauthorized, Forbidden, NotFound, Conflict, PreconditionFailed
    ),
    security(("bearer" = []), ("api_key" = []))
)]
#[post("/quotes/{id}/reject")]
async fn reject_quote(
    user: AuthUser,
    state: Data<AppState>,
    id: Path<i64>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    Ok(ok(svc::reject(&state.db, &user.0, id.into_inner(), if_match(&req)?).await?))
}
