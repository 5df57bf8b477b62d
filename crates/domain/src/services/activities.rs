//! Activities (calls, emails, meetings, notes, tasks) and the follow-up lists built on them.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, TransactionTrait,
};
use serde::Serialize;

use crate::entities::activity;
use crate::error::{DomainError, Result};
use crate::list::{Page, Paging, parse_sort};
use crate::repo::activities::{self as repo, ActivityFilter};
use crate::repo::audit::{self, Change};
use crate::rules::validate::{self, Problems};
use crate::services::customers::{check_version, visible_customer};
use crate::services::leads::{self, Lead};
use crate::services::opportunities::{self, Opportunity};
use crate::services::{require_active_user, snapshot};
use crate::time::{now, utc};
use crate::{Action, Actor, Scope};

/// Kinds of activity.
pub const KINDS: &[&str] = &["call", "email", "meeting", "note", "task"];

/// An activity as the outside world sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Activity {
    pub id: i64,
    pub kind: String,
    pub subject: String,
    pub body: Option<String>,
    pub due_at: Option<DateTime<Utc>>,
    pub done_at: Option<DateTime<Utc>>,
    /// What came of it (e.g. a call's result), recorded when it is done.
    pub outcome: Option<String>,
    pub owner_id: i64,
    pub customer_id: Option<i64>,
    pub lead_id: Option<i64>,
    pub opportunity_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

impl From<activity::Model> for Activity {
    fn from(m: activity::Model) -> Self {
        Self {
            id: m.id,
            kind: m.kind,
            subject: m.subject,
            body: m.body,
            due_at: m.due_at.map(utc),
            done_at: m.done_at.map(utc),
            outcome: m.outcome,
            owner_id: m.owner_id,
            customer_id: m.customer_id,
            lead_id: m.lead_id,
            opportunity_id: m.opportunity_id,
            created_at: utc(m.created_at),
            updated_at: utc(m.updated_at),
            version: m.version,
        }
    }
}

/// The fields an activity is created from; exactly one link is required.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NewActivity {
    pub kind: String,
    pub subject: String,
    pub body: Option<String>,
    pub due_at: Option<DateTime<Utc>>,
    /// Defaults to the signed-in user.
    pub owner_id: Option<i64>,
    pub customer_id: Option<i64>,
    pub lead_id: Option<i64>,
    pub opportunity_id: Option<i64>,
}

/// A partial update.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ActivityChanges {
    pub kind: Option<String>,
    pub subject: Option<String>,
    pub body: Option<Option<String>>,
    pub due_at: Option<Option<DateTime<Utc>>>,
    pub owner_id: Option<i64>,
}

fn check_kind(p: &mut Problems, kind: &str) {
    if !KINDS.contains(&kind) {
        p.add("kind", format!("must be one of {}", KINDS.join(", ")));
    }
}

async fn visible(db: &impl ConnectionTrait, actor: &Actor, scope: Scope, id: i64) -> Result<activity::Model> {
    match repo::find_live(db, id).await? {
        Some(m) if actor.reaches(scope, Some(m.owner_id)) => Ok(m),
        _ => Err(DomainError::NotFound("activity")),
    }
}

/// The link must be exactly one record the actor may read.
async fn check_link(db: &impl ConnectionTrait, actor: &Actor, a: &NewActivity) -> Result<()> {
    let links = [a.customer_id.is_some(), a.lead_id.is_some(), a.opportunity_id.is_some()];
    if links.iter().filter(|l| **l).count() != 1 {
        return Err(DomainError::invalid(
            "customer_id",
            "link the activity to exactly one of customer_id, lead_id, opportunity_id",
        ));
    }
    let hidden = |field: &'static str| {
        move |e: DomainError| match e {
            DomainError::NotFound(_) | DomainError::Forbidden(_) => {
                DomainError::invalid(field, "is not a record you can see")
            }
            other => other,
        }
    };
    if let Some(id) = a.customer_id {
        let scope = actor.require(Action::CustomersRead).map_err(hidden("customer_id"))?;
        visible_customer(db, actor, scope, id).await.map_err(hidden("customer_id"))?;
    }
    if let Some(id) = a.lead_id {
        leads::check_visible(db, actor, id).await.map_err(hidden("lead_id"))?;
    }
    if let Some(id) = a.opportunity_id {
        opportunities::get(db, actor, id).await.map_err(hidden("opportunity_id"))?;
    }
    Ok(())
}

/// One activity.
///
/// # Errors
/// `Forbidden`, `NotFound`, database failures.
pub async fn get(db: &impl ConnectionTrait, actor: &Actor, id: i64) -> Result<Activity> {
    let scope = actor.require(Action::ActivitiesRead)?;
    Ok(visible(db, actor, scope, id).await?.into())
}

/// A page of the activities the actor may see.
///
/// # Errors
/// `Forbidden`, `Invalid`, database failures.
pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: &ActivityFilter,
    sort: Option<&str>,
    paging: &Paging,
) -> Result<Page<Activity>> {
    let scope = actor.require(Action::ActivitiesRead)?;
    if let Some(k) = &filter.kind {
        let mut p = Problems::default();
        check_kind(&mut p, k);
        p.finish()?;
    }
    let keys = parse_sort(sort, repo::SORT_FIELDS, repo::DEFAULT_SORT)?;
    let (rows, total, next) = repo::list(db, filter, actor.owner_filter(scope), &keys, paging).await?;
    Ok(crate::repo::page_of(rows.into_iter().map(Activity::from).collect(), paging, total, next))
}

/// Records an activity on a customer, lead or opportunity.
///
/// # Errors
/// `Forbidden`, `Invalid`, database failures.
pub async fn create(db: &DatabaseConnection, actor: &Actor, input: NewActivity) -> Result<Activity> {
    let scope = actor.require(Action::ActivitiesWrite)?;
    let mut p = Problems::default();
    check_kind(&mut p, &input.kind);
    let subject = validate::required(&mut p, "subject", &input.subject, 200);
    let body = validate::optional(&mut p, "body", input.body.as_deref(), 10_000);
    let owner = input.owner_id.or(actor.user_id);
    if owner.is_none() {
        p.add("owner_id", "is required when an API key creates an activity");
    }
    p.finish()?;
    let owner = owner.unwrap_or_default();
    if scope == Scope::Own && Some(owner) != actor.user_id {
        return Err(DomainError::Forbidden("you may only create your own activities".into()));
    }
    let txn = db.begin().await?;
    require_active_user(&txn, "owner_id", owner).await?;
    check_link(&txn, actor, &input).await?;
    let at = now();
    let id = activity::Entity::insert(activity::ActiveModel {
        kind: Set(input.kind),
        subject: Set(subject),
        body: Set(body),
        due_at: Set(input.due_at.map(|t| t.naive_utc())),
        done_at: Set(None),
        owner_id: Set(owner),
        customer_id: Set(input.customer_id),
        lead_id: Set(input.lead_id),
        opportunity_id: Set(input.opportunity_id),
        created_at: Set(at),
        updated_at: Set(at),
        deleted_at: Set(None),
        version: Set(1),
        ..Default::default()
    })
    .exec(&txn)
    .await?
    .last_insert_id;
    let row = repo::find_live(&txn, id).await?.ok_or(DomainError::NotFound("activity"))?;
    repo::touch_links(&txn, &row, at).await?;
    let created = Activity::from(row);
    audit::record(
        &txn,
        actor,
        Change { entity: "activity", entity_id: id, action: "create", before: None, after: snapshot(&created) },
    )
    .await?;
    txn.commit().await?;
    Ok(created)
}

async fn change(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    expected: Option<i32>,
    action: &str,
    edit: impl FnOnce(&activity::Model) -> Result<activity::ActiveModel>,
) -> Result<Activity> {
    let scope = actor.require(Action::ActivitiesWrite)?;
    let txn = db.begin().await?;
    let cur = visible(&txn, actor, scope, id).await?;
    check_version(expected, cur.version)?;
    let mut am = edit(&cur)?;
    if let sea_orm::ActiveValue::Set(owner) = am.owner_id
        && owner != cur.owner_id
    {
        if scope == Scope::Own {
            return Err(DomainError::Forbidden("you may only own your own activities".into()));
        }
        require_active_user(&txn, "owner_id", owner).await?;
    }
    let at = now();
    am.updated_at = Set(at);
    am.version = Set(cur.version + 1);
    let res = activity::Entity::update_many()
        .set(am)
        .filter(activity::Column::Id.eq(id))
        .filter(activity::Column::Version.eq(cur.version))
        .exec(&txn)
        .await?;
    if res.rows_affected != 1 {
        return Err(DomainError::StaleVersion { expected: cur.version, current: cur.version + 1 });
    }
    let row = repo::find_live(&txn, id).await?.ok_or(DomainError::NotFound("activity"))?;
    if action == "complete" {
        repo::touch_links(&txn, &row, at).await?;
    }
    let after = Activity::from(row);
    audit::record(
        &txn,
        actor,
        Change {
            entity: "activity",
            entity_id: id,
            action,
            before: snapshot(&Activity::from(cur)),
            after: snapshot(&after),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

/// Changes an activity.
///
/// # Errors
/// `Forbidden`, `NotFound`, `StaleVersion`, `Invalid`, database failures.
pub async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    expected: Option<i32>,
    c: ActivityChanges,
) -> Result<Activity> {
    change(db, actor, id, expected, "update", |cur| {
        let mut p = Problems::default();
        let kind = c.kind.clone().unwrap_or_else(|| cur.kind.clone());
        check_kind(&mut p, &kind);
        let subject = validate::required(&mut p, "subject", c.subject.as_deref().unwrap_or(&cur.subject), 200);
        let body = match &c.body {
            Some(b) => validate::optional(&mut p, "body", b.as_deref(), 10_000),
            None => cur.body.clone(),
        };
        p.finish()?;
        Ok(activity::ActiveModel {
            kind: Set(kind),
            subject: Set(subject),
            body: Set(body),
            due_at: Set(c.due_at.map_or(cur.due_at, |d| d.map(|t| t.naive_utc()))),
            owner_id: Set(c.owner_id.unwrap_or(cur.owner_id)),
            ..Default::default()
        })
    })
    .await
}

/// Marks an activity done now, with its outcome (e.g. what a call achieved).
///
/// # Errors
/// `Conflict` when it is done already; `Invalid` outcome; as [`update`].
pub async fn complete(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    expected: Option<i32>,
    outcome: Option<String>,
) -> Result<Activity> {
    let mut p = Problems::default();
    let outcome = validate::optional(&mut p, "outcome", outcome.as_deref(), 2000);
    p.finish()?;
    change(db, actor, id, expected, "complete", |cur| {
        if cur.done_at.is_some() {
            return Err(DomainError::Conflict(format!("activity {id} is done already")));
        }
        Ok(activity::ActiveModel { done_at: Set(Some(now())), outcome: Set(outcome), ..Default::default() })
    })
    .await
}

/// Soft-deletes an activity.
///
/// # Errors
/// As [`update`].
pub async fn delete(db: &DatabaseConnection, actor: &Actor, id: i64, expected: Option<i32>) -> Result<()> {
    change(db, actor, id, expected, "delete", |_| {
        Ok(activity::ActiveModel { deleted_at: Set(Some(now())), ..Default::default() })
    })
    .await
    .map(|_| ())
}

/// What a user should follow up on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FollowUps {
    pub user_id: i64,
    /// Open activities due before now, oldest first.
    pub overdue: Vec<Activity>,
    /// Open activities due from now to the end of today (UTC).
    pub due_today: Vec<Activity>,
    /// Open leads without activity for `idle_days`, longest idle first.
    pub idle_leads: Vec<Lead>,
    /// Open opportunities without activity for `idle_days`, longest idle first.
    pub idle_opportunities: Vec<Opportunity>,
    pub idle_days: u32,
}

/// The follow-up lists of `user_id` (default: the actor). Others' lists need `follow_ups:any`.
///
/// # Errors
/// `Forbidden`, `Invalid`, database failures.
pub async fn follow_ups(
    db: &impl ConnectionTrait,
    actor: &Actor,
    user_id: Option<i64>,
    idle_days: u32,
    at: NaiveDateTime,
) -> Result<FollowUps> {
    let user = match (user_id, actor.user_id) {
        (Some(u), Some(me)) if u == me => u,
        (Some(u), _) => {
            actor.require(Action::FollowUpsAny)?;
            u
        }
        (None, Some(me)) => me,
        (None, None) => return Err(DomainError::invalid("user_id", "is required when an API key asks")),
    };
    if !(1..=3650).contains(&idle_days) {
        return Err(DomainError::invalid("idle_days", "must be between 1 and 3650"));
    }
    let end_of_day = at.date().and_hms_opt(0, 0, 0).unwrap_or(at) + Duration::days(1);
    let idle_since = at - Duration::days(i64::from(idle_days));
    Ok(FollowUps {
        user_id: user,
        overdue: repo::open_due(db, user, None, at).await?.into_iter().map(Activity::from).collect(),
        due_today: repo::open_due(db, user, Some(at), end_of_day).await?.into_iter().map(Activity::from).collect(),
        idle_leads: repo::idle_leads(db, user, idle_since).await?.into_iter().map(Lead::from).collect(),
        idle_opportunities: repo::idle_opportunities(db, user, idle_since)
            .await?
            .into_iter()
            .map(Opportunity::from)
            .collect(),
        idle_days,
    })
}
