//! Sales analysis over a period: revenue, order count and average order value by month,
//! product, owner and city (from the monthly rollups, `repo::sales_rollups`); win rate
//! and average sales cycle from opportunities.

use std::collections::HashMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use serde::Serialize;

use super::dashboard::{product_names, rows};
use crate::entities::opportunity;
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

/// The [`TOP`] groups by revenue (ties by key).
fn top(groups: impl Iterator<Item = (Option<String>, (i64, i64))>) -> Vec<Group> {
    let mut v: Vec<(Option<String>, (i64, i64))> = groups.collect();
    v.sort_by(|a, b| b.1.0.cmp(&a.1.0).then_with(|| a.0.cmp(&b.0)));
    v.into_iter().take(usize::try_from(TOP).unwrap_or(usize::MAX)).map(|(k, (c, n))| group(k, c, n)).collect()
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
    use crate::repo::sales_rollups::{Fact, facts};
    let facts = facts(db, from, to, owner, &Fact::ALL).await?;
    let (cents, n) = facts.by_month.values().fold((0, 0), |a, v| (a.0 + v.0, a.1 + v.1));
    let total = group(None, cents, n);
    let by_month = facts.by_month.iter().map(|(m, v)| group(Some(m.clone()), v.0, v.1)).collect();
    let by_owner = top(facts.by_owner.iter().map(|(o, v)| ((*o != 0).then(|| o.to_string()), *v)));
    let by_city = top(facts.by_city.iter().map(|(c, v)| ((!c.is_empty()).then(|| c.clone()), *v)));
    let names = product_names(db, facts.by_product.keys().copied()).await?;
    let mut per_name: HashMap<&str, (i64, i64)> = HashMap::new();
    for (id, (cents, _, n)) in &facts.by_product {
        if let Some(name) = names.get(id) {
            let e = per_name.entry(name.as_str()).or_default();
            (e.0, e.1) = (e.0 + cents, e.1 + n);
        }
    }
    let by_product = top(per_name.into_iter().map(|(k, v)| (Some(k.to_owned()), v)));

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
