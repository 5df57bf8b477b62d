//! Self-service password change.

use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, TransactionTrait};

use crate::Actor;
use crate::entities::user;
use crate::error::{DomainError, Result};
use crate::repo::audit::{self, Change};
use crate::repo::users as repo;
use crate::rules::password;
use crate::rules::validate::Problems;
use crate::services::auth::{hash_password, password_matches};
use crate::time::now;

/// Changes the signed-in user's own password. Every session of the user ends: all
/// refresh tokens are revoked and access tokens issued before stop working.
///
/// # Errors
/// `Forbidden` for API keys; `Invalid` for a wrong current password (the one thing
/// said about it) or a new password that breaks the policy; database failures.
pub async fn change(db: &DatabaseConnection, actor: &Actor, current: &str, new: &str) -> Result<()> {
    let id = actor.user_id.ok_or_else(|| DomainError::Forbidden("only people have passwords".into()))?;
    let row = user::Entity::find_by_id(id).one(db).await?.ok_or(DomainError::NotFound("user"))?;
    if !password_matches(current.to_owned(), row.password_hash.clone()).await {
        return Err(DomainError::invalid("current_password", "is not correct"));
    }
    let mut p = Problems::default();
    password::check(&mut p, "new_password", new, &row.email);
    if current == new {
        p.add("new_password", "must differ from the current password");
    }
    p.finish()?;
    let hash = hash_password(new.to_owned()).await?;
    let txn = db.begin().await?;
    let res = user::Entity::update_many()
        .set(user::ActiveModel {
            password_hash: Set(hash),
            token_version: Set(row.token_version + 1),
            updated_at: Set(now()),
            version: Set(row.version + 1),
            ..Default::default()
        })
        .filter(user::Column::Id.eq(id))
        .filter(user::Column::Version.eq(row.version))
        .exec(&txn)
        .await?;
    if res.rows_affected != 1 {
        return Err(DomainError::Conflict("the user changed meanwhile; try again".into()));
    }
    repo::revoke_user_tokens(&txn, id).await?;
    let change = Change { entity: "user", entity_id: id, action: "password_change", before: None, after: None };
    audit::record(&txn, actor, change).await?;
    txn.commit().await?;
    Ok(())
}
