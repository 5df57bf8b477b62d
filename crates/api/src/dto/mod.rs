//! Request and response bodies: their own types, never the database entities.

/// A keyset-capable page of `$item` made from a domain page: the same shape for every list.
macro_rules! page_type {
    ($name:ident, $item:ty, $domain:ty, $what:literal) => {
        #[doc = concat!("A page of ", $what, ".")]
        #[derive(Debug, serde::Serialize, utoipa::ToSchema)]
        pub struct $name {
            pub items: Vec<$item>,
            /// Page number (numbered paging).
            #[serde(skip_serializing_if = "Option::is_none")]
            pub page: Option<u64>,
            pub per_page: u64,
            /// All matching rows (numbered paging, unless `count=false`), counted up to
            /// 10 000: when more match, `total` is 10 000 and `total_capped` is true.
            #[serde(skip_serializing_if = "Option::is_none")]
            pub total: Option<u64>,
            /// Present (true) when more rows match than `total` says.
            #[serde(skip_serializing_if = "std::ops::Not::not")]
            pub total_capped: bool,
            /// Cursor of the next page (keyset paging; absent on the last page).
            #[serde(skip_serializing_if = "Option::is_none")]
            pub next_cursor: Option<String>,
        }

        impl From<rapport_domain::list::Page<$domain>> for $name {
            fn from(p: rapport_domain::list::Page<$domain>) -> Self {
                Self {
                    items: p.items.into_iter().map(<$item>::from).collect(),
                    page: p.page,
                    per_page: p.per_page,
                    total: p.total,
                    total_capped: p.total_capped,
                    next_cursor: p.next_cursor,
                }
            }
        }
    };
}
pub(crate) use page_type;

pub mod activities;
pub mod analytics;
pub mod audit;
pub mod auth;
pub mod campaigns;
pub mod customers;
pub mod dashboard;
pub mod leads;
pub mod opportunities;
pub mod orders;
pub mod outreach;
pub mod products;
pub mod quotes;
pub mod recommendations;
pub mod rfm;
pub mod segments;
pub mod service_requests;
pub mod users;
pub mod webhooks;

use actix_web::http::header;
use actix_web::{HttpMessage, HttpRequest};
use serde::{Deserialize, Deserializer};

use crate::error::ApiError;

/// For PATCH bodies: a field that is absent stays `None`; `null` becomes `Some(None)`.
///
/// # Errors
/// When the value has the wrong type.
pub fn patch<'de, T: Deserialize<'de>, D: Deserializer<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// For optional decimal-string fields: absent or `null` is `None`; any string must be a
/// decimal (an empty string is refused, not read as absent).
///
/// # Errors
/// When the value is not a decimal string.
pub fn decimal_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<rust_decimal::Decimal>, D::Error> {
    Option::<String>::deserialize(d)?.map(|s| s.parse().map_err(serde::de::Error::custom)).transpose()
}

/// A JSON body that may be left out: an empty body (or `null`) is `None`; anything else must parse
/// as `T` (a malformed or misfitting body is refused, never ignored).
///
/// # Errors
/// `bad_request` for malformed JSON, `validation_failed` for JSON that does not fit.
pub fn optional_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<Option<T>, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) || body.trim_ascii() == b"null" {
        return Ok(None);
    }
    serde_json::from_slice(body).map(Some).map_err(|e| {
        if e.is_data() {
            ApiError::new("validation_failed", format!("the JSON body does not fit: {e}"))
        } else {
            ApiError::bad_request(format!("the JSON body is not valid: {e}"))
        }
    })
}

/// The `ETag` of a record version.
pub fn etag(version: i32) -> String {
    format!("\"{version}\"")
}

/// The version an `If-Match` header names (`"3"`, `W/"3"`, or bare `3`); `None` without the
/// header or for `*`. The accepted forms are [`crate::openapi::IF_MATCH_PATTERN`].
///
/// # Errors
/// `bad_request` for a malformed header.
pub fn if_match(req: &HttpRequest) -> Result<Option<i32>, ApiError> {
    let Some(v) = req.headers().get(header::IF_MATCH) else { return Ok(None) };
    let text = v.to_str().map_err(|_| ApiError::bad_request("malformed If-Match header"))?.trim();
    if text == "*" {
        return Ok(None);
    }
    let tag = text.strip_prefix("W/").unwrap_or(text);
    // A bare version (`3`) is read like the ETag `"3"`.
    let bare = !text.starts_with("W/") && !tag.is_empty() && tag.bytes().all(|b| b.is_ascii_digit());
    let inner = if bare { Some(tag) } else { tag.strip_prefix('"').and_then(|t| t.strip_suffix('"')) };
    inner
        .filter(|t| (1..=9).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|t| t.parse().ok())
        .map(Some)
        .ok_or_else(|| ApiError::bad_request("If-Match must be an ETag this API returned, like \"3\""))
}

/// Paging parameters checked into a domain paging.
///
/// # Errors
/// `validation_failed` for out-of-range values.
pub fn paging(
    page: Option<u64>,
    per_page: Option<u64>,
    cursor: Option<&str>,
    count: Option<bool>,
) -> Result<rapport_domain::list::Paging, ApiError> {
    Ok(rapport_domain::list::Paging::from_query(page, per_page, cursor, count)?)
}

/// Middleware: a JSON body's whole-number floats (`45.0`) become integers (`45`), since
/// JSON (and the API document's `integer`) does not tell them apart but serde's integer
/// fields refuse `45.0`. Bodies that are not JSON pass untouched (the handler refuses them).
/// A JSON body is read only up to the JSON limit: a larger one is answered 413 here,
/// before it is held in memory (the raw-body limit is meant for CSV imports).
///
/// # Errors
/// Those of the wrapped service, and a body that cannot be read.
pub async fn whole_numbers(
    mut req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody + 'static>,
) -> Result<
    actix_web::dev::ServiceResponse<actix_web::body::EitherBody<impl actix_web::body::MessageBody>>,
    actix_web::Error,
> {
    let is_json = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(';').next().is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json")));
    let has_body = matches!(
        *req.method(),
        actix_web::http::Method::POST | actix_web::http::Method::PATCH | actix_web::http::Method::PUT
    );
    if is_json && has_body {
        let declared = crate::body::declared_length(req.headers());
        let body = match crate::body::read(req.take_payload(), declared, crate::startup::JSON_LIMIT).await {
            Ok(body) => body,
            Err(e) => return Ok(req.error_response(e).map_into_right_body()),
        };
        let fixed = serde_json::from_slice::<serde_json::Value>(&body)
            .ok()
            .and_then(|mut v| whole(&mut v).then(|| serde_json::to_vec(&v).ok()).flatten());
        let body = match fixed {
            Some(bytes) => {
                req.headers_mut().insert(header::CONTENT_LENGTH, header::HeaderValue::from(bytes.len()));
                actix_web::web::Bytes::from(bytes)
            }
            None => body,
        };
        req.set_payload(actix_web::dev::Payload::from(body));
    }
    Ok(next.call(req).await?.map_into_left_body())
}

/// Turns whole-number floats into integers in place; whether anything changed.
fn whole(v: &mut serde_json::Value) -> bool {
    match v {
        serde_json::Value::Number(n) if n.is_f64() => match n.as_f64() {
            // Within ±2^53 a float holds every whole number exactly.
            Some(f) if f.fract() == 0.0 && f.abs() < 9_007_199_254_740_992.0 => {
                #[allow(clippy::cast_possible_truncation)]
                let i = f as i64;
                *v = serde_json::Value::from(i);
                true
            }
            _ => false,
        },
        serde_json::Value::Array(items) => items.iter_mut().fold(false, |changed, x| whole(x) | changed),
        serde_json::Value::Object(map) => map.values_mut().fold(false, |changed, x| whole(x) | changed),
        _ => false,
    }
}
