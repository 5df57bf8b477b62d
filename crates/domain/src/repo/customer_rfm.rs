//! Persisted RFM scores (`customer_rfm`) and the conditions that filter customers by
//! them, for the customer list and for marketing segments.
//!
//! Freshness: the scores hold for the stored `as_of` and the orders version they were
//! computed from. Every transaction that changes orders (create, status change, import,
//! seed) bumps the `orders:changes` counter with [`orders_changed`]; the scores are
//! stale when that counter or the day moved on (`services::rfm::ensure_fresh`).

use std::collections::BTreeMap;
use std::ops::RangeInclusive;

use chrono::NaiveDate;
use rapport_analytics::rfm::Segment;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::entities::{customer, customer_rfm as rfm, customer_rfm_segment as seg};
use crate::repo::counters;

/// Bumped in every transaction that changes orders.
pub const ORDERS_CHANGED: &str = "orders:changes";
/// The `as_of` of the stored scores, as days since 0001-01-01 (CE).
const AS_OF: &str = "rfm:as_of";
/// The value of [`ORDERS_CHANGED`] the stored scores were computed from.
const VERSION: &str = "rfm:orders_version";
/// The row that serialises refreshes (locked by an increment until commit).
pub const REFRESH_LOCK: &str = "rfm:refresh";

/// Marks orders as changed, inside the transaction that changes them. On PostgreSQL and
/// MySQL the counter row stays locked until commit; order writers already queue on the
/// order-number counter, so this adds no new contention.
///
/// # Errors
/// Database failures.
pub async fn orders_changed(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    counters::add(db, ORDERS_CHANGED, 1).await
}

/// The current orders version.
///
/// # Errors
/// Database failures.
pub async fn orders_version(db: &impl ConnectionTrait) -> Result<i64, DbErr> {
    counters::value(db, ORDERS_CHANGED).await
}

/// The stored scores' `as_of` and orders version (`None` before the first refresh).
///
/// # Errors
/// Database failures.
pub async fn state(db: &impl ConnectionTrait) -> Result<Option<(NaiveDate, i64)>, DbErr> {
    let days = counters::value(db, AS_OF).await?;
    let version = counters::value(db, VERSION).await?;
    let as_of = i32::try_from(days).ok().filter(|d| *d > 0).and_then(NaiveDate::from_num_days_from_ce_opt);
    Ok(as_of.map(|d| (d, version)))
}

/// Records the `as_of` and orders version of the stored scores.
///
/// # Errors
/// Database failures.
pub async fn set_state(db: &impl ConnectionTrait, as_of: NaiveDate, version: i64) -> Result<(), DbErr> {
    use chrono::Datelike;
    counters::set(db, AS_OF, i64::from(as_of.num_days_from_ce())).await?;
    counters::set(db, VERSION, version).await
}

/// Calls `visit` with every stored row, by customer id, holding a chunk at a time.
///
/// # Errors
/// Database failures.
pub async fn each(db: &impl ConnectionTrait, mut visit: impl FnMut(rfm::Model)) -> Result<(), DbErr> {
    type Row = (i64, NaiveDate, i64, i64, i64, i16, i16, i16, String);
    let columns =
        ["customer_id", "first_order_date", "last_order_day", "frequency", "monetary_cents", "r", "f", "m", "segment"];
    crate::repo::scan::by_key(
        db,
        "customer_rfm",
        &columns,
        |r: &Row| r.0,
        |(customer_id, first_order_date, last_order_day, frequency, monetary_cents, r, f, m, segment): Row| {
            visit(rfm::Model {
                customer_id,
                first_order_date,
                last_order_day,
                frequency,
                monetary_cents,
                r,
                f,
                m,
                segment,
            })
        },
    )
    .await
}

/// Deletes the rows of these customers (`None`: every row).
///
/// # Errors
/// Database failures.
pub async fn delete(db: &impl ConnectionTrait, customers: Option<&[i64]>) -> Result<(), DbErr> {
    match customers {
        None => {
            rfm::Entity::delete_many().exec(db).await?;
        }
        Some(ids) => {
            for chunk in ids.chunks(1000) {
                rfm::Entity::delete_many()
                    .filter(rfm::Column::CustomerId.is_in(chunk.iter().copied()))
                    .exec(db)
                    .await?;
            }
        }
    }
    Ok(())
}

/// Inserts rows in multi-row statements of 1000.
///
/// # Errors
/// Database failures.
pub async fn insert(db: &impl ConnectionTrait, rows: &[rfm::Model]) -> Result<(), DbErr> {
    for chunk in rows.chunks(1000) {
        rfm::Entity::insert_many(chunk.iter().cloned().map(rfm::ActiveModel::from)).exec(db).await?;
    }
    Ok(())
}

fn scored(cond: Condition) -> Condition {
    Condition::all().add(
        Expr::col((customer::Entity, customer::Column::Id))
            .in_subquery(Query::select().column(rfm::Column::CustomerId).from(rfm::Entity).cond_where(cond).to_owned()),
    )
}

/// `customers.id IN (customers of this segment)`: a condition on the customers table.
/// Call `services::rfm::ensure_fresh` first so that the scores are today's.
pub fn segment_condition(segment: Segment) -> Condition {
    scored(Condition::all().add(rfm::Column::Segment.eq(segment.as_str())))
}

/// Ranges of R, F and M scores (1–5, inclusive); `None` leaves a score free.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ScoreRanges {
    pub r: Option<RangeInclusive<u8>>,
    pub f: Option<RangeInclusive<u8>>,
    pub m: Option<RangeInclusive<u8>>,
}

/// `customers.id IN (customers whose scores lie in the ranges)`: a condition on the
/// customers table (customers without orders have no scores and never match).
pub fn score_condition(ranges: &ScoreRanges) -> Condition {
    let mut cond = Condition::all();
    for (col, range) in [(rfm::Column::R, &ranges.r), (rfm::Column::F, &ranges.f), (rfm::Column::M, &ranges.m)] {
        if let Some(r) = range {
            cond = cond.add(col.between(i16::from(*r.start()), i16::from(*r.end())));
        }
    }
    scored(cond)
}

/// One segment's size and sums over the stored scores.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SegmentSums {
    pub customers: i64,
    /// Σ last order day (days since 0001-01-01 CE).
    pub last_order_day: i64,
    pub frequency: i64,
    pub monetary_cents: i64,
}

/// A row's part in its segment's sums: segment, last order day, frequency, monetary.
pub type SumsRow<'a> = (&'a str, i64, i64, i64);

/// Each segment's sums over these rows, keyed by segment name.
pub fn sums_of<'a>(rows: impl IntoIterator<Item = SumsRow<'a>>) -> BTreeMap<String, SegmentSums> {
    let mut out = BTreeMap::<String, SegmentSums>::new();
    for (segment, last_order_day, frequency, monetary_cents) in rows {
        if !out.contains_key(segment) {
            out.insert(segment.to_owned(), SegmentSums::default());
        }
        let s = out.get_mut(segment).expect("inserted above");
        s.customers += 1;
        s.last_order_day += last_order_day;
        s.frequency += frequency;
        s.monetary_cents += monetary_cents;
    }
    out
}

/// Replaces the stored segment sums.
///
/// # Errors
/// Database failures.
pub async fn set_segment_sums(db: &impl ConnectionTrait, sums: &BTreeMap<String, SegmentSums>) -> Result<(), DbErr> {
    use sea_orm::ActiveValue::Set;
    seg::Entity::delete_many().exec(db).await?;
    if sums.is_empty() {
        return Ok(());
    }
    seg::Entity::insert_many(sums.iter().map(|(name, s)| seg::ActiveModel {
        segment: Set(name.clone()),
        customers: Set(s.customers),
        last_order_day_sum: Set(s.last_order_day),
        frequency_sum: Set(s.frequency),
        monetary_cents_sum: Set(s.monetary_cents),
    }))
    .exec(db)
    .await?;
    Ok(())
}

/// The stored segment sums (segments without customers have no row).
///
/// # Errors
/// Database failures.
pub async fn segment_sums(db: &impl ConnectionTrait) -> Result<Vec<seg::Model>, DbErr> {
    seg::Entity::find().all(db).await
}

/// One page of stored rows with the customer's name and email: optionally one segment
/// and one owner's customers, ordered by (column, descending) keys and then customer id.
/// Returns the rows and the total.
///
/// # Errors
/// Database failures.
pub async fn page(
    db: &impl ConnectionTrait,
    segment: Option<Segment>,
    owner: Option<i64>,
    order: &[(rfm::Column, bool)],
    offset: u64,
    limit: u64,
) -> Result<(Vec<(rfm::Model, String, Option<String>)>, u64), DbErr> {
    use sea_orm::PaginatorTrait;
    let mut q = rfm::Entity::find();
    if let Some(s) = segment {
        q = q.filter(rfm::Column::Segment.eq(s.as_str()));
    }
    if let Some(o) = owner {
        q = q.filter(
            rfm::Column::CustomerId.in_subquery(
                Query::select()
                    .column(customer::Column::Id)
                    .from(customer::Entity)
                    .and_where(customer::Column::OwnerId.eq(o))
                    .to_owned(),
            ),
        );
    }
    let total = q.clone().count(db).await?;
    for (col, desc) in order {
        q = q.order_by(*col, if *desc { sea_orm::Order::Desc } else { sea_orm::Order::Asc });
    }
    let rows = q.order_by_asc(rfm::Column::CustomerId).offset(offset).limit(limit).all(db).await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.customer_id).collect();
    let names: std::collections::HashMap<i64, (String, Option<String>)> = customer::Entity::find()
        .select_only()
        .columns([customer::Column::Id, customer::Column::Name, customer::Column::Email])
        .filter(customer::Column::Id.is_in(ids))
        .into_tuple::<(i64, String, Option<String>)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(id, n, e)| (id, (n, e)))
        .collect();
    Ok((
        rows.into_iter()
            .map(|r| {
                let (n, e) = names.get(&r.customer_id).cloned().unwrap_or_default();
                (r, n, e)
            })
            .collect(),
        total,
    ))
}

/// One customer's stored row.
///
/// # Errors
/// Database failures.
pub async fn find(db: &impl ConnectionTrait, customer_id: i64) -> Result<Option<rfm::Model>, DbErr> {
    rfm::Entity::find_by_id(customer_id).one(db).await
}
