//! Use cases. Each public function is one thing a user does; it checks the actor's
//! rights, owns its transaction and writes the audit entry.

pub mod activities;
pub mod analytics;
pub mod api_keys;
pub mod audit;
pub mod auth;
pub mod campaigns;
pub mod customers;
pub mod dashboard;
pub mod delivery;
pub mod forecast;
pub mod idempotency;
pub mod leads;
pub mod opportunities;
pub mod opt_outs;
pub mod order_import;
pub mod orders;
pub mod outbox;
pub mod passwords;
pub mod products;
pub mod quotes;
pub mod recommendations;
pub mod rfm;
pub mod sales_analytics;
pub mod seed;
pub mod segments;
pub mod service_requests;
pub mod timeline;
pub mod tracking;
pub mod users;
pub mod webhooks;

use sea_orm::{ConnectionTrait, EntityTrait};

use crate::entities::user;
use crate::error::{DomainError, Result};

/// Checks that `id` names an active user, for owner and assignee fields.
///
/// # Errors
/// `Invalid` on `field` when it does not; database failures.
pub async fn require_active_user(db: &impl ConnectionTrait, field: &str, id: i64) -> Result<user::Model> {
    match user::Entity::find_by_id(id).one(db).await? {
        Some(u) if u.active => Ok(u),
        _ => Err(DomainError::invalid(field, "is not an active user")),
    }
}

/// Serialises a value for the audit log.
pub(crate) fn snapshot<T: serde::Serialize>(value: &T) -> Option<serde_json::Value> {
    serde_json::to_value(value).ok()
}
