//! Customer bodies and query parameters.

use chrono::{DateTime, NaiveDate, Utc};
use rapport_domain::list::Paging;
use rapport_domain::repo::customers::CustomerFilter;
use rapport_domain::services::customers as svc;
use rapport_domain::services::timeline::TimelineEntry as DomainEntry;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::patch;
use crate::error::ApiError;

/// A customer.
#[derive(Debug, Serialize, ToSchema)]
pub struct Customer {
    pub id: i64,
    #[schema(example = "李娜")]
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub birthday: Option<NaiveDate>,
    pub company: Option<String>,
    pub city: Option<String>,
    pub tags: Vec<String>,
    /// The user who owns the customer.
    pub owner_id: Option<i64>,
    /// One of web, referral, event, campaign, import, other.
    pub source: Option<String>,
    pub notes: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Increases with every change; send it back in `If-Match`.
    pub version: i32,
}

impl From<svc::Customer> for Customer {
    fn from(c: svc::Customer) -> Self {
        Self {
            id: c.id,
            name: c.name,
            email: c.email,
            phone: c.phone,
            address: c.address,
            birthday: c.birthday,
            company: c.company,
            city: c.city,
            tags: c.tags,
            owner_id: c.owner_id,
            source: c.source,
            notes: c.notes,
            created_at: c.created_at,
            updated_at: c.updated_at,
            version: c.version,
        }
    }
}

/// A new customer. Only `name` is required; a sales user becomes the owner when none is given.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomerCreate {
    #[schema(max_length = 200, min_length = 1)]
    pub name: String,
    #[schema(max_length = 254)]
    pub email: Option<String>,
    #[schema(max_length = 40)]
    pub phone: Option<String>,
    #[schema(max_length = 500)]
    pub address: Option<String>,
    pub birthday: Option<NaiveDate>,
    #[schema(max_length = 200)]
    pub company: Option<String>,
    #[schema(max_length = 100)]
    pub city: Option<String>,
    #[serde(default)]
    #[schema(max_items = 20)]
    pub tags: Vec<String>,
    pub owner_id: Option<i64>,
    /// One of web, referral, event, campaign, import, other.
    pub source: Option<String>,
    #[schema(max_length = 10000)]
    pub notes: Option<String>,
}

impl From<CustomerCreate> for svc::NewCustomer {
    fn from(c: CustomerCreate) -> Self {
        Self {
            name: c.name,
            email: c.email,
            phone: c.phone,
            address: c.address,
            birthday: c.birthday,
            company: c.company,
            city: c.city,
            tags: c.tags,
            owner_id: c.owner_id,
            source: c.source,
            notes: c.notes,
        }
    }
}

/// Fields to change; absent fields stay, `null` clears.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomerUpdate {
    #[schema(max_length = 200, min_length = 1)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>, max_length = 254)]
    pub email: Option<Option<String>>,
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>, max_length = 40)]
    pub phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>, max_length = 500)]
    pub address: Option<Option<String>>,
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<NaiveDate>)]
    pub birthday: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>, max_length = 200)]
    pub company: Option<Option<String>>,
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>, max_length = 100)]
    pub city: Option<Option<String>>,
    #[schema(max_items = 20)]
    pub tags: Option<Vec<String>>,
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<i64>)]
    pub owner_id: Option<Option<i64>>,
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>)]
    pub source: Option<Option<String>>,
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>, max_length = 10000)]
    pub notes: Option<Option<String>>,
}

impl From<CustomerUpdate> for svc::CustomerChanges {
    fn from(c: CustomerUpdate) -> Self {
        Self {
            name: c.name,
            email: c.email,
            phone: c.phone,
            address: c.address,
            birthday: c.birthday,
            company: c.company,
            city: c.city,
            tags: c.tags,
            owner_id: c.owner_id,
            source: c.source,
            notes: c.notes,
        }
    }
}

/// Filters shared by the list and the export.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CustomerFilterQuery {
    /// Case-insensitive substring of name, email, phone or company.
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// Exact city.
    pub city: Option<String>,
    /// Exact email (case-insensitive).
    pub email: Option<String>,
    /// Owner's user id.
    pub owner_id: Option<i64>,
    /// Has this tag.
    pub tag: Option<String>,
    /// Birthday month, 1–12.
    #[param(minimum = 1, maximum = 12)]
    pub birthday_month: Option<i16>,
    /// Created at or after (RFC 3339).
    pub created_from: Option<DateTime<Utc>>,
    /// Created before (RFC 3339).
    pub created_to: Option<DateTime<Utc>>,
    /// In this RFM segment today: champions, loyal_customers, potential_loyalists,
    /// new_customers, promising, need_attention, about_to_sleep, at_risk,
    /// cant_lose_them, hibernating or lost (see `GET /analytics/rfm`).
    pub rfm_segment: Option<String>,
}

impl From<CustomerFilterQuery> for CustomerFilter {
    fn from(q: CustomerFilterQuery) -> Self {
        Self {
            q: q.q.filter(|s| !s.trim().is_empty()),
            city: q.city,
            email: q.email,
            owner_id: q.owner_id,
            tag: q.tag,
            birthday_month: q.birthday_month,
            created_from: q.created_from.map(|t| t.naive_utc()),
            created_to: q.created_to.map(|t| t.naive_utc()),
            rfm_segment: q.rfm_segment,
        }
    }
}

/// List parameters: the filters plus sorting and paging.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CustomerQuery {
    /// Case-insensitive substring of name, email, phone or company.
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// Exact city.
    pub city: Option<String>,
    /// Exact email (case-insensitive).
    pub email: Option<String>,
    /// Owner's user id.
    pub owner_id: Option<i64>,
    /// Has this tag.
    pub tag: Option<String>,
    /// Birthday month, 1–12.
    #[param(minimum = 1, maximum = 12)]
    pub birthday_month: Option<i16>,
    /// Created at or after (RFC 3339).
    pub created_from: Option<DateTime<Utc>>,
    /// Created before (RFC 3339).
    pub created_to: Option<DateTime<Utc>>,
    /// In this RFM segment today: champions, loyal_customers, potential_loyalists,
    /// new_customers, promising, need_attention, about_to_sleep, at_risk,
    /// cant_lose_them, hibernating or lost (see `GET /analytics/rfm`).
    pub rfm_segment: Option<String>,
    /// Comma list of id, name, city, created_at, updated_at; `-` for descending. Default `-created_at`.
    pub sort: Option<String>,
    /// Page number from 1 (not with `cursor`).
    #[param(minimum = 1)]
    pub page: Option<u64>,
    /// Rows per page, 1–200, default 25.
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u64>,
    /// Keyset paging: empty for the first page, then the `next_cursor` of the previous one.
    /// Sorts by one of id, name, created_at, updated_at.
    pub cursor: Option<String>,
    /// `false` skips counting the total.
    pub count: Option<bool>,
}

impl CustomerQuery {
    /// Splits into the filter, the sort spec and the paging.
    ///
    /// # Errors
    /// `validation_failed` for bad paging values.
    pub fn split(self) -> Result<(CustomerFilter, Option<String>, Paging), ApiError> {
        let filter = CustomerFilterQuery {
            q: self.q,
            city: self.city,
            email: self.email,
            owner_id: self.owner_id,
            tag: self.tag,
            birthday_month: self.birthday_month,
            created_from: self.created_from,
            created_to: self.created_to,
            rfm_segment: self.rfm_segment,
        };
        let paging = super::paging(self.page, self.per_page, self.cursor.as_deref(), self.count)?;
        Ok((filter.into(), self.sort, paging))
    }
}

super::page_type!(CustomerPage, Customer, svc::Customer, "customers");

/// The outcome of an accepted import.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportResult {
    /// Customers created.
    pub imported: u64,
}

/// Timeline parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TimelineQuery {
    /// Only entries older than this (RFC 3339): pass the last entry's `at` for the next page.
    pub before: Option<DateTime<Utc>>,
    /// At most this many entries, 1–200, default 50.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u64>,
}

/// One event of a customer's history.
#[derive(Debug, Serialize, ToSchema)]
pub struct TimelineEntry {
    pub at: DateTime<Utc>,
    /// The kind of event (`audit` for changes to the record; orders, service requests and more follow).
    pub kind: String,
    /// One line for people.
    pub summary: String,
    /// The id of the underlying record.
    pub ref_id: i64,
    /// Who did it (`user:3`, `api_key:2`, `system`).
    pub actor: Option<String>,
    /// Details of the event.
    pub data: serde_json::Value,
}

impl From<DomainEntry> for TimelineEntry {
    fn from(e: DomainEntry) -> Self {
        Self { at: e.at, kind: e.kind, summary: e.summary, ref_id: e.ref_id, actor: e.actor, data: e.data }
    }
}
