//! The delivery queue behind campaigns: claiming messages, recording attempts and their
//! results, and finishing campaigns. The transports (SMTP, the SMS gateway) live in the
//! api crate's worker; the outbox transport is here because it is a table.
//!
//! # Exactly once, and where that ends
//! A message moves `queued` → `sending` (claimed by one worker, with a lease) → `sent`
//! or `failed`, or back to `queued` with a later `next_attempt_at` after a temporary
//! failure. Claims use `SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL and MySQL, so
//! several server instances never claim the same row; SQLite has one writer, so its
//! transaction is enough.
//!
//! Just before a message is handed to the transport, [`prepare`] records the attempt
//! (and renews the lease) in its own committed write; just after, [`record_sent`]
//! records the result. A crash between the two leaves one message per worker whose
//! fate is unknown: the transport may or may not have accepted it. We choose to send it
//! again when its lease runs out (at-least-once) rather than to drop it (at-most-once),
//! and every attempt of a message carries the same id — the SMTP `Message-ID`
//! `<token@rapport>`, the SMS gateway's `message_id` — so that the receiving side can
//! discard the repeat. Messages to the outbox are exactly once outright: the outbox row
//! and the `sent` mark are written in one transaction, and the outbox's unique
//! `message_id` refuses a second copy.

use chrono::{Duration, NaiveDateTime};
use sea_orm::sea_query::{Expr, ExprTrait, LockBehavior, LockType};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
};

use crate::entities::{campaign, campaign_message as msg, customer, customer_opt_out, outbox_message};
use crate::error::Result;
use crate::services::campaigns::launch::first_recommendation;
use crate::services::campaigns::render::{self, Context, TrackingBase};
use crate::time::now;

/// A message ready for its transport.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outgoing {
    pub id: i64,
    pub channel: String,
    pub to: String,
    pub subject: Option<String>,
    pub text: String,
    pub html: Option<String>,
    pub unsubscribe_url: Option<String>,
    /// The same for every attempt: receivers use it to drop repeats.
    pub message_id: String,
    /// Which attempt this is (1 for the first).
    pub attempt: i32,
}

/// Claims up to `batch` messages that are due (or whose claim ran out) for `worker`.
///
/// # Errors
/// Database failures.
pub async fn claim(db: &DatabaseConnection, worker: &str, batch: u64, lease: Duration) -> Result<Vec<i64>> {
    let at = now();
    let txn = db.begin().await?;
    let mut q = msg::Entity::find()
        .select_only()
        .column(msg::Column::Id)
        .filter(
            Condition::any()
                .add(Condition::all().add(msg::Column::Status.eq("queued")).add(msg::Column::NextAttemptAt.lte(at)))
                .add(Condition::all().add(msg::Column::Status.eq("sending")).add(msg::Column::ClaimedUntil.lt(at))),
        )
        .order_by_asc(msg::Column::Id)
        .limit(batch);
    if db.get_database_backend() != DbBackend::Sqlite {
        q = q.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    let ids: Vec<i64> = q.into_tuple().all(&txn).await?;
    if !ids.is_empty() {
        msg::Entity::update_many()
            .set(msg::ActiveModel {
                status: Set("sending".into()),
                claimed_by: Set(Some(worker.to_owned())),
                claimed_until: Set(Some(at + lease)),
                ..Default::default()
            })
            .filter(msg::Column::Id.is_in(ids.clone()))
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(ids)
}

async fn finish(db: &impl ConnectionTrait, id: i64, worker: &str, set: msg::ActiveModel) -> Result<bool> {
    let res = msg::Entity::update_many()
        .set(set)
        .filter(msg::Column::Id.eq(id))
        .filter(msg::Column::Status.eq("sending"))
        .filter(msg::Column::ClaimedBy.eq(worker))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

fn drop_as(status: &str, reason: &str) -> msg::ActiveModel {
    msg::ActiveModel {
        status: Set(status.to_owned()),
        error: Set(Some(reason.to_owned())),
        claimed_until: Set(None),
        ..Default::default()
    }
}

/// Records the coming attempt (renewing the lease) and renders the message. `None` when
/// the claim was lost, or the message is not to be sent after all (campaign cancelled,
/// customer gone or opted out since launch — recorded on the message).
///
/// # Errors
/// Database failures.
pub async fn prepare(
    db: &DatabaseConnection,
    id: i64,
    worker: &str,
    lease: Duration,
    base: &TrackingBase,
) -> Result<Option<Outgoing>> {
    let renewed = msg::Entity::update_many()
        .col_expr(msg::Column::Attempts, Expr::col(msg::Column::Attempts).add(1))
        .col_expr(msg::Column::ClaimedUntil, Expr::value(now() + lease))
        .filter(msg::Column::Id.eq(id))
        .filter(msg::Column::Status.eq("sending"))
        .filter(msg::Column::ClaimedBy.eq(worker))
        .exec(db)
        .await?;
    if renewed.rows_affected != 1 {
        return Ok(None);
    }
    let Some(m) = msg::Entity::find_by_id(id).one(db).await? else { return Ok(None) };
    let Some(c) = campaign::Entity::find_by_id(m.campaign_id).one(db).await? else { return Ok(None) };
    if !m.is_test && c.status != "running" {
        finish(db, id, worker, drop_as("cancelled", &format!("campaign is {}", c.status))).await?;
        return Ok(None);
    }
    let cust = customer::Entity::find_by_id(m.customer_id).one(db).await?;
    let Some(cust) = cust.filter(|c| c.deleted_at.is_none()) else {
        finish(db, id, worker, drop_as("failed", "the customer was deleted")).await?;
        return Ok(None);
    };
    if !m.is_test {
        let opted = customer_opt_out::Entity::find()
            .filter(customer_opt_out::Column::CustomerId.eq(m.customer_id))
            .filter(customer_opt_out::Column::Channel.eq(m.channel.clone()))
            .count(db)
            .await?;
        if opted > 0 {
            finish(db, id, worker, drop_as("cancelled", "the customer opted out")).await?;
            return Ok(None);
        }
    }
    let recommended = if render::needs_recommendation(&c) { first_recommendation(db, cust.id).await? } else { None };
    let r = render::render(&c, &Context { customer: &cust, recommended, token: &m.token, base });
    msg::Entity::update_many()
        .set(msg::ActiveModel {
            subject: Set(r.subject.clone()),
            body: Set(Some(r.text.clone())),
            links: Set(Some(serde_json::to_string(&r.links).unwrap_or_else(|_| "[]".into()))),
            ..Default::default()
        })
        .filter(msg::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(Some(Outgoing {
        id,
        channel: m.channel,
        to: m.recipient,
        subject: r.subject,
        text: r.text,
        html: r.html,
        unsubscribe_url: r.unsubscribe_url,
        message_id: format!("{}@rapport", m.token),
        attempt: m.attempts + 1,
    }))
}

async fn sent_mark(db: &impl ConnectionTrait, id: i64) -> Result<msg::ActiveModel> {
    let at = now();
    let days = match msg::Entity::find_by_id(id).one(db).await? {
        Some(m) => campaign::Entity::find_by_id(m.campaign_id).one(db).await?.map_or(14, |c| c.attribution_days),
        None => 14,
    };
    Ok(msg::ActiveModel {
        status: Set("sent".into()),
        sent_at: Set(Some(at)),
        attribute_until: Set(Some(at + Duration::days(i64::from(days)))),
        claimed_until: Set(None),
        error: Set(None),
        ..Default::default()
    })
}

/// Records that the transport accepted the message.
///
/// # Errors
/// Database failures.
pub async fn record_sent(db: &DatabaseConnection, id: i64, worker: &str) -> Result<()> {
    let set = sent_mark(db, id).await?;
    finish(db, id, worker, set).await?;
    Ok(())
}

/// Records a failed attempt: with `retry_at` the message queues again for then;
/// without, it has failed for good with `reason`.
///
/// # Errors
/// Database failures.
pub async fn record_failure(
    db: &DatabaseConnection,
    id: i64,
    worker: &str,
    reason: &str,
    retry_at: Option<NaiveDateTime>,
) -> Result<()> {
    let reason: String = reason.chars().take(1000).collect();
    let set = match retry_at {
        Some(at) => msg::ActiveModel {
            status: Set("queued".into()),
            next_attempt_at: Set(at),
            error: Set(Some(reason)),
            claimed_until: Set(None),
            ..Default::default()
        },
        None => drop_as("failed", &reason),
    };
    finish(db, id, worker, set).await?;
    Ok(())
}

/// Delivers a message to the outbox table, exactly once (see the module documentation).
///
/// # Errors
/// Database failures.
pub async fn deliver_to_outbox(db: &DatabaseConnection, out: &Outgoing, worker: &str) -> Result<()> {
    let txn = db.begin().await?;
    let exists = outbox_message::Entity::find()
        .filter(outbox_message::Column::MessageId.eq(out.message_id.clone()))
        .count(&txn)
        .await?;
    if exists == 0 {
        outbox_message::Entity::insert(outbox_message::ActiveModel {
            message_id: Set(out.message_id.clone()),
            channel: Set(out.channel.clone()),
            recipient: Set(out.to.clone()),
            subject: Set(out.subject.clone()),
            body: Set(out.text.clone()),
            html: Set(out.html.clone()),
            created_at: Set(now()),
            ..Default::default()
        })
        .exec(&txn)
        .await?;
    }
    let set = sent_mark(&txn, out.id).await?;
    finish(&txn, out.id, worker, set).await?;
    txn.commit().await?;
    Ok(())
}

/// Completes running campaigns with nothing left to send, and ends those whose end time
/// has passed (their unsent messages are cancelled). Returns how many completed.
///
/// # Errors
/// Database failures.
pub async fn finish_campaigns(db: &DatabaseConnection) -> Result<u64> {
    let at = now();
    let running = campaign::Entity::find()
        .filter(campaign::Column::Status.eq("running"))
        .filter(campaign::Column::DeletedAt.is_null())
        .all(db)
        .await?;
    let mut done = 0;
    for c in running {
        if c.end_at.is_some_and(|e| e <= at) {
            crate::services::campaigns::cancel_queued(db, c.id, "the campaign ended before it was sent").await?;
        }
        let pending = msg::Entity::find()
            .filter(msg::Column::CampaignId.eq(c.id))
            .filter(msg::Column::IsTest.eq(false))
            .filter(msg::Column::Status.is_in(["queued", "sending"]))
            .count(db)
            .await?;
        if pending == 0 {
            // The completion and its webhook event commit together.
            let txn = db.begin().await?;
            let res = campaign::Entity::update_many()
                .set(campaign::ActiveModel {
                    status: Set("completed".into()),
                    completed_at: Set(Some(at)),
                    updated_at: Set(at),
                    ..Default::default()
                })
                .col_expr(campaign::Column::Version, Expr::col(campaign::Column::Version).add(1))
                .filter(campaign::Column::Id.eq(c.id))
                .filter(campaign::Column::Status.eq("running"))
                .exec(&txn)
                .await?;
            if res.rows_affected == 1
                && let Some(m) = campaign::Entity::find_by_id(c.id).one(&txn).await?
            {
                let done_campaign = crate::services::campaigns::Campaign::from(m);
                crate::services::webhooks::emit(&txn, "campaign.completed", &done_campaign).await?;
            }
            txn.commit().await?;
            done += res.rows_affected;
        }
    }
    Ok(done)
}
