//! RFM customer value over the order aggregates (see `rapport_analytics::rfm` for the
//! scoring rules).
//!
//! Only orders dated before `as_of` that are not cancelled count. The aggregates hold
//! every order; customers with orders on or after `as_of` (few, when `as_of` is today)
//! are recomputed from their orders, so the result is exact for any `as_of`.
//!
//! For `as_of` = today the endpoints read the persisted scores (`customer_rfm`),
//! refreshed first when stale (see [`ensure_fresh`]); other dates are computed from the
//! read connections (`read`; on PostgreSQL and MySQL the writer's own pool).

use std::collections::HashMap;

use chrono::NaiveDate;
use rapport_analytics::rfm::{self, RfmInput, RfmScore, Segment, SegmentSummary};
use rust_decimal::Decimal;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect};
use serde::Serialize;

use crate::entities::customer;
use crate::error::{DomainError, Result};
use crate::list::{Page, SortKey, parse_sort};
use crate::money::from_cents;
use crate::repo::customer_stats;
use crate::{Action, Actor};

mod stored;

pub use stored::ensure_fresh;

/// One customer's RFM values.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CustomerRfm {
    pub customer_id: i64,
    pub name: String,
    pub email: Option<String>,
    pub recency_days: i64,
    pub frequency: i64,
    pub monetary: Decimal,
    pub r_score: u8,
    pub f_score: u8,
    pub m_score: u8,
    pub segment: &'static str,
    /// The seed's raw triple: months since the last purchase (days / 30.4375) …
    pub months_since_last: f64,
    /// … purchases per month since the first purchase (at least one month) …
    pub purchases_per_month: f64,
    /// … and the amount spent.
    pub amount: Decimal,
}

/// Every scored customer in customer id order: values, scores and first order dates.
/// At 1M customers these columns are the whole of a refresh's memory (52 bytes a
/// customer), so nothing else holds a row per customer.
pub(crate) struct Computed {
    pub(crate) inputs: Vec<RfmInput>,
    pub(crate) scores: Vec<RfmScore>,
    pub(crate) first: Vec<NaiveDate>,
}

impl Computed {
    /// The first order date of a scored customer.
    pub(crate) fn first_of(&self, customer_id: i64) -> Option<NaiveDate> {
        let i = self.inputs.binary_search_by_key(&customer_id, |c| c.customer_id).ok()?;
        self.first.get(i).copied()
    }

    /// Merges `extra` (customers not among the inputs yet, in customer id order) into
    /// the inputs and first dates, in place from the back: no second copy of the columns.
    fn merge(&mut self, extra: Vec<(RfmInput, NaiveDate)>) {
        let (n, m) = (self.inputs.len(), extra.len());
        let blank = RfmInput { customer_id: 0, recency_days: 0, frequency: 0, monetary_cents: 0 };
        self.inputs.reserve_exact(m);
        self.first.reserve_exact(m);
        self.inputs.resize(n + m, blank);
        self.first.resize(n + m, NaiveDate::MIN);
        // Everything from k on is merged; the inputs before i are not yet moved.
        let (mut i, mut k) = (n, n + m);
        for (row, first) in extra.into_iter().rev() {
            while i > 0 && self.inputs[i - 1].customer_id > row.customer_id {
                i -= 1;
                k -= 1;
                self.inputs[k] = self.inputs[i];
                self.first[k] = self.first[i];
            }
            k -= 1;
            self.inputs[k] = row;
            self.first[k] = first;
        }
    }
}

/// Scores every customer with orders before `as_of`, from the per-customer aggregates;
/// those who ordered on or after `as_of` from their orders before it.
pub(crate) async fn compute(db: &impl ConnectionTrait, as_of: NaiveDate) -> Result<Computed> {
    let late = customer_stats::ordering_since(db, as_of).await?;
    let input = |customer_id, last: NaiveDate, frequency, monetary_cents| RfmInput {
        customer_id,
        recency_days: (as_of - last).num_days(),
        frequency,
        monetary_cents,
    };
    let mut c = Computed { inputs: Vec::new(), scores: Vec::new(), first: Vec::new() };
    customer_stats::each(db, |(id, first, last, n, cents)| {
        if n > 0 && late.binary_search(&id).is_err() {
            c.inputs.push(input(id, last, n, cents));
            c.first.push(first);
        }
    })
    .await?;
    if !late.is_empty() {
        let mut extra: Vec<(RfmInput, NaiveDate)> = customer_stats::from_orders(db, &late, Some(as_of))
            .await?
            .into_iter()
            .filter(|s| s.order_count > 0)
            .map(|s| (input(s.customer_id, s.last_order_date, s.order_count, s.total_cents), s.first_order_date))
            .collect();
        extra.sort_unstable_by_key(|(i, _)| i.customer_id);
        c.merge(extra);
    }
    c.scores = rfm::score(&c.inputs);
    Ok(c)
}

/// A segment's size and value.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Summary {
    pub segment: &'static str,
    pub customers: u64,
    pub share: f64,
    pub revenue: Decimal,
    pub avg_recency_days: f64,
    pub avg_frequency: f64,
    pub avg_monetary: f64,
}

impl From<SegmentSummary> for Summary {
    fn from(s: SegmentSummary) -> Self {
        Self {
            segment: s.segment.as_str(),
            customers: s.customers,
            share: s.share,
            revenue: from_cents(s.revenue_cents),
            avg_recency_days: s.avg_recency_days,
            avg_frequency: s.avg_frequency,
            avg_monetary: s.avg_monetary_cents / 100.0,
        }
    }
}

/// Every segment's size and value at `as_of` (over all customers: scores are relative
/// to the whole customer base).
///
/// # Errors
/// `Forbidden`, database failures.
pub async fn summary(
    db: &DatabaseConnection,
    read: &DatabaseConnection,
    actor: &Actor,
    as_of: NaiveDate,
) -> Result<Vec<Summary>> {
    actor.require(Action::AnalyticsRead)?;
    if as_of == crate::time::today() {
        return stored::summary(db, read, as_of).await;
    }
    let c = compute(read, as_of).await?;
    Ok(rfm::summary(&c.inputs, &c.scores).into_iter().map(Summary::from).collect())
}

/// Sort fields of the per-customer list.
pub const SORT_FIELDS: &[&str] =
    &["customer_id", "recency_days", "frequency", "monetary", "r_score", "f_score", "m_score"];

fn rows_of(c: &Computed, keep: impl Fn(&RfmScore) -> bool) -> Vec<(RfmInput, RfmScore)> {
    c.inputs.iter().copied().zip(c.scores.iter().copied()).filter(|(_, s)| keep(s)).collect()
}

async fn with_names(
    db: &impl ConnectionTrait,
    c: &Computed,
    rows: Vec<(RfmInput, RfmScore)>,
    as_of: NaiveDate,
) -> Result<Vec<CustomerRfm>> {
    let ids: Vec<i64> = rows.iter().map(|(i, _)| i.customer_id).collect();
    let mut names: HashMap<i64, (String, Option<String>)> = HashMap::new();
    for chunk in ids.chunks(500) {
        let found: Vec<(i64, String, Option<String>)> = customer::Entity::find()
            .select_only()
            .column(customer::Column::Id)
            .column(customer::Column::Name)
            .column(customer::Column::Email)
            .filter(customer::Column::Id.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(db)
            .await?;
        names.extend(found.into_iter().map(|(id, n, e)| (id, (n, e))));
    }
    Ok(rows
        .into_iter()
        .map(|(i, s)| {
            let (name, email) = names.remove(&i.customer_id).unwrap_or_default();
            let first = c.first_of(i.customer_id).unwrap_or(as_of);
            build(i, s, first, name, email, as_of)
        })
        .collect())
}

/// One customer's row from their values, scores and first order date.
pub(crate) fn build(
    i: RfmInput,
    s: RfmScore,
    first: NaiveDate,
    name: String,
    email: Option<String>,
    as_of: NaiveDate,
) -> CustomerRfm {
    let months = ((as_of - first).num_days() as f64 / 30.4375).max(1.0);
    CustomerRfm {
        customer_id: i.customer_id,
        name,
        email,
        recency_days: i.recency_days,
        frequency: i.frequency,
        monetary: from_cents(i.monetary_cents),
        r_score: s.r,
        f_score: s.f,
        m_score: s.m,
        segment: s.segment.as_str(),
        months_since_last: (i.recency_days as f64 / 30.4375 * 100.0).round() / 100.0,
        purchases_per_month: (i.frequency as f64 / months * 1000.0).round() / 1000.0,
        amount: from_cents(i.monetary_cents),
    }
}

/// The segment named `s`, or `Invalid` on `field` listing the names.
///
/// # Errors
/// `Invalid` for an unknown name.
pub fn parse_segment(field: &str, s: &str) -> Result<Segment> {
    Segment::parse(s).ok_or_else(|| {
        DomainError::invalid(field, format!("must be one of {}", Segment::ALL.map(|x| x.as_str()).join(", ")))
    })
}

/// What a page of per-customer rows asks for.
#[derive(Clone, Copy, Debug)]
pub struct CustomersQuery<'a> {
    pub as_of: NaiveDate,
    /// A segment's API name.
    pub segment: Option<&'a str>,
    /// Comma list of [`SORT_FIELDS`], `-` for descending.
    pub sort: Option<&'a str>,
    /// From 1.
    pub page: u64,
    pub per_page: u64,
}

/// Per-customer RFM rows, optionally of one segment, sorted and paged. Sales users see
/// their own customers (scored against everyone).
///
/// # Errors
/// `Forbidden`, `Invalid` (segment, sort, paging), database failures.
pub async fn customers(
    db: &DatabaseConnection,
    read: &DatabaseConnection,
    actor: &Actor,
    q: &CustomersQuery<'_>,
) -> Result<Page<CustomerRfm>> {
    let scope = actor.require(Action::AnalyticsRead)?;
    let seg = q.segment.map(|s| parse_segment("segment", s)).transpose()?;
    let keys = parse_sort(q.sort, SORT_FIELDS, SortKey { field: "monetary", desc: true })?;
    let CustomersQuery { as_of, page, per_page, .. } = *q;
    if as_of == crate::time::today() {
        return stored::customers(db, read, actor.owner_filter(scope), as_of, seg, &keys, (page, per_page)).await;
    }
    let db = read;
    let c = compute(db, as_of).await?;
    let own: Option<std::collections::HashSet<i64>> = match actor.owner_filter(scope) {
        None => None,
        Some(owner) => Some(
            customer::Entity::find()
                .select_only()
                .column(customer::Column::Id)
                .filter(customer::Column::OwnerId.eq(owner))
                .into_tuple::<i64>()
                .all(db)
                .await?
                .into_iter()
                .collect(),
        ),
    };
    let mut rows =
        rows_of(&c, |s| seg.is_none_or(|x| s.segment == x) && own.as_ref().is_none_or(|o| o.contains(&s.customer_id)));
    rows.sort_by(|a, b| {
        keys.iter()
            .map(|k| {
                let ord = match k.field {
                    "recency_days" => a.0.recency_days.cmp(&b.0.recency_days),
                    "frequency" => a.0.frequency.cmp(&b.0.frequency),
                    "monetary" => a.0.monetary_cents.cmp(&b.0.monetary_cents),
                    "r_score" => a.1.r.cmp(&b.1.r),
                    "f_score" => a.1.f.cmp(&b.1.f),
                    "m_score" => a.1.m.cmp(&b.1.m),
                    _ => a.0.customer_id.cmp(&b.0.customer_id),
                };
                if k.desc { ord.reverse() } else { ord }
            })
            .find(|o| o.is_ne())
            .unwrap_or_else(|| a.0.customer_id.cmp(&b.0.customer_id))
    });
    let total = rows.len() as u64;
    let start = usize::try_from((page - 1) * per_page).unwrap_or(usize::MAX).min(rows.len());
    let end = start.saturating_add(usize::try_from(per_page).unwrap_or(usize::MAX)).min(rows.len());
    let items = with_names(db, &c, rows[start..end].to_vec(), as_of).await?;
    Ok(Page { items, page: Some(page), per_page, total: Some(total), total_capped: false, next_cursor: None })
}

/// One customer's RFM values (`None` when they have no orders before `as_of`).
///
/// # Errors
/// `Forbidden`, `NotFound` (customer not visible), database failures.
pub async fn for_customer(
    db: &DatabaseConnection,
    read: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    as_of: NaiveDate,
) -> Result<Option<CustomerRfm>> {
    actor.require(Action::AnalyticsRead)?;
    crate::services::customers::get(read, actor, id).await?;
    if as_of == crate::time::today() {
        return stored::for_customer(db, read, id, as_of).await;
    }
    let db = read;
    let c = compute(db, as_of).await?;
    let rows = rows_of(&c, |s| s.customer_id == id);
    Ok(with_names(db, &c, rows, as_of).await?.pop())
}

#[cfg(test)]
mod tests;
