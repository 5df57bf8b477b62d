//! Launching a campaign: one message row per segment member who can be reached on the
//! campaign's channel, written in the same transaction as the move to `running`, so a
//! launch happens once and completely or not at all. Email and SMS messages queue for
//! the delivery worker; a phone campaign creates a call activity for each customer's
//! owner instead (its message row is "sent" when the call is put on the list).

use chrono::Duration;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, TransactionTrait,
};
use serde::Serialize;

use super::render::{self, Context, Rendered, TrackingBase};
use super::{Campaign, find_live, transition};
use crate::entities::{activity, campaign, campaign_message, customer, customer_opt_out};
use crate::error::{DomainError, Result};
use crate::repo::audit::{self, Change};
use crate::repo::segments as seg_repo;
use crate::services::auth::random_token;
use crate::services::{recommendations, segments, snapshot};
use crate::time::now;
use crate::{Action, Actor};

const CHUNK: u64 = 1000;

/// The address a channel reaches a customer at.
pub(crate) fn address(channel: &str, c: &customer::Model) -> Option<String> {
    let v = match channel {
        "email" => c.email.as_deref(),
        _ => c.phone.as_deref(),
    };
    v.map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned)
}

/// The name of a customer's first recommended product, if any.
pub(crate) async fn first_recommendation(db: &impl ConnectionTrait, customer_id: i64) -> Result<Option<String>> {
    let recs =
        recommendations::for_customer(db, &Actor::system(), customer_id, 1, recommendations::MinSupport::default())
            .await?;
    Ok(recs.into_iter().next().map(|r| r.name))
}

/// Launches a draft or scheduled campaign now.
///
/// # Errors
/// `Invalid` without a segment; `InvalidTransition` when not draft or scheduled;
/// `Conflict` when another launch won; `Forbidden`, `NotFound`, `StaleVersion`.
pub async fn launch(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    expected: Option<i32>,
    base: &TrackingBase,
) -> Result<Campaign> {
    actor.require(Action::MarketingWrite)?;
    let c = find_live(db, id).await?;
    let segment_id =
        c.segment_id.ok_or_else(|| DomainError::invalid("segment_id", "a campaign needs a segment to launch"))?;
    let seg = segments::get(db, &Actor::system(), segment_id).await?;
    let checked = segments::check_filter(db, seg.filter).await?;
    let cond = segments::members_condition(db, &checked).await?;
    let txn = db.begin().await?;
    let at = now();
    let before: Campaign = transition(
        &txn,
        id,
        expected,
        "running",
        campaign::ActiveModel { launched_at: Set(Some(at)), ..Default::default() },
    )
    .await?
    .into();
    let counts = materialise(&txn, &c, cond, base).await?;
    campaign::Entity::update_many()
        .set(campaign::ActiveModel {
            targeted: Set(counts.targeted),
            skipped_opt_out: Set(counts.opted_out),
            skipped_no_address: Set(counts.no_address),
            ..Default::default()
        })
        .filter(campaign::Column::Id.eq(id))
        .exec(&txn)
        .await?;
    let after: Campaign = find_live(&txn, id).await?.into();
    audit::record(
        &txn,
        actor,
        Change {
            entity: "campaign",
            entity_id: id,
            action: "launch",
            before: snapshot(&before),
            after: snapshot(&after),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

#[derive(Default)]
struct Counts {
    targeted: i64,
    opted_out: i64,
    no_address: i64,
}

async fn materialise(
    db: &impl ConnectionTrait,
    c: &campaign::Model,
    cond: sea_orm::Condition,
    base: &TrackingBase,
) -> Result<Counts> {
    let mut counts = Counts::default();
    let at = now();
    let until = at + Duration::days(i64::from(c.attribution_days));
    let mut after = 0;
    loop {
        let members = seg_repo::members(db, cond.clone(), after, CHUNK).await?;
        let Some(last) = members.last() else { break };
        after = last.id;
        counts.targeted += i64::try_from(members.len()).unwrap_or(i64::MAX);
        let ids: Vec<i64> = members.iter().map(|m| m.id).collect();
        let opted: std::collections::HashSet<i64> = customer_opt_out::Entity::find()
            .filter(customer_opt_out::Column::CustomerId.is_in(ids))
            .filter(customer_opt_out::Column::Channel.eq(c.channel.clone()))
            .all(db)
            .await?
            .into_iter()
            .map(|o| o.customer_id)
            .collect();
        let mut rows = Vec::with_capacity(members.len());
        for m in &members {
            if opted.contains(&m.id) {
                counts.opted_out += 1;
                continue;
            }
            let Some(recipient) = address(&c.channel, m) else {
                counts.no_address += 1;
                continue;
            };
            let token = random_token();
            let mut row = campaign_message::ActiveModel {
                campaign_id: Set(c.id),
                customer_id: Set(m.id),
                channel: Set(c.channel.clone()),
                recipient: Set(recipient),
                is_test: Set(false),
                status: Set("queued".into()),
                attempts: Set(0),
                next_attempt_at: Set(at),
                opens: Set(0),
                clicks: Set(0),
                created_at: Set(at),
                ..Default::default()
            };
            if c.channel == "phone" {
                let Some(owner) = m.owner_id.or(c.created_by) else {
                    counts.no_address += 1;
                    continue;
                };
                let recommended =
                    if render::needs_recommendation(c) { first_recommendation(db, m.id).await? } else { None };
                let r = render::render(c, &Context { customer: m, recommended, token: &token, base });
                let activity_id = call_activity(db, c, m.id, owner, &r.text).await?;
                row.status = Set("sent".into());
                row.body = Set(Some(r.text));
                row.sent_at = Set(Some(at));
                row.attribute_until = Set(Some(until));
                row.activity_id = Set(Some(activity_id));
            }
            row.token = Set(token);
            rows.push(row);
        }
        if !rows.is_empty() {
            campaign_message::Entity::insert_many(rows).exec(db).await?;
        }
    }
    Ok(counts)
}

async fn call_activity(
    db: &impl ConnectionTrait,
    c: &campaign::Model,
    customer_id: i64,
    owner: i64,
    script: &str,
) -> Result<i64> {
    let at = now();
    let due = c.start_at.filter(|s| *s > at).unwrap_or(at) + Duration::days(1);
    let res = activity::Entity::insert(activity::ActiveModel {
        kind: Set("call".into()),
        subject: Set(format!("Campaign call: {}", c.name).chars().take(200).collect()),
        body: Set(Some(script.to_owned())),
        due_at: Set(Some(due)),
        done_at: Set(None),
        outcome: Set(None),
        owner_id: Set(owner),
        customer_id: Set(Some(customer_id)),
        lead_id: Set(None),
        opportunity_id: Set(None),
        created_at: Set(at),
        updated_at: Set(at),
        deleted_at: Set(None),
        version: Set(1),
        ..Default::default()
    })
    .exec(db)
    .await?;
    Ok(res.last_insert_id)
}

/// A campaign rendered for one customer, and the test message queued when an address
/// was given.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TestSend {
    pub customer_id: i64,
    pub channel: String,
    pub subject: Option<String>,
    pub text: String,
    pub html: Option<String>,
    /// The queued test message (not counted in the campaign's statistics).
    pub message_id: Option<i64>,
    pub to: Option<String>,
}

/// Renders a campaign for one customer and, with `to`, queues a test message to that
/// address (email and SMS campaigns).
///
/// # Errors
/// `NotFound` customer or campaign; `Invalid` address; `Forbidden`.
pub async fn test_send(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    customer_id: i64,
    to: Option<String>,
    base: &TrackingBase,
) -> Result<TestSend> {
    actor.require(Action::MarketingWrite)?;
    let c = find_live(db, id).await?;
    let customer =
        crate::repo::customers::find_live(db, customer_id).await?.ok_or(DomainError::NotFound("customer"))?;
    let token = random_token();
    let recommended =
        if render::needs_recommendation(&c) { first_recommendation(db, customer_id).await? } else { None };
    let r: Rendered = render::render(&c, &Context { customer: &customer, recommended, token: &token, base });
    let to = to.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty());
    let mut message_id = None;
    if let Some(addr) = &to {
        let mut p = crate::rules::validate::Problems::default();
        match c.channel.as_str() {
            "email" => {
                crate::rules::validate::email(&mut p, "to", Some(addr));
            }
            "sms" => {
                crate::rules::validate::phone(&mut p, "to", Some(addr));
            }
            _ => p.add("to", "phone campaigns create calls; there is nothing to send"),
        }
        p.finish()?;
        let at = now();
        let res = campaign_message::Entity::insert(campaign_message::ActiveModel {
            campaign_id: Set(c.id),
            customer_id: Set(customer_id),
            channel: Set(c.channel.clone()),
            recipient: Set(addr.clone()),
            token: Set(token),
            is_test: Set(true),
            status: Set("queued".into()),
            attempts: Set(0),
            next_attempt_at: Set(at),
            opens: Set(0),
            clicks: Set(0),
            created_at: Set(at),
            ..Default::default()
        })
        .exec(db)
        .await?;
        message_id = Some(res.last_insert_id);
    }
    Ok(TestSend { customer_id, channel: c.channel, subject: r.subject, text: r.text, html: r.html, message_id, to })
}

/// Launches every scheduled campaign whose start time has come (the worker calls this).
/// Returns how many launched.
///
/// # Errors
/// Database failures (a campaign that cannot launch, e.g. its segment was deleted, is
/// cancelled with the reason in the log).
pub async fn launch_due(db: &DatabaseConnection, base: &TrackingBase) -> Result<u64> {
    let due = campaign::Entity::find()
        .filter(campaign::Column::Status.eq("scheduled"))
        .filter(campaign::Column::StartAt.lte(now()))
        .filter(campaign::Column::DeletedAt.is_null())
        .all(db)
        .await?;
    let mut launched = 0;
    for c in due {
        match launch(db, &Actor::system(), c.id, None, base).await {
            Ok(_) => launched += 1,
            Err(DomainError::Conflict(_) | DomainError::InvalidTransition { .. }) => {}
            Err(e @ (DomainError::Invalid(_) | DomainError::NotFound(_))) => {
                tracing::warn!(campaign = c.id, error = %e, "scheduled campaign cannot launch; cancelling it");
                super::cancel(db, &Actor::system(), c.id, None).await.ok();
            }
            Err(e) => return Err(e),
        }
    }
    Ok(launched)
}
