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
    /// Campaigns launched in the period (newest ten): cost, attributed revenue, ROI.
    /// Absent for roles that do not read marketing.
    pub campaigns: Option<Vec<CampaignRoi>>,
}

/// One campaign's return.
#[derive(Debug, Serialize, ToSchema)]
pub struct CampaignRoi {
    pub campaign_id: i64,
    pub name: String,
    pub channel: String,
    pub status: String,
    pub sent: i64,
    pub converted: i64,
    #[schema(value_type = String, example = "18250.00")]
    pub revenue: Decimal,
    #[schema(value_type = String, example = "1200.00")]
    pub cost: Decimal,
    /// (revenue − cost) / cost; absent while the cost is zero.
    #[schema(value_type = Option<String>, example = "14.2083")]
    pub roi: Option<Decimal>,
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
            campaigns: d.campaigns.map(|v| {
                v.into_iter()
                    .map(|c| CampaignRoi {
                        campaign_id: c.campaign_id,
                        name: c.name,
                        channel: c.channel,
                        status: c.status,
                        sent: c.sent,
                        converted: c.converted,
                        revenue: c.revenue.round_dp(2),
                        cost: c.cost.round_dp(2),
                        roi: c.roi,
                    })
                    .collect()
            }),
        }
    }
}

/// Figures of one group of orders.
#[derive(Debug, Serialize, ToSchema)]
pub struct SalesGroup {
    /// The month (`YYYY-MM`), product name, owner id or city; null for orders without one.
    pub key: Option<String>,
    #[schema(value_type = String, example = "125000.00")]
    pub revenue: Decimal,
    pub orders: i64,
    /// Revenue / orders, rounded half-even to cents.
    #[schema(value_type = String, example = "312.50")]
    pub average_order_value: Decimal,
}

impl From<rapport_domain::services::sales_analytics::Group> for SalesGroup {
    fn from(g: rapport_domain::services::sales_analytics::Group) -> Self {
        Self { key: g.key, revenue: g.revenue, orders: g.orders, average_order_value: g.average_order_value }
    }
}

/// Sales analysis over a period (orders not cancelled, by order date).
#[derive(Debug, Serialize, ToSchema)]
pub struct SalesAnalysis {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub total: SalesGroup,
    pub by_month: Vec<SalesGroup>,
    /// Top 50 by revenue; `orders` counts orders holding the product.
    pub by_product: Vec<SalesGroup>,
    /// Top 50 by revenue.
    pub by_owner: Vec<SalesGroup>,
    /// Top 50 by revenue.
    pub by_city: Vec<SalesGroup>,
    /// Won / (won + lost) among opportunities closed in the period.
    pub win_rate: Option<f64>,
    /// Mean days from creation to winning.
    pub average_sales_cycle_days: Option<f64>,
}

impl From<rapport_domain::services::sales_analytics::SalesAnalysis> for SalesAnalysis {
    fn from(a: rapport_domain::services::sales_analytics::SalesAnalysis) -> Self {
        let list =
            |v: Vec<rapport_domain::services::sales_analytics::Group>| v.into_iter().map(SalesGroup::from).collect();
        Self {
            from: a.from,
            to: a.to,
            total: a.total.into(),
            by_month: list(a.by_month),
            by_product: list(a.by_product),
            by_owner: list(a.by_owner),
            by_city: list(a.by_city),
            win_rate: a.win_rate,
            average_sales_cycle_days: a.average_sales_cycle_days,
        }
    }
}

/// Forecast parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ForecastQuery {
    /// Months to forecast, 1–36 (default 12).
    #[param(minimum = 1, maximum = 36)]
    pub horizon: Option<usize>,
    /// First month of history (default: the first order's month).
    pub from: Option<NaiveDate>,
    /// History ends before this month (default: the current month, so that only whole months count).
    pub to: Option<NaiveDate>,
    /// Only `month`.
    pub granularity: Option<String>,
}

/// One month of history.
#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryMonth {
    /// `YYYY-MM`.
    pub period: String,
    #[schema(value_type = String, example = "125000.00")]
    pub revenue: Decimal,
    pub fitted: f64,
}

/// One forecast month with its 95% prediction interval.
#[derive(Debug, Serialize, ToSchema)]
pub struct ForecastMonth {
    pub period: String,
    pub revenue: f64,
    pub pi_low: f64,
    pub pi_high: f64,
}

/// A coefficient of the forecast model.
#[derive(Debug, Serialize, ToSchema)]
pub struct ForecastCoefficient {
    /// intercept, trend, month_02 … month_12, promotion.
    pub name: String,
    pub estimate: f64,
    pub std_error: f64,
}

/// One-step-ahead forecasts over the last (up to) 12 months.
#[derive(Debug, Serialize, ToSchema)]
pub struct ForecastBacktest {
    pub points: usize,
    /// Mean absolute percentage error, in percent.
    pub mape: Option<f64>,
    pub rmse: f64,
}

/// The sales forecast.
#[derive(Debug, Serialize, ToSchema)]
pub struct SalesForecast {
    pub history: Vec<HistoryMonth>,
    pub forecast: Vec<ForecastMonth>,
    pub coefficients: Vec<ForecastCoefficient>,
    pub r_squared: f64,
    pub adj_r_squared: f64,
    pub residual_std_error: f64,
    pub backtest: Option<ForecastBacktest>,
}

impl From<rapport_domain::services::forecast::SalesForecast> for SalesForecast {
    fn from(f: rapport_domain::services::forecast::SalesForecast) -> Self {
        Self {
            history: f
                .history
                .into_iter()
                .map(|h| HistoryMonth { period: h.period, revenue: h.revenue, fitted: h.fitted })
                .collect(),
            forecast: f
                .forecast
                .into_iter()
                .map(|m| ForecastMonth { period: m.period, revenue: m.revenue, pi_low: m.pi_low, pi_high: m.pi_high })
                .collect(),
            coefficients: f
                .coefficients
                .into_iter()
                .map(|c| ForecastCoefficient { name: c.name, estimate: c.estimate, std_error: c.std_error })
                .collect(),
            r_squared: f.r_squared,
            adj_r_squared: f.adj_r_squared,
            residual_std_error: f.residual_std_error,
            backtest: f.backtest.map(|b| ForecastBacktest { points: b.points, mape: b.mape, rmse: b.rmse }),
        }
    }
}

/// A regressor supplied by the caller.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegressorInput {
    /// 1–50 characters; not trend, month_NN, intercept or promotion.
    #[schema(max_length = 50, min_length = 1)]
    pub name: String,
    /// A value for every history month and every forecast month, keyed `YYYY-MM`.
    pub values: std::collections::BTreeMap<String, f64>,
}

/// A forecast with the caller's own regressors (competitor prices, planned promotions, …).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ForecastRequest {
    /// Months to forecast, 1–36 (default 12).
    #[schema(minimum = 1, maximum = 36)]
    pub horizon: Option<usize>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    #[serde(default)]
    #[schema(max_items = 10)]
    pub regressors: Vec<RegressorInput>,
}
