//! `/api/v1/users`.

use actix_web::http::header;
use actix_web::web::{Data, Json, Path, Query};
use actix_web::{HttpRequest, HttpResponse, get, patch, post};
use rapport_domain::services::users::{self as svc, NewUser, UserChanges};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::AuthUser;
use crate::dto::users::*;
use crate::dto::{etag, if_match, paging};
use crate::error::ApiError;
use crate::openapi::*;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_users).service(create_user).service(get_user).service(update_user);
}

/// List users
#[utoipa::path(
    tag = "users",
    params(UserQuery),
    responses((status = 200, description = "A page of users", body = UserPage), BadRequest, Unauthorized, Forbidden, Unprocessable),
    security(("bearer" = []), ("api_key" = []))
)]
#[get("/users")]
async fn list_users(user: AuthUser, state: Data<AppState>, q: Query<UserQuery>) -> Result<Json<UserPage>, ApiError> {
    let q = q.into_inner();
    let rapport_domain::list::Paging::Offset { page, per_page, .. } = paging(q.page, q.per_page, None, None)? else {
        return Err(ApiError::bad_request("users are read in numbered pages"));
    };
    let (users, total) = svc::list(&state.read, &user.0, q.role.map(Into::into), q.active, page, per_page).await?;
    Ok(Json(UserPage { items: users.into_iter().map(User::from).collect(), page, per_page, total }))
}

/// Create a user
#[utoipa::path(
    tag = "users",
    request_body = UserCreate,
    responses(
        (status = 201, description = "Created", body = User, headers(("ETag" = String))),
        BadRequest, Unauthorized, Forbidden, Conflict, PayloadTooLarge, UnsupportedMediaType, Unprocessable
    ),
    security(("bearer" = []), ("api_key" = []))
)]
#[post("/users")]
async fn create_user(user: AuthUser, state: Data<AppState>, body: Json<UserCreate>) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner();
    let input = NewUser { email: b.email, name: b.name, role: b.role.into(), password: b.password };
    let u = svc::create(&state.db, &user.0, input).await?;
    Ok(HttpResponse::Created().insert_header((header::ETAG, etag(u.version))).json(User::from(u)))
}

/// Get a user
#[utoipa::path(
    tag = "users",
    params(("id" = i64, Path, description = "User id")),
    responses((status = 200, description = "The user", body = User, headers(("ETag" = String))), BadRequest, Unauthorized, Forbidden, NotFound),
    security(("bearer" = []), ("api_key" = []))
)]
#[get("/users/{id}")]
async fn get_user(user: AuthUser, state: Data<AppState>, id: Path<i64>) -> Result<HttpResponse, ApiError> {
    let u = svc::get(&state.read, &user.0, id.into_inner()).await?;
    Ok(HttpResponse::Ok().insert_header((header::ETAG, etag(u.version))).json(User::from(u)))
}

/// Update a user
///
/// Change name, role or password, or deactivate with `active: false` (users are never
/// deleted). Deactivation, a new role or a new password end the user's sessions.
/// The last active admin cannot be demoted or deactivated (409).
#[utoipa::path(
    tag = "users",
    params(("id" = i64, Path, description = "User id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read")),
    request_body = UserUpdate,
    responses(
        (status = 200, description = "The changed user", body = User, headers(("ETag" = String))),
        BadRequest, Unauthorized, Forbidden, NotFound, Conflict, PreconditionFailed, PayloadTooLarge, UnsupportedMediaType, Unprocessable
    ),
    security(("bearer" = []), ("api_key" = []))
)]
#[patch("/users/{id}")]
async fn update_user(
    user: AuthUser,
    state: Data<AppState>,
    id: Path<i64>,
    req: HttpRequest,
    body: Json<UserUpdate>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner();
    let changes = UserChanges { name: b.name, role: b.role.map(Into::into), active: b.active, password: b.password };
    let id = id.into_inner();
    let u = svc::update(&state.db, &user.0, id, if_match(&req)?, changes).await?;
    state.token_states.forget(id);
    Ok(HttpResponse::Ok().insert_header((header::ETAG, etag(u.version))).json(User::from(u)))
}
