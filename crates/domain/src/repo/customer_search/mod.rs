//! The customer list's substring search (`q`): the condition it adds, on each backend
//! through the index migration `m20261206_000015_customer_search` built for it.

use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, DbBackend, DbErr, Statement};

use crate::list::{SortKey, TOTAL_CAP};

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
/// customers, newest first, with the candidates' ids at hand ([`Found`]): 518 candidates
/// took 0.6 ms fetched and sorted, 4.8 ms walked; 1 597 took 1.6 and 2.5 ms; 3 988 took
/// 3.3 and 0.8 ms; 35 803 took 9.4 and 1.1 ms.
pub const COMMON_CANDIDATES: u64 = 2_500;

/// Candidates from which SQLite walks the sort index testing each row's own text
/// ([`Plan::Scan`]) rather than against the candidates ([`Plan::Walk`]): more than the
/// list counts, so that their ids are not read. Measured at a million customers, newest
/// first: 26 000–36 000 candidates took 0.7–1.1 ms scanned; 1 600 took 25 ms.
pub const VERY_COMMON_CANDIDATES: u64 = TOTAL_CAP + 1;

/// How SQLite reaches the customers of a search.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Plan {
    /// Fetch every candidate by id, then sort them: for needles with few candidates,
    /// and for every needle when the list is sorted by name or city, whose order a
    /// needle follows (a search for a surname finds its customers together, far down
    /// the name index).
    Fetch,
    /// Walk the list's sort index and keep the candidates: a common needle finds a page
    /// of them within the first entries.
    Walk,
    /// Walk the list's sort index and keep the rows whose text holds the needle, without
    /// reading the candidates: for a needle so common that a page is a few thousand
    /// entries away at most.
    Scan,
}

/// What the FTS5 table found for a needle: how many customers, counted up to
/// [`VERY_COMMON_CANDIDATES`], and their ids (a JSON array) when there are no more than
/// [`TOTAL_CAP`]. The table holds exactly the live customers' compared text (migration
/// `m20261207_000023_customer_search_exact`), so these are the customers the search
/// finds, read from the index alone and once for both the total and the page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    /// The customers found, up to [`VERY_COMMON_CANDIDATES`].
    pub count: u64,
    ids: Option<String>,
}

/// What the FTS5 table finds for `needle` (lower-cased), on SQLite and for a needle the
/// table can look up ([`trigram_searchable`]); `None` otherwise.
///
/// # Errors
/// Database failures.
pub async fn find(db: &impl ConnectionTrait, needle: &str) -> Result<Option<Found>, DbErr> {
    if db.get_database_backend() != DbBackend::Sqlite || !trigram_searchable(needle) {
        return Ok(None);
    }
    // One value for the ids: a row each would cost two thread hand-offs in the driver.
    let sql = format!(
        "SELECT COUNT(*), CASE WHEN COUNT(*) <= {TOTAL_CAP} THEN json_group_array(rowid) END \
         FROM (SELECT rowid FROM customer_search WHERE customer_search MATCH ? LIMIT {VERY_COMMON_CANDIDATES})"
    );
    let row = db
        .query_one_raw(Statement::from_sql_and_values(DbBackend::Sqlite, sql, [fts5_substring(needle).into()]))
        .await?;
    let Some(row) = row else { return Ok(Some(Found { count: 0, ids: None })) };
    let count: i64 = row.try_get_by_index(0)?;
    let ids: Option<String> = row.try_get_by_index(1)?;
    Ok(Some(Found { count: u64::try_from(count).unwrap_or(0), ids }))
}

/// The [`Plan`] for a needle of which the table found `found`, in a list sorted by
/// `keys`: [`Plan::Walk`] from [`COMMON_CANDIDATES`] on and [`Plan::Scan`] from
/// [`VERY_COMMON_CANDIDATES`] on, when the list is sorted by time or id.
pub fn plan(found: Option<&Found>, keys: &[SortKey]) -> Plan {
    let by_time = keys.first().is_none_or(|k| matches!(k.field, "created_at" | "updated_at" | "id"));
    match found.map(|f| f.count) {
        Some(n) if by_time && n >= VERY_COMMON_CANDIDATES => Plan::Scan,
        Some(n) if by_time && n >= COMMON_CANDIDATES => Plan::Walk,
        _ => Plan::Fetch,
    }
}

/// Customers whose name, email, phone or company contains `needle` (lower-cased), through
/// the index built for the backend (migrations `m20261206_000015_customer_search` and
/// `m20261207_000023_customer_search_exact`), reached as `plan` says on SQLite, by the
/// ids the table `found` when it gave them.
pub fn condition(backend: DbBackend, needle: &str, plan: Plan, found: Option<&Found>) -> Condition {
    use customer::Column as C;
    match backend {
        // The FTS5 table's matches are exactly the live customers whose compared text
        // holds the needle (see [`find`]).
        DbBackend::Sqlite if trigram_searchable(needle) && plan != Plan::Scan => {
            // `+id` is SQLite's way to keep a term from driving the search: the rows then
            // come in the order of the list's sort index, each checked against the
            // candidates.
            let id = if plan == Plan::Walk { "+\"customers\".\"id\"" } else { "\"customers\".\"id\"" };
            let candidates = match found.and_then(|f| f.ids.clone()) {
                Some(ids) => Expr::cust_with_values(format!("{id} IN (SELECT value FROM json_each(?))"), [ids]),
                None => Expr::cust_with_values(
                    format!("{id} IN (SELECT rowid FROM customer_search WHERE customer_search MATCH ?)"),
                    [fts5_substring(needle)],
                ),
            };
            Condition::all().add(candidates)
        }
        // These LIKEs define the result on every database. PostgreSQL: the pg_trgm GIN
        // indexes on these four expressions answer them (a BitmapOr of the four). SQLite:
        // tested on each row of the sort index ([`Plan::Scan`]), or, for a needle of one
        // or two characters, which holds no trigram for FTS5 to look up, on every row.
        // MySQL/MariaDB: scanned; InnoDB finds substrings only with the ngram full-text
        // parser, which MariaDB does not have.
        _ => Condition::any()
            .add(C::NameLower.like(repo::contains(needle)))
            .add(C::EmailKey.like(repo::contains(needle)))
            .add(C::Phone.like(repo::contains(needle)))
            .add(repo::lower_contains(C::Company, needle)),
    }
}

#[cfg(test)]
mod tests;
