//! Quotes: priced offers to a customer. The server computes every amount with
//! [`crate::rules::pricing`]; a quote is changed only while it is a draft, then sent,
//! and accepted (which creates its order) or rejected.
//!
//! `expired` is never stored: a draft or sent quote whose `valid_until` lies before
//! today (UTC) is reported as expired by every read and list filter, and can no
//! longer be sent or accepted. A lapsed draft can still be edited (a new
//! `valid_until` revives it) or deleted.

mod actions;
mod edit;
pub(crate) mod lines;

pub use actions::{OpportunityQuote, accept, from_opportunity, reject, send};
pub use edit::{delete, update};
pub use lines::{DEFAULT_CURRENCY, DocumentLine, MAX_LINES, NewLine};

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};
use rust_decimal::Decimal;
use sea_orm::{ActiveValue::Set, ConnectionTrait, DatabaseConnection, EntityTrait, TransactionTrait};
use serde::Serialize;

use self::lines::{PricedLine, cents, currency, percent, price_lines, storable_date, totals};
use crate::entities::{quote, quote_line};
use crate::error::{DomainError, Result};
use crate::list::{Page, Paging, parse_sort};
use crate::money::{from_bp, from_cents};
use crate::repo::audit::{self, Change};
use crate::repo::counters;
use crate::repo::quotes::{self as repo, QuoteFilter};
use crate::rules::transitions::{self, QUOTE};
use crate::rules::validate::{self, Problems};
use crate::services::customers::visible_customer;
use crate::services::timeline::TimelineEntry;
use crate::services::{opportunities, require_active_user, snapshot};
use crate::time::{now, utc};
use crate::{Action, Actor, Scope};

/// How long a quote is valid when no `valid_until` is given.
pub const DEFAULT_VALIDITY_DAYS: i64 = 30;

/// A quote as the outside world sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Quote {
    pub id: i64,
    /// `Q-2026-000123`.
    pub number: String,
    pub customer_id: i64,
    /// The customer's name (for lists and headers).
    pub customer_name: String,
    pub opportunity_id: Option<i64>,
    pub owner_id: Option<i64>,
    /// The reported status: `draft`, `sent`, `accepted`, `rejected` or `expired`.
    pub status: String,
    pub valid_until: NaiveDate,
    pub currency: String,
    /// Percent.
    pub tax_rate: Decimal,
    pub notes: Option<String>,
    pub lines: Vec<DocumentLine>,
    /// Σ round(quantity × unit price).
    pub subtotal: Decimal,
    /// Σ line discounts.
    pub discount_total: Decimal,
    /// round((subtotal − discount total) × tax rate / 100).
    pub tax_total: Decimal,
    /// subtotal − discount total + tax total.
    pub total: Decimal,
    pub sent_at: Option<DateTime<Utc>>,
    pub decided_at: Option<DateTime<Utc>>,
    /// The order created when the quote was accepted.
    pub order_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

impl Quote {
    fn build(m: quote::Model, lines: Vec<quote_line::Model>, customer_name: String, today: NaiveDate) -> Self {
        Self {
            id: m.id,
            customer_name,
            status: reported_status(&m.status, m.valid_until, today).to_owned(),
            number: m.number,
            customer_id: m.customer_id,
            opportunity_id: m.opportunity_id,
            owner_id: m.owner_id,
            valid_until: m.valid_until,
            currency: m.currency,
            tax_rate: from_bp(m.tax_rate_bp),
            notes: m.notes,
            lines: lines.into_iter().map(DocumentLine::from).collect(),
            subtotal: from_cents(m.subtotal_cents),
            discount_total: from_cents(m.discount_cents),
            tax_total: from_cents(m.tax_cents),
            total: from_cents(m.total_cents),
            sent_at: m.sent_at.map(utc),
            decided_at: m.decided_at.map(utc),
            order_id: m.order_id,
            created_at: utc(m.created_at),
            updated_at: utc(m.updated_at),
            version: m.version,
        }
    }
}

/// The fields a quote is created from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NewQuote {
    pub customer_id: i64,
    /// Must belong to the same customer.
    pub opportunity_id: Option<i64>,
    /// Defaults to the customer's owner, else the creator; sales users own what they create.
    pub owner_id: Option<i64>,
    /// Defaults to today + 30 days; not in the past.
    pub valid_until: Option<NaiveDate>,
    /// Three upper-case letters; defaults to `CNY`.
    pub currency: Option<String>,
    /// Percent, 0–100 with two places; defaults to 0.
    pub tax_rate: Option<Decimal>,
    pub notes: Option<String>,
    /// At least one.
    pub lines: Vec<NewLine>,
}

/// A partial update of a draft: `None` leaves a field alone; `lines` replaces them all.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct QuoteChanges {
    pub opportunity_id: Option<Option<i64>>,
    pub owner_id: Option<i64>,
    pub valid_until: Option<NaiveDate>,
    pub currency: Option<String>,
    pub tax_rate: Option<Decimal>,
    pub notes: Option<Option<String>>,
    pub lines: Option<Vec<NewLine>>,
}

/// A checked quote, ready to insert.
struct Draft {
    customer_id: i64,
    opportunity_id: Option<i64>,
    owner_id: Option<i64>,
    valid_until: NaiveDate,
    currency: String,
    tax_rate_bp: i32,
    notes: Option<String>,
    lines: Vec<PricedLine>,
}

/// Today in UTC: the day validity is measured against.
fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// The status a quote is reported with: an open (draft or sent) quote valid until
/// before `today` is `expired`.
pub fn reported_status(stored: &str, valid_until: NaiveDate, today: NaiveDate) -> &str {
    if repo::OPEN.contains(&stored) && valid_until < today { "expired" } else { stored }
}

/// Loads a quote the actor may see under `scope`; others are `NotFound`.
async fn visible(db: &impl ConnectionTrait, actor: &Actor, scope: Scope, id: i64) -> Result<quote::Model> {
    match repo::find_live(db, id).await? {
        Some(m) if actor.reaches(scope, m.owner_id) => Ok(m),
        _ => Err(DomainError::NotFound("quote")),
    }
}

/// Quote rows with their lines.
async fn with_lines(db: &impl ConnectionTrait, rows: Vec<quote::Model>, today: NaiveDate) -> Result<Vec<Quote>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut lines = repo::lines(db, &ids).await?;
    let mut customers: Vec<i64> = rows.iter().map(|r| r.customer_id).collect();
    customers.sort_unstable();
    customers.dedup();
    let names = crate::repo::customers::names(db, &customers).await?;
    Ok(rows
        .into_iter()
        .map(|m| {
            let l = lines.remove(&m.id).unwrap_or_default();
            let name = names.get(&m.customer_id).cloned().unwrap_or_default();
            Quote::build(m, l, name, today)
        })
        .collect())
}

/// Reads a quote back by id, with its lines.
async fn reload(db: &impl ConnectionTrait, id: i64) -> Result<Quote> {
    let m = repo::find_live(db, id).await?.ok_or(DomainError::NotFound("quote"))?;
    let mut all = with_lines(db, vec![m], today()).await?;
    all.pop().ok_or(DomainError::NotFound("quote"))
}

fn check_valid_until(p: &mut Problems, value: Option<NaiveDate>, today: NaiveDate) {
    if value.is_some_and(|d| d < today) {
        p.add("valid_until", "must not be in the past");
    }
    storable_date(p, "valid_until", value);
}

/// Checks that an opportunity exists, is visible to the actor and belongs to the customer.
async fn check_opportunity(db: &impl ConnectionTrait, actor: &Actor, id: i64, customer_id: i64) -> Result<()> {
    let scope = actor.require(Action::OpportunitiesRead)?;
    match opportunities::visible(db, actor, scope, id).await {
        Ok(o) if o.customer_id == customer_id => Ok(()),
        Ok(_) => Err(DomainError::invalid("opportunity_id", "belongs to another customer")),
        Err(DomainError::NotFound(_)) => {
            Err(DomainError::invalid("opportunity_id", "is not an opportunity you can see"))
        }
        Err(e) => Err(e),
    }
}

/// Checks an explicitly given owner against the actor's scope and the users table.
async fn check_owner(db: &impl ConnectionTrait, actor: &Actor, scope: Scope, owner: i64) -> Result<()> {
    if scope == Scope::Own && Some(owner) != actor.user_id {
        return Err(DomainError::Forbidden("sales users may only own quotes themselves".into()));
    }
    require_active_user(db, "owner_id", owner).await.map(|_| ())
}

/// Inserts a checked draft under a fresh number and audits it.
async fn insert(txn: &impl ConnectionTrait, actor: &Actor, d: Draft) -> Result<Quote> {
    let t = totals(&d.lines, d.tax_rate_bp);
    let at = now();
    let year = at.format("%Y").to_string();
    // Taken last: the counter row stays locked until commit.
    let n = counters::next(txn, &format!("quote:{year}")).await?;
    let id = quote::Entity::insert(quote::ActiveModel {
        number: Set(format!("Q-{year}-{n:06}")),
        customer_id: Set(d.customer_id),
        opportunity_id: Set(d.opportunity_id),
        owner_id: Set(d.owner_id),
        status: Set("draft".into()),
        valid_until: Set(d.valid_until),
        currency: Set(d.currency),
        tax_rate_bp: Set(d.tax_rate_bp),
        subtotal_cents: Set(cents(t.subtotal)?),
        discount_cents: Set(cents(t.discount_total)?),
        tax_cents: Set(cents(t.tax_total)?),
        total_cents: Set(cents(t.total)?),
        notes: Set(d.notes),
        sent_at: Set(None),
        decided_at: Set(None),
        order_id: Set(None),
        created_at: Set(at),
        updated_at: Set(at),
        deleted_at: Set(None),
        version: Set(1),
        ..Default::default()
    })
    .exec(txn)
    .await?
    .last_insert_id;
    repo::insert_lines(txn, d.lines.iter().map(|l| l.quote_row(id)).collect::<Result<Vec<_>>>()?).await?;
    let created = reload(txn, id).await?;
    audit::record(
        txn,
        actor,
        Change { entity: "quote", entity_id: id, action: "create", before: None, after: snapshot(&created) },
    )
    .await?;
    Ok(created)
}

/// One quote.
///
/// # Errors
/// `Forbidden`, `NotFound`, database failures.
pub async fn get(db: &impl ConnectionTrait, actor: &Actor, id: i64) -> Result<Quote> {
    let scope = actor.require(Action::QuotesRead)?;
    let m = visible(db, actor, scope, id).await?;
    let mut all = with_lines(db, vec![m], today()).await?;
    all.pop().ok_or(DomainError::NotFound("quote"))
}

/// A page of the quotes the actor may see.
///
/// # Errors
/// `Forbidden`, `Invalid` (filters, sort, cursor), database failures.
pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: &QuoteFilter,
    sort: Option<&str>,
    paging: &Paging,
) -> Result<Page<Quote>> {
    let scope = actor.require(Action::QuotesRead)?;
    let mut p = Problems::default();
    if let Some(s) = &filter.status
        && !transitions::is_state(QUOTE, s)
    {
        p.add("status", format!("must be one of {}", transitions::states(QUOTE).join(", ")));
    }
    if let (Some(a), Some(b)) = (filter.created_from, filter.created_to)
        && a > b
    {
        p.add("created_from", "must not be after created_to");
    }
    if filter.q.as_deref().is_some_and(|q| q.chars().count() > 200) {
        p.add("q", "must be at most 200 characters");
    }
    p.finish()?;
    let keys = parse_sort(sort, repo::SORT_FIELDS, repo::DEFAULT_SORT)?;
    let today = today();
    let (rows, total, next) = repo::list(db, filter, actor.owner_filter(scope), today, &keys, paging).await?;
    let items = with_lines(db, rows, today).await?;
    Ok(crate::repo::page_of(items, paging, total, next))
}

/// Creates a draft quote for a customer the actor can see; lines without a price
/// take the product's.
///
/// # Errors
/// `Forbidden`, `Invalid` (fields, lines, a customer or opportunity the actor cannot
/// see), database failures.
pub async fn create(db: &DatabaseConnection, actor: &Actor, input: NewQuote) -> Result<Quote> {
    let scope = actor.require(Action::QuotesWrite)?;
    let today = today();
    let txn = db.begin().await?;
    let mut p = Problems::default();
    check_valid_until(&mut p, input.valid_until, today);
    let currency = currency(&mut p, input.currency.as_deref());
    let tax_rate_bp = percent(&mut p, "tax_rate", input.tax_rate);
    let notes = validate::optional(&mut p, "notes", input.notes.as_deref(), 10_000);
    let lines = price_lines(&txn, &mut p, &input.lines, false).await?;
    p.finish()?;
    let customers_scope = actor.require(Action::CustomersRead)?;
    let customer = visible_customer(&txn, actor, customers_scope, input.customer_id).await.map_err(|e| match e {
        DomainError::NotFound(_) => DomainError::invalid("customer_id", "is not a customer you can see"),
        other => other,
    })?;
    if let Some(o) = input.opportunity_id {
        check_opportunity(&txn, actor, o, customer.id).await?;
    }
    let owner_id = match (scope, input.owner_id) {
        (_, Some(o)) => {
            check_owner(&txn, actor, scope, o).await?;
            Some(o)
        }
        (Scope::Own, None) => actor.user_id,
        (Scope::All, None) => customer.owner_id.or(actor.user_id),
    };
    let draft = Draft {
        customer_id: customer.id,
        opportunity_id: input.opportunity_id,
        owner_id,
        valid_until: input.valid_until.unwrap_or(today + Duration::days(DEFAULT_VALIDITY_DAYS)),
        currency,
        tax_rate_bp,
        notes,
        lines,
    };
    let created = insert(&txn, actor, draft).await?;
    txn.commit().await?;
    Ok(created)
}

/// A customer's quotes for the timeline, newest first, created before `before`.
///
/// # Errors
/// Database failures.
pub(crate) async fn timeline_entries(
    db: &impl ConnectionTrait,
    customer_id: i64,
    before: Option<NaiveDateTime>,
    limit: u64,
) -> Result<Vec<TimelineEntry>> {
    let rows = repo::for_customer(db, customer_id, before, limit).await?;
    let quotes = with_lines(db, rows, today()).await?;
    Ok(quotes
        .into_iter()
        .map(|q| TimelineEntry {
            at: q.created_at,
            kind: "quote".into(),
            summary: format!("quote {} ({}, {} {})", q.number, q.status, lines::grouped(q.total), q.currency),
            ref_id: q.id,
            actor: None,
            data: snapshot(&q).unwrap_or_default(),
        })
        .collect())
}

#[cfg(test)]
mod tests;
