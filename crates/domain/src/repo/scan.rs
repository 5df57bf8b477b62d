//! Whole-table reads of small rows (a million customers' aggregates or scores) in keyset
//! chunks, so that memory stays bounded by a chunk and not by every row the driver
//! would otherwise hold at once.
//!
//! SQLite's driver runs the database on a thread of its own and hands each row to the
//! async side through a channel: at a million rows that hand-off costs more than the
//! query (about 1.5 µs a row, two thread wake-ups). On SQLite each chunk therefore comes
//! back as one row holding a JSON array of rows, built by SQLite's `json_group_array`,
//! with the chunk's last key beside it; the array is parsed on a blocking thread while
//! SQLite builds the next chunk, so the two cores share the work. PostgreSQL and MySQL
//! send rows in batches over their protocol and are read as plain rows.

use sea_orm::sea_query::{Alias, Expr, ExprTrait, Order, Query, SelectStatement};
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
    each: impl FnMut(T),
) -> Result<(), DbErr>
where
    T: DeserializeOwned + TryGetableMany + Send + 'static,
{
    chunked(db, table, columns, CHUNK, key, each).await
}

/// [`by_key`] in chunks of `size` rows.
async fn chunked<T>(
    db: &impl ConnectionTrait,
    table: &str,
    columns: &[&str],
    size: u64,
    key: impl Fn(&T) -> i64,
    mut each: impl FnMut(T),
) -> Result<(), DbErr>
where
    T: DeserializeOwned + TryGetableMany + Send + 'static,
{
    let chunk = |after: i64| {
        let mut q = Query::select();
        q.columns(columns.iter().map(|c| Alias::new(*c)))
            .from(Alias::new(table))
            .and_where(Expr::col(Alias::new(columns[0])).gt(after))
            .order_by(Alias::new(columns[0]), Order::Asc)
            .limit(size);
        q
    };
    if db.get_database_backend() == DbBackend::Sqlite {
        return sqlite_json(db, table, columns, size, chunk, key, each).await;
    }
    let backend = db.get_database_backend();
    let mut after = i64::MIN;
    loop {
        let rows = db.query_all_raw(backend.build(&chunk(after))).await?;
        let rows: Vec<T> = rows
            .iter()
            .map(|r| T::try_get_many_by_index(r).map_err(|e| DbErr::Type(format!("{table}: {e:?}"))))
            .collect::<Result<_, _>>()?;
        let Some(last) = rows.last().map(&key) else { return Ok(()) };
        let full = rows.len() as u64 == size;
        rows.into_iter().for_each(&mut each);
        if !full {
            return Ok(());
        }
        after = last;
    }
}

/// One chunk on SQLite: (rows in it, its last key, the rows as a JSON array).
async fn sqlite_chunk(
    db: &impl ConnectionTrait,
    columns: &[&str],
    q: SelectStatement,
) -> Result<(u64, Option<i64>, String), DbErr> {
    let (sql, values) = q.build(sea_orm::sea_query::SqliteQueryBuilder);
    let sql = format!(
        "SELECT COUNT(*), MAX({key}), json_group_array(json_array({cols})) FROM ({sql})",
        key = columns[0],
        cols = columns.join(", ")
    );
    let row = db.query_one_raw(Statement::from_sql_and_values(DbBackend::Sqlite, sql, values)).await?;
    let Some(row) = row else { return Ok((0, None, String::from("[]"))) };
    let n: i64 = row.try_get_by_index(0)?;
    Ok((u64::try_from(n).unwrap_or(0), row.try_get_by_index(1)?, row.try_get_by_index(2)?))
}

async fn sqlite_json<T>(
    db: &impl ConnectionTrait,
    table: &str,
    columns: &[&str],
    size: u64,
    chunk: impl Fn(i64) -> SelectStatement,
    key: impl Fn(&T) -> i64,
    mut each: impl FnMut(T),
) -> Result<(), DbErr>
where
    T: DeserializeOwned + Send + 'static,
{
    let mut next = sqlite_chunk(db, columns, chunk(i64::MIN)).await?;
    loop {
        let (n, Some(last), json) = next else { return Ok(()) };
        let table_name = table.to_owned();
        let parse = tokio::task::spawn_blocking(move || {
            serde_json::from_str::<Vec<T>>(&json).map_err(|e| DbErr::Type(format!("{table_name}: {e}")))
        });
        let following =
            async { if n == size { sqlite_chunk(db, columns, chunk(last)).await.map(Some) } else { Ok(None) } };
        let (following, parsed) = tokio::join!(following, parse);
        let mut rows = parsed.map_err(|e| DbErr::Custom(format!("{table}: {e}")))??;
        // json_group_array keeps the subquery's order in practice, which SQL does not
        // promise: sort (a no-op pass on sorted input) rather than rely on it.
        rows.sort_by_key(&key);
        rows.into_iter().for_each(&mut each);
        match following? {
            Some(chunk) => next = chunk,
            None => return Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use sea_orm::{ConnectionTrait, DatabaseConnection};

    use super::chunked;

    type Row = (i64, NaiveDate, String, i64);

    /// Every row once, in key order, across chunk boundaries (sizes that divide the row
    /// count, that do not, and larger than it), keys with gaps and negative keys.
    async fn reads_every_row_once_in_order(db: &DatabaseConnection, table: &str) {
        let b = db.get_database_backend();
        let text = if b == sea_orm::DbBackend::MySql { "VARCHAR(20)" } else { "TEXT" };
        db.execute_unprepared(&format!("DROP TABLE IF EXISTS {table}")).await.expect("drop");
        db.execute_unprepared(&format!(
            "CREATE TABLE {table} (id BIGINT PRIMARY KEY, d DATE NOT NULL, s {text} NOT NULL, v BIGINT NOT NULL)"
        ))
        .await
        .expect("create");
        let ids: Vec<i64> = (-3..=297).map(|i| i * 7).collect();
        let start = NaiveDate::from_ymd_opt(2024, 2, 27).expect("date");
        let values: Vec<String> = ids
            .iter()
            .enumerate()
            .map(|(n, id)| format!("({id}, '{}', 'r\"{n}', {})", start + chrono::Duration::days(*id), id * 1000))
            .collect();
        db.execute_unprepared(&format!("INSERT INTO {table} (id, d, s, v) VALUES {}", values.join(", ")))
            .await
            .expect("insert");
        for size in [1, 7, 100, 301, 1000] {
            let mut got: Vec<Row> = Vec::new();
            chunked(db, table, &["id", "d", "s", "v"], size, |r: &Row| r.0, |r| got.push(r)).await.expect("scan");
            assert_eq!(got.iter().map(|r| r.0).collect::<Vec<_>>(), ids, "{b:?}, chunks of {size}");
            for (n, (id, d, s, v)) in got.iter().enumerate() {
                assert_eq!(
                    (*d, s.as_str(), *v),
                    (start + chrono::Duration::days(*id), format!("r\"{n}").as_str(), id * 1000)
                );
            }
        }
        db.execute_unprepared(&format!("DROP TABLE {table}")).await.expect("drop");
    }

    #[tokio::test]
    async fn chunks_read_every_row_once_in_order_on_sqlite() {
        reads_every_row_once_in_order(&crate::testing::db().await, "scan_test").await;
    }

    /// PostgreSQL and MySQL when their URLs are set ([`crate::testing::server_dbs`]).
    #[tokio::test]
    async fn chunks_read_every_row_once_in_order_on_postgres_and_mysql() {
        let table = format!("scan_test_{}", std::process::id());
        for db in crate::testing::server_dbs().await {
            reads_every_row_once_in_order(&db, &table).await;
        }
    }
}
