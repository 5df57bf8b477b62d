//! SQLite: the customer search's FTS5 table holds exactly the text the list's `LIKE`s
//! compare, for live customers only, so that a match of the table is a match of the
//! list and the search needs no `LIKE` recheck of the rows.
//!
//! Migration 000015's table indexed the raw columns of every customer, soft-deleted
//! ones too, with the tokenizer's Unicode case folding; the list therefore fetched each
//! candidate row to check `deleted_at` and the four `LIKE`s. At a million customers a
//! common needle's capped total (10 001 candidates) spent most of its time there.
//!
//! Now the table's content is the view `customer_search_source`: the live customers'
//! `name_lower`, `email_key`, `lower(phone)` and `lower(company)`, the strings that
//! `name_lower LIKE`, `email_key LIKE`, `phone LIKE` (ASCII case-insensitive, as
//! `lower`) and `lower(company) LIKE` compare with a lower-cased needle. The `trigram`
//! tokenizer is case-sensitive, so it folds nothing the `LIKE`s do not: a needle of three
//! characters or more matches a customer in the table exactly when it is a substring of
//! one of those strings. The triggers add a customer when it becomes live, remove it when
//! it stops being live, and re-index it when an indexed value changes; they give the
//! `'delete'` command the values the entry was made from. PostgreSQL and MySQL: nothing.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

use crate::m20261206_000015_customer_search as before;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The entry of a customer row (`new` or `old` in a trigger), as the view makes it.
macro_rules! entry {
    ($row:literal) => {
        concat!(
            $row,
            ".id, ",
            $row,
            ".name_lower, ",
            $row,
            ".email_key, lower(",
            $row,
            ".phone), lower(",
            $row,
            ".company)"
        )
    };
}

/// Whether an update changed what the table holds for the row.
const CHANGED: &str = "old.id IS NOT new.id OR old.name_lower IS NOT new.name_lower \
    OR old.email_key IS NOT new.email_key OR old.phone IS NOT new.phone \
    OR old.company IS NOT new.company OR (old.deleted_at IS NULL) <> (new.deleted_at IS NULL)";

/// The insert trigger (migration 000024 adds a condition to it, and puts it back on `down`).
pub(crate) const INSERT_TRIGGER: &str = concat!(
    "CREATE TRIGGER customer_search_ai AFTER INSERT ON customers WHEN new.deleted_at IS NULL BEGIN \
        INSERT INTO customer_search (rowid, name_lower, email_key, phone, company) VALUES (",
    entry!("new"),
    "); END"
);

const SQLITE_UP: &[&str] = &[
    "CREATE VIEW customer_search_source AS \
        SELECT id, name_lower, email_key, lower(phone) AS phone, lower(company) AS company \
        FROM customers WHERE deleted_at IS NULL",
    "CREATE VIRTUAL TABLE customer_search USING fts5(\
        name_lower, email_key, phone, company, \
        tokenize = 'trigram case_sensitive 1', content = 'customer_search_source', content_rowid = 'id')",
    "INSERT INTO customer_search (customer_search) VALUES ('rebuild')",
    INSERT_TRIGGER,
    concat!(
        "CREATE TRIGGER customer_search_ad AFTER DELETE ON customers WHEN old.deleted_at IS NULL BEGIN \
            INSERT INTO customer_search (customer_search, rowid, name_lower, email_key, phone, company) \
            VALUES ('delete', ",
        entry!("old"),
        "); END"
    ),
];

/// The update trigger: built at run time for [`CHANGED`].
fn update_trigger() -> String {
    format!(
        "CREATE TRIGGER customer_search_au \
            AFTER UPDATE OF id, name_lower, email_key, phone, company, deleted_at ON customers \
            WHEN {CHANGED} BEGIN \
            INSERT INTO customer_search (customer_search, rowid, name_lower, email_key, phone, company) \
                SELECT 'delete', {old} WHERE old.deleted_at IS NULL; \
            INSERT INTO customer_search (rowid, name_lower, email_key, phone, company) \
                SELECT {new} WHERE new.deleted_at IS NULL; \
         END",
        old = entry!("old"),
        new = entry!("new"),
    )
}

const SQLITE_DOWN: &[&str] = &[
    "DROP TRIGGER IF EXISTS customer_search_au",
    "DROP TRIGGER IF EXISTS customer_search_ad",
    "DROP TRIGGER IF EXISTS customer_search_ai",
    "DROP TABLE IF EXISTS customer_search",
    "DROP VIEW IF EXISTS customer_search_source",
];

async fn run(m: &SchemaManager<'_>, statements: Vec<String>) -> Result<(), DbErr> {
    let db = m.get_connection();
    for sql in statements {
        db.execute_unprepared(&sql).await?;
    }
    Ok(())
}

fn owned(statements: &[&str]) -> Vec<String> {
    statements.iter().map(|s| (*s).to_owned()).collect()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() != DbBackend::Sqlite {
            return Ok(());
        }
        let mut statements = owned(before::SQLITE_DOWN);
        statements.extend(owned(SQLITE_UP));
        statements.push(update_trigger());
        run(m, statements).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() != DbBackend::Sqlite {
            return Ok(());
        }
        let mut statements = owned(SQLITE_DOWN);
        statements.extend(owned(before::SQLITE_UP));
        run(m, statements).await
    }
}
