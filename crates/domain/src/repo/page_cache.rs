//! The SQLite writer's page cache: 64 MiB normally, 256 MiB during a bulk import.
//!
//! An import of a million customers inserts into a dozen indexes in an order that is
//! not theirs. With 64 MiB the pages of those indexes do not stay in the cache; SQLite
//! spills them to the WAL and reads them back, a page at a time (1M customers: 226 s,
//! most of it in `pread` and the WAL's page lookup). With 256 MiB the working set fits
//! (a plain INSERT of 1M customers: 67 s → 29 s). The cache grows only as pages are
//! used, and is given back when the import ends.
//!
//! Outside bulk jobs the memory of every SQLite connection of the server (the writer's
//! cache, the readers' caches, sorts and full-text lookups) is held to [`HEAP_KIB`] with
//! SQLite's soft heap limit ([`limit_heap`]): past it, a connection reuses its least
//! recently used pages instead of allocating more, so the caches' own sizes are upper
//! bounds that together exceed it. A bulk job raises the limit by its cache and sets it
//! back after.

use std::future::Future;

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend};

/// The writer's page cache in KiB, as `startup` opens it.
pub const WRITER_KIB: i64 = 65_536;

/// The page cache during a bulk import, in KiB.
pub const BULK_KIB: i64 = 262_144;

/// SQLite's heap for the whole server outside bulk jobs, in KiB. Measured at a million
/// customers: the writer's inserts and the readers' lookups and searches ran as fast
/// with 48 MiB as with 96 MiB, while the server's memory after 10 s of lookups was
/// 128 MB instead of 149 MB, and after searches 144 MB instead of 214 MB.
pub const HEAP_KIB: i64 = 49_152;

/// The process's soft heap limit: the base [`limit_heap`] set (0: none) and the bulk
/// jobs running, each of which adds the whole of its larger cache. Held while the limit is set, so
/// that jobs starting and ending at once leave the limit their count gives.
static HEAP: tokio::sync::Mutex<Heap> = tokio::sync::Mutex::const_new(Heap { base_kib: 0, bulk_jobs: 0 });

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Heap {
    base_kib: i64,
    bulk_jobs: i64,
}

impl Heap {
    /// The limit in bytes for SQLite: none without a base.
    fn bytes(self) -> i64 {
        if self.base_kib == 0 { 0 } else { (self.base_kib + self.bulk_jobs * BULK_KIB) * 1024 }
    }
}

async fn set_heap(db: &DatabaseConnection, change: impl FnOnce(&mut Heap)) -> Result<(), sea_orm::DbErr> {
    let mut heap = HEAP.lock().await;
    let mut next = *heap;
    change(&mut next);
    db.execute_unprepared(&format!("PRAGMA soft_heap_limit = {}", next.bytes())).await?;
    *heap = next;
    Ok(())
}

/// Holds the process's SQLite heap to [`HEAP_KIB`] (the limit is SQLite's, for every
/// connection of the process). Not for in-memory databases, whose pages cannot be
/// dropped and read again.
///
/// # Errors
/// Database failures.
pub async fn limit_heap(db: &DatabaseConnection) -> Result<(), sea_orm::DbErr> {
    set_heap(db, |h| h.base_kib = HEAP_KIB).await
}

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
    set_heap(db, |h| h.bulk_jobs += 1).await?;
    let widened = db.execute_unprepared(&format!("PRAGMA cache_size = -{BULK_KIB}")).await;
    let out = match widened {
        Ok(_) => job.await,
        Err(e) => Err(e.into()),
    };
    let restored = db.execute_unprepared(&format!("PRAGMA cache_size = -{WRITER_KIB}; PRAGMA shrink_memory")).await;
    let lowered = set_heap(db, |h| h.bulk_jobs -= 1).await;
    match (out, restored.and(lowered)) {
        (Ok(_), Err(e)) => Err(e.into()),
        (out, _) => out,
    }
}

#[cfg(test)]
mod tests {
    use sea_orm::{ConnectionTrait, DbErr, Statement};

    use super::{BULK_KIB, HEAP_KIB, Heap, WRITER_KIB, bulk};

    #[test]
    fn the_heap_limit_is_the_base_plus_the_extra_cache_of_each_running_bulk_job() {
        let extra = BULK_KIB * 1024;
        assert_eq!(Heap { base_kib: 0, bulk_jobs: 2 }.bytes(), 0, "no limit without a base");
        assert_eq!(Heap { base_kib: HEAP_KIB, bulk_jobs: 0 }.bytes(), HEAP_KIB * 1024);
        assert_eq!(Heap { base_kib: HEAP_KIB, bulk_jobs: 2 }.bytes(), HEAP_KIB * 1024 + 2 * extra);
    }

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
