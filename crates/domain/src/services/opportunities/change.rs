//! Changing an opportunity (stage moves included), winning it from a quote, deleting it.

use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, TransactionTrait,
};

use super::{Opportunity, OpportunityChanges, amount_cents, check_probability, visible};
use crate::entities::opportunity;
use crate::error::{DomainError, Result};
use crate::repo::audit::{self, Change};
use crate::repo::opportunities as repo;
use crate::rules::transitions::{self, OPPORTUNITY};
use crate::rules::validate::{self, Problems};
use crate::services::customers::check_version;
use crate::services::{require_active_user, snapshot};
use crate::time::now;
use crate::{Action, Actor, Scope};

/// Changes an opportunity; stage moves follow the rule table, `lost` needs a reason,
/// `won`/`lost` set `closed_at`, reopening clears it.
///
/// # Errors
/// `Forbidden`, `NotFound`, `StaleVersion`, `InvalidTransition`, `Invalid`, database failures.
pub async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    expected: Option<i32>,
    c: OpportunityChanges,
) -> Result<Opportunity> {
    let scope = actor.require(Action::OpportunitiesWrite)?;
    let txn = db.begin().await?;
    let current = visible(&txn, actor, scope, id).await?;
    check_version(expected, current.version)?;
    let updated = apply(&txn, actor, scope, current, c).await?;
    txn.commit().await?;
    Ok(updated)
}

async fn apply(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    scope: Scope,
    current: opportunity::Model,
    c: OpportunityChanges,
) -> Result<Opportunity> {
    let before = Opportunity::from(current.clone());
    let mut p = Problems::default();
    let title = c.title.as_deref().map(|t| validate::required(&mut p, "title", t, 200));
    let amount = c.amount.map(|a| amount_cents(&mut p, a));
    check_probability(&mut p, c.probability);
    let stage = c.stage.clone().unwrap_or_else(|| current.stage.clone());
    let stage_changed = stage != current.stage;
    if stage_changed {
        if !transitions::is_state(OPPORTUNITY, &stage) {
            p.add("stage", format!("must be one of {}", transitions::states(OPPORTUNITY).join(", ")));
        } else {
            p.finish()?;
            p = Problems::default();
            transitions::check(OPPORTUNITY, &current.stage, &stage)?;
        }
    }
    let lost_reason = match c.lost_reason.clone() {
        Some(r) => validate::optional(&mut p, "lost_reason", r.as_deref(), 2000),
        None if stage == "lost" => current.lost_reason.clone(),
        None => None,
    };
    if stage == "lost" && lost_reason.is_none() {
        p.add("lost_reason", "is required when an opportunity is lost");
    }
    p.finish()?;
    let owner = c.owner_id.unwrap_or(current.owner_id);
    if owner != current.owner_id {
        if scope == Scope::Own && owner != actor.user_id {
            return Err(DomainError::Forbidden("sales users may only own opportunities themselves".into()));
        }
        if let Some(o) = owner {
            require_active_user(txn, "owner_id", o).await?;
        }
    }
    let probability = match (c.probability, stage_changed) {
        (Some(v), _) => v,
        (None, true) => transitions::default_probability(&stage),
        (None, false) => current.probability,
    };
    let closed_at = match stage.as_str() {
        "won" | "lost" if stage_changed => Some(now()),
        "won" | "lost" => current.closed_at,
        _ => None,
    };
    let res = opportunity::Entity::update_many()
        .set(opportunity::ActiveModel {
            title: Set(title.unwrap_or_else(|| current.title.clone())),
            amount_cents: Set(amount.unwrap_or(current.amount_cents)),
            stage: Set(stage),
            probability: Set(probability),
            expected_close_date: Set(c.expected_close_date.unwrap_or(current.expected_close_date)),
            owner_id: Set(owner),
            lost_reason: Set(lost_reason),
            closed_at: Set(closed_at),
            updated_at: Set(now()),
            version: Set(current.version + 1),
            ..Default::default()
        })
        .filter(opportunity::Column::Id.eq(current.id))
        .filter(opportunity::Column::Version.eq(current.version))
        .exec(txn)
        .await?;
    if res.rows_affected != 1 {
        return Err(DomainError::StaleVersion { expected: current.version, current: current.version + 1 });
    }
    let after: Opportunity =
        repo::find_live(txn, current.id).await?.ok_or(DomainError::NotFound("opportunity"))?.into();
    audit::record(
        txn,
        actor,
        Change {
            entity: "opportunity",
            entity_id: current.id,
            action: "update",
            before: snapshot(&before),
            after: snapshot(&after),
        },
    )
    .await?;
    if stage_changed {
        crate::services::webhooks::emit(txn, "opportunity.stage_changed", &after).await?;
    }
    Ok(after)
}

/// Moves an opportunity to `won` inside the caller's transaction (accepting a quote does).
/// An opportunity that is already won stays as it is.
///
/// # Errors
/// `InvalidTransition` (from `lost`), database failures.
pub async fn win_in(txn: &impl ConnectionTrait, actor: &Actor, id: i64) -> Result<()> {
    let Some(current) = repo::find_live(txn, id).await? else { return Ok(()) };
    if current.stage == "won" {
        return Ok(());
    }
    let changes = OpportunityChanges { stage: Some("won".into()), ..Default::default() };
    apply(txn, actor, Scope::All, current, changes).await.map(|_| ())
}

/// Soft-deletes an opportunity.
///
/// # Errors
/// `Forbidden`, `NotFound`, `StaleVersion`, database failures.
pub async fn delete(db: &DatabaseConnection, actor: &Actor, id: i64, expected: Option<i32>) -> Result<()> {
    let scope = actor.require(Action::OpportunitiesWrite)?;
    let txn = db.begin().await?;
    let current = visible(&txn, actor, scope, id).await?;
    check_version(expected, current.version)?;
    let before = Opportunity::from(current.clone());
    let res = opportunity::Entity::update_many()
        .set(opportunity::ActiveModel {
            deleted_at: Set(Some(now())),
            version: Set(current.version + 1),
            ..Default::default()
        })
        .filter(opportunity::Column::Id.eq(id))
        .filter(opportunity::Column::Version.eq(current.version))
        .exec(&txn)
        .await?;
    if res.rows_affected != 1 {
        return Err(DomainError::StaleVersion { expected: current.version, current: current.version + 1 });
    }
    audit::record(
        &txn,
        actor,
        Change { entity: "opportunity", entity_id: id, action: "delete", before: snapshot(&before), after: None },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
