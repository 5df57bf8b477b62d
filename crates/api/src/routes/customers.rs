//! `/api/v1/customers`.

use actix_web::http::header;
use actix_web::web::{Bytes, Data, Json, Path, Payload, Query};
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post};
use futures_util::stream;
use rapport_domain::repo::customers::CustomerFilter;
use rapport_domain::services::{customers as svc, timeline};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::AuthUser;
use crate::dto::customers::*;
use crate::dto::{etag, if_match};
use crate::error::ApiError;
use crate::openapi::*;
use crate::startup::IMPORT_LIMIT;
use crate::state::AppState;

/// Rows per chunk of the CSV export.
const EXPORT_CHUNK: u64 = 1000;

pub fn configure(cfg: &mut ServiceConfig) {
    // Fixed paths before `{id}` so that `export.csv` is not read as an id.
    cfg.service(export_customers)
        .service(import_customers)
        .service(list_customers)
        .service(create_customer)
        .service(get_customer)
        .service(update_customer)
        .service(delete_customer)
        .service(customer_timeline);
}

/// List customers
///
/// Search with `q`, filter, sort, and page by number (`page`) or by keyset (`cursor`).
#[utoipa::path(
    tag = "customers",
    params(CustomerQuery),
    responses((status = 200, description = "A page of customers", body = CustomerPage), BadRequest, Unauthorized, Forbidden, Unprocessable),
    security(("bearer" = []), ("api_key" = []))
)]
#[get("/customers")]
async fn list_customers(
    user: AuthUser,
    state: Data<AppState>,
    q: Query<CustomerQuery>,
) -> Result<Json<CustomerPage>, ApiError> {
    let (filter, sort, paging) = q.into_inner().split()?;
    // RFM scores are brought up to date on the writer before they are read.
    let db = if filter.rfm_segment.is_some() { &state.db } else { &state.read };
    let page = svc::list(db, &user.0, &filter, sort.as_deref(), &paging).await?;
    Ok(Json(page.into()))
}

/// Create a customer
///
/// A sales user becomes the owner unless another is given (which a sales user may not do).
#[utoipa::path(
    tag = "customers",
    request_body = CustomerCreate,
    responses(
        (status = 201, description = "Created", body = Customer, headers(("ETag" = String), ("Location" = String))),
        BadRequest, Unauthorized, Forbidden, Conflict, PayloadTooLarge, UnsupportedMediaType, Unprocessable
    ),
    security(("bearer" = []), ("api_key" = []))
)]
#[post("/customers")]
async fn create_customer(
    user: AuthUser,
    state: Data<AppState>,
    body: Json<CustomerCreate>,
) -> Result<HttpResponse, ApiError> {
    let c = state.creates.create(&user.0, body.into_inner().into()).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::ETAG, etag(c.version)))
        .insert_header((header::LOCATION, format!("/api/v1/customers/{}", c.id)))
        .json(Customer::from(c)))
}

/// Get a customer
#[utoipa::path(
    tag = "customers",
    params(("id" = i64, Path, description = "Customer id")),
    responses((status = 200, description = "The customer", body = Customer, headers(("ETag" = String))), BadRequest, Unauthorized, Forbidden, NotFound),
    security(("bearer" = []), ("api_key" = []))
)]
#[get("/customers/{id}")]
async fn get_customer(user: AuthUser, state: Data<AppState>, id: Path<i64>) -> Result<HttpResponse, ApiError> {
    let c = svc::get(&state.read, &user.0, id.into_inner()).await?;
    Ok(HttpResponse::Ok().insert_header((header::ETAG, etag(c.version))).json(Customer::from(c)))
}

/// Update a customer
///
/// Only the fields present change; `null` clears a field. Send `If-Match` with the
/// `ETag` you read to be sure no one else saved in between (412 otherwise).
#[utoipa::path(
    tag = "customers",
    params(("id" = i64, Path, description = "Customer id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read")),
    request_body = CustomerUpdate,
    responses(
        (status = 200, description = "The changed customer", body = Customer, headers(("ETag" = String))),
        BadRequest, Unauthorized, Forbidden, NotFound, Conflict, PreconditionFailed, PayloadTooLarge, UnsupportedMediaType, Unprocessable
    ),
    security(("bearer" = []), ("api_key" = []))
)]
#[patch("/customers/{id}")]
async fn update_customer(
    user: AuthUser,
    state: Data<AppState>,
    id: Path<i64>,
    req: HttpRequest,
    body: Json<CustomerUpdate>,
) -> Result<HttpResponse, ApiError> {
    let c = svc::update(&state.db, &user.0, id.into_inner(), if_match(&req)?, body.into_inner().into()).await?;
    Ok(HttpResponse::Ok().insert_header((header::ETAG, etag(c.version))).json(Customer::from(c)))
}

/// Delete a customer
///
/// A soft delete: the customer leaves every list and search; the history stays.
#[utoipa::path(
    tag = "customers",
    params(("id" = i64, Path, description = "Customer id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read")),
    responses((status = 204, description = "Deleted"), BadRequest, Unauthorized, Forbidden, NotFound, PreconditionFailed),
    security(("bearer" = []), ("api_key" = []))
)]
#[delete("/customers/{id}")]
async fn delete_customer(
    user: AuthUser,
    state: Data<AppState>,
    id: Path<i64>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    svc::delete(&state.db, &user.0, id.into_inner(), if_match(&req)?).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A customer's timeline
///
/// The customer's history, newest first.
#[utoipa::path(
    tag = "customers",
    params(("id" = i64, Path, description = "Customer id"), TimelineQuery),
    responses((status = 200, description = "Entries, newest first", body = Vec<TimelineEntry>), BadRequest, Unauthorized, Forbidden, NotFound, Unprocessable),
    security(("bearer" = []), ("api_key" = []))
)]
#[get("/customers/{id}/timeline")]
async fn customer_timeline(
    user: AuthUser,
    state: Data<AppState>,
    id: Path<i64>,
    q: Query<TimelineQuery>,
) -> Result<Json<Vec<TimelineEntry>>, ApiError> {
    let limit = q.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(rapport_domain::DomainError::invalid("limit", "must be between 1 and 200").into());
    }
    let entries = timeline::for_customer(&state.read, &user.0, id.into_inner(), q.before, limit).await?;
    Ok(Json(entries.into_iter().map(TimelineEntry::from).collect()))
}

/// Import customers from CSV
///
/// A header row of column names (name required; also email, phone, address, city,
/// birthday as YYYY-MM-DD, company, tags separated by `;`, source, notes), then one
/// customer per row. All rows or none: any problem rejects the file and lists every
/// bad row with its line number.
#[utoipa::path(
    tag = "customers",
    request_body(content = String, content_type = "text/csv", description = "CSV with a header row"),
    responses(
        (status = 201, description = "Every row imported", body = ImportResult),
        BadRequest, Unauthorized, Forbidden, PayloadTooLarge, UnsupportedMediaType, Unprocessable
    ),
    security(("bearer" = []), ("api_key" = []))
)]
#[post("/customers/import")]
async fn import_customers(
    user: AuthUser,
    state: Data<AppState>,
    req: HttpRequest,
    body: Payload,
) -> Result<HttpResponse, ApiError> {
    let is_csv = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().to_ascii_lowercase().starts_with("text/csv"));
    if !is_csv {
        return Err(ApiError::new("unsupported_media_type", "send the file as text/csv"));
    }
    // Read here rather than by a `Bytes` extractor: this route alone takes files over
    // the app-wide PAYLOAD_LIMIT.
    let body = crate::body::read(body, crate::body::declared_length(req.headers()), IMPORT_LIMIT).await?;
    let report = svc::import_csv(&state.db, &user.0, &body).await?;
    Ok(HttpResponse::Created().json(ImportResult { imported: report.imported }))
}

/// Export customers as CSV
///
/// The customers the list would show for the same filters, in id order, streamed.
#[utoipa::path(
    tag = "customers",
    params(CustomerFilterQuery),
    responses(
        (status = 200, description = "CSV with a header row", content_type = "text/csv", body = String),
        BadRequest, Unauthorized, Forbidden, Unprocessable
    ),
    security(("bearer" = []), ("api_key" = []))
)]
#[get("/customers/export.csv")]
async fn export_customers(
    user: AuthUser,
    state: Data<AppState>,
    q: Query<CustomerFilterQuery>,
) -> Result<HttpResponse, ApiError> {
    let filter: CustomerFilter = q.into_inner().into();
    let (first, chunks) =
        svc::export_stream(state.db.clone(), state.read.clone(), user.0, filter, EXPORT_CHUNK).await?;
    let rest = stream::unfold(chunks, |mut chunks| async move {
        let chunk = match chunks.recv().await? {
            Ok(bytes) => Ok(Bytes::from(bytes)),
            Err(e) => {
                tracing::error!(error = ?e, "export stopped");
                Err(actix_web::error::ErrorInternalServerError("export failed"))
            }
        };
        Some((chunk, chunks))
    });
    let body = futures_util::StreamExt::chain(stream::once(async move { Ok(Bytes::from(first)) }), rest);
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((header::CONTENT_DISPOSITION, "attachment; filename=\"customers.csv\""))
        .streaming(body))
}
