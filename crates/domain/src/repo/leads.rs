//! Lead queries.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect, Select};

use crate::entities::lead;
use crate::error::Result;
use crate::list::{Cursor, Paging, SortKey};
use crate::repo::{self, CursorKind, SortField};

/// Statuses in which a lead still needs work.
pub const OPEN: &[&str] = &["new", "contacted", "qualified"];

/// Sort fields of the lead list.
pub const SORT_FIELDS: &[&str] = &["id", "name", "status", "created_at", "updated_at"];
/// Newest first.
pub const DEFAULT_SORT: SortKey = SortKey { field: "created_at", desc: true };

const FIELDS: &[SortField<lead::Column>] = &[
    SortField { field: "id", column: lead::Column::Id, kind: CursorKind::Id },
    SortField { field: "name", column: lead::Column::NameLower, kind: CursorKind::Text },
    SortField { field: "status", column: lead::Column::Status, kind: CursorKind::Text },
    SortField { field: "created_at", column: lead::Column::CreatedAt, kind: CursorKind::Time },
    SortField { field: "updated_at", column: lead::Column::UpdatedAt, kind: CursorKind::Time },
];

impl repo::Row for lead::Model {
    fn row_id(&self) -> i64 {
        self.id
    }

    fn cursor_value(&self, field: &str) -> Option<String> {
        match field {
            "name" => Some(self.name_lower.clone()),
            "status" => Some(self.status.clone()),
            "created_at" => Some(repo::time_text(self.created_at)),
            "updated_at" => Some(repo::time_text(self.updated_at)),
            _ => None,
        }
    }
}

/// Conditions of the lead list.
#[derive(Clone, Debug, Default)]
pub struct LeadFilter {
    /// Case-insensitive substring of name, company, email or phone.
    pub q: Option<String>,
    pub status: Option<String>,
    pub source: Option<String>,
    pub owner_id: Option<i64>,
    pub created_from: Option<NaiveDateTime>,
    pub created_to: Option<NaiveDateTime>,
}

/// The live lead with this id.
///
/// # Errors
/// Database failures.
pub async fn find_live(db: &impl ConnectionTrait, id: i64) -> Result<Option<lead::Model>, DbErr> {
    lead::Entity::find_by_id(id).filter(lead::Column::DeletedAt.is_null()).one(db).await
}

fn filtered(f: &LeadFilter, owner: Option<i64>) -> Select<lead::Entity> {
    use lead::Column as C;
    let mut q = lead::Entity::find().filter(C::DeletedAt.is_null());
    if let Some(o) = owner {
        q = q.filter(C::OwnerId.eq(o));
    }
    if let Some(text) = &f.q {
        let needle = text.to_lowercase();
        q = q.filter(
            Condition::any()
                .add(C::NameLower.like(repo::contains(&needle)))
                .add(repo::lower_contains(C::Company, &needle))
                .add(repo::lower_contains(C::Email, &needle))
                .add(C::Phone.like(repo::contains(&needle))),
        );
    }
    if let Some(s) = &f.status {
        q = q.filter(C::Status.eq(s.clone()));
    }
    if let Some(s) = &f.source {
        q = q.filter(C::Source.eq(s.clone()));
    }
    if let Some(o) = f.owner_id {
        q = q.filter(C::OwnerId.eq(o));
    }
    if let Some(t) = f.created_from {
        q = q.filter(C::CreatedAt.gte(t));
    }
    if let Some(t) = f.created_to {
        q = q.filter(C::CreatedAt.lt(t));
    }
    q
}

/// One page of leads.
///
/// # Errors
/// `Invalid` cursor; database failures.
pub async fn list(
    db: &impl ConnectionTrait,
    f: &LeadFilter,
    owner: Option<i64>,
    keys: &[SortKey],
    paging: &Paging,
) -> Result<(Vec<lead::Model>, Option<u64>, Option<Cursor>)> {
    repo::paged(db, filtered(f, owner), FIELDS, lead::Column::Id, keys, paging).await
}

/// Open leads per owner, for these owners.
///
/// # Errors
/// Database failures.
pub async fn open_counts(db: &impl ConnectionTrait, owners: &[i64]) -> Result<HashMap<i64, i64>, DbErr> {
    let rows: Vec<(Option<i64>, i64)> = lead::Entity::find()
        .select_only()
        .column(lead::Column::OwnerId)
        .column_as(lead::Column::Id.count(), "n")
        .filter(lead::Column::DeletedAt.is_null())
        .filter(lead::Column::Status.is_in(OPEN.iter().copied()))
        .filter(lead::Column::OwnerId.is_in(owners.iter().copied()))
        .group_by(lead::Column::OwnerId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().filter_map(|(o, n)| o.map(|o| (o, n))).collect())
}
