//! The customer list's substring search (`q`): the condition it adds, on each backend
//! through the index migration `m20261206_000015_customer_search` built for it.

use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, DbBackend, DbErr, Statement};

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

/// Candidates from which SQLite pages a search by walking the list's sort index instead
/// of fetching every candidate and sorting them (see [`Plan`]). Measured at a million
/// customers, newest first: 518 candidates took 4 ms fetched and sorted, 24 ms walked;
/// 3 988 took 7 and 8 ms; 26 412 took 550 and 34 ms; a needle with no candidate took
/// 0.1 ms fetched and 447 ms walked (every index entry). Counting up to this many
/// candidates takes under 2 ms.
pub const COMMON_CANDIDATES: u64 = 1_000;

/// How SQLite reaches the customers of a search.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Plan {
    /// Fetch every candidate by id, then sort them: for needles with few candidates.
    Fetch,
    /// Walk the list's sort index and keep the candidates (a common needle finds a page
    /// of them within the first entries).
    Walk,
}

/// The [`Plan`] for `needle` (lower-cased): [`Plan::Walk`] on SQLite when the trigram
/// table holds at least [`COMMON_CANDIDATES`] candidates for it.
///
/// # Errors
/// Database failures.
pub async fn plan(db: &impl ConnectionTrait, needle: &str) -> Result<Plan, DbErr> {
    if db.get_database_backend() != DbBackend::Sqlite || !trigram_searchable(needle) {
        return Ok(Plan::Fetch);
    }
    let sql = format!(
        "SELECT COUNT(*) FROM (SELECT rowid FROM customer_search WHERE customer_search MATCH ? LIMIT {COMMON_CANDIDATES})"
    );
    let row = db
        .query_one_raw(Statement::from_sql_and_values(DbBackend::Sqlite, sql, [fts5_substring(needle).into()]))
        .await?;
    let n: i64 = row.map(|r| r.try_get_by_index(0)).transpose()?.unwrap_or(0);
    Ok(if n >= i64::try_from(COMMON_CANDIDATES).unwrap_or(i64::MAX) { Plan::Walk } else { Plan::Fetch })
}

/// Customers whose name, email, phone or company contains `needle` (lower-cased), through
/// the index migration `m20261206_000015_customer_search` built for the backend, reached
/// as `plan` says on SQLite.
pub fn condition(backend: DbBackend, needle: &str, plan: Plan) -> Condition {
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
            // `+id` is SQLite's way to keep a term from driving the search: the rows then
            // come in the order of the list's sort index, each checked against the
            // candidates.
            let id = match plan {
                Plan::Fetch => Expr::col((customer::Entity, C::Id)),
                Plan::Walk => Expr::cust("+\"customers\".\"id\""),
            };
            Condition::all().add(id.in_subquery(candidates)).add(like)
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

        // Back to before the search migration (through the `down` of every later one).
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

    /// A needle with many candidates is paged by walking the sort index, one with few by
    /// fetching its candidates: both give the rows and totals of the plain scan, newest
    /// first, by offset and by cursor, with ties on the time broken by id.
    #[tokio::test]
    async fn common_and_rare_needles_page_the_same_rows_whichever_way_they_are_read() {
        let db = crate::testing::db().await;
        let n = COMMON_CANDIDATES as usize * 3 / 2 + 300;
        let rows: Vec<String> = (0..n)
            .map(|i| {
                // Every third company is Acme; ties on created_at in pairs.
                let company = if i % 3 == 0 { "Northwind".to_owned() } else { format!("Acme {i}") };
                format!(
                    "('C{i}', 'c{i}', NULL, NULL, NULL, '{company}', '2026-01-01 00:00:{:02}.{:06}', \
                     '2026-01-01 00:00:00', {}, 1)",
                    (i / 2) / 1000 % 60,
                    (i / 2) % 1000,
                    if i % 10 == 9 { "'2026-02-01 00:00:00'" } else { "NULL" },
                )
            })
            .collect();
        for chunk in rows.chunks(300) {
            db.execute_unprepared(&format!(
                "INSERT INTO customers (name, name_lower, email, email_key, phone, company, created_at, updated_at, \
                 deleted_at, version) VALUES {}",
                chunk.join(", ")
            ))
            .await
            .unwrap();
        }
        assert_eq!(plan(&db, "acme").await.unwrap(), Plan::Walk);
        assert_eq!(plan(&db, "northwind").await.unwrap(), Plan::Fetch, "{} candidates", n / 3);
        assert_eq!(plan(&db, "ac").await.unwrap(), Plan::Fetch, "too short for the trigram table");

        for needle in ["acme", "ACME 1", "northwind"] {
            let expected: Vec<i64> = {
                let sql = format!(
                    "SELECT id FROM customers WHERE deleted_at IS NULL AND lower(company) LIKE '%{}%' \
                     ORDER BY created_at DESC, id DESC",
                    needle.to_lowercase()
                );
                let found = db.query_all_raw(Statement::from_string(db.get_database_backend(), sql)).await.unwrap();
                found.iter().map(|r| r.try_get_by_index(0).unwrap()).collect()
            };
            assert!(!expected.is_empty());
            let f = CustomerFilter { q: Some(needle.into()), ..Default::default() };
            let newest = [SortKey { field: "created_at", desc: true }];
            let mut got = Vec::new();
            for page in 1..=3 {
                let paging = Paging::Offset { page, per_page: 25, count: true };
                let (rows, total, _) = list(&db, &f, None, &newest, &paging).await.unwrap();
                assert_eq!(total, Some(expected.len() as u64), "{needle}");
                got.extend(rows.iter().map(|c| c.id));
            }
            assert_eq!(got, expected[..expected.len().min(75)], "{needle} by offset");
            let (mut got, mut after) = (Vec::new(), None);
            loop {
                let paging = Paging::Cursor { after, per_page: 100 };
                let (rows, _, next) = list(&db, &f, None, &newest, &paging).await.unwrap();
                got.extend(rows.iter().map(|c| c.id));
                match next {
                    Some(c) => after = Some(c),
                    None => break,
                }
            }
            assert_eq!(got, expected, "{needle} by cursor");
        }

        // The walk reads the sort index in order: no sort of the candidates.
        use sea_orm::{EntityTrait, QueryFilter, QueryOrder, QueryTrait};
        let select = customer::Entity::find()
            .filter(customer::Column::DeletedAt.is_null())
            .filter(condition(DbBackend::Sqlite, "acme", Plan::Walk))
            .order_by_desc(customer::Column::CreatedAt);
        let built = select.build(DbBackend::Sqlite);
        let explain = Statement::from_sql_and_values(
            DbBackend::Sqlite,
            format!("EXPLAIN QUERY PLAN {}", built.sql),
            built.values.clone().map(|v| v.0).unwrap_or_default(),
        );
        let steps: Vec<String> =
            db.query_all_raw(explain).await.unwrap().iter().map(|r| r.try_get_by_index(3).unwrap()).collect();
        assert!(steps.iter().any(|s| s.contains("idx_customers_created")), "{steps:?}");
        assert!(!steps.iter().any(|s| s.contains("TEMP B-TREE")), "{steps:?}");
        // On a table this small SQLite walks the index either way; at a million customers
        // it fetches the candidates unless the unary plus keeps them from driving.
        assert!(built.sql.contains(r#"(+"customers"."id") IN"#), "{}", built.sql);
    }
}
