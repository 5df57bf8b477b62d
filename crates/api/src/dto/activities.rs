//! Activity and follow-up bodies.

use chrono::{DateTime, Utc};
use rapport_domain::list::Paging;
use rapport_domain::repo::activities::ActivityFilter;
use rapport_domain::services::activities as svc;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::leads::Lead;
use super::opportunities::Opportunity;
use super::patch;
use crate::error::ApiError;

/// A call, email, meeting, note or task.
#[derive(Debug, Serialize, ToSchema)]
pub struct Activity {
    pub id: i64,
    /// call, email, meeting, note or task.
    pub kind: String,
    pub subject: String,
    pub body: Option<String>,
    pub due_at: Option<DateTime<Utc>>,
    pub done_at: Option<DateTime<Utc>>,
    /// What came of it, recorded when it was completed.
    pub outcome: Option<String>,
    pub owner_id: i64,
    pub customer_id: Option<i64>,
    pub lead_id: Option<i64>,
    pub opportunity_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

impl From<svc::Activity> for Activity {
    fn from(a: svc::Activity) -> Self {
        Self {
            id: a.id,
            kind: a.kind,
            subject: a.subject,
            body: a.body,
            due_at: a.due_at,
            done_at: a.done_at,
            outcome: a.outcome,
            owner_id: a.owner_id,
            customer_id: a.customer_id,
            lead_id: a.lead_id,
            opportunity_id: a.opportunity_id,
            created_at: a.created_at,
            updated_at: a.updated_at,
            version: a.version,
        }
    }
}

/// A new activity, linked to exactly one customer, lead or opportunity.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActivityCreate {
    /// call, email, meeting, note or task.
    pub kind: String,
    #[schema(max_length = 200, min_length = 1)]
    pub subject: String,
    #[schema(max_length = 10000)]
    pub body: Option<String>,
    pub due_at: Option<DateTime<Utc>>,
    /// Default: you.
    pub owner_id: Option<i64>,
    pub customer_id: Option<i64>,
    pub lead_id: Option<i64>,
    pub opportunity_id: Option<i64>,
}

impl From<ActivityCreate> for svc::NewActivity {
    fn from(a: ActivityCreate) -> Self {
        Self {
            kind: a.kind,
            subject: a.subject,
            body: a.body,
            due_at: a.due_at,
            owner_id: a.owner_id,
            customer_id: a.customer_id,
            lead_id: a.lead_id,
            opportunity_id: a.opportunity_id,
        }
    }
}

/// Fields to change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActivityUpdate {
    pub kind: Option<String>,
    #[schema(max_length = 200, min_length = 1)]
    pub subject: Option<String>,
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>, max_length = 10000)]
    pub body: Option<Option<String>>,
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<DateTime<Utc>>)]
    pub due_at: Option<Option<DateTime<Utc>>>,
    pub owner_id: Option<i64>,
}

impl From<ActivityUpdate> for svc::ActivityChanges {
    fn from(a: ActivityUpdate) -> Self {
        Self { kind: a.kind, subject: a.subject, body: a.body, due_at: a.due_at, owner_id: a.owner_id }
    }
}

/// Activity list parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ActivityQuery {
    pub owner_id: Option<i64>,
    pub kind: Option<String>,
    pub customer_id: Option<i64>,
    pub lead_id: Option<i64>,
    pub opportunity_id: Option<i64>,
    /// Due at or after.
    pub due_from: Option<DateTime<Utc>>,
    /// Due before.
    pub due_to: Option<DateTime<Utc>>,
    /// `true`: only done; `false`: only open.
    pub done: Option<bool>,
    /// Comma list of id, due_at, created_at. Default `-created_at`.
    pub sort: Option<String>,
    #[param(minimum = 1)]
    pub page: Option<u64>,
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u64>,
    pub cursor: Option<String>,
    pub count: Option<bool>,
}

impl ActivityQuery {
    /// The filter, the sort spec and the paging.
    ///
    /// # Errors
    /// `validation_failed` for bad paging values.
    pub fn split(self) -> Result<(ActivityFilter, Option<String>, Paging), ApiError> {
        let paging = super::paging(self.page, self.per_page, self.cursor.as_deref(), self.count)?;
        let filter = ActivityFilter {
            owner_id: self.owner_id,
            kind: self.kind,
            customer_id: self.customer_id,
            lead_id: self.lead_id,
            opportunity_id: self.opportunity_id,
            due_from: self.due_from.map(|t| t.naive_utc()),
            due_to: self.due_to.map(|t| t.naive_utc()),
            done: self.done,
        };
        Ok((filter, self.sort, paging))
    }
}

super::page_type!(ActivityPage, Activity, svc::Activity, "activities");

/// Follow-up parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct FollowUpQuery {
    /// Whose lists (default: yours; others' need admin or manager).
    pub user_id: Option<i64>,
    /// A lead or opportunity is idle after this many days without activity (default 14).
    #[param(minimum = 1, maximum = 3650)]
    pub idle_days: Option<u32>,
}

/// What a user should follow up on (each list at most 200 long).
#[derive(Debug, Serialize, ToSchema)]
pub struct FollowUps {
    pub user_id: i64,
    pub idle_days: u32,
    /// Open activities due before now, oldest first.
    pub overdue: Vec<Activity>,
    /// Open activities due from now to the end of today (UTC), earliest first.
    pub due_today: Vec<Activity>,
    /// Open leads without activity for `idle_days`, longest idle first.
    pub idle_leads: Vec<Lead>,
    /// Open opportunities without activity for `idle_days`, longest idle first.
    pub idle_opportunities: Vec<Opportunity>,
}

impl From<svc::FollowUps> for FollowUps {
    fn from(f: svc::FollowUps) -> Self {
        Self {
            user_id: f.user_id,
            idle_days: f.idle_days,
            overdue: f.overdue.into_iter().map(Activity::from).collect(),
            due_today: f.due_today.into_iter().map(Activity::from).collect(),
            idle_leads: f.idle_leads.into_iter().map(Lead::from).collect(),
            idle_opportunities: f.idle_opportunities.into_iter().map(Opportunity::from).collect(),
        }
    }
}

/// Completing an activity: what came of it (optional; the body may be empty).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActivityComplete {
    /// E.g. "Reached, wants a quote" or "No answer".
    #[schema(max_length = 2000)]
    pub outcome: Option<String>,
}
