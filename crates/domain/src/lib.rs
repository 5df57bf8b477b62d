//! Rapport's business core: entities, pure rules, repositories and services.
//!
//! Nothing here knows about HTTP. A service takes a database connection and an
//! [`Actor`](rules::access::Actor), applies the rules, writes the audit entry in
//! the same transaction and returns plain types or a [`DomainError`].

pub mod entities;
pub mod error;
pub mod list;
pub mod money;
pub mod repo;
pub mod rules;
pub mod services;
pub mod time;

pub use error::{DomainError, FieldError, Result};
pub use rules::access::{Action, Actor, Role, Scope};

#[cfg(test)]
pub(crate) mod testing {
    use rapport_migrations::{Migrator, MigratorTrait};
    use sea_orm::{ConnectOptions, Database, DatabaseConnection};

    /// A fresh, migrated in-memory SQLite database (one connection: each
    /// in-memory connection would be a database of its own).
    pub async fn db() -> DatabaseConnection {
        let mut opts = ConnectOptions::new("sqlite::memory:");
        opts.max_connections(1).sqlx_logging(false);
        let db = Database::connect(opts).await.expect("in-memory sqlite");
        Migrator::up(&db, None).await.expect("migrate");
        db
    }
}
