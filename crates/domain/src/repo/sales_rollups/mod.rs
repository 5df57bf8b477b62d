//! Sales rollups (`sales_monthly`, `sales_monthly_products`, `sales_monthly_cities` and
//! their `sales_daily*` twins): what the dashboard and the sales analysis sum, kept in
//! step with orders in their transactions; and `sales_monthly_status`, by month, owner
//! and status, what the forecast sums ([`status`]).
//!
//! One set of grouped `SELECT`s over orders defines the rollups. Writers add (or, with
//! sign −1, take back) the groups of the orders a condition selects — an upsert that
//! adds to existing rows; readers sum the monthly rows of a period's whole months and
//! the daily rows of the partial months at its edges.
//!
//! `owner_id` 0 stands for "no owner" and `city` '' for "no city".

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, DbBackend, DbErr, QueryResult, Statement};

pub mod status;
#[cfg(test)]
mod tests;
pub mod totals;

/// The month (`YYYY-MM`) of `o.order_date`.
fn month_sql(backend: DbBackend) -> &'static str {
    match backend {
        DbBackend::Postgres => "to_char(o.order_date, 'YYYY-MM')",
        DbBackend::MySql => "DATE_FORMAT(o.order_date, '%Y-%m')",
        _ => "strftime('%Y-%m', o.order_date)",
    }
}

/// What a rollup groups by besides its period and the owner.
#[derive(Clone, Copy, PartialEq, Eq)]
enum By {
    Total,
    Product,
    City,
    /// The order's status: a status change moves the order between rows.
    Status,
}

/// A rollup table: monthly ones serve whole months, daily ones the partial months at
/// the edges of a period.
struct Rollup {
    table: &'static str,
    by: By,
    daily: bool,
}

/// The rollups that [`facts`] reads.
const ROLLUPS: [Rollup; 6] = [
    Rollup { table: "sales_monthly", by: By::Total, daily: false },
    Rollup { table: "sales_monthly_products", by: By::Product, daily: false },
    Rollup { table: "sales_monthly_cities", by: By::City, daily: false },
    Rollup { table: "sales_daily", by: By::Total, daily: true },
    Rollup { table: "sales_daily_products", by: By::Product, daily: true },
    Rollup { table: "sales_daily_cities", by: By::City, daily: true },
];

/// The only rollup that depends on an order's status (the others only on whether it is
/// cancelled). Monthly only, and not part of the facts: the forecast reads whole months.
const STATUS: Rollup = Rollup { table: "sales_monthly_status", by: By::Status, daily: false };

impl Rollup {
    fn period(&self) -> &'static str {
        if self.daily { "day" } else { "month" }
    }

    fn keys(&self) -> Vec<&'static str> {
        let mut k = vec![self.period(), "owner_id"];
        match self.by {
            By::Total => {}
            By::Product => k.push("product_id"),
            By::City => k.push("city"),
            By::Status => k.push("status"),
        }
        k
    }

    fn sums(&self) -> &'static [&'static str] {
        match self.by {
            By::Product => &["revenue_cents", "quantity_milli", "orders"],
            _ => &["revenue_cents", "orders"],
        }
    }
}

/// The grouped rows of the orders (aliased `o`, not cancelled) that `cond` selects,
/// each sum multiplied by `sign`: key columns first, then the sums, named as in the
/// rollup table.
fn select(r: &Rollup, backend: DbBackend, cond: &str, sign: i64) -> String {
    let period = if r.daily { "o.order_date" } else { month_sql(backend) };
    let p = r.period();
    let s = |e: &str| format!("{sign} * SUM({e})");
    match r.by {
        By::Total => format!(
            "SELECT {period} AS {p}, COALESCE(o.owner_id, 0) AS owner_id, {} AS revenue_cents, {sign} * COUNT(*) AS orders \
             FROM orders o WHERE o.status <> 'cancelled' AND ({cond}) GROUP BY 1, 2",
            s("o.total_cents")
        ),
        By::Product => format!(
            "SELECT {period} AS {p}, COALESCE(o.owner_id, 0) AS owner_id, l.product_id AS product_id, \
             {} AS revenue_cents, {} AS quantity_milli, {sign} * COUNT(DISTINCT o.id) AS orders \
             FROM order_lines l JOIN orders o ON o.id = l.order_id \
             WHERE o.status <> 'cancelled' AND l.product_id IS NOT NULL AND ({cond}) GROUP BY 1, 2, 3",
            s("l.line_total_cents"),
            s("l.quantity_milli")
        ),
        By::City => format!(
            "SELECT {period} AS {p}, COALESCE(o.owner_id, 0) AS owner_id, COALESCE(c.city, '') AS city, \
             {} AS revenue_cents, {sign} * COUNT(*) AS orders \
             FROM orders o JOIN customers c ON c.id = o.customer_id \
             WHERE o.status <> 'cancelled' AND ({cond}) GROUP BY 1, 2, 3",
            s("o.total_cents")
        ),
        By::Status => format!(
            "SELECT {period} AS {p}, COALESCE(o.owner_id, 0) AS owner_id, o.status AS status, \
             {} AS revenue_cents, {sign} * COUNT(*) AS orders \
             FROM orders o WHERE o.status <> 'cancelled' AND ({cond}) GROUP BY 1, 2, 3",
            s("o.total_cents")
        ),
    }
}

fn upsert(r: &Rollup, backend: DbBackend, cond: &str, sign: i64) -> String {
    let keys = r.keys();
    let cols: Vec<&str> = keys.iter().copied().chain(r.sums().iter().copied()).collect();
    let cols = cols.join(", ");
    let select = select(r, backend, cond, sign);
    let t = r.table;
    match backend {
        DbBackend::MySql => {
            let set: Vec<String> = r.sums().iter().map(|c| format!("{c} = {t}.{c} + VALUES({c})")).collect();
            format!("INSERT INTO {t} ({cols}) SELECT * FROM ({select}) AS d ON DUPLICATE KEY UPDATE {}", set.join(", "))
        }
        _ => {
            let set: Vec<String> = r.sums().iter().map(|c| format!("{c} = {t}.{c} + excluded.{c}")).collect();
            format!(
                "INSERT INTO {t} ({cols}) {select} ON CONFLICT ({}) DO UPDATE SET {}",
                keys.join(", "),
                set.join(", ")
            )
        }
    }
}

/// Which orders to add to the rollups.
#[derive(Clone, Copy, Debug)]
pub enum Orders<'a> {
    /// These orders.
    Ids(&'a [i64]),
    /// The orders of one customer.
    Customer(i64),
    /// The orders of the customers with ids in this inclusive range.
    Customers(i64, i64),
}

/// Adds the orders (those not cancelled) to every rollup, or takes them back with
/// `sign` = −1: call it before an order is cancelled, and around a change of a
/// customer's city (−1 before, +1 after). The conditions are built from integers only.
///
/// # Errors
/// Database failures.
pub async fn add(db: &impl ConnectionTrait, which: Orders<'_>, sign: i64) -> Result<(), DbErr> {
    let all: Vec<&Rollup> = ROLLUPS.iter().chain([&STATUS]).collect();
    add_to(db, &all, which, sign).await
}

/// Like [`add`] for the rollup by status alone: call it around a change between two
/// statuses that both count (−1 before, +1 after); the other rollups do not see it.
///
/// # Errors
/// Database failures.
pub async fn add_by_status(db: &impl ConnectionTrait, which: Orders<'_>, sign: i64) -> Result<(), DbErr> {
    add_to(db, &[&STATUS], which, sign).await
}

async fn add_to(db: &impl ConnectionTrait, rollups: &[&Rollup], which: Orders<'_>, sign: i64) -> Result<(), DbErr> {
    let backend = db.get_database_backend();
    let conds: Vec<String> = match which {
        Orders::Ids(ids) => ids
            .chunks(500)
            .map(|c| format!("o.id IN ({})", c.iter().map(i64::to_string).collect::<Vec<_>>().join(", ")))
            .collect(),
        Orders::Customer(id) => vec![format!("o.customer_id = {id}")],
        Orders::Customers(lo, hi) => vec![format!("o.customer_id BETWEEN {lo} AND {hi}")],
    };
    for cond in conds {
        for r in rollups {
            db.execute_raw(Statement::from_string(backend, upsert(r, backend, &cond, sign))).await?;
        }
    }
    Ok(())
}

/// Revenue (cents) and order count.
pub type Sums = (i64, i64);

/// One of the figures of [`Facts`]: the rollups' sums by one key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fact {
    Month,
    Owner,
    City,
    Product,
}

impl Fact {
    /// Every figure.
    pub const ALL: [Self; 4] = [Self::Month, Self::Owner, Self::City, Self::Product];

    /// Whether the rows of `r` hold this figure.
    fn of(self, r: &Rollup) -> bool {
        r.by == match self {
            Self::Month | Self::Owner => By::Total,
            Self::City => By::City,
            Self::Product => By::Product,
        }
    }

    /// The column of `r` the figure is summed by. A daily rollup's sums are read by day
    /// and folded into months here: a period has at most two partial months.
    fn key(self, r: &Rollup) -> &'static str {
        match self {
            Self::Month => r.period(),
            Self::Owner => "owner_id",
            Self::City => "city",
            Self::Product => "product_id",
        }
    }
}

/// Sales figures of a period, by month, owner (0: none), city ('': none) and product
/// (revenue cents, quantity milli, orders); those not asked for stay empty.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Facts {
    pub by_month: BTreeMap<String, Sums>,
    pub by_owner: HashMap<i64, Sums>,
    pub by_city: HashMap<String, Sums>,
    pub by_product: HashMap<i64, (i64, i64, i64)>,
}

fn int(r: &QueryResult, col: &str) -> Result<i64, DbErr> {
    // SUM is numeric on PostgreSQL and decimal on MySQL: read what comes.
    if let Ok(v) = r.try_get::<i64>("", col) {
        return Ok(v);
    }
    if let Ok(v) = r.try_get::<rust_decimal::Decimal>("", col) {
        return i64::try_from(v).map_err(|e| DbErr::Type(e.to_string()));
    }
    r.try_get::<i32>("", col).map(i64::from)
}

/// The statement summing `fact` over the rows of `source` (the rollup table `r`, or
/// orders grouped the way `r` groups them) that `cond` selects: one row per key, `k`.
/// The database sums: a year of `sales_monthly_products` is some ten thousand rows at a
/// million customers, and a hundred products.
fn grouped(fact: Fact, r: &Rollup, source: &str, cond: &str) -> String {
    let sums: Vec<String> = r.sums().iter().map(|c| format!("SUM({c}) AS {c}")).collect();
    format!("SELECT {k} AS k, {} FROM {source} WHERE {cond} GROUP BY {k}", sums.join(", "), k = fact.key(r))
}

impl Facts {
    /// Adds the rows of [`grouped`] for `fact` (by day when `daily`).
    fn add_rows(&mut self, fact: Fact, daily: bool, rows: &[QueryResult]) -> Result<(), DbErr> {
        for r in rows {
            let (cents, n) = (int(r, "revenue_cents")?, int(r, "orders")?);
            let add = |s: &mut Sums| (s.0, s.1) = (s.0 + cents, s.1 + n);
            match fact {
                Fact::Month => {
                    let month: String = if daily {
                        r.try_get::<NaiveDate>("", "k")?.format("%Y-%m").to_string()
                    } else {
                        r.try_get("", "k")?
                    };
                    add(self.by_month.entry(month).or_default());
                }
                Fact::Owner => add(self.by_owner.entry(int(r, "k")?).or_default()),
                Fact::City => add(self.by_city.entry(r.try_get("", "k")?).or_default()),
                Fact::Product => {
                    let p = self.by_product.entry(int(r, "k")?).or_default();
                    (p.0, p.1, p.2) = (p.0 + cents, p.1 + int(r, "quantity_milli")?, p.2 + n);
                }
            }
        }
        Ok(())
    }

    /// Drops groups whose orders were all cancelled.
    fn prune(&mut self) {
        self.by_month.retain(|_, v| v.1 > 0);
        self.by_owner.retain(|_, v| v.1 > 0);
        self.by_city.retain(|_, v| v.1 > 0);
        self.by_product.retain(|_, v| v.2 > 0);
    }
}

fn first_of_month(d: NaiveDate) -> NaiveDate {
    use chrono::Datelike;
    d.with_day(1).unwrap_or(d)
}

/// The `wanted` figures of orders dated in `[from, to)`, optionally of one owner: whole
/// months from the monthly rollups, the partial months at either edge from the daily ones.
///
/// # Errors
/// Database failures.
pub async fn facts(
    db: &impl ConnectionTrait,
    from: NaiveDate,
    to: NaiveDate,
    owner: Option<i64>,
    wanted: &[Fact],
) -> Result<Facts, DbErr> {
    let backend = db.get_database_backend();
    let mut f = Facts::default();
    let whole_from = if first_of_month(from) == from {
        from
    } else {
        first_of_month(from).checked_add_months(chrono::Months::new(1)).unwrap_or(to)
    };
    let whole_to = first_of_month(to);
    let owner_cond = owner.map_or(String::new(), |o| format!(" AND owner_id = {o}"));
    let mut reads: Vec<(&Rollup, String)> = Vec::new();
    let days = |a: NaiveDate, b: NaiveDate| format!("day >= '{a}' AND day < '{b}'{owner_cond}");
    if whole_from < whole_to {
        let months = format!("month >= '{}' AND month < '{}'", whole_from.format("%Y-%m"), whole_to.format("%Y-%m"));
        for r in ROLLUPS.iter().filter(|r| !r.daily) {
            reads.push((r, format!("{months}{owner_cond}")));
        }
        for (a, b) in [(from, whole_from), (whole_to, to)] {
            if a < b {
                reads.extend(ROLLUPS.iter().filter(|r| r.daily).map(|r| (r, days(a, b))));
            }
        }
    } else {
        reads.extend(ROLLUPS.iter().filter(|r| r.daily).map(|r| (r, days(from, to))));
    }
    for (r, cond) in reads {
        for &fact in wanted.iter().filter(|w| w.of(r)) {
            let rows = db.query_all_raw(Statement::from_string(backend, grouped(fact, r, r.table, &cond))).await?;
            f.add_rows(fact, r.daily, &rows)?;
        }
    }
    f.prune();
    Ok(f)
}

/// Every figure computed from the orders alone (for tests that check the rollups).
///
/// # Errors
/// Database failures.
pub async fn facts_from_orders(
    db: &impl ConnectionTrait,
    from: NaiveDate,
    to: NaiveDate,
    owner: Option<i64>,
) -> Result<Facts, DbErr> {
    let backend = db.get_database_backend();
    let o = owner.map_or(String::new(), |o| format!(" AND o.owner_id = {o}"));
    let cond = format!("o.order_date >= '{from}' AND o.order_date < '{to}'{o}");
    let mut f = Facts::default();
    for r in ROLLUPS.iter().filter(|r| !r.daily) {
        let source = format!("({}) AS r", select(r, backend, &cond, 1));
        for fact in Fact::ALL.into_iter().filter(|w| w.of(r)) {
            let rows = db.query_all_raw(Statement::from_string(backend, grouped(fact, r, &source, "1 = 1"))).await?;
            f.add_rows(fact, false, &rows)?;
        }
    }
    f.prune();
    Ok(f)
}
