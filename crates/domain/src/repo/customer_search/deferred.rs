//! Customers inserted in bulk, indexed for the search once at the end instead of row by
//! row (SQLite; migration `m20261207_000024_customer_search_deferred`).

use std::ops::RangeInclusive;

use sea_orm::{ConnectionTrait, DatabaseTransaction, DbBackend, DbErr, Statement};

/// The search's indexing put off, within one transaction, for the customers it inserts:
/// the insert trigger skips them while the row of `customer_search_deferred` is there,
/// and [`Deferred::index`] indexes them with one statement and removes the row. No other
/// connection sees the row: SQLite has one writer at a time, and a rolled-back
/// transaction takes the row with it. Elsewhere nothing is put off.
///
/// The customers inserted meanwhile must not be changed or deleted before `index`: the
/// update and delete triggers would remove from the table entries that are not there.
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

    /// Indexes the live customers among those inserted (with the ids noted and any
    /// between them), then lets the insert trigger index customers again.
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
            let values = [(*ids.start()).into(), (*ids.end()).into()];
            txn.execute_raw(Statement::from_sql_and_values(DbBackend::Sqlite, sql, values)).await?;
        }
        txn.execute_unprepared("DELETE FROM customer_search_deferred").await?;
        Ok(())
    }
}
