//! A campaign's status moves: the guarded transition, scheduling and cancelling.

use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, TransactionTrait,
};

use super::{Campaign, find_live};
use crate::entities::{campaign, campaign_message};
use crate::error::{DomainError, Result};
use crate::repo::audit::{self, Change};
use crate::rules::transitions::{self, CAMPAIGN};
use crate::services::customers::check_version;
use crate::services::snapshot;
use crate::time::now;
use crate::{Action, Actor};

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
/// `Invalid` without a segment or start time; `InvalidTransition`; as [`update`](super::update).
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
/// `InvalidTransition`; as [`update`](super::update).
pub async fn unschedule(db: &DatabaseConnection, actor: &Actor, id: i64, expected: Option<i32>) -> Result<Campaign> {
    change_status(db, actor, id, expected, "draft", |_| Ok(())).await
}

/// Cancels a campaign: queued messages are not sent.
///
/// # Errors
/// `InvalidTransition` when it is completed or cancelled; as [`update`](super::update).
pub async fn cancel(db: &DatabaseConnection, actor: &Actor, id: i64, expected: Option<i32>) -> Result<Campaign> {
    change_status(db, actor, id, expected, "cancelled", |_| Ok(())).await
}
