//! Customers: the people and companies Rapport is about.

mod export;
mod group;
mod import;
mod model;

pub use export::{EXPORT_HEADER, export_stream};
pub use group::Creates;
pub use import::{IMPORT_COLUMNS, ImportReport, ParsedImport, import_csv, parse_csv};
pub use model::{Customer, CustomerChanges, NewCustomer, SOURCES};

use chrono::{NaiveDate, NaiveDateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, TransactionTrait,
};

use crate::entities::customer;
use crate::error::{DomainError, Result};
use crate::list::{Page, Paging};
use crate::repo::audit::{self, Change};
use crate::repo::customers::{self as repo, CustomerFilter};
use crate::rules::validate::Problems;
use crate::services::{require_active_user, snapshot};
use crate::time::now;
use crate::{Action, Actor, Scope};

fn today() -> NaiveDate {
    Utc::now().date_naive()
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
    owner_in_scope(actor, scope, owner)?;
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
    match repo::find_live_with_tags(db, id).await? {
        Some((m, tags)) if actor.reaches(scope, m.owner_id) => Ok(Customer::from_row(m, tags)),
        _ => Err(DomainError::NotFound("customer")),
    }
}

/// Whether the actor may give a customer this owner: sales users only themselves.
fn owner_in_scope(actor: &Actor, scope: Scope, owner: Option<i64>) -> Result<()> {
    if scope == Scope::Own && owner != actor.user_id {
        return Err(DomainError::Forbidden("sales users may only own customers themselves".into()));
    }
    Ok(())
}

/// What a create checks before it reads the database: the right, the fields and the
/// owner; a sales user becomes the owner unless one is given. (Single and grouped
/// creates alike.)
fn prepared(actor: &Actor, input: NewCustomer) -> Result<NewCustomer> {
    let scope = actor.require(Action::CustomersWrite)?;
    let mut input = input.validated(today())?;
    if input.owner_id.is_none() && scope == Scope::Own {
        input.owner_id = actor.user_id;
    }
    owner_in_scope(actor, scope, input.owner_id)?;
    Ok(input)
}

/// Creates a customer; a sales user becomes its owner unless one is given.
///
/// # Errors
/// `Forbidden`, `Invalid`, `Duplicate` (email), database failures.
pub async fn create(db: &DatabaseConnection, actor: &Actor, input: NewCustomer) -> Result<Customer> {
    let input = prepared(actor, input)?;
    let txn = db.begin().await?;
    if let Some(owner) = input.owner_id {
        require_active_user(&txn, "owner_id", owner).await?;
    }
    let created = create_in(&txn, actor, input).await?;
    txn.commit().await?;
    Ok(created)
}

/// Creates a validated customer with its audit entry inside the caller's transaction
/// (no rights check: the caller has made it). Returns it as reading it back would.
///
/// # Errors
/// `Duplicate` email, `Invalid`, database failures.
pub(crate) async fn create_in(txn: &impl ConnectionTrait, actor: &Actor, input: NewCustomer) -> Result<Customer> {
    let input = input.validated(today())?;
    check_email_free(txn, input.email.as_deref(), None).await?;
    let at = now();
    let id = insert(txn, &input, at).await?;
    let created = Customer::created(id, input, at);
    audit::record(
        txn,
        actor,
        Change { entity: "customer", entity_id: created.id, action: "create", before: None, after: snapshot(&created) },
    )
    .await?;
    crate::services::webhooks::emit(txn, "customer.created", &created).await?;
    Ok(created)
}

/// A live customer with its tags, without a rights check.
///
/// # Errors
/// `NotFound`, database failures.
pub(crate) async fn load_in(db: &impl ConnectionTrait, id: i64) -> Result<Customer> {
    let m = repo::find_live(db, id).await?.ok_or(DomainError::NotFound("customer"))?;
    with_tags(db, m).await
}

/// The INSERTs of the `customer.created` events and of the audit entries (`action`, by
/// `actor`) of customers just created: what an import and a group of creates write for
/// each customer besides its row and tags, built without the database.
///
/// # Errors
/// `Internal` when a customer cannot be written as JSON; statement building failures.
pub(crate) fn creation_statements(
    backend: sea_orm::DbBackend,
    hooks: &crate::services::webhooks::Subscribers,
    actor: &Actor,
    action: &str,
    created: &[&Customer],
    at: NaiveDateTime,
) -> Result<Vec<sea_orm::Statement>> {
    let events = hooks.deliveries("customer.created", created)?;
    let mut statements =
        crate::repo::batch::insert_statements(backend, events, crate::services::webhooks::delivery_bytes)?;
    let entries =
        created.iter().map(|c| audit::Created { entity: "customer", entity_id: c.id, action, after: c.audit_text() });
    statements.extend(audit::creation_statements(backend, actor, at, entries)?);
    Ok(statements)
}

/// The row of a validated customer created at `at`: what every creation writes (a
/// single create and each row of an import alike).
pub(crate) fn customer_row(v: &NewCustomer, at: NaiveDateTime) -> customer::ActiveModel {
    customer::ActiveModel {
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
        created_at: Set(at),
        updated_at: Set(at),
        deleted_at: Set(None),
        version: Set(1),
        ..Default::default()
    }
}

/// Inserts a validated customer created at `at` and its tags; returns the new id.
pub(crate) async fn insert(db: &impl ConnectionTrait, v: &NewCustomer, at: NaiveDateTime) -> Result<i64> {
    let id = customer::Entity::insert(customer_row(v, at))
        .exec(db)
        .await
        .map_err(|e| {
            let email = v.email.as_deref().unwrap_or_default();
            crate::repo::unique_violation(e, || format!("a customer already has the email {email}"))
        })?
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
    let city_changed = v.city != before.city;
    if city_changed {
        // The sales rollups by city follow the customer's current city.
        crate::repo::sales_rollups::add(&txn, crate::repo::sales_rollups::Orders::Customer(id), -1).await?;
    }
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
    if city_changed {
        crate::repo::sales_rollups::add(&txn, crate::repo::sales_rollups::Orders::Customer(id), 1).await?;
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
    crate::services::webhooks::emit(&txn, "customer.updated", &after).await?;
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
    crate::services::webhooks::emit(&txn, "customer.deleted", &before).await?;
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
    db: &DatabaseConnection,
    actor: &Actor,
    filter: &CustomerFilter,
    sort: Option<&str>,
    paging: &Paging,
) -> Result<Page<Customer>> {
    let scope = actor.require(Action::CustomersRead)?;
    let keys = crate::list::parse_sort(sort, repo::SORT_FIELDS, repo::DEFAULT_SORT)?;
    check_filter(filter)?;
    if filter.rfm_segment.is_some() {
        crate::services::rfm::ensure_fresh(db, db, today()).await?;
    }
    let (rows, total, next) = repo::list(db, filter, actor.owner_filter(scope), &keys, paging).await?;
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
    if let Some(s) = f.rfm_segment.as_deref()
        && rapport_analytics::rfm::Segment::parse(s).is_none()
    {
        let keys = rapport_analytics::rfm::Segment::ALL.map(|x| x.as_str()).join(", ");
        p.add("rfm_segment", format!("must be one of {keys}"));
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
