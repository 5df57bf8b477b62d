//! Webhook subscription and delivery bodies.

use chrono::{DateTime, Utc};
use rapport_domain::services::webhooks::{self as svc, Delivery, NewWebhook, WebhookChanges};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::patch;

/// A subscription of a URL to events. Its secret is never shown after creation.
#[derive(Debug, Serialize, ToSchema)]
pub struct Webhook {
    pub id: i64,
    pub url: String,
    /// Event names (`customer.created`) and wildcards (`customer.*`, `*`).
    pub events: Vec<String>,
    /// Whether events are delivered. The server switches a subscription off after
    /// repeated failed deliveries, saying why in `disabled_reason`.
    pub active: bool,
    pub description: Option<String>,
    pub disabled_reason: Option<String>,
    pub created_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

impl From<svc::Webhook> for Webhook {
    fn from(w: svc::Webhook) -> Self {
        Self {
            id: w.id,
            url: w.url,
            events: w.events,
            active: w.active,
            description: w.description,
            disabled_reason: w.disabled_reason,
            created_by: w.created_by,
            created_at: w.created_at,
            updated_at: w.updated_at,
            version: w.version,
        }
    }
}

/// Every subscription, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookList {
    pub items: Vec<Webhook>,
}

/// A new subscription.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookCreate {
    /// An http(s) URL on a public address.
    #[schema(max_length = 2000, example = "https://example.com/rapport-hooks")]
    pub url: String,
    /// Events to deliver: names such as `customer.created`, or wildcards such as `customer.*` and `*`.
    #[schema(example = json!(["customer.*", "order.created"]))]
    pub events: Vec<String>,
    #[schema(max_length = 500)]
    pub description: Option<String>,
    /// Default true.
    pub active: Option<bool>,
}

impl From<WebhookCreate> for NewWebhook {
    fn from(b: WebhookCreate) -> Self {
        Self { url: b.url, events: b.events, description: b.description, active: b.active }
    }
}

/// A new subscription with its signing secret, shown only this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookCreated {
    #[serde(flatten)]
    pub webhook: Webhook,
    /// The HMAC-SHA256 key of `X-Rapport-Signature` (`whsec_…`); keep it, it is not shown again.
    pub secret: String,
}

/// Fields to change; absent fields stay, `null` clears the description. Switching a
/// subscription on again clears `disabled_reason`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookUpdate {
    #[schema(max_length = 2000)]
    pub url: Option<String>,
    pub events: Option<Vec<String>>,
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>, max_length = 500)]
    pub description: Option<Option<String>>,
    pub active: Option<bool>,
}

impl From<WebhookUpdate> for WebhookChanges {
    fn from(b: WebhookUpdate) -> Self {
        Self { url: b.url, events: b.events, description: b.description, active: b.active }
    }
}

/// One delivery of an event to a subscription.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookDelivery {
    /// Sent as `X-Rapport-Delivery`.
    pub id: i64,
    pub webhook_id: i64,
    /// The event's `id` in the body; redeliveries share it.
    pub event_id: String,
    /// Sent as `X-Rapport-Event`.
    pub event_type: String,
    /// `queued`, `sending`, `delivered`, `failed` or `cancelled`.
    pub status: String,
    pub attempts: i32,
    /// The HTTP status of the last answer.
    pub response_code: Option<i32>,
    pub last_error: Option<String>,
    /// When the next attempt is due (queued deliveries).
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// The delivery this one repeats.
    pub redelivery_of: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    pub delivered_at: Option<DateTime<Utc>>,
}

impl From<Delivery> for WebhookDelivery {
    fn from(d: Delivery) -> Self {
        Self {
            id: d.id,
            webhook_id: d.webhook_id,
            event_id: d.event_id,
            event_type: d.event_type,
            status: d.status,
            attempts: d.attempts,
            response_code: d.response_code,
            last_error: d.last_error,
            next_attempt_at: d.next_attempt_at,
            redelivery_of: d.redelivery_of,
            created_at: d.created_at,
            last_attempt_at: d.last_attempt_at,
            delivered_at: d.delivered_at,
        }
    }
}

super::page_type!(WebhookDeliveryPage, WebhookDelivery, Delivery, "webhook deliveries");

/// Delivery filters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct WebhookDeliveryQuery {
    /// queued, sending, delivered, failed or cancelled.
    pub status: Option<String>,
    #[param(minimum = 1)]
    pub page: Option<u64>,
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u64>,
}
