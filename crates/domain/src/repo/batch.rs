//! Multi-row INSERTs cut into statements that every backend accepts.

use std::fmt::Write;

use sea_orm::{
    ActiveModelTrait, ActiveValue, ConnectionTrait, DbBackend, DbErr, EntityName, EntityTrait, IdenStatic, Iterable,
    Statement, Value,
};

/// Bound values per statement: SQLite allows 32 766, PostgreSQL and MySQL 65 535 (a
/// 16-bit count). The fewer the statements, the better: every statement is a round
/// trip, and sqlx 0.9.0 does not set `TCP_NODELAY`, so a statement larger than one
/// TCP segment can wait up to 40 ms for a delayed ACK before the server has it all.
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
}
