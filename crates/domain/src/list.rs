//! List conventions shared by every resource: sort specs, pages and keyset cursors.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

use crate::error::{DomainError, Result};

/// Default page size.
pub const DEFAULT_PER_PAGE: u64 = 25;
/// Largest page size.
pub const MAX_PER_PAGE: u64 = 200;
/// Last numbered page: with at most [`MAX_PER_PAGE`] rows a page, numbered paging reads
/// at most 100,000 rows deep; deeper reading uses a cursor, whose cost does not grow
/// with depth. A fixed number (not one that depends on `per_page`) so that the API
/// document can state it as the parameter's maximum.
pub const MAX_PAGE: u64 = 500;
/// Numbered pages count matching rows up to this many, so that the count costs the same
/// on a million rows as on ten thousand; past it a page says `total_capped`.
pub const TOTAL_CAP: u64 = 10_000;

/// One field of a sort spec.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SortKey {
    /// The documented field name.
    pub field: &'static str,
    /// Descending when the spec said `-field`.
    pub desc: bool,
}

/// Parses `"-created_at,name"` against the documented fields; `None` or empty gives `default`.
///
/// # Errors
/// `Invalid` on `sort` naming an undocumented or repeated field.
pub fn parse_sort(spec: Option<&str>, allowed: &[&'static str], default: SortKey) -> Result<Vec<SortKey>> {
    let Some(spec) = spec.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(vec![default]);
    };
    let mut keys: Vec<SortKey> = Vec::new();
    for part in spec.split(',') {
        let part = part.trim();
        let (desc, name) = match part.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, part),
        };
        let field = allowed.iter().copied().find(|f| *f == name).ok_or_else(|| {
            DomainError::invalid("sort", format!("unknown sort field {name:?}; allowed: {}", allowed.join(", ")))
        })?;
        if keys.iter().any(|k| k.field == field) {
            return Err(DomainError::invalid("sort", format!("field {field:?} given twice")));
        }
        keys.push(SortKey { field, desc });
    }
    Ok(keys)
}

/// How a list is read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Paging {
    /// Numbered pages with an optional total.
    Offset {
        /// 1-based page.
        page: u64,
        /// Rows per page.
        per_page: u64,
        /// Whether to count the total.
        count: bool,
    },
    /// Keyset pages: constant cost at any depth.
    Cursor {
        /// Where the previous page ended (`None` for the first page).
        after: Option<Cursor>,
        /// Rows per page.
        per_page: u64,
    },
}

impl Paging {
    /// Builds the paging from raw query values.
    ///
    /// `cursor` may be empty (`cursor=`) to ask for the first keyset page.
    ///
    /// # Errors
    /// `Invalid` on out-of-range values, a malformed cursor, or `page` together with `cursor`.
    pub fn from_query(
        page: Option<u64>,
        per_page: Option<u64>,
        cursor: Option<&str>,
        count: Option<bool>,
    ) -> Result<Self> {
        let per_page = per_page.unwrap_or(DEFAULT_PER_PAGE);
        if !(1..=MAX_PER_PAGE).contains(&per_page) {
            return Err(DomainError::invalid("per_page", format!("must be between 1 and {MAX_PER_PAGE}")));
        }
        match cursor {
            Some(c) => {
                if page.is_some() {
                    return Err(DomainError::invalid("page", "cannot be combined with cursor"));
                }
                let after = if c.is_empty() { None } else { Some(Cursor::decode(c)?) };
                Ok(Paging::Cursor { after, per_page })
            }
            None => {
                let page = page.unwrap_or(1);
                if page == 0 {
                    return Err(DomainError::invalid("page", "starts at 1"));
                }
                if page > MAX_PAGE {
                    return Err(DomainError::invalid(
                        "page",
                        format!("must be at most {MAX_PAGE}; read deeper with cursor"),
                    ));
                }
                Ok(Paging::Offset { page, per_page, count: count.unwrap_or(true) })
            }
        }
    }
}

/// Where a keyset page ended: the sort it belongs to, the last row's sort value and id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    /// The sort spec it was made for, e.g. `-created_at`.
    pub sort: String,
    /// The last row's value of the sort field, as text (absent when sorting by id).
    pub value: Option<String>,
    /// The last row's id (the tie-breaker).
    pub id: i64,
}

impl Cursor {
    /// Opaque text for clients.
    pub fn encode(&self) -> String {
        // Serialising a struct of strings and integers cannot fail.
        let json = serde_json::to_vec(self).unwrap_or_default();
        URL_SAFE_NO_PAD.encode(json)
    }

    /// Reads a cursor made by [`Cursor::encode`].
    ///
    /// # Errors
    /// `Invalid` on anything else.
    pub fn decode(text: &str) -> Result<Self> {
        let bad = || DomainError::invalid("cursor", "is not a cursor returned by this list");
        let bytes = URL_SAFE_NO_PAD.decode(text).map_err(|_| bad())?;
        serde_json::from_slice(&bytes).map_err(|_| bad())
    }
}

/// Text form of a sort spec, as stored in cursors.
pub fn sort_spec(keys: &[SortKey]) -> String {
    keys.iter().map(|k| if k.desc { format!("-{}", k.field) } else { k.field.to_owned() }).collect::<Vec<_>>().join(",")
}

/// One page of a list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Page<T> {
    /// The rows.
    pub items: Vec<T>,
    /// The page number (offset paging only).
    pub page: Option<u64>,
    /// The page size.
    pub per_page: u64,
    /// All matching rows (offset paging with counting only), at most [`TOTAL_CAP`].
    pub total: Option<u64>,
    /// More rows match than `total` says: the count stopped at [`TOTAL_CAP`].
    pub total_capped: bool,
    /// The cursor for the next page (keyset paging only; `None` at the end).
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// The same page with every item converted.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            page: self.page,
            per_page: self.per_page,
            total: self.total,
            total_capped: self.total_capped,
            next_cursor: self.next_cursor,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIELDS: &[&str] = &["name", "created_at", "id"];
    const DEFAULT: SortKey = SortKey { field: "id", desc: false };

    #[test]
    fn sort_spec_parses_directions() {
        let keys = parse_sort(Some("-created_at,name"), FIELDS, DEFAULT).expect("valid");
        assert_eq!(keys, vec![SortKey { field: "created_at", desc: true }, SortKey { field: "name", desc: false }]);
        assert_eq!(sort_spec(&keys), "-created_at,name");
    }

    #[test]
    fn unknown_sort_field_is_rejected() {
        assert!(matches!(parse_sort(Some("password"), FIELDS, DEFAULT), Err(DomainError::Invalid(_))));
        assert!(matches!(parse_sort(Some("name,-name"), FIELDS, DEFAULT), Err(DomainError::Invalid(_))));
    }

    #[test]
    fn cursor_round_trips_and_rejects_garbage() {
        let c = Cursor { sort: "-created_at".into(), value: Some("2026-01-01T00:00:00".into()), id: 42 };
        assert_eq!(Cursor::decode(&c.encode()).expect("valid"), c);
        assert!(Cursor::decode("bm9wZQ").is_err());
    }

    #[test]
    fn page_size_is_capped() {
        assert!(Paging::from_query(None, Some(201), None, None).is_err());
        assert!(Paging::from_query(Some(0), None, None, None).is_err());
        assert!(Paging::from_query(Some(u64::MAX), Some(200), None, None).is_err());
        assert!(Paging::from_query(Some(MAX_PAGE), Some(200), None, None).is_ok());
        assert!(Paging::from_query(Some(MAX_PAGE + 1), Some(1), None, None).is_err(), "whatever the page size");
        assert_eq!(
            Paging::from_query(None, None, Some(""), None).expect("valid"),
            Paging::Cursor { after: None, per_page: DEFAULT_PER_PAGE }
        );
    }
}
