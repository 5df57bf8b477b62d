//! Satisfaction ratings: signed, single-use, 30-day links for customers, and staff entry.
//!
//! A link token is `base64url("<request id>.<expiry unix seconds>.<nonce>")` + `.` +
//! `base64url(HMAC-SHA256(secret, that text))`. The nonce is drawn when the request is
//! resolved and cleared on reopening, so links from an earlier resolution stop working.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{Duration, NaiveDateTime};
use hmac::{Hmac, KeyInit, Mac};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, TransactionTrait,
};
use sha2::Sha256;

use super::{Author, ServiceRequest, add_update, load, visible_for_write};
use crate::Actor;
use crate::entities::service_request;
use crate::error::{DomainError, Result};
use crate::repo::audit::{self, Change};
use crate::repo::{service_requests as repo, settings};
use crate::rules::validate::{self, Problems};
use crate::services::auth::random_token;
use crate::time::now;

/// How long a rating link lives after resolution.
pub const LINK_DAYS: i64 = 30;

/// Why a link does not work.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkProblem {
    /// Not a token this server made (or tampered with).
    Invalid,
    /// Older than 30 days.
    Expired,
}

/// Makes the key of rating links when there is none yet. The server calls it at start, so
/// that requests which only read (and run on connections that may not write) find it.
///
/// # Errors
/// Database failures.
pub async fn ensure_secret(db: &impl ConnectionTrait) -> Result<()> {
    secret(db).await.map(|_| ())
}

async fn secret(db: &impl ConnectionTrait) -> Result<Vec<u8>> {
    Ok(settings::get_or_insert(db, "rating_secret", format!("{}{}", random_token(), random_token()))
        .await?
        .into_bytes())
}

fn mac(secret: &[u8], payload: &str) -> Result<Hmac<Sha256>> {
    let mut m = Hmac::<Sha256>::new_from_slice(secret).map_err(|e| DomainError::Internal(format!("hmac: {e}")))?;
    m.update(payload.as_bytes());
    Ok(m)
}

/// The token for a request resolved at `resolved` with `nonce`.
///
/// # Errors
/// `Internal` when the key is unusable.
pub fn make_token(secret: &[u8], request_id: i64, nonce: &str, resolved: NaiveDateTime) -> Result<String> {
    let expires = (resolved + Duration::days(LINK_DAYS)).and_utc().timestamp();
    let payload = format!("{request_id}.{expires}.{nonce}");
    let sig = mac(secret, &payload)?.finalize().into_bytes();
    Ok(format!("{}.{}", URL_SAFE_NO_PAD.encode(payload), URL_SAFE_NO_PAD.encode(sig)))
}

/// Checks a token's signature (in constant time) and expiry; returns the request id and nonce.
pub fn read_token(secret: &[u8], token: &str, at: NaiveDateTime) -> std::result::Result<(i64, String), LinkProblem> {
    let (payload_b64, sig_b64) = token.split_once('.').ok_or(LinkProblem::Invalid)?;
    let payload = URL_SAFE_NO_PAD.decode(payload_b64).map_err(|_| LinkProblem::Invalid)?;
    let sig = URL_SAFE_NO_PAD.decode(sig_b64).map_err(|_| LinkProblem::Invalid)?;
    let payload = String::from_utf8(payload).map_err(|_| LinkProblem::Invalid)?;
    mac(secret, &payload).map_err(|_| LinkProblem::Invalid)?.verify_slice(&sig).map_err(|_| LinkProblem::Invalid)?;
    let mut parts = payload.splitn(3, '.');
    let id = parts.next().and_then(|p| p.parse().ok()).ok_or(LinkProblem::Invalid)?;
    let expires: i64 = parts.next().and_then(|p| p.parse().ok()).ok_or(LinkProblem::Invalid)?;
    let nonce = parts.next().ok_or(LinkProblem::Invalid)?.to_owned();
    if at.and_utc().timestamp() > expires {
        return Err(LinkProblem::Expired);
    }
    Ok((id, nonce))
}

/// The rating link of a request, if a rating can be given now.
///
/// # Errors
/// Database failures.
pub(super) async fn link(
    db: &impl ConnectionTrait,
    m: &service_request::Model,
    at: NaiveDateTime,
) -> Result<Option<String>> {
    match (&m.rating_nonce, m.resolved_at, m.rating) {
        (Some(nonce), Some(resolved), None) if resolved + Duration::days(LINK_DAYS) >= at => {
            Ok(Some(format!("/rate/{}", make_token(&secret(db).await?, m.id, nonce, resolved)?)))
        }
        _ => Ok(None),
    }
}

/// A new nonce for the link issued at resolution.
pub(super) fn new_nonce() -> String {
    random_token().chars().take(32).collect()
}

/// What a public rating page shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RatingPage {
    pub request_id: i64,
    pub subject: String,
}

async fn by_token(db: &impl ConnectionTrait, token: &str) -> Result<service_request::Model> {
    let (id, nonce) = match read_token(&secret(db).await?, token, now()) {
        Ok(v) => v,
        Err(LinkProblem::Expired) => return Err(DomainError::Gone("this rating link has expired".into())),
        Err(LinkProblem::Invalid) => return Err(DomainError::NotFound("rating link")),
    };
    let m = repo::find(db, id).await?.ok_or(DomainError::NotFound("rating link"))?;
    if m.rating.is_some() {
        return Err(DomainError::Conflict("this request has been rated already".into()));
    }
    if m.rating_nonce.as_deref() != Some(nonce.as_str()) {
        return Err(DomainError::NotFound("rating link"));
    }
    Ok(m)
}

/// The request behind a public rating link.
///
/// # Errors
/// `NotFound` (invalid or tampered), `Gone` (expired), `Conflict` (rated already).
pub async fn page(db: &DatabaseConnection, token: &str) -> Result<RatingPage> {
    let m = by_token(db, token).await?;
    Ok(RatingPage { request_id: m.id, subject: m.subject })
}

fn checked(rating: i16, comment: Option<&str>) -> Result<Option<String>> {
    let mut p = Problems::default();
    if !(1..=5).contains(&rating) {
        p.add("rating", "must be between 1 and 5");
    }
    let comment = validate::optional(&mut p, "comment", comment, 2000);
    p.finish().map(|()| comment)
}

async fn store(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    author: Author,
    m: service_request::Model,
    rating: i16,
    comment: Option<String>,
) -> Result<()> {
    let res = service_request::Entity::update_many()
        .set(service_request::ActiveModel {
            rating: Set(Some(rating)),
            rating_comment: Set(comment.clone()),
            rated_at: Set(Some(now())),
            updated_at: Set(now()),
            version: Set(m.version + 1),
            ..Default::default()
        })
        .filter(service_request::Column::Id.eq(m.id))
        .filter(service_request::Column::Version.eq(m.version))
        .filter(service_request::Column::Rating.is_null())
        .exec(txn)
        .await?;
    if res.rows_affected != 1 {
        return Err(DomainError::Conflict("this request has been rated already".into()));
    }
    let body = format!("rated {rating}/5{}", comment.map(|c| format!(": {c}")).unwrap_or_default());
    add_update(txn, m.id, "rating", Some(body), "customer", None, author).await?;
    audit::record(
        txn,
        actor,
        Change {
            entity: "service_request",
            entity_id: m.id,
            action: "rate",
            before: None,
            after: Some(serde_json::json!({ "rating": rating })),
        },
    )
    .await?;
    Ok(())
}

/// Records the customer's rating through a link (no login). Single use.
///
/// # Errors
/// `NotFound`, `Gone`, `Conflict` (second rating), `Invalid` rating.
pub async fn rate_by_link(db: &DatabaseConnection, token: &str, rating: i16, comment: Option<&str>) -> Result<()> {
    let comment = checked(rating, comment)?;
    let txn = db.begin().await?;
    let m = by_token(&txn, token).await?;
    store(&txn, &Actor::system(), Author::Customer, m, rating, comment).await?;
    txn.commit().await?;
    Ok(())
}

/// Records a rating that the customer gave staff (by phone, say).
///
/// # Errors
/// `Forbidden`, `NotFound`, `Conflict` (not resolved yet, or rated already), `Invalid`.
pub async fn rate_by_staff(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    rating: i16,
    comment: Option<&str>,
) -> Result<ServiceRequest> {
    let comment = checked(rating, comment)?;
    let txn = db.begin().await?;
    let m = visible_for_write(&txn, actor, id).await?;
    if !matches!(m.status.as_str(), "resolved" | "closed") {
        return Err(DomainError::Conflict("a request is rated once it is resolved".into()));
    }
    if m.rating.is_some() {
        return Err(DomainError::Conflict("this request has been rated already".into()));
    }
    store(&txn, actor, Author::Actor(actor.clone()), m, rating, comment).await?;
    let out = load(&txn, id).await?;
    txn.commit().await?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    fn at(d: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 11, d).and_then(|x| x.and_hms_opt(12, 0, 0)).expect("time")
    }

    #[test]
    fn a_token_reads_back_until_it_expires() {
        let t = make_token(b"secret", 42, "abc", at(1)).expect("token");
        assert_eq!(read_token(b"secret", &t, at(20)), Ok((42, "abc".to_owned())));
        let dec = NaiveDate::from_ymd_opt(2026, 12, 2).and_then(|x| x.and_hms_opt(12, 0, 0)).expect("time");
        assert_eq!(read_token(b"secret", &t, dec), Err(LinkProblem::Expired));
    }

    #[test]
    fn tampered_or_foreign_tokens_are_invalid() {
        let t = make_token(b"secret", 42, "abc", at(1)).expect("token");
        assert_eq!(read_token(b"other", &t, at(2)), Err(LinkProblem::Invalid));
        let forged_payload = URL_SAFE_NO_PAD.encode("43.9999999999.abc");
        let sig = t.split_once('.').map(|(_, s)| s).unwrap_or_default();
        assert_eq!(read_token(b"secret", &format!("{forged_payload}.{sig}"), at(2)), Err(LinkProblem::Invalid));
        assert_eq!(read_token(b"secret", "garbage", at(2)), Err(LinkProblem::Invalid));
    }
}
