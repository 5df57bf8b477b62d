//! `/api/v1/api-keys`.

use actix_web::web::{Data, Json, Path};
use actix_web::{HttpResponse, delete, get, post};
use rapport_domain::services::api_keys as svc;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::AuthUser;
use crate::dto::users::*;
use crate::error::ApiError;
use crate::openapi::*;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_api_keys).service(create_api_key).service(revoke_api_key);
}

/// List API keys
///
/// Every key, newest first, revoked ones with their revocation time. Secrets are never shown.
#[utoipa::path(
    tag = "api-keys",
    responses((status = 200, description = "All keys", body = ApiKeyList), Unauthorized, Forbidden),
    security(("bearer" = []), ("api_key" = []))
)]
#[get("/api-keys")]
async fn list_api_keys(user: AuthUser, state: Data<AppState>) -> Result<Json<ApiKeyList>, ApiError> {
    let keys = svc::list(&state.read, &user.0).await?;
    Ok(Json(ApiKeyList { items: keys.into_iter().map(ApiKey::from).collect() }))
}

/// Create an API key
///
/// The response carries the key once; only its hash is stored. A `read_only` key may
/// only GET and HEAD.
#[utoipa::path(
    tag = "api-keys",
    request_body = ApiKeyCreate,
    responses(
        (status = 201, description = "Created; `key` is shown only now", body = ApiKeyCreated),
        BadRequest, Unauthorized, Forbidden, PayloadTooLarge, UnsupportedMediaType, Unprocessable
    ),
    security(("bearer" = []), ("api_key" = []))
)]
#[post("/api-keys")]
async fn create_api_key(
    user: AuthUser,
    state: Data<AppState>,
    body: Json<ApiKeyCreate>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner();
    let (key, secret) = svc::create(&state.db, &user.0, &b.name, b.role.into(), b.read_only).await?;
    Ok(HttpResponse::Created().json(ApiKeyCreated { api_key: key.into(), key: secret }))
}

/// Revoke an API key
///
/// The key stops working at once. Revoking a revoked key does nothing; a key cannot
/// revoke itself (409).
#[utoipa::path(
    tag = "api-keys",
    params(("id" = i64, Path, description = "API key id")),
    responses((status = 204, description = "Revoked"), BadRequest, Unauthorized, Forbidden, NotFound, Conflict),
    security(("bearer" = []), ("api_key" = []))
)]
#[delete("/api-keys/{id}")]
async fn revoke_api_key(user: AuthUser, state: Data<AppState>, id: Path<i64>) -> Result<HttpResponse, ApiError> {
    svc::revoke(&state.db, &user.0, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}
