//! Customer queries.

mod export;
mod list;
mod one;

pub use export::{EXPORT_COLUMNS, export_json};
pub use list::{CustomerFilter, DEFAULT_SORT, SORT_FIELDS, list};
pub use one::find_live_with_tags;

use std::collections::HashMap;

use chrono::NaiveDate;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Statement,
};

use crate::entities::{customer, customer_tag};
use crate::repo;

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
    // Large chunks: an import of a million rows asks about a million emails.
    for chunk in keys.chunks(5000) {
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
    repo::batch::execute_all(db, tag_statements(db.get_database_backend(), pairs)?).await
}

/// The INSERTs of (customer id, tag) pairs, built without the database.
///
/// # Errors
/// As [`repo::batch::insert_statement`].
pub fn tag_statements(backend: DbBackend, pairs: Vec<(i64, String)>) -> Result<Vec<Statement>, DbErr> {
    let rows = pairs.into_iter().map(|(id, tag)| customer_tag::ActiveModel { customer_id: Set(id), tag: Set(tag) });
    repo::batch::insert_statements(backend, rows.collect(), |_| 64)
}

/// Inserts customer rows with multi-row INSERTs and returns their ids in the order of
/// `rows`.
///
/// Ids are handed out row by row in VALUES order (a sequence on PostgreSQL, the next
/// rowid on SQLite, the auto-increment counter on MySQL), so the ids of one statement,
/// sorted, line up with its rows. PostgreSQL and SQLite say which ids they gave with
/// `RETURNING`. MySQL/MariaDB have no `RETURNING` on INSERT: `LAST_INSERT_ID()` is the
/// statement's first id, and with `innodb_autoinc_lock_mode` 0 or 1 (MariaDB's
/// default) a multi-row INSERT takes consecutive ids; with mode 2 another session's
/// ids may interleave, but its rows are not in this transaction's snapshot. So the
/// rows are re-read as "the first n from that id on" within the transaction. On every
/// backend each id's `name_lower` and `email_key` are then compared with the row it is
/// taken for: a mismatch fails the statement (and the caller's transaction) rather
/// than attach an audit entry or an event to the wrong customer.
///
/// # Errors
/// Database failures; `DbErr::Custom` when the ids cannot be matched to the rows.
pub async fn insert_many(db: &impl ConnectionTrait, rows: Vec<customer::ActiveModel>) -> Result<Vec<i64>, DbErr> {
    let mut ids = Vec::with_capacity(rows.len());
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let per = repo::batch::rows_per_insert::<customer::Entity>(db.get_database_backend());
        let batch: Vec<_> = rows.by_ref().take(per).collect();
        ids.extend(insert_batch(db, batch).await?);
    }
    Ok(ids)
}

/// (id, name_lower, email_key) of inserted rows.
type Inserted = (i64, String, Option<String>);

async fn insert_batch(db: &impl ConnectionTrait, rows: Vec<customer::ActiveModel>) -> Result<Vec<i64>, DbErr> {
    use customer::Column as C;
    let expected: Vec<(String, Option<String>)> = rows
        .iter()
        .map(|r| (r.name_lower.try_as_ref().cloned().unwrap_or_default(), r.email_key.try_as_ref().cloned().flatten()))
        .collect();
    let n = rows.len();
    let backend = db.get_database_backend();
    let insert = repo::batch::insert_statement(backend, rows, &[C::Id, C::NameLower, C::EmailKey])?;
    let mut got: Vec<Inserted> = if backend == DbBackend::MySql {
        let res = db.execute_raw(insert).await?;
        if res.rows_affected() != n as u64 {
            return Err(DbErr::Custom(format!("inserted {} customers of {n}", res.rows_affected())));
        }
        customer::Entity::find()
            .select_only()
            .columns([C::Id, C::NameLower, C::EmailKey])
            .filter(C::Id.gte(res.last_insert_id()))
            .order_by_asc(C::Id)
            .limit(n as u64)
            .into_tuple()
            .all(db)
            .await?
    } else {
        let rows = db.query_all_raw(insert).await?;
        rows.iter()
            .map(|r| Ok((r.try_get("", "id")?, r.try_get("", "name_lower")?, r.try_get("", "email_key")?)))
            .collect::<Result<_, DbErr>>()?
    };
    got.sort_unstable_by_key(|g| g.0);
    let lined_up = got.len() == n
        && got
            .iter()
            .zip(&expected)
            .all(|((_, name, email), (want_name, want_email))| name == want_name && email == want_email);
    if !lined_up {
        return Err(DbErr::Custom(format!("the ids of {n} inserted customers could not be matched to the rows")));
    }
    Ok(got.into_iter().map(|g| g.0).collect())
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

/// Customers by email key: id and city. Large chunks, as [`ids_by_emails`], in two
/// halves at once: on a pool they go to two connections (two server processes on
/// PostgreSQL and MySQL), which halves the time of a million random lookups.
///
/// # Errors
/// Database failures.
pub async fn with_cities_by_emails(
    db: &impl ConnectionTrait,
    keys: &[String],
) -> Result<HashMap<String, (i64, Option<String>)>, DbErr> {
    async fn lookup(
        db: &impl ConnectionTrait,
        keys: &[String],
    ) -> Result<Vec<(i64, Option<String>, Option<String>)>, DbErr> {
        let mut rows = Vec::with_capacity(keys.len());
        for chunk in keys.chunks(5000) {
            let found: Vec<(i64, Option<String>, Option<String>)> = customer::Entity::find()
                .select_only()
                .columns([customer::Column::Id, customer::Column::EmailKey, customer::Column::City])
                .filter(customer::Column::EmailKey.is_in(chunk.iter().cloned()))
                .into_tuple()
                .all(db)
                .await?;
            rows.extend(found);
        }
        Ok(rows)
    }
    let (a, b) = keys.split_at(keys.len() / 2);
    let (a, b) = tokio::try_join!(lookup(db, a), lookup(db, b))?;
    Ok(a.into_iter().chain(b).filter_map(|(id, k, city)| k.map(|k| (k, (id, city)))).collect())
}
