//! CSV export in keyset chunks, so that any number of rows streams in constant memory.

use super::Customer;
use crate::Actor;
use crate::error::{DomainError, Result};
use crate::list::{Cursor, Paging};
use crate::repo::customers::CustomerFilter;

/// The export's header row.
pub const EXPORT_HEADER: &[&str] = &[
    "id",
    "name",
    "email",
    "phone",
    "address",
    "city",
    "birthday",
    "company",
    "tags",
    "source",
    "notes",
    "owner_id",
    "created_at",
    "updated_at",
];

/// A cell that a spreadsheet would run as a formula gets a leading apostrophe (OWASP CSV injection).
fn text(s: Option<&str>) -> String {
    match s {
        Some(v) if v.starts_with(['=', '+', '-', '@', '\t', '\r']) => format!("'{v}"),
        Some(v) => v.to_owned(),
        None => String::new(),
    }
}

fn record(c: &Customer) -> Vec<String> {
    vec![
        c.id.to_string(),
        text(Some(&c.name)),
        c.email.clone().unwrap_or_default(),
        c.phone.clone().unwrap_or_default(),
        text(c.address.as_deref()),
        text(c.city.as_deref()),
        c.birthday.map(|d| d.to_string()).unwrap_or_default(),
        text(c.company.as_deref()),
        c.tags.join(";"),
        c.source.clone().unwrap_or_default(),
        text(c.notes.as_deref()),
        c.owner_id.map(|o| o.to_string()).unwrap_or_default(),
        c.created_at.to_rfc3339(),
        c.updated_at.to_rfc3339(),
    ]
}

/// The next chunk of the export, in id order: CSV rows (with the header when `after`
/// is `None`) and the id to continue after, `None` at the end.
///
/// # Errors
/// `Forbidden`, `Invalid` filters, database failures.
pub async fn export_chunk(
    db: &sea_orm::DatabaseConnection,
    actor: &Actor,
    filter: &CustomerFilter,
    after: Option<i64>,
    chunk: u64,
) -> Result<(Vec<u8>, Option<i64>)> {
    let cursor = after.map(|id| Cursor { sort: "id".into(), value: None, id });
    let paging = Paging::Cursor { after: cursor, per_page: chunk };
    let page = super::list(db, actor, filter, Some("id"), &paging).await?;
    let mut w = csv::Writer::from_writer(Vec::with_capacity(page.items.len() * 160));
    let io = |e: csv::Error| DomainError::Internal(format!("csv: {e}"));
    if after.is_none() {
        w.write_record(EXPORT_HEADER).map_err(io)?;
    }
    for c in &page.items {
        w.write_record(record(c)).map_err(io)?;
    }
    let bytes = w.into_inner().map_err(|e| DomainError::Internal(format!("csv: {e}")))?;
    let next = page.next_cursor.and(page.items.last().map(|c| c.id));
    Ok((bytes, next))
}
