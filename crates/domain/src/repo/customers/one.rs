//! One live customer with its tags in a single statement: the tags come back as a JSON
//! array from a correlated subquery, so reading a customer is one round trip instead of
//! two (on SQLite every statement is two hand-offs to the driver's thread).

use sea_orm::QueryTrait;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, FromQueryResult, QueryFilter, QuerySelect};

use crate::entities::customer;

/// The tags of `customers.id` as a JSON array of strings (NULL or `[]` for none).
fn tags_json(backend: DbBackend) -> &'static str {
    match backend {
        DbBackend::Postgres => "(SELECT json_agg(t.tag)::text FROM customer_tags t WHERE t.customer_id = customers.id)",
        DbBackend::MySql => {
            "(SELECT CAST(JSON_ARRAYAGG(t.tag) AS CHAR) FROM customer_tags t WHERE t.customer_id = customers.id)"
        }
        _ => "(SELECT json_group_array(t.tag) FROM customer_tags t WHERE t.customer_id = customers.id)",
    }
}

/// A live customer and its tags, sorted.
///
/// # Errors
/// Database failures.
pub async fn find_live_with_tags(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<(customer::Model, Vec<String>)>, DbErr> {
    let backend = db.get_database_backend();
    let q = customer::Entity::find_by_id(id)
        .filter(customer::Column::DeletedAt.is_null())
        .column_as(Expr::cust(tags_json(backend)), "tags_json")
        .build(backend);
    let Some(row) = db.query_one_raw(q).await? else { return Ok(None) };
    let m = customer::Model::from_query_result(&row, "")?;
    let json: Option<String> = row.try_get("", "tags_json")?;
    let mut tags: Vec<String> = match json {
        Some(j) => serde_json::from_str(&j).map_err(|e| DbErr::Custom(format!("customer {id}'s tags: {e}")))?,
        None => Vec::new(),
    };
    tags.sort();
    Ok(Some((m, tags)))
}
