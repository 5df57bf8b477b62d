//! Outbox, opt-out and SMS-reply bodies.

use chrono::{DateTime, Utc};
use rapport_domain::services::{opt_outs, outbox};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// One message in the outbox.
#[derive(Debug, Serialize, ToSchema)]
pub struct OutboxMessage {
    pub id: i64,
    /// The message's stable id (also its email `Message-ID`).
    pub message_id: String,
    pub channel: String,
    pub recipient: String,
    pub subject: Option<String>,
    pub body: String,
    pub html: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<outbox::OutboxMessage> for OutboxMessage {
    fn from(m: outbox::OutboxMessage) -> Self {
        Self {
            id: m.id,
            message_id: m.message_id,
            channel: m.channel,
            recipient: m.recipient,
            subject: m.subject,
            body: m.body,
            html: m.html,
            created_at: m.created_at,
        }
    }
}

super::page_type!(OutboxPage, OutboxMessage, outbox::OutboxMessage, "outbox messages");

/// Outbox filters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OutboxQuery {
    /// email or sms.
    pub channel: Option<String>,
    /// Exact recipient.
    #[param(max_length = 320)]
    pub recipient: Option<String>,
    #[param(minimum = 1)]
    pub page: Option<u64>,
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u64>,
}

/// A customer's opt-out of one channel.
#[derive(Debug, Serialize, ToSchema)]
pub struct OptOut {
    /// email, sms or phone.
    pub channel: String,
    /// api, unsubscribe_link or sms_reply.
    pub source: String,
    pub created_at: DateTime<Utc>,
}

impl From<opt_outs::OptOut> for OptOut {
    fn from(o: opt_outs::OptOut) -> Self {
        Self { channel: o.channel, source: o.source, created_at: o.created_at }
    }
}

/// Opt a customer out of a channel.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OptOutCreate {
    /// email, sms or phone.
    pub channel: String,
}

/// An inbound SMS, forwarded by the gateway.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SmsReply {
    /// The sender's number, as stored on customers.
    #[schema(min_length = 1, max_length = 40, pattern = r"\S")]
    pub from: String,
    #[schema(max_length = 2000)]
    pub body: String,
}

/// What the reply did.
#[derive(Debug, Serialize, ToSchema)]
pub struct SmsReplyOutcome {
    /// Whether the reply was a stop word (STOP, UNSUBSCRIBE, TD, 退订, …).
    pub stop: bool,
    /// Customers with that number now opted out of SMS.
    pub customer_ids: Vec<i64>,
}

impl From<opt_outs::ReplyOutcome> for SmsReplyOutcome {
    fn from(o: opt_outs::ReplyOutcome) -> Self {
        Self { stop: o.stop, customer_ids: o.customer_ids }
    }
}
