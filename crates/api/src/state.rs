//! What every handler can reach.

use sea_orm::DatabaseConnection;

use crate::auth::JwtKeys;

/// Shared application state.
#[derive(Clone)]
pub struct AppState {
    /// The database pool.
    pub db: DatabaseConnection,
    /// Access-token keys.
    pub jwt: JwtKeys,
}
