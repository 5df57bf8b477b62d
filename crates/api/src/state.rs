//! What every handler can reach.

use std::sync::Arc;

use rapport_domain::services::campaigns::render::TrackingBase;
use rapport_domain::services::customers::Creates;
use sea_orm::DatabaseConnection;
use tokio::sync::Notify;

use crate::auth::JwtKeys;
use crate::token_states::TokenStates;

/// Shared application state.
#[derive(Clone)]
pub struct AppState {
    /// The database pool for writes (and reads that belong to a write). On SQLite, the one
    /// writer connection.
    pub db: DatabaseConnection,
    /// The pool for requests that only read: on SQLite, connections of their own that
    /// read in parallel ([`crate::startup::connect_reads`]); elsewhere the same pool as `db`.
    pub read: DatabaseConnection,
    /// Access-token keys.
    pub jwt: JwtKeys,
    /// Where tracking and unsubscribe links point.
    pub tracking: TrackingBase,
    /// Wakes the delivery worker (after a launch or a test send).
    pub wake: Arc<Notify>,
    /// Access tokens recently found current.
    pub token_states: Arc<TokenStates>,
    /// Customer creates, written in groups by one task per database.
    pub creates: Creates,
}
