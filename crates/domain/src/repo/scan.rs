//! Whole-table reads of small rows (a million customers' aggregates or scores) in keyset
//! chunks, so that memory stays bounded by a chunk and not by every row the driver
//! would otherwise hold at once.
//!
//! SQLite's driver runs the database on a thread of its own and hands each row to the
//! async side through a channel: at a million rows that hand-off costs more than the
//! query (about 1.5 µs a row, two thread wake-ups). On SQLite each chunk therefore comes
//! back as one row holding a JSON array of rows, built by SQLite's `json_group_array`,
//! and is parsed here; PostgreSQL and MySQL send rows in batches over their protocol
//! and are read as plain rows.

use sea_orm::sea_query::{Alias, Expr, ExprTrait, Order, Query};
use sea_orm::{ConnectionTrait, DbBackend, DbErr, Statement, TryGetableMany};
use serde::de::DeserializeOwned;

/// Rows per chunk.
const CHUNK: u64 = 50_000;

/// Calls `each` with every row of `columns` from `table`, in ascending order of the
/// first column, which must be a unique integer key. `T` is a tuple of the columns'
/// types (dates as `chrono::NaiveDate`).
///
/// # Errors
/// Database failures, and a row that does not decode as `T`.
pub async fn by_key<T>(
    db: &impl ConnectionTrait,
    table: &str,
    columns: &[&str],
    key: impl Fn(&T) -> i64,
    mut each: impl FnMut(T),
) -> Result<(), DbErr>
where
    T: DeserializeOwned + TryGetableMany,
{
    let backend = db.get_database_backend();
    let mut after = i64::MIN;
    loop {
        let mut q = Query::select();
        q.columns(columns.iter().map(|c| Alias::new(*c)))
            .from(Alias::new(table))
            .and_where(Expr::col(Alias::new(columns[0])).gt(after))
            .order_by(Alias::new(columns[0]), Order::Asc)
            .limit(CHUNK);
        let mut rows: Vec<T> = if backend == DbBackend::Sqlite {
            let (sql, values) = q.build(sea_orm::sea_query::SqliteQueryBuilder);
            let sql = format!("SELECT json_group_array(json_array({})) FROM ({sql})", columns.join(", "));
            let row = db.query_one_raw(Statement::from_sql_and_values(backend, sql, values)).await?;
            let json: String = match row {
                Some(r) => r.try_get_by_index(0)?,
                None => String::from("[]"),
            };
            serde_json::from_str(&json).map_err(|e| DbErr::Type(format!("{table}: {e}")))?
        } else {
            let rows = db.query_all_raw(backend.build(&q)).await?;
            rows.iter()
                .map(|r| T::try_get_many_by_index(r).map_err(|e| DbErr::Type(format!("{table}: {e:?}"))))
                .collect::<Result<_, _>>()?
        };
        // json_group_array keeps the subquery's order in practice, which SQL does not
        // promise: sort (a no-op pass on sorted input) rather than rely on it.
        rows.sort_by_key(&key);
        let Some(last) = rows.last().map(&key) else { return Ok(()) };
        let full = rows.len() as u64 == CHUNK;
        rows.into_iter().for_each(&mut each);
        if !full {
            return Ok(());
        }
        after = last;
    }
}
