//! Sign-in: passwords (argon2id), rotating refresh tokens, API keys.
//!
//! Access tokens are made by the api crate (JWT is an HTTP concern); this module
//! decides who someone is.

use std::sync::LazyLock;

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{Duration, NaiveDateTime};
use rand::RngCore;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, TransactionTrait,
};
use sha2::{Digest, Sha256};

use crate::entities::{api_key, refresh_token, user};
use crate::error::{DomainError, Result};
use crate::repo::audit::{self, Change};
use crate::repo::users as repo;
use crate::services::users::User;
use crate::time::now;
use crate::{Actor, Role};

/// How long a refresh token lives.
pub const REFRESH_TTL_DAYS: i64 = 30;

/// A signed-in user and the refresh token that continues the session.
#[derive(Clone, Debug)]
pub struct Session {
    /// Who signed in.
    pub user: User,
    /// The new refresh token (shown once; stored hashed).
    pub refresh_token: String,
    /// When the refresh token expires.
    pub refresh_expires_at: NaiveDateTime,
    /// The user's token version, carried by access tokens.
    pub token_version: i32,
}

/// 32 random bytes as URL-safe text.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// SHA-256 of a token as lower-case hex: tokens are stored only as this.
pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// Hashes a password with argon2id at OWASP's parameters (19 MiB, t = 2, p = 1),
/// on a blocking thread so that request threads keep serving.
///
/// # Errors
/// `Internal` when hashing fails.
pub async fn hash_password(password: String) -> Result<String> {
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| DomainError::Internal(format!("argon2: {e}")))
    })
    .await
    .map_err(|e| DomainError::Internal(format!("join: {e}")))?
}

async fn verify_password(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || Argon2::default().verify_password(password.as_bytes(), hash.as_str()).is_ok())
        .await
        .unwrap_or(false)
}

/// Whether `password` matches `hash` (argon2, on a blocking thread).
pub(crate) async fn password_matches(password: String, hash: String) -> bool {
    verify_password(password, hash).await
}

/// A real hash of a random password: unknown emails are verified against it, so that
/// a wrong email costs exactly as much as a wrong password.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    Argon2::default().hash_password(random_token().as_bytes()).map(|h| h.to_string()).unwrap_or_default()
});

fn bad_credentials() -> DomainError {
    DomainError::Unauthenticated("wrong email or password".into())
}

async fn issue(db: &impl sea_orm::ConnectionTrait, user_id: i64, family: String) -> Result<(String, NaiveDateTime)> {
    let token = random_token();
    let expires = now() + Duration::days(REFRESH_TTL_DAYS);
    refresh_token::Entity::insert(refresh_token::ActiveModel {
        user_id: Set(user_id),
        family: Set(family),
        token_hash: Set(token_hash(&token)),
        expires_at: Set(expires),
        created_at: Set(now()),
        used_at: Set(None),
        revoked_at: Set(None),
        ..Default::default()
    })
    .exec(db)
    .await?;
    Ok((token, expires))
}

/// When repeated failures lock an account, and for how long.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LoginPolicy {
    /// Consecutive failed sign-ins that lock the account.
    pub max_failures: i32,
    /// How long the lock lasts; it lifts by itself.
    pub lock: Duration,
}

impl Default for LoginPolicy {
    fn default() -> Self {
        Self { max_failures: 5, lock: Duration::minutes(15) }
    }
}

/// Signs in with email and password. Consecutive failures lock the account for
/// `policy.lock` (a success resets the count); while locked, sign-in is refused even
/// with the right password. Successes, failures (with the email tried, never the
/// password) and locks are audited.
///
/// # Errors
/// `Unauthenticated` for a wrong email, a wrong password or a deactivated user
/// (one message for all three); `Locked` while the account is locked; database failures.
pub async fn login(db: &DatabaseConnection, email: &str, password: &str, policy: LoginPolicy) -> Result<Session> {
    let found = repo::by_email(db, email).await?;
    if let Some(until) = found.as_ref().and_then(|u| u.locked_until).filter(|t| *t > now()) {
        return Err(DomainError::Locked { retry_after_secs: seconds_until(until) });
    }
    let hash = match &found {
        Some(u) => u.password_hash.clone(),
        None => DUMMY_HASH.clone(),
    };
    let ok = verify_password(password.to_owned(), hash).await;
    let user = match found {
        Some(u) if ok && u.active => u,
        Some(_) if ok => return Err(bad_credentials()),
        other => return Err(failed(db, email, other.as_ref(), policy).await),
    };
    if user.failed_logins != 0 || user.locked_until.is_some() {
        repo::reset_failures(db, user.id).await?;
    }
    let actor = Actor::user(user.id, user.role.parse()?);
    let change = Change { entity: "user", entity_id: user.id, action: "login", before: None, after: None };
    audit::record(db, &actor, change).await?;
    let family = uuid::Uuid::new_v4().to_string();
    let (refresh_token, refresh_expires_at) = issue(db, user.id, family).await?;
    let token_version = user.token_version;
    Ok(Session { user: User::try_from(user)?, refresh_token, refresh_expires_at, token_version })
}

fn seconds_until(t: NaiveDateTime) -> u64 {
    u64::try_from((t - now()).num_seconds()).unwrap_or(0).max(1)
}

/// Counts a failed sign-in, locks the account at the limit, audits both; the error to answer.
async fn failed(db: &DatabaseConnection, email: &str, user: Option<&user::Model>, policy: LoginPolicy) -> DomainError {
    let attempted = serde_json::json!({ "email": email.trim().to_lowercase() });
    let id = user.map_or(0, |u| u.id);
    let change = Change { entity: "user", entity_id: id, action: "login_failed", before: None, after: Some(attempted) };
    if let Err(e) = audit::record(db, &Actor::system(), change).await {
        return e.into();
    }
    let Some(u) = user else { return bad_credentials() };
    let until = now() + policy.lock;
    match repo::count_failure(db, u.id, policy.max_failures, until).await {
        Ok(false) => bad_credentials(),
        Ok(true) => {
            let after = serde_json::json!({ "email": u.email, "locked_until": crate::time::utc(until) });
            let change =
                Change { entity: "user", entity_id: u.id, action: "lockout", before: None, after: Some(after) };
            if let Err(e) = audit::record(db, &Actor::system(), change).await {
                return e.into();
            }
            tracing::warn!(user_id = u.id, "account locked after repeated failed sign-ins");
            DomainError::Locked { retry_after_secs: seconds_until(until) }
        }
        Err(e) => e.into(),
    }
}

/// Longest text accepted as a refresh token (the API documents it as the field's maximum).
pub const MAX_REFRESH_TOKEN_LEN: usize = 100;

/// Exchanges a refresh token for a new one (rotation). Presenting a token that was
/// already used revokes its whole family: someone else has a copy.
///
/// # Errors
/// `Unauthenticated` for an unknown, expired, revoked or reused token or an inactive user.
pub async fn refresh(db: &DatabaseConnection, token: &str) -> Result<Session> {
    let invalid = || DomainError::Unauthenticated("refresh token is invalid or expired".into());
    let row = repo::refresh_by_hash(db, &token_hash(token)).await?.ok_or_else(invalid)?;
    if row.revoked_at.is_some() || row.expires_at <= now() {
        return Err(invalid());
    }
    let txn = db.begin().await?;
    if row.used_at.is_some() || !repo::claim_refresh(&txn, row.id).await? {
        repo::revoke_family(&txn, &row.family).await?;
        txn.commit().await?;
        tracing::warn!(user_id = row.user_id, "refresh token reused; session family revoked");
        return Err(DomainError::Unauthenticated("refresh token was already used; please sign in again".into()));
    }
    let user = match user::Entity::find_by_id(row.user_id).one(&txn).await? {
        Some(u) if u.active => u,
        _ => return Err(invalid()),
    };
    let (refresh_token, refresh_expires_at) = issue(&txn, user.id, row.family).await?;
    txn.commit().await?;
    let token_version = user.token_version;
    Ok(Session { user: User::try_from(user)?, refresh_token, refresh_expires_at, token_version })
}

/// Ends the session the refresh token belongs to (audited). Unknown tokens are ignored.
///
/// # Errors
/// Database failures.
pub async fn logout(db: &DatabaseConnection, token: &str) -> Result<()> {
    if token.chars().count() > MAX_REFRESH_TOKEN_LEN {
        return Err(DomainError::invalid(
            "refresh_token",
            format!("must be at most {MAX_REFRESH_TOKEN_LEN} characters"),
        ));
    }
    if let Some(row) = repo::refresh_by_hash(db, &token_hash(token)).await? {
        repo::revoke_family(db, &row.family).await?;
        if let Some(u) = user::Entity::find_by_id(row.user_id).one(db).await? {
            let actor = Actor::user(u.id, u.role.parse()?);
            let change = Change { entity: "user", entity_id: u.id, action: "logout", before: None, after: None };
            audit::record(db, &actor, change).await?;
        }
    }
    Ok(())
}

/// Whether an access token of `user_id` with `version` is still good: the user is
/// active and has not changed password, role or active flag since it was issued.
///
/// # Errors
/// `Unauthenticated` when it is not; database failures.
pub async fn check_token_version(db: &impl ConnectionTrait, user_id: i64, version: i32) -> Result<()> {
    match repo::token_state(db, user_id).await? {
        Some((true, current)) if current == version => Ok(()),
        _ => Err(DomainError::Unauthenticated("the access token was revoked; please sign in again".into())),
    }
}

/// An API key's actor and whether the key is read-only.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyActor {
    /// Who acts.
    pub actor: Actor,
    /// A read-only key may only GET and HEAD.
    pub read_only: bool,
}

/// The actor behind an API key (`rk_…`). The key is looked up through `read`; the
/// time of use is written through `db`.
///
/// # Errors
/// `Unauthenticated` for an unknown or revoked key.
pub async fn authenticate_api_key(db: &DatabaseConnection, read: &DatabaseConnection, key: &str) -> Result<KeyActor> {
    let row = repo::live_key_by_hash(read, &token_hash(key))
        .await?
        .ok_or_else(|| DomainError::Unauthenticated("API key is invalid or revoked".into()))?;
    let role: Role = row.role.parse()?;
    // Record use at most once a minute: a write per request would cost more than the request.
    let stale = row.last_used_at.is_none_or(|t| now() - t > Duration::minutes(1));
    if stale {
        api_key::Entity::update_many()
            .set(api_key::ActiveModel { last_used_at: Set(Some(now())), ..Default::default() })
            .filter(api_key::Column::Id.eq(row.id))
            .exec(db)
            .await?;
    }
    Ok(KeyActor { actor: Actor::api_key(row.id, role), read_only: row.read_only })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_hash_is_sha256_hex() {
        assert_eq!(token_hash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    #[tokio::test]
    async fn password_hash_verifies_only_the_right_password() {
        let h = hash_password("correct horse battery".into()).await.expect("hash");
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify_password("correct horse battery".into(), h.clone()).await);
        assert!(!verify_password("wrong".into(), h).await);
    }
}
