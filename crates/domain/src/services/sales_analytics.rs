//! Sales analysis over a period: revenue, order count and average order value by month,
//! product, owner and city; win rate and average sales cycle from opportunities.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, Order, Query, SelectStatement};
use serde::Serialize;

use super::dashboard::{month_of, rows};
use crate::entities::{customer, opportunity, order, order_line, product};
use crate::error::{DomainError, Result};
use crate::money::from_cents;
use crate::{Action, Actor};

/// Longest breakdown list (by product, owner, city), biggest first.
pub const TOP: u64 = 50;

/// Figures of one group.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Group {
    /// The month (`YYYY-MM`), product name, owner id or city; `None` for orders without one.
    pub key: Option<String>,
    pub revenue: Decimal,
    pub orders: i64,
    /// Revenue / orders, rounded half-even to cents.
    pub average_order_value: Decimal,
}

/// The sales analysis.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SalesAnalysis {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub total: Group,
    pub by_month: Vec<Group>,
    pub by_product: Vec<Group>,
    pub by_owner: Vec<Group>,
    pub by_city: Vec<Group>,
    /// Won / (won + lost) among opportunities closed in the period.
    pub win_rate: Option<f64>,
    /// Mean days from creation to winning, for opportunities won in the period.
    pub average_sales_cycle_days: Option<f64>,
}

fn group(key: Option<String>, cents: i64, orders: i64) -> Group {
    let revenue = from_cents(cents);
    let aov = if orders > 0 { crate::rules::pricing::round(revenue / Decimal::from(orders)) } else { Decimal::ZERO };
    Group { key, revenue, orders, average_order_value: aov }
}

async fn grouped(db: &impl ConnectionTrait, q: &SelectStatement) -> Result<Vec<Group>> {
    let mut out = Vec::new();
    for r in rows(db, q).await? {
        let key: Option<String> = match r.try_get::<Option<String>>("", "k") {
            Ok(k) => k,
            Err(_) => r.try_get::<Option<i64>>("", "k")?.map(|v| v.to_string()),
        };
        out.push(group(key, r.try_get::<Option<i64>>("", "cents")?.unwrap_or(0), r.try_get("", "n")?));
    }
    Ok(out)
}

/// The analysis of `[from, to)`; sales users see their own orders and opportunities.
///
/// # Errors
/// `Forbidden`, `Invalid` period, database failures.
pub async fn analyse(
    db: &impl ConnectionTrait,
    actor: &Actor,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<SalesAnalysis> {
    let scope = actor.require(Action::AnalyticsRead)?;
    if from >= to {
        return Err(DomainError::invalid("from", "must be before to"));
    }
    let owner = actor.owner_filter(scope);
    let backend = db.get_database_backend();
    // Orders in the period, counted once each (lines are summed in their own query).
    let base = |key: Expr| {
        let mut q = Query::select();
        q.expr_as(key.clone(), Alias::new("k"))
            .expr_as(
                crate::repo::sum_i64(Expr::col((order::Entity, order::Column::TotalCents)), backend),
                Alias::new("cents"),
            )
            .expr_as(Func::count(Expr::col((order::Entity, order::Column::Id))), Alias::new("n"))
            .from(order::Entity)
            .and_where(Expr::col((order::Entity, order::Column::Status)).ne("cancelled"))
            .and_where(Expr::col((order::Entity, order::Column::OrderDate)).gte(from))
            .and_where(Expr::col((order::Entity, order::Column::OrderDate)).lt(to))
            .add_group_by([key])
            .order_by(Alias::new("cents"), Order::Desc)
            .limit(TOP);
        if let Some(o) = owner {
            q.and_where(Expr::col((order::Entity, order::Column::OwnerId)).eq(o));
        }
        q
    };
    let mut q = base(Expr::val(1));
    q.clear_group_by();
    let total = grouped(db, &q).await?.pop().map(|g| Group { key: None, ..g }).unwrap_or_else(|| group(None, 0, 0));
    let mut q = base(month_of(backend, "orders", "order_date"));
    q.clear_order_by().order_by(Alias::new("k"), Order::Asc).reset_limit();
    let by_month = grouped(db, &q).await?;
    let by_owner = grouped(db, &base(Expr::col((order::Entity, order::Column::OwnerId)))).await?;
    let mut q = base(Expr::col((customer::Entity, customer::Column::City)));
    q.inner_join(
        customer::Entity,
        Expr::col((customer::Entity, customer::Column::Id)).equals((order::Entity, order::Column::CustomerId)),
    );
    let by_city = grouped(db, &q).await?;

    let mut q = Query::select();
    q.expr_as(Expr::col((product::Entity, product::Column::Name)), Alias::new("k"))
        .expr_as(
            crate::repo::sum_i64(Expr::col((order_line::Entity, order_line::Column::LineTotalCents)), backend),
            Alias::new("cents"),
        )
        .expr_as(Func::count_distinct(Expr::col((order::Entity, order::Column::Id))), Alias::new("n"))
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
        .add_group_by([Expr::col((product::Entity, product::Column::Name))])
        .order_by(Alias::new("cents"), Order::Desc)
        .limit(TOP);
    if let Some(o) = owner {
        q.and_where(Expr::col((order::Entity, order::Column::OwnerId)).eq(o));
    }
    let by_product = grouped(db, &q).await?;

    let mut q = Query::select();
    q.columns([
        (opportunity::Entity, opportunity::Column::Stage),
        (opportunity::Entity, opportunity::Column::CreatedAt),
        (opportunity::Entity, opportunity::Column::ClosedAt),
    ])
    .from(opportunity::Entity)
    .and_where(Expr::col((opportunity::Entity, opportunity::Column::DeletedAt)).is_null())
    .and_where(Expr::col((opportunity::Entity, opportunity::Column::Stage)).is_in(["won", "lost"]))
    .and_where(Expr::col((opportunity::Entity, opportunity::Column::ClosedAt)).gte(from.and_hms_opt(0, 0, 0)))
    .and_where(Expr::col((opportunity::Entity, opportunity::Column::ClosedAt)).lt(to.and_hms_opt(0, 0, 0)));
    if let Some(o) = owner {
        q.and_where(Expr::col((opportunity::Entity, opportunity::Column::OwnerId)).eq(o));
    }
    let (mut won, mut lost, mut cycle_days) = (0i64, 0i64, 0f64);
    for r in rows(db, &q).await? {
        let stage: String = r.try_get("", "stage")?;
        if stage == "won" {
            won += 1;
            let created: chrono::NaiveDateTime = r.try_get("", "created_at")?;
            let closed: Option<chrono::NaiveDateTime> = r.try_get("", "closed_at")?;
            cycle_days += closed.map_or(0.0, |c| (c - created).num_seconds() as f64 / 86_400.0);
        } else {
            lost += 1;
        }
    }
    Ok(SalesAnalysis {
        from,
        to,
        total,
        by_month,
        by_product,
        by_owner,
        by_city,
        win_rate: (won + lost > 0).then(|| won as f64 / (won + lost) as f64),
        average_sales_cycle_days: (won > 0).then(|| cycle_days / won as f64),
    })
}
