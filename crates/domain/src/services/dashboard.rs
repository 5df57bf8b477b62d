//! The dashboard: the company at a glance over a period, in one request.
//!
//! Order figures come from the monthly rollups (`repo::sales_rollups`); the database
//! groups and sums the rest, Rust only shapes the rows.

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement};
use serde::Serialize;

use crate::entities::{opportunity, product};
use crate::error::{DomainError, Result};
use crate::money::from_cents;
use crate::services::opportunities::{self, PipelineStage};
use crate::services::service_requests;
use crate::{Action, Actor};

/// Revenue of one month.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MonthRevenue {
    /// `YYYY-MM`.
    pub month: String,
    pub revenue: Decimal,
    pub orders: i64,
}

/// New customers of one month.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MonthCount {
    pub month: String,
    pub count: i64,
}

/// A best-selling product.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TopProduct {
    pub product_id: i64,
    pub name: String,
    pub revenue: Decimal,
    pub quantity: Decimal,
}

/// Won against lost among opportunities closed in the period.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WinRate {
    pub won: i64,
    pub lost: i64,
    /// won / (won + lost); `None` when none closed.
    pub rate: Option<f64>,
}

/// Service at a glance.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ServiceGlance {
    pub open: u64,
    pub overdue: u64,
    pub avg_resolution_seconds: Option<f64>,
    pub csat_average: Option<f64>,
}

/// The dashboard.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Dashboard {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub revenue_by_month: Vec<MonthRevenue>,
    pub new_customers_by_month: Vec<MonthCount>,
    pub pipeline: Vec<PipelineStage>,
    pub win_rate: WinRate,
    pub top_products: Vec<TopProduct>,
    /// `None` for roles that do not read service requests.
    pub service: Option<ServiceGlance>,
    /// Campaigns launched in the period (newest ten) with cost, attributed revenue and
    /// ROI; `None` for roles that do not read marketing.
    pub campaigns: Option<Vec<crate::services::campaigns::stats::CampaignStats>>,
}

/// New customers of each month of `[from, to)` (months without any left out), from the
/// daily counts the database keeps (`repo::daily_counts`): a row per day of the period
/// instead of a count over the customers created in it.
async fn new_customers_by_month(
    db: &impl ConnectionTrait,
    from: NaiveDate,
    to: NaiveDate,
    owner: Option<i64>,
) -> Result<Vec<MonthCount>> {
    let mut out: Vec<MonthCount> = Vec::new();
    for (day, n) in crate::repo::daily_counts::new_customers(db, from, to, owner).await? {
        let month = day.format("%Y-%m").to_string();
        match out.last_mut() {
            Some(last) if last.month == month => last.count += n,
            _ => out.push(MonthCount { month, count: n }),
        }
    }
    out.retain(|m| m.count > 0);
    Ok(out)
}

pub(crate) async fn rows(db: &impl ConnectionTrait, q: &SelectStatement) -> Result<Vec<sea_orm::QueryResult>> {
    Ok(db.query_all_raw(db.get_database_backend().build(q)).await?)
}

/// The names of these products (those that still exist).
pub(crate) async fn product_names(
    db: &impl ConnectionTrait,
    ids: impl Iterator<Item = i64>,
) -> Result<std::collections::HashMap<i64, String>> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
    let ids: Vec<i64> = ids.collect();
    let mut out = std::collections::HashMap::new();
    for chunk in ids.chunks(500) {
        let rows: Vec<(i64, String)> = product::Entity::find()
            .select_only()
            .columns([product::Column::Id, product::Column::Name])
            .filter(product::Column::Id.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(db)
            .await?;
        out.extend(rows);
    }
    Ok(out)
}

/// Revenue by month and the five best-selling products (that still exist), from the
/// monthly rollups.
async fn sales(
    db: &impl ConnectionTrait,
    from: NaiveDate,
    to: NaiveDate,
    owner: Option<i64>,
) -> Result<(Vec<MonthRevenue>, Vec<TopProduct>)> {
    use crate::repo::sales_rollups::{Fact, facts};
    let facts = facts(db, from, to, owner, &[Fact::Month, Fact::Product]).await?;
    let revenue_by_month = facts
        .by_month
        .iter()
        .map(|(month, (cents, n))| MonthRevenue { month: month.clone(), revenue: from_cents(*cents), orders: *n })
        .collect();
    let names = product_names(db, facts.by_product.keys().copied()).await?;
    let mut products: Vec<(i64, &(i64, i64, i64))> =
        facts.by_product.iter().filter(|(id, _)| names.contains_key(id)).map(|(id, v)| (*id, v)).collect();
    products.sort_by_key(|(id, v)| (std::cmp::Reverse(v.0), *id));
    let top_products = products
        .into_iter()
        .take(5)
        .map(|(id, (cents, milli, _))| TopProduct {
            product_id: id,
            name: names.get(&id).cloned().unwrap_or_default(),
            revenue: from_cents(*cents),
            quantity: crate::money::from_milli(*milli),
        })
        .collect();
    Ok((revenue_by_month, top_products))
}

/// Won against lost among the opportunities closed in `[from, to)`.
async fn win_rate(
    db: &impl ConnectionTrait,
    from: NaiveDateTime,
    to: NaiveDateTime,
    owner: Option<i64>,
) -> Result<WinRate> {
    let mut q = Query::select();
    q.column((opportunity::Entity, opportunity::Column::Stage))
        .expr_as(Expr::cust("COUNT(*)"), Alias::new("n"))
        .from(opportunity::Entity)
        .and_where(Expr::col((opportunity::Entity, opportunity::Column::DeletedAt)).is_null())
        .and_where(Expr::col((opportunity::Entity, opportunity::Column::Stage)).is_in(["won", "lost"]))
        .and_where(Expr::col((opportunity::Entity, opportunity::Column::ClosedAt)).gte(from))
        .and_where(Expr::col((opportunity::Entity, opportunity::Column::ClosedAt)).lt(to))
        .add_group_by([Expr::col((opportunity::Entity, opportunity::Column::Stage))]);
    if let Some(o) = owner {
        q.and_where(Expr::col((opportunity::Entity, opportunity::Column::OwnerId)).eq(o));
    }
    let (mut won, mut lost) = (0, 0);
    for r in rows(db, &q).await? {
        let stage: String = r.try_get("", "stage")?;
        let n: i64 = r.try_get("", "n")?;
        if stage == "won" { won = n } else { lost = n }
    }
    Ok(WinRate { won, lost, rate: (won + lost > 0).then(|| won as f64 / (won + lost) as f64) })
}

/// The default period: the last twelve months including the current one.
pub fn default_period(today: NaiveDate) -> (NaiveDate, NaiveDate) {
    let start = NaiveDate::from_ymd_opt(today.year() - 1, today.month(), 1).unwrap_or(today);
    let start = start.checked_add_months(chrono::Months::new(1)).unwrap_or(start);
    (start, today + chrono::Duration::days(1))
}

/// The dashboard for `[from, to)`. Sales users see their own orders, customers and pipeline.
///
/// # Errors
/// `Forbidden`, `Invalid` period, database failures.
pub async fn dashboard(db: &impl ConnectionTrait, actor: &Actor, from: NaiveDate, to: NaiveDate) -> Result<Dashboard> {
    let scope = actor.require(Action::AnalyticsRead)?;
    if from >= to {
        return Err(DomainError::invalid("from", "must be before to"));
    }
    if (to - from).num_days() > 3660 {
        return Err(DomainError::invalid("from", "the period may span at most ten years"));
    }
    let owner = actor.owner_filter(scope);
    let (from_t, to_t) = (from.and_hms_opt(0, 0, 0).unwrap_or_default(), to.and_hms_opt(0, 0, 0).unwrap_or_default());
    // The parts are independent reads: on a pool they run at once, each on its own
    // connection.
    let ((revenue_by_month, top_products), new_customers_by_month, win_rate, pipeline, service, campaigns) = tokio::try_join!(
        sales(db, from, to, owner),
        new_customers_by_month(db, from, to, owner),
        win_rate(db, from_t, to_t, owner),
        async {
            match actor.require(Action::OpportunitiesRead) {
                Ok(_) => opportunities::pipeline(db, actor, &Default::default()).await,
                Err(_) => Ok(Vec::new()),
            }
        },
        async {
            if actor.require(Action::ServiceRead).is_err() {
                return Ok(None);
            }
            let g = service_requests::stats::glance(db, actor, from_t, to_t).await?;
            Ok(Some(ServiceGlance {
                open: g.open,
                overdue: g.overdue,
                avg_resolution_seconds: g.avg_resolution_secs,
                csat_average: g.csat_avg,
            }))
        },
        async {
            if actor.require(Action::MarketingRead).is_err() {
                return Ok(None);
            }
            crate::services::campaigns::stats::launched_between(db, from_t, to_t, 10).await.map(Some)
        },
    )?;
    Ok(Dashboard {
        from,
        to,
        revenue_by_month,
        new_customers_by_month,
        pipeline,
        win_rate,
        top_products,
        service,
        campaigns,
    })
}
