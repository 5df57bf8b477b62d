//! Column helpers that keep the three databases in step.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

/// A big-integer auto-increment primary key (`integer` on SQLite, so that it is the rowid).
pub fn pk(name: impl IntoIden) -> ColumnDef {
    ColumnDef::new(name).big_integer().not_null().auto_increment().primary_key().take()
}

/// A UTC timestamp with microseconds. MySQL gets `DATETIME(6)`: its `TIMESTAMP`
/// ends in 2038 and a bare `DATETIME` drops the fraction that keyset cursors compare.
pub fn timestamp(manager: &SchemaManager, name: impl IntoIden) -> ColumnDef {
    let mut col = ColumnDef::new(name);
    match manager.get_database_backend() {
        DbBackend::MySql => col.custom(Alias::new("datetime(6)")),
        _ => col.date_time(),
    };
    col
}

/// A `varchar(len)`.
pub fn string(name: impl IntoIden, len: u32) -> ColumnDef {
    ColumnDef::new(name).string_len(len).take()
}

/// An index named `idx_<table>_<cols>` on the given columns.
pub fn index(table: impl IntoIden, name: &str, cols: &[&'static str]) -> IndexCreateStatement {
    let mut idx = Index::create();
    idx.name(name).table(table);
    for c in cols {
        idx.col(Alias::new(*c));
    }
    idx.take()
}

/// Creates a table; on MySQL with `utf8mb4` and binary collation, so that every
/// character fits and comparisons behave as on PostgreSQL and SQLite (case- and
/// accent-sensitive; case-insensitive search goes through lower-cased columns).
pub async fn create_table(m: &SchemaManager<'_>, mut stmt: TableCreateStatement) -> Result<(), DbErr> {
    if m.get_database_backend() == DbBackend::MySql {
        stmt.character_set("utf8mb4").collate("utf8mb4_bin");
    }
    m.create_table(stmt).await
}
