//! Customer queries.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use sea_orm::sea_query::{Alias, Expr, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbBackend, DbErr, EntityTrait, QueryFilter, QuerySelect,
    Select, TransactionTrait,
};

use crate::entities::{customer, customer_tag};
use crate::error::Result;
use crate::list::{Cursor, Paging, SortKey};
use crate::repo;

/// Sort fields of the customer list.
pub const SORT_FIELDS: &[&str] = &["id", "name", "city", "created_at", "updated_at"];
/// The default order: newest first.
pub const DEFAULT_SORT: SortKey = SortKey { field: "created_at", desc: true };

/// Conditions of the customer list (all optional, combined with AND).
#[derive(Clone, Debug, Default)]
pub struct CustomerFilter {
    /// Case-insensitive substring of name, email, phone or company.
    pub q: Option<String>,
    /// Exact city.
    pub city: Option<String>,
    /// Exact (lower-cased) email.
    pub email: Option<String>,
    /// Owner.
    pub owner_id: Option<i64>,
    /// Has this tag.
    pub tag: Option<String>,
    /// Birthday in this month (1–12).
    pub birthday_month: Option<i16>,
    /// Created at or after.
    pub created_from: Option<NaiveDateTime>,
    /// Created before.
    pub created_to: Option<NaiveDateTime>,
    /// In this RFM segment today (a segment key such as `champions`; the service
    /// validates it and refreshes the stored scores first).
    pub rfm_segment: Option<String>,
}

/// The live (not deleted) customer with this id.
///
/// # Errors
/// Database failures.
pub async fn find_live(db: &impl ConnectionTrait, id: i64) -> Result<Option<customer::Model>, DbErr> {
    customer::Entity::find_by_id(id).filter(customer::Column::DeletedAt.is_null()).one(db).await
}

/// The live customer holding this email (compared lower-cased).
///
/// # Errors
/// Database failures.
pub async fn id_by_email(db: &impl ConnectionTrait, email: &str) -> Result<Option<i64>, DbErr> {
    let row = customer::Entity::find().filter(customer::Column::EmailKey.eq(email.to_lowercase())).one(db).await?;
    Ok(row.map(|c| c.id))
}

/// Which of these lower-cased emails belong to live customers, with their ids.
///
/// # Errors
/// Database failures.
pub async fn ids_by_emails(db: &impl ConnectionTrait, keys: &[String]) -> Result<HashMap<String, i64>, DbErr> {
    let mut found = HashMap::new();
    for chunk in keys.chunks(500) {
        let rows: Vec<(i64, Option<String>)> = customer::Entity::find()
            .select_only()
            .column(customer::Column::Id)
            .column(customer::Column::EmailKey)
            .filter(customer::Column::EmailKey.is_in(chunk.iter().cloned()))
            .into_tuple()
            .all(db)
            .await?;
        found.extend(rows.into_iter().filter_map(|(id, k)| k.map(|k| (k, id))));
    }
    Ok(found)
}

/// Tags of these customers, sorted.
///
/// # Errors
/// Database failures.
pub async fn tags(db: &impl ConnectionTrait, ids: &[i64]) -> Result<HashMap<i64, Vec<String>>, DbErr> {
    let mut out: HashMap<i64, Vec<String>> = HashMap::new();
    for chunk in ids.chunks(500) {
        let rows = customer_tag::Entity::find()
            .filter(customer_tag::Column::CustomerId.is_in(chunk.iter().copied()))
            .all(db)
            .await?;
        for r in rows {
            out.entry(r.customer_id).or_default().push(r.tag);
        }
    }
    for t in out.values_mut() {
        t.sort();
    }
    Ok(out)
}

/// Replaces a customer's tags.
///
/// # Errors
/// Database failures.
pub async fn replace_tags(db: &impl ConnectionTrait, id: i64, tags: &[String]) -> Result<(), DbErr> {
    customer_tag::Entity::delete_many().filter(customer_tag::Column::CustomerId.eq(id)).exec(db).await?;
    insert_tags(db, tags.iter().map(|t| (id, t.clone())).collect()).await
}

/// Inserts (customer id, tag) pairs in batches.
///
/// # Errors
/// Database failures.
pub async fn insert_tags(db: &impl ConnectionTrait, pairs: Vec<(i64, String)>) -> Result<(), DbErr> {
    for chunk in pairs.chunks(1000) {
        let rows =
            chunk.iter().map(|(id, tag)| customer_tag::ActiveModel { customer_id: Set(*id), tag: Set(tag.clone()) });
        customer_tag::Entity::insert_many(rows).exec(db).await?;
    }
    Ok(())
}

/// Customers whose name, email, phone or company contains `needle` (lower-cased), through
/// the index migration `m20261206_000015_customer_search` built for the backend.
fn search(backend: DbBackend, needle: &str) -> Condition {
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
        DbBackend::Sqlite if repo::trigram_searchable(needle) => {
            let candidates = Query::select()
                .expr(Expr::cust("rowid"))
                .from(Alias::new("customer_search"))
                .and_where(Expr::cust_with_values("customer_search MATCH ?", [repo::fts5_substring(needle)]))
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

fn filtered(f: &CustomerFilter, owner: Option<i64>, backend: DbBackend) -> Select<customer::Entity> {
    use customer::Column as C;
    let mut q = customer::Entity::find().filter(C::DeletedAt.is_null());
    if let Some(owner) = owner {
        q = q.filter(C::OwnerId.eq(owner));
    }
    if let Some(text) = f.q.as_deref() {
        q = q.filter(search(backend, &text.to_lowercase()));
    }
    if let Some(city) = &f.city {
        q = q.filter(C::City.eq(city.clone()));
    }
    if let Some(email) = &f.email {
        q = q.filter(C::EmailKey.eq(email.to_lowercase()));
    }
    if let Some(owner) = f.owner_id {
        q = q.filter(C::OwnerId.eq(owner));
    }
    if let Some(tag) = &f.tag {
        q = q.filter(
            C::Id.in_subquery(
                Query::select()
                    .column(customer_tag::Column::CustomerId)
                    .from(customer_tag::Entity)
                    .and_where(customer_tag::Column::Tag.eq(tag.to_lowercase()))
                    .to_owned(),
            ),
        );
    }
    if let Some(m) = f.birthday_month {
        q = q.filter(C::BirthdayMonth.eq(m));
    }
    if let Some(t) = f.created_from {
        q = q.filter(C::CreatedAt.gte(t));
    }
    if let Some(t) = f.created_to {
        q = q.filter(C::CreatedAt.lt(t));
    }
    if let Some(seg) = f.rfm_segment.as_deref().and_then(rapport_analytics::rfm::Segment::parse) {
        q = q.filter(repo::customer_rfm::segment_condition(seg));
    }
    q
}

impl repo::Row for customer::Model {
    fn row_id(&self) -> i64 {
        self.id
    }

    fn cursor_value(&self, field: &str) -> Option<String> {
        match field {
            "name" => Some(self.name_lower.clone()),
            "created_at" => Some(repo::time_text(self.created_at)),
            "updated_at" => Some(repo::time_text(self.updated_at)),
            _ => None,
        }
    }
}

const FIELDS: &[repo::SortField<customer::Column>] = &[
    repo::SortField { field: "id", column: customer::Column::Id, kind: repo::CursorKind::Id },
    repo::SortField { field: "name", column: customer::Column::NameLower, kind: repo::CursorKind::Text },
    repo::SortField { field: "city", column: customer::Column::City, kind: repo::CursorKind::No },
    repo::SortField { field: "created_at", column: customer::Column::CreatedAt, kind: repo::CursorKind::Time },
    repo::SortField { field: "updated_at", column: customer::Column::UpdatedAt, kind: repo::CursorKind::Time },
];

/// One page of live customers. `owner` restricts to one owner's records (record-level scope).
///
/// # Errors
/// `Invalid` for a cursor that does not fit the sort; database failures.
pub async fn list(
    db: &(impl ConnectionTrait + TransactionTrait),
    f: &CustomerFilter,
    owner: Option<i64>,
    keys: &[SortKey],
    paging: &Paging,
) -> Result<(Vec<customer::Model>, Option<u64>, Option<Cursor>)> {
    let backend = db.get_database_backend();
    let select = filtered(f, owner, backend);
    if backend == DbBackend::Postgres && f.q.is_some() {
        // A search must be planned for its needle: only then does PostgreSQL see that a
        // rare one is best found through the trigram indexes.
        let txn = repo::begin_custom_plans(db).await?;
        let page = repo::paged(&txn, select, FIELDS, customer::Column::Id, keys, paging).await?;
        sea_orm::TransactionSession::commit(txn).await?;
        return Ok(page);
    }
    repo::paged(db, select, FIELDS, customer::Column::Id, keys, paging).await
}

/// Values a customer row is created from.
pub fn birthday_month(birthday: Option<NaiveDate>) -> Option<i16> {
    use chrono::Datelike;
    birthday.and_then(|d| i16::try_from(d.month()).ok())
}

/// The names of these customers (deleted ones included: old documents still name them).
///
/// # Errors
/// Database failures.
pub async fn names(db: &impl ConnectionTrait, ids: &[i64]) -> Result<std::collections::HashMap<i64, String>, DbErr> {
    let mut out = std::collections::HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let rows: Vec<(i64, String)> = customer::Entity::find()
            .select_only()
            .columns([customer::Column::Id, customer::Column::Name])
            .filter(customer::Column::Id.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(db)
            .await?;
        out.extend(rows);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use rapport_migrations::{Migrator, MigratorTrait};
    use sea_orm::{ConnectOptions, ConnectionTrait, Database, Statement};

    use super::*;

    /// How many migrations come before `m20261206_000015_customer_search` (the last one).
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
                [repo::fts5_substring("river").into()],
            ))
            .await
            .unwrap();
        assert_eq!(hits.len(), 1);
        assert_eq!(names_for(&db, "PEARL").await, ["Wang Fang"]);
        assert_eq!(names_for(&db, "1234 5").await, ["Wang Fang"]);
        assert_eq!(names_for(&db, "fang@").await, ["Wang Fang"]);
        assert_eq!(names_for(&db, "gone").await, Vec::<String>::new());

        Migrator::down(&db, Some(1)).await.unwrap();
        assert_eq!(search_objects(&db).await, 0, "down removes the table and its triggers");
        Migrator::up(&db, None).await.unwrap();
        assert_eq!(names_for(&db, "river f").await, ["Wang Fang"]);
    }
}
