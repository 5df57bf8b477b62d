//! Creating, changing and deleting a campaign's fields.

use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, TransactionTrait,
};

use super::{Campaign, CampaignChanges, CampaignInput, find_live, model};
use crate::entities::campaign;
use crate::error::{DomainError, Result};
use crate::repo::audit::{self, Change};
use crate::repo::segments;
use crate::services::customers::check_version;
use crate::services::snapshot;
use crate::time::now;
use crate::{Action, Actor};

async fn check_segment(db: &impl ConnectionTrait, id: Option<i64>) -> Result<()> {
    if let Some(id) = id
        && segments::find_live(db, id).await?.is_none()
    {
        return Err(DomainError::invalid("segment_id", format!("segment {id} does not exist")));
    }
    Ok(())
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
