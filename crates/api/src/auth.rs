//! Who is calling: JWT access tokens for people, `rk_` API keys for integrations.

use std::future::Future;
use std::pin::Pin;
use std::time::Instant;

use actix_web::http::Method;
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

/// Leeway for `exp`, `nbf` and `iat`: small clock differences between instances.
const LEEWAY_SECONDS: u64 = 5;

/// Keys and claims for HS256 access tokens.
#[derive(Clone)]
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    issuer: String,
    audience: String,
}

/// What a valid access token says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verified {
    /// Who is acting.
    pub actor: Actor,
    /// The user's token version when the token was issued.
    pub version: i32,
}

impl JwtKeys {
    /// Keys from a shared secret, with the default issuer `rapport` and audience `rapport-api`.
    pub fn new(secret: &[u8]) -> Self {
        Self::with_claims(secret, "rapport", "rapport-api")
    }

    /// Keys from a shared secret with this issuer and audience.
    pub fn with_claims(secret: &[u8], issuer: &str, audience: &str) -> Self {
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            issuer: issuer.to_owned(),
            audience: audience.to_owned(),
        }
    }

    /// A signed access token for a user at token version `version`.
    ///
    /// # Errors
    /// `internal` when signing fails.
    pub fn issue(&self, user_id: i64, role: Role, version: i32) -> Result<String, ApiError> {
        let now = Utc::now().timestamp();
        let claims = Claims {
            sub: user_id.to_string(),
            role,
            ver: version,
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            iat: now,
            nbf: now,
            exp: now + ACCESS_TTL_SECONDS,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| rapport_domain::DomainError::Internal(format!("jwt: {e}")).into())
    }

    /// What a valid token says. The algorithm is pinned to HS256; `exp`, `nbf`, `iat`,
    /// `iss` and `aud` are required and checked (with a few seconds' leeway).
    ///
    /// # Errors
    /// `unauthorized` for anything else.
    pub fn verify(&self, token: &str) -> Result<Verified, ApiError> {
        let mut v = Validation::new(Algorithm::HS256);
        v.leeway = LEEWAY_SECONDS;
        v.validate_exp = true;
        v.validate_nbf = true;
        v.set_required_spec_claims(&["exp", "nbf", "iat", "sub", "iss", "aud"]);
        v.set_issuer(&[&self.issuer]);
        v.set_audience(&[&self.audience]);
        let invalid = || ApiError::unauthorized("the access token is invalid or expired");
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &v).map_err(|_| invalid())?;
        let leeway = i64::try_from(LEEWAY_SECONDS).unwrap_or(0);
        if data.claims.iat > Utc::now().timestamp() + leeway {
            return Err(invalid());
        }
        let id = data.claims.sub.parse().map_err(|_| invalid())?;
        Ok(Verified { actor: Actor::user(id, data.claims.role), version: data.claims.ver })
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: String,
    role: Role,
    /// The user's token version: a password, role or active change raises it.
    ver: i32,
    iss: String,
    aud: String,
    iat: i64,
    nbf: i64,
    exp: i64,
}

/// Marks a request made with a read-only API key.
#[derive(Clone, Copy, Debug)]
struct ReadOnlyKey;

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

/// The actor behind a bearer token (an `rk_` API key or a JWT access token) and
/// whether it may only read. An access token issued before the user's password,
/// role or active flag changed is refused (a change made by another instance is seen
/// within [`crate::token_states::FRESH`]).
///
/// # Errors
/// `unauthorized` for an invalid token or key.
pub async fn authenticate(state: &AppState, token: &str) -> Result<(Actor, bool), ApiError> {
    if token.starts_with(PREFIX) {
        let key = auth::authenticate_api_key(&state.db, &state.read, token).await?;
        Ok((key.actor, key.read_only))
    } else {
        let Verified { actor, version } = state.jwt.verify(token)?;
        let id = actor.user_id.ok_or_else(|| ApiError::unauthorized("the access token is invalid"))?;
        let now = Instant::now();
        if !state.token_states.is_current(id, version, now) {
            let generation = state.token_states.generation();
            auth::check_token_version(&state.read, id, version).await?;
            state.token_states.remember(id, version, now, generation);
        }
        Ok((actor, false))
    }
}

/// The caller of a request, authenticated once: later calls (the extractor after a
/// middleware) reuse the actor kept in the request's extensions. A read-only API key
/// is refused (403) on any method but GET and HEAD, on every call.
///
/// # Errors
/// `unauthorized` without valid credentials; `forbidden` for a read-only key writing.
pub async fn caller(req: &HttpRequest) -> Result<Actor, ApiError> {
    let cached = req.extensions().get::<AuthUser>().cloned();
    let actor = match cached {
        Some(AuthUser(actor)) => actor,
        None => {
            let token = bearer(req)?;
            let state = req
                .app_data::<web::Data<AppState>>()
                .cloned()
                .ok_or_else(|| ApiError::new("internal", "application state missing"))?;
            let (actor, read_only) = authenticate(&state, &token).await?;
            let mut ext = req.extensions_mut();
            ext.insert(AuthUser(actor.clone()));
            if read_only {
                ext.insert(ReadOnlyKey);
            }
            actor
        }
    };
    let reads = matches!(*req.method(), Method::GET | Method::HEAD);
    if !reads && req.extensions().get::<ReadOnlyKey>().is_some() {
        return Err(ApiError::new("forbidden", "this API key is read-only: it may only GET"));
    }
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

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

    fn claims(now: i64) -> serde_json::Value {
        serde_json::json!({
            "sub": "1", "role": "admin", "ver": 0, "iss": "rapport", "aud": "rapport-api",
            "iat": now, "nbf": now, "exp": now + 600,
        })
    }

    fn sign(claims: &serde_json::Value) -> String {
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &EncodingKey::from_secret(SECRET)).expect("token")
    }

    #[test]
    fn a_token_verifies_with_its_own_key_only() {
        let keys = JwtKeys::new(SECRET);
        let token = keys.issue(7, Role::Sales, 3).expect("token");
        assert_eq!(keys.verify(&token).expect("valid"), Verified { actor: Actor::user(7, Role::Sales), version: 3 });
        let other = JwtKeys::new(b"another-secret-another-secret-xx");
        assert!(other.verify(&token).is_err());
    }

    #[test]
    fn a_well_formed_token_passes() {
        let now = Utc::now().timestamp();
        assert!(JwtKeys::new(SECRET).verify(&sign(&claims(now))).is_ok());
    }

    #[test]
    fn expired_and_unsigned_tokens_are_refused() {
        let keys = JwtKeys::new(SECRET);
        let mut old = claims(0);
        old["exp"] = 1.into();
        assert!(keys.verify(&sign(&old)).is_err());
        // alg=none with the same claims must not pass.
        let none =
            "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiIxIiwicm9sZSI6ImFkbWluIiwiaWF0IjowLCJleHAiOjk5OTk5OTk5OTl9.";
        assert!(keys.verify(none).is_err());
    }

    #[test]
    fn wrong_issuer_or_audience_is_refused() {
        let now = Utc::now().timestamp();
        let keys = JwtKeys::new(SECRET);
        let mut c = claims(now);
        c["iss"] = "someone-else".into();
        assert!(keys.verify(&sign(&c)).is_err());
        let mut c = claims(now);
        c["aud"] = "another-api".into();
        assert!(keys.verify(&sign(&c)).is_err());
        let custom = JwtKeys::with_claims(SECRET, "rapport-eu", "crm");
        assert!(custom.verify(&sign(&claims(now))).is_err(), "configured claims are enforced");
        assert!(custom.verify(&custom.issue(1, Role::Admin, 0).expect("token")).is_ok());
    }

    #[test]
    fn a_token_not_yet_valid_is_refused() {
        let now = Utc::now().timestamp();
        let keys = JwtKeys::new(SECRET);
        let mut c = claims(now);
        c["nbf"] = (now + 3600).into();
        assert!(keys.verify(&sign(&c)).is_err());
        let mut c = claims(now);
        c["iat"] = (now + 3600).into();
        assert!(keys.verify(&sign(&c)).is_err(), "issued in the future");
    }

    #[test]
    fn tokens_missing_a_time_claim_are_refused() {
        let now = Utc::now().timestamp();
        let keys = JwtKeys::new(SECRET);
        for claim in ["exp", "nbf", "iat", "iss", "aud"] {
            let mut c = claims(now);
            c.as_object_mut().expect("object").remove(claim);
            assert!(keys.verify(&sign(&c)).is_err(), "without {claim}");
        }
    }
}
