//! Working a request: status moves, reassignment, comments and the progress timeline.

use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, TransactionTrait,
};

use super::{Author, ServiceRequest, ServiceUpdate, add_update, load, rating, visible_for_write, visible_with};
use crate::entities::{service_request, user};
use crate::error::{DomainError, Result};
use crate::repo::audit::{self, Change};
use crate::repo::service_requests as repo;
use crate::rules::transitions::{self, SERVICE};
use crate::rules::validate::{self, Problems};
use crate::services::customers::check_version;
use crate::services::snapshot;
use crate::time::now;
use crate::{Action, Actor, Role};

async fn save(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    cur: &service_request::Model,
    mut am: service_request::ActiveModel,
    action: &str,
) -> Result<ServiceRequest> {
    let before = ServiceRequest::at(cur.clone(), now(), None);
    am.updated_at = Set(now());
    am.version = Set(cur.version + 1);
    let res = service_request::Entity::update_many()
        .set(am)
        .filter(service_request::Column::Id.eq(cur.id))
        .filter(service_request::Column::Version.eq(cur.version))
        .exec(txn)
        .await?;
    if res.rows_affected != 1 {
        return Err(DomainError::StaleVersion { expected: cur.version, current: cur.version + 1 });
    }
    let after = load(txn, cur.id).await?;
    audit::record(
        txn,
        actor,
        Change {
            entity: "service_request",
            entity_id: cur.id,
            action,
            before: snapshot(&before),
            after: snapshot(&after),
        },
    )
    .await?;
    crate::services::webhooks::emit(txn, "service_request.updated", &after).await?;
    if after.status == "resolved" && cur.status != "resolved" {
        crate::services::webhooks::emit(txn, "service_request.resolved", &after).await?;
    }
    Ok(after)
}

/// Moves a request by the status table, with an optional note.
///
/// Entering `in_progress` or `resolved` counts as the first response; `resolved`
/// issues a rating link; reopening clears the resolution and retires the old link.
///
/// # Errors
/// `Forbidden`, `NotFound`, `StaleVersion`, `InvalidTransition`, `Invalid`, database failures.
pub async fn change_status(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    expected: Option<i32>,
    status: &str,
    note: Option<&str>,
) -> Result<ServiceRequest> {
    let mut p = Problems::default();
    let note = validate::optional(&mut p, "note", note, 10_000);
    if !transitions::is_state(SERVICE, status) {
        p.add("status", format!("must be one of {}", transitions::states(SERVICE).join(", ")));
    }
    p.finish()?;
    let txn = db.begin().await?;
    let cur = visible_for_write(&txn, actor, id).await?;
    check_version(expected, cur.version)?;
    transitions::check(SERVICE, &cur.status, status)?;
    let at = now();
    let reopening = matches!(cur.status.as_str(), "resolved" | "closed") && status == "in_progress";
    let mut am = service_request::ActiveModel { status: Set(status.to_owned()), ..Default::default() };
    if matches!(status, "in_progress" | "resolved") && cur.first_response_at.is_none() {
        am.first_response_at = Set(Some(at));
    }
    match status {
        "resolved" => {
            am.resolved_at = Set(Some(at));
            if cur.rating.is_none() {
                am.rating_nonce = Set(Some(rating::new_nonce()));
            }
        }
        "closed" => am.closed_at = Set(Some(at)),
        _ if reopening => {
            am.resolved_at = Set(None);
            am.closed_at = Set(None);
            am.rating_nonce = Set(None);
        }
        _ => {}
    }
    add_update(&txn, id, "status", note, "customer", Some((&cur.status, status)), Author::Actor(actor.clone())).await?;
    let out = save(&txn, actor, &cur, am, "status").await?;
    txn.commit().await?;
    Ok(out)
}

/// Reassigns a request by hand to an active support agent.
///
/// # Errors
/// `Forbidden`, `NotFound`, `StaleVersion`, `Invalid` (not an active support user), `Conflict` (closed).
pub async fn assign(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    expected: Option<i32>,
    assignee: i64,
) -> Result<ServiceRequest> {
    actor.require(Action::ServiceAssign)?;
    let txn = db.begin().await?;
    let cur = visible_with(&txn, actor, Action::ServiceRead, id).await?;
    check_version(expected, cur.version)?;
    if cur.status == "closed" {
        return Err(DomainError::Conflict("a closed request is not reassigned; reopen it first".into()));
    }
    match user::Entity::find_by_id(assignee).one(&txn).await? {
        Some(u) if u.active && u.role == Role::Support.as_str() => {}
        _ => return Err(DomainError::invalid("assignee_id", "is not an active support user")),
    }
    let status = if cur.status == "open" { "assigned" } else { cur.status.as_str() };
    let am = service_request::ActiveModel {
        assignee_id: Set(Some(assignee)),
        assigned_at: Set(Some(now())),
        status: Set(status.to_owned()),
        ..Default::default()
    };
    add_update(
        &txn,
        id,
        "assignment",
        Some(format!("assigned to user:{assignee}")),
        "internal",
        Some((&cur.status, status)),
        Author::Actor(actor.clone()),
    )
    .await?;
    let out = save(&txn, actor, &cur, am, "assign").await?;
    txn.commit().await?;
    Ok(out)
}

/// Adds a comment (internal, or visible to the customer). A staff comment visible to
/// the customer is the first response when none came before.
///
/// # Errors
/// `Forbidden`, `NotFound`, `Invalid`, database failures.
pub async fn comment(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    body: &str,
    visibility: &str,
) -> Result<ServiceUpdate> {
    let mut p = Problems::default();
    let body = validate::required(&mut p, "body", body, 10_000);
    if !matches!(visibility, "internal" | "customer") {
        p.add("visibility", "must be internal or customer");
    }
    p.finish()?;
    let txn = db.begin().await?;
    let cur = visible_for_write(&txn, actor, id).await?;
    add_update(&txn, id, "comment", Some(body), visibility, None, Author::Actor(actor.clone())).await?;
    if visibility == "customer" && cur.first_response_at.is_none() {
        service_request::Entity::update_many()
            .set(service_request::ActiveModel { first_response_at: Set(Some(now())), ..Default::default() })
            .filter(service_request::Column::Id.eq(id))
            .exec(&txn)
            .await?;
    }
    let last = repo::updates(&txn, id).await?.pop().ok_or(DomainError::NotFound("update"))?;
    txn.commit().await?;
    Ok(last.into())
}

/// A request's progress, oldest first. Sales users see only customer-visible entries.
///
/// # Errors
/// `Forbidden`, `NotFound`, database failures.
pub async fn timeline(db: &impl ConnectionTrait, actor: &Actor, id: i64) -> Result<Vec<ServiceUpdate>> {
    visible_with(db, actor, Action::ServiceRead, id).await?;
    let staff = actor.require(Action::ServiceWrite).is_ok();
    Ok(repo::updates(db, id)
        .await?
        .into_iter()
        .filter(|u| staff || u.visibility == "customer")
        .map(ServiceUpdate::from)
        .collect())
}
