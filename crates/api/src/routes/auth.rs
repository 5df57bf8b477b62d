//! `/api/v1/auth`: sign in, rotate, sign out, who am I.

use actix_web::web::{Data, Json};
use actix_web::{HttpResponse, get, post};
use rapport_domain::services::{auth as svc, users};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::{ACCESS_TTL_SECONDS, AuthUser};
use crate::dto::auth::*;
use crate::dto::users::User;
use crate::error::ApiError;
use crate::openapi::*;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(login).service(refresh).service(logout).service(me);
}

fn tokens(state: &AppState, session: svc::Session) -> Result<TokenResponse, ApiError> {
    let access_token = state.jwt.issue(session.user.id, session.user.role)?;
    Ok(TokenResponse {
        access_token,
        token_type: "Bearer".into(),
        expires_in: ACCESS_TTL_SECONDS,
        refresh_token: session.refresh_token,
        user: session.user.into(),
    })
}

/// Sign in
///
/// A wrong email and a wrong password give the same answer after the same work.
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = TokenResponse),
        BadRequest, Unauthorized, PayloadTooLarge, UnsupportedMediaType, Unprocessable
    )
)]
#[post("/auth/login")]
async fn login(state: Data<AppState>, body: Json<LoginRequest>) -> Result<Json<TokenResponse>, ApiError> {
    let session = svc::login(&state.db, &body.email, &body.password).await?;
    Ok(Json(tokens(&state, session)?))
}

/// Rotate a refresh token
///
/// Returns a new access token and a new refresh token; the old one is spent. Presenting
/// a spent token again ends the whole session (someone else has a copy).
#[utoipa::path(
    tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "New tokens", body = TokenResponse),
        BadRequest, Unauthorized, PayloadTooLarge, UnsupportedMediaType, Unprocessable
    )
)]
#[post("/auth/refresh")]
async fn refresh(state: Data<AppState>, body: Json<RefreshRequest>) -> Result<Json<TokenResponse>, ApiError> {
    let session = svc::refresh(&state.db, &body.refresh_token).await?;
    Ok(Json(tokens(&state, session)?))
}

/// Sign out
///
/// Revokes the session the refresh token belongs to.
#[utoipa::path(
    tag = "auth",
    request_body = RefreshRequest,
    responses((status = 204, description = "Signed out"), BadRequest, PayloadTooLarge, UnsupportedMediaType, Unprocessable)
)]
#[post("/auth/logout")]
async fn logout(state: Data<AppState>, body: Json<RefreshRequest>) -> Result<HttpResponse, ApiError> {
    svc::logout(&state.db, &body.refresh_token).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The signed-in user
#[utoipa::path(
    tag = "auth",
    responses((status = 200, description = "The current user", body = User), Unauthorized, NotFound),
    security(("bearer" = []))
)]
#[get("/auth/me")]
async fn me(user: AuthUser, state: Data<AppState>) -> Result<Json<User>, ApiError> {
    Ok(Json(users::me(&state.db, &user.0).await?.into()))
}
