//! The persisted scores of `as_of` = today: refreshed when stale, read with plain
//! queries (the segment summary reads the stored sums, a page is one indexed page).

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use rapport_analytics::rfm::{RfmInput, RfmScore, Segment};
use sea_orm::{
    AccessMode, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, IsolationLevel, TransactionTrait,
};

use super::{Computed, CustomerRfm, Summary, build, compute};
use crate::entities::customer_rfm as rfm;
use crate::error::{DomainError, Result};
use crate::list::{Page, SortKey};
use crate::money::from_cents;
use crate::repo::customer_rfm::SegmentSums;
use crate::repo::{counters, customer_rfm as repo};

/// One refresh at a time in this process: readers that find the scores stale while
/// another refreshes them wait for it and then find them fresh, instead of each scoring
/// every customer again. (One lock for every database the process serves; only tests
/// serve several, and their refreshes are small.)
static REFRESHING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Whether the stored scores are those of `today` and of the current orders.
async fn is_fresh(db: &impl ConnectionTrait, today: NaiveDate) -> Result<bool> {
    let version = repo::orders_version(db).await?;
    Ok(repo::state(db).await? == Some((today, version)))
}

/// A read-only transaction that sees one snapshot throughout (SQLite's and MySQL's
/// default; PostgreSQL's read committed would see each statement's own).
async fn snapshot(read: &DatabaseConnection) -> Result<DatabaseTransaction> {
    Ok(match read.get_database_backend() {
        DbBackend::Sqlite => read.begin().await?,
        _ => read.begin_with_config(Some(IsolationLevel::RepeatableRead), Some(AccessMode::ReadOnly)).await?,
    })
}

/// A customer's freshly scored row: what its stored row is to be, with the segment as
/// the analytics' enum rather than text, made from [`Computed`] one at a time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Fresh {
    customer_id: i64,
    first_order_date: NaiveDate,
    last_order_day: i64,
    frequency: i64,
    monetary_cents: i64,
    r: i16,
    f: i16,
    m: i16,
    segment: Segment,
}

impl Fresh {
    /// The row to store.
    pub(super) fn model(&self) -> rfm::Model {
        rfm::Model {
            customer_id: self.customer_id,
            first_order_date: self.first_order_date,
            last_order_day: self.last_order_day,
            frequency: self.frequency,
            monetary_cents: self.monetary_cents,
            r: self.r,
            f: self.f,
            m: self.m,
            segment: self.segment.as_str().to_owned(),
        }
    }

    /// Whether `stored` is this row already.
    fn is_stored_as(&self, stored: &rfm::Model) -> bool {
        let Self { customer_id, first_order_date, last_order_day, frequency, monetary_cents, r, f, m, segment } = *self;
        (customer_id, first_order_date, last_order_day, frequency, monetary_cents, r, f, m)
            == (
                stored.customer_id,
                stored.first_order_date,
                stored.last_order_day,
                stored.frequency,
                stored.monetary_cents,
                stored.r,
                stored.f,
                stored.m,
            )
            && segment.as_str() == stored.segment
    }

    /// A stored row as a fresh one (tests compare refreshes through it).
    #[cfg(test)]
    pub(super) fn of(stored: &rfm::Model) -> Self {
        Self {
            customer_id: stored.customer_id,
            first_order_date: stored.first_order_date,
            last_order_day: stored.last_order_day,
            frequency: stored.frequency,
            monetary_cents: stored.monetary_cents,
            r: stored.r,
            f: stored.f,
            m: stored.m,
            segment: Segment::parse(&stored.segment).expect("a stored segment"),
        }
    }
}

/// The row of the `i`th computed customer at `today` (as days since 0001-01-01).
fn fresh_at(c: &Computed, i: usize, day: i64) -> Fresh {
    let (input, score) = (&c.inputs[i], &c.scores[i]);
    Fresh {
        customer_id: input.customer_id,
        first_order_date: c.first[i],
        last_order_day: day - input.recency_days,
        frequency: input.frequency,
        monetary_cents: input.monetary_cents,
        r: i16::from(score.r),
        f: i16::from(score.f),
        m: i16::from(score.m),
        segment: score.segment,
    }
}

/// The rows for the computed scores at `today`, by customer id.
#[cfg(test)]
pub(super) fn rows_of(c: &Computed, today: NaiveDate) -> Vec<Fresh> {
    let day = i64::from(today.num_days_from_ce());
    (0..c.inputs.len()).map(|i| fresh_at(c, i, day)).collect()
}

/// What turns the stored rows into the fresh ones (both in customer id order; the
/// `i`th fresh row is `row(i)`, made when needed), built while the stored rows stream
/// past one by one so that neither side is ever held as rows all at once.
pub(super) struct Difference<F> {
    len: usize,
    row: F,
    next: usize,
    /// Customers whose stored rows go.
    gone: Vec<i64>,
    /// Positions of the fresh rows to insert.
    changed: Vec<usize>,
}

impl<F: Fn(usize) -> Fresh> Difference<F> {
    pub(super) fn new(len: usize, row: F) -> Self {
        Self { len, row, next: 0, gone: Vec::new(), changed: Vec::new() }
    }

    fn fresh(&self, i: usize) -> Option<Fresh> {
        (i < self.len).then(|| (self.row)(i))
    }

    /// The next stored row.
    pub(super) fn old(&mut self, o: &rfm::Model) {
        while self.fresh(self.next).is_some_and(|n| n.customer_id < o.customer_id) {
            self.changed.push(self.next);
            self.next += 1;
        }
        match self.fresh(self.next) {
            Some(n) if n.customer_id == o.customer_id => {
                if !n.is_stored_as(o) {
                    self.gone.push(o.customer_id);
                    self.changed.push(self.next);
                }
                self.next += 1;
            }
            _ => self.gone.push(o.customer_id),
        }
    }

    /// The customers whose rows go, and the rows to insert.
    pub(super) fn finish(mut self) -> (Vec<i64>, Vec<rfm::Model>) {
        self.changed.extend(self.next..self.len);
        (self.gone, self.changed.iter().map(|&i| (self.row)(i).model()).collect())
    }
}

/// [`Difference`] of stored and fresh rows already in memory.
#[cfg(test)]
pub(super) fn difference(old: &[rfm::Model], fresh: &[Fresh]) -> (Vec<i64>, Vec<rfm::Model>) {
    let mut d = Difference::new(fresh.len(), |i| fresh[i]);
    old.iter().for_each(|o| d.old(o));
    d.finish()
}

/// Scores everyone from `conn` and compares with the stored rows there: the segment
/// sums, the customers whose rows go and the rows to insert.
async fn refresh_of(
    conn: &impl ConnectionTrait,
    today: NaiveDate,
) -> Result<(BTreeMap<String, SegmentSums>, Vec<i64>, Vec<rfm::Model>)> {
    let c = compute(conn, today).await?;
    let day = i64::from(today.num_days_from_ce());
    let row = |i| fresh_at(&c, i, day);
    let sums = repo::sums_of((0..c.inputs.len()).map(row).map(|r| {
        let Fresh { segment, last_order_day, frequency, monetary_cents, .. } = r;
        (segment.as_str(), last_order_day, frequency, monetary_cents)
    }));
    let mut diff = Difference::new(c.inputs.len(), row);
    repo::each(conn, |o| diff.old(&o)).await?;
    let (gone, changed) = diff.finish();
    Ok((sums, gone, changed))
}

/// Writes a refresh: the rows that go and come, the segment sums and the new state.
async fn write(
    txn: &DatabaseTransaction,
    gone: &[i64],
    changed: &[rfm::Model],
    sums: &BTreeMap<String, SegmentSums>,
    today: NaiveDate,
    version: i64,
) -> Result<()> {
    repo::delete(txn, Some(gone)).await?;
    repo::insert(txn, changed).await?;
    repo::set_segment_sums(txn, sums).await?;
    repo::set_state(txn, today, version).await?;
    Ok(())
}

/// Brings the persisted scores up to `today` when they are stale: another day, or
/// orders changed since the last refresh.
///
/// The scores are relative to every customer, so a refresh scores them all again (from
/// the per-customer aggregates), reading from a snapshot of `read` so that writers do
/// not wait meanwhile. It then writes, in one short transaction on `db`, only the rows
/// that differ: the customers whose orders changed and those who crossed a bucket
/// boundary. The table keeps the day of the last order rather than the recency, so a
/// new day alone changes few rows too.
///
/// The write goes through only if the table is still the one the snapshot read; when
/// another instance refreshed in between, the refresh starts again, and the third time
/// it scores inside the writing transaction itself.
///
/// # Errors
/// Database failures.
pub async fn ensure_fresh(db: &DatabaseConnection, read: &DatabaseConnection, today: NaiveDate) -> Result<()> {
    if is_fresh(read, today).await? {
        return Ok(());
    }
    let _one = REFRESHING.lock().await;
    for _ in 0..2 {
        if is_fresh(read, today).await? {
            return Ok(());
        }
        let snap = snapshot(read).await?;
        let state = repo::state(&snap).await?;
        let version = repo::orders_version(&snap).await?;
        let (sums, gone, changed) = refresh_of(&snap, today).await?;
        snap.commit().await?;

        let txn = crate::repo::begin_read_committed(db).await?;
        counters::next(&txn, repo::REFRESH_LOCK).await?;
        if repo::state(&txn).await? != state {
            txn.rollback().await?;
            continue;
        }
        write(&txn, &gone, &changed, &sums, today, version).await?;
        txn.commit().await?;
        return Ok(());
    }
    // Refreshes of other instances kept overtaking this one: score under the lock.
    let txn = crate::repo::begin_read_committed(db).await?;
    counters::next(&txn, repo::REFRESH_LOCK).await?;
    let version = repo::orders_version(&txn).await?;
    if repo::state(&txn).await? != Some((today, version)) {
        let (sums, gone, changed) = refresh_of(&txn, today).await?;
        write(&txn, &gone, &changed, &sums, today, version).await?;
    }
    txn.commit().await?;
    Ok(())
}

fn to_row(m: rfm::Model, name: String, email: Option<String>, as_of: NaiveDate) -> Result<CustomerRfm> {
    let segment =
        Segment::parse(&m.segment).ok_or_else(|| DomainError::Internal(format!("stored segment {}", m.segment)))?;
    let score = |v: i16| u8::try_from(v).unwrap_or(0);
    let input = RfmInput {
        customer_id: m.customer_id,
        recency_days: i64::from(as_of.num_days_from_ce()) - m.last_order_day,
        frequency: m.frequency,
        monetary_cents: m.monetary_cents,
    };
    let s = RfmScore { customer_id: m.customer_id, r: score(m.r), f: score(m.f), m: score(m.m), segment };
    Ok(build(input, s, m.first_order_date, name, email, as_of))
}

/// The segment summary from the stored scores (the same figures as
/// `rapport_analytics::rfm::summary`: integer sums, divided once).
pub(super) async fn summary(
    db: &DatabaseConnection,
    read: &DatabaseConnection,
    today: NaiveDate,
) -> Result<Vec<Summary>> {
    ensure_fresh(db, read, today).await?;
    let sums = repo::segment_sums(read).await?;
    let day = i64::from(today.num_days_from_ce());
    let total = sums.iter().map(|s| s.customers).sum::<i64>().max(1) as f64;
    Ok(Segment::ALL
        .into_iter()
        .map(|seg| {
            let s = sums.iter().find(|s| s.segment == seg.as_str());
            let n = s.map_or(0, |s| s.customers);
            let mean = |v: i64| if n == 0 { 0.0 } else { v as f64 / n as f64 };
            // Σ recency = Σ (today − last order day).
            let recency = s.map_or(0, |s| n * day - s.last_order_day_sum);
            let monetary = s.map_or(0, |s| s.monetary_cents_sum);
            Summary {
                segment: seg.as_str(),
                customers: u64::try_from(n).unwrap_or(0),
                share: n as f64 / total,
                revenue: from_cents(monetary),
                avg_recency_days: mean(recency),
                avg_frequency: mean(s.map_or(0, |s| s.frequency_sum)),
                avg_monetary: mean(monetary) / 100.0,
            }
        })
        .collect())
}

/// A page of stored rows.
pub(super) async fn customers(
    db: &DatabaseConnection,
    read: &DatabaseConnection,
    owner: Option<i64>,
    today: NaiveDate,
    segment: Option<Segment>,
    keys: &[SortKey],
    (page, per_page): (u64, u64),
) -> Result<Page<CustomerRfm>> {
    ensure_fresh(db, read, today).await?;
    let order: Vec<(rfm::Column, bool)> = keys
        .iter()
        .map(|k| {
            let col = match k.field {
                // Most recent first is the latest last order first.
                "recency_days" => return (rfm::Column::LastOrderDay, !k.desc),
                "frequency" => rfm::Column::Frequency,
                "monetary" => rfm::Column::MonetaryCents,
                "r_score" => rfm::Column::R,
                "f_score" => rfm::Column::F,
                "m_score" => rfm::Column::M,
                _ => rfm::Column::CustomerId,
            };
            (col, k.desc)
        })
        .collect();
    let (rows, total) = repo::page(read, segment, owner, &order, (page - 1) * per_page, per_page).await?;
    let items = rows.into_iter().map(|(m, n, e)| to_row(m, n, e, today)).collect::<Result<Vec<_>>>()?;
    Ok(Page { items, page: Some(page), per_page, total: Some(total), total_capped: false, next_cursor: None })
}

/// One customer's stored row.
pub(super) async fn for_customer(
    db: &DatabaseConnection,
    read: &DatabaseConnection,
    id: i64,
    today: NaiveDate,
) -> Result<Option<CustomerRfm>> {
    ensure_fresh(db, read, today).await?;
    let Some(m) = repo::find(read, id).await? else { return Ok(None) };
    let c = crate::repo::customers::find_live(read, id).await?;
    let (name, email) = c.map(|c| (c.name, c.email)).unwrap_or_default();
    to_row(m, name, email, today).map(Some)
}
