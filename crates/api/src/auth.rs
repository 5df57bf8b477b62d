//! Who is calling: JWT access tokens for people, `rk_` API keys for integrations.

use std::future::Future;
use std::pin::Pin;

use actix_web::{FromRequest, HttpMessage, HttpRequest, dev::Payload, web};
use chrono::Utc;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rapport_domain::services::{api_keys::PREFIX, auth};
use rapport_domain::{Actor, Role};
use serde::{Deserialize, Serialize};

use crate::error::ApiError;
use crate::state::AppState;

/// How long an access token lives.
pub const ACCESS_TTL_SECONDS: i64 = 15 * 60;

/// Keys for HS256 access tokens.
#[derive(Clone)]
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl JwtKeys {
    /// Keys from a shared secret.
    pub fn new(secret: &[u8]) -> Self {
        Self { encoding: EncodingKey::from_secret(secret), decoding: DecodingKey::from_secret(secret) }
    }

    /// A signed access token for a user.
    ///
    /// # Errors
    /// `internal` when signing fails.
    pub fn issue(&self, user_id: i64, role: Role) -> Result<String, ApiError> {
        let now = Utc::now().timestamp();
        let claims = Claims { sub: user_id.to_string(), role, iat: now, exp: now + ACCESS_TTL_SECONDS };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| rapport_domain::DomainError::Internal(format!("jwt: {e}")).into())
    }

    /// The actor of a valid token. The algorithm is pinned to HS256 and `exp` is enforced.
    ///
    /// # Errors
    /// `unauthorized` for anything else.
    pub fn verify(&self, token: &str) -> Result<Actor, ApiError> {
        let mut v = Validation::new(Algorithm::HS256);
        v.leeway = 5;
        v.set_required_spec_claims(&["exp", "sub"]);
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &v)
            .map_err(|_| ApiError::unauthorized("the access token is invalid or expired"))?;
        let id = data.claims.sub.parse().map_err(|_| ApiError::unauthorized("the access token is invalid"))?;
        Ok(Actor::user(id, data.claims.role))
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: String,
    role: Role,
    iat: i64,
    exp: i64,
}

/// The authenticated caller; handlers take it as an argument.
#[derive(Clone, Debug)]
pub struct AuthUser(pub Actor);

fn bearer(req: &HttpRequest) -> Result<String, ApiError> {
    let header = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .ok_or_else(|| ApiError::unauthorized("sign in: send Authorization: Bearer <token>"))?;
    let text = header.to_str().map_err(|_| ApiError::unauthorized("malformed Authorization header"))?;
    match text.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() => {
            Ok(token.trim().to_owned())
        }
        _ => Err(ApiError::unauthorized("the Authorization header must be: Bearer <token>")),
    }
}

/// The actor behind a bearer token: an `rk_` API key or a JWT access token.
///
/// # Errors
/// `unauthorized` for an invalid token or key.
pub async fn authenticate(state: &AppState, token: &str) -> Result<Actor, ApiError> {
    if token.starts_with(PREFIX) {
        Ok(auth::authenticate_api_key(&state.db, token).await?)
    } else {
        state.jwt.verify(token)
    }
}

/// The caller of a request, authenticated once: later calls (the extractor after a
/// middleware) reuse the actor kept in the request's extensions.
///
/// # Errors
/// `unauthorized` without valid credentials.
pub async fn caller(req: &HttpRequest) -> Result<Actor, ApiError> {
    if let Some(AuthUser(actor)) = req.extensions().get::<AuthUser>() {
        return Ok(actor.clone());
    }
    let token = bearer(req)?;
    let state = req
        .app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| ApiError::new("internal", "application state missing"))?;
    let actor = authenticate(&state, &token).await?;
    req.extensions_mut().insert(AuthUser(actor.clone()));
    Ok(actor)
}

impl FromRequest for AuthUser {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { caller(&req).await.map(AuthUser) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_verifies_with_its_own_key_only() {
        let keys = JwtKeys::new(b"0123456789abcdef0123456789abcdef");
        let token = keys.issue(7, Role::Sales).expect("token");
        assert_eq!(keys.verify(&token).expect("valid"), Actor::user(7, Role::Sales));
        let other = JwtKeys::new(b"another-secret-another-secret-xx");
        assert!(other.verify(&token).is_err());
    }

    #[test]
    fn expired_and_unsigned_tokens_are_refused() {
        let keys = JwtKeys::new(b"0123456789abcdef0123456789abcdef");
        let old = Claims { sub: "1".into(), role: Role::Admin, iat: 0, exp: 1 };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &old, &keys.encoding).expect("token");
        assert!(keys.verify(&token).is_err());
        // alg=none with the same claims must not pass.
        let none =
            "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiIxIiwicm9sZSI6ImFkbWluIiwiaWF0IjowLCJleHAiOjk5OTk5OTk5OTl9.";
        assert!(keys.verify(none).is_err());
    }
}
