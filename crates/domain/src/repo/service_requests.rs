//! Service request queries.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Select};

use crate::entities::{customer, service_request, service_update};
use crate::error::Result;
use crate::list::{Cursor, Paging, SortKey};
use crate::repo::{self, CursorKind, SortField};

/// Statuses in which a request is still being worked on.
pub const OPEN: &[&str] = &["open", "assigned", "in_progress"];

/// Sort fields of the request list.
pub const SORT_FIELDS: &[&str] = &["id", "request_date", "due_at", "created_at"];
/// Newest first.
pub const DEFAULT_SORT: SortKey = SortKey { field: "request_date", desc: true };

const FIELDS: &[SortField<service_request::Column>] = &[
    SortField { field: "id", column: service_request::Column::Id, kind: CursorKind::Id },
    SortField { field: "request_date", column: service_request::Column::RequestDate, kind: CursorKind::Time },
    SortField { field: "due_at", column: service_request::Column::DueAt, kind: CursorKind::Time },
    SortField { field: "created_at", column: service_request::Column::CreatedAt, kind: CursorKind::Time },
];

impl repo::Row for service_request::Model {
    fn row_id(&self) -> i64 {
        self.id
    }

    fn cursor_value(&self, field: &str) -> Option<String> {
        match field {
            "request_date" => Some(repo::time_text(self.request_date)),
            "due_at" => Some(repo::time_text(self.due_at)),
            "created_at" => Some(repo::time_text(self.created_at)),
            _ => None,
        }
    }
}

/// Conditions of the request list.
#[derive(Clone, Debug, Default)]
pub struct RequestFilter {
    pub status: Option<String>,
    pub priority: Option<String>,
    pub channel: Option<String>,
    pub assignee_id: Option<i64>,
    /// `false`: no assignee yet (the unassigned queue); `true`: someone has it.
    pub assigned: Option<bool>,
    pub customer_id: Option<i64>,
    /// Open and past due (at `now`).
    pub overdue: Option<bool>,
    /// Due before this time.
    pub due_before: Option<NaiveDateTime>,
    /// Requested at or after.
    pub from: Option<NaiveDateTime>,
    /// Requested before.
    pub to: Option<NaiveDateTime>,
}

/// Who may be seen: everything, one assignee's requests, or the requests of one owner's customers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reach {
    All,
    Assignee(i64),
    CustomerOwner(i64),
}

/// The request with this id.
///
/// # Errors
/// Database failures.
pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<service_request::Model>, DbErr> {
    service_request::Entity::find_by_id(id).one(db).await
}

/// Requests within reach and matching the filter, at `now`.
pub fn filtered(f: &RequestFilter, reach: Reach, now: NaiveDateTime) -> Select<service_request::Entity> {
    use service_request::Column as C;
    let mut q = service_request::Entity::find();
    match reach {
        Reach::All => {}
        Reach::Assignee(u) => q = q.filter(C::AssigneeId.eq(u)),
        Reach::CustomerOwner(u) => {
            q = q.filter(
                C::CustomerId.in_subquery(
                    Query::select()
                        .column(customer::Column::Id)
                        .from(customer::Entity)
                        .and_where(customer::Column::OwnerId.eq(u))
                        .to_owned(),
                ),
            );
        }
    }
    for (col, v) in [(C::Status, &f.status), (C::Priority, &f.priority), (C::Channel, &f.channel)] {
        if let Some(v) = v {
            q = q.filter(col.eq(v.clone()));
        }
    }
    if let Some(a) = f.assignee_id {
        q = q.filter(C::AssigneeId.eq(a));
    }
    match f.assigned {
        Some(true) => q = q.filter(C::AssigneeId.is_not_null()),
        Some(false) => q = q.filter(C::AssigneeId.is_null()),
        None => {}
    }
    if let Some(c) = f.customer_id {
        q = q.filter(C::CustomerId.eq(c));
    }
    match f.overdue {
        Some(true) => q = q.filter(C::Status.is_in(OPEN.iter().copied())).filter(C::DueAt.lt(now)),
        Some(false) => {
            q = q.filter(
                sea_orm::Condition::any().add(C::Status.is_not_in(OPEN.iter().copied())).add(C::DueAt.gte(now)),
            );
        }
        None => {}
    }
    if let Some(t) = f.due_before {
        q = q.filter(C::DueAt.lt(t));
    }
    if let Some(t) = f.from {
        q = q.filter(C::RequestDate.gte(t));
    }
    if let Some(t) = f.to {
        q = q.filter(C::RequestDate.lt(t));
    }
    q
}

/// One page of requests.
///
/// # Errors
/// `Invalid` cursor; database failures.
pub async fn list(
    db: &impl ConnectionTrait,
    f: &RequestFilter,
    reach: Reach,
    now: NaiveDateTime,
    keys: &[SortKey],
    paging: &Paging,
) -> Result<(Vec<service_request::Model>, Option<u64>, Option<Cursor>)> {
    repo::paged(db, filtered(f, reach, now), FIELDS, service_request::Column::Id, keys, paging).await
}

/// Open requests per agent and each agent's latest assignment, for these agents.
///
/// # Errors
/// Database failures.
pub async fn load_of(
    db: &impl ConnectionTrait,
    agents: &[i64],
) -> Result<(HashMap<i64, i64>, HashMap<i64, NaiveDateTime>), DbErr> {
    use service_request::Column as C;
    let open: Vec<(Option<i64>, i64)> = service_request::Entity::find()
        .select_only()
        .column(C::AssigneeId)
        .column_as(C::Id.count(), "n")
        .filter(C::Status.is_in(OPEN.iter().copied()))
        .filter(C::AssigneeId.is_in(agents.iter().copied()))
        .group_by(C::AssigneeId)
        .into_tuple()
        .all(db)
        .await?;
    let last: Vec<(Option<i64>, Option<NaiveDateTime>)> = service_request::Entity::find()
        .select_only()
        .column(C::AssigneeId)
        .column_as(C::AssignedAt.max(), "last")
        .filter(C::AssigneeId.is_in(agents.iter().copied()))
        .group_by(C::AssigneeId)
        .into_tuple()
        .all(db)
        .await?;
    Ok((
        open.into_iter().filter_map(|(a, n)| a.map(|a| (a, n))).collect(),
        last.into_iter().filter_map(|(a, t)| Some((a?, t?))).collect(),
    ))
}

/// A request's updates in order.
///
/// # Errors
/// Database failures.
pub async fn updates(db: &impl ConnectionTrait, request_id: i64) -> Result<Vec<service_update::Model>, DbErr> {
    service_update::Entity::find()
        .filter(service_update::Column::RequestId.eq(request_id))
        .order_by_asc(service_update::Column::Id)
        .all(db)
        .await
}

/// A customer's requests before a time, newest first (for the customer timeline).
///
/// # Errors
/// Database failures.
pub async fn for_customer(
    db: &impl ConnectionTrait,
    customer_id: i64,
    before: Option<NaiveDateTime>,
    limit: u64,
) -> Result<Vec<service_request::Model>, DbErr> {
    let mut q = service_request::Entity::find().filter(service_request::Column::CustomerId.eq(customer_id));
    if let Some(t) = before {
        q = q.filter(service_request::Column::RequestDate.lt(t));
    }
    q.order_by_desc(service_request::Column::RequestDate).limit(limit).all(db).await
}
