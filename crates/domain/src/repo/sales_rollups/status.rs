//! Reading `sales_monthly_status`: revenue and order count by month and status of the
//! orders that are not cancelled, so that the forecast sums a few rows per month
//! instead of every order.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use sea_orm::{ConnectionTrait, DbErr, QueryResult, Statement};

use super::{STATUS, Sums, first_of_month, int, select};

/// Revenue (cents) and order count by month (`YYYY-MM`) and status; groups without
/// orders are left out.
pub type ByMonthStatus = BTreeMap<(String, String), Sums>;

/// A month as the rollup stores it. Orders are dated in the years 1000 to 9999, so a
/// later date maps above every stored month (its `%Y` would have five digits and sort
/// below them).
fn month_key(d: NaiveDate) -> String {
    if d.year() > 9999 { "9999-13".to_owned() } else { format!("{:04}-{:02}", d.year(), d.month()) }
}

fn collect(rows: &[QueryResult]) -> Result<ByMonthStatus, DbErr> {
    let mut out = ByMonthStatus::new();
    for r in rows {
        let key = (r.try_get::<String>("", "month")?, r.try_get::<String>("", "status")?);
        let g = out.entry(key).or_default();
        (g.0, g.1) = (g.0 + int(r, "revenue_cents")?, g.1 + int(r, "orders")?);
    }
    // A group whose orders all moved on (or were cancelled) stays in the rollup as zeros.
    out.retain(|_, g| g.1 > 0);
    Ok(out)
}

/// The groups of the orders dated in the months from the month of `from` (no `from`:
/// from the first order) to before the month of `to`, optionally of one owner.
///
/// # Errors
/// Database failures.
pub async fn by_month_status(
    db: &impl ConnectionTrait,
    from: Option<NaiveDate>,
    to: NaiveDate,
    owner: Option<i64>,
) -> Result<ByMonthStatus, DbErr> {
    let mut cond = format!("month < '{}'", month_key(to));
    if let Some(f) = from {
        cond.push_str(&format!(" AND month >= '{}'", month_key(f)));
    }
    if let Some(o) = owner {
        cond.push_str(&format!(" AND owner_id = {o}"));
    }
    let sql = format!(
        "SELECT month, status, SUM(revenue_cents) AS revenue_cents, SUM(orders) AS orders \
         FROM {} WHERE {cond} GROUP BY month, status",
        STATUS.table
    );
    collect(&db.query_all_raw(Statement::from_string(db.get_database_backend(), sql)).await?)
}

/// The same groups computed from the orders alone (for tests that check the rollup).
///
/// # Errors
/// Database failures.
pub async fn by_month_status_from_orders(
    db: &impl ConnectionTrait,
    from: Option<NaiveDate>,
    to: NaiveDate,
    owner: Option<i64>,
) -> Result<ByMonthStatus, DbErr> {
    let backend = db.get_database_backend();
    let mut cond = format!("o.order_date < '{}'", first_of_month(to));
    if let Some(f) = from {
        cond.push_str(&format!(" AND o.order_date >= '{}'", first_of_month(f)));
    }
    if let Some(o) = owner {
        cond.push_str(&format!(" AND o.owner_id = {o}"));
    }
    collect(&db.query_all_raw(Statement::from_string(backend, select(&STATUS, backend, &cond, 1))).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_keys_sort_like_the_dates() {
        let d = |y, m| NaiveDate::from_ymd_opt(y, m, 1).expect("date");
        assert_eq!(month_key(d(2026, 3)), "2026-03");
        assert_eq!(month_key(d(999, 12)), "0999-12");
        assert!(month_key(d(10_000, 1)) > month_key(d(9999, 12)));
        assert!(month_key(d(-5, 1)) < month_key(d(1000, 1)));
    }
}
