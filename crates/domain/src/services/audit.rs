//! Reading the audit log.

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;
use serde::Serialize;
use serde_json::Value;

use crate::entities::audit_log;
use crate::error::Result;
use crate::list::Page;
use crate::repo::audit::{self as repo, AuditFilter};
use crate::time::utc;
use crate::{Action, Actor};

/// One recorded change.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_id: Option<i64>,
    /// `user:3`, `api_key:2` or `system`.
    pub actor: String,
    pub entity: String,
    pub entity_id: i64,
    pub action: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

impl From<audit_log::Model> for AuditEntry {
    fn from(m: audit_log::Model) -> Self {
        let parse = |s: Option<String>| s.and_then(|s| serde_json::from_str(&s).ok());
        Self {
            id: m.id,
            at: utc(m.at),
            actor_id: m.actor_id,
            actor: m.actor,
            entity: m.entity,
            entity_id: m.entity_id,
            action: m.action,
            before: parse(m.before),
            after: parse(m.after),
        }
    }
}

/// A page of the audit log, newest first.
///
/// # Errors
/// `Forbidden`, database failures.
pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: &AuditFilter,
    page: u64,
    per_page: u64,
    count: bool,
) -> Result<Page<AuditEntry>> {
    actor.require(Action::AuditRead)?;
    let (rows, total) = repo::list(db, filter, (page - 1) * per_page, per_page, count).await?;
    Ok(Page {
        items: rows.into_iter().map(AuditEntry::from).collect(),
        page: Some(page),
        per_page,
        total,
        total_capped: false,
        next_cursor: None,
    })
}

/// Records a refused request (403) of an authenticated actor: `{"method", "path"}`.
///
/// # Errors
/// Database failures.
pub async fn record_denial(db: &impl ConnectionTrait, actor: &Actor, method: &str, path: &str) -> Result<()> {
    let after = serde_json::json!({ "method": method, "path": path });
    let change = repo::Change { entity: "request", entity_id: 0, action: "denied", before: None, after: Some(after) };
    repo::record(db, actor, change).await?;
    Ok(())
}
