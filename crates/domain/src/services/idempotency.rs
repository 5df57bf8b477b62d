//! Idempotency keys (Stripe's semantics): the first POST with a key runs and its
//! response is kept for 24 hours; a retry with the same key and the same request gets
//! that response again, with a different request a 422, and while the first is still
//! running it waits for it. The claim is the insert of one row per (caller, key): the
//! unique index lets exactly one of any number of concurrent requests win, on every
//! database.

use chrono::{Duration, NaiveDateTime};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, SqlErr};
use sha2::{Digest, Sha256};

use crate::entities::idempotency_key::{self as row, Entity as Keys};
use crate::error::{DomainError, Result};
use crate::time::now;

/// How long a key is remembered.
pub const TTL_HOURS: i64 = 24;
/// Longest accepted key.
pub const MAX_KEY_LEN: usize = 255;

/// A response kept for replay.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stored {
    pub status: u16,
    /// Header name → value (content type, location, ETag).
    pub headers: Vec<(String, String)>,
    pub body: String,
}

/// What to do with a request that carries a key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Claim {
    /// This request owns the key: run it, then [`complete`] or [`release`].
    Owned,
    /// The key's first request finished: answer with its response.
    Replay(Stored),
    /// The key's first request is still running.
    InProgress,
}

/// The fingerprint of a request: SHA-256 of method, path with query, and body.
pub fn fingerprint(method: &str, path_and_query: &str, body: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(method.as_bytes());
    h.update([0]);
    h.update(path_and_query.as_bytes());
    h.update([0]);
    h.update(body);
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Checks a key's form: 1 to 255 visible ASCII characters.
///
/// # Errors
/// `Invalid` naming the header.
pub fn check_key(key: &str) -> Result<()> {
    if key.is_empty() || key.len() > MAX_KEY_LEN || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(DomainError::invalid(
            "Idempotency-Key",
            format!("must be 1 to {MAX_KEY_LEN} visible ASCII characters (a UUID is a good key)"),
        ));
    }
    Ok(())
}

/// Claims `key` for `principal`'s request with this fingerprint.
///
/// # Errors
/// `Invalid` when the key was used for a different request; database failures.
pub async fn claim(db: &impl ConnectionTrait, principal: &str, key: &str, fingerprint: &str) -> Result<Claim> {
    check_key(key)?;
    let at = now();
    for _ in 0..2 {
        let insert = Keys::insert(row::ActiveModel {
            principal: Set(principal.to_owned()),
            key: Set(key.to_owned()),
            fingerprint: Set(fingerprint.to_owned()),
            status: Set("pending".to_owned()),
            response_status: Set(None),
            response_headers: Set(None),
            response_body: Set(None),
            created_at: Set(at),
            completed_at: Set(None),
            ..Default::default()
        })
        .exec(db)
        .await;
        match insert {
            Ok(_) => return Ok(Claim::Owned),
            Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {}
            Err(e) => return Err(e.into()),
        }
        let Some(existing) = find(db, principal, key).await? else { continue };
        if existing.created_at < at - Duration::hours(TTL_HOURS) {
            // Expired: forget it and claim afresh.
            Keys::delete_by_id(existing.id).exec(db).await?;
            continue;
        }
        if existing.fingerprint != fingerprint {
            return Err(DomainError::invalid(
                "Idempotency-Key",
                "this key was already used for a different request; use a new key",
            ));
        }
        return Ok(match stored(&existing) {
            Some(s) => Claim::Replay(s),
            None => Claim::InProgress,
        });
    }
    Ok(Claim::InProgress)
}

/// The finished response of a key, if it has finished.
///
/// # Errors
/// Database failures.
pub async fn finished(db: &impl ConnectionTrait, principal: &str, key: &str) -> Result<Option<Stored>> {
    Ok(find(db, principal, key).await?.as_ref().and_then(stored))
}

/// Keeps the response of the request that owns the key.
///
/// # Errors
/// Database failures.
pub async fn complete(db: &impl ConnectionTrait, principal: &str, key: &str, response: &Stored) -> Result<()> {
    let headers: serde_json::Map<String, serde_json::Value> =
        response.headers.iter().map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone()))).collect();
    Keys::update_many()
        .set(row::ActiveModel {
            status: Set("done".to_owned()),
            response_status: Set(Some(i32::from(response.status))),
            response_headers: Set(Some(serde_json::Value::Object(headers).to_string())),
            response_body: Set(Some(response.body.clone())),
            completed_at: Set(Some(now())),
            ..Default::default()
        })
        .filter(row::Column::Principal.eq(principal))
        .filter(row::Column::Key.eq(key))
        .exec(db)
        .await?;
    Ok(())
}

/// Gives the key up (the request failed on the server's side): a retry runs afresh.
///
/// # Errors
/// Database failures.
pub async fn release(db: &impl ConnectionTrait, principal: &str, key: &str) -> Result<()> {
    Keys::delete_many()
        .filter(row::Column::Principal.eq(principal))
        .filter(row::Column::Key.eq(key))
        .filter(row::Column::Status.eq("pending"))
        .exec(db)
        .await?;
    Ok(())
}

/// Forgets keys older than the time to live; returns how many.
///
/// # Errors
/// Database failures.
pub async fn purge(db: &impl ConnectionTrait, at: NaiveDateTime) -> Result<u64> {
    let cutoff = at - Duration::hours(TTL_HOURS);
    Ok(Keys::delete_many().filter(row::Column::CreatedAt.lt(cutoff)).exec(db).await?.rows_affected)
}

async fn find(db: &impl ConnectionTrait, principal: &str, key: &str) -> Result<Option<row::Model>> {
    Ok(Keys::find().filter(row::Column::Principal.eq(principal)).filter(row::Column::Key.eq(key)).one(db).await?)
}

fn stored(m: &row::Model) -> Option<Stored> {
    if m.status != "done" {
        return None;
    }
    let headers = m
        .response_headers
        .as_deref()
        .and_then(|h| serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(h).ok())
        .map(|h| h.into_iter().filter_map(|(k, v)| v.as_str().map(|v| (k, v.to_owned()))).collect())
        .unwrap_or_default();
    Some(Stored {
        status: u16::try_from(m.response_status?).ok()?,
        headers,
        body: m.response_body.clone().unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_separate_method_path_and_body() {
        let a = fingerprint("POST", "/api/v1/customers", b"{}");
        assert_eq!(a.len(), 64);
        assert_eq!(a, fingerprint("POST", "/api/v1/customers", b"{}"));
        assert_ne!(a, fingerprint("POST", "/api/v1/customers", b"{ }"));
        assert_ne!(a, fingerprint("POST", "/api/v1/leads", b"{}"));
        // The separator keeps "path" + "body" from sliding into each other.
        assert_ne!(fingerprint("POST", "/a", b"b"), fingerprint("POST", "/ab", b""));
    }

    #[test]
    fn keys_are_visible_ascii_up_to_255() {
        assert!(check_key("0b9c5a4e-1f7d-4c1e-9b0a-6f1b2f3c4d5e").is_ok());
        assert!(check_key(&"k".repeat(255)).is_ok());
        assert!(check_key(&"k".repeat(256)).is_err());
        assert!(check_key("").is_err());
        assert!(check_key("has space").is_err());
        assert!(check_key("ключ").is_err());
    }
}
