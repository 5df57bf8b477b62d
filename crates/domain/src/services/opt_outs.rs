//! Per-channel opt-outs: a customer who opted out of email, SMS or phone is skipped by
//! every later campaign on that channel (and by queued messages not yet sent).

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
};
use serde::Serialize;

use crate::entities::{customer, customer_opt_out as opt};
use crate::error::{DomainError, Result};
use crate::repo::audit::{self, Change};
use crate::services::campaigns::CHANNELS;
use crate::services::customers::visible_customer;
use crate::time::{now, utc};
use crate::{Action, Actor};

/// Replies that mean "stop sending me SMS" (compared case-insensitively, trimmed).
pub const STOP_WORDS: &[&str] = &["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "TD", "退订"];

/// One opt-out.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OptOut {
    pub channel: String,
    /// `api`, `unsubscribe_link` or `sms_reply`.
    pub source: String,
    pub created_at: DateTime<Utc>,
}

fn check_channel(channel: &str) -> Result<()> {
    if CHANNELS.contains(&channel) {
        Ok(())
    } else {
        Err(DomainError::invalid("channel", format!("must be one of {}", CHANNELS.join(", "))))
    }
}

/// Records an opt-out unless there is one already (idempotent).
///
/// # Errors
/// Database failures.
pub async fn record(db: &impl ConnectionTrait, customer_id: i64, channel: &str, source: &str) -> Result<bool> {
    let exists = opt::Entity::find_by_id((customer_id, channel.to_owned())).one(db).await?;
    if exists.is_some() {
        return Ok(false);
    }
    let res = opt::Entity::insert(opt::ActiveModel {
        customer_id: Set(customer_id),
        channel: Set(channel.to_owned()),
        source: Set(source.to_owned()),
        created_at: Set(now()),
    })
    .exec(db)
    .await;
    match res {
        Ok(_) => Ok(true),
        // Two unsubscribes racing: the other one recorded it.
        Err(e) if matches!(e.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_))) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// A customer's opt-outs.
///
/// # Errors
/// `Forbidden`, `NotFound`, database failures.
pub async fn list(db: &DatabaseConnection, actor: &Actor, customer_id: i64) -> Result<Vec<OptOut>> {
    let scope = actor.require(Action::CustomersRead)?;
    visible_customer(db, actor, scope, customer_id).await?;
    let rows = opt::Entity::find()
        .filter(opt::Column::CustomerId.eq(customer_id))
        .order_by_asc(opt::Column::Channel)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| OptOut { channel: r.channel, source: r.source, created_at: utc(r.created_at) })
        .collect())
}

/// Opts a customer out of a channel on their request.
///
/// # Errors
/// `Forbidden`, `NotFound`, `Invalid` channel, database failures.
pub async fn add(db: &DatabaseConnection, actor: &Actor, customer_id: i64, channel: &str) -> Result<Vec<OptOut>> {
    let scope = actor.require(Action::OptOutsWrite)?;
    check_channel(channel)?;
    visible_customer(db, actor, scope, customer_id).await?;
    if record(db, customer_id, channel, "api").await? {
        let after = Some(serde_json::json!({ "channel": channel }));
        audit::record(
            db,
            actor,
            Change { entity: "customer_opt_out", entity_id: customer_id, action: "create", before: None, after },
        )
        .await?;
    }
    list(db, &Actor::system(), customer_id).await
}

/// Lifts a customer's opt-out of a channel (they subscribed again).
///
/// # Errors
/// `Forbidden`, `NotFound` (customer or opt-out), `Invalid` channel, database failures.
pub async fn remove(db: &DatabaseConnection, actor: &Actor, customer_id: i64, channel: &str) -> Result<()> {
    let scope = actor.require(Action::OptOutsWrite)?;
    check_channel(channel)?;
    visible_customer(db, actor, scope, customer_id).await?;
    let res = opt::Entity::delete_by_id((customer_id, channel.to_owned())).exec(db).await?;
    if res.rows_affected == 0 {
        return Err(DomainError::NotFound("opt-out"));
    }
    let before = Some(serde_json::json!({ "channel": channel }));
    audit::record(
        db,
        actor,
        Change { entity: "customer_opt_out", entity_id: customer_id, action: "delete", before, after: None },
    )
    .await?;
    Ok(())
}

/// What an SMS reply did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReplyOutcome {
    /// Whether the reply was a stop word.
    pub stop: bool,
    /// The customers with that phone number who are now opted out of SMS.
    pub customer_ids: Vec<i64>,
}

/// An inbound SMS reply (forwarded by the gateway): a stop word opts every customer with
/// that phone number out of SMS.
///
/// # Errors
/// `Forbidden`, `Invalid` (empty number), database failures.
pub async fn sms_reply(db: &DatabaseConnection, actor: &Actor, from: &str, body: &str) -> Result<ReplyOutcome> {
    actor.require(Action::OptOutsWrite)?;
    let from = from.trim();
    if from.is_empty() || from.chars().count() > 40 {
        return Err(DomainError::invalid("from", "must be the sender's phone number"));
    }
    if body.chars().count() > 2000 {
        return Err(DomainError::invalid("body", "must be at most 2000 characters"));
    }
    let word = body.trim().to_uppercase();
    if !STOP_WORDS.contains(&word.as_str()) {
        return Ok(ReplyOutcome { stop: false, customer_ids: Vec::new() });
    }
    let ids: Vec<i64> = customer::Entity::find()
        .filter(customer::Column::Phone.eq(from))
        .filter(customer::Column::DeletedAt.is_null())
        .all(db)
        .await?
        .into_iter()
        .map(|c| c.id)
        .collect();
    for id in &ids {
        record(db, *id, "sms", "sms_reply").await?;
    }
    Ok(ReplyOutcome { stop: true, customer_ids: ids })
}
