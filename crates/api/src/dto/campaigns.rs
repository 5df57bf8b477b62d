//! Campaign, message, statistics, outbox and opt-out bodies.

use chrono::{DateTime, NaiveDate, Utc};
use rapport_domain::services::campaigns::{self as svc, launch, stats};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::patch;

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

super::page_type!(CampaignPage, Campaign, svc::Campaign, "campaigns");

/// A new campaign (a draft). Templates may use `{{name}}`, `{{first_name}}`, `{{email}}`,
/// `{{phone}}`, `{{city}}`, `{{company}}`, `{{first_recommended_product}}` and
/// `{{unsubscribe_url}}`; anything else in double braces is refused.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CampaignCreate {
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    #[schema(max_length = 2000)]
    pub goal: Option<String>,
    pub goal_metric: Option<String>,
    #[serde(default, with = "rust_decimal::serde::str_option")]
    #[schema(value_type = Option<String>, example = "200")]
    pub goal_target: Option<Decimal>,
    #[schema(max_length = 10000)]
    pub strategy: Option<String>,
    #[schema(max_length = 10000)]
    pub plan: Option<String>,
    /// email, sms or phone.
    pub channel: String,
    pub segment_id: Option<i64>,
    #[schema(max_length = 300)]
    pub subject: Option<String>,
    #[schema(min_length = 1, max_length = 100000)]
    pub body: String,
    #[serde(default, with = "rust_decimal::serde::str_option")]
    #[schema(value_type = Option<String>, example = "5000.00")]
    pub budget: Option<Decimal>,
    #[serde(default, with = "rust_decimal::serde::str_option")]
    #[schema(value_type = Option<String>, example = "0.00")]
    pub cost: Option<Decimal>,
    pub start_at: Option<DateTime<Utc>>,
    pub end_at: Option<DateTime<Utc>>,
    /// Default 14.
    #[schema(minimum = 1, maximum = 365)]
    pub attribution_days: Option<i32>,
}

impl From<CampaignCreate> for svc::CampaignInput {
    fn from(c: CampaignCreate) -> Self {
        Self {
            name: c.name,
            goal: c.goal,
            goal_metric: c.goal_metric,
            goal_target: c.goal_target,
            strategy: c.strategy,
            plan: c.plan,
            channel: c.channel,
            segment_id: c.segment_id,
            subject: c.subject,
            body: c.body,
            budget: c.budget,
            cost: c.cost,
            start_at: c.start_at,
            end_at: c.end_at,
            attribution_days: c.attribution_days,
        }
    }
}

/// Fields to change; `null` clears an optional field. After launch only name, goal,
/// strategy, plan and cost may change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CampaignUpdate {
    #[schema(min_length = 1, max_length = 200)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>, max_length = 2000)]
    pub goal: Option<Option<String>>,
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>)]
    pub goal_metric: Option<Option<String>>,
    #[serde(default, deserialize_with = "decimal_patch")]
    #[schema(value_type = Option<String>, example = "200")]
    pub goal_target: Option<Option<Decimal>>,
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>, max_length = 10000)]
    pub strategy: Option<Option<String>>,
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>, max_length = 10000)]
    pub plan: Option<Option<String>>,
    pub channel: Option<String>,
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<i64>)]
    pub segment_id: Option<Option<i64>>,
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>, max_length = 300)]
    pub subject: Option<Option<String>>,
    #[schema(min_length = 1, max_length = 100000)]
    pub body: Option<String>,
    #[serde(default, deserialize_with = "decimal_patch")]
    #[schema(value_type = Option<String>, example = "5000.00")]
    pub budget: Option<Option<Decimal>>,
    #[serde(default, with = "rust_decimal::serde::str_option")]
    #[schema(value_type = Option<String>, example = "1200.00")]
    pub cost: Option<Decimal>,
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<DateTime<Utc>>)]
    pub start_at: Option<Option<DateTime<Utc>>>,
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<DateTime<Utc>>)]
    pub end_at: Option<Option<DateTime<Utc>>>,
    #[schema(minimum = 1, maximum = 365)]
    pub attribution_days: Option<i32>,
}

fn decimal_patch<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<Decimal>>, D::Error> {
    let v: Option<String> = Option::deserialize(d)?;
    match v {
        None => Ok(Some(None)),
        Some(s) => s.parse().map(|x| Some(Some(x))).map_err(serde::de::Error::custom),
    }
}

impl From<CampaignUpdate> for svc::CampaignChanges {
    fn from(c: CampaignUpdate) -> Self {
        Self {
            name: c.name,
            goal: c.goal,
            goal_metric: c.goal_metric,
            goal_target: c.goal_target,
            strategy: c.strategy,
            plan: c.plan,
            channel: c.channel,
            segment_id: c.segment_id,
            subject: c.subject,
            body: c.body,
            budget: c.budget,
            cost: c.cost,
            start_at: c.start_at,
            end_at: c.end_at,
            attribution_days: c.attribution_days,
        }
    }
}

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

super::page_type!(CampaignMessagePage, CampaignMessage, svc::Message, "campaign messages");

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

/// Rates as decimal strings with four places (absent when their base is zero).
#[derive(Debug, Serialize, ToSchema)]
pub struct Rates {
    #[schema(value_type = Option<String>)]
    pub delivery: Option<Decimal>,
    #[schema(value_type = Option<String>)]
    pub open: Option<Decimal>,
    #[schema(value_type = Option<String>)]
    pub click: Option<Decimal>,
    #[schema(value_type = Option<String>)]
    pub conversion: Option<Decimal>,
}

/// Progress toward the campaign's goal.
#[derive(Debug, Serialize, ToSchema)]
pub struct GoalProgress {
    pub metric: String,
    #[schema(value_type = String)]
    pub target: Decimal,
    #[schema(value_type = String)]
    pub actual: Decimal,
    /// actual / target.
    #[schema(value_type = String, example = "0.4150")]
    pub progress: Decimal,
}

/// A campaign's effectiveness. Conversions are orders (not cancelled) placed within the
/// attribution window after a message was sent, last touch.
#[derive(Debug, Serialize, ToSchema)]
pub struct CampaignStats {
    pub campaign_id: i64,
    pub name: String,
    pub channel: String,
    pub status: String,
    pub targeted: i64,
    pub skipped: i64,
    pub skipped_opt_out: i64,
    pub skipped_no_address: i64,
    pub queued: i64,
    pub sent: i64,
    pub failed: i64,
    pub cancelled: i64,
    pub opened: i64,
    pub clicked: i64,
    /// Customers with an attributed order.
    pub converted: i64,
    /// Attributed orders.
    pub orders: i64,
    #[schema(value_type = String, example = "18250.00")]
    pub revenue: Decimal,
    #[schema(value_type = String, example = "1200.00")]
    pub cost: Decimal,
    #[schema(value_type = Option<String>)]
    pub budget: Option<Decimal>,
    /// (revenue − cost) / cost; absent while the cost is zero.
    #[schema(value_type = Option<String>, example = "14.2083")]
    pub roi: Option<Decimal>,
    pub rates: Rates,
    pub goal: Option<GoalProgress>,
    /// Opens, clicks and conversions by day (single-campaign reads only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by_day: Option<Vec<DayCounts>>,
}

/// One day's activity.
#[derive(Debug, Serialize, ToSchema)]
pub struct DayCounts {
    pub date: NaiveDate,
    pub opened: i64,
    pub clicked: i64,
    pub converted: i64,
    #[schema(value_type = String)]
    pub revenue: Decimal,
}

impl From<stats::CampaignStats> for CampaignStats {
    fn from(s: stats::CampaignStats) -> Self {
        let two = |d: Decimal| d.round_dp(2);
        Self {
            campaign_id: s.campaign_id,
            name: s.name,
            channel: s.channel,
            status: s.status,
            targeted: s.targeted,
            skipped: s.skipped,
            skipped_opt_out: s.skipped_opt_out,
            skipped_no_address: s.skipped_no_address,
            queued: s.queued,
            sent: s.sent,
            failed: s.failed,
            cancelled: s.cancelled,
            opened: s.opened,
            clicked: s.clicked,
            converted: s.converted,
            orders: s.orders,
            revenue: two(s.revenue),
            cost: two(s.cost),
            budget: s.budget.map(two),
            roi: s.roi,
            rates: Rates {
                delivery: s.rates.delivery,
                open: s.rates.open,
                click: s.rates.click,
                conversion: s.rates.conversion,
            },
            goal: s.goal.map(|g| GoalProgress {
                metric: g.metric,
                target: g.target.normalize(),
                actual: g.actual.normalize(),
                progress: g.progress,
            }),
            by_day: None,
        }
    }
}

impl From<stats::DayCounts> for DayCounts {
    fn from(d: stats::DayCounts) -> Self {
        Self {
            date: d.date,
            opened: d.opened,
            clicked: d.clicked,
            converted: d.converted,
            revenue: d.revenue.round_dp(2),
        }
    }
}

/// Campaigns to compare.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CompareQuery {
    /// Comma-separated campaign ids (1–20).
    #[param(example = "1,2,3")]
    pub ids: String,
}
