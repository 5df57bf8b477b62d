//! A campaign's effectiveness: rates, goal progress, daily counts and comparisons.

use chrono::NaiveDate;
use rapport_domain::services::campaigns::stats;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Rates as decimal strings with four places (absent when their base is zero).
#[derive(Debug, Serialize, ToSchema)]
pub struct Rates {
    #[schema(value_type = Option<String>)]
    pub delivery: Option<Decimal>,
    #[schema(value_type = Option<String>)]
    pub open: Option<Decimal>,
    #[schema(value_type = Option<String>)]
    pub click: Option<Decimal>,
    #[schema(value_type = Option<String>)]
    pub conversion: Option<Decimal>,
}

/// Progress toward the campaign's goal.
#[derive(Debug, Serialize, ToSchema)]
pub struct GoalProgress {
    pub metric: String,
    #[schema(value_type = String)]
    pub target: Decimal,
    #[schema(value_type = String)]
    pub actual: Decimal,
    /// actual / target.
    #[schema(value_type = String, example = "0.4150")]
    pub progress: Decimal,
}

/// A campaign's effectiveness. Conversions are orders (not cancelled) placed within the
/// attribution window after a message was sent, last touch.
#[derive(Debug, Serialize, ToSchema)]
pub struct CampaignStats {
    pub campaign_id: i64,
    pub name: String,
    pub channel: String,
    pub status: String,
    pub targeted: i64,
    pub skipped: i64,
    pub skipped_opt_out: i64,
    pub skipped_no_address: i64,
    pub queued: i64,
    pub sent: i64,
    pub failed: i64,
    pub cancelled: i64,
    pub opened: i64,
    pub clicked: i64,
    /// Customers with an attributed order.
    pub converted: i64,
    /// Attributed orders.
    pub orders: i64,
    #[schema(value_type = String, example = "18250.00")]
    pub revenue: Decimal,
    #[schema(value_type = String, example = "1200.00")]
    pub cost: Decimal,
    #[schema(value_type = Option<String>)]
    pub budget: Option<Decimal>,
    /// (revenue − cost) / cost; absent while the cost is zero.
    #[schema(value_type = Option<String>, example = "14.2083")]
    pub roi: Option<Decimal>,
    pub rates: Rates,
    pub goal: Option<GoalProgress>,
    /// Opens, clicks and conversions by day (single-campaign reads only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by_day: Option<Vec<DayCounts>>,
}

/// One day's activity.
#[derive(Debug, Serialize, ToSchema)]
pub struct DayCounts {
    pub date: NaiveDate,
    pub opened: i64,
    pub clicked: i64,
    pub converted: i64,
    #[schema(value_type = String)]
    pub revenue: Decimal,
}

impl From<stats::CampaignStats> for CampaignStats {
    fn from(s: stats::CampaignStats) -> Self {
        let two = |d: Decimal| d.round_dp(2);
        Self {
            campaign_id: s.campaign_id,
            name: s.name,
            channel: s.channel,
            status: s.status,
            targeted: s.targeted,
            skipped: s.skipped,
            skipped_opt_out: s.skipped_opt_out,
            skipped_no_address: s.skipped_no_address,
            queued: s.queued,
            sent: s.sent,
            failed: s.failed,
            cancelled: s.cancelled,
            opened: s.opened,
            clicked: s.clicked,
            converted: s.converted,
            orders: s.orders,
            revenue: two(s.revenue),
            cost: two(s.cost),
            budget: s.budget.map(two),
            roi: s.roi,
            rates: Rates {
                delivery: s.rates.delivery,
                open: s.rates.open,
                click: s.rates.click,
                conversion: s.rates.conversion,
            },
            goal: s.goal.map(|g| GoalProgress {
                metric: g.metric,
                target: g.target.normalize(),
                actual: g.actual.normalize(),
                progress: g.progress,
            }),
            by_day: None,
        }
    }
}

impl From<stats::DayCounts> for DayCounts {
    fn from(d: stats::DayCounts) -> Self {
        Self {
            date: d.date,
            opened: d.opened,
            clicked: d.clicked,
            converted: d.converted,
            revenue: d.revenue.round_dp(2),
        }
    }
}

/// Campaigns to compare.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CompareQuery {
    /// Comma-separated campaign ids (1–20).
    #[param(example = "1,2,3")]
    pub ids: String,
}
