//! `/api/v1/products`.

use actix_web::http::header;
use actix_web::web::{Data, Json, Path, Query};
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post};
use rapport_domain::repo::products::ProductFilter;
use rapport_domain::services::products as svc;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::AuthUser;
use crate::dto::products::*;
use crate::dto::{etag, if_match, paging};
use crate::error::ApiError;
use crate::openapi::*;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_products)
        .service(create_product)
        .service(get_product)
        .service(update_product)
        .service(delete_product);
}

/// List products
#[utoipa::path(
    tag = "products",
    params(ProductQuery),
    responses((status = 200, description = "A page of products", body = ProductPage), BadRequest, Unauthorized, Forbidden, Unprocessable),
    security(("bearer" = []), ("api_key" = []))
)]
#[get("/products")]
async fn list_products(
    user: AuthUser,
    state: Data<AppState>,
    q: Query<ProductQuery>,
) -> Result<Json<ProductPage>, ApiError> {
    let q = q.into_inner();
    let paging = paging(q.page, q.per_page, None, q.count)?;
    let filter = ProductFilter {
        q: q.q.filter(|s| !s.trim().is_empty()),
        active: q.active,
        category: q.category.filter(|s| !s.trim().is_empty()),
    };
    let page = svc::list(&state.read, &user.0, &filter, q.sort.as_deref(), &paging).await?;
    Ok(Json(page.into()))
}

/// Create a product
#[utoipa::path(
    tag = "products",
    request_body = ProductCreate,
    responses(
        (status = 201, description = "Created", body = Product, headers(("ETag" = String), ("Location" = String))),
        BadRequest, Unauthorized, Forbidden, Conflict, PayloadTooLarge, UnsupportedMediaType, Unprocessable
    ),
    security(("bearer" = []), ("api_key" = []))
)]
#[post("/products")]
async fn create_product(
    user: AuthUser,
    state: Data<AppState>,
    body: Json<ProductCreate>,
) -> Result<HttpResponse, ApiError> {
    let p = svc::create(&state.db, &user.0, body.into_inner().into()).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::ETAG, etag(p.version)))
        .insert_header((header::LOCATION, format!("/api/v1/products/{}", p.id)))
        .json(Product::from(p)))
}

/// Get a product
#[utoipa::path(
    tag = "products",
    params(("id" = i64, Path, description = "Product id")),
    responses((status = 200, description = "The product", body = Product, headers(("ETag" = String))), BadRequest, Unauthorized, Forbidden, NotFound),
    security(("bearer" = []), ("api_key" = []))
)]
#[get("/products/{id}")]
async fn get_product(user: AuthUser, state: Data<AppState>, id: Path<i64>) -> Result<HttpResponse, ApiError> {
    let p = svc::get(&state.read, &user.0, id.into_inner()).await?;
    Ok(HttpResponse::Ok().insert_header((header::ETAG, etag(p.version))).json(Product::from(p)))
}

/// Update a product
#[utoipa::path(
    tag = "products",
    params(("id" = i64, Path, description = "Product id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read")),
    request_body = ProductUpdate,
    responses(
        (status = 200, description = "The changed product", body = Product, headers(("ETag" = String))),
        BadRequest, Unauthorized, Forbidden, NotFound, Conflict, PreconditionFailed, PayloadTooLarge, UnsupportedMediaType, Unprocessable
    ),
    security(("bearer" = []), ("api_key" = []))
)]
#[patch("/products/{id}")]
async fn update_product(
    user: AuthUser,
    state: Data<AppState>,
    id: Path<i64>,
    req: HttpRequest,
    body: Json<ProductUpdate>,
) -> Result<HttpResponse, ApiError> {
    let p = svc::update(&state.db, &user.0, id.into_inner(), if_match(&req)?, body.into_inner().into()).await?;
    Ok(HttpResponse::Ok().insert_header((header::ETAG, etag(p.version))).json(Product::from(p)))
}

/// Delete a product
///
/// A soft delete: the product leaves the catalogue and its sku is free again.
#[utoipa::path(
    tag = "products",
    params(("id" = i64, Path, description = "Product id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read")),
    responses((status = 204, description = "Deleted"), BadRequest, Unauthorized, Forbidden, NotFound, PreconditionFailed),
    security(("bearer" = []), ("api_key" = []))
)]
#[delete("/products/{id}")]
async fn delete_product(
    user: AuthUser,
    state: Data<AppState>,
    id: Path<i64>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    svc::delete(&state.db, &user.0, id.into_inner(), if_match(&req)?).await?;
    Ok(HttpResponse::NoContent().finish())
}
