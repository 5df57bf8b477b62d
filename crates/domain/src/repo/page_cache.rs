//! The SQLite writer's page cache: 64 MiB normally, 256 MiB during a bulk import.
//!
//! An import of a million customers inserts into a dozen indexes in an order that is
//! not theirs. With 64 MiB the pages of those indexes do not stay in the cache; SQLite
//! spills them to the WAL and reads them back, a page at a time (1M customers: 226 s,
//! most of it in `pread` and the WAL's page lookup). With 256 MiB the working set fits
//! (a plain INSERT of 1M customers: 67 s → 29 s). The cache grows only as pages are
//! used, and is given back when the import ends.

use std::future::Future;

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend};

/// The writer's page cache in KiB, as `startup` opens it.
pub const WRITER_KIB: i64 = 65_536;

/// The page cache during a bulk import, in KiB.
pub const BULK_KIB: i64 = 262_144;

/// Runs `job` with the larger cache on SQLite (the writer is one connection, so the
/// setting reaches the connection the job writes through), then shrinks it back,
/// whatever the job's outcome. Elsewhere just runs `job`.
///
/// # Errors
/// The job's; a failure to set the cache.
pub async fn bulk<T, E: From<sea_orm::DbErr>>(
    db: &DatabaseConnection,
    job: impl Future<Output = Result<T, E>>,
) -> Result<T, E> {
    if db.get_database_backend() != DbBackend::Sqlite {
        return job.await;
    }
    db.execute_unprepared(&format!("PRAGMA cache_size = -{BULK_KIB}")).await?;
    let out = job.await;
    let restored = db.execute_unprepared(&format!("PRAGMA cache_size = -{WRITER_KIB}; PRAGMA shrink_memory")).await;
    match (out, restored) {
        (Ok(_), Err(e)) => Err(e.into()),
        (out, _) => out,
    }
}

#[cfg(test)]
mod tests {
    use sea_orm::{ConnectionTrait, DbErr, Statement};

    use super::{BULK_KIB, WRITER_KIB, bulk};

    async fn cache_kib(db: &sea_orm::DatabaseConnection) -> i64 {
        let sql = Statement::from_string(db.get_database_backend(), "PRAGMA cache_size");
        -db.query_one_raw(sql).await.expect("pragma").expect("row").try_get_by_index::<i64>(0).expect("value")
    }

    #[tokio::test]
    async fn a_bulk_job_writes_with_the_larger_cache_which_shrinks_back_after_it_whatever_its_outcome() {
        let db = crate::testing::db().await;
        db.execute_unprepared(&format!("PRAGMA cache_size = -{WRITER_KIB}")).await.expect("pragma");
        let seen = bulk(&db, async { Ok::<_, DbErr>(cache_kib(&db).await) }).await.expect("job");
        assert_eq!((seen, cache_kib(&db).await), (BULK_KIB, WRITER_KIB));
        let failed = bulk(&db, async { Err::<(), _>(DbErr::Custom(format!("failed at {}", cache_kib(&db).await))) });
        assert_eq!(failed.await.unwrap_err().to_string(), DbErr::Custom(format!("failed at {BULK_KIB}")).to_string());
        assert_eq!(cache_kib(&db).await, WRITER_KIB);
    }
}
