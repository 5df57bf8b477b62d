//! The persisted scores of `as_of` = today: refreshed when stale, read with plain
//! queries (a segment summary is one `GROUP BY`, a page is one indexed page).

use chrono::NaiveDate;
use rapport_analytics::rfm::{RfmInput, RfmScore, Segment};
use sea_orm::DatabaseConnection;

use super::{CustomerRfm, Summary, build, compute};
use crate::entities::customer_rfm as rfm;
use crate::error::{DomainError, Result};
use crate::list::{Page, SortKey};
use crate::money::from_cents;
use crate::repo::{counters, customer_rfm as repo};

/// Brings the persisted scores up to `today` when they are stale: another day, or
/// orders changed since the last refresh. The scores are relative to every customer,
/// so a refresh recomputes them all (from the per-customer aggregates), but writes only
/// the rows that differ — after an order on the same day, the customer who ordered and
/// the few who crossed a bucket boundary; on a new day every recency moves, so the
/// table is rewritten in multi-row inserts. Concurrent refreshes queue on one counter
/// row and the later ones find the table fresh.
///
/// # Errors
/// Database failures.
pub async fn ensure_fresh(db: &DatabaseConnection, today: NaiveDate) -> Result<()> {
    let version = repo::orders_version(db).await?;
    if repo::state(db).await? == Some((today, version)) {
        return Ok(());
    }
    let txn = crate::repo::begin_read_committed(db).await?;
    counters::next(&txn, repo::REFRESH_LOCK).await?;
    let version = repo::orders_version(&txn).await?;
    let state = repo::state(&txn).await?;
    if state == Some((today, version)) {
        txn.commit().await?;
        return Ok(());
    }
    let c = compute(&txn, today).await?;
    let fresh: Vec<rfm::Model> = c
        .inputs
        .iter()
        .zip(&c.scores)
        .map(|(i, s)| rfm::Model {
            customer_id: i.customer_id,
            first_order_date: c.first.get(&i.customer_id).copied().unwrap_or(today),
            recency_days: i.recency_days,
            frequency: i.frequency,
            monetary_cents: i.monetary_cents,
            r: i16::from(s.r),
            f: i16::from(s.f),
            m: i16::from(s.m),
            segment: s.segment.as_str().to_owned(),
        })
        .collect();
    if state.is_some_and(|(d, _)| d == today) {
        // Same day: write the difference (both lists are in customer id order).
        let old = repo::all(&txn).await?;
        let (mut gone, mut changed) = (Vec::new(), Vec::new());
        let (mut i, mut j) = (0, 0);
        while i < old.len() || j < fresh.len() {
            match (old.get(i), fresh.get(j)) {
                (Some(o), Some(n)) if o.customer_id == n.customer_id => {
                    if o != n {
                        gone.push(o.customer_id);
                        changed.push(n.clone());
                    }
                    i += 1;
                    j += 1;
                }
                (Some(o), Some(n)) if o.customer_id < n.customer_id => {
                    gone.push(o.customer_id);
                    i += 1;
                }
                (Some(o), None) => {
                    gone.push(o.customer_id);
                    i += 1;
                }
                (_, Some(n)) => {
                    changed.push(n.clone());
                    j += 1;
                }
                (None, None) => break,
            }
        }
        repo::delete(&txn, Some(&gone)).await?;
        repo::insert(&txn, &changed).await?;
    } else {
        repo::delete(&txn, None).await?;
        repo::insert(&txn, &fresh).await?;
    }
    repo::set_state(&txn, today, version).await?;
    txn.commit().await?;
    Ok(())
}

fn to_row(m: rfm::Model, name: String, email: Option<String>, as_of: NaiveDate) -> Result<CustomerRfm> {
    let segment =
        Segment::parse(&m.segment).ok_or_else(|| DomainError::Internal(format!("stored segment {}", m.segment)))?;
    let score = |v: i16| u8::try_from(v).unwrap_or(0);
    let input = RfmInput {
        customer_id: m.customer_id,
        recency_days: m.recency_days,
        frequency: m.frequency,
        monetary_cents: m.monetary_cents,
    };
    let s = RfmScore { customer_id: m.customer_id, r: score(m.r), f: score(m.f), m: score(m.m), segment };
    Ok(build(input, s, m.first_order_date, name, email, as_of))
}

/// The segment summary from the stored scores (the same figures as
/// `rapport_analytics::rfm::summary`: integer sums, divided once).
pub(super) async fn summary(db: &DatabaseConnection, today: NaiveDate) -> Result<Vec<Summary>> {
    ensure_fresh(db, today).await?;
    let sums = repo::segment_sums(db).await?;
    let total = sums.iter().map(|s| s.1).sum::<i64>().max(1) as f64;
    Ok(Segment::ALL
        .into_iter()
        .map(|seg| {
            let (n, rec, freq, mon) =
                sums.iter().find(|s| s.0 == seg.as_str()).map_or((0, 0, 0, 0), |s| (s.1, s.2, s.3, s.4));
            let mean = |v: i64| if n == 0 { 0.0 } else { v as f64 / n as f64 };
            Summary {
                segment: seg.as_str(),
                customers: u64::try_from(n).unwrap_or(0),
                share: n as f64 / total,
                revenue: from_cents(mon),
                avg_recency_days: mean(rec),
                avg_frequency: mean(freq),
                avg_monetary: mean(mon) / 100.0,
            }
        })
        .collect())
}

/// A page of stored rows.
pub(super) async fn customers(
    db: &DatabaseConnection,
    owner: Option<i64>,
    today: NaiveDate,
    segment: Option<Segment>,
    keys: &[SortKey],
    page: u64,
    per_page: u64,
) -> Result<Page<CustomerRfm>> {
    ensure_fresh(db, today).await?;
    let order: Vec<(rfm::Column, bool)> = keys
        .iter()
        .map(|k| {
            let col = match k.field {
                "recency_days" => rfm::Column::RecencyDays,
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
    let (rows, total) = repo::page(db, segment, owner, &order, (page - 1) * per_page, per_page).await?;
    let items = rows.into_iter().map(|(m, n, e)| to_row(m, n, e, today)).collect::<Result<Vec<_>>>()?;
    Ok(Page { items, page: Some(page), per_page, total: Some(total), total_capped: false, next_cursor: None })
}

/// One customer's stored row.
pub(super) async fn for_customer(db: &DatabaseConnection, id: i64, today: NaiveDate) -> Result<Option<CustomerRfm>> {
    ensure_fresh(db, today).await?;
    let Some(m) = repo::find(db, id).await? else { return Ok(None) };
    let c = crate::repo::customers::find_live(db, id).await?;
    let (name, email) = c.map(|c| (c.name, c.email)).unwrap_or_default();
    to_row(m, name, email, today).map(Some)
}
