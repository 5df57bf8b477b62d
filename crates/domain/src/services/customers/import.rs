//! CSV import: every row validated, every problem reported, all rows or none.

use std::collections::HashMap;

use chrono::NaiveDate;
use sea_orm::{DatabaseConnection, TransactionTrait};

use super::{Customer, NewCustomer, insert, today};
use crate::error::{DomainError, FieldError, Result};
use crate::repo::audit::{self, Change};
use crate::repo::customers as repo;
use crate::rules::validate::Problems;
use crate::services::snapshot;
use crate::time::{now, utc};
use crate::{Action, Actor};

/// The columns an import file may have, in any order; `name` is required.
pub const IMPORT_COLUMNS: &[&str] =
    &["name", "email", "phone", "address", "city", "birthday", "company", "tags", "source", "notes"];

/// The outcome of an accepted import.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportReport {
    /// Customers created.
    pub imported: u64,
}

struct Row {
    line: u64,
    customer: NewCustomer,
}

fn header_index(headers: &csv::StringRecord) -> Result<HashMap<&'static str, usize>> {
    let mut errors = Vec::new();
    let mut index = HashMap::new();
    for (i, h) in headers.iter().enumerate() {
        let name = h.trim().trim_start_matches('\u{feff}').to_lowercase();
        match IMPORT_COLUMNS.iter().find(|c| **c == name) {
            Some(c) if index.insert(*c, i).is_some() => {
                errors.push(FieldError::at_line(1, name, "column appears twice"));
            }
            Some(_) => {}
            None => errors.push(FieldError::at_line(
                1,
                name,
                format!("unknown column; allowed: {}", IMPORT_COLUMNS.join(", ")),
            )),
        }
    }
    if !index.contains_key("name") {
        errors.push(FieldError::at_line(1, "name", "the name column is required"));
    }
    if errors.is_empty() { Ok(index) } else { Err(DomainError::ImportRejected(errors)) }
}

fn parse_row(
    record: &csv::StringRecord,
    cols: &HashMap<&'static str, usize>,
    line: u64,
    today: NaiveDate,
    errors: &mut Vec<FieldError>,
) -> Option<NewCustomer> {
    let cell = |name: &str| -> Option<String> {
        cols.get(name).and_then(|i| record.get(*i)).map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned)
    };
    let mut p = Problems::default();
    let birthday = cell("birthday").and_then(|b| match NaiveDate::parse_from_str(&b, "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            p.add("birthday", "must be a date like 1990-05-17");
            None
        }
    });
    let input = NewCustomer {
        name: cell("name").unwrap_or_default(),
        email: cell("email"),
        phone: cell("phone"),
        address: cell("address"),
        birthday,
        company: cell("company"),
        city: cell("city"),
        tags: cell("tags")
            .map(|t| t.split(';').map(str::to_owned).filter(|s| !s.trim().is_empty()).collect())
            .unwrap_or_default(),
        owner_id: None,
        source: Some(cell("source").unwrap_or_else(|| "import".to_owned())),
        notes: cell("notes"),
    };
    let cleaned = input.clean(&mut p, today);
    if p.0.is_empty() {
        Some(cleaned)
    } else {
        errors.extend(p.0.into_iter().map(|e| FieldError { line: Some(line), ..e }));
        None
    }
}

/// A CSV file read and checked row by row, before the database is asked anything.
#[derive(Debug)]
pub struct ParsedImport {
    /// Valid rows with their line.
    pub rows: Vec<(u64, NewCustomer)>,
    /// Every problem found, with its line.
    pub errors: Vec<FieldError>,
}

/// Reads CSV text with a header row of [`IMPORT_COLUMNS`]: every row is checked on
/// its own and against the earlier rows (repeated emails). Pure: any input gives rows
/// and errors or a rejected header, never a panic (a property test feeds it noise).
///
/// # Errors
/// `ImportRejected` for an unreadable or wrong header.
pub fn parse_csv(data: &[u8], today: NaiveDate) -> Result<ParsedImport> {
    let mut reader = csv::ReaderBuilder::new().has_headers(true).flexible(false).from_reader(data);
    let headers = reader
        .headers()
        .map_err(|e| DomainError::ImportRejected(vec![FieldError::at_line(1, "file", e.to_string())]))?
        .clone();
    let cols = header_index(&headers)?;
    let mut errors = Vec::new();
    let mut rows = Vec::new();
    let mut first_line_of: HashMap<String, u64> = HashMap::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                errors.push(FieldError::at_line(line, "row", format!("unreadable row: {e}")));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        let Some(customer) = parse_row(&record, &cols, line, today, &mut errors) else { continue };
        if let Some(key) = customer.email.as_ref().map(|e| e.to_lowercase()) {
            if let Some(first) = first_line_of.get(&key) {
                errors.push(FieldError::at_line(line, "email", format!("duplicates the email on line {first}")));
                continue;
            }
            first_line_of.insert(key, line);
        }
        rows.push((line, customer));
    }
    if rows.is_empty() && errors.is_empty() {
        errors.push(FieldError::at_line(2, "file", "has no data rows"));
    }
    Ok(ParsedImport { rows, errors })
}

/// Imports customers from CSV text with a header row of [`IMPORT_COLUMNS`].
///
/// Tags are separated by `;`. A row without a source gets `import`. Nothing is
/// written unless every row is valid and no email is taken (in the file or already).
///
/// # Errors
/// `Forbidden`; `ImportRejected` listing every bad row with its line; database failures.
pub async fn import_csv(db: &DatabaseConnection, actor: &Actor, data: &[u8]) -> Result<ImportReport> {
    actor.require(Action::CustomersImport)?;
    let ParsedImport { rows, mut errors } = parse_csv(data, today())?;
    let rows: Vec<Row> = rows.into_iter().map(|(line, customer)| Row { line, customer }).collect();
    let keys: Vec<String> = rows.iter().filter_map(|r| r.customer.email.as_ref().map(|e| e.to_lowercase())).collect();
    let taken = repo::ids_by_emails(db, &keys).await?;
    for row in &rows {
        if let Some(id) = row.customer.email.as_ref().and_then(|e| taken.get(&e.to_lowercase())) {
            errors.push(FieldError::at_line(row.line, "email", format!("already belongs to customer {id}")));
        }
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.line);
        return Err(DomainError::ImportRejected(errors));
    }

    let txn = db.begin().await?;
    let mut changes = Vec::with_capacity(rows.len());
    let at = utc(now());
    let hooks = crate::services::webhooks::Subscribers::load(&txn).await?;
    for row in rows {
        let id = insert(&txn, row.customer.clone()).await?;
        let c = row.customer;
        let created = Customer {
            id,
            name: c.name,
            email: c.email,
            phone: c.phone,
            address: c.address,
            birthday: c.birthday,
            company: c.company,
            city: c.city,
            tags: c.tags,
            owner_id: c.owner_id,
            source: c.source,
            notes: c.notes,
            created_at: at,
            updated_at: at,
            version: 1,
        };
        hooks.emit(&txn, "customer.created", &created).await?;
        changes.push(Change {
            entity: "customer",
            entity_id: id,
            action: "import",
            before: None,
            after: snapshot(&created),
        });
    }
    let imported = changes.len() as u64;
    audit::record_many(&txn, actor, changes).await?;
    txn.commit().await?;
    Ok(ImportReport { imported })
}
