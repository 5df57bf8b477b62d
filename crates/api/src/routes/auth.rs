//! `/api/v1/auth`: sign in, rotate, sign out, who am I.

use actix_web::web::{Data, Json};
use actix_web::{HttpRequest, HttpResponse, get, post};
use rapport_domain::services::{auth as svc, passwords, users};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::{ACCESS_TTL_SECONDS, AuthUser};
use crate::dto::auth::*;
use crate::dto::users::User;
use crate::error::ApiError;
use crate::openapi::*;
use crate::state::AppState;
use crate::throttle::LoginThrottle;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(login).service(refresh).service(logout).service(me).service(change_password);
}

fn tokens(state: &AppState, session: svc::Session) -> Result<TokenResponse, ApiError> {
    let access_token = state.jwt.issue(session.user.id, session.user.role, session.token_version)?;
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
/// Consecutive failures lock the account for a while (429 with `Retry-After`, even with
/// the right password); each client address has a limited number of attempts a minute.
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = TokenResponse),
        BadRequest, Unauthorized, PayloadTooLarge, UnsupportedMediaType, Unprocessable, TooManyRequests
    )
)]
#[post("/auth/login")]
async fn login(
    req: HttpRequest,
    state: Data<AppState>,
    throttle: Data<LoginThrottle>,
    body: Json<LoginRequest>,
) -> Result<Json<TokenResponse>, ApiError> {
    throttle.check(&req)?;
    let session = svc::login(&state.db, &body.email, &body.password, throttle.policy).await?;
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

/// Change your password
///
/// Needs the current password (422 on `current_password` when it is wrong). The new one
/// follows the password policy. Every session of the user ends: refresh tokens are
/// revoked and access tokens issued before stop working; sign in again.
#[utoipa::path(
    tag = "auth",
    request_body = PasswordChange,
    responses(
        (status = 204, description = "Changed; sign in again"),
        BadRequest, Unauthorized, Forbidden, PayloadTooLarge, UnsupportedMediaType, Unprocessable, TooManyRequests
    ),
    security(("bearer" = []))
)]
#[post("/auth/password")]
async fn change_password(
    req: HttpRequest,
    user: AuthUser,
    state: Data<AppState>,
    throttle: Data<LoginThrottle>,
    body: Json<PasswordChange>,
) -> Result<HttpResponse, ApiError> {
    throttle.check(&req)?;
    passwords::change(&state.db, &user.0, &body.current_password, &body.new_password).await?;
    if let Some(id) = user.0.user_id {
        state.token_states.forget(id);
    }
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
    Ok(Json(users::me(&state.read, &user.0).await?.into()))
}
