//! RFM bodies.

use chrono::NaiveDate;
use rapport_domain::services::rfm as svc;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// One segment's size and value.
#[derive(Debug, Serialize, ToSchema)]
pub struct RfmSegment {
    /// champions, loyal_customers, potential_loyalists, new_customers, promising,
    /// need_attention, about_to_sleep, at_risk, cant_lose_them, hibernating, lost.
    pub segment: String,
    pub customers: u64,
    /// Share of scored customers, 0–1.
    pub share: f64,
    /// Sum of the segment's monetary values.
    #[schema(value_type = String, example = "125000.00")]
    pub revenue: Decimal,
    pub avg_recency_days: f64,
    pub avg_frequency: f64,
    pub avg_monetary: f64,
}

impl From<svc::Summary> for RfmSegment {
    fn from(s: svc::Summary) -> Self {
        Self {
            segment: s.segment.to_owned(),
            customers: s.customers,
            share: s.share,
            revenue: s.revenue,
            avg_recency_days: s.avg_recency_days,
            avg_frequency: s.avg_frequency,
            avg_monetary: s.avg_monetary,
        }
    }
}

/// One customer's RFM values.
#[derive(Debug, Serialize, ToSchema)]
pub struct CustomerRfm {
    pub customer_id: i64,
    pub name: String,
    pub email: Option<String>,
    /// Days between the last order and `as_of`.
    pub recency_days: i64,
    /// Orders before `as_of` (not cancelled).
    pub frequency: i64,
    /// Sum of their totals.
    #[schema(value_type = String, example = "5230.50")]
    pub monetary: Decimal,
    pub r_score: u8,
    pub f_score: u8,
    pub m_score: u8,
    pub segment: String,
    /// The seed's raw triple: months since the last purchase …
    pub months_since_last: f64,
    /// … purchases per month since the first purchase …
    pub purchases_per_month: f64,
    /// … and the amount spent.
    #[schema(value_type = String, example = "5230.50")]
    pub amount: Decimal,
}

impl From<svc::CustomerRfm> for CustomerRfm {
    fn from(c: svc::CustomerRfm) -> Self {
        Self {
            customer_id: c.customer_id,
            name: c.name,
            email: c.email,
            recency_days: c.recency_days,
            frequency: c.frequency,
            monetary: c.monetary,
            r_score: c.r_score,
            f_score: c.f_score,
            m_score: c.m_score,
            segment: c.segment.to_owned(),
            months_since_last: c.months_since_last,
            purchases_per_month: c.purchases_per_month,
            amount: c.amount,
        }
    }
}

/// The day RFM is computed for.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AsOfQuery {
    /// Orders dated before this day count (default: today, UTC).
    pub as_of: Option<NaiveDate>,
}

/// Per-customer list parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RfmCustomerQuery {
    /// Orders dated before this day count (default: today, UTC).
    pub as_of: Option<NaiveDate>,
    /// Only this segment.
    pub segment: Option<String>,
    /// Comma list of customer_id, recency_days, frequency, monetary, r_score, f_score, m_score. Default `-monetary`.
    pub sort: Option<String>,
    #[param(minimum = 1)]
    pub page: Option<u64>,
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u64>,
}

/// A page of per-customer RFM rows.
#[derive(Debug, Serialize, ToSchema)]
pub struct RfmCustomerPage {
    pub items: Vec<CustomerRfm>,
    pub page: u64,
    pub per_page: u64,
    pub total: u64,
}
