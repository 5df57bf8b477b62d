//! Campaigns: a message to a segment over email, SMS or phone, with a goal, a budget and
//! a schedule. Launching materialises one message per reachable customer (see
//! [`launch`]); the delivery worker sends them (see `services::delivery`); tracking and
//! attribution feed the statistics (see [`stats`]).

pub mod launch;
mod messages;
mod model;
pub mod render;
pub mod stats;

use chrono::NaiveDateTime;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, TransactionTrait,
};

pub use messages::{MESSAGE_STATUSES, Message, Progress, get_with_progress, messages, timeline_entries};
pub use model::{CHANNELS, Campaign, CampaignChanges, CampaignInput, DEFAULT_ATTRIBUTION_DAYS, GOAL_METRICS};

use crate::entities::{campaign, campaign_message};
use crate::error::{DomainError, Result};
use crate::list::Page;
use crate::repo::audit::{self, Change};
use crate::repo::segments;
use crate::rules::transitions::{self, CAMPAIGN};
use crate::services::customers::check_version;
use crate::services::snapshot;
use crate::time::now;
use crate::{Action, Actor};

/// Filters of the campaign list.
#[derive(Clone, Debug, Default)]
pub struct CampaignFilter {
    pub status: Option<String>,
    pub channel: Option<String>,
}

pub(crate) async fn find_live(db: &impl ConnectionTrait, id: i64) -> Result<campaign::Model> {
    campaign::Entity::find_by_id(id)
        .filter(campaign::Column::DeletedAt.is_null())
        .one(db)
        .await?
        .ok_or(DomainError::NotFound("campaign"))
}

async fn check_segment(db: &impl ConnectionTrait, id: Option<i64>) -> Result<()> {
    if let Some(id) = id
        && segments::find_live(db, id).await?.is_none()
    {
        return Err(DomainError::invalid("segment_id", format!("segment {id} does not exist")));
    }
    Ok(())
}

/// One campaign.
///
/// # Errors
/// `Forbidden`, `NotFound`, database failures.
pub async fn get(db: &impl ConnectionTrait, actor: &Actor, id: i64) -> Result<Campaign> {
    actor.require(Action::MarketingRead)?;
    Ok(find_live(db, id).await?.into())
}

/// Campaigns, newest first, in numbered pages.
///
/// # Errors
/// `Forbidden`, `Invalid` filter, database failures.
pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    f: &CampaignFilter,
    page: u64,
    per_page: u64,
) -> Result<Page<Campaign>> {
    actor.require(Action::MarketingRead)?;
    let mut q = campaign::Entity::find().filter(campaign::Column::DeletedAt.is_null());
    if let Some(s) = &f.status {
        if !transitions::is_state(CAMPAIGN, s) {
            return Err(DomainError::invalid(
                "status",
                format!("must be one of {}", transitions::states(CAMPAIGN).join(", ")),
            ));
        }
        q = q.filter(campaign::Column::Status.eq(s.clone()));
    }
    if let Some(c) = &f.channel {
        if !CHANNELS.contains(&c.as_str()) {
            return Err(DomainError::invalid("channel", format!("must be one of {}", CHANNELS.join(", "))));
        }
        q = q.filter(campaign::Column::Channel.eq(c.clone()));
    }
    let total = q.clone().count(db).await?;
    let rows = q
        .order_by_desc(campaign::Column::CreatedAt)
        .order_by_desc(campaign::Column::Id)
        .offset((page - 1) * per_page)
        .limit(per_page)
        .all(db)
        .await?;
    Ok(Page {
        items: rows.into_iter().map(Campaign::from).collect(),
        page: Some(page),
        per_page,
        total: Some(total),
        total_capped: false,
        next_cursor: None,
    })
}

/// Creates a draft campaign.
///
/// # Errors
/// `Forbidden`, `Invalid` (including unknown template placeholders), database failures.
pub async fn create(db: &DatabaseConnection, actor: &Actor, input: CampaignInput) -> Result<Campaign> {
    actor.require(Action::MarketingWrite)?;
    let v = model::validated(input)?;
    let txn = db.begin().await?;
    check_segment(&txn, v.segment_id).await?;
    let at = now();
    let id = campaign::Entity::insert(campaign::ActiveModel {
        name: Set(v.name),
        goal: Set(v.goal),
        goal_metric: Set(v.goal_metric),
        goal_target_cents: Set(v.goal_target_cents),
        strategy: Set(v.strategy),
        plan: Set(v.plan),
        channel: Set(v.channel),
        segment_id: Set(v.segment_id),
        subject: Set(v.subject),
        body: Set(v.body),
        budget_cents: Set(v.budget_cents),
        cost_cents: Set(v.cost_cents),
        start_at: Set(v.start_at.map(|t| t.naive_utc())),
        end_at: Set(v.end_at.map(|t| t.naive_utc())),
        attribution_days: Set(v.attribution_days),
        status: Set("draft".into()),
        targeted: Set(0),
        skipped_opt_out: Set(0),
        skipped_no_address: Set(0),
        created_by: Set(actor.user_id),
        launched_at: Set(None),
        completed_at: Set(None),
        created_at: Set(at),
        updated_at: Set(at),
        deleted_at: Set(None),
        version: Set(1),
        ..Default::default()
    })
    .exec(&txn)
    .await?
    .last_insert_id;
    let created: Campaign = find_live(&txn, id).await?.into();
    audit::record(
        &txn,
        actor,
        Change { entity: "campaign", entity_id: id, action: "create", before: None, after: snapshot(&created) },
    )
    .await?;
    txn.commit().await?;
    Ok(created)
}

/// Changes a campaign's fields. Once launched, only its name, goal, strategy, plan and
/// actual cost may change (what was sent stays as it was sent).
///
/// # Errors
/// `Forbidden`, `NotFound`, `StaleVersion`, `Invalid`, `Conflict`, database failures.
pub async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    expected: Option<i32>,
    changes: CampaignChanges,
) -> Result<Campaign> {
    actor.require(Action::MarketingWrite)?;
    let txn = db.begin().await?;
    let cur = find_live(&txn, id).await?;
    check_version(expected, cur.version)?;
    let v = model::validated(changes.apply(&cur.clone().into()))?;
    let editable = matches!(cur.status.as_str(), "draft" | "scheduled");
    if !editable {
        let same = v.channel == cur.channel
            && v.segment_id == cur.segment_id
            && v.subject == cur.subject
            && v.body == cur.body
            && v.attribution_days == cur.attribution_days
            && v.start_at.map(|t| t.naive_utc()) == cur.start_at
            && v.end_at.map(|t| t.naive_utc()) == cur.end_at
            && v.budget_cents == cur.budget_cents;
        if !same {
            return Err(DomainError::Conflict(format!(
                "campaign {id} is {}: only name, goal, strategy, plan and cost may change now",
                cur.status
            )));
        }
    }
    check_segment(&txn, v.segment_id).await?;
    let before: Campaign = cur.clone().into();
    let res = campaign::Entity::update_many()
        .set(campaign::ActiveModel {
            name: Set(v.name),
            goal: Set(v.goal),
            goal_metric: Set(v.goal_metric),
            goal_target_cents: Set(v.goal_target_cents),
            strategy: Set(v.strategy),
            plan: Set(v.plan),
            channel: Set(v.channel),
            segment_id: Set(v.segment_id),
            subject: Set(v.subject),
            body: Set(v.body),
            budget_cents: Set(v.budget_cents),
            cost_cents: Set(v.cost_cents),
            start_at: Set(v.start_at.map(|t| t.naive_utc())),
            end_at: Set(v.end_at.map(|t| t.naive_utc())),
            attribution_days: Set(v.attribution_days),
            updated_at: Set(now()),
            version: Set(cur.version + 1),
            ..Default::default()
        })
        .filter(campaign::Column::Id.eq(id))
        .filter(campaign::Column::Version.eq(cur.version))
        .exec(&txn)
        .await?;
    if res.rows_affected != 1 {
        return Err(DomainError::StaleVersion { expected: cur.version, current: cur.version + 1 });
    }
    let after: Campaign = find_live(&txn, id).await?.into();
    audit::record(
        &txn,
        actor,
        Change {
            entity: "campaign",
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

/// Moves a campaign to `to` when the state machine allows it, guarded by its current
/// status so that two racing moves cannot both win. Returns the campaign as it was.
pub(crate) async fn transition(
    db: &impl ConnectionTrait,
    id: i64,
    expected: Option<i32>,
    to: &str,
    extra: campaign::ActiveModel,
) -> Result<campaign::Model> {
    let cur = find_live(db, id).await?;
    check_version(expected, cur.version)?;
    transitions::check(CAMPAIGN, &cur.status, to)?;
    let mut set = extra;
    set.status = Set(to.to_owned());
    set.updated_at = Set(now());
    set.version = Set(cur.version + 1);
    let res = campaign::Entity::update_many()
        .set(set)
        .filter(campaign::Column::Id.eq(id))
        .filter(campaign::Column::Status.eq(cur.status.clone()))
        .filter(campaign::Column::Version.eq(cur.version))
        .exec(db)
        .await?;
    if res.rows_affected != 1 {
        return Err(DomainError::Conflict(format!("campaign {id} changed meanwhile; read it again")));
    }
    Ok(cur)
}

async fn change_status(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    expected: Option<i32>,
    to: &str,
    check: impl FnOnce(&campaign::Model) -> Result<()>,
) -> Result<Campaign> {
    actor.require(Action::MarketingWrite)?;
    let txn = db.begin().await?;
    check(&find_live(&txn, id).await?)?;
    let mut extra = campaign::ActiveModel::default();
    if to == "cancelled" || to == "completed" {
        extra.completed_at = Set(Some(now()));
    }
    let before: Campaign = transition(&txn, id, expected, to, extra).await?.into();
    if to == "cancelled" {
        cancel_queued(&txn, id, "campaign cancelled").await?;
    }
    let after: Campaign = find_live(&txn, id).await?.into();
    audit::record(
        &txn,
        actor,
        Change { entity: "campaign", entity_id: id, action: to, before: snapshot(&before), after: snapshot(&after) },
    )
    .await?;
    if to == "completed" {
        crate::services::webhooks::emit(&txn, "campaign.completed", &after).await?;
    }
    txn.commit().await?;
    Ok(after)
}

/// Messages not yet sent are dropped (a message being sent right now finishes).
pub(crate) async fn cancel_queued(db: &impl ConnectionTrait, campaign_id: i64, reason: &str) -> Result<u64> {
    let res = campaign_message::Entity::update_many()
        .set(campaign_message::ActiveModel {
            status: Set("cancelled".into()),
            error: Set(Some(reason.to_owned())),
            ..Default::default()
        })
        .filter(campaign_message::Column::CampaignId.eq(campaign_id))
        .filter(campaign_message::Column::Status.eq("queued"))
        .exec(db)
        .await?;
    Ok(res.rows_affected)
}

/// Schedules a draft: it launches by itself at `start_at`.
///
/// # Errors
/// `Invalid` without a segment or start time; `InvalidTransition`; as [`update`].
pub async fn schedule(db: &DatabaseConnection, actor: &Actor, id: i64, expected: Option<i32>) -> Result<Campaign> {
    change_status(db, actor, id, expected, "scheduled", |c| {
        if c.segment_id.is_none() {
            return Err(DomainError::invalid("segment_id", "a campaign needs a segment before it is scheduled"));
        }
        if c.start_at.is_none() {
            return Err(DomainError::invalid("start_at", "a scheduled campaign needs a start time"));
        }
        Ok(())
    })
    .await
}

/// Takes a scheduled campaign back to draft.
///
/// # Errors
/// `InvalidTransition`; as [`update`].
pub async fn unschedule(db: &DatabaseConnection, actor: &Actor, id: i64, expected: Option<i32>) -> Result<Campaign> {
    change_status(db, actor, id, expected, "draft", |_| Ok(())).await
}

/// Cancels a campaign: queued messages are not sent.
///
/// # Errors
/// `InvalidTransition` when it is completed or cancelled; as [`update`].
pub async fn cancel(db: &DatabaseConnection, actor: &Actor, id: i64, expected: Option<i32>) -> Result<Campaign> {
    change_status(db, actor, id, expected, "cancelled", |_| Ok(())).await
}

/// Deletes a campaign that never launched (launched ones are kept for their statistics;
/// cancel them instead).
///
/// # Errors
/// `Conflict` once launched; `Forbidden`, `NotFound`, `StaleVersion`, database failures.
pub async fn delete(db: &DatabaseConnection, actor: &Actor, id: i64, expected: Option<i32>) -> Result<()> {
    actor.require(Action::MarketingWrite)?;
    let txn = db.begin().await?;
    let cur = find_live(&txn, id).await?;
    check_version(expected, cur.version)?;
    if cur.launched_at.is_some() {
        return Err(DomainError::Conflict(format!("campaign {id} was launched; cancel it instead")));
    }
    campaign::Entity::update_many()
        .set(campaign::ActiveModel {
            deleted_at: Set(Some(now())),
            version: Set(cur.version + 1),
            ..Default::default()
        })
        .filter(campaign::Column::Id.eq(id))
        .exec(&txn)
        .await?;
    let before: Campaign = cur.into();
    audit::record(
        &txn,
        actor,
        Change { entity: "campaign", entity_id: id, action: "delete", before: snapshot(&before), after: None },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Campaigns running at some time in `[from, to)`: launched before `to` and not
/// finished before `from` (the forecast's promotion regressor counts these).
///
/// # Errors
/// Database failures.
pub async fn running_between(
    db: &impl ConnectionTrait,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<Vec<(NaiveDateTime, Option<NaiveDateTime>)>> {
    let rows: Vec<(Option<NaiveDateTime>, Option<NaiveDateTime>)> = campaign::Entity::find()
        .select_only()
        .column(campaign::Column::LaunchedAt)
        .column(campaign::Column::CompletedAt)
        .filter(campaign::Column::DeletedAt.is_null())
        .filter(campaign::Column::LaunchedAt.is_not_null())
        .filter(campaign::Column::LaunchedAt.lt(to))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().filter_map(|(l, c)| l.map(|l| (l, c))).filter(|(_, c)| c.is_none_or(|c| c >= from)).collect())
}
