//! Service request bodies and query parameters.

use chrono::{DateTime, Utc};
use rapport_analytics::service_stats::{Figures, ServiceStats as DomainStats};
use rapport_domain::list::Paging;
use rapport_domain::repo::service_requests::RequestFilter;
use rapport_domain::rules::sla::SlaHours;
use rapport_domain::services::service_requests as svc;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::ApiError;

/// How a request stands against its SLA.
#[derive(Debug, Serialize, ToSchema)]
pub struct Sla {
    pub due_at: DateTime<Utc>,
    /// Seconds until due; negative once breached. For resolved requests, the margin they were resolved with.
    pub seconds_left: i64,
    pub breached: bool,
}

/// A service request.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceRequest {
    pub id: i64,
    pub customer_id: i64,
    pub order_id: Option<i64>,
    pub subject: String,
    pub description: Option<String>,
    /// phone, email, web or chat.
    pub channel: String,
    /// low, normal, high or urgent.
    pub priority: String,
    pub request_date: DateTime<Utc>,
    /// open, assigned, in_progress, resolved or closed.
    pub status: String,
    pub assignee_id: Option<i64>,
    pub due_at: DateTime<Utc>,
    pub first_response_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub sla: Sla,
    pub rating: Option<i16>,
    pub rating_comment: Option<String>,
    pub rated_at: Option<DateTime<Utc>>,
    /// The customer's rating link (`/rate/{token}`) while a rating can be given.
    pub rating_url: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

impl From<svc::ServiceRequest> for ServiceRequest {
    fn from(r: svc::ServiceRequest) -> Self {
        Self {
            id: r.id,
            customer_id: r.customer_id,
            order_id: r.order_id,
            subject: r.subject,
            description: r.description,
            channel: r.channel,
            priority: r.priority,
            request_date: r.request_date,
            status: r.status,
            assignee_id: r.assignee_id,
            due_at: r.due_at,
            first_response_at: r.first_response_at,
            resolved_at: r.resolved_at,
            closed_at: r.closed_at,
            sla: Sla { due_at: r.sla.due_at, seconds_left: r.sla.seconds_left, breached: r.sla.breached },
            rating: r.rating,
            rating_comment: r.rating_comment,
            rated_at: r.rated_at,
            rating_url: r.rating_url,
            created_at: r.created_at,
            updated_at: r.updated_at,
            version: r.version,
        }
    }
}

/// A new service request; it is assigned automatically to the support agent with the fewest open requests.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceRequestCreate {
    pub customer_id: i64,
    /// Must be an order of that customer.
    pub order_id: Option<i64>,
    #[schema(max_length = 200, min_length = 1)]
    pub subject: String,
    #[schema(max_length = 10000)]
    pub description: Option<String>,
    /// phone, email, web or chat.
    pub channel: String,
    /// low, normal (default), high or urgent.
    pub priority: Option<String>,
    /// Default: now. May lie in the past, not in the future.
    pub request_date: Option<DateTime<Utc>>,
}

impl From<ServiceRequestCreate> for svc::NewRequest {
    fn from(r: ServiceRequestCreate) -> Self {
        Self {
            customer_id: r.customer_id,
            order_id: r.order_id,
            subject: r.subject,
            description: r.description,
            channel: r.channel,
            priority: r.priority,
            request_date: r.request_date.map(|t| t.naive_utc()),
        }
    }
}

/// A status move: open → assigned → in_progress → resolved → closed; resolved and
/// closed reopen to in_progress; assigned may resolve directly.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusChange {
    pub status: String,
    #[schema(max_length = 10000)]
    pub note: Option<String>,
}

/// A manual reassignment.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Assignment {
    /// An active support user.
    pub assignee_id: i64,
}

/// A comment on a request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommentCreate {
    #[schema(max_length = 10000, min_length = 1)]
    pub body: String,
    /// `internal` (default: staff only) or `customer` (customer-facing).
    pub visibility: Option<String>,
}

/// A satisfaction rating.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RatingSubmit {
    #[schema(minimum = 1, maximum = 5)]
    pub rating: i16,
    #[schema(max_length = 2000)]
    pub comment: Option<String>,
}

/// One entry of a request's progress.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceUpdate {
    pub id: i64,
    /// created, status, assignment, comment or rating.
    pub kind: String,
    pub body: Option<String>,
    /// internal or customer.
    pub visibility: String,
    pub from_status: Option<String>,
    pub to_status: Option<String>,
    pub author_id: Option<i64>,
    /// `user:3`, `api_key:2`, `customer` or `system`.
    pub author: String,
    pub at: DateTime<Utc>,
}

impl From<svc::ServiceUpdate> for ServiceUpdate {
    fn from(u: svc::ServiceUpdate) -> Self {
        Self {
            id: u.id,
            kind: u.kind,
            body: u.body,
            visibility: u.visibility,
            from_status: u.from_status,
            to_status: u.to_status,
            author_id: u.author_id,
            author: u.author,
            at: u.at,
        }
    }
}

/// Request list parameters.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ServiceRequestQuery {
    pub status: Option<String>,
    pub priority: Option<String>,
    pub channel: Option<String>,
    pub assignee_id: Option<i64>,
    /// `false`: only requests nobody is assigned to; `true`: only assigned ones.
    pub assigned: Option<bool>,
    pub customer_id: Option<i64>,
    /// `true`: open and past due; `false`: the others.
    pub overdue: Option<bool>,
    /// Due before this time.
    pub due_before: Option<DateTime<Utc>>,
    /// Requested at or after.
    pub from: Option<DateTime<Utc>>,
    /// Requested before.
    pub to: Option<DateTime<Utc>>,
    /// Comma list of id, request_date, due_at, created_at. Default `-request_date`.
    pub sort: Option<String>,
    #[param(minimum = 1)]
    pub page: Option<u64>,
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u64>,
    pub cursor: Option<String>,
    pub count: Option<bool>,
}

impl ServiceRequestQuery {
    /// The filter, the sort spec and the paging.
    ///
    /// # Errors
    /// `validation_failed` for bad paging values.
    pub fn split(self) -> Result<(RequestFilter, Option<String>, Paging), ApiError> {
        let paging = super::paging(self.page, self.per_page, self.cursor.as_deref(), self.count)?;
        let filter = RequestFilter {
            status: self.status,
            priority: self.priority,
            channel: self.channel,
            assignee_id: self.assignee_id,
            assigned: self.assigned,
            customer_id: self.customer_id,
            overdue: self.overdue,
            due_before: self.due_before.map(|t| t.naive_utc()),
            from: self.from.map(|t| t.naive_utc()),
            to: self.to.map(|t| t.naive_utc()),
        };
        Ok((filter, self.sort, paging))
    }
}

super::page_type!(ServiceRequestPage, ServiceRequest, svc::ServiceRequest, "service requests");

/// The period of the statistics.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct StatsQuery {
    /// Requests made at or after (RFC 3339).
    pub from: Option<DateTime<Utc>>,
    /// Requests made before (RFC 3339).
    pub to: Option<DateTime<Utc>>,
}

/// Figures for a group of requests.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatsFigures {
    pub requests: u64,
    pub open: u64,
    /// Open and past due now.
    pub overdue: u64,
    pub resolved: u64,
    pub avg_first_response_seconds: Option<f64>,
    pub avg_resolution_seconds: Option<f64>,
    /// Mean rating 1–5.
    pub csat_average: Option<f64>,
    pub ratings: u64,
    /// Ratings of 1, 2, 3, 4 and 5.
    pub distribution: [u64; 5],
}

impl From<Figures> for StatsFigures {
    fn from(f: Figures) -> Self {
        Self {
            requests: f.requests,
            open: f.open,
            overdue: f.overdue,
            resolved: f.resolved,
            avg_first_response_seconds: f.avg_first_response_secs,
            avg_resolution_seconds: f.avg_resolution_secs,
            csat_average: f.csat_avg,
            ratings: f.ratings,
            distribution: f.distribution,
        }
    }
}

/// Figures of one agent.
#[derive(Debug, Serialize, ToSchema)]
pub struct AgentFigures {
    /// Null for unassigned requests.
    pub agent_id: Option<i64>,
    #[serde(flatten)]
    pub figures: StatsFigures,
}

/// Figures of one priority or month.
#[derive(Debug, Serialize, ToSchema)]
pub struct KeyedFigures {
    /// The priority, or the month as `YYYY-MM`.
    pub key: String,
    #[serde(flatten)]
    pub figures: StatsFigures,
}

/// Service statistics over a period.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceStats {
    pub total: StatsFigures,
    pub by_agent: Vec<AgentFigures>,
    pub by_priority: Vec<KeyedFigures>,
    pub by_month: Vec<KeyedFigures>,
}

impl From<DomainStats> for ServiceStats {
    fn from(s: DomainStats) -> Self {
        let keyed =
            |v: Vec<(String, Figures)>| v.into_iter().map(|(key, f)| KeyedFigures { key, figures: f.into() }).collect();
        Self {
            total: s.total.into(),
            by_agent: s
                .by_agent
                .into_iter()
                .map(|(agent_id, f)| AgentFigures { agent_id, figures: f.into() })
                .collect(),
            by_priority: keyed(s.by_priority),
            by_month: keyed(s.by_month),
        }
    }
}

/// Service settings.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceSettings {
    pub sla_hours: SlaHoursBody,
    /// Support agents see and work only the requests assigned to them.
    pub support_own_only: bool,
}

/// Hours to resolve per priority (1–8760).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SlaHoursBody {
    #[schema(minimum = 1, maximum = 8760)]
    pub low: u32,
    #[schema(minimum = 1, maximum = 8760)]
    pub normal: u32,
    #[schema(minimum = 1, maximum = 8760)]
    pub high: u32,
    #[schema(minimum = 1, maximum = 8760)]
    pub urgent: u32,
}

impl From<svc::ServiceSettings> for ServiceSettings {
    fn from(s: svc::ServiceSettings) -> Self {
        let h = s.sla_hours;
        Self {
            sla_hours: SlaHoursBody { low: h.low, normal: h.normal, high: h.high, urgent: h.urgent },
            support_own_only: s.support_own_only,
        }
    }
}

impl From<ServiceSettings> for svc::ServiceSettings {
    fn from(s: ServiceSettings) -> Self {
        let h = s.sla_hours;
        Self {
            sla_hours: SlaHours { low: h.low, normal: h.normal, high: h.high, urgent: h.urgent },
            support_own_only: s.support_own_only,
        }
    }
}
