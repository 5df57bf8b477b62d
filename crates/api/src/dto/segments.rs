//! Segment bodies.

use chrono::{DateTime, NaiveDate, Utc};
use rapport_domain::rules::segment_filter as domain;
use rapport_domain::services::segments as svc;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::patch;

/// Which customers a segment holds: every condition is optional; they combine with AND.
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SegmentFilter {
    /// Exact city.
    #[schema(max_length = 100)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// Has every one of these tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schema(max_items = 20)]
    pub tags: Vec<String>,
    /// Owned by this user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_id: Option<i64>,
    /// Exact source.
    #[schema(max_length = 100)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Birthday in this month.
    #[schema(minimum = 1, maximum = 12)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birthday_month: Option<i16>,
    /// Created at or after.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_from: Option<DateTime<Utc>>,
    /// Created before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_to: Option<DateTime<Utc>>,
    /// In this RFM segment today (e.g. `champions`, `at_risk`; see `GET /api/v1/analytics/rfm`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rfm_segment: Option<String>,
    /// RFM R score (1–5, today's scores) at least.
    #[schema(minimum = 1, maximum = 5)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub r_score_min: Option<u8>,
    /// RFM R score (1–5, today's scores) at most.
    #[schema(minimum = 1, maximum = 5)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub r_score_max: Option<u8>,
    /// RFM F score (1–5, today's scores) at least.
    #[schema(minimum = 1, maximum = 5)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub f_score_min: Option<u8>,
    /// RFM F score (1–5, today's scores) at most.
    #[schema(minimum = 1, maximum = 5)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub f_score_max: Option<u8>,
    /// RFM M score (1–5, today's scores) at least.
    #[schema(minimum = 1, maximum = 5)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub m_score_min: Option<u8>,
    /// RFM M score (1–5, today's scores) at most.
    #[schema(minimum = 1, maximum = 5)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub m_score_max: Option<u8>,
    /// Bought this product (orders not cancelled).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bought_product_id: Option<i64>,
    /// Bought a product of this category.
    #[schema(max_length = 100)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bought_category: Option<String>,
    /// Total spend at least (decimal string).
    #[serde(default, skip_serializing_if = "Option::is_none", with = "rust_decimal::serde::str_option")]
    #[schema(value_type = Option<String>, example = "1000.00")]
    pub total_spend_min: Option<Decimal>,
    /// Total spend at most (customers without orders spent 0).
    #[serde(default, skip_serializing_if = "Option::is_none", with = "rust_decimal::serde::str_option")]
    #[schema(value_type = Option<String>, example = "5000.00")]
    pub total_spend_max: Option<Decimal>,
    /// At least this many orders.
    #[schema(minimum = 0)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_count_min: Option<i64>,
    /// At most this many orders.
    #[schema(minimum = 0)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_count_max: Option<i64>,
    /// Last order on or after.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_order_from: Option<NaiveDate>,
    /// Last order before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_order_to: Option<NaiveDate>,
    /// Has (or has not) a service request that is not resolved or closed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_open_service_request: Option<bool>,
}

impl From<SegmentFilter> for domain::SegmentFilter {
    fn from(f: SegmentFilter) -> Self {
        Self {
            city: f.city,
            tags: f.tags,
            owner_id: f.owner_id,
            source: f.source,
            birthday_month: f.birthday_month,
            created_from: f.created_from,
            created_to: f.created_to,
            rfm_segment: f.rfm_segment,
            r_score_min: f.r_score_min,
            r_score_max: f.r_score_max,
            f_score_min: f.f_score_min,
            f_score_max: f.f_score_max,
            m_score_min: f.m_score_min,
            m_score_max: f.m_score_max,
            bought_product_id: f.bought_product_id,
            bought_category: f.bought_category,
            total_spend_min: f.total_spend_min,
            total_spend_max: f.total_spend_max,
            order_count_min: f.order_count_min,
            order_count_max: f.order_count_max,
            last_order_from: f.last_order_from,
            last_order_to: f.last_order_to,
            has_open_service_request: f.has_open_service_request,
        }
    }
}

impl From<domain::SegmentFilter> for SegmentFilter {
    fn from(f: domain::SegmentFilter) -> Self {
        Self {
            city: f.city,
            tags: f.tags,
            owner_id: f.owner_id,
            source: f.source,
            birthday_month: f.birthday_month,
            created_from: f.created_from,
            created_to: f.created_to,
            rfm_segment: f.rfm_segment,
            r_score_min: f.r_score_min,
            r_score_max: f.r_score_max,
            f_score_min: f.f_score_min,
            f_score_max: f.f_score_max,
            m_score_min: f.m_score_min,
            m_score_max: f.m_score_max,
            bought_product_id: f.bought_product_id,
            bought_category: f.bought_category,
            total_spend_min: f.total_spend_min,
            total_spend_max: f.total_spend_max,
            order_count_min: f.order_count_min,
            order_count_max: f.order_count_max,
            last_order_from: f.last_order_from,
            last_order_to: f.last_order_to,
            has_open_service_request: f.has_open_service_request,
        }
    }
}

/// A saved segment.
#[derive(Debug, Serialize, ToSchema)]
pub struct Segment {
    pub id: i64,
    pub name: String,
    pub description: Option<String>,
    pub filter: SegmentFilter,
    pub created_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

impl From<svc::Segment> for Segment {
    fn from(s: svc::Segment) -> Self {
        Self {
            id: s.id,
            name: s.name,
            description: s.description,
            filter: s.filter.into(),
            created_by: s.created_by,
            created_at: s.created_at,
            updated_at: s.updated_at,
            version: s.version,
        }
    }
}

super::page_type!(SegmentPage, Segment, svc::Segment, "segments");

/// A new segment.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SegmentCreate {
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    #[schema(max_length = 2000)]
    pub description: Option<String>,
    #[serde(default)]
    pub filter: SegmentFilter,
}

impl From<SegmentCreate> for svc::SegmentInput {
    fn from(s: SegmentCreate) -> Self {
        Self { name: s.name, description: s.description, filter: s.filter.into() }
    }
}

/// Fields to change; a filter replaces the whole old filter.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SegmentUpdate {
    #[schema(min_length = 1, max_length = 200)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>, max_length = 2000)]
    pub description: Option<Option<String>>,
    pub filter: Option<SegmentFilter>,
}

impl From<SegmentUpdate> for svc::SegmentChanges {
    fn from(s: SegmentUpdate) -> Self {
        Self { name: s.name, description: s.description, filter: s.filter.map(Into::into) }
    }
}

/// A filter to try out.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SegmentPreviewRequest {
    #[serde(default)]
    pub filter: SegmentFilter,
}

/// A customer in a segment.
#[derive(Debug, Serialize, ToSchema)]
pub struct SegmentMember {
    pub id: i64,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub city: Option<String>,
    pub owner_id: Option<i64>,
}

impl From<svc::Member> for SegmentMember {
    fn from(m: svc::Member) -> Self {
        Self { id: m.id, name: m.name, email: m.email, phone: m.phone, city: m.city, owner_id: m.owner_id }
    }
}

/// How many customers a filter holds and the first ten (by id).
#[derive(Debug, Serialize, ToSchema)]
pub struct SegmentPreview {
    pub count: u64,
    pub sample: Vec<SegmentMember>,
}

impl From<svc::Preview> for SegmentPreview {
    fn from(p: svc::Preview) -> Self {
        Self { count: p.count, sample: p.sample.into_iter().map(Into::into).collect() }
    }
}

/// Members of a saved segment, by customer id.
#[derive(Debug, Serialize, ToSchema)]
pub struct SegmentMemberPage {
    pub items: Vec<SegmentMember>,
    /// All members.
    pub total: u64,
    /// Pass as `after` for the next page (absent on the last page).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_after: Option<i64>,
}

/// Numbered pages.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    #[param(minimum = 1)]
    pub page: Option<u64>,
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u64>,
}

/// Member paging: customers with an id above `after`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct MemberQuery {
    #[param(minimum = 0)]
    pub after: Option<i64>,
    #[param(minimum = 1, maximum = 1000)]
    pub per_page: Option<u64>,
}
