//! User, refresh-token and API-key queries.

use chrono::NaiveDateTime;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::entities::{api_key, refresh_token, user};
use crate::time::now;

/// The user with this email (compared lower-cased; emails are stored lower-cased).
///
/// # Errors
/// Database failures.
pub async fn by_email(db: &impl ConnectionTrait, email: &str) -> Result<Option<user::Model>, DbErr> {
    user::Entity::find().filter(user::Column::Email.eq(email.trim().to_lowercase())).one(db).await
}

/// Counts one failed sign-in; at `max_failures` the account is locked until `until`
/// and the count starts again. `true` when this failure locked it (exactly one caller
/// sees that, however many fail at once).
///
/// # Errors
/// Database failures.
pub async fn count_failure(
    db: &impl ConnectionTrait,
    id: i64,
    max_failures: i32,
    until: NaiveDateTime,
) -> Result<bool, DbErr> {
    user::Entity::update_many()
        .col_expr(user::Column::FailedLogins, Expr::col(user::Column::FailedLogins).add(1))
        .filter(user::Column::Id.eq(id))
        .exec(db)
        .await?;
    let res = user::Entity::update_many()
        .col_expr(user::Column::FailedLogins, Expr::value(0))
        .col_expr(user::Column::LockedUntil, Expr::value(Some(until)))
        .filter(user::Column::Id.eq(id))
        .filter(user::Column::FailedLogins.gte(std::cmp::max(max_failures, 1)))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Clears the failure count and any lock (after a successful sign-in).
///
/// # Errors
/// Database failures.
pub async fn reset_failures(db: &impl ConnectionTrait, id: i64) -> Result<(), DbErr> {
    user::Entity::update_many()
        .col_expr(user::Column::FailedLogins, Expr::value(0))
        .col_expr(user::Column::LockedUntil, Expr::value(Option::<NaiveDateTime>::None))
        .filter(user::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Whether the user is active, and their token version.
///
/// # Errors
/// Database failures.
pub async fn token_state(db: &impl ConnectionTrait, id: i64) -> Result<Option<(bool, i32)>, DbErr> {
    user::Entity::find_by_id(id)
        .select_only()
        .column(user::Column::Active)
        .column(user::Column::TokenVersion)
        .into_tuple::<(bool, i32)>()
        .one(db)
        .await
}

/// Users ordered by id, one offset page, and the total.
///
/// # Errors
/// Database failures.
pub async fn list(
    db: &impl ConnectionTrait,
    role: Option<&str>,
    active: Option<bool>,
    offset: u64,
    limit: u64,
) -> Result<(Vec<user::Model>, u64), DbErr> {
    let mut q = user::Entity::find();
    if let Some(r) = role {
        q = q.filter(user::Column::Role.eq(r));
    }
    if let Some(a) = active {
        q = q.filter(user::Column::Active.eq(a));
    }
    let total = q.clone().count(db).await?;
    let rows = q.order_by_asc(user::Column::Id).offset(offset).limit(limit).all(db).await?;
    Ok((rows, total))
}

/// How many active admins there are besides `except`.
///
/// # Errors
/// Database failures.
pub async fn other_active_admins(db: &impl ConnectionTrait, except: i64) -> Result<u64, DbErr> {
    user::Entity::find()
        .filter(user::Column::Role.eq("admin"))
        .filter(user::Column::Active.eq(true))
        .filter(user::Column::Id.ne(except))
        .count(db)
        .await
}

/// Whether any user exists (an empty database gets demo data on `make run`).
///
/// # Errors
/// Database failures.
pub async fn any(db: &impl ConnectionTrait) -> Result<bool, DbErr> {
    Ok(user::Entity::find().one(db).await?.is_some())
}

/// The refresh token with this hash.
///
/// # Errors
/// Database failures.
pub async fn refresh_by_hash(db: &impl ConnectionTrait, hash: &str) -> Result<Option<refresh_token::Model>, DbErr> {
    refresh_token::Entity::find().filter(refresh_token::Column::TokenHash.eq(hash)).one(db).await
}

/// Marks a token used, only if it is still fresh; `false` when someone used it first.
///
/// # Errors
/// Database failures.
pub async fn claim_refresh(db: &impl ConnectionTrait, id: i64) -> Result<bool, DbErr> {
    let res = refresh_token::Entity::update_many()
        .set(refresh_token::ActiveModel { used_at: Set(Some(now())), ..Default::default() })
        .filter(refresh_token::Column::Id.eq(id))
        .filter(refresh_token::Column::UsedAt.is_null())
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Revokes every token of a family.
///
/// # Errors
/// Database failures.
pub async fn revoke_family(db: &impl ConnectionTrait, family: &str) -> Result<(), DbErr> {
    refresh_token::Entity::update_many()
        .set(refresh_token::ActiveModel { revoked_at: Set(Some(now())), ..Default::default() })
        .filter(refresh_token::Column::Family.eq(family))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Revokes every token of a user (deactivation, password change).
///
/// # Errors
/// Database failures.
pub async fn revoke_user_tokens(db: &impl ConnectionTrait, user_id: i64) -> Result<(), DbErr> {
    refresh_token::Entity::update_many()
        .set(refresh_token::ActiveModel { revoked_at: Set(Some(now())), ..Default::default() })
        .filter(refresh_token::Column::UserId.eq(user_id))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// The unrevoked API key with this hash.
///
/// # Errors
/// Database failures.
pub async fn live_key_by_hash(db: &impl ConnectionTrait, hash: &str) -> Result<Option<api_key::Model>, DbErr> {
    api_key::Entity::find()
        .filter(api_key::Column::KeyHash.eq(hash))
        .filter(api_key::Column::RevokedAt.is_null())
        .one(db)
        .await
}
