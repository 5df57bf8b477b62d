//! Changing and deleting drafts.

use chrono::NaiveDate;
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, TransactionTrait};

use super::lines::{cents, currency, percent, price_lines, repriced, totals};
use super::{
    Quote, QuoteChanges, check_opportunity, check_owner, check_valid_until, reload, reported_status, today, visible,
};
use crate::entities::quote;
use crate::error::{DomainError, Result};
use crate::repo::audit::{self, Change};
use crate::repo::quotes as repo;
use crate::rules::validate::{self, Problems};
use crate::services::customers::check_version;
use crate::services::snapshot;
use crate::time::now;
use crate::{Action, Actor};

/// Changes a draft quote; a `lines` list replaces every line and the totals are
/// computed again. `expected` is the caller's `If-Match` version.
///
/// # Errors
/// `Forbidden`, `NotFound`, `StaleVersion`, `Conflict` (not a draft), `Invalid`,
/// database failures.
pub async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    expected: Option<i32>,
    c: QuoteChanges,
) -> Result<Quote> {
    let scope = actor.require(Action::QuotesWrite)?;
    let today = today();
    let txn = db.begin().await?;
    let current = visible(&txn, actor, scope, id).await?;
    check_version(expected, current.version)?;
    require_draft(&current, today)?;
    let before = reload(&txn, id).await?;
    let mut p = Problems::default();
    check_valid_until(&mut p, c.valid_until, today);
    let currency = c.currency.as_deref().map(|v| currency(&mut p, Some(v)));
    let tax_rate_bp = c.tax_rate.map(|v| percent(&mut p, "tax_rate", Some(v)));
    let notes = c.notes.as_ref().map(|n| validate::optional(&mut p, "notes", n.as_deref(), 10_000));
    let new_lines = match &c.lines {
        Some(l) => Some(price_lines(&txn, &mut p, l, false).await?),
        None => None,
    };
    p.finish()?;
    if let Some(Some(o)) = c.opportunity_id {
        check_opportunity(&txn, actor, o, current.customer_id).await?;
    }
    if let Some(o) = c.owner_id.filter(|o| Some(*o) != current.owner_id) {
        check_owner(&txn, actor, scope, o).await?;
    }
    let tax_rate_bp = tax_rate_bp.unwrap_or(current.tax_rate_bp);
    let priced = match &new_lines {
        Some(l) => l.clone(),
        None => repo::lines(&txn, &[id]).await?.remove(&id).unwrap_or_default().iter().map(repriced).collect(),
    };
    let t = totals(&priced, tax_rate_bp);
    let res = quote::Entity::update_many()
        .set(quote::ActiveModel {
            opportunity_id: Set(c.opportunity_id.unwrap_or(current.opportunity_id)),
            owner_id: Set(c.owner_id.or(current.owner_id)),
            valid_until: Set(c.valid_until.unwrap_or(current.valid_until)),
            currency: Set(currency.unwrap_or_else(|| current.currency.clone())),
            tax_rate_bp: Set(tax_rate_bp),
            subtotal_cents: Set(cents(t.subtotal)?),
            discount_cents: Set(cents(t.discount_total)?),
            tax_cents: Set(cents(t.tax_total)?),
            total_cents: Set(cents(t.total)?),
            notes: Set(notes.unwrap_or_else(|| current.notes.clone())),
            updated_at: Set(now()),
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
    if let Some(l) = new_lines {
        repo::replace_lines(&txn, id, l.iter().map(|x| x.quote_row(id)).collect::<Result<Vec<_>>>()?).await?;
    }
    let after = reload(&txn, id).await?;
    audit::record(
        &txn,
        actor,
        Change { entity: "quote", entity_id: id, action: "update", before: snapshot(&before), after: snapshot(&after) },
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

/// Only drafts (lapsed ones included) may be changed or deleted.
fn require_draft(m: &quote::Model, today: NaiveDate) -> Result<()> {
    if m.status == "draft" {
        Ok(())
    } else {
        Err(DomainError::Conflict(format!(
            "quote {} is {}; only a draft can be changed or deleted",
            m.number,
            reported_status(&m.status, m.valid_until, today)
        )))
    }
}

/// Soft-deletes a draft quote.
///
/// # Errors
/// `Forbidden`, `NotFound`, `StaleVersion`, `Conflict` (not a draft), database failures.
pub async fn delete(db: &DatabaseConnection, actor: &Actor, id: i64, expected: Option<i32>) -> Result<()> {
    let scope = actor.require(Action::QuotesWrite)?;
    let txn = db.begin().await?;
    let current = visible(&txn, actor, scope, id).await?;
    check_version(expected, current.version)?;
    require_draft(&current, today())?;
    let before = reload(&txn, id).await?;
    let res = quote::Entity::update_many()
        .set(quote::ActiveModel {
            deleted_at: Set(Some(now())),
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
    audit::record(
        &txn,
        actor,
        Change { entity: "quote", entity_id: id, action: "delete", before: snapshot(&before), after: None },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
