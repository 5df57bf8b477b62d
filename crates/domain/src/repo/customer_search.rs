//! The customer list's substring search (`q`): the condition it adds, on each backend
//! through the index migration `m20261206_000015_customer_search` built for it.

use sea_orm::sea_query::{Alias, Expr, Query};
use sea_orm::{ColumnTrait, Condition, DbBackend};

use crate::entities::customer;
use crate::repo;

/// Fewest characters a `trigram` index can look up: a shorter needle holds no trigram,
/// so FTS5 matches nothing for it and callers keep the `LIKE` scan.
pub const TRIGRAM_MIN_CHARS: usize = 3;

/// Whether an FTS5 `trigram` table can answer a substring search for `needle`: at least
/// [`TRIGRAM_MIN_CHARS`] characters and no NUL (FTS5 reads its query as C text and
/// would stop there).
pub fn trigram_searchable(needle: &str) -> bool {
    needle.chars().count() >= TRIGRAM_MIN_CHARS && !needle.contains('\0')
}

/// The FTS5 query finding `needle` as a substring through a `trigram` table: a single
/// FTS5 string, double quotes inside doubled, so that no character of the needle is
/// read as query syntax (`AND`, `*`, `:`, `^`, parentheses).
pub fn fts5_substring(needle: &str) -> String {
    format!("\"{}\"", needle.replace('"', "\"\""))
}

/// Customers whose name, email, phone or company contains `needle` (lower-cased), through
/// the index migration `m20261206_000015_customer_search` built for the backend.
pub fn condition(backend: DbBackend, needle: &str) -> Condition {
    use customer::Column as C;
    // These LIKEs define the result on every database.
    let like = Condition::any()
        .add(C::NameLower.like(repo::contains(needle)))
        .add(C::EmailKey.like(repo::contains(needle)))
        .add(C::Phone.like(repo::contains(needle)))
        .add(repo::lower_contains(C::Company, needle));
    match backend {
        // The FTS5 trigram table narrows the rows to candidates; the LIKEs then keep exactly
        // the matches of the scan (the tokenizer folds case over all of Unicode, SQLite's
        // LIKE and lower() over ASCII only, so FTS5 alone could find a few more).
        DbBackend::Sqlite if trigram_searchable(needle) => {
            let candidates = Query::select()
                .expr(Expr::cust("rowid"))
                .from(Alias::new("customer_search"))
                .and_where(Expr::cust_with_values("customer_search MATCH ?", [fts5_substring(needle)]))
                .to_owned();
            Condition::all().add(C::Id.in_subquery(candidates)).add(like)
        }
        // PostgreSQL: the pg_trgm GIN indexes on these four expressions answer the LIKEs
        // themselves (a BitmapOr of the four). SQLite with a needle of one or two
        // characters: it holds no trigram, so FTS5 cannot look it up and the table is
        // scanned. MySQL/MariaDB: scanned; InnoDB finds substrings only with the ngram
        // full-text parser, which MariaDB does not have.
        _ => like,
    }
}

#[cfg(test)]
mod tests {
    use rapport_migrations::{Migrator, MigratorTrait};
    use sea_orm::{ConnectOptions, ConnectionTrait, Database, Statement};

    use super::*;
    use crate::list::{Paging, SortKey};
    use crate::repo::customers::{CustomerFilter, list};

    /// How many migrations come before `m20261206_000015_customer_search`.
    const BEFORE_SEARCH: u32 = 13;

    async fn names_for(db: &sea_orm::DatabaseConnection, q: &str) -> Vec<String> {
        let f = CustomerFilter { q: Some(q.into()), ..Default::default() };
        let paging = Paging::Offset { page: 1, per_page: 25, count: true };
        let (rows, total, _) = list(db, &f, None, &[SortKey { field: "name", desc: false }], &paging).await.unwrap();
        assert_eq!(total, Some(rows.len() as u64));
        rows.into_iter().map(|c| c.name).collect()
    }

    async fn search_objects(db: &impl ConnectionTrait) -> usize {
        let sql = "SELECT name FROM sqlite_master WHERE name LIKE 'customer_search%'";
        db.query_all_raw(Statement::from_string(db.get_database_backend(), sql)).await.unwrap().len()
    }

    #[tokio::test]
    async fn the_search_migration_indexes_existing_customers_and_rolls_back() {
        let mut opts = ConnectOptions::new("sqlite::memory:");
        opts.max_connections(1).sqlx_logging(false);
        let db = Database::connect(opts).await.unwrap();
        Migrator::up(&db, Some(BEFORE_SEARCH)).await.unwrap();
        db.execute_unprepared(
            "INSERT INTO customers (name, name_lower, email, email_key, phone, company, created_at, updated_at, \
             deleted_at, version) VALUES \
             ('Wang Fang', 'wang fang', 'Fang@Example.com', 'fang@example.com', '+86 139 1234 5678', \
              'Pearl River Foods', '2026-01-01 00:00:00', '2026-01-01 00:00:00', NULL, 1), \
             ('Gone Away', 'gone away', NULL, NULL, NULL, 'Pearl Gone', \
              '2026-01-01 00:00:00', '2026-01-01 00:00:00', '2026-02-01 00:00:00', 2)",
        )
        .await
        .unwrap();
        assert_eq!(search_objects(&db).await, 0, "the search migration comes after {BEFORE_SEARCH}");

        Migrator::up(&db, None).await.unwrap();
        // The FTS5 table alone finds what was there before the migration.
        let hits = db
            .query_all_raw(Statement::from_sql_and_values(
                sea_orm::DbBackend::Sqlite,
                "SELECT rowid FROM customer_search WHERE customer_search MATCH ?",
                [fts5_substring("river").into()],
            ))
            .await
            .unwrap();
        assert_eq!(hits.len(), 1);
        assert_eq!(names_for(&db, "PEARL").await, ["Wang Fang"]);
        assert_eq!(names_for(&db, "1234 5").await, ["Wang Fang"]);
        assert_eq!(names_for(&db, "fang@").await, ["Wang Fang"]);
        assert_eq!(names_for(&db, "gone").await, Vec::<String>::new());

        // Down through the search migration (and those after it).
        let from_search = u32::try_from(Migrator::migrations().len()).unwrap() - BEFORE_SEARCH;
        Migrator::down(&db, Some(from_search)).await.unwrap();
        assert_eq!(search_objects(&db).await, 0, "down removes the table and its triggers");
        Migrator::up(&db, None).await.unwrap();
        assert_eq!(names_for(&db, "river f").await, ["Wang Fang"]);
    }

    #[test]
    fn an_fts5_substring_is_one_string_with_its_double_quotes_doubled() {
        assert_eq!(fts5_substring("wang"), r#""wang""#);
        assert_eq!(fts5_substring(r#"acme "best" OR x*"#), r#""acme ""best"" OR x*""#);
    }

    #[test]
    fn a_trigram_index_takes_needles_of_three_characters_not_bytes() {
        assert!(!trigram_searchable("王伟"));
        assert!(trigram_searchable("王伟明"));
        assert!(!trigram_searchable("ab"));
        assert!(!trigram_searchable("ab\0c"));
    }
}
