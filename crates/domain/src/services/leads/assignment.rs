//! The lead-assignment setting and the choice it drives.

use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    TransactionTrait,
};

use crate::entities::user;
use crate::error::Result;
use crate::repo::audit::{self, Change};
use crate::repo::{counters, leads as repo, settings};
use crate::rules::assignment::{self, Rule};
use crate::{Action, Actor, Role};

const RULE_KEY: &str = "lead_assignment";

/// The configured assignment rule (round-robin unless set otherwise).
///
/// # Errors
/// Database failures.
pub async fn assignment_rule(db: &impl ConnectionTrait) -> Result<Rule> {
    Ok(settings::get(db, RULE_KEY).await?.and_then(|v| Rule::parse(&v)).unwrap_or(Rule::RoundRobin))
}

/// Reads the assignment rule as an admin or manager, with its version (the ETag).
///
/// # Errors
/// `Forbidden`, database failures.
pub async fn get_assignment_rule(db: &impl ConnectionTrait, actor: &Actor) -> Result<(Rule, i32)> {
    actor.require(Action::SettingsManage)?;
    let stored = settings::get_versioned(db, RULE_KEY).await?;
    let version = stored.as_ref().map_or(0, |(_, v)| *v);
    Ok((stored.and_then(|(v, _)| Rule::parse(&v)).unwrap_or(Rule::RoundRobin), version))
}

/// Sets the assignment rule when it is still at version `expected` (any when `None`);
/// returns it with its new version.
///
/// # Errors
/// `Forbidden`, `StaleVersion`, database failures.
pub async fn set_assignment_rule(
    db: &DatabaseConnection,
    actor: &Actor,
    rule: Rule,
    expected: Option<i32>,
) -> Result<(Rule, i32)> {
    actor.require(Action::SettingsManage)?;
    let txn = db.begin().await?;
    let before = assignment_rule(&txn).await?;
    let version = settings::set(&txn, RULE_KEY, rule.as_str(), expected).await?;
    audit::record(
        &txn,
        actor,
        Change {
            entity: "setting",
            entity_id: 0,
            action: "update",
            before: Some(serde_json::json!({ RULE_KEY: before.as_str() })),
            after: Some(serde_json::json!({ RULE_KEY: rule.as_str() })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok((rule, version))
}

/// Picks the owner of a new lead by the configured rule, inside the creating
/// transaction. Both rules first take the round-robin counter's row lock, so that
/// concurrent creations are assigned one after the other.
pub(super) async fn assign(txn: &impl ConnectionTrait) -> Result<Option<i64>> {
    let reps: Vec<i64> = user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .filter(user::Column::Role.eq(Role::Sales.as_str()))
        .filter(user::Column::Active.eq(true))
        .order_by_asc(user::Column::Id)
        .into_tuple()
        .all(txn)
        .await?;
    let turn = counters::next(txn, "lead_round_robin").await?;
    Ok(match assignment_rule(txn).await? {
        Rule::RoundRobin => assignment::round_robin(&reps, turn),
        Rule::LeastOpen => assignment::least_open(&reps, &repo::open_counts(txn, &reps).await?),
    })
}
