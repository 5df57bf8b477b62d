//! Sign-in bodies.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::users::User;

/// Email and password.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    #[schema(max_length = 254, example = "admin@rapport.local")]
    pub email: String,
    #[schema(max_length = 128, example = "admin-demo-pass")]
    pub password: String,
}

// Debug without the secret: a logged request body must not carry the password.
impl std::fmt::Debug for LoginRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginRequest").field("email", &self.email).finish_non_exhaustive()
    }
}

/// The current password and the new one.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    #[schema(max_length = 128)]
    pub current_password: String,
    /// At least 12 characters, not a common password, not containing the email's name.
    #[schema(min_length = 12, max_length = 128)]
    pub new_password: String,
}

impl std::fmt::Debug for PasswordChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasswordChange").finish_non_exhaustive()
    }
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
