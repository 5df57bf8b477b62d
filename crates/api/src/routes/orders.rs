//! `/api/v1/orders` and `/api/v1/customers/{id}/orders`.

use actix_web::http::header;
use actix_web::web::{Data, Json, Path, Query};
use actix_web::{HttpRequest, HttpResponse, get, post};
use rapport_domain::services::orders as svc;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::AuthUser;
use crate::dto::orders::*;
use crate::dto::{etag, if_match};
use crate::error::ApiError;
use crate::openapi::*;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    // Fixed paths before `{id}` paths.
    cfg.service(import_orders)
        .service(list_orders)
        .service(create_order)
        .service(customer_orders)
        .service(get_order)
        .service(change_order_status);
}

/// 200 with the order and its `ETag`.
fn ok(o: svc::Order) -> HttpResponse {
    HttpResponse::Ok().insert_header((header::ETAG, etag(o.version))).json(Order::from(o))
}

/// List orders
///
/// Filter, sort, and page by number (`page`) or by keyset (`cursor`).
#[utoipa::path(
    tag = "orders",
    params(OrderQuery),
    responses((status = 200, description = "A page of orders", body = OrderPage), BadRequest, Unauthorized, Forbidden, Unprocessable),
    security(("bearer" = []), ("api_key" = []))
)]
#[get("/orders")]
async fn list_orders(user: AuthUser, state: Data<AppState>, q: Query<OrderQuery>) -> Result<Json<OrderPage>, ApiError> {
    let (filter, sort, paging) = q.into_inner().split()?;
    let page = svc::list(&state.read, &user.0, &filter, sort.as_deref(), &paging).await?;
    Ok(Json(page.into()))
}

/// Create an order
///
/// An order for a customer you can see, with at least one line, owned by the
/// customer's owner (else by you). Lines default from the catalogue as quote lines do;
/// the number (`O-2026-000012`) and the amounts are set by the server.
#[utoipa::path(
    tag = "orders",
    request_body = OrderCreate,
    responses(
        (status = 201, description = "Created", body = Order, headers(("ETag" = String), ("Location" = String))),
        BadRequest, Unauthorized, Forbidden, PayloadTooLarge, UnsupportedMediaType, Unprocessable
    ),
    security(("bearer" = []), ("api_key" = []))
)]
#[post("/orders")]
async fn create_order(
    user: AuthUser,
    state: Data<AppState>,
    body: Json<OrderCreate>,
) -> Result<HttpResponse, ApiError> {
    let o = svc::create(&state.db, &user.0, body.into_inner().into()).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::ETAG, etag(o.version)))
        .insert_header((header::LOCATION, format!("/api/v1/orders/{}", o.id)))
        .json(Order::from(o)))
}

/// A customer's orders
///
/// The orders of a customer you can see (404 otherwise), paged like the order list.
#[utoipa::path(
    tag = "orders",
    params(("id" = i64, Path, description = "Customer id"), CustomerOrderQuery),
    responses((status = 200, description = "A page of orders", body = OrderPage), BadRequest, Unauthorized, Forbidden, NotFound, Unprocessable),
    security(("bearer" = []), ("api_key" = []))
)]
#[get("/customers/{id}/orders")]
async fn customer_orders(
    user: AuthUser,
    state: Data<AppState>,
    id: Path<i64>,
    q: Query<CustomerOrderQuery>,
) -> Result<Json<OrderPage>, ApiError> {
    let (filter, sort, paging) = q.into_inner().split()?;
    let page = svc::for_customer(&state.read, &user.0, id.into_inner(), &filter, sort.as_deref(), &paging).await?;
    Ok(Json(page.into()))
}

/// Get an order
#[utoipa::path(
    tag = "orders",
    params(("id" = i64, Path, description = "Order id")),
    responses((status = 200, description = "The order", body = Order, headers(("ETag" = String))), BadRequest, Unauthorized, Forbidden, NotFound),
    security(("bearer" = []), ("api_key" = []))
)]
#[get("/orders/{id}")]
async fn get_order(user: AuthUser, state: Data<AppState>, id: Path<i64>) -> Result<HttpResponse, ApiError> {
    Ok(ok(svc::get(&state.read, &user.0, id.into_inner()).await?))
}

/// Change an order's status
///
/// pending → paid | cancelled; paid → shipped | cancelled; shipped → completed.
/// Other moves are 409 `invalid_transition`. A cancelled order is kept. Send
/// `If-Match` with the `ETag` you read (412 when stale).
#[utoipa::path(
    tag = "orders",
    params(("id" = i64, Path, description = "Order id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read")),
    request_body = OrderStatusChange,
    responses(
        (status = 200, description = "The changed order", body = Order, headers(("ETag" = String))),
        BadRequest, Unauthorized, Forbidden, NotFound, Conflict, PreconditionFailed, PayloadTooLarge, UnsupportedMediaType, Unprocessable
    ),
    security(("bearer" = []), ("api_key" = []))
)]
#[post("/orders/{id}/status")]
async fn change_order_status(
    user: AuthUser,
    state: Data<AppState>,
    id: Path<i64>,
    req: HttpRequest,
    body: Json<OrderStatusChange>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner();
    let o =
        svc::change_status(&state.db, &user.0, id.into_inner(), if_match(&req)?, &b.status, b.note.as_deref()).await?;
    Ok(ok(o))
}

/// Import historical orders from CSV
///
/// Header `order_ref,customer_email,order_date,status,sku,quantity,unit_price[,discount_pct]`,
/// one row per order line; rows with the same `order_ref` form one order and must agree on
/// customer, date and status. Customers (by email) and products (by sku) must exist. All
/// rows or none: any problem rejects the file and lists every bad row with its line.
#[utoipa::path(
    tag = "orders",
    request_body(content = String, content_type = "text/csv", description = "CSV with a header row"),
    responses(
        (status = 201, description = "Every row imported", body = crate::dto::orders::OrderImportResult),
        BadRequest, Unauthorized, Forbidden, PayloadTooLarge, UnsupportedMediaType, Unprocessable
    ),
    security(("bearer" = []), ("api_key" = []))
)]
#[post("/orders/import")]
async fn import_orders(
    user: AuthUser,
    state: Data<AppState>,
    req: HttpRequest,
    body: actix_web::web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let is_csv = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().to_ascii_lowercase().starts_with("text/csv"));
    if !is_csv {
        return Err(ApiError::new("unsupported_media_type", "send the file as text/csv"));
    }
    let r = rapport_domain::services::order_import::import(&state.db, &user.0, &body).await?;
    Ok(HttpResponse::Created().json(crate::dto::orders::OrderImportResult { orders: r.orders, lines: r.lines }))
}
