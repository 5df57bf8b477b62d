//! The dashboard: the company at a glance over a period, in one request.
//!
//! The database groups and sums; Rust only shapes the rows.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, Order, Query, SelectStatement};
use sea_orm::{ConnectionTrait, DbBackend};
use serde::Serialize;

use crate::entities::{customer, opportunity, order, order_line, product};
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
}

pub(crate) fn month_of(backend: DbBackend, table: &str, col: &str) -> Expr {
    match backend {
        DbBackend::Postgres => Expr::cust(format!("to_char(\"{table}\".\"{col}\", 'YYYY-MM')")),
        DbBackend::MySql => Expr::cust(format!("DATE_FORMAT(`{table}`.`{col}`, '%Y-%m')")),
        _ => Expr::cust(format!("strftime('%Y-%m', \"{table}\".\"{col}\")")),
    }
}

pub(crate) async fn rows(db: &impl ConnectionTrait, q: &SelectStatement) -> Result<Vec<sea_orm::QueryResult>> {
    Ok(db.query_all_raw(db.get_database_backend().build(q)).await?)
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
    let backend = db.get_database_backend();

    let month = month_of(backend, "orders", "order_date");
    let mut q = Query::select();
    q.expr_as(month.clone(), Alias::new("month"))
        .expr_as(
            crate::repo::sum_i64(Expr::col((order::Entity, order::Column::TotalCents)), backend),
            Alias::new("cents"),
        )
        .expr_as(Func::count(Expr::col((order::Entity, order::Column::Id))), Alias::new("n"))
        .from(order::Entity)
        .and_where(Expr::col((order::Entity, order::Column::Status)).ne("cancelled"))
        .and_where(Expr::col((order::Entity, order::Column::OrderDate)).gte(from))
        .and_where(Expr::col((order::Entity, order::Column::OrderDate)).lt(to))
        .add_group_by([month])
        .order_by(Alias::new("month"), Order::Asc);
    if let Some(o) = owner {
        q.and_where(Expr::col((order::Entity, order::Column::OwnerId)).eq(o));
    }
    let mut revenue_by_month = Vec::new();
    for r in rows(db, &q).await? {
        revenue_by_month.push(MonthRevenue {
            month: r.try_get("", "month")?,
            revenue: from_cents(r.try_get::<Option<i64>>("", "cents")?.unwrap_or(0)),
            orders: r.try_get("", "n")?,
        });
    }

    let month = month_of(backend, "customers", "created_at");
    let mut q = Query::select();
    q.expr_as(month.clone(), Alias::new("month"))
        .expr_as(Func::count(Expr::col((customer::Entity, customer::Column::Id))), Alias::new("n"))
        .from(customer::Entity)
        .and_where(Expr::col((customer::Entity, customer::Column::DeletedAt)).is_null())
        .and_where(Expr::col((customer::Entity, customer::Column::CreatedAt)).gte(from.and_hms_opt(0, 0, 0)))
        .and_where(Expr::col((customer::Entity, customer::Column::CreatedAt)).lt(to.and_hms_opt(0, 0, 0)))
        .add_group_by([month])
        .order_by(Alias::new("month"), Order::Asc);
    if let Some(o) = owner {
        q.and_where(Expr::col((customer::Entity, customer::Column::OwnerId)).eq(o));
    }
    let mut new_customers_by_month = Vec::new();
    for r in rows(db, &q).await? {
        new_customers_by_month.push(MonthCount { month: r.try_get("", "month")?, count: r.try_get("", "n")? });
    }

    let mut q = Query::select();
    q.column((opportunity::Entity, opportunity::Column::Stage))
        .expr_as(Func::count(Expr::col((opportunity::Entity, opportunity::Column::Id))), Alias::new("n"))
        .from(opportunity::Entity)
        .and_where(Expr::col((opportunity::Entity, opportunity::Column::DeletedAt)).is_null())
        .and_where(Expr::col((opportunity::Entity, opportunity::Column::Stage)).is_in(["won", "lost"]))
        .and_where(Expr::col((opportunity::Entity, opportunity::Column::ClosedAt)).gte(from.and_hms_opt(0, 0, 0)))
        .and_where(Expr::col((opportunity::Entity, opportunity::Column::ClosedAt)).lt(to.and_hms_opt(0, 0, 0)))
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
    let win_rate = WinRate { won, lost, rate: (won + lost > 0).then(|| won as f64 / (won + lost) as f64) };

    let mut q = Query::select();
    q.column((order_line::Entity, order_line::Column::ProductId))
        .column((product::Entity, product::Column::Name))
        .expr_as(
            crate::repo::sum_i64(Expr::col((order_line::Entity, order_line::Column::LineTotalCents)), backend),
            Alias::new("cents"),
        )
        .expr_as(
            crate::repo::sum_i64(Expr::col((order_line::Entity, order_line::Column::QuantityMilli)), backend),
            Alias::new("milli"),
        )
        .from(order_line::Entity)
        .inner_join(
            order::Entity,
            Expr::col((order::Entity, order::Column::Id)).equals((order_line::Entity, order_line::Column::OrderId)),
        )
        .inner_join(
            product::Entity,
            Expr::col((product::Entity, product::Column::Id))
                .equals((order_line::Entity, order_line::Column::ProductId)),
        )
        .and_where(Expr::col((order::Entity, order::Column::Status)).ne("cancelled"))
        .and_where(Expr::col((order::Entity, order::Column::OrderDate)).gte(from))
        .and_where(Expr::col((order::Entity, order::Column::OrderDate)).lt(to))
        .add_group_by([
            Expr::col((order_line::Entity, order_line::Column::ProductId)),
            Expr::col((product::Entity, product::Column::Name)),
        ])
        .order_by(Alias::new("cents"), Order::Desc)
        .limit(5);
    if let Some(o) = owner {
        q.and_where(Expr::col((order::Entity, order::Column::OwnerId)).eq(o));
    }
    let mut top_products = Vec::new();
    for r in rows(db, &q).await? {
        top_products.push(TopProduct {
            product_id: r.try_get("", "product_id")?,
            name: r.try_get("", "name")?,
            revenue: from_cents(r.try_get::<Option<i64>>("", "cents")?.unwrap_or(0)),
            quantity: crate::money::from_milli(r.try_get::<Option<i64>>("", "milli")?.unwrap_or(0)),
        });
    }

    let pipeline = match actor.require(Action::OpportunitiesRead) {
        Ok(_) => opportunities::pipeline(db, actor, &Default::default()).await?,
        Err(_) => Vec::new(),
    };
    let service = match actor.require(Action::ServiceRead) {
        Ok(_) => {
            let s = service_requests::stats(
                db,
                actor,
                Some(from.and_hms_opt(0, 0, 0).unwrap_or_default()),
                Some(to.and_hms_opt(0, 0, 0).unwrap_or_default()),
            )
            .await?;
            Some(ServiceGlance {
                open: s.total.open,
                overdue: s.total.overdue,
                avg_resolution_seconds: s.total.avg_resolution_secs,
                csat_average: s.total.csat_avg,
            })
        }
        Err(_) => None,
    };
    Ok(Dashboard { from, to, revenue_by_month, new_customers_by_month, pipeline, win_rate, top_products, service })
}
