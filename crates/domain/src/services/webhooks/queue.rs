//! The webhook delivery queue, for the worker in the api crate (which does the HTTP).
//!
//! A delivery moves `queued` → `sending` (claimed by one worker, with a lease) →
//! `delivered`, `failed`, or back to `queued` with a later `next_attempt_at`. Claims use
//! `SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL and MySQL, so several server instances
//! never claim the same row; SQLite has one writer, so its transaction is enough. As with
//! campaign messages, a crash between an attempt and its record sends that one delivery
//! again when its lease runs out; receivers drop repeats by `X-Rapport-Delivery` (or by
//! the event id in the body, which redeliveries share).
//!
//! A delivery that fails for good lengthens its subscription's failure streak; a success
//! ends it. At `disable_after` failures in a row the subscription is switched off, with
//! the reason, and nothing more is sent to it until an admin switches it on again.

use chrono::{Duration, NaiveDateTime};
use sea_orm::sea_query::{Expr, ExprTrait, LockBehavior, LockType};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, TransactionTrait,
};

use crate::entities::{webhook, webhook_delivery as delivery};
use crate::error::Result;
use crate::time::now;

/// A delivery ready to be sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outgoing {
    pub id: i64,
    pub webhook_id: i64,
    pub url: String,
    pub secret: String,
    pub event_type: String,
    /// The JSON body, to be sent and signed byte for byte.
    pub body: String,
    /// Which attempt this is (1 for the first).
    pub attempt: i32,
}

/// How an attempt ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// A 2xx answer.
    Delivered { code: i32 },
    /// Anything else: the answer's status if there was one, and why. With `retry_at` the
    /// delivery queues again; without, it has failed for good.
    Failed { code: Option<i32>, reason: String, retry_at: Option<NaiveDateTime> },
}

/// Claims up to `batch` deliveries that are due (or whose claim ran out) for `worker`.
///
/// # Errors
/// Database failures.
pub async fn claim(db: &DatabaseConnection, worker: &str, batch: u64, lease: Duration) -> Result<Vec<i64>> {
    let at = now();
    let txn = db.begin().await?;
    let mut q = delivery::Entity::find()
        .select_only()
        .column(delivery::Column::Id)
        .filter(
            Condition::any()
                .add(
                    Condition::all()
                        .add(delivery::Column::Status.eq("queued"))
                        .add(delivery::Column::NextAttemptAt.lte(at)),
                )
                .add(
                    Condition::all()
                        .add(delivery::Column::Status.eq("sending"))
                        .add(delivery::Column::ClaimedUntil.lt(at)),
                ),
        )
        .order_by_asc(delivery::Column::Id)
        .limit(batch);
    if db.get_database_backend() != DbBackend::Sqlite {
        q = q.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    let ids: Vec<i64> = q.into_tuple().all(&txn).await?;
    if !ids.is_empty() {
        delivery::Entity::update_many()
            .set(delivery::ActiveModel {
                status: Set("sending".into()),
                claimed_by: Set(Some(worker.to_owned())),
                claimed_until: Set(Some(at + lease)),
                ..Default::default()
            })
            .filter(delivery::Column::Id.is_in(ids.clone()))
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(ids)
}

async fn finish(db: &impl ConnectionTrait, id: i64, worker: &str, set: delivery::ActiveModel) -> Result<bool> {
    let res = delivery::Entity::update_many()
        .set(set)
        .filter(delivery::Column::Id.eq(id))
        .filter(delivery::Column::Status.eq("sending"))
        .filter(delivery::Column::ClaimedBy.eq(worker))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Records the coming attempt (renewing the lease) and returns what to send. `None` when
/// the claim was lost, or the subscription is gone or switched off (the delivery is then
/// cancelled).
///
/// # Errors
/// Database failures.
pub async fn prepare(db: &DatabaseConnection, id: i64, worker: &str, lease: Duration) -> Result<Option<Outgoing>> {
    let at = now();
    let renewed = delivery::Entity::update_many()
        .col_expr(delivery::Column::Attempts, Expr::col(delivery::Column::Attempts).add(1))
        .col_expr(delivery::Column::ClaimedUntil, Expr::value(at + lease))
        .col_expr(delivery::Column::LastAttemptAt, Expr::value(at))
        .filter(delivery::Column::Id.eq(id))
        .filter(delivery::Column::Status.eq("sending"))
        .filter(delivery::Column::ClaimedBy.eq(worker))
        .exec(db)
        .await?;
    if renewed.rows_affected != 1 {
        return Ok(None);
    }
    let Some(d) = delivery::Entity::find_by_id(id).one(db).await? else { return Ok(None) };
    let hook = webhook::Entity::find_by_id(d.webhook_id).one(db).await?;
    let Some(hook) = hook.filter(|h| h.active) else {
        let set = delivery::ActiveModel {
            status: Set("cancelled".into()),
            last_error: Set(Some("the webhook was switched off".into())),
            claimed_until: Set(None),
            ..Default::default()
        };
        finish(db, id, worker, set).await?;
        return Ok(None);
    };
    Ok(Some(Outgoing {
        id,
        webhook_id: hook.id,
        url: hook.url,
        secret: hook.secret,
        event_type: d.event_type,
        body: d.payload,
        attempt: d.attempts,
    }))
}

/// Records how an attempt ended, and keeps the subscription's failure streak: a success
/// ends it; a final failure lengthens it and, at `disable_after`, switches the
/// subscription off.
///
/// # Errors
/// Database failures.
pub async fn record(
    db: &DatabaseConnection,
    out: &Outgoing,
    worker: &str,
    outcome: Outcome,
    disable_after: i32,
) -> Result<()> {
    let txn = db.begin().await?;
    let (set, delivered, failed_for_good, reason) = match outcome {
        Outcome::Delivered { code } => (
            delivery::ActiveModel {
                status: Set("delivered".into()),
                response_code: Set(Some(code)),
                last_error: Set(None),
                delivered_at: Set(Some(now())),
                claimed_until: Set(None),
                ..Default::default()
            },
            true,
            false,
            String::new(),
        ),
        Outcome::Failed { code, reason, retry_at } => {
            let reason: String = reason.chars().take(1000).collect();
            let mut set = delivery::ActiveModel {
                response_code: Set(code),
                last_error: Set(Some(reason.clone())),
                claimed_until: Set(None),
                ..Default::default()
            };
            match retry_at {
                Some(at) => {
                    set.status = Set("queued".into());
                    set.next_attempt_at = Set(at);
                }
                None => set.status = Set("failed".into()),
            }
            (set, false, retry_at.is_none(), reason)
        }
    };
    if !finish(&txn, out.id, worker, set).await? {
        // The claim ran out and another worker took the delivery over: its record counts.
        return Ok(());
    }
    if delivered {
        webhook::Entity::update_many()
            .col_expr(webhook::Column::FailureStreak, Expr::value(0))
            .filter(webhook::Column::Id.eq(out.webhook_id))
            .exec(&txn)
            .await?;
    } else if failed_for_good {
        webhook::Entity::update_many()
            .col_expr(webhook::Column::FailureStreak, Expr::col(webhook::Column::FailureStreak).add(1))
            .filter(webhook::Column::Id.eq(out.webhook_id))
            .exec(&txn)
            .await?;
        let why: String = format!("switched off after {disable_after} failed deliveries in a row; the last: {reason}")
            .chars()
            .take(1000)
            .collect();
        webhook::Entity::update_many()
            .set(webhook::ActiveModel {
                active: Set(false),
                disabled_reason: Set(Some(why)),
                updated_at: Set(now()),
                ..Default::default()
            })
            .col_expr(webhook::Column::Version, Expr::col(webhook::Column::Version).add(1))
            .filter(webhook::Column::Id.eq(out.webhook_id))
            .filter(webhook::Column::Active.eq(true))
            .filter(webhook::Column::FailureStreak.gte(disable_after))
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(())
}
