//! The customer export's query on SQLite: chunks as one JSON value each.

use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, DbErr, QueryFilter, QueryOrder, QuerySelect, Statement};

use super::CustomerFilter;
use super::list::filtered;
use crate::entities::customer;
use crate::repo::customer_search::Plan;

/// The columns of [`export_json`]'s rows, in order.
pub const EXPORT_COLUMNS: &[customer::Column] = &[
    customer::Column::Id,
    customer::Column::Name,
    customer::Column::Email,
    customer::Column::Phone,
    customer::Column::Address,
    customer::Column::City,
    customer::Column::Birthday,
    customer::Column::Company,
    customer::Column::Source,
    customer::Column::Notes,
    customer::Column::OwnerId,
    customer::Column::CreatedAt,
    customer::Column::UpdatedAt,
];

/// On SQLite: up to `limit` live customers after the id `after`, in id order, as one
/// JSON array of arrays of [`EXPORT_COLUMNS`] and the version (dates as SQLite stores them), built by
/// SQLite: one value crosses from the driver's thread instead of every row (see
/// [`crate::repo::scan`] for what that hand-off costs).
///
/// # Errors
/// Database failures.
pub async fn export_json(
    db: &impl ConnectionTrait,
    f: &CustomerFilter,
    owner: Option<i64>,
    after: Option<i64>,
    limit: u64,
) -> Result<String, DbErr> {
    use sea_orm::IdenStatic;
    let mut select = filtered(f, owner, DbBackend::Sqlite, Plan::Fetch, None)
        .select_only()
        .columns(EXPORT_COLUMNS.iter().copied())
        .column(customer::Column::Version);
    if let Some(after) = after {
        select = select.filter(customer::Column::Id.gt(after));
    }
    let inner = sea_orm::QueryTrait::into_query(select.order_by_asc(customer::Column::Id).limit(limit));
    let (sql, values) = inner.build(sea_orm::sea_query::SqliteQueryBuilder);
    let mut columns: Vec<String> = EXPORT_COLUMNS.iter().map(|c| format!("\"{}\"", c.as_str())).collect();
    columns.push(format!("\"{}\"", customer::Column::Version.as_str()));
    let sql = format!("SELECT json_group_array(json_array({})) FROM ({sql})", columns.join(", "));
    let row = db.query_one_raw(Statement::from_sql_and_values(DbBackend::Sqlite, sql, values)).await?;
    Ok(row.map(|r| r.try_get_by_index::<String>(0)).transpose()?.unwrap_or_else(|| String::from("[]")))
}
