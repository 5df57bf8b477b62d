//! The counts the database keeps by triggers (migrations `m20261207_000025_daily_counts`
//! and `m20261208_000027_customers_by_owner`): live customers by the day they were
//! created and their owner (0 for none), live customers by owner, and the resolutions and
//! ratings of service requests by the day they were made.

use chrono::NaiveDate;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Order, Query, SelectStatement};
use sea_orm::{ConnectionTrait, DbErr, QueryResult};

use super::sum_i64;

async fn rows(db: &impl ConnectionTrait, q: &SelectStatement) -> Result<Vec<QueryResult>, DbErr> {
    db.query_all_raw(db.get_database_backend().build(q)).await
}

/// The live customers created each day of `[from, to)`, optionally of one owner, for the
/// days that have any, in order.
///
/// # Errors
/// Database failures.
pub async fn new_customers(
    db: &impl ConnectionTrait,
    from: NaiveDate,
    to: NaiveDate,
    owner: Option<i64>,
) -> Result<Vec<(NaiveDate, i64)>, DbErr> {
    let backend = db.get_database_backend();
    let table = Alias::new("customers_daily");
    let mut q = Query::select();
    q.column(Alias::new("day"))
        .expr_as(sum_i64(Expr::col(Alias::new("customers")), backend), Alias::new("n"))
        .from(table)
        .and_where(Expr::col(Alias::new("day")).gte(from))
        .and_where(Expr::col(Alias::new("day")).lt(to))
        .add_group_by([Expr::col(Alias::new("day"))])
        .order_by(Alias::new("day"), Order::Asc);
    if let Some(o) = owner {
        q.and_where(Expr::col(Alias::new("owner_id")).eq(o));
    }
    let mut out = Vec::new();
    for r in rows(db, &q).await? {
        let n: i64 = r.try_get("", "n")?;
        if n != 0 {
            out.push((r.try_get("", "day")?, n));
        }
    }
    Ok(out)
}

/// The live customers, or one owner's (0 for those without an owner), from the counts by
/// owner (migration `m20261208_000027_customers_by_owner`).
///
/// # Errors
/// Database failures.
pub async fn live_customers(db: &impl ConnectionTrait, owner: Option<i64>) -> Result<u64, DbErr> {
    let backend = db.get_database_backend();
    let mut q = Query::select();
    q.expr_as(sum_i64(Expr::col(Alias::new("customers")), backend), Alias::new("n"))
        .from(Alias::new("customers_by_owner"));
    if let Some(o) = owner {
        q.and_where(Expr::col(Alias::new("owner_id")).eq(o));
    }
    let n: Option<i64> = match rows(db, &q).await?.into_iter().next() {
        Some(r) => r.try_get("", "n")?,
        None => None,
    };
    Ok(n.and_then(|n| u64::try_from(n).ok()).unwrap_or(0))
}

/// The resolutions and ratings of the requests made in a period.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ServiceSums {
    /// Requests resolved, and the whole seconds from request to resolution over them.
    pub resolved: i64,
    pub resolution_seconds: i64,
    /// Requests rated, and the sum of their ratings.
    pub rated: i64,
    pub rating_sum: i64,
}

/// The [`ServiceSums`] of the requests made in `[from, to)`.
///
/// # Errors
/// Database failures.
pub async fn service(db: &impl ConnectionTrait, from: NaiveDate, to: NaiveDate) -> Result<ServiceSums, DbErr> {
    let backend = db.get_database_backend();
    let mut q = Query::select();
    for c in ["resolved", "resolution_seconds", "rated", "rating_sum"] {
        q.expr_as(sum_i64(Expr::col(Alias::new(c)), backend), Alias::new(c));
    }
    q.from(Alias::new("service_daily"))
        .and_where(Expr::col(Alias::new("day")).gte(from))
        .and_where(Expr::col(Alias::new("day")).lt(to));
    let Some(r) = rows(db, &q).await?.into_iter().next() else { return Ok(ServiceSums::default()) };
    let get = |c: &str| r.try_get::<Option<i64>>("", c).map(Option::unwrap_or_default);
    Ok(ServiceSums {
        resolved: get("resolved")?,
        resolution_seconds: get("resolution_seconds")?,
        rated: get("rated")?,
        rating_sum: get("rating_sum")?,
    })
}
