//! Audit-log bodies.

use chrono::{DateTime, Utc};
use rapport_domain::list::Page;
use rapport_domain::services::audit as svc;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// One recorded change.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    /// The acting user, if a person acted.
    pub actor_id: Option<i64>,
    /// `user:3`, `api_key:2` or `system`.
    pub actor: String,
    /// `customer`, `product`, `user`, `api_key`, …
    pub entity: String,
    pub entity_id: i64,
    /// `create`, `update`, `delete`, `import`, `revoke`, …
    pub action: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

impl From<svc::AuditEntry> for AuditEntry {
    fn from(e: svc::AuditEntry) -> Self {
        Self {
            id: e.id,
            at: e.at,
            actor_id: e.actor_id,
            actor: e.actor,
            entity: e.entity,
            entity_id: e.entity_id,
            action: e.action,
            before: e.before,
            after: e.after,
        }
    }
}

/// Audit-log filters and paging (newest first).
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    pub entity: Option<String>,
    pub entity_id: Option<i64>,
    /// The acting user.
    pub user_id: Option<i64>,
    /// At or after (RFC 3339).
    pub from: Option<DateTime<Utc>>,
    /// Before (RFC 3339).
    pub to: Option<DateTime<Utc>>,
    #[param(minimum = 1)]
    pub page: Option<u64>,
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u64>,
    pub count: Option<bool>,
}

/// A page of audit entries.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditPage {
    pub items: Vec<AuditEntry>,
    pub page: u64,
    pub per_page: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<u64>,
}

impl From<Page<svc::AuditEntry>> for AuditPage {
    fn from(p: Page<svc::AuditEntry>) -> Self {
        Self {
            items: p.items.into_iter().map(AuditEntry::from).collect(),
            page: p.page.unwrap_or(1),
            per_page: p.per_page,
            total: p.total,
        }
    }
}
