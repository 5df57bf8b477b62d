//! Order queries.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Select};

use crate::entities::{order, order_line};
use crate::error::Result;
use crate::list::{Cursor, Paging, SortKey};
use crate::repo::{self, CursorKind, SortField};

/// Sort fields of the order list.
pub const SORT_FIELDS: &[&str] = &["id", "number", "order_date", "total", "created_at"];
/// Latest order date first.
pub const DEFAULT_SORT: SortKey = SortKey { field: "order_date", desc: true };

const FIELDS: &[SortField<order::Column>] = &[
    SortField { field: "id", column: order::Column::Id, kind: CursorKind::Id },
    SortField { field: "number", column: order::Column::Number, kind: CursorKind::Text },
    SortField { field: "order_date", column: order::Column::OrderDate, kind: CursorKind::Date },
    SortField { field: "total", column: order::Column::TotalCents, kind: CursorKind::Int },
    SortField { field: "created_at", column: order::Column::CreatedAt, kind: CursorKind::Time },
];

impl repo::Row for order::Model {
    fn row_id(&self) -> i64 {
        self.id
    }

    fn cursor_value(&self, field: &str) -> Option<String> {
        match field {
            "number" => Some(self.number.clone()),
            "order_date" => Some(self.order_date.format("%Y-%m-%d").to_string()),
            "total" => Some(self.total_cents.to_string()),
            "created_at" => Some(repo::time_text(self.created_at)),
            _ => None,
        }
    }
}

/// Conditions of the order list.
#[derive(Clone, Debug, Default)]
pub struct OrderFilter {
    pub customer_id: Option<i64>,
    pub status: Option<String>,
    pub owner_id: Option<i64>,
    /// Order date on or after.
    pub date_from: Option<NaiveDate>,
    /// Order date on or before.
    pub date_to: Option<NaiveDate>,
    /// Total at least (cents).
    pub total_from: Option<i64>,
    /// Total at most (cents).
    pub total_to: Option<i64>,
}

/// The order with this id (orders are never deleted; cancelling keeps them).
///
/// # Errors
/// Database failures.
pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<order::Model>, DbErr> {
    order::Entity::find_by_id(id).one(db).await
}

fn filtered(f: &OrderFilter, owner: Option<i64>) -> Select<order::Entity> {
    use order::Column as C;
    let mut q = order::Entity::find();
    if let Some(o) = owner {
        q = q.filter(C::OwnerId.eq(o));
    }
    if let Some(c) = f.customer_id {
        q = q.filter(C::CustomerId.eq(c));
    }
    if let Some(s) = &f.status {
        q = q.filter(C::Status.eq(s.clone()));
    }
    if let Some(o) = f.owner_id {
        q = q.filter(C::OwnerId.eq(o));
    }
    if let Some(d) = f.date_from {
        q = q.filter(C::OrderDate.gte(d));
    }
    if let Some(d) = f.date_to {
        q = q.filter(C::OrderDate.lte(d));
    }
    if let Some(t) = f.total_from {
        q = q.filter(C::TotalCents.gte(t));
    }
    if let Some(t) = f.total_to {
        q = q.filter(C::TotalCents.lte(t));
    }
    q
}

/// One page of orders; `owner` restricts to one owner's records.
///
/// # Errors
/// `Invalid` cursor; database failures.
pub async fn list(
    db: &impl ConnectionTrait,
    f: &OrderFilter,
    owner: Option<i64>,
    keys: &[SortKey],
    paging: &Paging,
) -> Result<(Vec<order::Model>, Option<u64>, Option<Cursor>)> {
    repo::paged(db, filtered(f, owner), FIELDS, order::Column::Id, keys, paging).await
}

/// The lines of these orders, each order's in position order.
///
/// # Errors
/// Database failures.
pub async fn lines(db: &impl ConnectionTrait, ids: &[i64]) -> Result<HashMap<i64, Vec<order_line::Model>>, DbErr> {
    let mut out: HashMap<i64, Vec<order_line::Model>> = HashMap::new();
    for chunk in ids.chunks(500) {
        let rows = order_line::Entity::find()
            .filter(order_line::Column::OrderId.is_in(chunk.iter().copied()))
            .order_by_asc(order_line::Column::OrderId)
            .order_by_asc(order_line::Column::Position)
            .all(db)
            .await?;
        for r in rows {
            out.entry(r.order_id).or_default().push(r);
        }
    }
    Ok(out)
}

/// Inserts line rows in batches.
///
/// # Errors
/// Database failures.
pub async fn insert_lines(db: &impl ConnectionTrait, rows: Vec<order_line::ActiveModel>) -> Result<(), DbErr> {
    crate::repo::batch::insert_all(db, rows, |l| 64 + l.description.try_as_ref().map_or(0, String::len)).await
}

/// A customer's orders created before `before`, newest first.
///
/// # Errors
/// Database failures.
pub async fn for_customer(
    db: &impl ConnectionTrait,
    customer_id: i64,
    before: Option<NaiveDateTime>,
    limit: u64,
) -> Result<Vec<order::Model>, DbErr> {
    let mut q = order::Entity::find().filter(order::Column::CustomerId.eq(customer_id));
    if let Some(t) = before {
        q = q.filter(order::Column::CreatedAt.lt(t));
    }
    q.order_by_desc(order::Column::CreatedAt).order_by_desc(order::Column::Id).limit(limit).all(db).await
}
