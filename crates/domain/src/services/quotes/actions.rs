//! Moving a quote through its statuses, and quoting an opportunity.

use chrono::{Duration, NaiveDate};
use rust_decimal::Decimal;
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, TransactionTrait};

use super::lines::{percent, price_lines};
use super::{DEFAULT_VALIDITY_DAYS, Draft, NewLine, Quote, check_valid_until, insert, reload, reported_status, today};
use crate::entities::quote;
use crate::error::{DomainError, Result};
use crate::repo::audit::{self, Change};
use crate::rules::transitions::{self, QUOTE};
use crate::rules::validate::Problems;
use crate::services::customers::check_version;
use crate::services::{opportunities, orders, snapshot};
use crate::time::now;
use crate::{Action, Actor};

/// What a quote for an opportunity is made from: catalogue products only.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OpportunityQuote {
    /// Each line names a product (its name and price are used); at least one.
    pub lines: Vec<NewLine>,
    /// Percent, 0–100 with two places; defaults to 0.
    pub tax_rate: Option<Decimal>,
    /// Defaults to today + 30 days.
    pub valid_until: Option<NaiveDate>,
}

/// Sends a draft quote (draft → sent).
///
/// # Errors
/// `Forbidden`, `NotFound`, `StaleVersion`, `InvalidTransition` (also for a lapsed
/// draft, reported as `expired`), database failures.
pub async fn send(db: &DatabaseConnection, actor: &Actor, id: i64, expected: Option<i32>) -> Result<Quote> {
    decide(db, actor, id, expected, "sent").await
}

/// Accepts a sent quote (sent → accepted). In the same transaction it creates the
/// order with the quote's lines, amounts and tax, links it from the quote, and moves
/// the quote's opportunity, if any, to `won`.
///
/// # Errors
/// `Forbidden`, `NotFound`, `StaleVersion`, `InvalidTransition` (also for an expired
/// quote, or an opportunity that is lost), database failures.
pub async fn accept(db: &DatabaseConnection, actor: &Actor, id: i64, expected: Option<i32>) -> Result<Quote> {
    decide(db, actor, id, expected, "accepted").await
}

/// Rejects a draft or sent quote.
///
/// # Errors
/// `Forbidden`, `NotFound`, `StaleVersion`, `InvalidTransition`, database failures.
pub async fn reject(db: &DatabaseConnection, actor: &Actor, id: i64, expected: Option<i32>) -> Result<Quote> {
    decide(db, actor, id, expected, "rejected").await
}

async fn decide(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    expected: Option<i32>,
    to: &'static str,
) -> Result<Quote> {
    let scope = actor.require(Action::QuotesWrite)?;
    let txn = db.begin().await?;
    let current = super::visible(&txn, actor, scope, id).await?;
    check_version(expected, current.version)?;
    transitions::check(QUOTE, reported_status(&current.status, current.valid_until, today()), to)?;
    let before = reload(&txn, id).await?;
    let at = now();
    let order_id = match to {
        "accepted" => Some(orders::create_from_quote(&txn, actor, &current).await?),
        _ => None,
    };
    let res = quote::Entity::update_many()
        .set(quote::ActiveModel {
            status: Set(to.to_owned()),
            sent_at: Set(if to == "sent" { Some(at) } else { current.sent_at }),
            decided_at: Set(if to == "sent" { None } else { Some(at) }),
            order_id: Set(order_id),
            updated_at: Set(at),
            version: Set(current.version + 1),
            ..Default::default()
        })
        .filter(quote::Column::Id.eq(id))
        .filter(quote::Column::Version.eq(current.version))
        .exec(&txn)
        .await?;
    if res.rows_affected != 1 {
        return Err(DomainError::StaleVersion { expected: current.version, current: current.version + 1 });
    }
    if let (Some(opp), "accepted") = (current.opportunity_id, to) {
        opportunities::win_in(&txn, actor, opp).await?;
    }
    let after = reload(&txn, id).await?;
    let action = match to {
        "sent" => "send",
        "accepted" => "accept",
        _ => "reject",
    };
    audit::record(
        &txn,
        actor,
        Change { entity: "quote", entity_id: id, action, before: snapshot(&before), after: snapshot(&after) },
    )
    .await?;
    if to == "accepted" {
        crate::services::webhooks::emit(&txn, "quote.accepted", &after).await?;
    }
    txn.commit().await?;
    Ok(after)
}

/// Creates a draft quote for an opportunity the actor can see: for its customer,
/// owned by its owner, priced from the catalogue (inactive or deleted products are
/// refused, naming the line).
///
/// # Errors
/// `Forbidden`, `NotFound` (the opportunity), `Invalid`, database failures.
pub async fn from_opportunity(
    db: &DatabaseConnection,
    actor: &Actor,
    opportunity_id: i64,
    input: OpportunityQuote,
) -> Result<Quote> {
    actor.require(Action::QuotesWrite)?;
    let scope = actor.require(Action::OpportunitiesRead)?;
    let today = today();
    let txn = db.begin().await?;
    let opp = opportunities::visible(&txn, actor, scope, opportunity_id).await?;
    let mut p = Problems::default();
    check_valid_until(&mut p, input.valid_until, today);
    let tax_rate_bp = percent(&mut p, "tax_rate", input.tax_rate);
    let lines = price_lines(&txn, &mut p, &input.lines, true).await?;
    p.finish()?;
    let draft = Draft {
        customer_id: opp.customer_id,
        opportunity_id: Some(opp.id),
        owner_id: opp.owner_id.or(actor.user_id),
        valid_until: input.valid_until.unwrap_or(today + Duration::days(DEFAULT_VALIDITY_DAYS)),
        currency: super::DEFAULT_CURRENCY.to_owned(),
        tax_rate_bp,
        notes: None,
        lines,
    };
    let created = insert(&txn, actor, draft).await?;
    txn.commit().await?;
    Ok(created)
}
