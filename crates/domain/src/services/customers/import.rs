//! CSV import: every row validated, every problem reported, all rows or none.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use sea_orm::{ConnectionTrait, DatabaseConnection, TransactionTrait};

use super::{Customer, NewCustomer, customer_row, today};
use crate::entities::customer;
use crate::error::{DomainError, FieldError, Result};
use crate::repo::audit::{self, Change};
use crate::repo::batch::{Batcher, rows_per_insert};
use crate::repo::customers as repo;
use crate::rules::validate::Problems;
use crate::services::snapshot;
use crate::services::webhooks::Subscribers;
use crate::time::now;
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

/// The data rows of a CSV file, read and checked one at a time: a valid row with its
/// line, or the problems of a bad one.
struct Rows<'a> {
    reader: csv::Reader<&'a [u8]>,
    record: csv::StringRecord,
    cols: HashMap<&'static str, usize>,
    today: NaiveDate,
}

impl<'a> Rows<'a> {
    fn new(data: &'a [u8], today: NaiveDate) -> Result<Self> {
        let mut reader = csv::ReaderBuilder::new().has_headers(true).flexible(false).from_reader(data);
        let headers = reader
            .headers()
            .map_err(|e| DomainError::ImportRejected(vec![FieldError::at_line(1, "file", e.to_string())]))?;
        let cols = header_index(headers)?;
        Ok(Self { reader, record: csv::StringRecord::new(), cols, today })
    }
}

impl Iterator for Rows<'_> {
    type Item = std::result::Result<(u64, NewCustomer), Vec<FieldError>>;

    fn next(&mut self) -> Option<Self::Item> {
        match self.reader.read_record(&mut self.record) {
            Ok(false) => None,
            Ok(true) => {
                let line = self.record.position().map_or(0, |p| p.line());
                let mut errors = Vec::new();
                Some(
                    parse_row(&self.record, &self.cols, line, self.today, &mut errors).map(|c| (line, c)).ok_or(errors),
                )
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                Some(Err(vec![FieldError::at_line(line, "row", format!("unreadable row: {e}"))]))
            }
        }
    }
}

/// The first line of each (lower-cased) email of a file, so that a repeat is reported.
#[derive(Default)]
struct FileEmails(HashMap<String, u64>);

impl FileEmails {
    fn check(&mut self, line: u64, customer: &NewCustomer) -> std::result::Result<(), FieldError> {
        let Some(key) = customer.email.as_ref().map(|e| e.to_lowercase()) else { return Ok(()) };
        if let Some(first) = self.0.get(&key) {
            return Err(FieldError::at_line(line, "email", format!("duplicates the email on line {first}")));
        }
        self.0.insert(key, line);
        Ok(())
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
    let mut errors = Vec::new();
    let mut rows = Vec::new();
    let mut emails = FileEmails::default();
    for row in Rows::new(data, today)? {
        match row {
            Ok((line, customer)) => match emails.check(line, &customer) {
                Ok(()) => rows.push((line, customer)),
                Err(e) => errors.push(e),
            },
            Err(e) => errors.extend(e),
        }
    }
    if rows.is_empty() && errors.is_empty() {
        errors.push(FieldError::at_line(2, "file", "has no data rows"));
    }
    Ok(ParsedImport { rows, errors })
}

/// What the first reading of a file keeps: its problems and the first line of each
/// email, not the rows themselves (a million rows as customers would take gigabytes).
struct Checked {
    errors: Vec<FieldError>,
    emails: FileEmails,
}

fn check_file(data: &[u8], today: NaiveDate) -> Result<Checked> {
    let mut errors = Vec::new();
    let mut emails = FileEmails::default();
    let mut rows = 0u64;
    for row in Rows::new(data, today)? {
        match row {
            Ok((line, customer)) => match emails.check(line, &customer) {
                Ok(()) => rows += 1,
                Err(e) => errors.push(e),
            },
            Err(e) => errors.extend(e),
        }
    }
    if rows == 0 && errors.is_empty() {
        errors.push(FieldError::at_line(2, "file", "has no data rows"));
    }
    Ok(Checked { errors, emails })
}

/// Imports customers from CSV text with a header row of [`IMPORT_COLUMNS`].
///
/// Tags are separated by `;`. A row without a source gets `import`. Nothing is
/// written unless every row is valid and no email is taken (in the file or already).
/// Each customer gets what [`super::create`] gives one (row, tags, audit entry,
/// `customer.created` event), written with multi-row inserts in one transaction.
///
/// # Errors
/// `Forbidden`; `ImportRejected` listing every bad row with its line; `Duplicate` when
/// an email was taken while the file was being written; database failures.
pub async fn import_csv(db: &DatabaseConnection, actor: &Actor, data: &[u8]) -> Result<ImportReport> {
    actor.require(Action::CustomersImport)?;
    let today = today();
    // The file is read twice: once to check it whole, once to write it in batches.
    // Reading again costs far less than keeping every row in memory until the end.
    let Checked { mut errors, emails } = check_file(data, today)?;
    let (keys, lines): (Vec<String>, Vec<u64>) = emails.0.into_iter().unzip();
    let taken = repo::ids_by_emails(db, &keys).await?;
    for (key, line) in keys.iter().zip(lines) {
        if let Some(id) = taken.get(key) {
            errors.push(FieldError::at_line(line, "email", format!("already belongs to customer {id}")));
        }
    }
    drop(keys);
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.line);
        return Err(DomainError::ImportRejected(errors));
    }

    let txn = db.begin().await?;
    let hooks = Subscribers::load(&txn).await?;
    let at = now();
    let mut imported = 0;
    let mut batcher = Batcher::new(rows_per_insert::<customer::Entity>());
    for row in Rows::new(data, today)? {
        let (_, c) = row.map_err(|_| DomainError::Internal("the import file read differently twice".into()))?;
        let bytes = approx_bytes(&c);
        if let Some(batch) = batcher.push(c, bytes) {
            imported += write_batch(&txn, actor, &hooks, at, batch).await?;
        }
    }
    imported += write_batch(&txn, actor, &hooks, at, batcher.take()).await?;
    txn.commit().await?;
    Ok(ImportReport { imported })
}

/// About the data a customer puts into one statement (its row, its audit entry, its
/// event): the texts plus the fixed fields and JSON keys.
fn approx_bytes(c: &NewCustomer) -> usize {
    let texts = [&c.email, &c.phone, &c.address, &c.company, &c.city, &c.source, &c.notes];
    300 + c.name.len()
        + texts.iter().map(|t| t.as_ref().map_or(0, String::len)).sum::<usize>()
        + c.tags.iter().map(|t| t.len() + 3).sum::<usize>()
}

/// Writes a batch of customers the way [`super::create_in`] writes one: rows, tags,
/// events and audit entries, each with multi-row inserts.
async fn write_batch(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    hooks: &Subscribers,
    at: NaiveDateTime,
    batch: Vec<NewCustomer>,
) -> Result<u64> {
    if batch.is_empty() {
        return Ok(0);
    }
    let ids = repo::insert_many(txn, batch.iter().map(|c| customer_row(c, at)).collect())
        .await
        .map_err(|e| crate::repo::unique_violation(e, || "a customer already has an email of the file".to_owned()))?;
    let tags = ids.iter().zip(&batch).flat_map(|(id, c)| c.tags.iter().map(|t| (*id, t.clone()))).collect();
    repo::insert_tags(txn, tags).await?;
    let created: Vec<Customer> = ids.into_iter().zip(batch).map(|(id, c)| Customer::created(id, c, at)).collect();
    hooks.emit_each(txn, "customer.created", &created).await?;
    let changes: Vec<Change<'_>> = created
        .iter()
        .map(|c| Change { entity: "customer", entity_id: c.id, action: "import", before: None, after: snapshot(c) })
        .collect();
    audit::record_many(txn, actor, changes).await?;
    Ok(created.len() as u64)
}
