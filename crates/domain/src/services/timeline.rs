//! A customer's history in one list, newest first.
//!
//! Each kind of history is a source that returns its entries for one customer
//! before a given time; the timeline merges them. Orders, service requests,
//! quotes and campaign messages plug in as further sources.

use chrono::{DateTime, NaiveDateTime, Utc};
use sea_orm::ConnectionTrait;
use serde::Serialize;
use serde_json::Value;

use crate::error::Result;
use crate::repo::audit as audit_repo;
use crate::services::audit::AuditEntry;
use crate::services::customers::visible_customer;

use crate::{Action, Actor};

/// One event in a customer's history.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TimelineEntry {
    pub at: DateTime<Utc>,
    /// What kind of event: `audit` (a change to the customer record), `opportunity`,
    /// `activity`, `quote`, `order`, `service_request`, `rating`, `campaign_message`.
    pub kind: String,
    /// A one-line description.
    pub summary: String,
    /// The id of the underlying record (the audit entry, the order, …).
    pub ref_id: i64,
    /// Who did it, when known.
    pub actor: Option<String>,
    /// Event details.
    pub data: Value,
}

fn past_tense(action: &str) -> &str {
    match action {
        "create" => "created",
        "update" => "updated",
        "delete" => "deleted",
        "import" => "imported",
        other => other,
    }
}

async fn audit_source(
    db: &impl ConnectionTrait,
    customer_id: i64,
    before: Option<NaiveDateTime>,
    limit: u64,
) -> Result<Vec<TimelineEntry>> {
    let rows = audit_repo::for_entity(db, "customer", customer_id, before, limit).await?;
    Ok(rows
        .into_iter()
        .map(AuditEntry::from)
        .map(|e| TimelineEntry {
            at: e.at,
            kind: "audit".into(),
            summary: format!("customer {}", past_tense(&e.action)),
            ref_id: e.id,
            actor: Some(e.actor),
            data: serde_json::json!({ "action": e.action, "before": e.before, "after": e.after }),
        })
        .collect())
}

async fn opportunity_source(
    db: &impl ConnectionTrait,
    customer_id: i64,
    before: Option<NaiveDateTime>,
    limit: u64,
) -> Result<Vec<TimelineEntry>> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

    use crate::entities::opportunity;
    let mut q = opportunity::Entity::find()
        .filter(opportunity::Column::CustomerId.eq(customer_id))
        .filter(opportunity::Column::DeletedAt.is_null());
    if let Some(t) = before {
        q = q.filter(opportunity::Column::CreatedAt.lt(t));
    }
    let rows = q.order_by_desc(opportunity::Column::CreatedAt).limit(limit).all(db).await?;
    Ok(rows
        .into_iter()
        .map(crate::services::opportunities::Opportunity::from)
        .map(|o| TimelineEntry {
            at: o.created_at,
            kind: "opportunity".into(),
            summary: format!("opportunity {} ({}, {})", o.title, o.stage, o.amount),
            ref_id: o.id,
            actor: o.owner_id.map(|u| format!("user:{u}")),
            data: serde_json::to_value(&o).unwrap_or_default(),
        })
        .collect())
}

async fn activity_source(
    db: &impl ConnectionTrait,
    customer_id: i64,
    before: Option<NaiveDateTime>,
    limit: u64,
) -> Result<Vec<TimelineEntry>> {
    let rows = crate::repo::activities::for_customer(db, customer_id, before, limit).await?;
    Ok(rows
        .into_iter()
        .map(crate::services::activities::Activity::from)
        .map(|a| TimelineEntry {
            at: a.created_at,
            kind: "activity".into(),
            summary: format!("{}: {}{}", a.kind, a.subject, if a.done_at.is_some() { " (done)" } else { "" }),
            ref_id: a.id,
            actor: Some(format!("user:{}", a.owner_id)),
            data: serde_json::to_value(&a).unwrap_or_default(),
        })
        .collect())
}

async fn service_source(
    db: &impl ConnectionTrait,
    customer_id: i64,
    before: Option<NaiveDateTime>,
    limit: u64,
) -> Result<Vec<TimelineEntry>> {
    let rows = crate::repo::service_requests::for_customer(db, customer_id, before, limit).await?;
    let mut out = Vec::with_capacity(rows.len());
    for m in rows {
        if let (Some(r), Some(at)) = (m.rating, m.rated_at)
            && before.is_none_or(|b| at < b)
        {
            out.push(TimelineEntry {
                at: crate::time::utc(at),
                kind: "rating".into(),
                summary: format!("rated service request {} {r}/5", m.id),
                ref_id: m.id,
                actor: Some("customer".into()),
                data: serde_json::json!({ "rating": r, "comment": m.rating_comment }),
            });
        }
        out.push(TimelineEntry {
            at: crate::time::utc(m.request_date),
            kind: "service_request".into(),
            summary: format!("service request: {} ({}, {})", m.subject, m.status, m.priority),
            ref_id: m.id,
            actor: None,
            data: serde_json::json!({ "id": m.id, "subject": m.subject, "status": m.status, "priority": m.priority, "channel": m.channel }),
        });
    }
    Ok(out)
}

/// Up to `limit` entries of a customer's history older than `before`, newest first.
///
/// # Errors
/// `Forbidden`, `NotFound` (also for customers outside the actor's scope), database failures.
pub async fn for_customer(
    db: &impl ConnectionTrait,
    actor: &Actor,
    customer_id: i64,
    before: Option<DateTime<Utc>>,
    limit: u64,
) -> Result<Vec<TimelineEntry>> {
    let scope = actor.require(Action::CustomersRead)?;
    visible_customer(db, actor, scope, customer_id).await?;
    let before = before.map(|t| t.naive_utc());
    let mut entries = audit_source(db, customer_id, before, limit).await?;
    entries.extend(opportunity_source(db, customer_id, before, limit).await?);
    entries.extend(activity_source(db, customer_id, before, limit).await?);
    entries.extend(service_source(db, customer_id, before, limit).await?);
    entries.extend(crate::services::quotes::timeline_entries(db, customer_id, before, limit).await?);
    entries.extend(crate::services::orders::timeline_entries(db, customer_id, before, limit).await?);
    entries.extend(crate::services::campaigns::timeline_entries(db, customer_id, before, limit).await?);
    entries.sort_by(|a, b| b.at.cmp(&a.at).then(b.ref_id.cmp(&a.ref_id)));
    entries.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    Ok(entries)
}
