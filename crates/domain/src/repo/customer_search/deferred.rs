//! Customers inserted in bulk, indexed for the search and counted by day and by owner once
//! at the end instead of row by row (SQLite; migrations
//! `m20261207_000024_customer_search_deferred`, `m20261207_000025_daily_counts` and
//! `m20261208_000027_customers_by_owner`).

use std::ops::RangeInclusive;

use sea_orm::{ConnectionTrait, DatabaseTransaction, DbBackend, DbErr, Statement};

/// The search's indexing and the counts (`customers_daily`, `customers_by_owner`) put
/// off, within one transaction, for the customers it inserts: the insert triggers skip them while the
/// row of `customer_search_deferred` is there, and [`Deferred::index`] indexes and counts
/// them with a statement each and removes the row. No other connection sees the row:
/// SQLite has one writer at a time, and a rolled-back transaction takes the row with it.
/// Elsewhere nothing is put off.
///
/// The customers inserted meanwhile must not be changed or deleted before `index`: the
/// update and delete triggers would remove entries and counts that are not there.
/// The import and the seed only insert them.
#[derive(Debug)]
#[must_use = "the customers inserted are not found by a search until `index` runs in the same transaction"]
pub struct Deferred {
    sqlite: bool,
    /// The ids inserted so far.
    ids: Option<RangeInclusive<i64>>,
}

impl Deferred {
    /// Puts off the indexing of the customers `txn` inserts from now on.
    ///
    /// # Errors
    /// Database failures (on SQLite, also a second `start` in one transaction).
    pub async fn start(txn: &DatabaseTransaction) -> Result<Self, DbErr> {
        let sqlite = txn.get_database_backend() == DbBackend::Sqlite;
        if sqlite {
            txn.execute_unprepared("INSERT INTO customer_search_deferred (id) VALUES (1)").await?;
        }
        Ok(Self { sqlite, ids: None })
    }

    /// Notes the ids of customers inserted (in any order).
    pub fn inserted(&mut self, ids: impl IntoIterator<Item = i64>) {
        for id in ids {
            self.ids = Some(match self.ids.take() {
                Some(r) => (*r.start()).min(id)..=(*r.end()).max(id),
                None => id..=id,
            });
        }
    }

    /// Indexes and counts the live customers among those inserted (with the ids noted and
    /// any between them), then lets the insert triggers handle customers again.
    ///
    /// # Errors
    /// Database failures.
    pub async fn index(self, txn: &DatabaseTransaction) -> Result<(), DbErr> {
        if !self.sqlite {
            return Ok(());
        }
        if let Some(ids) = self.ids {
            let sql = "INSERT INTO customer_search (rowid, name_lower, email_key, phone, company) \
                       SELECT id, name_lower, email_key, phone, company FROM customer_search_source \
                       WHERE id BETWEEN ? AND ?";
            let values = || [(*ids.start()).into(), (*ids.end()).into()];
            txn.execute_raw(Statement::from_sql_and_values(DbBackend::Sqlite, sql, values())).await?;
            let count = "INSERT INTO customers_daily (day, owner_id, customers) \
                         SELECT date(created_at), coalesce(owner_id, 0), count(*) FROM customers \
                         WHERE id BETWEEN ? AND ? AND deleted_at IS NULL GROUP BY 1, 2 \
                         ON CONFLICT (day, owner_id) DO UPDATE SET customers = customers + excluded.customers";
            txn.execute_raw(Statement::from_sql_and_values(DbBackend::Sqlite, count, values())).await?;
            let by_owner = "INSERT INTO customers_by_owner (owner_id, customers) \
                            SELECT coalesce(owner_id, 0), count(*) FROM customers \
                            WHERE id BETWEEN ? AND ? AND deleted_at IS NULL GROUP BY 1 \
                            ON CONFLICT (owner_id) DO UPDATE SET customers = customers + excluded.customers";
            txn.execute_raw(Statement::from_sql_and_values(DbBackend::Sqlite, by_owner, values())).await?;
        }
        txn.execute_unprepared("DELETE FROM customer_search_deferred").await?;
        Ok(())
    }
}
