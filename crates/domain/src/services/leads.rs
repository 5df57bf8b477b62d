//! Leads: people who might buy, assigned automatically, converted into a customer
//! and an opportunity once qualified.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, TransactionTrait,
};
use serde::Serialize;

use crate::entities::{lead, user};
use crate::error::{DomainError, Result};
use crate::list::{Page, Paging, parse_sort};
use crate::repo::audit::{self, Change};
use crate::repo::leads::{self as repo, LeadFilter};
use crate::repo::{counters, customers as customer_repo, settings};
use crate::rules::assignment::{self, Rule};
use crate::rules::transitions::{self, LEAD};
use crate::rules::validate::{self, Problems};
use crate::services::customers::{self, Customer, NewCustomer, check_version};
use crate::services::opportunities::{self, Opportunity, OpportunityRow};
use crate::services::{require_active_user, snapshot};
use crate::time::{now, utc};
use crate::{Action, Actor, Role, Scope};

/// Where a lead came from.
pub const SOURCES: &[&str] = &["web", "referral", "event", "campaign", "import", "other"];
const RULE_KEY: &str = "lead_assignment";

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

/// What conversion may set on the new opportunity.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Conversion {
    /// Defaults to "<company or name> opportunity".
    pub opportunity_title: Option<String>,
    /// Defaults to 0.00.
    pub amount: Option<Decimal>,
    pub expected_close_date: Option<NaiveDate>,
}

/// The outcome of a conversion.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Converted {
    pub lead: Lead,
    pub customer: Customer,
    /// Whether the customer existed already (found by email) and was linked.
    pub customer_linked: bool,
    pub opportunity: Opportunity,
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

fn owner_restriction(actor: &Actor, scope: Scope) -> Option<i64> {
    match scope {
        Scope::All => None,
        Scope::Own => Some(actor.user_id.unwrap_or(-1)),
    }
}

async fn visible(db: &impl ConnectionTrait, actor: &Actor, scope: Scope, id: i64) -> Result<lead::Model> {
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

/// The configured assignment rule (round-robin unless set otherwise).
///
/// # Errors
/// Database failures.
pub async fn assignment_rule(db: &impl ConnectionTrait) -> Result<Rule> {
    Ok(settings::get(db, RULE_KEY).await?.and_then(|v| Rule::parse(&v)).unwrap_or(Rule::RoundRobin))
}

/// Reads the assignment rule as an admin or manager.
///
/// # Errors
/// `Forbidden`, database failures.
pub async fn get_assignment_rule(db: &impl ConnectionTrait, actor: &Actor) -> Result<Rule> {
    actor.require(Action::SettingsManage)?;
    assignment_rule(db).await
}

/// Sets the assignment rule.
///
/// # Errors
/// `Forbidden`, database failures.
pub async fn set_assignment_rule(db: &DatabaseConnection, actor: &Actor, rule: Rule) -> Result<Rule> {
    actor.require(Action::SettingsManage)?;
    let txn = db.begin().await?;
    let before = assignment_rule(&txn).await?;
    settings::set(&txn, RULE_KEY, rule.as_str()).await?;
    audit::record(
        &txn,
        actor,
        Change {
            entity: "setting",
            entity_id: 0,
            action: "update",
            before: Some(serde_json::json!({ RULE_KEY: before.as_str() })),
            after: Some(serde_json::json!({ RULE_KEY: rule.as_str() })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(rule)
}

/// Picks the owner of a new lead by the configured rule, inside the creating
/// transaction. Both rules first take the round-robin counter's row lock, so that
/// concurrent creations are assigned one after the other.
async fn assign(txn: &impl ConnectionTrait) -> Result<Option<i64>> {
    let reps: Vec<i64> = user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .filter(user::Column::Role.eq(Role::Sales.as_str()))
        .filter(user::Column::Active.eq(true))
        .order_by_asc(user::Column::Id)
        .into_tuple()
        .all(txn)
        .await?;
    let turn = counters::next(txn, "lead_round_robin").await?;
    Ok(match assignment_rule(txn).await? {
        Rule::RoundRobin => assignment::round_robin(&reps, turn),
        Rule::LeastOpen => assignment::least_open(&reps, &repo::open_counts(txn, &reps).await?),
    })
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
    if filter.status.as_deref().is_some_and(|s| !transitions::is_state(LEAD, s)) {
        p.add("status", format!("must be one of {}", transitions::states(LEAD).join(", ")));
    }
    if filter.source.as_deref().is_some_and(|s| !SOURCES.contains(&s)) {
        p.add("source", format!("must be one of {}", SOURCES.join(", ")));
    }
    p.finish()?;
    let keys = parse_sort(sort, repo::SORT_FIELDS, repo::DEFAULT_SORT)?;
    let (rows, total, next) = repo::list(db, filter, owner_restriction(actor, scope), &keys, paging).await?;
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
    let txn = db.begin().await?;
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

/// Converts a qualified lead, in one transaction: links the customer with the lead's
/// email (or creates one, owned by the lead's owner), creates an opportunity owned by
/// the lead's owner, and marks the lead converted. Any failure leaves nothing behind.
///
/// # Errors
/// `Forbidden`, `NotFound`, `Conflict` (already converted), `InvalidTransition` (not
/// qualified), `Invalid` (e.g. the owner is no longer active), database failures.
pub async fn convert(db: &DatabaseConnection, actor: &Actor, id: i64, opts: Conversion) -> Result<Converted> {
    let scope = actor.require(Action::LeadsWrite)?;
    let mut p = Problems::default();
    let amount = opportunities::amount_cents(&mut p, opts.amount.unwrap_or_default());
    let title = opts.opportunity_title.as_deref().map(|t| validate::required(&mut p, "opportunity_title", t, 200));
    p.finish()?;
    let txn = db.begin().await?;
    let cur = visible(&txn, actor, scope, id).await?;
    if cur.status == "converted" {
        return Err(DomainError::Conflict(format!("lead {id} was already converted")));
    }
    transitions::check(LEAD, &cur.status, "converted")?;
    let before = Lead::from(cur.clone());

    let existing = match &cur.email {
        Some(e) => customer_repo::id_by_email(&txn, e).await?,
        None => None,
    };
    let (customer_id, linked) = match existing {
        Some(cid) => (cid, true),
        None => {
            let input = NewCustomer {
                name: cur.name.clone(),
                email: cur.email.clone(),
                phone: cur.phone.clone(),
                company: cur.company.clone(),
                owner_id: cur.owner_id,
                source: Some(cur.source.clone()),
                notes: cur.notes.clone(),
                ..Default::default()
            };
            (customers::create_in(&txn, actor, input).await?, false)
        }
    };
    // Checked only now, after the customer was written: a failure here must undo it.
    if let Some(owner) = cur.owner_id {
        require_active_user(&txn, "owner_id", owner).await?;
    }
    let opportunity = opportunities::insert_in(
        &txn,
        actor,
        OpportunityRow {
            title: title
                .unwrap_or_else(|| format!("{} opportunity", cur.company.clone().unwrap_or_else(|| cur.name.clone()))),
            customer_id,
            lead_id: Some(id),
            amount_cents: amount,
            stage: "prospecting".into(),
            probability: transitions::default_probability("prospecting"),
            expected_close_date: opts.expected_close_date,
            owner_id: cur.owner_id,
        },
    )
    .await?;
    let at = now();
    let res = lead::Entity::update_many()
        .set(lead::ActiveModel {
            status: Set("converted".into()),
            customer_id: Set(Some(customer_id)),
            opportunity_id: Set(Some(opportunity.id)),
            converted_at: Set(Some(at)),
            updated_at: Set(at),
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
    let lead: Lead = repo::find_live(&txn, id).await?.ok_or(DomainError::NotFound("lead"))?.into();
    audit::record(
        &txn,
        actor,
        Change { entity: "lead", entity_id: id, action: "convert", before: snapshot(&before), after: snapshot(&lead) },
    )
    .await?;
    let customer = customers::load_in(&txn, customer_id).await?;
    txn.commit().await?;
    Ok(Converted { lead, customer, customer_linked: linked, opportunity })
}
