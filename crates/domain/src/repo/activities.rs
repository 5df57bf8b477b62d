//! Activity queries, including the follow-up lists.

use chrono::NaiveDateTime;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Select};

use crate::entities::{activity, lead, opportunity};
use crate::error::Result;
use crate::list::{Cursor, Paging, SortKey};
use crate::repo::{self, CursorKind, SortField};

/// Sort fields of the activity list.
pub const SORT_FIELDS: &[&str] = &["id", "due_at", "created_at"];
/// Newest first.
pub const DEFAULT_SORT: SortKey = SortKey { field: "created_at", desc: true };
/// Longest follow-up list returned at once.
pub const FOLLOW_UP_LIMIT: u64 = 200;

const FIELDS: &[SortField<activity::Column>] = &[
    SortField { field: "id", column: activity::Column::Id, kind: CursorKind::Id },
    SortField { field: "due_at", column: activity::Column::DueAt, kind: CursorKind::No },
    SortField { field: "created_at", column: activity::Column::CreatedAt, kind: CursorKind::Time },
];

impl repo::Row for activity::Model {
    fn row_id(&self) -> i64 {
        self.id
    }

    fn cursor_value(&self, field: &str) -> Option<String> {
        (field == "created_at").then(|| repo::time_text(self.created_at))
    }
}

/// Conditions of the activity list.
#[derive(Clone, Debug, Default)]
pub struct ActivityFilter {
    pub owner_id: Option<i64>,
    pub kind: Option<String>,
    pub customer_id: Option<i64>,
    pub lead_id: Option<i64>,
    pub opportunity_id: Option<i64>,
    /// Due at or after.
    pub due_from: Option<NaiveDateTime>,
    /// Due before.
    pub due_to: Option<NaiveDateTime>,
    /// Only done (`true`) or only open (`false`).
    pub done: Option<bool>,
}

/// The live activity with this id.
///
/// # Errors
/// Database failures.
pub async fn find_live(db: &impl ConnectionTrait, id: i64) -> Result<Option<activity::Model>, DbErr> {
    activity::Entity::find_by_id(id).filter(activity::Column::DeletedAt.is_null()).one(db).await
}

fn live() -> Select<activity::Entity> {
    activity::Entity::find().filter(activity::Column::DeletedAt.is_null())
}

fn filtered(f: &ActivityFilter, owner: Option<i64>) -> Select<activity::Entity> {
    use activity::Column as C;
    let mut q = live();
    for (col, v) in [
        (C::OwnerId, owner),
        (C::OwnerId, f.owner_id),
        (C::CustomerId, f.customer_id),
        (C::LeadId, f.lead_id),
        (C::OpportunityId, f.opportunity_id),
    ] {
        if let Some(v) = v {
            q = q.filter(col.eq(v));
        }
    }
    if let Some(k) = &f.kind {
        q = q.filter(C::Kind.eq(k.clone()));
    }
    if let Some(t) = f.due_from {
        q = q.filter(C::DueAt.gte(t));
    }
    if let Some(t) = f.due_to {
        q = q.filter(C::DueAt.lt(t));
    }
    match f.done {
        Some(true) => q = q.filter(C::DoneAt.is_not_null()),
        Some(false) => q = q.filter(C::DoneAt.is_null()),
        None => {}
    }
    q
}

/// One page of activities.
///
/// # Errors
/// `Invalid` cursor; database failures.
pub async fn list(
    db: &impl ConnectionTrait,
    f: &ActivityFilter,
    owner: Option<i64>,
    keys: &[SortKey],
    paging: &Paging,
) -> Result<(Vec<activity::Model>, Option<u64>, Option<Cursor>)> {
    repo::paged(db, filtered(f, owner), FIELDS, activity::Column::Id, keys, paging).await
}

/// A user's open activities due in `[from, to)`, earliest first.
///
/// # Errors
/// Database failures.
pub async fn open_due(
    db: &impl ConnectionTrait,
    owner: i64,
    from: Option<NaiveDateTime>,
    to: NaiveDateTime,
) -> Result<Vec<activity::Model>, DbErr> {
    let mut q = live()
        .filter(activity::Column::OwnerId.eq(owner))
        .filter(activity::Column::DoneAt.is_null())
        .filter(activity::Column::DueAt.lt(to));
    if let Some(f) = from {
        q = q.filter(activity::Column::DueAt.gte(f));
    }
    q.order_by_asc(activity::Column::DueAt).order_by_asc(activity::Column::Id).limit(FOLLOW_UP_LIMIT).all(db).await
}

/// A user's open leads without activity since `before`, longest idle first.
///
/// # Errors
/// Database failures.
pub async fn idle_leads(
    db: &impl ConnectionTrait,
    owner: i64,
    before: NaiveDateTime,
) -> Result<Vec<lead::Model>, DbErr> {
    lead::Entity::find()
        .filter(lead::Column::DeletedAt.is_null())
        .filter(lead::Column::OwnerId.eq(owner))
        .filter(lead::Column::Status.is_in(repo::leads::OPEN.iter().copied()))
        .filter(lead::Column::LastActivityAt.lt(before))
        .order_by_asc(lead::Column::LastActivityAt)
        .limit(FOLLOW_UP_LIMIT)
        .all(db)
        .await
}

/// A user's open opportunities without activity since `before`, longest idle first.
///
/// # Errors
/// Database failures.
pub async fn idle_opportunities(
    db: &impl ConnectionTrait,
    owner: i64,
    before: NaiveDateTime,
) -> Result<Vec<opportunity::Model>, DbErr> {
    opportunity::Entity::find()
        .filter(opportunity::Column::DeletedAt.is_null())
        .filter(opportunity::Column::OwnerId.eq(owner))
        .filter(opportunity::Column::Stage.is_not_in(["won", "lost"]))
        .filter(opportunity::Column::LastActivityAt.lt(before))
        .order_by_asc(opportunity::Column::LastActivityAt)
        .limit(FOLLOW_UP_LIMIT)
        .all(db)
        .await
}

/// Records activity on the linked lead or opportunity (for idle tracking).
///
/// # Errors
/// Database failures.
pub async fn touch_links(db: &impl ConnectionTrait, a: &activity::Model, at: NaiveDateTime) -> Result<(), DbErr> {
    use sea_orm::ActiveValue::Set;
    if let Some(id) = a.lead_id {
        lead::Entity::update_many()
            .set(lead::ActiveModel { last_activity_at: Set(at), ..Default::default() })
            .filter(lead::Column::Id.eq(id))
            .exec(db)
            .await?;
    }
    if let Some(id) = a.opportunity_id {
        opportunity::Entity::update_many()
            .set(opportunity::ActiveModel { last_activity_at: Set(at), ..Default::default() })
            .filter(opportunity::Column::Id.eq(id))
            .exec(db)
            .await?;
    }
    Ok(())
}

/// A customer's activities before a time, newest first (for the timeline).
///
/// # Errors
/// Database failures.
pub async fn for_customer(
    db: &impl ConnectionTrait,
    customer_id: i64,
    before: Option<NaiveDateTime>,
    limit: u64,
) -> Result<Vec<activity::Model>, DbErr> {
    let mut q = live().filter(activity::Column::CustomerId.eq(customer_id));
    if let Some(t) = before {
        q = q.filter(activity::Column::CreatedAt.lt(t));
    }
    q.order_by_desc(activity::Column::CreatedAt).limit(limit).all(db).await
}
