//! Creating an opportunity: the checks, and storing a checked one with its audit entry.

use chrono::NaiveDate;
use sea_orm::{ActiveValue::Set, ConnectionTrait, DatabaseConnection, EntityTrait, TransactionTrait};

use super::{NewOpportunity, Opportunity, amount_cents, check_probability};
use crate::entities::opportunity;
use crate::error::{DomainError, Result};
use crate::repo::audit::{self, Change};
use crate::repo::opportunities as repo;
use crate::rules::transitions::{self, OPPORTUNITY};
use crate::rules::validate::{self, Problems};
use crate::services::customers::visible_customer;
use crate::services::{require_active_user, snapshot};
use crate::time::now;
use crate::{Action, Actor, Scope};

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
