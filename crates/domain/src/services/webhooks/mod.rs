//! Webhooks: admins subscribe URLs to events; every change that causes an event writes one
//! delivery row per matching active subscription in its own transaction ([`emit`]), and
//! the worker in the api crate sends them, signed, with retries ([`queue`]).

pub mod deliveries;
mod emit;
pub mod queue;
pub mod target;

pub use deliveries::{Delivery, list_deliveries, redeliver};
pub use emit::{Subscribers, delivery_bytes, emit};
pub use target::TargetPolicy;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    TransactionTrait,
};
use serde::Serialize;

use crate::entities::{webhook, webhook_delivery};
use crate::error::{DomainError, Result};
use crate::repo::audit::{self, Change};
use crate::rules::validate::{self, Problems};
use crate::rules::webhooks::check_events;
use crate::services::auth::random_token;
use crate::services::customers::check_version;
use crate::services::snapshot;
use crate::time::{now, utc};
use crate::{Action, Actor};

/// The prefix of webhook signing secrets.
pub const SECRET_PREFIX: &str = "whsec_";

/// A subscription, without its secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Webhook {
    pub id: i64,
    pub url: String,
    pub events: Vec<String>,
    pub active: bool,
    pub description: Option<String>,
    pub disabled_reason: Option<String>,
    pub created_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

pub(crate) fn events_of(m: &webhook::Model) -> Vec<String> {
    serde_json::from_str(&m.events).unwrap_or_default()
}

impl From<webhook::Model> for Webhook {
    fn from(m: webhook::Model) -> Self {
        Self {
            events: events_of(&m),
            id: m.id,
            url: m.url,
            active: m.active,
            description: m.description,
            disabled_reason: m.disabled_reason,
            created_by: m.created_by,
            created_at: utc(m.created_at),
            updated_at: utc(m.updated_at),
            version: m.version,
        }
    }
}

/// What an admin gives to subscribe.
#[derive(Clone, Debug, Default)]
pub struct NewWebhook {
    pub url: String,
    pub events: Vec<String>,
    pub description: Option<String>,
    /// Default true.
    pub active: Option<bool>,
}

/// A partial change: absent fields stay; `description: Some(None)` clears it.
#[derive(Clone, Debug, Default)]
pub struct WebhookChanges {
    pub url: Option<String>,
    pub events: Option<Vec<String>>,
    pub description: Option<Option<String>>,
    pub active: Option<bool>,
}

struct Checked {
    url: String,
    events: Vec<String>,
    description: Option<String>,
}

async fn checked(url: &str, events: &[String], description: Option<&str>, policy: TargetPolicy) -> Result<Checked> {
    let mut p = Problems::default();
    let events = check_events(&mut p, "events", events);
    let description = validate::optional(&mut p, "description", description, 500);
    let url = match target::check(url, policy).await {
        Ok(t) => t.url.to_string(),
        Err(refused) => {
            p.add("url", refused.reason);
            String::new()
        }
    };
    p.finish()?;
    Ok(Checked { url, events, description })
}

pub(crate) async fn find(db: &impl ConnectionTrait, id: i64) -> Result<webhook::Model> {
    webhook::Entity::find_by_id(id).one(db).await?.ok_or(DomainError::NotFound("webhook"))
}

/// Every subscription, newest first.
///
/// # Errors
/// `Forbidden`, database failures.
pub async fn list(db: &impl ConnectionTrait, actor: &Actor) -> Result<Vec<Webhook>> {
    actor.require(Action::WebhooksManage)?;
    let rows = webhook::Entity::find().order_by_desc(webhook::Column::Id).all(db).await?;
    Ok(rows.into_iter().map(Webhook::from).collect())
}

/// One subscription.
///
/// # Errors
/// `Forbidden`, `NotFound`, database failures.
pub async fn get(db: &impl ConnectionTrait, actor: &Actor, id: i64) -> Result<Webhook> {
    actor.require(Action::WebhooksManage)?;
    Ok(find(db, id).await?.into())
}

/// Subscribes a URL; returns the subscription and its signing secret, shown only now.
///
/// # Errors
/// `Forbidden`, `Invalid` (URL, target address, events), database failures.
pub async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    input: NewWebhook,
    policy: TargetPolicy,
) -> Result<(Webhook, String)> {
    actor.require(Action::WebhooksManage)?;
    let c = checked(&input.url, &input.events, input.description.as_deref(), policy).await?;
    let secret = format!("{SECRET_PREFIX}{}", random_token());
    let at = now();
    let txn = db.begin().await?;
    let id = webhook::Entity::insert(webhook::ActiveModel {
        url: Set(c.url),
        events: Set(serde_json::to_string(&c.events).unwrap_or_else(|_| "[]".into())),
        secret: Set(secret.clone()),
        active: Set(input.active.unwrap_or(true)),
        description: Set(c.description),
        disabled_reason: Set(None),
        failure_streak: Set(0),
        created_by: Set(actor.user_id),
        created_at: Set(at),
        updated_at: Set(at),
        version: Set(1),
        ..Default::default()
    })
    .exec(&txn)
    .await?
    .last_insert_id;
    let created = Webhook::from(find(&txn, id).await?);
    audit::record(
        &txn,
        actor,
        Change { entity: "webhook", entity_id: id, action: "create", before: None, after: snapshot(&created) },
    )
    .await?;
    txn.commit().await?;
    Ok((created, secret))
}

/// Changes a subscription. Switching it on again clears the reason it was switched off
/// and its failure streak. `expected` is the caller's `If-Match` version.
///
/// # Errors
/// `Forbidden`, `NotFound`, `StaleVersion`, `Invalid`, database failures.
pub async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    expected: Option<i32>,
    changes: WebhookChanges,
    policy: TargetPolicy,
) -> Result<Webhook> {
    actor.require(Action::WebhooksManage)?;
    let current = find(db, id).await?;
    check_version(expected, current.version)?;
    let before = Webhook::from(current.clone());
    let url = changes.url.unwrap_or_else(|| before.url.clone());
    let events = changes.events.unwrap_or_else(|| before.events.clone());
    let description = changes.description.unwrap_or_else(|| before.description.clone());
    let c = checked(&url, &events, description.as_deref(), policy).await?;
    let active = changes.active.unwrap_or(before.active);
    let mut row = webhook::ActiveModel {
        url: Set(c.url),
        events: Set(serde_json::to_string(&c.events).unwrap_or_else(|_| "[]".into())),
        description: Set(c.description),
        active: Set(active),
        updated_at: Set(now()),
        version: Set(current.version + 1),
        ..Default::default()
    };
    if active && !before.active {
        row.disabled_reason = Set(None);
        row.failure_streak = Set(0);
    }
    let txn = db.begin().await?;
    let res = webhook::Entity::update_many()
        .set(row)
        .filter(webhook::Column::Id.eq(id))
        .filter(webhook::Column::Version.eq(current.version))
        .exec(&txn)
        .await?;
    if res.rows_affected != 1 {
        return Err(DomainError::StaleVersion { expected: current.version, current: current.version + 1 });
    }
    let after = Webhook::from(find(&txn, id).await?);
    audit::record(
        &txn,
        actor,
        Change {
            entity: "webhook",
            entity_id: id,
            action: "update",
            before: snapshot(&before),
            after: snapshot(&after),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

/// Deletes a subscription and its delivery history; nothing more is sent to it.
///
/// # Errors
/// `Forbidden`, `NotFound`, `StaleVersion`, database failures.
pub async fn delete(db: &DatabaseConnection, actor: &Actor, id: i64, expected: Option<i32>) -> Result<()> {
    actor.require(Action::WebhooksManage)?;
    let txn = db.begin().await?;
    let current = find(&txn, id).await?;
    check_version(expected, current.version)?;
    let before = Webhook::from(current.clone());
    webhook_delivery::Entity::delete_many().filter(webhook_delivery::Column::WebhookId.eq(id)).exec(&txn).await?;
    let res = webhook::Entity::delete_many()
        .filter(webhook::Column::Id.eq(id))
        .filter(webhook::Column::Version.eq(current.version))
        .exec(&txn)
        .await?;
    if res.rows_affected != 1 {
        return Err(DomainError::StaleVersion { expected: current.version, current: current.version + 1 });
    }
    audit::record(
        &txn,
        actor,
        Change { entity: "webhook", entity_id: id, action: "delete", before: snapshot(&before), after: None },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
