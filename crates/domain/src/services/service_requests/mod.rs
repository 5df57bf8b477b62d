//! Service requests: customers' questions and problems, assigned automatically,
//! worked through a status table against an SLA, and rated when resolved.

mod model;
mod progress;
pub mod rating;
pub mod settings;
pub mod stats;

pub use model::{ServiceRequest, ServiceUpdate, Sla};
pub use progress::{assign, change_status, comment, timeline};
pub use settings::ServiceSettings;
pub use stats::stats;

use chrono::NaiveDateTime;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::entities::{order, service_request, service_update, user};
use crate::error::{DomainError, Result};
use crate::list::{Page, Paging, parse_sort};
use crate::repo::audit::{self, Change};
use crate::repo::counters;
use crate::repo::service_requests::{self as repo, Reach, RequestFilter};
use crate::rules::assignment;
use crate::rules::sla::{self, PRIORITIES};
use crate::rules::transitions::{self, SERVICE};
use crate::rules::validate::{self, Problems};
use crate::services::customers::visible_customer;
use crate::services::snapshot;
use crate::time::now;
use crate::{Action, Actor, Role, Scope};

/// Channels a request may arrive through.
pub const CHANNELS: &[&str] = &["phone", "email", "web", "chat"];

/// The fields a request is created from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NewRequest {
    pub customer_id: i64,
    pub order_id: Option<i64>,
    pub subject: String,
    pub description: Option<String>,
    pub channel: String,
    /// Defaults to `normal`.
    pub priority: Option<String>,
    /// Defaults to now; may lie in the past (backfilled requests), not in the future.
    pub request_date: Option<NaiveDateTime>,
}

/// Who wrote an update.
#[derive(Clone, Debug)]
pub(crate) enum Author {
    Actor(Actor),
    Customer,
}

pub(crate) async fn add_update(
    db: &impl ConnectionTrait,
    request_id: i64,
    kind: &str,
    body: Option<String>,
    visibility: &str,
    statuses: Option<(&str, &str)>,
    author: Author,
) -> Result<()> {
    let (author_id, label) = match author {
        Author::Actor(a) => (a.user_id, a.label()),
        Author::Customer => (None, "customer".to_owned()),
    };
    service_update::Entity::insert(service_update::ActiveModel {
        request_id: Set(request_id),
        kind: Set(kind.to_owned()),
        body: Set(body),
        visibility: Set(visibility.to_owned()),
        from_status: Set(statuses.map(|s| s.0.to_owned())),
        to_status: Set(statuses.map(|s| s.1.to_owned())),
        author_id: Set(author_id),
        author: Set(label),
        at: Set(now()),
        ..Default::default()
    })
    .exec(db)
    .await?;
    Ok(())
}

/// Which requests an actor reaches for reading: sales reach their customers' requests;
/// support agents reach their own when the setting says so.
async fn reach(db: &impl ConnectionTrait, actor: &Actor, scope: Scope) -> Result<Reach> {
    let me = actor.user_id.unwrap_or(-1);
    Ok(match (scope, actor.role) {
        (Scope::Own, _) => Reach::CustomerOwner(me),
        (Scope::All, Role::Support) if settings::current(db).await?.support_own_only => Reach::Assignee(me),
        (Scope::All, _) => Reach::All,
    })
}

fn reaches(reach: Reach, m: &service_request::Model, customer_owner: Option<i64>) -> bool {
    match reach {
        Reach::All => true,
        Reach::Assignee(u) => m.assignee_id == Some(u),
        Reach::CustomerOwner(u) => customer_owner == Some(u),
    }
}

pub(crate) async fn visible_with(
    db: &impl ConnectionTrait,
    actor: &Actor,
    action: Action,
    id: i64,
) -> Result<service_request::Model> {
    let scope = actor.require(action)?;
    let reach = reach(db, actor, scope).await?;
    let m = repo::find(db, id).await?.ok_or(DomainError::NotFound("service request"))?;
    let owner = match reach {
        Reach::CustomerOwner(_) => crate::repo::customers::find_live(db, m.customer_id).await?.and_then(|c| c.owner_id),
        _ => None,
    };
    if reaches(reach, &m, owner) { Ok(m) } else { Err(DomainError::NotFound("service request")) }
}

pub(crate) async fn visible_for_write(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: i64,
) -> Result<service_request::Model> {
    visible_with(db, actor, Action::ServiceWrite, id).await
}

pub(crate) async fn load(db: &impl ConnectionTrait, id: i64) -> Result<ServiceRequest> {
    let m = repo::find(db, id).await?.ok_or(DomainError::NotFound("service request"))?;
    let at = now();
    let link = rating::link(db, &m, at).await?;
    Ok(ServiceRequest::at(m, at, link))
}

/// One request.
///
/// # Errors
/// `Forbidden`, `NotFound`, database failures.
pub async fn get(db: &impl ConnectionTrait, actor: &Actor, id: i64) -> Result<ServiceRequest> {
    visible_with(db, actor, Action::ServiceRead, id).await?;
    load(db, id).await
}

/// A page of the requests the actor reaches.
///
/// # Errors
/// `Forbidden`, `Invalid`, database failures.
pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: &RequestFilter,
    sort: Option<&str>,
    paging: &Paging,
) -> Result<Page<ServiceRequest>> {
    let scope = actor.require(Action::ServiceRead)?;
    let mut p = Problems::default();
    if filter.status.as_deref().is_some_and(|s| !transitions::is_state(SERVICE, s)) {
        p.add("status", format!("must be one of {}", transitions::states(SERVICE).join(", ")));
    }
    if filter.priority.as_deref().is_some_and(|s| !PRIORITIES.contains(&s)) {
        p.add("priority", format!("must be one of {}", PRIORITIES.join(", ")));
    }
    if filter.channel.as_deref().is_some_and(|s| !CHANNELS.contains(&s)) {
        p.add("channel", format!("must be one of {}", CHANNELS.join(", ")));
    }
    p.finish()?;
    let keys = parse_sort(sort, repo::SORT_FIELDS, repo::DEFAULT_SORT)?;
    let at = now();
    let reach = reach(db, actor, scope).await?;
    let (rows, total, next) = repo::list(db, filter, reach, at, &keys, paging).await?;
    let mut items = Vec::with_capacity(rows.len());
    for m in rows {
        let link = rating::link(db, &m, at).await?;
        items.push(ServiceRequest::at(m, at, link));
    }
    Ok(crate::repo::page_of(items, paging, total, next))
}

/// The support agent for a new request: fewest open requests, ties to the one idle
/// longest. Takes the assignment counter's row lock first, so that requests arriving
/// together are assigned one after the other.
async fn pick_agent(txn: &impl ConnectionTrait) -> Result<Option<i64>> {
    counters::next(txn, "service_assignment").await?;
    let agents: Vec<i64> = user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .filter(user::Column::Role.eq(Role::Support.as_str()))
        .filter(user::Column::Active.eq(true))
        .order_by_asc(user::Column::Id)
        .into_tuple()
        .all(txn)
        .await?;
    let (open, last) = repo::load_of(txn, &agents).await?;
    Ok(assignment::least_busy(&agents, &open, &last))
}

/// Opens a request for a customer the actor can see, assigns it and sets its due time.
///
/// # Errors
/// `Forbidden`, `Invalid` (fields; an order of another customer), database failures.
pub async fn create(db: &DatabaseConnection, actor: &Actor, input: NewRequest) -> Result<ServiceRequest> {
    actor.require(Action::ServiceWrite)?;
    let at = now();
    let mut p = Problems::default();
    let subject = validate::required(&mut p, "subject", &input.subject, 200);
    let description = validate::optional(&mut p, "description", input.description.as_deref(), 10_000);
    if !CHANNELS.contains(&input.channel.as_str()) {
        p.add("channel", format!("must be one of {}", CHANNELS.join(", ")));
    }
    let priority = input.priority.unwrap_or_else(|| "normal".to_owned());
    if !PRIORITIES.contains(&priority.as_str()) {
        p.add("priority", format!("must be one of {}", PRIORITIES.join(", ")));
    }
    let requested = input.request_date.unwrap_or(at);
    if requested > at + chrono::Duration::minutes(5) {
        p.add("request_date", "must not be in the future");
    }
    p.finish()?;
    let txn = crate::repo::begin_read_committed(db).await?;
    let scope = actor.require(Action::CustomersRead)?;
    visible_customer(&txn, actor, scope, input.customer_id)
        .await
        .map_err(|_| DomainError::invalid("customer_id", "is not a customer you can see"))?;
    if let Some(oid) = input.order_id {
        let o = order::Entity::find_by_id(oid).one(&txn).await?;
        if o.is_none_or(|o| o.customer_id != input.customer_id) {
            return Err(DomainError::invalid("order_id", "is not an order of this customer"));
        }
    }
    let hours = settings::current(&txn).await?.sla_hours;
    let agent = pick_agent(&txn).await?;
    let id = service_request::Entity::insert(service_request::ActiveModel {
        customer_id: Set(input.customer_id),
        order_id: Set(input.order_id),
        subject: Set(subject),
        description: Set(description),
        channel: Set(input.channel),
        due_at: Set(sla::due_at(requested, &priority, &hours)),
        priority: Set(priority),
        request_date: Set(requested),
        status: Set(if agent.is_some() { "assigned" } else { "open" }.to_owned()),
        assignee_id: Set(agent),
        assigned_at: Set(agent.map(|_| at)),
        first_response_at: Set(None),
        resolved_at: Set(None),
        closed_at: Set(None),
        rating: Set(None),
        rating_comment: Set(None),
        rated_at: Set(None),
        rating_nonce: Set(None),
        created_at: Set(at),
        updated_at: Set(at),
        version: Set(1),
        ..Default::default()
    })
    .exec(&txn)
    .await?
    .last_insert_id;
    add_update(&txn, id, "created", None, "customer", None, Author::Actor(actor.clone())).await?;
    if let Some(a) = agent {
        add_update(
            &txn,
            id,
            "assignment",
            Some(format!("assigned to user:{a}")),
            "internal",
            Some(("open", "assigned")),
            Author::Actor(Actor::system()),
        )
        .await?;
    }
    let created = load(&txn, id).await?;
    audit::record(
        &txn,
        actor,
        Change { entity: "service_request", entity_id: id, action: "create", before: None, after: snapshot(&created) },
    )
    .await?;
    crate::services::webhooks::emit(&txn, "service_request.created", &created).await?;
    txn.commit().await?;
    Ok(created)
}
