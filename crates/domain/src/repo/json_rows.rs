//! Many small rows read as one: the database folds the rows of a query into a JSON
//! array of arrays, and serde unfolds it into tuples. Several queries can share one
//! statement ([`json_texts`]).
//!
//! On SQLite the driver runs each connection on a thread of its own and hands every row
//! of a result to the task that awaits it. A customer's recommendations read ~450 rows
//! of counts in 9 statements (20 products); under load a third of the server's CPU went
//! to those hand-offs (thread switches and wake-ups in `perf`). A statement read through
//! here hands over one row. On PostgreSQL each statement costs its backend ~0.18 ms of
//! CPU whatever it reads (a lookup by id: 0.18 ms there and 0.19 ms in the server), so
//! fewer statements is what counts there.

use sea_orm::sea_query::{Alias, Expr, Query, SelectStatement};
use sea_orm::{ConnectionTrait, DbBackend, DbErr};
use serde::de::DeserializeOwned;

/// `SELECT <the rows of q as JSON> FROM (q) AS r`: one row, one column, NULL or `[]` for
/// no rows.
fn folded(backend: DbBackend, q: SelectStatement, columns: &[&str]) -> SelectStatement {
    let list = columns.iter().map(|c| format!("r.{c}")).collect::<Vec<_>>().join(", ");
    let folded = match backend {
        DbBackend::Postgres => format!("json_agg(json_build_array({list}))::text"),
        DbBackend::MySql => format!("CAST(JSON_ARRAYAGG(JSON_ARRAY({list})) AS CHAR)"),
        _ => format!("json_group_array(json_array({list}))"),
    };
    Query::select().expr(Expr::cust(folded)).from_subquery(q, Alias::new("r")).to_owned()
}

/// The rows that [`json_texts`] read for one query, each as a `T`.
///
/// # Errors
/// A row that is not a `T`.
pub fn parse<T: DeserializeOwned>(text: Option<&str>) -> Result<Vec<T>, DbErr> {
    match text {
        None => Ok(Vec::new()),
        Some(text) => serde_json::from_str(text).map_err(|e| DbErr::Custom(format!("rows read as JSON: {e}"))),
    }
}

/// The rows of `q`, each as a `T` deserialized from the JSON array of its `columns` (in
/// that order; plain column names of `q`'s result). No rows, no items; the order is
/// whatever the database gives.
///
/// # Errors
/// Database failures; a row that is not a `T`.
pub async fn json_rows<T: DeserializeOwned>(
    db: &impl ConnectionTrait,
    q: SelectStatement,
    columns: &[&str],
) -> Result<Vec<T>, DbErr> {
    let texts = json_texts(db, vec![(q, columns)]).await?;
    parse(texts[0].as_deref())
}

/// Several queries in one statement: the rows of each as JSON text (see [`parse`]), in
/// the order of `parts`.
///
/// # Errors
/// Database failures.
pub async fn json_texts(
    db: &impl ConnectionTrait,
    parts: Vec<(SelectStatement, &[&str])>,
) -> Result<Vec<Option<String>>, DbErr> {
    let backend = db.get_database_backend();
    let n = parts.len();
    let mut q = Query::select();
    for (i, (part, columns)) in parts.into_iter().enumerate() {
        let sub = Expr::SubQuery(None, Box::new(folded(backend, part, columns).into()));
        q.expr_as(sub, Alias::new(format!("j{i}")));
    }
    let Some(row) = db.query_one(&q).await? else {
        return Err(DbErr::Custom("a SELECT without FROM gave no row".into()));
    };
    (0..n).map(|i| row.try_get_by_index(i)).collect()
}

#[cfg(test)]
mod tests {
    use sea_orm::DatabaseConnection;
    use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement, UnionType};

    use super::{json_rows, json_texts, parse};
    use crate::testing;

    /// `SELECT n, t` of each row, as one statement without a table.
    fn rows(values: &[(i64, &str)]) -> SelectStatement {
        let one = |(n, t): (i64, &str)| {
            Query::select().expr_as(Expr::val(n), Alias::new("n")).expr_as(Expr::val(t), Alias::new("t")).to_owned()
        };
        let mut q = one(values[0]);
        for v in &values[1..] {
            q.union(UnionType::All, one(*v));
        }
        q
    }

    async fn check(db: &DatabaseConnection) {
        let want = [(1, "plain"), (-7, "a \"quote\", a \\ and ünïcode ✓"), (9_007_199_254_740_993, "")];
        let mut got: Vec<(i64, String)> = json_rows(db, rows(&want), &["n", "t"]).await.expect("rows");
        got.sort();
        let mut want: Vec<(i64, String)> = want.iter().map(|(n, t)| (*n, (*t).to_owned())).collect();
        want.sort();
        assert_eq!(got, want, "{:?}", db.get_database_backend());
        let none = Query::select()
            .column(Alias::new("n"))
            .column(Alias::new("t"))
            .from_subquery(rows(&[(1, "x")]), Alias::new("s"))
            .and_where(Expr::col(Alias::new("n")).lt(0))
            .to_owned();
        let got: Vec<(i64, String)> = json_rows(db, none.clone(), &["n", "t"]).await.expect("no rows");
        assert!(got.is_empty(), "{:?}", db.get_database_backend());
        // Several queries in one statement, each read back on its own.
        let parts = vec![(none, &["n", "t"][..]), (rows(&[(5, "five"), (6, "six")]), &["t", "n"][..])];
        let texts = json_texts(db, parts).await.expect("texts");
        assert_eq!(texts.len(), 2);
        assert!(parse::<(i64, String)>(texts[0].as_deref()).expect("none").is_empty());
        let mut got: Vec<(String, i64)> = parse(texts[1].as_deref()).expect("two");
        got.sort();
        assert_eq!(got, vec![("five".to_owned(), 5), ("six".to_owned(), 6)], "{:?}", db.get_database_backend());
    }

    #[tokio::test]
    async fn rows_come_back_whole_and_none_as_none_on_every_database() {
        check(&testing::db().await).await;
        for db in testing::server_dbs().await {
            check(&db).await;
        }
    }
}
