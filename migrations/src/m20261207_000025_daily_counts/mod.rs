//! Daily counts for the dashboard, kept by triggers: the live customers created each day
//! by owner (`customers_daily`), and the resolutions and ratings of the service requests
//! made each day (`service_daily`).
//!
//! The dashboard counted these from the rows of its period: at a million customers a
//! year is some 340 000 customers and 104 000 requests, 20 and 35 ms of scanning in the
//! `sqlite3` shell (23 and 24 ms on PostgreSQL), and more under load. From the daily
//! counts it reads a row per day (and owner).
//!
//! Customers and requests are written from many places (services, the import, the seed,
//! the tests' fixtures), so the database keeps the counts itself:
//! - SQLite: row triggers; customers inserted under `customer_search_deferred` are
//!   counted by `repo::customer_search::Deferred::index`, with one statement.
//! - PostgreSQL: inserts are counted once per statement (transition tables), updates
//!   and deletes by row triggers that fire only when a counted column changes.
//! - MySQL: row triggers.
//!
//! `owner_id` 0 stands for "no owner" (part of the primary key). Rows whose counts went
//! back to zero stay; they add nothing.

mod mysql;
mod postgres;
mod sqlite;

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

use crate::util::create_table;

/// Named by hand: `DeriveMigrationName` would take `mod`.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261207_000025_daily_counts"
    }
}

#[derive(DeriveIden)]
enum CustomersDaily {
    Table,
    Day,
    OwnerId,
    Customers,
}

#[derive(DeriveIden)]
enum ServiceDaily {
    Table,
    Day,
    Resolved,
    ResolutionSeconds,
    Rated,
    RatingSum,
}

#[derive(DeriveIden)]
enum ServiceRequests {
    Table,
}

/// The open requests of a period with their due time, from the index alone.
const OPEN_INDEX: &str = "idx_sr_status_request_date";

fn count(name: impl IntoIden) -> ColumnDef {
    ColumnDef::new(name).big_integer().not_null().take()
}

/// On each database, the statements that create the triggers.
fn triggers(backend: DbBackend) -> &'static [&'static str] {
    match backend {
        DbBackend::Postgres => postgres::UP,
        DbBackend::MySql => mysql::UP,
        _ => sqlite::UP,
    }
}

/// The statements that fill the counts from the rows already there: `day(column)` is the
/// day of a timestamp and `seconds` the whole seconds from `request_date` to
/// `resolved_at`, as the triggers of each database count them.
fn backfill(backend: DbBackend) -> [String; 2] {
    let (day, seconds): (fn(&str) -> String, &str) = match backend {
        DbBackend::Postgres => {
            (|c| format!("{c}::date"), "trunc(EXTRACT(EPOCH FROM (resolved_at - request_date)))::bigint")
        }
        DbBackend::MySql => (|c| format!("DATE({c})"), "TIMESTAMPDIFF(SECOND, request_date, resolved_at)"),
        _ => (|c| format!("date({c})"), "unixepoch(resolved_at) - unixepoch(request_date)"),
    };
    [
        format!(
            "INSERT INTO customers_daily (day, owner_id, customers) SELECT {}, COALESCE(owner_id, 0), COUNT(*) \
             FROM customers WHERE deleted_at IS NULL GROUP BY 1, 2",
            day("created_at")
        ),
        format!(
            "INSERT INTO service_daily (day, resolved, resolution_seconds, rated, rating_sum) \
             SELECT {}, COUNT(resolved_at), COALESCE(SUM({seconds}), 0), COUNT(rating), COALESCE(SUM(rating), 0) \
             FROM service_requests WHERE resolved_at IS NOT NULL OR rating IS NOT NULL GROUP BY 1",
            day("request_date")
        ),
    ]
}

/// The triggers with their tables, in the order `down` drops them.
const TRIGGERS: [(&str, &str); 6] = [
    ("service_daily_ad", "service_requests"),
    ("service_daily_au", "service_requests"),
    ("service_daily_ai", "service_requests"),
    ("customers_daily_ad", "customers"),
    ("customers_daily_au", "customers"),
    ("customers_daily_ai", "customers"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        create_table(
            m,
            Table::create()
                .table(CustomersDaily::Table)
                .col(ColumnDef::new(CustomersDaily::Day).date().not_null())
                .col(count(CustomersDaily::OwnerId))
                .col(count(CustomersDaily::Customers))
                .primary_key(Index::create().col(CustomersDaily::Day).col(CustomersDaily::OwnerId))
                .to_owned(),
        )
        .await?;
        create_table(
            m,
            Table::create()
                .table(ServiceDaily::Table)
                .col(ColumnDef::new(ServiceDaily::Day).date().not_null())
                .col(count(ServiceDaily::Resolved))
                .col(count(ServiceDaily::ResolutionSeconds))
                .col(count(ServiceDaily::Rated))
                .col(count(ServiceDaily::RatingSum))
                .primary_key(Index::create().col(ServiceDaily::Day))
                .to_owned(),
        )
        .await?;
        let cols = ["status", "request_date", "due_at"];
        m.create_index(crate::util::index(ServiceRequests::Table, OPEN_INDEX, &cols)).await?;
        let db = m.get_connection();
        let backend = m.get_database_backend();
        for statement in triggers(backend) {
            db.execute_unprepared(statement).await?;
        }
        for statement in backfill(backend) {
            db.execute_unprepared(&statement).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        let postgres = m.get_database_backend() == DbBackend::Postgres;
        for (trigger, table) in TRIGGERS {
            let on = if postgres { format!(" ON {table}") } else { String::new() };
            db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS {trigger}{on}")).await?;
        }
        if postgres {
            for function in postgres::FUNCTIONS {
                db.execute_unprepared(&format!("DROP FUNCTION IF EXISTS {function}()")).await?;
            }
        }
        m.drop_index(Index::drop().name(OPEN_INDEX).table(ServiceRequests::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(ServiceDaily::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(CustomersDaily::Table).to_owned()).await
    }
}
