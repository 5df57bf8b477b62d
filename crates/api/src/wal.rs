//! SQLite's checkpoints, taken by a task of the server's own instead of by its writer.
//!
//! In WAL mode a commit appends the pages it changed to the log; a checkpoint copies them
//! into the database file. By default the connection whose commit takes the log past
//! 1 000 pages does that there and then, inside the commit: the request committing waits
//! for it. A customer create now and then waits for some 4 MB to be copied, and an import
//! of a million customers waits for the whole log it wrote (about 1 GB) before it answers.
//!
//! The server's writer takes no checkpoints (`wal_autocheckpoint = 0`): a
//! [`Checkpointer`] takes them every [`INTERVAL`] from a connection of its own. Each is
//! passive: it copies the pages no reader still needs and waits for no one, so that writes
//! and reads go on meanwhile. Once all is copied, the next write starts the log over.
//! (A writer connection opened again by the pool would take checkpoints itself, as by
//! default, until the pragma is set on it: the log stays bounded either way.)
//!
//! Measured at a million customers, two binaries alternated twice: customer creates
//! (64 connections) 5 816 and 7 784/s with p99 110 and 37 ms before, 9 361 and 10 283/s
//! with p99 25 and 32 ms after; an import of a million customers 41.7 s before, 39.6
//! and 35.7 s after.

use std::time::Duration;

use anyhow::Context;
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Time between two checkpoints.
pub const INTERVAL: Duration = Duration::from_millis(250);

/// The task taking the checkpoints of a SQLite file.
#[derive(Debug)]
pub struct Checkpointer {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl Checkpointer {
    /// Stops `writer` taking checkpoints and starts the task that takes them, on a SQLite
    /// file (`url`); elsewhere `None` (PostgreSQL and MySQL have no such log, and an
    /// in-memory database none to copy into).
    ///
    /// # Errors
    /// When the database cannot be reached.
    pub async fn start(url: &str, writer: &DatabaseConnection) -> anyhow::Result<Option<Self>> {
        if writer.get_database_backend() != DbBackend::Sqlite || crate::startup::in_memory(url) {
            return Ok(None);
        }
        let mut opts = ConnectOptions::new(url.to_owned());
        opts.sqlx_logging(false).max_connections(1);
        let own = Database::connect(opts).await.context("connecting the checkpointer")?;
        writer.execute_unprepared("PRAGMA wal_autocheckpoint = 0").await.context("handing over checkpoints")?;
        let (stop, stopped) = watch::channel(false);
        Ok(Some(Self { stop, task: tokio::spawn(run(own, stopped)) }))
    }

    /// Stops the task after the checkpoint in hand (closing the last connection takes a
    /// final one).
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }
}

async fn run(db: DatabaseConnection, mut stopped: watch::Receiver<bool>) {
    let mut tick = tokio::time::interval(INTERVAL);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = stopped.changed() => break,
        }
        if let Err(e) = db.execute_unprepared("PRAGMA wal_checkpoint(PASSIVE)").await {
            tracing::warn!(error = %e, "SQLite checkpoint failed");
        }
    }
    let _ = db.close().await;
}

#[cfg(test)]
mod tests {
    use sea_orm::sqlx::sqlite::SqliteJournalMode;
    use sea_orm::{ConnectOptions, ConnectionTrait, Database, Statement};

    use super::*;

    /// The log of a write too small for SQLite's own checkpoint (500 pages) reaches the
    /// database file through the checkpointer, while the writer takes none.
    #[tokio::test]
    async fn the_log_reaches_the_database_file_through_the_checkpointer_not_the_writer() {
        let path = std::env::temp_dir().join(format!("rapport-wal-{}.db", std::process::id()));
        let url = format!("sqlite://{}?mode=rwc", path.display());
        let mut opts = ConnectOptions::new(url.clone());
        opts.sqlx_logging(false).max_connections(1).map_sqlx_sqlite_opts(|o| o.journal_mode(SqliteJournalMode::Wal));
        let writer = Database::connect(opts).await.unwrap();
        writer.execute_unprepared("CREATE TABLE blobs (b BLOB)").await.unwrap();
        let checkpointer = Checkpointer::start(&url, &writer).await.unwrap().expect("a SQLite file");
        let sql = Statement::from_string(DbBackend::Sqlite, "PRAGMA wal_autocheckpoint");
        let pages: i64 = writer.query_one_raw(sql).await.unwrap().unwrap().try_get_by_index(0).unwrap();
        assert_eq!(pages, 0, "the writer still takes checkpoints");

        let before = std::fs::metadata(&path).unwrap().len();
        writer.execute_unprepared("INSERT INTO blobs VALUES (zeroblob(2000000))").await.unwrap();
        let mut copied = false;
        for _ in 0..100 {
            if std::fs::metadata(&path).unwrap().len() >= before + 2_000_000 {
                copied = true;
                break;
            }
            tokio::time::sleep(INTERVAL / 5).await;
        }
        checkpointer.shutdown().await;
        writer.close().await.unwrap();
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
        assert!(copied, "the database file did not grow within 5 s");
    }
}
