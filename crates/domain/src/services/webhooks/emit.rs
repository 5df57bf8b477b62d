//! The outbox side of webhooks: an event becomes one delivery row per matching active
//! subscription, written with the caller's connection — inside the transaction of the
//! change that caused it, so that a rolled-back change announces nothing and a committed
//! one is always announced.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde::Serialize;

use super::events_of;
use crate::entities::{webhook, webhook_delivery};
use crate::error::{DomainError, Result};
use crate::rules::webhooks::matches;
use crate::time::{now, utc};

/// The body of every delivery.
#[derive(Serialize)]
struct Envelope<'a, T: Serialize> {
    id: &'a str,
    #[serde(rename = "type")]
    event_type: &'a str,
    created_at: DateTime<Utc>,
    data: &'a T,
}

/// The active subscriptions with their event patterns, read once for a use case that
/// emits many events (an import).
#[derive(Clone, Debug)]
pub struct Subscribers(Vec<(i64, Vec<String>)>);

impl Subscribers {
    /// Reads the active subscriptions.
    ///
    /// # Errors
    /// Database failures.
    pub async fn load(db: &impl ConnectionTrait) -> Result<Self> {
        let rows = webhook::Entity::find().filter(webhook::Column::Active.eq(true)).all(db).await?;
        Ok(Self(rows.into_iter().map(|m| (m.id, events_of(&m))).collect()))
    }

    /// Queues `event` with `data` (the resource) for every subscription that wants it.
    ///
    /// # Errors
    /// Database failures.
    pub async fn emit(&self, db: &impl ConnectionTrait, event: &str, data: &impl Serialize) -> Result<()> {
        self.emit_each(db, event, std::slice::from_ref(data)).await
    }

    /// Queues one `event` per item of `data`, each with its own event id, for every
    /// subscription that wants it, with multi-row inserts.
    ///
    /// # Errors
    /// Database failures.
    pub async fn emit_each<T: Serialize>(&self, db: &impl ConnectionTrait, event: &str, data: &[T]) -> Result<()> {
        let rows = self.deliveries(event, data)?;
        crate::repo::batch::insert_all(db, rows, delivery_bytes).await?;
        Ok(())
    }

    /// The delivery rows of one `event` per item of `data`, without writing them.
    ///
    /// # Errors
    /// `Internal` when an item cannot be written as JSON.
    pub fn deliveries<T: Serialize>(&self, event: &str, data: &[T]) -> Result<Vec<webhook_delivery::ActiveModel>> {
        let targets: Vec<i64> =
            self.0.iter().filter(|(_, ps)| ps.iter().any(|p| matches(p, event))).map(|(id, _)| *id).collect();
        if targets.is_empty() || data.is_empty() {
            return Ok(Vec::new());
        }
        let at = now();
        let mut rows = Vec::with_capacity(data.len() * targets.len());
        for item in data {
            let event_id = uuid::Uuid::new_v4().to_string();
            let envelope = Envelope { id: &event_id, event_type: event, created_at: utc(at), data: item };
            let payload =
                serde_json::to_string(&envelope).map_err(|e| DomainError::Internal(format!("webhook payload: {e}")))?;
            rows.extend(targets.iter().map(|webhook_id| webhook_delivery::ActiveModel {
                webhook_id: Set(*webhook_id),
                event_id: Set(event_id.clone()),
                event_type: Set(event.to_owned()),
                payload: Set(payload.clone()),
                status: Set("queued".into()),
                attempts: Set(0),
                next_attempt_at: Set(at),
                claimed_until: Set(None),
                claimed_by: Set(None),
                response_code: Set(None),
                last_error: Set(None),
                redelivery_of: Set(None),
                created_at: Set(at),
                last_attempt_at: Set(None),
                delivered_at: Set(None),
                ..Default::default()
            }));
        }
        Ok(rows)
    }
}

/// About the data of one delivery row, for batching.
pub fn delivery_bytes(r: &webhook_delivery::ActiveModel) -> usize {
    200 + r.payload.try_as_ref().map_or(0, String::len)
}

/// Queues `event` for every active subscription that wants it, in the caller's
/// transaction. `data` is the resource the event is about.
///
/// # Errors
/// Database failures.
pub async fn emit(db: &impl ConnectionTrait, event: &str, data: &impl Serialize) -> Result<()> {
    Subscribers::load(db).await?.emit(db, event, data).await
}
