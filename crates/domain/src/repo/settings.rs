//! Key/value settings stored in the database.

use sea_orm::{ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait};

use crate::entities::setting;

/// A setting's value, if present.
///
/// # Errors
/// Database failures.
pub async fn get(db: &impl ConnectionTrait, key: &str) -> Result<Option<String>, DbErr> {
    Ok(setting::Entity::find_by_id(key.to_owned()).one(db).await?.map(|s| s.value))
}

/// Stores `value` unless the key already has one; returns the value that is stored now,
/// so that several instances starting at once agree on it.
///
/// # Errors
/// Database failures.
pub async fn get_or_insert(db: &impl ConnectionTrait, key: &str, value: String) -> Result<String, DbErr> {
    if let Some(v) = get(db, key).await? {
        return Ok(v);
    }
    let row = setting::ActiveModel {
        key: Set(key.to_owned()),
        value: Set(value),
        updated_at: Set(crate::time::now()),
        version: Set(1),
    };
    // Losing a race with another instance is fine: the unique key keeps the first value.
    let _ = setting::Entity::insert(row).exec(db).await;
    get(db, key).await?.ok_or_else(|| DbErr::RecordNotFound(format!("setting {key}")))
}

/// A setting's value and version (`None` when absent; an absent setting is version 0).
///
/// # Errors
/// Database failures.
pub async fn get_versioned(db: &impl ConnectionTrait, key: &str) -> Result<Option<(String, i32)>, DbErr> {
    Ok(setting::Entity::find_by_id(key.to_owned()).one(db).await?.map(|s| (s.value, s.version)))
}

/// Stores a setting when its version is still `expected` (any version when `None`) and
/// returns the new version. The check and the write are one conditional `UPDATE`, so of
/// two writers that read the same version exactly one succeeds. Call it in a transaction.
///
/// # Errors
/// `StaleVersion` when `expected` is not the stored version, database failures.
pub async fn set(db: &impl ConnectionTrait, key: &str, value: &str, expected: Option<i32>) -> crate::Result<i32> {
    use sea_orm::sea_query::{Expr, ExprTrait};
    use sea_orm::{ColumnTrait, QueryFilter};
    // An absent setting is version 0: a placeholder row makes it a row the UPDATE can match.
    let placeholder = setting::ActiveModel {
        key: Set(key.to_owned()),
        value: Set(value.to_owned()),
        updated_at: Set(crate::time::now()),
        version: Set(0),
    };
    setting::Entity::insert(placeholder).on_conflict_do_nothing_on([setting::Column::Key]).exec(db).await?;
    let mut update = setting::Entity::update_many()
        .col_expr(setting::Column::Value, Expr::value(value))
        .col_expr(setting::Column::UpdatedAt, Expr::value(crate::time::now()))
        .col_expr(setting::Column::Version, Expr::col(setting::Column::Version).add(1))
        .filter(setting::Column::Key.eq(key));
    if let Some(e) = expected {
        update = update.filter(setting::Column::Version.eq(e));
    }
    let done = update.exec(db).await?;
    // The row is now locked by this transaction, so what it reads back is its own write.
    let current = get_versioned(db, key).await?.map_or(0, |(_, v)| v);
    match expected {
        Some(e) if done.rows_affected != 1 => Err(crate::DomainError::StaleVersion { expected: e, current }),
        _ => Ok(current),
    }
}
