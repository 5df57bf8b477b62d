//! Lead conversion: customer, opportunity and lead status in one transaction.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, TransactionTrait};
use serde::Serialize;

use super::{Lead, visible};
use crate::entities::lead;
use crate::error::{DomainError, Result};
use crate::repo::audit::{self, Change};
use crate::repo::{customers as customer_repo, leads as repo};
use crate::rules::transitions::{self, LEAD};
use crate::rules::validate::{self, Problems};
use crate::services::customers::{self, Customer, NewCustomer};
use crate::services::opportunities::{self, Opportunity, OpportunityRow};
use crate::services::{require_active_user, snapshot};
use crate::time::now;
use crate::{Action, Actor};

/// What conversion may set on the new opportunity.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Conversion {
    /// Defaults to "<company or name> opportunity".
    pub opportunity_title: Option<String>,
    /// Defaults to 0.00.
    pub amount: Option<Decimal>,
    pub expected_close_date: Option<NaiveDate>,
}

/// The outcome of a conversion.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Converted {
    pub lead: Lead,
    pub customer: Customer,
    /// Whether the customer existed already (found by email) and was linked.
    pub customer_linked: bool,
    pub opportunity: Opportunity,
}

/// Converts a qualified lead, in one transaction: links the customer with the lead's
/// email (or creates one, owned by the lead's owner), creates an opportunity owned by
/// the lead's owner, and marks the lead converted. Any failure leaves nothing behind.
///
/// # Errors
/// `Forbidden`, `NotFound`, `Conflict` (already converted), `InvalidTransition` (not
/// qualified), `Invalid` (e.g. the owner is no longer active), database failures.
pub async fn convert(db: &DatabaseConnection, actor: &Actor, id: i64, opts: Conversion) -> Result<Converted> {
    let scope = actor.require(Action::LeadsWrite)?;
    let mut p = Problems::default();
    let amount = opportunities::amount_cents(&mut p, opts.amount.unwrap_or_default());
    let title = opts.opportunity_title.as_deref().map(|t| validate::required(&mut p, "opportunity_title", t, 200));
    p.finish()?;
    let txn = db.begin().await?;
    let cur = visible(&txn, actor, scope, id).await?;
    if cur.status == "converted" {
        return Err(DomainError::Conflict(format!("lead {id} was already converted")));
    }
    transitions::check(LEAD, &cur.status, "converted")?;
    let before = Lead::from(cur.clone());

    let existing = match &cur.email {
        Some(e) => customer_repo::id_by_email(&txn, e).await?,
        None => None,
    };
    let (customer_id, linked) = match existing {
        Some(cid) => (cid, true),
        None => {
            let input = NewCustomer {
                name: cur.name.clone(),
                email: cur.email.clone(),
                phone: cur.phone.clone(),
                company: cur.company.clone(),
                owner_id: cur.owner_id,
                source: Some(cur.source.clone()),
                notes: cur.notes.clone(),
                ..Default::default()
            };
            (customers::create_in(&txn, actor, input).await?.id, false)
        }
    };
    // Checked only now, after the customer was written: a failure here must undo it.
    if let Some(owner) = cur.owner_id {
        require_active_user(&txn, "owner_id", owner).await?;
    }
    let opportunity = opportunities::insert_in(
        &txn,
        actor,
        OpportunityRow {
            title: title
                .unwrap_or_else(|| format!("{} opportunity", cur.company.clone().unwrap_or_else(|| cur.name.clone()))),
            customer_id,
            lead_id: Some(id),
            amount_cents: amount,
            stage: "prospecting".into(),
            probability: transitions::default_probability("prospecting"),
            expected_close_date: opts.expected_close_date,
            owner_id: cur.owner_id,
        },
    )
    .await?;
    let at = now();
    let res = lead::Entity::update_many()
        .set(lead::ActiveModel {
            status: Set("converted".into()),
            customer_id: Set(Some(customer_id)),
            opportunity_id: Set(Some(opportunity.id)),
            converted_at: Set(Some(at)),
            updated_at: Set(at),
            version: Set(cur.version + 1),
            ..Default::default()
        })
        .filter(lead::Column::Id.eq(id))
        .filter(lead::Column::Version.eq(cur.version))
        .exec(&txn)
        .await?;
    if res.rows_affected != 1 {
        return Err(DomainError::StaleVersion { expected: cur.version, current: cur.version + 1 });
    }
    let lead: Lead = repo::find_live(&txn, id).await?.ok_or(DomainError::NotFound("lead"))?.into();
    audit::record(
        &txn,
        actor,
        Change { entity: "lead", entity_id: id, action: "convert", before: snapshot(&before), after: snapshot(&lead) },
    )
    .await?;
    let customer = customers::load_in(&txn, customer_id).await?;
    crate::services::webhooks::emit(&txn, "lead.converted", &lead).await?;
    txn.commit().await?;
    Ok(Converted { lead, customer, customer_linked: linked, opportunity })
}
