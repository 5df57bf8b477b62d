//! Opportunity bodies and query parameters.

use chrono::{DateTime, NaiveDate, Utc};
use rapport_domain::list::Paging;
use rapport_domain::money::to_cents;
use rapport_domain::repo::opportunities::OpportunityFilter;
use rapport_domain::services::opportunities as svc;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::patch;
use crate::error::ApiError;

/// An opportunity.
#[derive(Debug, Serialize, ToSchema)]
pub struct Opportunity {
    pub id: i64,
    pub title: String,
    pub customer_id: i64,
    pub lead_id: Option<i64>,
    #[schema(value_type = String, example = "25000.00")]
    pub amount: Decimal,
    /// prospecting, qualification, proposal, negotiation, won or lost.
    pub stage: String,
    /// Percent, 0–100; defaults by stage (10/20/50/70/100/0).
    pub probability: i16,
    pub expected_close_date: Option<NaiveDate>,
    pub owner_id: Option<i64>,
    pub lost_reason: Option<String>,
    pub closed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

impl From<svc::Opportunity> for Opportunity {
    fn from(o: svc::Opportunity) -> Self {
        Self {
            id: o.id,
            title: o.title,
            customer_id: o.customer_id,
            lead_id: o.lead_id,
            amount: o.amount.round_dp(2),
            stage: o.stage,
            probability: o.probability,
            expected_close_date: o.expected_close_date,
            owner_id: o.owner_id,
            lost_reason: o.lost_reason,
            closed_at: o.closed_at,
            created_at: o.created_at,
            updated_at: o.updated_at,
            version: o.version,
        }
    }
}

/// A new opportunity for a customer you can see.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpportunityCreate {
    #[schema(max_length = 200, min_length = 1)]
    pub title: String,
    pub customer_id: i64,
    /// Decimal string.
    #[serde(with = "rust_decimal::serde::str")]
    #[schema(value_type = String, example = "25000.00")]
    pub amount: Decimal,
    /// An open stage; default prospecting.
    pub stage: Option<String>,
    #[schema(minimum = 0, maximum = 100)]
    pub probability: Option<i16>,
    pub expected_close_date: Option<NaiveDate>,
    /// Default: the customer's owner (a sales rep creating it owns it).
    pub owner_id: Option<i64>,
}

impl From<OpportunityCreate> for svc::NewOpportunity {
    fn from(o: OpportunityCreate) -> Self {
        Self {
            title: o.title,
            customer_id: o.customer_id,
            lead_id: None,
            amount: o.amount,
            stage: o.stage,
            probability: o.probability,
            expected_close_date: o.expected_close_date,
            owner_id: o.owner_id,
        }
    }
}

/// Fields to change. Stage moves: open stages move freely and close as won or lost
/// (lost needs `lost_reason`; both set `closed_at`); lost may reopen to prospecting;
/// won is final. A new stage resets the probability to its default unless given.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpportunityUpdate {
    #[schema(max_length = 200, min_length = 1)]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "super::decimal_opt")]
    #[schema(value_type = Option<String>, example = "25000.00")]
    pub amount: Option<Decimal>,
    pub stage: Option<String>,
    #[schema(minimum = 0, maximum = 100)]
    pub probability: Option<i16>,
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<NaiveDate>)]
    pub expected_close_date: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<i64>)]
    pub owner_id: Option<Option<i64>>,
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>, max_length = 2000)]
    pub lost_reason: Option<Option<String>>,
}

impl From<OpportunityUpdate> for svc::OpportunityChanges {
    fn from(o: OpportunityUpdate) -> Self {
        Self {
            title: o.title,
            amount: o.amount,
            stage: o.stage,
            probability: o.probability,
            expected_close_date: o.expected_close_date,
            owner_id: o.owner_id,
            lost_reason: o.lost_reason,
        }
    }
}

/// Opportunity filters.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PipelineQuery {
    pub owner_id: Option<i64>,
    pub customer_id: Option<i64>,
    /// Expected close on or after.
    pub close_from: Option<NaiveDate>,
    /// Expected close on or before.
    pub close_to: Option<NaiveDate>,
}

/// Opportunity list parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OpportunityQuery {
    /// Case-insensitive substring of the title.
    #[param(max_length = 200)]
    pub q: Option<String>,
    pub stage: Option<String>,
    pub owner_id: Option<i64>,
    pub customer_id: Option<i64>,
    pub close_from: Option<NaiveDate>,
    pub close_to: Option<NaiveDate>,
    /// Decimal string.
    pub amount_from: Option<String>,
    /// Decimal string.
    pub amount_to: Option<String>,
    /// Comma list of id, title, amount, expected_close_date, created_at, updated_at. Default `-created_at`.
    pub sort: Option<String>,
    #[param(minimum = 1)]
    pub page: Option<u64>,
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u64>,
    pub cursor: Option<String>,
    pub count: Option<bool>,
}

fn cents(field: &str, v: Option<&str>) -> Result<Option<i64>, ApiError> {
    v.map(|s| {
        s.parse::<Decimal>()
            .ok()
            .and_then(to_cents)
            .ok_or_else(|| rapport_domain::DomainError::invalid(field, "must be a decimal amount like 1000.00").into())
    })
    .transpose()
}

impl OpportunityQuery {
    /// The filter, the sort spec and the paging.
    ///
    /// # Errors
    /// `validation_failed` for bad amounts or paging values.
    pub fn split(self) -> Result<(OpportunityFilter, Option<String>, Paging), ApiError> {
        let paging = super::paging(self.page, self.per_page, self.cursor.as_deref(), self.count)?;
        let filter = OpportunityFilter {
            q: self.q.filter(|s| !s.trim().is_empty()),
            stage: self.stage,
            owner_id: self.owner_id,
            customer_id: self.customer_id,
            close_from: self.close_from,
            close_to: self.close_to,
            amount_from: cents("amount_from", self.amount_from.as_deref())?,
            amount_to: cents("amount_to", self.amount_to.as_deref())?,
        };
        Ok((filter, self.sort, paging))
    }
}

impl From<PipelineQuery> for OpportunityFilter {
    fn from(q: PipelineQuery) -> Self {
        Self {
            owner_id: q.owner_id,
            customer_id: q.customer_id,
            close_from: q.close_from,
            close_to: q.close_to,
            ..Default::default()
        }
    }
}

super::page_type!(OpportunityPage, Opportunity, svc::Opportunity, "opportunities");

/// One stage of the pipeline.
#[derive(Debug, Serialize, ToSchema)]
pub struct PipelineStage {
    pub stage: String,
    pub count: i64,
    #[schema(value_type = String, example = "125000.00")]
    pub total_amount: Decimal,
    /// Σ amount × probability / 100, rounded half-even to cents.
    #[schema(value_type = String, example = "62500.00")]
    pub weighted_amount: Decimal,
}

impl From<svc::PipelineStage> for PipelineStage {
    fn from(s: svc::PipelineStage) -> Self {
        Self {
            stage: s.stage,
            count: s.count,
            total_amount: s.total_amount.round_dp(2),
            weighted_amount: s.weighted_amount.round_dp(2),
        }
    }
}
