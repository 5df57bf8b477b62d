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

    /// PostgreSQL and MySQL, each when its URL is set, as CI sets them (`.ci/run`); says
    /// which are not, so that a test run shows what it did not cover.
    pub async fn server_dbs() -> Vec<DatabaseConnection> {
        let mut out = Vec::new();
        for var in ["RAPPORT_TEST_POSTGRES_URL", "RAPPORT_TEST_MYSQL_URL"] {
            match std::env::var(var) {
                Ok(url) => out.push(Database::connect(url.as_str()).await.expect("connect")),
                Err(_) => eprintln!("{var} is not set: not run on that database"),
            }
        }
        out
    }

    /// The (id, sku) of the products that have a sku, by id.
    pub async fn skus(db: &DatabaseConnection) -> Vec<(i64, String)> {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

        use crate::entities::product;
        let products = product::Entity::find()
            .filter(product::Column::SkuKey.is_not_null())
            .order_by_asc(product::Column::Id)
            .all(db)
            .await
            .expect("products");
        products.into_iter().map(|p| (p.id, p.sku)).collect()
    }
}
