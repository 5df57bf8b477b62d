//! Users: people who sign in, each with one role. Deactivated, never deleted.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, TransactionTrait,
};
use serde::Serialize;

use crate::entities::user;
use crate::error::{DomainError, Result};
use crate::repo::audit::{self, Change};
use crate::repo::users as repo;
use crate::rules::password;
use crate::rules::validate::{self, Problems};
use crate::services::auth::hash_password;
use crate::services::customers::check_version;
use crate::services::snapshot;
use crate::time::{now, utc};
use crate::{Action, Actor, Role};

pub use crate::rules::password::{MAX_PASSWORD, MIN_PASSWORD};

/// A user as the outside world sees it (never the password hash).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

impl TryFrom<user::Model> for User {
    type Error = DomainError;

    fn try_from(m: user::Model) -> Result<Self> {
        Ok(Self {
            id: m.id,
            email: m.email,
            name: m.name,
            role: m.role.parse().map_err(|_| DomainError::Internal(format!("user {} has role {:?}", m.id, m.role)))?,
            active: m.active,
            created_at: utc(m.created_at),
            updated_at: utc(m.updated_at),
            version: m.version,
        })
    }
}

/// The fields a user is created from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewUser {
    pub email: String,
    pub name: String,
    pub role: Role,
    pub password: String,
}

/// A partial update of a user.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UserChanges {
    pub name: Option<String>,
    pub role: Option<Role>,
    pub active: Option<bool>,
    pub password: Option<String>,
}

/// One user.
///
/// # Errors
/// `Forbidden`, `NotFound`, database failures.
pub async fn get(db: &impl ConnectionTrait, actor: &Actor, id: i64) -> Result<User> {
    actor.require(Action::UsersManage)?;
    user::Entity::find_by_id(id).one(db).await?.ok_or(DomainError::NotFound("user"))?.try_into()
}

/// The signed-in user (any role).
///
/// # Errors
/// `NotFound` for API keys and vanished users; database failures.
pub async fn me(db: &impl ConnectionTrait, actor: &Actor) -> Result<User> {
    let id = actor.user_id.ok_or(DomainError::NotFound("user"))?;
    user::Entity::find_by_id(id).one(db).await?.ok_or(DomainError::NotFound("user"))?.try_into()
}

/// Users by id, filtered by role and active flag; returns the page and the total.
///
/// # Errors
/// `Forbidden`, database failures.
pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    role: Option<Role>,
    active: Option<bool>,
    page: u64,
    per_page: u64,
) -> Result<(Vec<User>, u64)> {
    actor.require(Action::UsersManage)?;
    let (rows, total) = repo::list(db, role.map(Role::as_str), active, (page - 1) * per_page, per_page).await?;
    let users = rows.into_iter().map(User::try_from).collect::<Result<Vec<_>>>()?;
    Ok((users, total))
}

/// Creates a user. Emails are stored lower-cased and unique; the password must pass
/// the policy of [`crate::rules::password`].
///
/// # Errors
/// `Forbidden`, `Invalid`, `Duplicate` email, database failures.
pub async fn create(db: &DatabaseConnection, actor: &Actor, input: NewUser) -> Result<User> {
    insert(db, actor, input, true).await
}

/// Creates one of the demo logins: their passwords are published (README), so only
/// the length rule applies.
///
/// # Errors
/// As [`create`].
pub async fn create_demo(db: &DatabaseConnection, input: NewUser) -> Result<User> {
    insert(db, &Actor::system(), input, false).await
}

async fn insert(db: &DatabaseConnection, actor: &Actor, input: NewUser, full_policy: bool) -> Result<User> {
    actor.require(Action::UsersManage)?;
    let mut p = Problems::default();
    let email = validate::email(&mut p, "email", Some(&input.email)).unwrap_or_default().to_lowercase();
    if email.is_empty() {
        p.add("email", "is required");
    }
    let name = validate::required(&mut p, "name", &input.name, 200);
    if full_policy {
        password::check(&mut p, "password", &input.password, &email);
    } else {
        password::check_length(&mut p, "password", &input.password);
    }
    p.finish()?;
    let hash = hash_password(input.password).await?;
    let txn = db.begin().await?;
    if let Some(u) = repo::by_email(&txn, &email).await? {
        return Err(DomainError::Duplicate {
            message: format!("user {} already has the email {email}", u.id),
            existing_id: Some(u.id),
        });
    }
    let at = now();
    let id = user::Entity::insert(user::ActiveModel {
        email: Set(email.clone()),
        name: Set(name),
        role: Set(input.role.as_str().to_owned()),
        password_hash: Set(hash),
        active: Set(true),
        created_at: Set(at),
        updated_at: Set(at),
        version: Set(1),
        ..Default::default()
    })
    .exec(&txn)
    .await
    .map_err(|e| crate::repo::unique_violation(e, || format!("a user already has the email {email}")))?
    .last_insert_id;
    let created: User =
        user::Entity::find_by_id(id).one(&txn).await?.ok_or(DomainError::NotFound("user"))?.try_into()?;
    audit::record(
        &txn,
        actor,
        Change { entity: "user", entity_id: id, action: "create", before: None, after: snapshot(&created) },
    )
    .await?;
    txn.commit().await?;
    Ok(created)
}

/// Changes a user's name, role, active flag or password. Deactivating a user or
/// changing the role or password ends their sessions (refresh tokens revoked, access
/// tokens refused); a password reset is audited on its own; the last active admin stays one.
///
/// # Errors
/// `Forbidden`, `NotFound`, `StaleVersion`, `Invalid`, `Conflict` (last admin), database failures.
pub async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    expected: Option<i32>,
    c: UserChanges,
) -> Result<User> {
    actor.require(Action::UsersManage)?;
    let mut p = Problems::default();
    let name = c.name.as_deref().map(|n| validate::required(&mut p, "name", n, 200));
    if let Some(pw) = &c.password {
        let email = user::Entity::find_by_id(id).one(db).await?.ok_or(DomainError::NotFound("user"))?.email;
        password::check(&mut p, "password", pw, &email);
    }
    p.finish()?;
    let hash = match c.password {
        Some(pw) => Some(hash_password(pw).await?),
        None => None,
    };
    let txn = db.begin().await?;
    let row = user::Entity::find_by_id(id).one(&txn).await?.ok_or(DomainError::NotFound("user"))?;
    check_version(expected, row.version)?;
    let before = User::try_from(row.clone())?;
    let role = c.role.unwrap_or(before.role);
    let active = c.active.unwrap_or(before.active);
    let stops_being_admin = before.role == Role::Admin && before.active && (role != Role::Admin || !active);
    if stops_being_admin && repo::other_active_admins(&txn, id).await? == 0 {
        return Err(DomainError::Conflict("the last active admin cannot be demoted or deactivated".into()));
    }
    let ends_sessions = !active || hash.is_some() || role != before.role;
    let token_version = if ends_sessions { row.token_version + 1 } else { row.token_version };
    let res = user::Entity::update_many()
        .set(user::ActiveModel {
            name: Set(name.unwrap_or_else(|| before.name.clone())),
            role: Set(role.as_str().to_owned()),
            active: Set(active),
            password_hash: Set(hash.clone().unwrap_or(row.password_hash)),
            token_version: Set(token_version),
            updated_at: Set(now()),
            version: Set(before.version + 1),
            ..Default::default()
        })
        .filter(user::Column::Id.eq(id))
        .filter(user::Column::Version.eq(before.version))
        .exec(&txn)
        .await?;
    if res.rows_affected != 1 {
        return Err(DomainError::StaleVersion { expected: before.version, current: before.version + 1 });
    }
    if ends_sessions {
        repo::revoke_user_tokens(&txn, id).await?;
    }
    if hash.is_some() {
        let change = Change { entity: "user", entity_id: id, action: "password_reset", before: None, after: None };
        audit::record(&txn, actor, change).await?;
    }
    let after: User = user::Entity::find_by_id(id).one(&txn).await?.ok_or(DomainError::NotFound("user"))?.try_into()?;
    audit::record(
        &txn,
        actor,
        Change { entity: "user", entity_id: id, action: "update", before: snapshot(&before), after: snapshot(&after) },
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}
