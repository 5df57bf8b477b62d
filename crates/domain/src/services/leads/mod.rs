//! Leads: people who might buy, assigned automatically, converted into a customer
//! and an opportunity once qualified.

mod assignment;
mod convert;

use assignment::assign;
pub use assignment::{assignment_rule, get_assignment_rule, set_assignment_rule};
pub use convert::{Conversion, Converted, convert};

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, TransactionTrait,
};
use serde::Serialize;

use crate::entities::lead;
use crate::error::{DomainError, Result};
use crate::list::{Page, Paging, parse_sort};
use crate::repo::audit::{self, Change};
use crate::repo::leads::{self as repo, LeadFilter};
use crate::rules::transitions::{self, LEAD};
use crate::rules::validate::{self, Problems};
use crate::services::customers::check_version;
use crate::services::{require_active_user, snapshot};
use crate::time::{now, utc};
use crate::{Action, Actor, Scope};

/// Where a lead came from.
pub const SOURCES: &[&str] = &["web", "referral", "event", "campaign", "import", "other"];

/// A lead as the outside world sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Lead {
    pub id: i64,
    pub name: String,
    pub company: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub source: String,
    pub status: String,
    pub owner_id: Option<i64>,
    pub notes: Option<String>,
    pub customer_id: Option<i64>,
    pub opportunity_id: Option<i64>,
    pub converted_at: Option<DateTime<Utc>>,
    pub last_activity_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

impl From<lead::Model> for Lead {
    fn from(m: lead::Model) -> Self {
        Self {
            id: m.id,
            name: m.name,
            company: m.company,
            email: m.email,
            phone: m.phone,
            source: m.source,
            status: m.status,
            owner_id: m.owner_id,
            notes: m.notes,
            customer_id: m.customer_id,
            opportunity_id: m.opportunity_id,
            converted_at: m.converted_at.map(utc),
            last_activity_at: utc(m.last_activity_at),
            created_at: utc(m.created_at),
            updated_at: utc(m.updated_at),
            version: m.version,
        }
    }
}

/// The fields a lead is created from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NewLead {
    pub name: String,
    pub company: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// Defaults to `other`.
    pub source: Option<String>,
    pub notes: Option<String>,
    /// Absent: assigned automatically (or to the creating sales rep).
    pub owner_id: Option<i64>,
}

/// A partial update; `status` moves by the rule table.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LeadChanges {
    pub name: Option<String>,
    pub company: Option<Option<String>>,
    pub email: Option<Option<String>>,
    pub phone: Option<Option<String>>,
    pub source: Option<String>,
    pub status: Option<String>,
    pub notes: Option<Option<String>>,
    pub owner_id: Option<Option<i64>>,
}

struct Valid {
    name: String,
    company: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    source: String,
    notes: Option<String>,
}

fn validated(
    p: &mut Problems,
    name: &str,
    company: Option<&str>,
    email: Option<&str>,
    phone: Option<&str>,
    source: &str,
    notes: Option<&str>,
) -> Valid {
    let source = source.trim().to_lowercase();
    if !SOURCES.contains(&source.as_str()) {
        p.add("source", format!("must be one of {}", SOURCES.join(", ")));
    }
    Valid {
        name: validate::required(p, "name", name, 200),
        company: validate::optional(p, "company", company, 200),
        email: validate::email(p, "email", email),
        phone: validate::phone(p, "phone", phone),
        source,
        notes: validate::optional(p, "notes", notes, 10_000),
    }
}

pub(super) async fn visible(db: &impl ConnectionTrait, actor: &Actor, scope: Scope, id: i64) -> Result<lead::Model> {
    match repo::find_live(db, id).await? {
        Some(m) if actor.reaches(scope, m.owner_id) => Ok(m),
        _ => Err(DomainError::NotFound("lead")),
    }
}

/// Whether `id` names a lead the actor may read (for links from activities).
///
/// # Errors
/// `NotFound`, database failures.
pub async fn check_visible(db: &impl ConnectionTrait, actor: &Actor, id: i64) -> Result<()> {
    let scope = actor.require(Action::LeadsRead)?;
    visible(db, actor, scope, id).await.map(|_| ())
}

/// One lead.
///
/// # Errors
/// `Forbidden`, `NotFound`, database failures.
pub async fn get(db: &impl ConnectionTrait, actor: &Actor, id: i64) -> Result<Lead> {
    let scope = actor.require(Action::LeadsRead)?;
    Ok(visible(db, actor, scope, id).await?.into())
}

/// A page of the leads the actor may see.
///
/// # Errors
/// `Forbidden`, `Invalid`, database failures.
pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: &LeadFilter,
    sort: Option<&str>,
    paging: &Paging,
) -> Result<Page<Lead>> {
    let scope = actor.require(Action::LeadsRead)?;
    let mut p = Problems::default();
    if filter.q.as_deref().is_some_and(|q| q.chars().count() > 200) {
        p.add("q", "must be at most 200 characters");
    }
    if filter.status.as_deref().is_some_and(|s| !transitions::is_state(LEAD, s)) {
        p.add("status", format!("must be one of {}", transitions::states(LEAD).join(", ")));
    }
    if filter.source.as_deref().is_some_and(|s| !SOURCES.contains(&s)) {
        p.add("source", format!("must be one of {}", SOURCES.join(", ")));
    }
    p.finish()?;
    let keys = parse_sort(sort, repo::SORT_FIELDS, repo::DEFAULT_SORT)?;
    let (rows, total, next) = repo::list(db, filter, actor.owner_filter(scope), &keys, paging).await?;
    Ok(crate::repo::page_of(rows.into_iter().map(Lead::from).collect(), paging, total, next))
}

/// Creates a lead. Without an owner, a sales rep creating it owns it; otherwise it is
/// assigned to an active sales rep by the configured rule (unassigned when there is none).
///
/// # Errors
/// `Forbidden`, `Invalid`, database failures.
pub async fn create(db: &DatabaseConnection, actor: &Actor, input: NewLead) -> Result<Lead> {
    let scope = actor.require(Action::LeadsWrite)?;
    let mut p = Problems::default();
    let source = input.source.clone().unwrap_or_else(|| "other".to_owned());
    let v = validated(
        &mut p,
        &input.name,
        input.company.as_deref(),
        input.email.as_deref(),
        input.phone.as_deref(),
        &source,
        input.notes.as_deref(),
    );
    p.finish()?;
    if scope == Scope::Own && input.owner_id.is_some_and(|o| Some(o) != actor.user_id) {
        return Err(DomainError::Forbidden("sales users may only own leads themselves".into()));
    }
    let txn = crate::repo::begin_read_committed(db).await?;
    let owner = match (input.owner_id, scope) {
        (Some(o), _) => Some(require_active_user(&txn, "owner_id", o).await?.id),
        (None, Scope::Own) => actor.user_id,
        (None, Scope::All) => assign(&txn).await?,
    };
    let at = now();
    let id = lead::Entity::insert(lead::ActiveModel {
        name_lower: Set(v.name.to_lowercase()),
        name: Set(v.name),
        company: Set(v.company),
        email: Set(v.email),
        phone: Set(v.phone),
        source: Set(v.source),
        status: Set("new".into()),
        owner_id: Set(owner),
        notes: Set(v.notes),
        customer_id: Set(None),
        opportunity_id: Set(None),
        converted_at: Set(None),
        last_activity_at: Set(at),
        created_at: Set(at),
        updated_at: Set(at),
        deleted_at: Set(None),
        version: Set(1),
        ..Default::default()
    })
    .exec(&txn)
    .await?
    .last_insert_id;
    let created: Lead = repo::find_live(&txn, id).await?.ok_or(DomainError::NotFound("lead"))?.into();
    audit::record(
        &txn,
        actor,
        Change { entity: "lead", entity_id: id, action: "create", before: None, after: snapshot(&created) },
    )
    .await?;
    crate::services::webhooks::emit(&txn, "lead.created", &created).await?;
    txn.commit().await?;
    Ok(created)
}

/// Changes a lead. Status moves follow the rule table; `converted` is reached only
/// through [`convert`].
///
/// # Errors
/// `Forbidden`, `NotFound`, `StaleVersion`, `InvalidTransition`, `Invalid`, database failures.
pub async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    expected: Option<i32>,
    c: LeadChanges,
) -> Result<Lead> {
    let scope = actor.require(Action::LeadsWrite)?;
    let txn = db.begin().await?;
    let cur = visible(&txn, actor, scope, id).await?;
    check_version(expected, cur.version)?;
    let before = Lead::from(cur.clone());
    let status = c.status.clone().unwrap_or_else(|| cur.status.clone());
    if status != cur.status {
        if status == "converted" {
            return Err(DomainError::invalid("status", "convert a lead with POST /api/v1/leads/{id}/convert"));
        }
        if !transitions::is_state(LEAD, &status) {
            return Err(DomainError::invalid(
                "status",
                format!("must be one of {}", transitions::states(LEAD).join(", ")),
            ));
        }
        transitions::check(LEAD, &cur.status, &status)?;
    } else if cur.status == "converted" && c != LeadChanges::default() {
        return Err(DomainError::Conflict("a converted lead is closed".into()));
    }
    let mut p = Problems::default();
    let v = validated(
        &mut p,
        c.name.as_deref().unwrap_or(&cur.name),
        c.company.clone().unwrap_or(cur.company.clone()).as_deref(),
        c.email.clone().unwrap_or(cur.email.clone()).as_deref(),
        c.phone.clone().unwrap_or(cur.phone.clone()).as_deref(),
        c.source.as_deref().unwrap_or(&cur.source),
        c.notes.clone().unwrap_or(cur.notes.clone()).as_deref(),
    );
    p.finish()?;
    let owner = c.owner_id.unwrap_or(cur.owner_id);
    if owner != cur.owner_id {
        if scope == Scope::Own && owner != actor.user_id {
            return Err(DomainError::Forbidden("sales users may only own leads themselves".into()));
        }
        if let Some(o) = owner {
            require_active_user(&txn, "owner_id", o).await?;
        }
    }
    let res = lead::Entity::update_many()
        .set(lead::ActiveModel {
            name_lower: Set(v.name.to_lowercase()),
            name: Set(v.name),
            company: Set(v.company),
            email: Set(v.email),
            phone: Set(v.phone),
            source: Set(v.source),
            status: Set(status),
            notes: Set(v.notes),
            owner_id: Set(owner),
            updated_at: Set(now()),
            version: Set(cur.version + 1),
            ..Default::default()
        })
        .filter(lead::Column::Id.eq(id))
        .filter(lead::Column::Version.eq(cur.version))
        .exec(&txn)
        .await?;
    if res.rows_affected != 1 {
        return Err(DomainError::StaleVersion { expected: cur.version, current: cur.version + 1 });
    }
    let after: Lead = repo::find_live(&txn, id).await?.ok_or(DomainError::NotFound("lead"))?.into();
    audit::record(
        &txn,
        actor,
        Change { entity: "lead", entity_id: id, action: "update", before: snapshot(&before), after: snapshot(&after) },
    )
    .await?;
    crate::services::webhooks::emit(&txn, "lead.updated", &after).await?;
    txn.commit().await?;
    Ok(after)
}

/// Soft-deletes a lead.
///
/// # Errors
/// `Forbidden`, `NotFound`, `StaleVersion`, database failures.
pub async fn delete(db: &DatabaseConnection, actor: &Actor, id: i64, expected: Option<i32>) -> Result<()> {
    let scope = actor.require(Action::LeadsWrite)?;
    let txn = db.begin().await?;
    let cur = visible(&txn, actor, scope, id).await?;
    check_version(expected, cur.version)?;
    let before = Lead::from(cur.clone());
    let res = lead::Entity::update_many()
        .set(lead::ActiveModel { deleted_at: Set(Some(now())), version: Set(cur.version + 1), ..Default::default() })
        .filter(lead::Column::Id.eq(id))
        .filter(lead::Column::Version.eq(cur.version))
        .exec(&txn)
        .await?;
    if res.rows_affected != 1 {
        return Err(DomainError::StaleVersion { expected: cur.version, current: cur.version + 1 });
    }
    audit::record(
        &txn,
        actor,
        Change { entity: "lead", entity_id: id, action: "delete", before: snapshot(&before), after: None },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
