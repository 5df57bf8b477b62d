//! The service request as the outside world sees it.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::Serialize;

use crate::entities::{service_request, service_update};
use crate::rules::sla::{self, SlaStatus};
use crate::time::utc;

/// How a request stands against its SLA.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Sla {
    pub due_at: DateTime<Utc>,
    pub seconds_left: i64,
    pub breached: bool,
}

/// A service request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ServiceRequest {
    pub id: i64,
    pub customer_id: i64,
    pub order_id: Option<i64>,
    pub subject: String,
    pub description: Option<String>,
    pub channel: String,
    pub priority: String,
    pub request_date: DateTime<Utc>,
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
    /// The customer's rating link while one can be given (resolved, unrated, not expired).
    pub rating_url: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

impl ServiceRequest {
    /// The request at `now`, with its rating link when there is one.
    pub fn at(m: service_request::Model, now: NaiveDateTime, rating_url: Option<String>) -> Self {
        let SlaStatus { seconds_left, breached } = sla::status(m.due_at, m.resolved_at, now);
        Self {
            id: m.id,
            customer_id: m.customer_id,
            order_id: m.order_id,
            subject: m.subject,
            description: m.description,
            channel: m.channel,
            priority: m.priority,
            request_date: utc(m.request_date),
            status: m.status,
            assignee_id: m.assignee_id,
            due_at: utc(m.due_at),
            first_response_at: m.first_response_at.map(utc),
            resolved_at: m.resolved_at.map(utc),
            closed_at: m.closed_at.map(utc),
            sla: Sla { due_at: utc(m.due_at), seconds_left, breached },
            rating: m.rating,
            rating_comment: m.rating_comment,
            rated_at: m.rated_at.map(utc),
            rating_url,
            created_at: utc(m.created_at),
            updated_at: utc(m.updated_at),
            version: m.version,
        }
    }
}

/// One entry of a request's progress.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ServiceUpdate {
    pub id: i64,
    /// `created`, `status`, `assignment`, `comment` or `rating`.
    pub kind: String,
    pub body: Option<String>,
    /// `internal` (staff only) or `customer` (customer-facing).
    pub visibility: String,
    pub from_status: Option<String>,
    pub to_status: Option<String>,
    pub author_id: Option<i64>,
    /// `user:3`, `api_key:2`, `customer` or `system`.
    pub author: String,
    pub at: DateTime<Utc>,
}

impl From<service_update::Model> for ServiceUpdate {
    fn from(m: service_update::Model) -> Self {
        Self {
            id: m.id,
            kind: m.kind,
            body: m.body,
            visibility: m.visibility,
            from_status: m.from_status,
            to_status: m.to_status,
            author_id: m.author_id,
            author: m.author,
            at: utc(m.at),
        }
    }
}
