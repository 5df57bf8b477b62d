//! The customer list's substring search (`q`): what it finds, how the list then reads
//! the page, and the condition it adds, on each backend through the indexes built for it
//! (migrations `m20261206_000015_customer_search` and
//! `m20261207_000023_customer_search_exact`).

use sea_orm::sea_query::{Alias, Expr, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbBackend, DbErr, EntityTrait, QueryFilter, QuerySelect, QueryTrait,
    Statement,
};

use crate::entities::customer;
use crate::list::{SortKey, TOTAL_CAP};
use crate::repo;

mod deferred;
pub use deferred::Deferred;

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

/// Customers found from which a search sorted by time walks the list's sort index
/// instead of fetching every customer found and sorting them (see [`Plan`]). Measured on
/// SQLite at a million customers, newest first, with the ids at hand ([`Found`]): 518
/// found took 0.6 ms fetched and sorted, 4.8 ms walked; 1 597 took 1.6 and 2.5 ms; 3 988
/// took 3.3 and 0.8 ms; 35 803 took 9.4 and 1.1 ms.
pub const COMMON_CANDIDATES: u64 = 2_500;

/// Customers found from which the walk tests each row's own text ([`Plan::Scan`]) rather
/// than its id against those found ([`Plan::Walk`]): more than the list counts, so that
/// the ids are not read. Measured on SQLite at a million customers, newest first: 26 000–
/// 36 000 found took 0.7–1.1 ms scanned; 1 600 took 25 ms.
pub const VERY_COMMON_CANDIDATES: u64 = TOTAL_CAP + 1;

/// How the list reaches the customers of a search.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Plan {
    /// Fetch every customer found by id, then sort them: for needles found few times,
    /// and for every needle when the list is sorted by name or city, whose order a
    /// needle follows (a search for a surname finds its customers together, far down
    /// the name index).
    Fetch,
    /// Walk the list's sort index and keep the ids found: a common needle finds a page
    /// of them within the first entries. On PostgreSQL, as [`Plan::Scan`].
    Walk,
    /// Walk the list's sort index and keep the rows whose text holds the needle, without
    /// reading what was found: for a needle so common that a page is a few thousand
    /// entries away at most.
    Scan,
}

/// What a search finds: how many live customers, counted up to
/// [`VERY_COMMON_CANDIDATES`], and their ids when there are no more than [`TOTAL_CAP`]
/// (as SQLite's JSON array or PostgreSQL's `bigint[]` text). It is read once for the
/// total, the plan and the page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    /// The customers found, up to [`VERY_COMMON_CANDIDATES`].
    pub count: u64,
    ids: Option<String>,
}

/// What a search for `needle` (lower-cased) finds, through the backend's index:
/// - SQLite: the FTS5 table alone, for a needle it can look up ([`trigram_searchable`]).
///   The table holds exactly the live customers' compared text (migration 000023), so
///   its matches are the search's.
/// - PostgreSQL: the `LIKE`s through the trigram indexes (a bitmap scan of them).
/// - Otherwise `None`: MySQL, or a needle too short for the FTS5 table.
///
/// # Errors
/// Database failures.
pub async fn find(db: &impl ConnectionTrait, needle: &str) -> Result<Option<Found>, DbErr> {
    let row = match db.get_database_backend() {
        // One value for the ids: a row each would cost two thread hand-offs in the driver.
        DbBackend::Sqlite if trigram_searchable(needle) => {
            let sql = format!(
                "SELECT COUNT(*), CASE WHEN COUNT(*) <= {TOTAL_CAP} THEN json_group_array(rowid) END \
                 FROM (SELECT rowid FROM customer_search WHERE customer_search MATCH ? LIMIT {VERY_COMMON_CANDIDATES})"
            );
            let values = [fts5_substring(needle).into()];
            db.query_one_raw(Statement::from_sql_and_values(DbBackend::Sqlite, sql, values)).await?
        }
        DbBackend::Postgres => {
            let ids = customer::Entity::find()
                .filter(customer::Column::DeletedAt.is_null())
                .filter(matching(needle))
                .select_only()
                .column(customer::Column::Id)
                .limit(VERY_COMMON_CANDIDATES)
                .into_query();
            let found = Query::select()
                .expr(Expr::cust("COUNT(*)"))
                .expr(Expr::cust(format!("CASE WHEN COUNT(*) <= {TOTAL_CAP} THEN array_agg(id)::text END")))
                .from_subquery(ids, Alias::new("found"))
                .to_owned();
            db.query_one(&found).await?
        }
        _ => return Ok(None),
    };
    let Some(row) = row else { return Ok(Some(Found { count: 0, ids: None })) };
    let count: i64 = row.try_get_by_index(0)?;
    let ids: Option<String> = row.try_get_by_index(1)?;
    Ok(Some(Found { count: u64::try_from(count).unwrap_or(0), ids }))
}

/// The [`Plan`] for a needle found `found` times (as far as counted), in a list sorted by
/// `keys`: [`Plan::Walk`] from [`COMMON_CANDIDATES`] on and [`Plan::Scan`] from
/// [`VERY_COMMON_CANDIDATES`] on, when the list is sorted by time or id.
pub fn plan(found: Option<u64>, keys: &[SortKey]) -> Plan {
    let by_time = keys.first().is_none_or(|k| matches!(k.field, "created_at" | "updated_at" | "id"));
    match found {
        Some(n) if by_time && n >= VERY_COMMON_CANDIDATES => Plan::Scan,
        Some(n) if by_time && n >= COMMON_CANDIDATES => Plan::Walk,
        _ => Plan::Fetch,
    }
}

/// What PostgreSQL's planner must be told for the page to be read as `plan` says, when
/// the condition alone does not say it (for the transaction: `SET LOCAL`). Its own choice
/// follows its estimate of how many rows a `LIKE '%needle%'` matches, which can be far
/// off either way. Measured at a million customers: a needle found 168 times was taken
/// for 985, and the page walked 158 698 entries of the sort index (214 ms) where the
/// trigram indexes found it in 2.6 ms.
///
/// [`Plan::Fetch`] reads the ids found, or else the `LIKE`s, through a bitmap scan (of the
/// primary key, or of the trigram indexes) and sorts them: 1 566 ids took 5.5 ms so, and
/// 11 ms looked up one by one; the planner, which knew there were 1 566, walked the
/// sort index instead (23 ms).
pub fn planner_setting(backend: DbBackend, plan: Plan) -> Option<&'static str> {
    match (backend, plan) {
        (DbBackend::Postgres, Plan::Walk | Plan::Scan) => Some("SET LOCAL enable_bitmapscan = off"),
        (DbBackend::Postgres, Plan::Fetch) => Some("SET LOCAL enable_indexscan = off"),
        _ => None,
    }
}

/// Customers whose name, email, phone or company contains `needle` (lower-cased), reached
/// as `plan` says, by the ids a search `found` when it has them.
pub fn condition(backend: DbBackend, needle: &str, plan: Plan, found: Option<&Found>) -> Condition {
    let ids = found.and_then(|f| f.ids.clone());
    match (backend, plan, ids) {
        // The ids found ([`find`]), or else the FTS5 table's matches, which are the
        // search's. `+id` is SQLite's way to keep a term from driving the search: the rows
        // then come in the order of the list's sort index, each checked against the ids.
        (DbBackend::Sqlite, Plan::Fetch | Plan::Walk, ids) if ids.is_some() || trigram_searchable(needle) => {
            let id = if plan == Plan::Walk { r#"+"customers"."id""# } else { r#""customers"."id""# };
            let candidates = match ids {
                Some(ids) => Expr::cust_with_values(format!("{id} IN (SELECT value FROM json_each(?))"), [ids]),
                None => Expr::cust_with_values(
                    format!("{id} IN (SELECT rowid FROM customer_search WHERE customer_search MATCH ?)"),
                    [fts5_substring(needle)],
                ),
            };
            Condition::all().add(candidates)
        }
        // (sea-query numbers PostgreSQL's placeholders, `$1` here, among the statement's.)
        (DbBackend::Postgres, Plan::Fetch, Some(ids)) => {
            Condition::all().add(Expr::cust_with_values(r#""customers"."id" = ANY(CAST($1 AS bigint[]))"#, [ids]))
        }
        _ => matching(needle),
    }
}

/// The `LIKE`s that define a search's result on every database. PostgreSQL: the pg_trgm
/// GIN indexes on these four expressions answer them (a BitmapOr of the four). SQLite:
/// tested on each row of the sort index ([`Plan::Scan`]), or, for a needle of one or two
/// characters, which holds no trigram for FTS5 to look up, on every row. MySQL/MariaDB:
/// scanned; InnoDB finds substrings only with the ngram full-text parser, which MariaDB
/// does not have.
fn matching(needle: &str) -> Condition {
    use customer::Column as C;
    Condition::any()
        .add(C::NameLower.like(repo::contains(needle)))
        .add(C::EmailKey.like(repo::contains(needle)))
        .add(C::Phone.like(repo::contains(needle)))
        .add(repo::lower_contains(C::Company, needle))
}

#[cfg(test)]
mod tests;
