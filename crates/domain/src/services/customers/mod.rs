//! Customers: the people and companies Rapport is about.

mod export;
mod import;

pub use export::{EXPORT_HEADER, export_chunk};
pub use import::{IMPORT_COLUMNS, ImportReport, import_csv};

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, TransactionTrait,
};
use serde::Serialize;

use crate::entities::customer;
use crate::error::{DomainError, Result};
use crate::list::{Page, Paging};
use crate::repo::audit::{self, Change};
use crate::repo::customers::{self as repo, CustomerFilter};
use crate::rules::validate::{self, Problems};
use crate::services::{require_active_user, snapshot};
use crate::time::{now, utc};
use crate::{Action, Actor, Scope};

/// Where a customer came from.
pub const SOURCES: &[&str] = &["web", "referral", "event", "campaign", "import", "other"];

/// A customer as the outside world sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Customer {
    pub id: i64,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub birthday: Option<NaiveDate>,
    pub company: Option<String>,
    pub city: Option<String>,
    pub tags: Vec<String>,
    pub owner_id: Option<i64>,
    pub source: Option<String>,
    pub notes: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

impl Customer {
    fn from_row(m: customer::Model, tags: Vec<String>) -> Self {
        Self {
            id: m.id,
            name: m.name,
            email: m.email,
            phone: m.phone,
            address: m.address,
            birthday: m.birthday,
            company: m.company,
            city: m.city,
            tags,
            owner_id: m.owner_id,
            source: m.source,
            notes: m.notes,
            created_at: utc(m.created_at),
            updated_at: utc(m.updated_at),
            version: m.version,
        }
    }
}

/// The fields a customer is created from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NewCustomer {
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub birthday: Option<NaiveDate>,
    pub company: Option<String>,
    pub city: Option<String>,
    pub tags: Vec<String>,
    pub owner_id: Option<i64>,
    pub source: Option<String>,
    pub notes: Option<String>,
}

/// A partial update: `None` leaves a field alone, `Some(None)` clears it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CustomerChanges {
    pub name: Option<String>,
    pub email: Option<Option<String>>,
    pub phone: Option<Option<String>>,
    pub address: Option<Option<String>>,
    pub birthday: Option<Option<NaiveDate>>,
    pub company: Option<Option<String>>,
    pub city: Option<Option<String>>,
    pub tags: Option<Vec<String>>,
    pub owner_id: Option<Option<i64>>,
    pub source: Option<Option<String>>,
    pub notes: Option<Option<String>>,
}

impl NewCustomer {
    /// Checks and normalises every field, collecting all problems.
    ///
    /// # Errors
    /// `Invalid` listing each bad field.
    pub fn validated(self, today: NaiveDate) -> Result<Self> {
        let mut p = Problems::default();
        let v = self.clean(&mut p, today);
        p.finish().map(|()| v)
    }

    pub(crate) fn clean(self, p: &mut Problems, today: NaiveDate) -> Self {
        let source = validate::optional(p, "source", self.source.as_deref(), 50).map(|s| s.to_lowercase());
        if let Some(s) = &source
            && !SOURCES.contains(&s.as_str())
        {
            p.add("source", format!("must be one of {}", SOURCES.join(", ")));
        }
        validate::birthday(p, "birthday", self.birthday, today);
        Self {
            name: validate::required(p, "name", &self.name, 200),
            email: validate::email(p, "email", self.email.as_deref()),
            phone: validate::phone(p, "phone", self.phone.as_deref()),
            address: validate::optional(p, "address", self.address.as_deref(), 500),
            birthday: self.birthday,
            company: validate::optional(p, "company", self.company.as_deref(), 200),
            city: validate::optional(p, "city", self.city.as_deref(), 100),
            tags: validate::tags(p, "tags", &self.tags),
            owner_id: self.owner_id,
            source,
            notes: validate::optional(p, "notes", self.notes.as_deref(), 10_000),
        }
    }

    fn apply(mut self, c: CustomerChanges) -> Self {
        if let Some(v) = c.name {
            self.name = v;
        }
        macro_rules! set {
            ($($f:ident),*) => { $( if let Some(v) = c.$f { self.$f = v; } )* };
        }
        set!(email, phone, address, birthday, company, city, owner_id, source, notes);
        if let Some(v) = c.tags {
            self.tags = v;
        }
        self
    }

    fn from_customer(c: &Customer) -> Self {
        Self {
            name: c.name.clone(),
            email: c.email.clone(),
            phone: c.phone.clone(),
            address: c.address.clone(),
            birthday: c.birthday,
            company: c.company.clone(),
            city: c.city.clone(),
            tags: c.tags.clone(),
            owner_id: c.owner_id,
            source: c.source.clone(),
            notes: c.notes.clone(),
        }
    }
}

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// The owner restriction a scope puts on queries (`Some(-1)` matches nothing for key-based sales).
fn owner_restriction(actor: &Actor, scope: Scope) -> Option<i64> {
    match scope {
        Scope::All => None,
        Scope::Own => Some(actor.user_id.unwrap_or(-1)),
    }
}

/// Loads a customer the actor may see under `scope`; others are `NotFound` (existence is not revealed).
async fn visible(db: &impl ConnectionTrait, actor: &Actor, scope: Scope, id: i64) -> Result<customer::Model> {
    match repo::find_live(db, id).await? {
        Some(m) if actor.reaches(scope, m.owner_id) => Ok(m),
        _ => Err(DomainError::NotFound("customer")),
    }
}

async fn with_tags(db: &impl ConnectionTrait, m: customer::Model) -> Result<Customer> {
    let tags = repo::tags(db, &[m.id]).await?.remove(&m.id).unwrap_or_default();
    Ok(Customer::from_row(m, tags))
}

/// Checks the owner field against the actor's scope and the users table.
async fn check_owner(db: &impl ConnectionTrait, actor: &Actor, scope: Scope, owner: Option<i64>) -> Result<()> {
    if scope == Scope::Own && owner != actor.user_id {
        return Err(DomainError::Forbidden("sales users may only own customers themselves".into()));
    }
    if let Some(id) = owner {
        require_active_user(db, "owner_id", id).await?;
    }
    Ok(())
}

async fn check_email_free(db: &impl ConnectionTrait, email: Option<&str>, except: Option<i64>) -> Result<()> {
    if let Some(email) = email
        && let Some(existing) = repo::id_by_email(db, email).await?
        && Some(existing) != except
    {
        return Err(DomainError::Duplicate {
            message: format!("customer {existing} already has the email {email}"),
            existing_id: Some(existing),
        });
    }
    Ok(())
}

/// One customer.
///
/// # Errors
/// `Forbidden`, `NotFound`, database failures.
pub async fn get(db: &impl ConnectionTrait, actor: &Actor, id: i64) -> Result<Customer> {
    let scope = actor.require(Action::CustomersRead)?;
    let m = visible(db, actor, scope, id).await?;
    with_tags(db, m).await
}

/// Creates a customer; a sales user becomes its owner unless one is given.
///
/// # Errors
/// `Forbidden`, `Invalid`, `Duplicate` (email), database failures.
pub async fn create(db: &DatabaseConnection, actor: &Actor, input: NewCustomer) -> Result<Customer> {
    let scope = actor.require(Action::CustomersWrite)?;
    let mut input = input.validated(today())?;
    if input.owner_id.is_none() && scope == Scope::Own {
        input.owner_id = actor.user_id;
    }
    let txn = db.begin().await?;
    check_owner(&txn, actor, scope, input.owner_id).await?;
    let id = create_in(&txn, actor, input).await?;
    let created = load_in(&txn, id).await?;
    txn.commit().await?;
    Ok(created)
}

/// Creates a validated customer with its audit entry inside the caller's transaction
/// (no rights check: the caller has made it). Returns the id.
///
/// # Errors
/// `Duplicate` email, `Invalid`, database failures.
pub(crate) async fn create_in(txn: &impl ConnectionTrait, actor: &Actor, input: NewCustomer) -> Result<i64> {
    let input = input.validated(today())?;
    check_email_free(txn, input.email.as_deref(), None).await?;
    let id = insert(txn, input).await?;
    let created = load_in(txn, id).await?;
    audit::record(
        txn,
        actor,
        Change { entity: "customer", entity_id: created.id, action: "create", before: None, after: snapshot(&created) },
    )
    .await?;
    Ok(id)
}

/// A live customer with its tags, without a rights check.
///
/// # Errors
/// `NotFound`, database failures.
pub(crate) async fn load_in(db: &impl ConnectionTrait, id: i64) -> Result<Customer> {
    let m = repo::find_live(db, id).await?.ok_or(DomainError::NotFound("customer"))?;
    with_tags(db, m).await
}

/// Inserts a validated customer and its tags; returns the new id.
pub(crate) async fn insert(db: &impl ConnectionTrait, v: NewCustomer) -> Result<i64> {
    let at = now();
    let row = customer::ActiveModel {
        name_lower: Set(v.name.to_lowercase()),
        name: Set(v.name),
        email_key: Set(v.email.as_ref().map(|e| e.to_lowercase())),
        email: Set(v.email.clone()),
        phone: Set(v.phone),
        address: Set(v.address),
        birthday_month: Set(repo::birthday_month(v.birthday)),
        birthday: Set(v.birthday),
        company: Set(v.company),
        city: Set(v.city),
        owner_id: Set(v.owner_id),
        source: Set(v.source),
        notes: Set(v.notes),
        created_at: Set(at),
        updated_at: Set(at),
        deleted_at: Set(None),
        version: Set(1),
        ..Default::default()
    };
    let email = v.email.unwrap_or_default();
    let id = customer::Entity::insert(row)
        .exec(db)
        .await
        .map_err(|e| crate::repo::unique_violation(e, || format!("a customer already has the email {email}")))?
        .last_insert_id;
    repo::insert_tags(db, v.tags.iter().map(|t| (id, t.clone())).collect()).await?;
    Ok(id)
}

/// Changes some fields of a customer. `expected` is the caller's `If-Match` version.
///
/// # Errors
/// `Forbidden`, `NotFound`, `StaleVersion`, `Invalid`, `Duplicate`, database failures.
pub async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    expected: Option<i32>,
    changes: CustomerChanges,
) -> Result<Customer> {
    let scope = actor.require(Action::CustomersWrite)?;
    let txn = db.begin().await?;
    let current = visible(&txn, actor, scope, id).await?;
    check_version(expected, current.version)?;
    let before = with_tags(&txn, current).await?;
    let tags_changed = changes.tags.is_some();
    let v = NewCustomer::from_customer(&before).apply(changes).validated(today())?;
    if v.owner_id != before.owner_id {
        check_owner(&txn, actor, scope, v.owner_id).await?;
    }
    check_email_free(&txn, v.email.as_deref(), Some(id)).await?;
    let row = customer::ActiveModel {
        name_lower: Set(v.name.to_lowercase()),
        name: Set(v.name.clone()),
        email_key: Set(v.email.as_ref().map(|e| e.to_lowercase())),
        email: Set(v.email.clone()),
        phone: Set(v.phone.clone()),
        address: Set(v.address.clone()),
        birthday_month: Set(repo::birthday_month(v.birthday)),
        birthday: Set(v.birthday),
        company: Set(v.company.clone()),
        city: Set(v.city.clone()),
        owner_id: Set(v.owner_id),
        source: Set(v.source.clone()),
        notes: Set(v.notes.clone()),
        updated_at: Set(now()),
        version: Set(before.version + 1),
        ..Default::default()
    };
    let email = v.email.clone().unwrap_or_default();
    let res = customer::Entity::update_many()
        .set(row)
        .filter(customer::Column::Id.eq(id))
        .filter(customer::Column::Version.eq(before.version))
        .exec(&txn)
        .await
        .map_err(|e| crate::repo::unique_violation(e, || format!("a customer already has the email {email}")))?;
    if res.rows_affected != 1 {
        return Err(DomainError::StaleVersion { expected: before.version, current: before.version + 1 });
    }
    if tags_changed {
        repo::replace_tags(&txn, id, &v.tags).await?;
    }
    let after = with_tags(&txn, visible(&txn, actor, Scope::All, id).await?).await?;
    audit::record(
        &txn,
        actor,
        Change {
            entity: "customer",
            entity_id: id,
            action: "update",
            before: snapshot(&before),
            after: snapshot(&after),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

/// Soft-deletes a customer: it leaves every list and its email becomes free again.
///
/// # Errors
/// `Forbidden`, `NotFound`, `StaleVersion`, database failures.
pub async fn delete(db: &DatabaseConnection, actor: &Actor, id: i64, expected: Option<i32>) -> Result<()> {
    let scope = actor.require(Action::CustomersWrite)?;
    let txn = db.begin().await?;
    let current = visible(&txn, actor, scope, id).await?;
    check_version(expected, current.version)?;
    let version = current.version;
    let before = with_tags(&txn, current).await?;
    let res = customer::Entity::update_many()
        .set(customer::ActiveModel {
            deleted_at: Set(Some(now())),
            email_key: Set(None),
            version: Set(version + 1),
            ..Default::default()
        })
        .filter(customer::Column::Id.eq(id))
        .filter(customer::Column::Version.eq(version))
        .exec(&txn)
        .await?;
    if res.rows_affected != 1 {
        return Err(DomainError::StaleVersion { expected: version, current: version + 1 });
    }
    audit::record(
        &txn,
        actor,
        Change { entity: "customer", entity_id: id, action: "delete", before: snapshot(&before), after: None },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// `If-Match` check: a given version must be the current one.
///
/// # Errors
/// `StaleVersion` when it is not.
pub fn check_version(expected: Option<i32>, current: i32) -> Result<()> {
    match expected {
        Some(v) if v != current => Err(DomainError::StaleVersion { expected: v, current }),
        _ => Ok(()),
    }
}

/// A page of the customers the actor may see.
///
/// # Errors
/// `Forbidden`, `Invalid` (filters, sort, cursor), database failures.
pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: &CustomerFilter,
    sort: Option<&str>,
    paging: &Paging,
) -> Result<Page<Customer>> {
    let scope = actor.require(Action::CustomersRead)?;
    let keys = crate::list::parse_sort(sort, repo::SORT_FIELDS, repo::DEFAULT_SORT)?;
    check_filter(filter)?;
    let (rows, total, next) = repo::list(db, filter, owner_restriction(actor, scope), &keys, paging).await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut tags = repo::tags(db, &ids).await?;
    let items = rows
        .into_iter()
        .map(|m| {
            let t = tags.remove(&m.id).unwrap_or_default();
            Customer::from_row(m, t)
        })
        .collect();
    Ok(crate::repo::page_of(items, paging, total, next))
}

/// Checks filter values that the query types cannot.
fn check_filter(f: &CustomerFilter) -> Result<()> {
    let mut p = Problems::default();
    if let Some(m) = f.birthday_month
        && !(1..=12).contains(&m)
    {
        p.add("birthday_month", "must be between 1 and 12");
    }
    if let (Some(a), Some(b)) = (f.created_from, f.created_to)
        && a > b
    {
        p.add("created_from", "must not be after created_to");
    }
    if f.q.as_deref().is_some_and(|q| q.chars().count() > 200) {
        p.add("q", "must be at most 200 characters");
    }
    p.finish()
}

pub(crate) async fn visible_customer(
    db: &impl ConnectionTrait,
    actor: &Actor,
    scope: Scope,
    id: i64,
) -> Result<customer::Model> {
    visible(db, actor, scope, id).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patch_changes_only_given_fields() {
        let base = NewCustomer { name: "Li Wei".into(), city: Some("Shenzhen".into()), ..Default::default() };
        let changed = base.clone().apply(CustomerChanges {
            city: Some(None),
            phone: Some(Some("+86 755 1234 5678".into())),
            ..Default::default()
        });
        assert_eq!(changed.name, "Li Wei");
        assert_eq!(changed.city, None);
        assert_eq!(changed.phone.as_deref(), Some("+86 755 1234 5678"));
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let bad = NewCustomer {
            name: " ".into(),
            email: Some("nope".into()),
            source: Some("tv".into()),
            birthday: NaiveDate::from_ymd_opt(2999, 1, 1),
            ..Default::default()
        };
        let today = NaiveDate::from_ymd_opt(2026, 11, 25).expect("date");
        let Err(DomainError::Invalid(errs)) = bad.validated(today) else { panic!("expected Invalid") };
        let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["source", "birthday", "name", "email"]);
    }
}
