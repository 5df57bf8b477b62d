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
    let row = setting::ActiveModel { key: Set(key.to_owned()), value: Set(value), updated_at: Set(crate::time::now()) };
    // Losing a race with another instance is fine: the unique key keeps the first value.
    let _ = setting::Entity::insert(row).exec(db).await;
    get(db, key).await?.ok_or_else(|| DbErr::RecordNotFound(format!("setting {key}")))
}

/// Stores a setting, replacing any earlier value.
///
/// # Errors
/// Database failures.
pub async fn set(db: &impl ConnectionTrait, key: &str, value: &str) -> Result<(), DbErr> {
    use sea_orm::sea_query::OnConflict;
    let row = setting::ActiveModel {
        key: Set(key.to_owned()),
        value: Set(value.to_owned()),
        updated_at: Set(crate::time::now()),
    };
    setting::Entity::insert(row)
        .on_conflict(
            OnConflict::column(setting::Column::Key)
                .update_columns([setting::Column::Value, setting::Column::UpdatedAt])
                .to_owned(),
        )
        .exec(db)
        .await?;
    Ok(())
}
