//! Sign-in bodies.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::users::User;

/// Email and password.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    #[schema(max_length = 254, example = "admin@rapport.local")]
    pub email: String,
    #[schema(max_length = 128, example = "admin-demo-pass")]
    pub password: String,
}

/// A refresh token to rotate or revoke.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    #[schema(max_length = 100)]
    pub refresh_token: String,
}

/// A new session.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    /// JWT (HS256) for `Authorization: Bearer`.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the access token expires (900).
    pub expires_in: i64,
    /// Single use: exchange it at /auth/refresh for a new pair.
    pub refresh_token: String,
    pub user: User,
}
