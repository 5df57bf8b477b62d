//! Quote queries.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Select,
};

use crate::entities::{quote, quote_line};
use crate::error::Result;
use crate::list::{Cursor, Paging, SortKey};
use crate::repo::{self, CursorKind, SortField};

/// Sort fields of the quote list.
pub const SORT_FIELDS: &[&str] = &["id", "number", "total", "valid_until", "created_at"];
/// Newest first.
pub const DEFAULT_SORT: SortKey = SortKey { field: "created_at", desc: true };

const FIELDS: &[SortField<quote::Column>] = &[
    SortField { field: "id", column: quote::Column::Id, kind: CursorKind::Id },
    SortField { field: "number", column: quote::Column::Number, kind: CursorKind::Text },
    SortField { field: "total", column: quote::Column::TotalCents, kind: CursorKind::Int },
    SortField { field: "valid_until", column: quote::Column::ValidUntil, kind: CursorKind::Date },
    SortField { field: "created_at", column: quote::Column::CreatedAt, kind: CursorKind::Time },
];

impl repo::Row for quote::Model {
    fn row_id(&self) -> i64 {
        self.id
    }

    fn cursor_value(&self, field: &str) -> Option<String> {
        match field {
            "number" => Some(self.number.clone()),
            "total" => Some(self.total_cents.to_string()),
            "valid_until" => Some(self.valid_until.format("%Y-%m-%d").to_string()),
            "created_at" => Some(repo::time_text(self.created_at)),
            _ => None,
        }
    }
}

/// Conditions of the quote list.
#[derive(Clone, Debug, Default)]
pub struct QuoteFilter {
    pub customer_id: Option<i64>,
    pub opportunity_id: Option<i64>,
    pub owner_id: Option<i64>,
    /// The reported status (`expired` included).
    pub status: Option<String>,
    /// Case-insensitive substring of the number.
    pub q: Option<String>,
    /// Created at or after.
    pub created_from: Option<NaiveDateTime>,
    /// Created before.
    pub created_to: Option<NaiveDateTime>,
}

/// The stored statuses that lapse into `expired` once `valid_until` has passed.
pub const OPEN: [&str; 2] = ["draft", "sent"];

/// Quotes whose reported status is `status` on `today`: a draft or sent quote valid
/// until before today is `expired`, and only then.
pub fn reported_status_is(status: &str, today: NaiveDate) -> Condition {
    use quote::Column as C;
    match status {
        "expired" => Condition::all().add(C::Status.is_in(OPEN)).add(C::ValidUntil.lt(today)),
        s if OPEN.contains(&s) => Condition::all().add(C::Status.eq(s)).add(C::ValidUntil.gte(today)),
        s => Condition::all().add(C::Status.eq(s)),
    }
}

/// The live quote with this id.
///
/// # Errors
/// Database failures.
pub async fn find_live(db: &impl ConnectionTrait, id: i64) -> Result<Option<quote::Model>, DbErr> {
    quote::Entity::find_by_id(id).filter(quote::Column::DeletedAt.is_null()).one(db).await
}

fn filtered(f: &QuoteFilter, owner: Option<i64>, today: NaiveDate) -> Select<quote::Entity> {
    use quote::Column as C;
    let mut q = quote::Entity::find().filter(C::DeletedAt.is_null());
    if let Some(o) = owner {
        q = q.filter(C::OwnerId.eq(o));
    }
    if let Some(c) = f.customer_id {
        q = q.filter(C::CustomerId.eq(c));
    }
    if let Some(o) = f.opportunity_id {
        q = q.filter(C::OpportunityId.eq(o));
    }
    if let Some(o) = f.owner_id {
        q = q.filter(C::OwnerId.eq(o));
    }
    if let Some(s) = &f.status {
        q = q.filter(reported_status_is(s, today));
    }
    if let Some(text) = &f.q {
        // Numbers are upper-case ASCII, so the needle is upper-cased instead of the column.
        q = q.filter(C::Number.like(repo::contains(&text.to_uppercase())));
    }
    if let Some(t) = f.created_from {
        q = q.filter(C::CreatedAt.gte(t));
    }
    if let Some(t) = f.created_to {
        q = q.filter(C::CreatedAt.lt(t));
    }
    q
}

/// One page of live quotes; `owner` restricts to one owner's records.
///
/// # Errors
/// `Invalid` cursor; database failures.
pub async fn list(
    db: &impl ConnectionTrait,
    f: &QuoteFilter,
    owner: Option<i64>,
    today: NaiveDate,
    keys: &[SortKey],
    paging: &Paging,
) -> Result<(Vec<quote::Model>, Option<u64>, Option<Cursor>)> {
    repo::paged(db, filtered(f, owner, today), FIELDS, quote::Column::Id, keys, paging).await
}

/// The lines of these quotes, each quote's in position order.
///
/// # Errors
/// Database failures.
pub async fn lines(db: &impl ConnectionTrait, ids: &[i64]) -> Result<HashMap<i64, Vec<quote_line::Model>>, DbErr> {
    let mut out: HashMap<i64, Vec<quote_line::Model>> = HashMap::new();
    for chunk in ids.chunks(500) {
        let rows = quote_line::Entity::find()
            .filter(quote_line::Column::QuoteId.is_in(chunk.iter().copied()))
            .order_by_asc(quote_line::Column::QuoteId)
            .order_by_asc(quote_line::Column::Position)
            .all(db)
            .await?;
        for r in rows {
            out.entry(r.quote_id).or_default().push(r);
        }
    }
    Ok(out)
}

/// Replaces a quote's lines.
///
/// # Errors
/// Database failures.
pub async fn replace_lines(
    db: &impl ConnectionTrait,
    quote_id: i64,
    rows: Vec<quote_line::ActiveModel>,
) -> Result<(), DbErr> {
    quote_line::Entity::delete_many().filter(quote_line::Column::QuoteId.eq(quote_id)).exec(db).await?;
    insert_lines(db, rows).await
}

/// Inserts line rows in batches.
///
/// # Errors
/// Database failures.
pub async fn insert_lines(db: &impl ConnectionTrait, rows: Vec<quote_line::ActiveModel>) -> Result<(), DbErr> {
    for chunk in rows.chunks(100) {
        quote_line::Entity::insert_many(chunk.to_vec()).exec(db).await?;
    }
    Ok(())
}

/// A customer's live quotes created before `before`, newest first.
///
/// # Errors
/// Database failures.
pub async fn for_customer(
    db: &impl ConnectionTrait,
    customer_id: i64,
    before: Option<NaiveDateTime>,
    limit: u64,
) -> Result<Vec<quote::Model>, DbErr> {
    let mut q = quote::Entity::find()
        .filter(quote::Column::CustomerId.eq(customer_id))
        .filter(quote::Column::DeletedAt.is_null());
    if let Some(t) = before {
        q = q.filter(quote::Column::CreatedAt.lt(t));
    }
    q.order_by_desc(quote::Column::CreatedAt).order_by_desc(quote::Column::Id).limit(limit).all(db).await
}
