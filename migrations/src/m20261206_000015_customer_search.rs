//! Indexed substring search over customers (name, email, phone, company), so that the
//! list's `q` stays fast at a million customers.
//!
//! - PostgreSQL: `pg_trgm` GIN indexes on exactly the expressions the list compares with
//!   `LIKE '%needle%'` (`name_lower`, `email_key`, `phone`, `lower(company)`); the
//!   planner combines them with a BitmapOr and rechecks every hit, so results are those
//!   of the plain scan.
//! - SQLite: an FTS5 table with the `trigram` tokenizer over the same columns, kept in
//!   step by triggers. It is an external-content table (it stores only the index, the
//!   text stays in `customers`), which every SQLite with the trigram tokenizer (3.34+)
//!   can open; the triggers remove a row's old entry by passing its old values to the
//!   `'delete'` command.
//! - MySQL/MariaDB: nothing. InnoDB full-text needs the ngram parser for substrings,
//!   which MariaDB does not have; the list keeps its `LIKE` scan there.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The PostgreSQL indexes: (name, indexed expression). The expressions must stay
/// those of `repo::customers` for the planner to match them.
const PG_INDEXES: [(&str, &str); 4] = [
    ("idx_customers_search_name", "name_lower"),
    ("idx_customers_search_email", "email_key"),
    ("idx_customers_search_phone", "phone"),
    ("idx_customers_search_company", "lower(company)"),
];

/// PostgreSQL estimates how many customers a `LIKE '%needle%'` matches by trying it on
/// the column's histogram. With the default 100 entries a needle found in 2% of the
/// customers can match none of them and be taken for 0.01%, and the planner then
/// fetches and sorts tens of thousands of rows where walking `created_at` would have
/// found the first page at once (or walks for a rare needle). 1000 entries make these
/// estimates ten times finer, for a slower ANALYZE of four columns. The expression
/// `lower(company)` has its statistics on its index. ANALYZE now, so that the planner
/// has them before autovacuum comes by.
const PG_STATISTICS_UP: [&str; 3] = [
    "ALTER TABLE customers ALTER COLUMN name_lower SET STATISTICS 1000, \
        ALTER COLUMN email_key SET STATISTICS 1000, ALTER COLUMN phone SET STATISTICS 1000",
    "ALTER INDEX idx_customers_search_company ALTER COLUMN 1 SET STATISTICS 1000",
    "ANALYZE customers",
];

const PG_STATISTICS_DOWN: &str = "ALTER TABLE customers ALTER COLUMN name_lower SET STATISTICS -1, \
    ALTER COLUMN email_key SET STATISTICS -1, ALTER COLUMN phone SET STATISTICS -1";

/// The FTS5 table and its triggers. It indexes every row of `customers`, soft-deleted
/// ones too (the list drops those by `deleted_at` as before; a soft delete clears the
/// email, which the update trigger takes out of the index), so that it stays a faithful
/// index of its content table and FTS5's own `'rebuild'` and `'integrity-check'` work.
/// The update trigger runs only when an indexed value really changes, so that ordinary
/// edits (notes, owner, version) do not rewrite the index.
pub(crate) const SQLITE_UP: &[&str] = &[
    "CREATE VIRTUAL TABLE customer_search USING fts5(\
        name_lower, email_key, phone, company, \
        tokenize = 'trigram', content = 'customers', content_rowid = 'id')",
    "INSERT INTO customer_search (customer_search) VALUES ('rebuild')",
    "CREATE TRIGGER customer_search_ai AFTER INSERT ON customers BEGIN \
        INSERT INTO customer_search (rowid, name_lower, email_key, phone, company) \
        VALUES (new.id, new.name_lower, new.email_key, new.phone, new.company); \
     END",
    "CREATE TRIGGER customer_search_ad AFTER DELETE ON customers BEGIN \
        INSERT INTO customer_search (customer_search, rowid, name_lower, email_key, phone, company) \
        VALUES ('delete', old.id, old.name_lower, old.email_key, old.phone, old.company); \
     END",
    "CREATE TRIGGER customer_search_au AFTER UPDATE OF id, name_lower, email_key, phone, company ON customers \
        WHEN old.id IS NOT new.id OR old.name_lower IS NOT new.name_lower \
          OR old.email_key IS NOT new.email_key OR old.phone IS NOT new.phone \
          OR old.company IS NOT new.company BEGIN \
        INSERT INTO customer_search (customer_search, rowid, name_lower, email_key, phone, company) \
        VALUES ('delete', old.id, old.name_lower, old.email_key, old.phone, old.company); \
        INSERT INTO customer_search (rowid, name_lower, email_key, phone, company) \
        VALUES (new.id, new.name_lower, new.email_key, new.phone, new.company); \
     END",
];

pub(crate) const SQLITE_DOWN: &[&str] = &[
    "DROP TRIGGER IF EXISTS customer_search_au",
    "DROP TRIGGER IF EXISTS customer_search_ad",
    "DROP TRIGGER IF EXISTS customer_search_ai",
    "DROP TABLE IF EXISTS customer_search",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        match m.get_database_backend() {
            DbBackend::Postgres => {
                // pg_trgm is a trusted extension (PostgreSQL 13+): a database owner may create it.
                db.execute_unprepared("CREATE EXTENSION IF NOT EXISTS pg_trgm").await?;
                for (name, expr) in PG_INDEXES {
                    // Building the index reads every existing row: the backfill. Without
                    // `fastupdate` a write goes straight into the index instead of a pending
                    // list that every search would read through until VACUUM merges it: a
                    // few milliseconds per index and search, against ~0.1 ms more per insert.
                    // (Migration 000021 turns on a small pending list: bulk imports.)
                    db.execute_unprepared(&format!(
                        "CREATE INDEX {name} ON customers USING gin ({expr} gin_trgm_ops) WITH (fastupdate = off)"
                    ))
                    .await?;
                }
                for sql in PG_STATISTICS_UP {
                    db.execute_unprepared(sql).await?;
                }
            }
            DbBackend::Sqlite => {
                for sql in SQLITE_UP {
                    db.execute_unprepared(sql).await?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        match m.get_database_backend() {
            DbBackend::Postgres => {
                // The extension stays: other objects of the database may use it by now.
                for (name, _) in PG_INDEXES {
                    db.execute_unprepared(&format!("DROP INDEX IF EXISTS {name}")).await?;
                }
                db.execute_unprepared(PG_STATISTICS_DOWN).await?;
            }
            DbBackend::Sqlite => {
                for sql in SQLITE_DOWN {
                    db.execute_unprepared(sql).await?;
                }
            }
            _ => {}
        }
        Ok(())
    }
}
