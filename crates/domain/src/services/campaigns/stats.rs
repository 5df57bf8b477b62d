//! Campaign effectiveness: delivery counts, opens, clicks, and orders attributed to the
//! campaign, with revenue, cost and ROI in Decimal.
//!
//! Attribution (last touch): an order that is not cancelled belongs to a campaign when
//! the customer was sent one of its messages at or before the order was placed and the
//! order falls inside that message's attribution window; when several campaigns'
//! windows hold the order, the message sent last wins (ties: the later message id).

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Statement};
use serde::Serialize;

use super::find_live;
use crate::entities::{campaign, campaign_message as msg};
use crate::error::{DomainError, Result};
use crate::money::from_cents;
use crate::{Action, Actor};

/// Progress toward a campaign's goal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GoalProgress {
    pub metric: String,
    pub target: Decimal,
    pub actual: Decimal,
    /// actual / target (1 = reached), four places.
    pub progress: Decimal,
}

/// Rates as fractions with four places (`None` when the base is zero).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Rates {
    /// sent / (sent + failed)
    pub delivery: Option<Decimal>,
    /// opened / sent
    pub open: Option<Decimal>,
    /// clicked / sent
    pub click: Option<Decimal>,
    /// converted / sent
    pub conversion: Option<Decimal>,
}

/// One campaign's numbers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CampaignStats {
    pub campaign_id: i64,
    pub name: String,
    pub channel: String,
    pub status: String,
    /// Customers in the segment at launch.
    pub targeted: i64,
    /// Skipped at launch: opted out or without an address on the channel.
    pub skipped: i64,
    pub skipped_opt_out: i64,
    pub skipped_no_address: i64,
    pub queued: i64,
    pub sent: i64,
    pub failed: i64,
    /// Not sent: the campaign was cancelled or ended, or the customer opted out meanwhile.
    pub cancelled: i64,
    pub opened: i64,
    pub clicked: i64,
    /// Customers with at least one attributed order.
    pub converted: i64,
    /// Attributed orders.
    pub orders: i64,
    /// Sum of attributed orders' totals.
    pub revenue: Decimal,
    pub cost: Decimal,
    pub budget: Option<Decimal>,
    /// (revenue − cost) / cost, four places; `None` while the cost is zero.
    pub roi: Option<Decimal>,
    pub rates: Rates,
    pub goal: Option<GoalProgress>,
}

/// Opens, clicks and conversions on one day.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DayCounts {
    pub date: NaiveDate,
    pub opened: i64,
    pub clicked: i64,
    pub converted: i64,
    pub revenue: Decimal,
}

struct Attributed {
    customer_id: i64,
    at: NaiveDateTime,
    total_cents: i64,
}

async fn attributed(db: &impl ConnectionTrait, campaign_id: i64) -> Result<Vec<Attributed>> {
    // Only integers are spliced in; the statement is the same on all three databases.
    let sql = format!(
        "SELECT o.id AS order_id, o.customer_id AS customer_id, o.created_at AS created_at, o.total_cents AS total_cents \
         FROM campaign_messages m JOIN orders o ON o.customer_id = m.customer_id \
         WHERE m.campaign_id = {campaign_id} AND m.is_test = FALSE AND m.status = 'sent' \
           AND o.status <> 'cancelled' AND o.created_at >= m.sent_at AND o.created_at < m.attribute_until \
           AND NOT EXISTS (SELECT 1 FROM campaign_messages m2 \
               WHERE m2.customer_id = m.customer_id AND m2.id <> m.id AND m2.is_test = FALSE AND m2.status = 'sent' \
                 AND (m2.sent_at > m.sent_at OR (m2.sent_at = m.sent_at AND m2.id > m.id)) \
                 AND m2.sent_at <= o.created_at AND m2.attribute_until > o.created_at)"
    );
    let rows = db.query_all_raw(Statement::from_string(db.get_database_backend(), sql)).await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        out.push(Attributed {
            customer_id: r.try_get("", "customer_id")?,
            at: r.try_get("", "created_at")?,
            total_cents: r.try_get("", "total_cents")?,
        });
    }
    Ok(out)
}

fn ratio(a: i64, b: i64) -> Option<Decimal> {
    (b > 0).then(|| (Decimal::from(a) / Decimal::from(b)).round_dp(4))
}

async fn compute(db: &impl ConnectionTrait, c: campaign::Model) -> Result<(CampaignStats, Vec<Attributed>)> {
    let by_status: Vec<(String, i64)> = msg::Entity::find()
        .select_only()
        .column(msg::Column::Status)
        .column_as(msg::Column::Id.count(), "n")
        .filter(msg::Column::CampaignId.eq(c.id))
        .filter(msg::Column::IsTest.eq(false))
        .group_by(msg::Column::Status)
        .into_tuple()
        .all(db)
        .await?;
    let n = |s: &str| by_status.iter().find(|(k, _)| k == s).map_or(0, |(_, v)| *v);
    let tracked = |col: msg::Column| {
        msg::Entity::find()
            .filter(msg::Column::CampaignId.eq(c.id))
            .filter(msg::Column::IsTest.eq(false))
            .filter(col.is_not_null())
    };
    use sea_orm::PaginatorTrait;
    let opened = i64::try_from(tracked(msg::Column::OpenedAt).count(db).await?).unwrap_or(i64::MAX);
    let clicked = i64::try_from(tracked(msg::Column::ClickedAt).count(db).await?).unwrap_or(i64::MAX);
    let orders = attributed(db, c.id).await?;
    let converted = i64::try_from(orders.iter().map(|o| o.customer_id).collect::<HashSet<_>>().len()).unwrap_or(0);
    let revenue_cents: i64 = orders.iter().map(|o| o.total_cents).sum();
    let revenue = from_cents(revenue_cents);
    let cost = from_cents(c.cost_cents);
    let roi = (c.cost_cents > 0).then(|| ((revenue - cost) / cost).round_dp(4));
    let sent = n("sent");
    let order_count = i64::try_from(orders.len()).unwrap_or(i64::MAX);
    let goal = match (c.goal_metric.as_deref(), c.goal_target_cents) {
        (Some(metric), Some(target)) if target > 0 => {
            let actual = match metric {
                "revenue" => revenue,
                "orders" => Decimal::from(order_count),
                "converted" => Decimal::from(converted),
                "clicked" => Decimal::from(clicked),
                _ => Decimal::from(opened),
            };
            let target = from_cents(target);
            Some(GoalProgress { metric: metric.to_owned(), target, actual, progress: (actual / target).round_dp(4) })
        }
        _ => None,
    };
    let stats = CampaignStats {
        campaign_id: c.id,
        name: c.name,
        channel: c.channel,
        status: c.status,
        targeted: c.targeted,
        skipped: c.skipped_opt_out + c.skipped_no_address,
        skipped_opt_out: c.skipped_opt_out,
        skipped_no_address: c.skipped_no_address,
        queued: n("queued") + n("sending"),
        sent,
        failed: n("failed"),
        cancelled: n("cancelled"),
        opened,
        clicked,
        converted,
        orders: order_count,
        revenue,
        cost,
        budget: c.budget_cents.map(from_cents),
        roi,
        rates: Rates {
            delivery: ratio(sent, sent + n("failed")),
            open: ratio(opened, sent),
            click: ratio(clicked, sent),
            conversion: ratio(converted, sent),
        },
        goal,
    };
    Ok((stats, orders))
}

fn day(days: &mut BTreeMap<NaiveDate, DayCounts>, d: NaiveDate) -> &mut DayCounts {
    days.entry(d).or_insert_with(|| DayCounts { date: d, ..Default::default() })
}

/// A campaign's statistics and its opens, clicks and conversions by day (UTC).
///
/// # Errors
/// `Forbidden`, `NotFound`, database failures.
pub async fn stats(db: &impl ConnectionTrait, actor: &Actor, id: i64) -> Result<(CampaignStats, Vec<DayCounts>)> {
    actor.require(Action::MarketingRead)?;
    let c = find_live(db, id).await?;
    let (stats, orders) = compute(db, c).await?;
    let times: Vec<(Option<NaiveDateTime>, Option<NaiveDateTime>)> = msg::Entity::find()
        .select_only()
        .column(msg::Column::OpenedAt)
        .column(msg::Column::ClickedAt)
        .filter(msg::Column::CampaignId.eq(id))
        .filter(msg::Column::IsTest.eq(false))
        .filter(msg::Column::OpenedAt.is_not_null())
        .into_tuple()
        .all(db)
        .await?;
    let mut days: BTreeMap<NaiveDate, DayCounts> = BTreeMap::new();
    for (o, c) in times {
        if let Some(o) = o {
            day(&mut days, o.date()).opened += 1;
        }
        if let Some(c) = c {
            day(&mut days, c.date()).clicked += 1;
        }
    }
    let mut first: HashMap<i64, NaiveDateTime> = HashMap::new();
    for o in &orders {
        first.entry(o.customer_id).and_modify(|t| *t = (*t).min(o.at)).or_insert(o.at);
        day(&mut days, o.at.date()).revenue += from_cents(o.total_cents);
    }
    for t in first.values() {
        day(&mut days, t.date()).converted += 1;
    }
    Ok((stats, days.into_values().collect()))
}

/// Several campaigns side by side (at most 20).
///
/// # Errors
/// `Invalid` list, `NotFound`, `Forbidden`, database failures.
pub async fn compare(db: &impl ConnectionTrait, actor: &Actor, ids: &[i64]) -> Result<Vec<CampaignStats>> {
    actor.require(Action::MarketingRead)?;
    if ids.is_empty() || ids.len() > 20 {
        return Err(DomainError::invalid("ids", "give 1 to 20 campaign ids"));
    }
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        out.push(compute(db, find_live(db, *id).await?).await?.0);
    }
    Ok(out)
}

/// The newest `limit` campaigns launched in `[from, to)`, with their statistics (the
/// dashboard's campaign ROI).
///
/// # Errors
/// Database failures.
pub async fn launched_between(
    db: &impl ConnectionTrait,
    from: NaiveDateTime,
    to: NaiveDateTime,
    limit: u64,
) -> Result<Vec<CampaignStats>> {
    use sea_orm::QueryOrder;
    let rows = campaign::Entity::find()
        .filter(campaign::Column::DeletedAt.is_null())
        .filter(campaign::Column::LaunchedAt.gte(from))
        .filter(campaign::Column::LaunchedAt.lt(to))
        .order_by_desc(campaign::Column::LaunchedAt)
        .limit(limit)
        .all(db)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for c in rows {
        out.push(compute(db, c).await?.0);
    }
    Ok(out)
}
