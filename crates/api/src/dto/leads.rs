//! Lead bodies and query parameters.

use chrono::{DateTime, NaiveDate, Utc};
use rapport_domain::list::Paging;
use rapport_domain::repo::leads::LeadFilter;
use rapport_domain::services::leads as svc;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::customers::Customer;
use super::opportunities::Opportunity;
use super::patch;
use crate::error::ApiError;

/// A lead.
#[derive(Debug, Serialize, ToSchema)]
pub struct Lead {
    pub id: i64,
    pub name: String,
    pub company: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// web, referral, event, campaign, import or other.
    pub source: String,
    /// new, contacted, qualified, disqualified or converted.
    pub status: String,
    pub owner_id: Option<i64>,
    pub notes: Option<String>,
    /// The customer it became (once converted).
    pub customer_id: Option<i64>,
    /// The opportunity it became (once converted).
    pub opportunity_id: Option<i64>,
    pub converted_at: Option<DateTime<Utc>>,
    /// The last activity recorded on it (creation counts).
    pub last_activity_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

impl From<svc::Lead> for Lead {
    fn from(l: svc::Lead) -> Self {
        Self {
            id: l.id,
            name: l.name,
            company: l.company,
            email: l.email,
            phone: l.phone,
            source: l.source,
            status: l.status,
            owner_id: l.owner_id,
            notes: l.notes,
            customer_id: l.customer_id,
            opportunity_id: l.opportunity_id,
            converted_at: l.converted_at,
            last_activity_at: l.last_activity_at,
            created_at: l.created_at,
            updated_at: l.updated_at,
            version: l.version,
        }
    }
}

/// A new lead. Without `owner_id` it is assigned automatically (a sales rep creating it owns it).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LeadCreate {
    #[schema(max_length = 200, min_length = 1)]
    pub name: String,
    #[schema(max_length = 200)]
    pub company: Option<String>,
    #[schema(max_length = 254)]
    pub email: Option<String>,
    #[schema(max_length = 40)]
    pub phone: Option<String>,
    /// web, referral, event, campaign, import or other (default).
    pub source: Option<String>,
    #[schema(max_length = 10000)]
    pub notes: Option<String>,
    pub owner_id: Option<i64>,
}

impl From<LeadCreate> for svc::NewLead {
    fn from(l: LeadCreate) -> Self {
        Self {
            name: l.name,
            company: l.company,
            email: l.email,
            phone: l.phone,
            source: l.source,
            notes: l.notes,
            owner_id: l.owner_id,
        }
    }
}

/// Fields to change; `status` moves by the rule table (new → contacted | qualified |
/// disqualified; contacted → qualified | disqualified; qualified → contacted | disqualified;
/// disqualified → new). Conversion is `POST /leads/{id}/convert`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LeadUpdate {
    #[schema(max_length = 200, min_length = 1)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>, max_length = 200)]
    pub company: Option<Option<String>>,
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>, max_length = 254)]
    pub email: Option<Option<String>>,
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>, max_length = 40)]
    pub phone: Option<Option<String>>,
    pub source: Option<String>,
    pub status: Option<String>,
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>, max_length = 10000)]
    pub notes: Option<Option<String>>,
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<i64>)]
    pub owner_id: Option<Option<i64>>,
}

impl From<LeadUpdate> for svc::LeadChanges {
    fn from(l: LeadUpdate) -> Self {
        Self {
            name: l.name,
            company: l.company,
            email: l.email,
            phone: l.phone,
            source: l.source,
            status: l.status,
            notes: l.notes,
            owner_id: l.owner_id,
        }
    }
}

/// Lead list parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct LeadQuery {
    /// Case-insensitive substring of name, company, email or phone.
    #[param(max_length = 200)]
    pub q: Option<String>,
    pub status: Option<String>,
    pub source: Option<String>,
    pub owner_id: Option<i64>,
    pub created_from: Option<DateTime<Utc>>,
    pub created_to: Option<DateTime<Utc>>,
    /// Comma list of id, name, status, created_at, updated_at; `-` for descending. Default `-created_at`.
    pub sort: Option<String>,
    #[param(minimum = 1)]
    pub page: Option<u64>,
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u64>,
    /// Keyset paging: empty for the first page, then `next_cursor`.
    pub cursor: Option<String>,
    pub count: Option<bool>,
}

impl LeadQuery {
    /// The filter, the sort spec and the paging.
    ///
    /// # Errors
    /// `validation_failed` for bad paging values.
    pub fn split(self) -> Result<(LeadFilter, Option<String>, Paging), ApiError> {
        let paging = super::paging(self.page, self.per_page, self.cursor.as_deref(), self.count)?;
        let filter = LeadFilter {
            q: self.q.filter(|s| !s.trim().is_empty()),
            status: self.status,
            source: self.source,
            owner_id: self.owner_id,
            created_from: self.created_from.map(|t| t.naive_utc()),
            created_to: self.created_to.map(|t| t.naive_utc()),
        };
        Ok((filter, self.sort, paging))
    }
}

super::page_type!(LeadPage, Lead, svc::Lead, "leads");

/// Optional details of the opportunity that conversion creates.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LeadConvert {
    /// Default: "<company or name> opportunity".
    #[schema(max_length = 200, min_length = 1)]
    pub opportunity_title: Option<String>,
    /// Decimal string; default "0.00".
    #[serde(default, deserialize_with = "super::decimal_opt")]
    #[schema(value_type = Option<String>, example = "25000.00")]
    pub amount: Option<Decimal>,
    pub expected_close_date: Option<NaiveDate>,
}

/// What conversion made.
#[derive(Debug, Serialize, ToSchema)]
pub struct LeadConversion {
    pub lead: Lead,
    pub customer: Customer,
    /// True when a customer with the lead's email existed and was linked instead of created.
    pub customer_linked: bool,
    pub opportunity: Opportunity,
}

impl From<svc::Converted> for LeadConversion {
    fn from(c: svc::Converted) -> Self {
        Self {
            lead: c.lead.into(),
            customer: c.customer.into(),
            customer_linked: c.customer_linked,
            opportunity: c.opportunity.into(),
        }
    }
}

/// How new leads without an owner are assigned.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LeadAssignment {
    /// `round_robin` (in turn, by user id; fair under concurrent creation) or
    /// `least_open` (the active sales rep with the fewest open leads).
    pub rule: AssignmentRule,
}

/// An assignment rule.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AssignmentRule {
    RoundRobin,
    LeastOpen,
}

impl From<AssignmentRule> for rapport_domain::rules::assignment::Rule {
    fn from(r: AssignmentRule) -> Self {
        match r {
            AssignmentRule::RoundRobin => Self::RoundRobin,
            AssignmentRule::LeastOpen => Self::LeastOpen,
        }
    }
}

impl From<rapport_domain::rules::assignment::Rule> for AssignmentRule {
    fn from(r: rapport_domain::rules::assignment::Rule) -> Self {
        match r {
            rapport_domain::rules::assignment::Rule::RoundRobin => Self::RoundRobin,
            rapport_domain::rules::assignment::Rule::LeastOpen => Self::LeastOpen,
        }
    }
}
