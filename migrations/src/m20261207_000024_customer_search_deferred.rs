//! SQLite: customers inserted in bulk are indexed for the search once, at the end of
//! their transaction, instead of one row at a time by the insert trigger.
//!
//! An FTS5 table keeps the terms of the rows inserted by a statement in memory and
//! writes them out as a new segment when the statement ends, merging segments as they
//! pile up. An import inserts a million customers in some 560 statements: as many
//! segments, merged again and again. Measured with a script inserting a million rows
//! of the benchmark's import file as the import does (in one transaction, 1 777 rows a
//! statement), on a machine busy with other work: 94 s with the trigger; 45 s with the
//! rows indexed at the end by one `INSERT … SELECT` (10 s of it).
//!
//! - The table `customer_search_deferred` holds a row while a writer inserts customers
//!   that it indexes itself before its transaction ends
//!   (`repo::customer_search::Deferred`); the insert trigger skips customers while it
//!   does. Only the writer that put the row there sees it: SQLite has one writer at a
//!   time, and the row is gone again when its transaction commits or rolls back.
//! - The table's `hashsize` (the terms kept in memory before a statement writes a
//!   segment) goes from FTS5's 1 MiB to 64 MiB, so that such an `INSERT … SELECT` (and a
//!   `rebuild`) writes a few large segments rather than hundreds of small ones: 200 000
//!   customers took 1.5 s instead of 3.6 s. Statements of a few rows keep writing a
//!   segment each, as before.
//!
//! PostgreSQL and MySQL: nothing.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

use crate::m20261207_000023_customer_search_exact as before;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// FTS5's own default `hashsize`, put back on `down`.
const FTS5_HASHSIZE: u32 = 1024 * 1024;

/// The `hashsize` of the search table: 64 MiB.
const HASHSIZE: u32 = 64 * 1024 * 1024;

const SQLITE_UP: &[&str] = &[
    "CREATE TABLE customer_search_deferred (id integer NOT NULL PRIMARY KEY CHECK (id = 1))",
    "DROP TRIGGER customer_search_ai",
    "CREATE TRIGGER customer_search_ai AFTER INSERT ON customers \
        WHEN new.deleted_at IS NULL AND NOT EXISTS (SELECT 1 FROM customer_search_deferred) BEGIN \
        INSERT INTO customer_search (rowid, name_lower, email_key, phone, company) \
        VALUES (new.id, new.name_lower, new.email_key, lower(new.phone), lower(new.company)); END",
];

const SQLITE_DOWN: &[&str] = &[
    "DROP TRIGGER IF EXISTS customer_search_ai",
    before::INSERT_TRIGGER,
    "DROP TABLE IF EXISTS customer_search_deferred",
];

fn hashsize(bytes: u32) -> String {
    format!("INSERT INTO customer_search (customer_search, rank) VALUES ('hashsize', {bytes})")
}

/// Runs `statements` and sets the search table's `hashsize` to `bytes`, on SQLite only.
async fn on_sqlite(m: &SchemaManager<'_>, statements: &[&str], bytes: u32) -> Result<(), DbErr> {
    if m.get_database_backend() != DbBackend::Sqlite {
        return Ok(());
    }
    let db = m.get_connection();
    for sql in statements {
        db.execute_unprepared(sql).await?;
    }
    db.execute_unprepared(&hashsize(bytes)).await?;
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        on_sqlite(m, SQLITE_UP, HASHSIZE).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        on_sqlite(m, SQLITE_DOWN, FTS5_HASHSIZE).await
    }
}
