//! The bodies that create and change a campaign.

use chrono::{DateTime, Utc};
use rapport_domain::services::campaigns as svc;
use rust_decimal::Decimal;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::dto::patch;

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
