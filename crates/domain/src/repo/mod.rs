//! Queries, one module per aggregate: free functions over `&impl ConnectionTrait`,
//! no business rules.

pub mod audit;
pub mod customers;
pub mod products;
pub mod settings;
pub mod users;

use chrono::NaiveDateTime;
use sea_orm::sea_query::{Expr, ExprTrait, LikeExpr};
use sea_orm::{ColumnTrait, Condition, DbErr, EntityTrait, Order, QueryOrder, Select, SqlErr, Value};

use crate::error::DomainError;

/// The text form of timestamps inside cursors.
const CURSOR_TIME: &str = "%Y-%m-%dT%H:%M:%S%.6f";

/// A `LIKE` pattern matching `needle` anywhere, with `%`, `_` and the escape
/// character itself taken literally on every database.
pub fn contains(needle: &str) -> LikeExpr {
    let mut p = String::with_capacity(needle.len() + 2);
    p.push('%');
    for c in needle.chars() {
        if matches!(c, '%' | '_' | '!') {
            p.push('!');
        }
        p.push(c);
    }
    p.push('%');
    LikeExpr::new(p).escape('!')
}

/// `expr LIKE %needle%` on a lower-cased expression.
pub fn lower_contains(col: impl ColumnTrait, needle: &str) -> Expr {
    Expr::expr(sea_orm::sea_query::Func::lower(Expr::col(col.as_column_ref()))).like(contains(needle))
}

/// Orders by the sort keys and then by id in the direction of the last key, so that
/// every order is total (pages never overlap).
pub fn order<E: EntityTrait>(mut select: Select<E>, keys: &[(E::Column, bool)], id: E::Column) -> Select<E> {
    let mut last_desc = false;
    for (col, desc) in keys {
        select = select.order_by(*col, if *desc { Order::Desc } else { Order::Asc });
        last_desc = *desc;
    }
    select.order_by(id, if last_desc { Order::Desc } else { Order::Asc })
}

/// The keyset condition "after (value, id)" for one sort column (or none: id only).
pub fn after<C: ColumnTrait>(col: Option<(C, Value)>, id_col: C, id: i64, desc: bool) -> Condition {
    let beyond = |c: C, v: Value| if desc { c.lt(v) } else { c.gt(v) };
    match col {
        None => Condition::all().add(beyond(id_col, id.into())),
        Some((c, v)) => {
            Condition::any().add(beyond(c, v.clone())).add(Condition::all().add(c.eq(v)).add(beyond(id_col, id.into())))
        }
    }
}

/// A timestamp as cursor text.
pub fn time_text(t: NaiveDateTime) -> String {
    t.format(CURSOR_TIME).to_string()
}

/// Cursor text back to a timestamp.
///
/// # Errors
/// `Invalid` when the text is not one [`time_text`] made.
pub fn parse_time_text(s: &str) -> Result<NaiveDateTime, DomainError> {
    NaiveDateTime::parse_from_str(s, CURSOR_TIME)
        .map_err(|_| DomainError::invalid("cursor", "is not a cursor returned by this list"))
}

/// Unique-constraint violations become `Duplicate`; everything else stays a database error.
pub fn unique_violation(err: DbErr, message: impl FnOnce() -> String) -> DomainError {
    match err.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => DomainError::Duplicate { message: message(), existing_id: None },
        _ => DomainError::Db(err),
    }
}

/// The first `per_page` rows, and whether there was one more.
pub fn split_extra<T>(mut rows: Vec<T>, per_page: u64) -> (Vec<T>, bool) {
    let more = rows.len() as u64 > per_page;
    rows.truncate(per_page as usize);
    (rows, more)
}
