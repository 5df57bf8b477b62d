//! Test sends and the messages of a campaign.

use chrono::{DateTime, Utc};
use rapport_domain::services::campaigns::{self as svc, launch};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Render the campaign for one customer; with `to`, also send a test message there.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TestSendRequest {
    pub customer_id: i64,
    /// An email address (email campaigns) or phone number (SMS campaigns).
    #[schema(max_length = 320)]
    pub to: Option<String>,
}

/// The rendered campaign.
#[derive(Debug, Serialize, ToSchema)]
pub struct TestSendResult {
    pub customer_id: i64,
    pub channel: String,
    pub subject: Option<String>,
    /// Plain text with tracked links.
    pub text: String,
    /// Email: the HTML alternative.
    pub html: Option<String>,
    /// The queued test message, when `to` was given.
    pub message_id: Option<i64>,
    pub to: Option<String>,
}

impl From<launch::TestSend> for TestSendResult {
    fn from(t: launch::TestSend) -> Self {
        Self {
            customer_id: t.customer_id,
            channel: t.channel,
            subject: t.subject,
            text: t.text,
            html: t.html,
            message_id: t.message_id,
            to: t.to,
        }
    }
}

/// One message of a campaign.
#[derive(Debug, Serialize, ToSchema)]
pub struct CampaignMessage {
    pub id: i64,
    pub customer_id: i64,
    pub channel: String,
    pub recipient: String,
    pub is_test: bool,
    /// queued, sending, sent, failed or cancelled.
    pub status: String,
    pub attempts: i32,
    /// The last failure (or why it was cancelled).
    pub error: Option<String>,
    pub subject: Option<String>,
    pub sent_at: Option<DateTime<Utc>>,
    pub opened_at: Option<DateTime<Utc>>,
    pub clicked_at: Option<DateTime<Utc>>,
    pub opens: i32,
    pub clicks: i32,
    /// Phone campaigns: the call activity.
    pub activity_id: Option<i64>,
    pub created_at: DateTime<Utc>,
}

impl From<svc::Message> for CampaignMessage {
    fn from(m: svc::Message) -> Self {
        Self {
            id: m.id,
            customer_id: m.customer_id,
            channel: m.channel,
            recipient: m.recipient,
            is_test: m.is_test,
            status: m.status,
            attempts: m.attempts,
            error: m.error,
            subject: m.subject,
            sent_at: m.sent_at,
            opened_at: m.opened_at,
            clicked_at: m.clicked_at,
            opens: m.opens,
            clicks: m.clicks,
            activity_id: m.activity_id,
            created_at: m.created_at,
        }
    }
}

crate::dto::page_type!(CampaignMessagePage, CampaignMessage, svc::Message, "campaign messages");

/// Message list filters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct MessageQuery {
    /// queued, sending, sent, failed or cancelled.
    pub status: Option<String>,
    #[param(minimum = 1)]
    pub page: Option<u64>,
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u64>,
}
