//! Queries, one module per aggregate: free functions over `&impl ConnectionTrait`,
//! no business rules.

pub mod activities;
pub mod audit;
pub mod batch;
pub mod counters;
pub mod customer_products;
pub mod customer_rfm;
pub mod customer_search;
pub mod customer_stats;
pub mod customers;
pub mod daily_counts;
pub mod json_rows;
pub mod leads;
pub mod opportunities;
pub mod orders;
pub mod page_cache;
pub mod product_pairs;
pub mod products;
pub mod quotes;
pub mod sales_rollups;
pub mod scan;
pub mod segments;
pub mod service_requests;
pub mod settings;
pub mod users;

use chrono::NaiveDateTime;
use sea_orm::sea_query::{Expr, ExprTrait, LikeExpr};
use sea_orm::{ColumnTrait, Condition, DbErr, EntityTrait, Order, QueryOrder, Select, SqlErr, Value};

use crate::error::DomainError;
use crate::list::{Cursor, Paging, SortKey, TOTAL_CAP, sort_spec};

/// The text form of timestamps inside cursors.
const CURSOR_TIME: &str = "%Y-%m-%dT%H:%M:%S%.6f";

/// A `LIKE` pattern matching `needle` anywhere, with `%`, `_` and the escape
/// character itself taken literally on every database.
pub fn contains(needle: &str) -> LikeExpr {
    let mut p = String::with_capacity(needle.len() + 2);
    p.push('%');
    for c in needle.chars() {
        if matches!(c, '%' | '_' | '!') {
            p.push('!');
        }
        p.push(c);
    }
    p.push('%');
    LikeExpr::new(p).escape('!')
}

/// `expr LIKE %needle%` on a lower-cased expression.
pub fn lower_contains(col: impl ColumnTrait, needle: &str) -> Expr {
    Expr::expr(sea_orm::sea_query::Func::lower(Expr::col(col.as_column_ref()))).like(contains(needle))
}

/// Orders by the sort keys and then by id in the direction of the last key, so that
/// every order is total (pages never overlap).
pub fn order<E: EntityTrait>(mut select: Select<E>, keys: &[(E::Column, bool)], id: E::Column) -> Select<E> {
    let mut last_desc = false;
    for (col, desc) in keys {
        select = select.order_by(*col, if *desc { Order::Desc } else { Order::Asc });
        last_desc = *desc;
    }
    select.order_by(id, if last_desc { Order::Desc } else { Order::Asc })
}

/// The keyset condition "after (value, id)" for one sort column (or none: id only).
///
/// `value <= v AND (value < v OR (value = v AND id < i))` (mirrored when ascending): the
/// first term says nothing the rest does not, but it is a plain range that every
/// database's planner seeks to in the sort index, so a page costs the same at any depth.
pub fn after<C: ColumnTrait>(col: Option<(C, Value)>, id_col: C, id: i64, desc: bool) -> Condition {
    let beyond = |c: C, v: Value| if desc { c.lt(v) } else { c.gt(v) };
    match col {
        None => Condition::all().add(beyond(id_col, id.into())),
        Some((c, v)) => {
            let reach = if desc { c.lte(v.clone()) } else { c.gte(v.clone()) };
            let strictly = Condition::any()
                .add(beyond(c, v.clone()))
                .add(Condition::all().add(c.eq(v)).add(beyond(id_col, id.into())));
            Condition::all().add(reach).add(strictly)
        }
    }
}

/// `SUM(expr)` as a 64-bit integer on every database (PostgreSQL sums bigints to
/// numeric and MySQL to decimal; both are cast back, SQLite already sums to integer).
pub fn sum_i64(expr: Expr, backend: sea_orm::DbBackend) -> Expr {
    let sum = expr.sum();
    match backend {
        sea_orm::DbBackend::MySql => sum.cast_as("signed"),
        sea_orm::DbBackend::Postgres => sum.cast_as("bigint"),
        _ => sum,
    }
}

/// A timestamp as cursor text.
pub fn time_text(t: NaiveDateTime) -> String {
    t.format(CURSOR_TIME).to_string()
}

/// Cursor text back to a timestamp.
///
/// # Errors
/// `Invalid` when the text is not one [`time_text`] made.
pub fn parse_time_text(s: &str) -> Result<NaiveDateTime, DomainError> {
    NaiveDateTime::parse_from_str(s, CURSOR_TIME)
        .map_err(|_| DomainError::invalid("cursor", "is not a cursor returned by this list"))
}

/// Unique-constraint violations become `Duplicate`; everything else stays a database error.
pub fn unique_violation(err: DbErr, message: impl FnOnce() -> String) -> DomainError {
    match err.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => DomainError::Duplicate { message: message(), existing_id: None },
        _ => DomainError::Db(err),
    }
}

/// The first `per_page` rows, and whether there was one more.
pub fn split_extra<T>(mut rows: Vec<T>, per_page: u64) -> (Vec<T>, bool) {
    let more = rows.len() as u64 > per_page;
    rows.truncate(per_page as usize);
    (rows, more)
}

/// How a sort field's value is carried in a cursor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CursorKind {
    /// The id itself: no extra value.
    Id,
    /// Text compared as stored.
    Text,
    /// A timestamp.
    Time,
    /// A date (`YYYY-MM-DD`).
    Date,
    /// An integer.
    Int,
    /// Not usable with cursors (nullable columns).
    No,
}

/// A documented sort field of a list: its column and how cursors carry it.
#[derive(Clone, Copy, Debug)]
pub struct SortField<C> {
    pub field: &'static str,
    pub column: C,
    pub kind: CursorKind,
}

/// What [`paged`] needs to know about a list's rows.
pub trait Row {
    /// The row's id (the keyset tie-breaker).
    fn row_id(&self) -> i64;
    /// The row's value of a sort field, as cursor text.
    fn cursor_value(&self, field: &str) -> Option<String>;
}

fn typed_value(kind: CursorKind, text: Option<&str>) -> Result<Option<Value>, DomainError> {
    let bad = || DomainError::invalid("cursor", "is not a cursor returned by this list");
    Ok(match kind {
        CursorKind::Id => None,
        CursorKind::Text => Some(text.ok_or_else(bad)?.to_owned().into()),
        CursorKind::Time => Some(parse_time_text(text.ok_or_else(bad)?)?.into()),
        CursorKind::Date => {
            Some(chrono::NaiveDate::parse_from_str(text.ok_or_else(bad)?, "%Y-%m-%d").map_err(|_| bad())?.into())
        }
        CursorKind::Int => Some(text.ok_or_else(bad)?.parse::<i64>().map_err(|_| bad())?.into()),
        CursorKind::No => return Err(bad()),
    })
}

/// One page of a filtered query, by offset (with an optional total) or by keyset cursor.
///
/// # Errors
/// `Invalid` for a cursor that does not fit the sort; database failures.
pub async fn paged<E>(
    db: &impl sea_orm::ConnectionTrait,
    q: Select<E>,
    fields: &[SortField<E::Column>],
    id: E::Column,
    keys: &[SortKey],
    paging: &Paging,
) -> Result<(Vec<E::Model>, Option<u64>, Option<Cursor>), DomainError>
where
    E: EntityTrait,
    E::Model: Row + Sync,
{
    use sea_orm::{QueryFilter, QuerySelect};
    let field = |name: &str| fields.iter().find(|f| f.field == name).copied();
    let mut cols = Vec::with_capacity(keys.len());
    for k in keys {
        let f =
            field(k.field).ok_or_else(|| DomainError::invalid("sort", format!("unknown sort field {:?}", k.field)))?;
        cols.push((f.column, k.desc));
    }
    match paging {
        Paging::Offset { page, per_page, count } => {
            let rows = order(q.clone(), &cols, id).offset((page - 1) * per_page).limit(*per_page).all(db).await?;
            let total = match total_from_page(*page, *per_page, rows.len()) {
                _ if !*count => None,
                Some(total) => Some(total),
                None => Some(capped_count(db, q).await?),
            };
            Ok((rows, total, None))
        }
        Paging::Cursor { after, per_page } => {
            let usable: Vec<&str> = fields.iter().filter(|f| f.kind != CursorKind::No).map(|f| f.field).collect();
            let [key] = keys else {
                return Err(DomainError::invalid(
                    "sort",
                    format!("a cursor list sorts by one of {}", usable.join(", ")),
                ));
            };
            let f = field(key.field).filter(|f| f.kind != CursorKind::No).ok_or_else(|| {
                DomainError::invalid("sort", format!("a cursor list sorts by one of {}", usable.join(", ")))
            })?;
            let spec = sort_spec(keys);
            let mut q = q;
            if let Some(c) = after {
                if c.sort != spec {
                    return Err(DomainError::invalid("cursor", "was made for another sort"));
                }
                let val = typed_value(f.kind, c.value.as_deref())?.map(|v| (f.column, v));
                q = q.filter(self::after(val, id, c.id, key.desc));
            }
            let rows = order(q, &cols, id).limit(per_page + 1).all(db).await?;
            let (rows, more) = split_extra(rows, *per_page);
            let next = match rows.last() {
                Some(last) if more => {
                    Some(Cursor { sort: spec, value: last.cursor_value(key.field), id: last.row_id() })
                }
                _ => None,
            };
            Ok((rows, None, next))
        }
    }
}

/// The total that a page of `len` rows tells without a count, as [`capped_count`] would
/// give it (up to one past [`TOTAL_CAP`]): a page that is not full is the last one, so the
/// total is the rows before it and its own. A full page, or an empty one past the first
/// (the list may end anywhere before it), tells nothing. A list whose rows fit in one page,
/// such as a lookup by exact email, so needs no count: at a million customers, the email
/// filter went from 2 182 and 2 530 to 3 414 and 3 332 req/s on PostgreSQL and from 3 503
/// and 3 819 to 5 346 and 5 745 req/s on SQLite (64 connections, alternated).
pub(crate) fn total_from_page(page: u64, per_page: u64, len: usize) -> Option<u64> {
    let len = len as u64;
    (len < per_page && (len > 0 || page == 1)).then(|| Ord::min((page - 1) * per_page + len, TOTAL_CAP + 1))
}

/// The number of rows `q` selects, counted up to one past [`TOTAL_CAP`]: the count reads
/// at most that many index entries however many rows match.
pub(crate) async fn capped_count<E: EntityTrait>(
    db: &impl sea_orm::ConnectionTrait,
    q: Select<E>,
) -> Result<u64, DbErr> {
    use sea_orm::sea_query::{Alias, Query};
    use sea_orm::{QuerySelect, QueryTrait};
    let rows = q.select_only().expr(Expr::cust("1")).limit(TOTAL_CAP + 1).into_query();
    let count = Query::select().expr(Expr::cust("COUNT(*)")).from_subquery(rows, Alias::new("capped")).to_owned();
    let n: Option<i64> = match db.query_one(&count).await? {
        Some(row) => row.try_get_by_index(0)?,
        None => None,
    };
    Ok(n.and_then(|n| u64::try_from(n).ok()).unwrap_or(0))
}

/// Assembles a domain page from rows. A total past [`TOTAL_CAP`] is given as the cap,
/// with `total_capped`.
pub fn page_of<T>(items: Vec<T>, paging: &Paging, total: Option<u64>, next: Option<Cursor>) -> crate::list::Page<T> {
    let (page, per_page) = match paging {
        Paging::Offset { page, per_page, .. } => (Some(*page), *per_page),
        Paging::Cursor { per_page, .. } => (None, *per_page),
    };
    let total_capped = total.is_some_and(|t| t > TOTAL_CAP);
    let total = total.map(|t| Ord::min(t, TOTAL_CAP));
    crate::list::Page { items, page, per_page, total, total_capped, next_cursor: next.map(|c| c.encode()) }
}

/// What a bulk load leaves behind, made good: the planner's statistics, and on
/// PostgreSQL the visibility map too (`VACUUM (ANALYZE)`), without which index-only
/// scans visit the heap for every row (the dashboard's monthly customer counts at 1M:
/// 72 → 2.7 ms each, the whole dashboard 550 → 46 ms). Autovacuum does this in time; this does it at once, for PostgreSQL
/// servers that run without autovacuum.
///
/// # Errors
/// Database failures.
pub async fn after_bulk_load(db: &impl sea_orm::ConnectionTrait) -> Result<(), DbErr> {
    match db.get_database_backend() {
        sea_orm::DbBackend::Postgres => db.execute_unprepared("VACUUM (ANALYZE)").await.map(|_| ()),
        _ => refresh_statistics(db).await,
    }
}

/// Refreshes the planner's statistics after a bulk load (the seed). Without it PostgreSQL
/// plans with the counts of the tables' first rows: it took one customer for two
/// thousand orders and scanned every order line, under the order counter's lock, for
/// each new order (4 orders/s at a million orders; 0.2 ms per lookup once analysed).
/// SQLite samples a thousand rows per index; MySQL re-reads the busiest tables.
///
/// # Errors
/// Database failures.
pub async fn refresh_statistics(db: &impl sea_orm::ConnectionTrait) -> Result<(), DbErr> {
    match db.get_database_backend() {
        sea_orm::DbBackend::Postgres => db.execute_unprepared("ANALYZE").await.map(|_| ()),
        sea_orm::DbBackend::MySql => db
            .execute_unprepared("ANALYZE TABLE customers, orders, order_lines, products, customer_order_stats")
            .await
            .map(|_| ()),
        _ => db.execute_unprepared("PRAGMA analysis_limit = 1000; ANALYZE").await.map(|_| ()),
    }
}

/// Begins a transaction in which PostgreSQL plans each statement for its actual
/// parameters. sqlx keeps prepared statements per connection, and from the sixth run on
/// PostgreSQL uses one generic plan whenever its estimate is not dearer than the average
/// of the custom plans so far. A generic plan cannot see the `LIKE` pattern: for the
/// customer search it walks the `created_at` index, filtering row by row, which costs
/// seconds at a million customers when the needle is rare, instead of asking the trigram
/// indexes. Other databases get a plain transaction.
///
/// # Errors
/// Database failures.
pub async fn begin_custom_plans<T: sea_orm::TransactionTrait>(db: &T) -> Result<T::Transaction, DbErr> {
    use sea_orm::ConnectionTrait;
    let txn = db.begin().await?;
    if txn.get_database_backend() == sea_orm::DbBackend::Postgres {
        txn.execute_unprepared("SET LOCAL plan_cache_mode = force_custom_plan").await?;
    }
    Ok(txn)
}

/// Begins a transaction whose reads see what others committed while it waited on a
/// lock (assignment counts after taking the counter's row lock). PostgreSQL's default
/// already does; MySQL's REPEATABLE READ would keep reading its first snapshot.
///
/// # Errors
/// Database failures.
pub async fn begin_read_committed(db: &sea_orm::DatabaseConnection) -> Result<sea_orm::DatabaseTransaction, DbErr> {
    use sea_orm::TransactionTrait;
    match db.get_database_backend() {
        sea_orm::DbBackend::MySql => db.begin_with_config(Some(sea_orm::IsolationLevel::ReadCommitted), None).await,
        _ => db.begin().await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_that_is_not_full_tells_the_total_and_a_full_or_later_empty_one_does_not() {
        assert_eq!(total_from_page(1, 25, 3), Some(3));
        assert_eq!(total_from_page(1, 25, 0), Some(0));
        assert_eq!(total_from_page(3, 25, 7), Some(57));
        assert_eq!(total_from_page(1, 25, 25), None);
        assert_eq!(total_from_page(2, 25, 25), None);
        assert_eq!(total_from_page(4, 25, 0), None, "the list may end before page 4");
        assert_eq!(total_from_page(500, 200, 10), Some(TOTAL_CAP + 1), "as the capped count");
        assert_eq!(total_from_page(51, 200, 1), Some(TOTAL_CAP + 1));
        assert_eq!(total_from_page(51, 200, 0), None);
        assert_eq!(total_from_page(50, 200, 199), Some(TOTAL_CAP - 1));
    }
}
