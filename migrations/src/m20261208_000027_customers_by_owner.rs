//! The live customers by owner (`customers_by_owner`), kept by triggers like the daily
//! counts of `m20261207_000025_daily_counts`, and backfilled here.
//!
//! A numbered page of the customer list tells its total, counted up to 10 001 rows: at a
//! million customers that count was 0.65 of the 1.5 ms of CPU that page 1 of the list
//! took on SQLite (10 001 index entries a request). Without a filter, or with only an
//! owner's, the list reads its total from here instead: a row per owner.
//!
//! - SQLite: row triggers; customers inserted under `customer_search_deferred` are
//!   counted by `repo::customer_search::Deferred::index`, with one statement.
//! - PostgreSQL: inserts counted once per statement (transition table), updates and
//!   deletes by row triggers that fire only when the owner or the liveness changed.
//! - MySQL: row triggers.
//!
//! `owner_id` 0 stands for "no owner". Rows whose counts went back to zero stay.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

use crate::util::create_table;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CustomersByOwner {
    Table,
    OwnerId,
    Customers,
}

/// The start of an insert of counts by owner (a `VALUES` or a `SELECT` follows, then
/// what adds to a row already there).
const INSERT: &str = "INSERT INTO customers_by_owner (owner_id, customers) ";

/// Takes the customer `r` (`old`, in the database's case) off its owner.
macro_rules! subtract {
    ($r:literal) => {
        concat!(
            "UPDATE customers_by_owner SET customers = customers - 1 WHERE owner_id = COALESCE(",
            $r,
            ".owner_id, 0);"
        )
    };
}

const ON_CONFLICT: &str =
    " ON CONFLICT (owner_id) DO UPDATE SET customers = customers_by_owner.customers + excluded.customers;";

const ON_DUPLICATE: &str = " ON DUPLICATE KEY UPDATE customers = customers + VALUES(customers);";

const BACKFILL: &str = "INSERT INTO customers_by_owner (owner_id, customers) \
    SELECT COALESCE(owner_id, 0), COUNT(*) FROM customers WHERE deleted_at IS NULL GROUP BY 1";

fn up_sql(backend: DbBackend) -> Vec<String> {
    match backend {
        DbBackend::Postgres => vec![
            format!(
                "CREATE FUNCTION customers_by_owner_insert() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
                 {INSERT} SELECT COALESCE(owner_id, 0), count(*) FROM inserted WHERE deleted_at IS NULL GROUP BY 1\
                 {ON_CONFLICT} RETURN NULL; END $$"
            ),
            format!(
                "CREATE FUNCTION customers_by_owner_change() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
                 IF OLD.deleted_at IS NULL THEN {} END IF; \
                 IF TG_OP = 'UPDATE' THEN IF NEW.deleted_at IS NULL THEN \
                 {INSERT} VALUES (COALESCE(NEW.owner_id, 0), 1){ON_CONFLICT} END IF; END IF; \
                 RETURN NULL; END $$",
                subtract!("OLD")
            ),
            "CREATE TRIGGER customers_by_owner_ai AFTER INSERT ON customers REFERENCING NEW TABLE AS inserted \
             FOR EACH STATEMENT EXECUTE FUNCTION customers_by_owner_insert()"
                .to_owned(),
            "CREATE TRIGGER customers_by_owner_au AFTER UPDATE OF owner_id, deleted_at ON customers FOR EACH ROW \
             WHEN (OLD.owner_id IS DISTINCT FROM NEW.owner_id OR (OLD.deleted_at IS NULL) <> (NEW.deleted_at IS NULL)) \
             EXECUTE FUNCTION customers_by_owner_change()"
                .to_owned(),
            "CREATE TRIGGER customers_by_owner_ad AFTER DELETE ON customers FOR EACH ROW WHEN (OLD.deleted_at IS NULL) \
             EXECUTE FUNCTION customers_by_owner_change()"
                .to_owned(),
            BACKFILL.to_owned(),
        ],
        DbBackend::MySql => vec![
            format!(
                "CREATE TRIGGER customers_by_owner_ai AFTER INSERT ON customers FOR EACH ROW BEGIN \
                 IF NEW.deleted_at IS NULL THEN {INSERT} VALUES (COALESCE(NEW.owner_id, 0), 1){ON_DUPLICATE} END IF; END"
            ),
            format!(
                "CREATE TRIGGER customers_by_owner_au AFTER UPDATE ON customers FOR EACH ROW BEGIN \
                 IF NOT (OLD.owner_id <=> NEW.owner_id AND (OLD.deleted_at IS NULL) = (NEW.deleted_at IS NULL)) THEN \
                 IF OLD.deleted_at IS NULL THEN {} END IF; \
                 IF NEW.deleted_at IS NULL THEN {INSERT} VALUES (COALESCE(NEW.owner_id, 0), 1){ON_DUPLICATE} END IF; \
                 END IF; END",
                subtract!("OLD")
            ),
            format!(
                "CREATE TRIGGER customers_by_owner_ad AFTER DELETE ON customers FOR EACH ROW BEGIN \
                 IF OLD.deleted_at IS NULL THEN {} END IF; END",
                subtract!("OLD")
            ),
            BACKFILL.to_owned(),
        ],
        _ => vec![
            // Customers inserted under `customer_search_deferred` are counted by the
            // writer that inserted them (`Deferred::index`).
            format!(
                "CREATE TRIGGER customers_by_owner_ai AFTER INSERT ON customers \
                 WHEN new.deleted_at IS NULL AND NOT EXISTS (SELECT 1 FROM customer_search_deferred) \
                 BEGIN {INSERT} VALUES (coalesce(new.owner_id, 0), 1){ON_CONFLICT} END"
            ),
            format!(
                "CREATE TRIGGER customers_by_owner_au AFTER UPDATE OF owner_id, deleted_at ON customers \
                 WHEN old.owner_id IS NOT new.owner_id OR (old.deleted_at IS NULL) <> (new.deleted_at IS NULL) BEGIN \
                 UPDATE customers_by_owner SET customers = customers - 1 \
                 WHERE old.deleted_at IS NULL AND owner_id = coalesce(old.owner_id, 0); \
                 {INSERT} SELECT coalesce(new.owner_id, 0), 1 WHERE new.deleted_at IS NULL{ON_CONFLICT} END"
            ),
            format!(
                "CREATE TRIGGER customers_by_owner_ad AFTER DELETE ON customers WHEN old.deleted_at IS NULL \
                 BEGIN {} END",
                subtract!("old")
            ),
            BACKFILL.to_owned(),
        ],
    }
}

const TRIGGERS: [&str; 3] = ["customers_by_owner_ad", "customers_by_owner_au", "customers_by_owner_ai"];

const FUNCTIONS: [&str; 2] = ["customers_by_owner_change", "customers_by_owner_insert"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use CustomersByOwner as C;
        create_table(
            m,
            Table::create()
                .table(C::Table)
                .col(ColumnDef::new(C::OwnerId).big_integer().not_null().primary_key())
                .col(ColumnDef::new(C::Customers).big_integer().not_null())
                .to_owned(),
        )
        .await?;
        let db = m.get_connection();
        for statement in up_sql(m.get_database_backend()) {
            db.execute_unprepared(&statement).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        let postgres = m.get_database_backend() == DbBackend::Postgres;
        for trigger in TRIGGERS {
            let on = if postgres { " ON customers" } else { "" };
            db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS {trigger}{on}")).await?;
        }
        if postgres {
            for function in FUNCTIONS {
                db.execute_unprepared(&format!("DROP FUNCTION IF EXISTS {function}()")).await?;
            }
        }
        m.drop_table(Table::drop().table(CustomersByOwner::Table).to_owned()).await
    }
}
