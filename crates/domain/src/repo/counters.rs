//! Named counters that hand out numbers one by one, safely under concurrency:
//! document numbers and the round-robin cursor.

use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use crate::entities::counter;

/// Increments the counter `name` (creating it at 0) and returns the new value.
///
/// Call it inside the transaction that uses the number: the row stays locked until
/// commit on PostgreSQL and MySQL, so concurrent callers get consecutive values.
///
/// # Errors
/// Database failures.
pub async fn next(db: &impl ConnectionTrait, name: &str) -> Result<i64, DbErr> {
    counter::Entity::insert(counter::ActiveModel { name: Set(name.to_owned()), value: Set(0) })
        .on_conflict_do_nothing_on([counter::Column::Name])
        .exec(db)
        .await?;
    counter::Entity::update_many()
        .col_expr(counter::Column::Value, Expr::col(counter::Column::Value).add(1i64))
        .filter(counter::Column::Name.eq(name))
        .exec(db)
        .await?;
    let row = counter::Entity::find_by_id(name.to_owned()).one(db).await?;
    row.map(|c| c.value).ok_or_else(|| DbErr::RecordNotFound(format!("counter {name}")))
}

/// Adds `delta` (which may be negative) to the counter `name`, creating it at 0.
///
/// # Errors
/// Database failures.
pub async fn add(db: &impl ConnectionTrait, name: &str, delta: i64) -> Result<(), DbErr> {
    counter::Entity::insert(counter::ActiveModel { name: Set(name.to_owned()), value: Set(0) })
        .on_conflict_do_nothing_on([counter::Column::Name])
        .exec(db)
        .await?;
    counter::Entity::update_many()
        .col_expr(counter::Column::Value, Expr::col(counter::Column::Value).add(delta))
        .filter(counter::Column::Name.eq(name))
        .exec(db)
        .await?;
    Ok(())
}

/// The counter's value (0 when it was never used).
///
/// # Errors
/// Database failures.
pub async fn value(db: &impl ConnectionTrait, name: &str) -> Result<i64, DbErr> {
    Ok(counter::Entity::find_by_id(name.to_owned()).one(db).await?.map_or(0, |c| c.value))
}

/// Sets the counter `name` to `value`, creating it.
///
/// # Errors
/// Database failures.
pub async fn set(db: &impl ConnectionTrait, name: &str, value: i64) -> Result<(), DbErr> {
    counter::Entity::insert(counter::ActiveModel { name: Set(name.to_owned()), value: Set(value) })
        .on_conflict_do_nothing_on([counter::Column::Name])
        .exec(db)
        .await?;
    counter::Entity::update_many()
        .col_expr(counter::Column::Value, Expr::val(value))
        .filter(counter::Column::Name.eq(name))
        .exec(db)
        .await?;
    Ok(())
}
