//! A campaign as read, its delivery progress, and the list filters.

use chrono::{DateTime, Utc};
use rapport_domain::services::campaigns as svc;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A campaign.
#[derive(Debug, Serialize, ToSchema)]
pub struct Campaign {
    pub id: i64,
    pub name: String,
    /// The goal in words, e.g. "200 orders from lapsed customers".
    pub goal: Option<String>,
    /// What `goal_target` counts: orders, revenue, converted, clicked or opened.
    pub goal_metric: Option<String>,
    #[schema(value_type = Option<String>, example = "200")]
    pub goal_target: Option<Decimal>,
    pub strategy: Option<String>,
    pub plan: Option<String>,
    /// email, sms or phone.
    pub channel: String,
    pub segment_id: Option<i64>,
    /// Template of the subject (email).
    pub subject: Option<String>,
    /// Template of the body (email, SMS) or the call script (phone).
    pub body: String,
    #[schema(value_type = Option<String>, example = "5000.00")]
    pub budget: Option<Decimal>,
    /// The actual cost so far.
    #[schema(value_type = String, example = "1200.00")]
    pub cost: Decimal,
    pub start_at: Option<DateTime<Utc>>,
    pub end_at: Option<DateTime<Utc>>,
    /// Orders this many days after a message count as its conversions.
    pub attribution_days: i32,
    /// draft, scheduled, running, completed or cancelled.
    pub status: String,
    /// Segment members at launch.
    pub targeted: i64,
    pub skipped_opt_out: i64,
    pub skipped_no_address: i64,
    pub created_by: Option<i64>,
    pub launched_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
    /// Delivery so far (single-campaign reads only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub progress: Option<Progress>,
}

impl From<svc::Campaign> for Campaign {
    fn from(c: svc::Campaign) -> Self {
        let two = |d: Decimal| d.round_dp(2);
        Self {
            id: c.id,
            name: c.name,
            goal: c.goal,
            goal_metric: c.goal_metric,
            goal_target: c.goal_target.map(|d| d.normalize()),
            strategy: c.strategy,
            plan: c.plan,
            channel: c.channel,
            segment_id: c.segment_id,
            subject: c.subject,
            body: c.body,
            budget: c.budget.map(two),
            cost: two(c.cost),
            start_at: c.start_at,
            end_at: c.end_at,
            attribution_days: c.attribution_days,
            status: c.status,
            targeted: c.targeted,
            skipped_opt_out: c.skipped_opt_out,
            skipped_no_address: c.skipped_no_address,
            created_by: c.created_by,
            launched_at: c.launched_at,
            completed_at: c.completed_at,
            created_at: c.created_at,
            updated_at: c.updated_at,
            version: c.version,
            progress: None,
        }
    }
}

/// Messages by delivery status (test sends excluded).
#[derive(Debug, Serialize, ToSchema)]
pub struct Progress {
    /// Waiting to be sent, or being sent.
    pub queued: i64,
    pub sent: i64,
    pub failed: i64,
    pub cancelled: i64,
}

impl From<svc::Progress> for Progress {
    fn from(p: svc::Progress) -> Self {
        Self { queued: p.queued, sent: p.sent, failed: p.failed, cancelled: p.cancelled }
    }
}

crate::dto::page_type!(CampaignPage, Campaign, svc::Campaign, "campaigns");

/// Campaign list filters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CampaignQuery {
    /// draft, scheduled, running, completed or cancelled.
    pub status: Option<String>,
    /// email, sms or phone.
    pub channel: Option<String>,
    #[param(minimum = 1)]
    pub page: Option<u64>,
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u64>,
}
