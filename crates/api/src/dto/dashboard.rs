//! Dashboard bodies.

use chrono::NaiveDate;
use rapport_domain::services::dashboard as svc;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::opportunities::PipelineStage;

/// The period of the dashboard.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DashboardQuery {
    /// First day (default: the first day of the month eleven months ago).
    pub from: Option<NaiveDate>,
    /// Day after the last (default: tomorrow).
    pub to: Option<NaiveDate>,
}

/// Revenue of one month (orders not cancelled, by order date).
#[derive(Debug, Serialize, ToSchema)]
pub struct MonthRevenue {
    /// `YYYY-MM`.
    pub month: String,
    #[schema(value_type = String, example = "125000.00")]
    pub revenue: Decimal,
    pub orders: i64,
}

/// New customers of one month.
#[derive(Debug, Serialize, ToSchema)]
pub struct MonthCount {
    pub month: String,
    pub count: i64,
}

/// A best-selling product in the period.
#[derive(Debug, Serialize, ToSchema)]
pub struct TopProduct {
    pub product_id: i64,
    pub name: String,
    #[schema(value_type = String, example = "9800.00")]
    pub revenue: Decimal,
    #[schema(value_type = String, example = "42")]
    pub quantity: Decimal,
}

/// Won against lost among opportunities closed in the period.
#[derive(Debug, Serialize, ToSchema)]
pub struct WinRate {
    pub won: i64,
    pub lost: i64,
    pub rate: Option<f64>,
}

/// Service at a glance (requests made in the period).
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceGlance {
    pub open: u64,
    pub overdue: u64,
    pub avg_resolution_seconds: Option<f64>,
    pub csat_average: Option<f64>,
}

/// The company at a glance.
#[derive(Debug, Serialize, ToSchema)]
pub struct Dashboard {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub revenue_by_month: Vec<MonthRevenue>,
    pub new_customers_by_month: Vec<MonthCount>,
    /// Empty for roles that do not read opportunities.
    pub pipeline: Vec<PipelineStage>,
    pub win_rate: WinRate,
    /// Top five by revenue.
    pub top_products: Vec<TopProduct>,
    /// Absent for roles that do not read service requests.
    pub service: Option<ServiceGlance>,
}

impl From<svc::Dashboard> for Dashboard {
    fn from(d: svc::Dashboard) -> Self {
        Self {
            from: d.from,
            to: d.to,
            revenue_by_month: d
                .revenue_by_month
                .into_iter()
                .map(|m| MonthRevenue { month: m.month, revenue: m.revenue, orders: m.orders })
                .collect(),
            new_customers_by_month: d
                .new_customers_by_month
                .into_iter()
                .map(|m| MonthCount { month: m.month, count: m.count })
                .collect(),
            pipeline: d.pipeline.into_iter().map(PipelineStage::from).collect(),
            win_rate: WinRate { won: d.win_rate.won, lost: d.win_rate.lost, rate: d.win_rate.rate },
            top_products: d
                .top_products
                .into_iter()
                .map(|p| TopProduct {
                    product_id: p.product_id,
                    name: p.name,
                    revenue: p.revenue,
                    quantity: p.quantity,
                })
                .collect(),
            service: d.service.map(|s| ServiceGlance {
                open: s.open,
                overdue: s.overdue,
                avg_resolution_seconds: s.avg_resolution_seconds,
                csat_average: s.csat_average,
            }),
        }
    }
}
