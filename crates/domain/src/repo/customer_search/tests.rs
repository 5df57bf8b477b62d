//! The search's index against the plain scan it stands for, on SQLite.

use rapport_migrations::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, Statement, TransactionTrait};

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

/// Ids of the live customers the plain `LIKE` scan finds for `pattern` (a `LIKE`
/// pattern with `!` as its escape).
async fn scanned(db: &impl ConnectionTrait, pattern: &str) -> Vec<i64> {
    let sql = "SELECT id FROM customers WHERE deleted_at IS NULL AND (name_lower LIKE ?1 ESCAPE '!' \
               OR email_key LIKE ?1 ESCAPE '!' OR phone LIKE ?1 ESCAPE '!' OR lower(company) LIKE ?1 ESCAPE '!') \
               ORDER BY id";
    let rows =
        db.query_all_raw(Statement::from_sql_and_values(DbBackend::Sqlite, sql, [pattern.into()])).await.unwrap();
    rows.iter().map(|r| r.try_get_by_index(0).unwrap()).collect()
}

/// The search's ids and total for `q` through the list (sorted by id).
async fn searched(db: &sea_orm::DatabaseConnection, q: &str) -> (Vec<i64>, Option<u64>) {
    let f = CustomerFilter { q: Some(q.into()), ..Default::default() };
    let paging = Paging::Offset { page: 1, per_page: 100, count: true };
    let (rows, total, _) = list(db, &f, None, &[SortKey { field: "id", desc: false }], &paging).await.unwrap();
    (rows.into_iter().map(|c| c.id).collect(), total)
}

/// Customers whose compared text puts the search table to the test: capitals outside
/// ASCII, phone letters, `%` and `_`, a soft-deleted customer.
const CUSTOMERS: &str = "INSERT INTO customers (id, name, name_lower, email, email_key, phone, company, created_at, \
     updated_at, deleted_at, version) VALUES \
     (1, 'Ölkunde Ärger', 'ölkunde ärger', 'Oel@Werk.de', 'oel@werk.de', '+49 ABC 12', 'ÖLWERK GmbH', \
      '2026-01-01 00:00:00', '2026-01-01 00:00:00', NULL, 1), \
     (2, 'Zoë 50%_Off', 'zoë 50%_off', NULL, NULL, NULL, 'Acme 50% Off', \
      '2026-01-01 00:00:00', '2026-01-01 00:00:00', NULL, 1), \
     (3, 'Gone Acme', 'gone acme', NULL, NULL, '+49 abc 99', 'Acme', \
      '2026-01-01 00:00:00', '2026-01-01 00:00:00', '2026-02-01 00:00:00', 2), \
     (4, 'Wang Fang', 'wang fang', 'fang@acme.cn', 'fang@acme.cn', '138 1234', 'Pearl River', \
      '2026-01-01 00:00:00', '2026-01-01 00:00:00', NULL, 1)";

/// A live customer of a company `Acme …` with the id `id`.
fn acme_customer(id: i64) -> String {
    format!(
        "INSERT INTO customers (id, name, name_lower, company, created_at, updated_at, version) \
         VALUES ({id}, 'Later {id}', 'later {id}', 'Acme Later', '2026-01-02 00:00:00', '2026-01-02 00:00:00', 1)"
    )
}

/// Asserts that the search finds, for needles of every kind (as typed), the ids and
/// total the plain scan finds, and that FTS5 finds its table sound.
async fn assert_found_as_scanned(db: &sea_orm::DatabaseConnection, stage: &str) {
    // (needle as typed, the same as a LIKE pattern)
    let needles = [
        ("ÖLW", "%ölw%"),
        ("Ölw", "%ölw%"),
        ("ölk", "%ölk%"),
        ("gmbh", "%gmbh%"),
        ("ABC", "%abc%"),
        ("50%_", "%50!%!_%"),
        ("% O", "%!% o%"),
        ("acme", "%acme%"),
        ("ÄRGER", "%ärger%"),
        ("8 12", "%8 12%"),
        ("nowhere", "%nowhere%"),
    ];
    for (q, pattern) in needles {
        let expected = scanned(db, pattern).await;
        let (ids, total) = searched(db, q).await;
        assert_eq!(ids, expected, "{stage}: {q}");
        assert_eq!(total, Some(expected.len() as u64), "{stage}: {q}");
    }
    let integrity = "INSERT INTO customer_search (customer_search, rank) VALUES ('integrity-check', 1)";
    db.execute_unprepared(integrity).await.unwrap_or_else(|e| panic!("{stage}: {e}"));
}

/// The FTS5 table is trusted without a `LIKE` recheck, so it must hold exactly what
/// the `LIKE`s compare: live customers only, the company lower-cased over ASCII only
/// (as SQLite's `lower`), phone letters matched without case, `%` and `_` as text;
/// and stay so through edits, soft deletes, restores and deletes.
#[tokio::test]
async fn the_search_table_finds_exactly_what_the_likes_find_through_every_change() {
    let db = crate::testing::db().await;
    db.execute_unprepared(CUSTOMERS).await.unwrap();
    assert_found_as_scanned(&db, "inserted").await;
    assert_eq!(searched(&db, "acme").await.0, [2, 4], "the deleted customer is not found");

    let edits = [
        ("company edited", "UPDATE customers SET company = 'Acme Foods', version = 2 WHERE id = 1"),
        ("phone edited", "UPDATE customers SET phone = '+49 XYZ', version = 3 WHERE id = 1"),
        ("other columns edited", "UPDATE customers SET notes = 'x', version = 4 WHERE id = 4"),
        (
            "soft deleted",
            "UPDATE customers SET deleted_at = '2026-03-01 00:00:00', email = NULL, email_key = NULL WHERE id = 4",
        ),
        ("restored", "UPDATE customers SET deleted_at = NULL WHERE id = 3"),
        ("deleted while deleted", "DELETE FROM customers WHERE id = 4"),
        ("deleted while live", "DELETE FROM customers WHERE id = 2"),
    ];
    for (stage, sql) in edits {
        db.execute_unprepared(sql).await.unwrap();
        assert_found_as_scanned(&db, stage).await;
    }
    assert_eq!(searched(&db, "acme").await.0, [1, 3]);
    assert_eq!(searched(&db, "xyz").await.0, [1]);
}

/// The search table's entries that match `needle`.
async fn table_matches(db: &impl ConnectionTrait, needle: &str) -> usize {
    let sql = "SELECT rowid FROM customer_search WHERE customer_search MATCH ?";
    let values = [fts5_substring(needle).into()];
    db.query_all_raw(Statement::from_sql_and_values(DbBackend::Sqlite, sql, values)).await.unwrap().len()
}

/// An import's customers are indexed by one statement at the end of its transaction
/// ([`Deferred`]): not before, exactly as the insert trigger would have, and the trigger
/// indexes the customers inserted after, also after a transaction that put it off and
/// rolled back.
#[tokio::test]
async fn customers_inserted_in_bulk_are_found_once_their_transaction_indexes_them() {
    let db = crate::testing::db().await;
    let txn = db.begin().await.unwrap();
    let mut deferred = Deferred::start(&txn).await.unwrap();
    txn.execute_unprepared(CUSTOMERS).await.unwrap();
    deferred.inserted([4, 1, 3]);
    assert_eq!(table_matches(&txn, "acme").await, 0, "the trigger indexed a customer");
    deferred.index(&txn).await.unwrap();
    assert_eq!(table_matches(&txn, "acme").await, 2);
    txn.commit().await.unwrap();
    assert_found_as_scanned(&db, "indexed at the end").await;

    db.execute_unprepared(&acme_customer(5)).await.unwrap();
    assert_found_as_scanned(&db, "inserted after").await;

    let txn = db.begin().await.unwrap();
    let _deferred = Deferred::start(&txn).await.unwrap();
    txn.execute_unprepared(&acme_customer(6)).await.unwrap();
    txn.rollback().await.unwrap();
    db.execute_unprepared(&acme_customer(7)).await.unwrap();
    assert_found_as_scanned(&db, "inserted after a rollback").await;
    assert_eq!(searched(&db, "acme").await.0, [2, 4, 5, 7]);
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
/// fetching its candidates, a very common one by scanning the sort index; a list by
/// name fetches: each gives the rows and totals of the plain scan, by offset and by
/// cursor, with ties broken by id.
#[tokio::test]
async fn common_and_rare_needles_page_the_same_rows_whichever_way_they_are_read() {
    let db = crate::testing::db().await;
    let n = 18_000;
    let rows: Vec<String> = (0..n)
        .map(|i| {
            // Every third company is Northwind, the others Acme; ties on created_at
            // in pairs; every tenth customer deleted.
            let company = if i % 3 == 0 { "Northwind".to_owned() } else { format!("Acme {i}") };
            format!(
                "('C{}', 'c{}', NULL, NULL, NULL, '{company}', '2026-01-01 00:{:02}:{:02}.{:06}', \
                 '2026-01-01 00:00:00', {}, 1)",
                n - i,
                n - i,
                (i / 2) / 60_000,
                (i / 2) / 1000 % 60,
                (i / 2) % 1000,
                if i % 10 == 9 { "'2026-02-01 00:00:00'" } else { "NULL" },
            )
        })
        .collect();
    for chunk in rows.chunks(500) {
        db.execute_unprepared(&format!(
            "INSERT INTO customers (name, name_lower, email, email_key, phone, company, created_at, updated_at, \
             deleted_at, version) VALUES {}",
            chunk.join(", ")
        ))
        .await
        .unwrap();
    }
    const NEWEST: &[SortKey] = &[SortKey { field: "created_at", desc: true }];
    const BY_NAME: &[SortKey] = &[SortKey { field: "name", desc: false }];
    let (newest, by_name) = (NEWEST, BY_NAME);
    let planned = |needle: &'static str, keys: &'static [SortKey]| {
        let db = &db;
        async move { plan(find(db, needle).await.unwrap().map(|f| f.count), keys) }
    };
    assert_eq!(planned("acme", newest).await, Plan::Scan);
    assert_eq!(planned("acme 1", newest).await, Plan::Walk);
    assert_eq!(planned("northwind", newest).await, Plan::Walk);
    assert_eq!(planned("acme 17", newest).await, Plan::Fetch);
    assert_eq!(planned("acme", by_name).await, Plan::Fetch, "a needle follows the name order");
    assert_eq!(find(&db, "ac").await.unwrap(), None, "too short for the trigram table");

    for (needle, keys, order) in [
        ("acme", newest, "created_at DESC, id DESC"),
        ("ACME 1", newest, "created_at DESC, id DESC"),
        ("northwind", newest, "created_at DESC, id DESC"),
        ("acme 17", newest, "created_at DESC, id DESC"),
        ("acme", by_name, "name_lower, id"),
    ] {
        let expected: Vec<i64> = {
            let sql = format!(
                "SELECT id FROM customers WHERE deleted_at IS NULL AND lower(company) LIKE '%{}%' ORDER BY {order}",
                needle.to_lowercase()
            );
            let found = db.query_all_raw(Statement::from_string(db.get_database_backend(), sql)).await.unwrap();
            found.iter().map(|r| r.try_get_by_index(0).unwrap()).collect()
        };
        assert!(!expected.is_empty());
        let f = CustomerFilter { q: Some(needle.into()), ..Default::default() };
        let mut got = Vec::new();
        for page in 1..=3 {
            let paging = Paging::Offset { page, per_page: 25, count: true };
            let (rows, total, _) = list(&db, &f, None, keys, &paging).await.unwrap();
            // Counted up to one past the cap (the page then says the total is capped).
            let capped = Ord::min(expected.len() as u64, crate::list::TOTAL_CAP + 1);
            assert_eq!(total, Some(capped), "{needle}");
            got.extend(rows.iter().map(|c| c.id));
        }
        assert_eq!(got, expected[..expected.len().min(75)], "{needle} by offset");
        let (mut got, mut after) = (Vec::new(), None);
        loop {
            let paging = Paging::Cursor { after, per_page: 500 };
            let (rows, _, next) = list(&db, &f, None, keys, &paging).await.unwrap();
            got.extend(rows.iter().map(|c| c.id));
            match next {
                Some(c) => after = Some(c),
                None => break,
            }
        }
        assert_eq!(got, expected, "{needle} by cursor");
    }

    // The walk and the scan read the sort index in order: no sort of the candidates.
    use sea_orm::{EntityTrait, QueryFilter, QueryOrder, QueryTrait};
    let northwind = find(&db, "northwind").await.unwrap();
    assert!(northwind.as_ref().is_some_and(|f| f.ids.is_some()));
    for (plan, needle, found) in
        [(Plan::Walk, "northwind", northwind.as_ref()), (Plan::Walk, "acme", None), (Plan::Scan, "acme", None)]
    {
        let select = customer::Entity::find()
            .filter(customer::Column::DeletedAt.is_null())
            .filter(condition(DbBackend::Sqlite, needle, plan, found))
            .order_by_desc(customer::Column::CreatedAt);
        let built = select.build(DbBackend::Sqlite);
        let explain = Statement::from_sql_and_values(
            DbBackend::Sqlite,
            format!("EXPLAIN QUERY PLAN {}", built.sql),
            built.values.clone().map(|v| v.0).unwrap_or_default(),
        );
        let steps: Vec<String> =
            db.query_all_raw(explain).await.unwrap().iter().map(|r| r.try_get_by_index(3).unwrap()).collect();
        assert!(steps.iter().any(|s| s.contains("idx_customers_created")), "{plan:?}: {steps:?}");
        assert!(!steps.iter().any(|s| s.contains("TEMP B-TREE")), "{plan:?}: {steps:?}");
        // On a table this small SQLite walks the index either way; at a million
        // customers it fetches the candidates unless the unary plus keeps them from
        // driving. The scan does not read them at all.
        match plan {
            Plan::Walk => assert!(built.sql.contains(r#"+"customers"."id" IN"#), "{}", built.sql),
            _ => assert!(!built.sql.contains("customer_search"), "{}", built.sql),
        }
    }
}
