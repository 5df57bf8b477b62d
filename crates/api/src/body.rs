//! Raw request bodies (CSV), read whole up to a limit that depends on the route.

use actix_web::error::PayloadError;
use actix_web::http::header::{CONTENT_LENGTH, HeaderMap};
use actix_web::web::{Bytes, BytesMut};
use futures_util::{Stream, StreamExt};

use crate::error::{ApiError, payload_error};
use crate::startup::{IMPORT_LIMIT, PAYLOAD_LIMIT};

/// The one route that takes [`IMPORT_LIMIT`].
pub const IMPORT_PATH: &str = "/api/v1/customers/import";

/// The largest raw body a path takes.
pub fn limit_for(path: &str) -> usize {
    if path == IMPORT_PATH { IMPORT_LIMIT } else { PAYLOAD_LIMIT }
}

/// The declared `Content-Length`, if readable.
pub fn declared_length(headers: &HeaderMap) -> Option<usize> {
    headers.get(CONTENT_LENGTH)?.to_str().ok()?.trim().parse().ok()
}

fn too_large(limit: usize) -> ApiError {
    ApiError::new("payload_too_large", format!("the body is larger than {} MB", limit / (1024 * 1024)))
}

/// Reads a whole body of at most `limit` bytes. A declared length over the limit is
/// refused before anything is read; a body that arrives in one chunk is not copied.
///
/// # Errors
/// `payload_too_large` (413) over the limit; `bad_request` when the body breaks off.
pub async fn read(
    mut payload: impl Stream<Item = Result<Bytes, PayloadError>> + Unpin,
    declared: Option<usize>,
    limit: usize,
) -> Result<Bytes, ApiError> {
    if declared.is_some_and(|n| n > limit) {
        return Err(too_large(limit));
    }
    let mut first: Option<Bytes> = None;
    let mut buf: Option<BytesMut> = None;
    let mut len = 0usize;
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(payload_error)?;
        len += chunk.len();
        if len > limit {
            return Err(too_large(limit));
        }
        match (&mut buf, first.take()) {
            (Some(b), _) => b.extend_from_slice(&chunk),
            (None, None) => first = Some(chunk),
            (None, Some(one)) => {
                let mut b = BytesMut::with_capacity(declared.unwrap_or(0).max(len));
                b.extend_from_slice(&one);
                b.extend_from_slice(&chunk);
                buf = Some(b);
            }
        }
    }
    Ok(buf.map_or_else(|| first.unwrap_or_default(), BytesMut::freeze))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunks(parts: &[&'static str]) -> impl Stream<Item = Result<Bytes, PayloadError>> + Unpin {
        futures_util::stream::iter(parts.iter().map(|p| Ok(Bytes::from_static(p.as_bytes()))).collect::<Vec<_>>())
    }

    #[actix_web::test]
    async fn a_body_in_chunks_is_read_whole() {
        assert_eq!(
            read(chunks(&["ab", "c", "de"]), Some(5), 5).await.map_err(|e| e.to_string()).ok(),
            Some("abcde".into())
        );
        assert_eq!(read(chunks(&["abc"]), None, 5).await.ok(), Some(Bytes::from_static(b"abc")));
        assert_eq!(read(chunks(&[]), None, 5).await.ok(), Some(Bytes::new()));
    }

    #[actix_web::test]
    async fn a_body_over_the_limit_is_refused() {
        assert!(read(chunks(&["abc", "def"]), None, 5).await.is_err());
        assert!(read(chunks(&["a"]), Some(6), 5).await.is_err(), "the declared length is enough");
        assert_eq!(limit_for(IMPORT_PATH), IMPORT_LIMIT);
        assert_eq!(limit_for("/api/v1/customers"), PAYLOAD_LIMIT);
    }
}
