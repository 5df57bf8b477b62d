//! Multi-row INSERTs cut into statements that every backend accepts.

use std::fmt::Write;

use sea_orm::{
    ActiveModelTrait, ActiveValue, ConnectionTrait, DbBackend, DbErr, EntityName, EntityTrait, IdenStatic, Iterable,
    Statement, Value,
};

/// Bound values per statement: SQLite allows 32 766, PostgreSQL and MySQL 65 535 (a
/// 16-bit count). The fewer the statements, the better: every statement is a round
/// trip. (sqlx must be 0.9.1 or later: 0.9.0 left Nagle's algorithm on, so a statement
/// larger than one TCP segment waited up to 40 ms for a delayed ACK.)
pub fn max_params(backend: DbBackend) -> usize {
    if backend == DbBackend::Sqlite { 32_000 } else { 65_000 }
}

/// Data per statement, about: MySQL refuses a packet over `max_allowed_packet`, which is
/// 4 MiB on older servers (16 MiB on MariaDB); the others only bound memory. Typical
/// rows never reach it before [`max_params`]; rows with long texts (notes, JSON) may.
pub fn max_bytes(backend: DbBackend) -> usize {
    if backend == DbBackend::MySql { 2 * 1024 * 1024 } else { 16 * 1024 * 1024 }
}

/// Rows per statement for an entity, counting every column as a bound value.
pub fn rows_per_insert<E: EntityTrait>(backend: DbBackend) -> usize {
    (max_params(backend) / E::Column::iter().count().max(1)).max(1)
}

/// Gathers items into batches of at most `max_rows` items and about `max_bytes`.
#[derive(Debug)]
pub struct Batcher<T> {
    max_rows: usize,
    max_bytes: usize,
    bytes: usize,
    items: Vec<T>,
}

impl<T> Batcher<T> {
    /// An empty batcher.
    pub fn new(max_rows: usize, max_bytes: usize) -> Self {
        Self { max_rows: max_rows.max(1), max_bytes, bytes: 0, items: Vec::new() }
    }

    /// An empty batcher for one INSERT of an entity's rows on a backend.
    pub fn for_insert<E: EntityTrait>(backend: DbBackend) -> Self {
        Self::new(rows_per_insert::<E>(backend), max_bytes(backend))
    }

    /// Adds an item of about `bytes`; returns the batch once it is full.
    pub fn push(&mut self, item: T, bytes: usize) -> Option<Vec<T>> {
        self.items.push(item);
        self.bytes += bytes;
        (self.items.len() >= self.max_rows || self.bytes >= self.max_bytes).then(|| self.take())
    }

    /// The items gathered so far (perhaps none), leaving the batcher empty.
    pub fn take(&mut self) -> Vec<T> {
        self.bytes = 0;
        std::mem::take(&mut self.items)
    }
}

/// One multi-row `INSERT` of `rows`, which all set the same columns, with `RETURNING`
/// these columns where the backend has it (not MySQL).
///
/// Written here rather than by `insert_many`: that copies every value into an
/// expression tree and then into the statement, which costs more than the database's
/// own work at a million rows. Values are moved out of the rows as they are (no column
/// casts: the entities written this way have none).
///
/// # Errors
/// `DbErr::Custom` when a row leaves out a column another row sets.
pub fn insert_statement<A: ActiveModelTrait>(
    backend: DbBackend,
    rows: Vec<A>,
    returning: &[<A::Entity as EntityTrait>::Column],
) -> Result<Statement, DbErr> {
    let columns: Vec<_> = match rows.first() {
        Some(first) => <A::Entity as EntityTrait>::Column::iter().filter(|c| !first.is_not_set(*c)).collect(),
        None => Vec::new(),
    };
    let quote = |name: &str| match backend {
        DbBackend::MySql => format!("`{name}`"),
        _ => format!("\"{name}\""),
    };
    let list = |cols: &mut dyn Iterator<Item = &'static str>| cols.map(quote).collect::<Vec<_>>().join(", ");
    let table = A::Entity::default().table_name();
    let mut sql = String::with_capacity(64 + rows.len() * columns.len() * 8);
    let _ = write!(sql, "INSERT INTO {} ({}) VALUES ", quote(table), list(&mut columns.iter().map(|c| c.as_str())));
    let mut values: Vec<Value> = Vec::with_capacity(rows.len() * columns.len());
    for (r, mut row) in rows.into_iter().enumerate() {
        sql.push_str(if r == 0 { "(" } else { ", (" });
        for (i, c) in columns.iter().enumerate() {
            match row.take(*c) {
                ActiveValue::Set(v) | ActiveValue::Unchanged(v) => values.push(v),
                ActiveValue::NotSet => {
                    return Err(DbErr::Custom(format!("row {r} of {table} leaves out {}", c.as_str())));
                }
            }
            if i > 0 {
                sql.push_str(", ");
            }
            if backend == DbBackend::Postgres {
                let _ = write!(sql, "${}", values.len());
            } else {
                sql.push('?');
            }
        }
        sql.push(')');
    }
    if !returning.is_empty() && backend != DbBackend::MySql {
        let _ = write!(sql, " RETURNING {}", list(&mut returning.iter().map(|c| c.as_str())));
    }
    Ok(Statement::from_sql_and_values(backend, sql, values))
}

/// The multi-row INSERTs that write `rows` within the limits (`bytes` estimates the
/// data of one row). Pure, so that a caller may build them off the async thread.
///
/// # Errors
/// As [`insert_statement`].
pub fn insert_statements<A: ActiveModelTrait>(
    backend: DbBackend,
    rows: Vec<A>,
    bytes: impl Fn(&A) -> usize,
) -> Result<Vec<Statement>, DbErr> {
    let mut statements = Vec::new();
    let mut batcher = Batcher::<A>::for_insert::<A::Entity>(backend);
    for row in rows {
        let size = bytes(&row);
        if let Some(batch) = batcher.push(row, size) {
            statements.push(insert_statement(backend, batch, &[])?);
        }
    }
    let rest = batcher.take();
    if !rest.is_empty() {
        statements.push(insert_statement(backend, rest, &[])?);
    }
    Ok(statements)
}

/// Runs statements one after the other.
///
/// # Errors
/// Database failures.
pub async fn execute_all(db: &impl ConnectionTrait, statements: Vec<Statement>) -> Result<(), DbErr> {
    for statement in statements {
        db.execute_raw(statement).await?;
    }
    Ok(())
}

/// Inserts `rows` with as few multi-row INSERTs as the limits allow (`bytes` estimates
/// the data of one row). Nothing is read back.
///
/// # Errors
/// Database failures.
pub async fn insert_all<A: ActiveModelTrait>(
    db: &impl ConnectionTrait,
    rows: Vec<A>,
    bytes: impl Fn(&A) -> usize,
) -> Result<(), DbErr> {
    execute_all(db, insert_statements(db.get_database_backend(), rows, bytes)?).await
}

/// Adds `delta` to `col` of each keyed row, creating missing rows: one multi-row upsert
/// per 1000 rows, so that a bulk change of counters costs a few statements rather than
/// two per row. Rows go in key order, so that concurrent writers lock alike. Keys and
/// deltas are integers, written into the statement.
///
/// # Errors
/// Database failures.
pub async fn upsert_add(
    db: &impl ConnectionTrait,
    table: &str,
    keys: &[&str],
    col: &str,
    rows: &[(Vec<i64>, i64)],
) -> Result<(), DbErr> {
    let backend = db.get_database_backend();
    let mut rows: Vec<&(Vec<i64>, i64)> = rows.iter().filter(|(_, d)| *d != 0).collect();
    rows.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    for chunk in rows.chunks(1000) {
        let mut sql = format!("INSERT INTO {table} ({}, {col}) VALUES ", keys.join(", "));
        for (i, (k, d)) in chunk.iter().enumerate() {
            sql.push_str(if i == 0 { "(" } else { ", (" });
            for v in k {
                let _ = write!(sql, "{v}, ");
            }
            let _ = write!(sql, "{d})");
        }
        match backend {
            DbBackend::MySql => {
                let _ = write!(sql, " ON DUPLICATE KEY UPDATE {col} = {col} + VALUES({col})");
            }
            _ => {
                let _ = write!(
                    sql,
                    " ON CONFLICT ({}) DO UPDATE SET {col} = {table}.{col} + excluded.{col}",
                    keys.join(", ")
                );
            }
        }
        db.execute_raw(Statement::from_string(backend, sql)).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_close_at_the_row_count() {
        let mut b = Batcher::new(3, 1000);
        assert_eq!(b.push(1, 10), None);
        assert_eq!(b.push(2, 10), None);
        assert_eq!(b.push(3, 10), Some(vec![1, 2, 3]));
        assert_eq!(b.push(4, 10), None);
        assert_eq!(b.take(), vec![4]);
        assert!(b.take().is_empty());
    }

    #[test]
    fn batches_close_at_the_byte_budget() {
        let mut b = Batcher::new(1000, 100);
        assert_eq!(b.push("a", 50), None);
        assert_eq!(b.push("b", 50), Some(vec!["a", "b"]));
        assert_eq!(b.push("huge", 300), Some(vec!["huge"]), "an oversized row goes alone");
    }

    #[test]
    fn statements_list_the_set_columns_once_and_number_postgres_parameters() {
        use crate::entities::customer_tag;
        let rows = || {
            vec![
                customer_tag::ActiveModel { customer_id: ActiveValue::Set(1), tag: ActiveValue::Set("a".into()) },
                customer_tag::ActiveModel { customer_id: ActiveValue::Set(2), tag: ActiveValue::Set("b".into()) },
            ]
        };
        let pg = insert_statement(DbBackend::Postgres, rows(), &[customer_tag::Column::Tag]).unwrap();
        assert_eq!(
            pg.sql,
            r#"INSERT INTO "customer_tags" ("customer_id", "tag") VALUES ($1, $2), ($3, $4) RETURNING "tag""#
        );
        assert_eq!(pg.values.map(|v| v.0.len()), Some(4));
        let my = insert_statement(DbBackend::MySql, rows(), &[customer_tag::Column::Tag]).unwrap();
        assert_eq!(my.sql, "INSERT INTO `customer_tags` (`customer_id`, `tag`) VALUES (?, ?), (?, ?)");
        let mut ragged = rows();
        ragged[1].tag = ActiveValue::NotSet;
        assert!(insert_statement(DbBackend::Sqlite, ragged, &[]).is_err());
    }

    #[test]
    fn every_entity_batch_stays_under_the_parameter_limit() {
        use crate::entities::{audit_log, customer, customer_tag, webhook_delivery};
        for backend in [DbBackend::Sqlite, DbBackend::Postgres, DbBackend::MySql] {
            let limit = if backend == DbBackend::Sqlite { 32_766 } else { 65_535 };
            for (rows, columns) in [
                (rows_per_insert::<customer::Entity>(backend), customer::Column::iter().count()),
                (rows_per_insert::<customer_tag::Entity>(backend), customer_tag::Column::iter().count()),
                (rows_per_insert::<audit_log::Entity>(backend), audit_log::Column::iter().count()),
                (rows_per_insert::<webhook_delivery::Entity>(backend), webhook_delivery::Column::iter().count()),
            ] {
                assert!(rows * columns <= limit, "{backend:?}: {rows} rows of {columns} columns");
                assert!(rows >= 1000, "batches stay large: {rows}");
            }
        }
    }

    /// Adds to existing rows, creates missing ones, skips zero deltas, across statements.
    async fn upserts_add_to_existing_rows_and_create_the_rest(db: &sea_orm::DatabaseConnection, table: &str) {
        db.execute_unprepared(&format!("DROP TABLE IF EXISTS {table}")).await.expect("drop");
        db.execute_unprepared(&format!(
            "CREATE TABLE {table} (a BIGINT NOT NULL, b BIGINT NOT NULL, n BIGINT NOT NULL, PRIMARY KEY (a, b))"
        ))
        .await
        .expect("create");
        db.execute_unprepared(&format!("INSERT INTO {table} (a, b, n) VALUES (1, 2, 10), (5, 5, 3)"))
            .await
            .expect("insert");
        // 2 500 new keys (three statements), in reverse order, plus the two stored ones.
        let mut rows: Vec<(Vec<i64>, i64)> = (0..2500).rev().map(|i| (vec![100 + i, -i], i + 1)).collect();
        rows.extend([(vec![1, 2], 5), (vec![5, 5], -3), (vec![7, 7], 0)]);
        upsert_add(db, table, &["a", "b"], "n", &rows).await.expect("upsert");
        upsert_add(db, table, &["a", "b"], "n", &[(vec![100, 0], 1)]).await.expect("upsert again");
        let got = db
            .query_all_raw(Statement::from_string(
                db.get_database_backend(),
                format!("SELECT a, b, n FROM {table} ORDER BY a, b"),
            ))
            .await
            .expect("read");
        let got: Vec<(i64, i64, i64)> = got
            .iter()
            .map(|r| (r.try_get("", "a").unwrap(), r.try_get("", "b").unwrap(), r.try_get("", "n").unwrap()))
            .collect();
        let mut want = vec![(1, 2, 15), (5, 5, 0)];
        want.extend((0..2500).map(|i| (100 + i, -i, if i == 0 { 2 } else { i + 1 })));
        assert_eq!(got, want, "{:?}", db.get_database_backend());
        db.execute_unprepared(&format!("DROP TABLE {table}")).await.expect("drop");
    }

    #[tokio::test]
    async fn upserts_add_on_sqlite() {
        upserts_add_to_existing_rows_and_create_the_rest(&crate::testing::db().await, "upsert_test").await;
    }

    /// PostgreSQL and MySQL when their URLs are set ([`crate::testing::server_dbs`]).
    #[tokio::test]
    async fn upserts_add_on_postgres_and_mysql() {
        let table = format!("upsert_test_{}", std::process::id());
        for db in crate::testing::server_dbs().await {
            upserts_add_to_existing_rows_and_create_the_rest(&db, &table).await;
        }
    }
}
