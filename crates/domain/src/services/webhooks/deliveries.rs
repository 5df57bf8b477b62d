//! Reading a subscription's deliveries, and sending one again.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, TransactionTrait,
};
use serde::Serialize;

use super::find;
use crate::entities::webhook_delivery as delivery;
use crate::error::{DomainError, Result};
use crate::list::Page;
use crate::repo::audit::{self, Change};
use crate::services::snapshot;
use crate::time::{now, utc};
use crate::{Action, Actor};

/// The states of a delivery.
pub const STATUSES: &[&str] = &["queued", "sending", "delivered", "failed", "cancelled"];

/// One delivery of one event to one subscription.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Delivery {
    pub id: i64,
    pub webhook_id: i64,
    pub event_id: String,
    pub event_type: String,
    pub status: String,
    pub attempts: i32,
    pub response_code: Option<i32>,
    pub last_error: Option<String>,
    /// When the next attempt is due (queued deliveries only).
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub redelivery_of: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    pub delivered_at: Option<DateTime<Utc>>,
}

impl From<delivery::Model> for Delivery {
    fn from(m: delivery::Model) -> Self {
        Self {
            next_attempt_at: (m.status == "queued").then(|| utc(m.next_attempt_at)),
            id: m.id,
            webhook_id: m.webhook_id,
            event_id: m.event_id,
            event_type: m.event_type,
            status: m.status,
            attempts: m.attempts,
            response_code: m.response_code,
            last_error: m.last_error,
            redelivery_of: m.redelivery_of,
            created_at: utc(m.created_at),
            last_attempt_at: m.last_attempt_at.map(utc),
            delivered_at: m.delivered_at.map(utc),
        }
    }
}

/// A subscription's deliveries, newest first, optionally of one status.
///
/// # Errors
/// `Forbidden`, `NotFound`, `Invalid` status, database failures.
pub async fn list_deliveries(
    db: &impl ConnectionTrait,
    actor: &Actor,
    webhook_id: i64,
    status: Option<&str>,
    page: u64,
    per_page: u64,
) -> Result<Page<Delivery>> {
    actor.require(Action::WebhooksManage)?;
    find(db, webhook_id).await?;
    let mut q = delivery::Entity::find().filter(delivery::Column::WebhookId.eq(webhook_id));
    if let Some(s) = status {
        if !STATUSES.contains(&s) {
            return Err(DomainError::invalid("status", format!("must be one of {}", STATUSES.join(", "))));
        }
        q = q.filter(delivery::Column::Status.eq(s));
    }
    let total = q.clone().count(db).await?;
    let rows = q.order_by_desc(delivery::Column::Id).offset((page - 1) * per_page).limit(per_page).all(db).await?;
    let items = rows.into_iter().map(Delivery::from).collect();
    Ok(Page { items, page: Some(page), per_page, total: Some(total), total_capped: false, next_cursor: None })
}

/// Queues the same event (same body, same event id) to the subscription again, as a new
/// delivery. The subscription must be active.
///
/// # Errors
/// `Forbidden`, `NotFound`, `Conflict` (subscription switched off), database failures.
pub async fn redeliver(db: &DatabaseConnection, actor: &Actor, webhook_id: i64, delivery_id: i64) -> Result<Delivery> {
    actor.require(Action::WebhooksManage)?;
    let txn = db.begin().await?;
    let hook = find(&txn, webhook_id).await?;
    let original = delivery::Entity::find_by_id(delivery_id)
        .one(&txn)
        .await?
        .filter(|d| d.webhook_id == webhook_id)
        .ok_or(DomainError::NotFound("delivery"))?;
    if !hook.active {
        return Err(DomainError::Conflict("the webhook is switched off; switch it on before redelivering".into()));
    }
    let at = now();
    let id = delivery::Entity::insert(delivery::ActiveModel {
        webhook_id: Set(webhook_id),
        event_id: Set(original.event_id),
        event_type: Set(original.event_type),
        payload: Set(original.payload),
        status: Set("queued".into()),
        attempts: Set(0),
        next_attempt_at: Set(at),
        redelivery_of: Set(Some(delivery_id)),
        created_at: Set(at),
        ..Default::default()
    })
    .exec(&txn)
    .await?
    .last_insert_id;
    let created: Delivery =
        delivery::Entity::find_by_id(id).one(&txn).await?.ok_or(DomainError::NotFound("delivery"))?.into();
    audit::record(
        &txn,
        actor,
        Change {
            entity: "webhook_delivery",
            entity_id: id,
            action: "redeliver",
            before: None,
            after: snapshot(&created),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(created)
}
