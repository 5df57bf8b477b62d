//! Opportunities: possible deals with a customer, moving through stages.

mod model;

pub use model::{NewOpportunity, Opportunity, OpportunityChanges};

use chrono::NaiveDate;
use rust_decimal::Decimal;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, TransactionTrait,
};
use serde::Serialize;

use crate::entities::opportunity;
use crate::error::{DomainError, Result};
use crate::list::{Page, Paging, parse_sort};
use crate::money::{from_cents, to_cents};
use crate::repo::audit::{self, Change};
use crate::repo::opportunities::{self as repo, OpportunityFilter};
use crate::rules::transitions::{self, OPPORTUNITY};
use crate::rules::validate::{self, Problems};
use crate::services::customers::{check_version, visible_customer};
use crate::services::{require_active_user, snapshot};
use crate::time::now;
use crate::{Action, Actor, Scope};

/// The largest amount an opportunity may have (cents fit comfortably in 64 bits).
pub const MAX_AMOUNT_CENTS: i64 = 9_999_999_999_999;

pub(crate) fn amount_cents(p: &mut Problems, amount: Decimal) -> i64 {
    match to_cents(amount) {
        Some(c) if (0..=MAX_AMOUNT_CENTS).contains(&c) => c,
        Some(_) => {
            p.add("amount", "must be between 0.00 and 99999999999.99");
            0
        }
        None => {
            p.add("amount", "must have at most two decimal places");
            0
        }
    }
}

fn check_probability(p: &mut Problems, probability: Option<i16>) {
    if probability.is_some_and(|v| !(0..=100).contains(&v)) {
        p.add("probability", "must be between 0 and 100");
    }
}

/// Loads an opportunity the actor may see; others are `NotFound`.
///
/// # Errors
/// `NotFound`, database failures.
pub async fn visible(db: &impl ConnectionTrait, actor: &Actor, scope: Scope, id: i64) -> Result<opportunity::Model> {
    match repo::find_live(db, id).await? {
        Some(m) if actor.reaches(scope, m.owner_id) => Ok(m),
        _ => Err(DomainError::NotFound("opportunity")),
    }
}

/// Checks that the customer exists and the actor may see it.
async fn check_customer(
    db: &impl ConnectionTrait,
    actor: &Actor,
    customer_id: i64,
) -> Result<crate::entities::customer::Model> {
    let scope = actor.require(Action::CustomersRead)?;
    visible_customer(db, actor, scope, customer_id).await.map_err(|e| match e {
        DomainError::NotFound(_) => DomainError::invalid("customer_id", "is not a customer you can see"),
        other => other,
    })
}

/// One opportunity.
///
/// # Errors
/// `Forbidden`, `NotFound`, database failures.
pub async fn get(db: &impl ConnectionTrait, actor: &Actor, id: i64) -> Result<Opportunity> {
    let scope = actor.require(Action::OpportunitiesRead)?;
    Ok(visible(db, actor, scope, id).await?.into())
}

/// A page of the opportunities the actor may see.
///
/// # Errors
/// `Forbidden`, `Invalid`, database failures.
pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: &OpportunityFilter,
    sort: Option<&str>,
    paging: &Paging,
) -> Result<Page<Opportunity>> {
    let scope = actor.require(Action::OpportunitiesRead)?;
    if filter.q.as_deref().is_some_and(|q| q.chars().count() > 200) {
        return Err(DomainError::invalid("q", "must be at most 200 characters"));
    }
    if let Some(s) = &filter.stage
        && !transitions::is_state(OPPORTUNITY, s)
    {
        return Err(DomainError::invalid(
            "stage",
            format!("must be one of {}", transitions::states(OPPORTUNITY).join(", ")),
        ));
    }
    let keys = parse_sort(sort, repo::SORT_FIELDS, repo::DEFAULT_SORT)?;
    let (rows, total, next) = repo::list(db, filter, actor.owner_filter(scope), &keys, paging).await?;
    Ok(crate::repo::page_of(rows.into_iter().map(Opportunity::from).collect(), paging, total, next))
}

/// One stage of the pipeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PipelineStage {
    pub stage: String,
    pub count: i64,
    pub total_amount: Decimal,
    /// Σ amount × probability / 100.
    pub weighted_amount: Decimal,
}

/// Count, total and weighted amount per stage (every stage, in pipeline order).
///
/// # Errors
/// `Forbidden`, database failures.
pub async fn pipeline(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: &OpportunityFilter,
) -> Result<Vec<PipelineStage>> {
    let scope = actor.require(Action::OpportunitiesRead)?;
    let rows = repo::pipeline(db, filter, actor.owner_filter(scope)).await?;
    Ok(transitions::states(OPPORTUNITY)
        .into_iter()
        .map(|stage| {
            let (count, total, weighted) = rows.iter().find(|r| r.0 == stage).map_or((0, 0, 0), |r| (r.1, r.2, r.3));
            PipelineStage {
                stage: stage.to_owned(),
                count,
                total_amount: from_cents(total),
                weighted_amount: crate::rules::pricing::round(Decimal::new(weighted, 4)),
            }
        })
        .collect())
}

/// Creates an opportunity for a customer the actor can see.
///
/// # Errors
/// `Forbidden`, `Invalid`, database failures.
pub async fn create(db: &DatabaseConnection, actor: &Actor, input: NewOpportunity) -> Result<Opportunity> {
    let scope = actor.require(Action::OpportunitiesWrite)?;
    let txn = db.begin().await?;
    let created = create_in(&txn, actor, scope, input).await?;
    txn.commit().await?;
    Ok(created)
}

async fn create_in(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    scope: Scope,
    input: NewOpportunity,
) -> Result<Opportunity> {
    let mut p = Problems::default();
    let title = validate::required(&mut p, "title", &input.title, 200);
    let amount = amount_cents(&mut p, input.amount);
    let stage = input.stage.unwrap_or_else(|| "prospecting".to_owned());
    if !transitions::is_state(OPPORTUNITY, &stage) || stage == "won" || stage == "lost" {
        p.add(
            "stage",
            "a new opportunity starts in an open stage: prospecting, qualification, proposal or negotiation",
        );
    }
    check_probability(&mut p, input.probability);
    p.finish()?;
    let customer = check_customer(txn, actor, input.customer_id).await?;
    let owner = match (scope, input.owner_id) {
        (Scope::Own, Some(o)) if Some(o) != actor.user_id => {
            return Err(DomainError::Forbidden("sales users may only own opportunities themselves".into()));
        }
        (Scope::Own, _) => actor.user_id,
        (Scope::All, Some(o)) => Some(o),
        (Scope::All, None) => customer.owner_id.or(actor.user_id),
    };
    if let Some(o) = owner {
        require_active_user(txn, "owner_id", o).await?;
    }
    let probability = input.probability.unwrap_or_else(|| transitions::default_probability(&stage));
    let row = OpportunityRow {
        title,
        customer_id: input.customer_id,
        lead_id: input.lead_id,
        amount_cents: amount,
        stage,
        probability,
        expected_close_date: input.expected_close_date,
        owner_id: owner,
    };
    insert_in(txn, actor, row).await
}

/// A checked opportunity, ready to store.
pub(crate) struct OpportunityRow {
    pub title: String,
    pub customer_id: i64,
    pub lead_id: Option<i64>,
    pub amount_cents: i64,
    pub stage: String,
    pub probability: i16,
    pub expected_close_date: Option<NaiveDate>,
    pub owner_id: Option<i64>,
}

/// Stores a checked opportunity with its audit entry, inside the caller's transaction.
pub(crate) async fn insert_in(txn: &impl ConnectionTrait, actor: &Actor, r: OpportunityRow) -> Result<Opportunity> {
    let at = now();
    let id = opportunity::Entity::insert(opportunity::ActiveModel {
        title: Set(r.title),
        customer_id: Set(r.customer_id),
        lead_id: Set(r.lead_id),
        amount_cents: Set(r.amount_cents),
        probability: Set(r.probability),
        stage: Set(r.stage),
        expected_close_date: Set(r.expected_close_date),
        owner_id: Set(r.owner_id),
        lost_reason: Set(None),
        closed_at: Set(None),
        last_activity_at: Set(at),
        created_at: Set(at),
        updated_at: Set(at),
        deleted_at: Set(None),
        version: Set(1),
        ..Default::default()
    })
    .exec(txn)
    .await?
    .last_insert_id;
    let created: Opportunity = repo::find_live(txn, id).await?.ok_or(DomainError::NotFound("opportunity"))?.into();
    audit::record(
        txn,
        actor,
        Change { entity: "opportunity", entity_id: id, action: "create", before: None, after: snapshot(&created) },
    )
    .await?;
    Ok(created)
}

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
