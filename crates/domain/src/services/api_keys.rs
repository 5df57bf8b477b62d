//! API keys for integrations: `rk_` + random text, shown once, stored hashed, tied to a
//! role and optionally read-only.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, TransactionTrait,
};
use serde::Serialize;

use crate::entities::api_key;
use crate::error::{DomainError, Result};
use crate::repo::audit::{self, Change};
use crate::rules::validate::{self, Problems};
use crate::services::auth::{random_token, token_hash};
use crate::services::snapshot;
use crate::time::{now, utc};
use crate::{Action, Actor, Role};

/// The prefix that tells API keys from JWTs.
pub const PREFIX: &str = "rk_";

/// An API key without its secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ApiKey {
    pub id: i64,
    pub name: String,
    /// The first characters of the key, to recognise it.
    pub prefix: String,
    pub role: Role,
    pub created_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// Only GET and HEAD: any other method is refused (403).
    pub read_only: bool,
}

impl TryFrom<api_key::Model> for ApiKey {
    type Error = DomainError;

    fn try_from(m: api_key::Model) -> Result<Self> {
        Ok(Self {
            id: m.id,
            name: m.name,
            prefix: m.prefix,
            role: m.role.parse()?,
            created_by: m.created_by,
            created_at: utc(m.created_at),
            last_used_at: m.last_used_at.map(utc),
            revoked_at: m.revoked_at.map(utc),
            read_only: m.read_only,
        })
    }
}

/// Every key, newest first, revoked ones included (with their revocation time).
///
/// # Errors
/// `Forbidden`, database failures.
pub async fn list(db: &DatabaseConnection, actor: &Actor) -> Result<Vec<ApiKey>> {
    actor.require(Action::ApiKeysManage)?;
    api_key::Entity::find()
        .order_by_desc(api_key::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(ApiKey::try_from)
        .collect()
}

/// Creates a key with the rights of `role` (only reading when `read_only`); returns it
/// with the secret, which is never shown again.
///
/// # Errors
/// `Forbidden`, `Invalid`, database failures.
pub async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    name: &str,
    role: Role,
    read_only: bool,
) -> Result<(ApiKey, String)> {
    actor.require(Action::ApiKeysManage)?;
    let mut p = Problems::default();
    let name = validate::required(&mut p, "name", name, 100);
    p.finish()?;
    let secret = format!("{PREFIX}{}", random_token());
    let txn = db.begin().await?;
    let id = api_key::Entity::insert(api_key::ActiveModel {
        name: Set(name),
        prefix: Set(secret.chars().take(10).collect()),
        key_hash: Set(token_hash(&secret)),
        role: Set(role.as_str().to_owned()),
        created_by: Set(actor.user_id),
        created_at: Set(now()),
        last_used_at: Set(None),
        revoked_at: Set(None),
        read_only: Set(read_only),
        ..Default::default()
    })
    .exec(&txn)
    .await?
    .last_insert_id;
    let key: ApiKey =
        api_key::Entity::find_by_id(id).one(&txn).await?.ok_or(DomainError::NotFound("api key"))?.try_into()?;
    audit::record(
        &txn,
        actor,
        Change { entity: "api_key", entity_id: id, action: "create", before: None, after: snapshot(&key) },
    )
    .await?;
    txn.commit().await?;
    Ok((key, secret))
}

/// Revokes a key; it stops working at once. Revoking twice is a no-op. A key cannot
/// revoke itself: an integration would lock itself out mid-run (a person revokes it).
///
/// # Errors
/// `Forbidden`, `NotFound`, `Conflict` (the key in use), database failures.
pub async fn revoke(db: &DatabaseConnection, actor: &Actor, id: i64) -> Result<()> {
    actor.require(Action::ApiKeysManage)?;
    if actor.api_key_id == Some(id) {
        return Err(DomainError::Conflict("an API key cannot revoke itself; sign in to revoke it".into()));
    }
    let txn = db.begin().await?;
    let row = api_key::Entity::find_by_id(id).one(&txn).await?.ok_or(DomainError::NotFound("api key"))?;
    if row.revoked_at.is_some() {
        return Ok(());
    }
    let before = ApiKey::try_from(row)?;
    api_key::Entity::update_many()
        .set(api_key::ActiveModel { revoked_at: Set(Some(now())), ..Default::default() })
        .filter(api_key::Column::Id.eq(id))
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        actor,
        Change { entity: "api_key", entity_id: id, action: "revoke", before: snapshot(&before), after: None },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
