//! The audit log: one row per change, written in the change's transaction.

use chrono::NaiveDateTime;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Statement,
};
use serde_json::Value;

use crate::Actor;
use crate::entities::audit_log;

/// One change to record.
#[derive(Clone, Debug)]
pub struct Change<'a> {
    /// Entity kind, e.g. `customer`.
    pub entity: &'a str,
    /// The record's id.
    pub entity_id: i64,
    /// `create`, `update`, `delete`, `import`, …
    pub action: &'a str,
    /// The record before (absent for creations).
    pub before: Option<Value>,
    /// The record after (absent for deletions).
    pub after: Option<Value>,
}

fn row(actor: &Actor, at: NaiveDateTime, c: Change<'_>) -> audit_log::ActiveModel {
    audit_log::ActiveModel {
        at: Set(at),
        actor_id: Set(actor.user_id),
        actor: Set(actor.label()),
        entity: Set(c.entity.to_owned()),
        entity_id: Set(c.entity_id),
        action: Set(c.action.to_owned()),
        before: Set(c.before.map(|v| v.to_string())),
        after: Set(c.after.map(|v| v.to_string())),
        ..Default::default()
    }
}

/// Writes one audit entry.
///
/// # Errors
/// Database failures.
pub async fn record(db: &impl ConnectionTrait, actor: &Actor, change: Change<'_>) -> Result<(), DbErr> {
    audit_log::Entity::insert(row(actor, crate::time::now(), change)).exec(db).await?;
    Ok(())
}

/// Writes many audit entries in batches.
///
/// # Errors
/// Database failures.
pub async fn record_many(db: &impl ConnectionTrait, actor: &Actor, changes: Vec<Change<'_>>) -> Result<(), DbErr> {
    let at = crate::time::now();
    let rows: Vec<_> = changes.into_iter().map(|c| row(actor, at, c)).collect();
    crate::repo::batch::insert_all(db, rows, row_bytes).await
}

/// An entry whose snapshot is JSON text already (written by an import, which makes a
/// million of them and so skips the JSON value in between).
#[derive(Clone, Debug)]
pub struct Created<'a> {
    /// Entity kind, e.g. `customer`.
    pub entity: &'a str,
    /// The record's id.
    pub entity_id: i64,
    /// `create`, `import`, …
    pub action: &'a str,
    /// The record as created, as JSON text.
    pub after: Option<String>,
}

/// The INSERTs that record these creations, built without the database (off the async
/// thread if the caller likes).
///
/// # Errors
/// As [`crate::repo::batch::insert_statement`].
pub fn creation_statements<'a>(
    backend: DbBackend,
    actor: &Actor,
    at: NaiveDateTime,
    entries: impl IntoIterator<Item = Created<'a>>,
) -> Result<Vec<Statement>, DbErr> {
    let label = actor.label();
    let rows: Vec<_> = entries
        .into_iter()
        .map(|c| audit_log::ActiveModel {
            at: Set(at),
            actor_id: Set(actor.user_id),
            actor: Set(label.clone()),
            entity: Set(c.entity.to_owned()),
            entity_id: Set(c.entity_id),
            action: Set(c.action.to_owned()),
            before: Set(None),
            after: Set(c.after),
            ..Default::default()
        })
        .collect();
    crate::repo::batch::insert_statements(backend, rows, row_bytes)
}

fn row_bytes(r: &audit_log::ActiveModel) -> usize {
    let text =
        |v: &sea_orm::ActiveValue<Option<String>>| v.try_as_ref().and_then(Option::as_ref).map_or(0, String::len);
    100 + text(&r.before) + text(&r.after)
}

/// Filters of the audit log.
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    /// Entity kind.
    pub entity: Option<String>,
    /// Record id.
    pub entity_id: Option<i64>,
    /// Acting user.
    pub actor_id: Option<i64>,
    /// From this time (inclusive).
    pub from: Option<NaiveDateTime>,
    /// Before this time (exclusive).
    pub to: Option<NaiveDateTime>,
}

/// Entries newest first, one offset page, with the total.
///
/// # Errors
/// Database failures.
pub async fn list(
    db: &impl ConnectionTrait,
    f: &AuditFilter,
    offset: u64,
    limit: u64,
    count: bool,
) -> Result<(Vec<audit_log::Model>, Option<u64>), DbErr> {
    let mut q = audit_log::Entity::find();
    if let Some(e) = &f.entity {
        q = q.filter(audit_log::Column::Entity.eq(e.clone()));
    }
    if let Some(id) = f.entity_id {
        q = q.filter(audit_log::Column::EntityId.eq(id));
    }
    if let Some(id) = f.actor_id {
        q = q.filter(audit_log::Column::ActorId.eq(id));
    }
    if let Some(t) = f.from {
        q = q.filter(audit_log::Column::At.gte(t));
    }
    if let Some(t) = f.to {
        q = q.filter(audit_log::Column::At.lt(t));
    }
    let total = if count { Some(q.clone().count(db).await?) } else { None };
    let rows = q.order_by_desc(audit_log::Column::Id).offset(offset).limit(limit).all(db).await?;
    Ok((rows, total))
}

/// A record's entries, newest first, before an entry id.
///
/// # Errors
/// Database failures.
pub async fn for_entity(
    db: &impl ConnectionTrait,
    entity: &str,
    entity_id: i64,
    before: Option<NaiveDateTime>,
    limit: u64,
) -> Result<Vec<audit_log::Model>, DbErr> {
    let mut q = audit_log::Entity::find()
        .filter(audit_log::Column::Entity.eq(entity))
        .filter(audit_log::Column::EntityId.eq(entity_id));
    if let Some(t) = before {
        q = q.filter(audit_log::Column::At.lt(t));
    }
    q.order_by_desc(audit_log::Column::At).order_by_desc(audit_log::Column::Id).limit(limit).all(db).await
}
