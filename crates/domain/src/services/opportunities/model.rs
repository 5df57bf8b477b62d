//! The opportunity as the outside world sees it, and the fields it is made and changed from.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::entities::opportunity;
use crate::money::from_cents;
use crate::time::utc;

/// An opportunity as the outside world sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Opportunity {
    pub id: i64,
    pub title: String,
    pub customer_id: i64,
    pub lead_id: Option<i64>,
    pub amount: Decimal,
    pub stage: String,
    pub probability: i16,
    pub expected_close_date: Option<NaiveDate>,
    pub owner_id: Option<i64>,
    pub lost_reason: Option<String>,
    pub closed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

impl From<opportunity::Model> for Opportunity {
    fn from(m: opportunity::Model) -> Self {
        Self {
            id: m.id,
            title: m.title,
            customer_id: m.customer_id,
            lead_id: m.lead_id,
            amount: from_cents(m.amount_cents),
            stage: m.stage,
            probability: m.probability,
            expected_close_date: m.expected_close_date,
            owner_id: m.owner_id,
            lost_reason: m.lost_reason,
            closed_at: m.closed_at.map(utc),
            created_at: utc(m.created_at),
            updated_at: utc(m.updated_at),
            version: m.version,
        }
    }
}

/// The fields an opportunity is created from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NewOpportunity {
    pub title: String,
    pub customer_id: i64,
    pub lead_id: Option<i64>,
    pub amount: Decimal,
    /// Defaults to `prospecting`; must be an open stage.
    pub stage: Option<String>,
    /// Defaults by stage.
    pub probability: Option<i16>,
    pub expected_close_date: Option<NaiveDate>,
    pub owner_id: Option<i64>,
}

/// A partial update.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OpportunityChanges {
    pub title: Option<String>,
    pub amount: Option<Decimal>,
    pub stage: Option<String>,
    pub probability: Option<i16>,
    pub expected_close_date: Option<Option<NaiveDate>>,
    pub owner_id: Option<Option<i64>>,
    pub lost_reason: Option<Option<String>>,
}
