//! CSV import: every row validated, every problem reported, all rows or none.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement, TransactionTrait};

use super::{Customer, NewCustomer, customer_row, today};
use crate::entities::{customer, customer_tag};
use crate::error::{DomainError, FieldError, Result};
use crate::repo::batch::{Batcher, execute_all, rows_per_insert};
use crate::repo::customer_search::Deferred;
use crate::repo::customers as repo;
use crate::rules::validate::Problems;
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

/// Where each of [`IMPORT_COLUMNS`] is in a row, if the file has it.
struct Cols([Option<usize>; IMPORT_COLUMNS.len()]);

impl Cols {
    fn get(&self, name: &str) -> Option<usize> {
        IMPORT_COLUMNS.iter().position(|c| *c == name).and_then(|i| self.0[i])
    }
}

fn header_index(headers: &csv::StringRecord) -> Result<Cols> {
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
    if !errors.is_empty() {
        return Err(DomainError::ImportRejected(errors));
    }
    Ok(Cols(std::array::from_fn(|i| index.get(IMPORT_COLUMNS[i]).copied())))
}

fn parse_row(
    record: &csv::StringRecord,
    cols: &Cols,
    line: u64,
    today: NaiveDate,
    errors: &mut Vec<FieldError>,
) -> Option<NewCustomer> {
    let cell = |name: &str| -> Option<String> {
        cols.get(name).and_then(|i| record.get(i)).map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned)
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
    cols: Cols,
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
    let mut rows = Vec::new();
    let errors = read_checked(data, today, |line, customer| rows.push((line, customer)))?;
    Ok(ParsedImport { rows, errors })
}

/// Reads every row, checks it on its own and against the earlier rows, and hands each
/// valid one to `keep`; returns the problems. The import keeps no rows on this first
/// reading: a million rows kept as customers would take gigabytes.
fn read_checked(data: &[u8], today: NaiveDate, mut keep: impl FnMut(u64, NewCustomer)) -> Result<Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut emails = FileEmails::default();
    let mut rows = 0u64;
    for row in Rows::new(data, today)? {
        match row {
            Ok((line, customer)) => match emails.check(line, &customer) {
                Ok(()) => {
                    rows += 1;
                    keep(line, customer);
                }
                Err(e) => errors.push(e),
            },
            Err(e) => errors.extend(e),
        }
    }
    if rows == 0 && errors.is_empty() {
        errors.push(FieldError::at_line(2, "file", "has no data rows"));
    }
    Ok(errors)
}

/// The rows of a file whose email belongs to a live customer already, as problems.
async fn taken_emails(db: &impl ConnectionTrait, data: &[u8], today: NaiveDate) -> Result<Vec<FieldError>> {
    let mut emails = FileEmails::default();
    for (line, customer) in Rows::new(data, today)?.flatten() {
        let _repeat_reported_already = emails.check(line, &customer);
    }
    let (keys, lines): (Vec<String>, Vec<u64>) = emails.0.into_iter().unzip();
    let taken = repo::ids_by_emails(db, &keys).await?;
    Ok(keys
        .iter()
        .zip(lines)
        .filter_map(|(key, line)| {
            let id = taken.get(key)?;
            Some(FieldError::at_line(line, "email", format!("already belongs to customer {id}")))
        })
        .collect())
}

fn rejected(mut errors: Vec<FieldError>) -> DomainError {
    errors.sort_by_key(|e| e.line);
    DomainError::ImportRejected(errors)
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
/// an email was taken by someone else while the file was being written; database
/// failures.
pub async fn import_csv(db: &DatabaseConnection, actor: &Actor, data: &[u8]) -> Result<ImportReport> {
    actor.require(Action::CustomersImport)?;
    let today = today();
    // The file is read twice: once to check it whole, once to write it in batches.
    // Reading again costs far less than keeping every row in memory until the end.
    let mut errors = read_checked(data, today, |_, _| {})?;
    if !errors.is_empty() {
        errors.extend(taken_emails(db, data, today).await?);
        return Err(rejected(errors));
    }
    // Emails taken already are found by the unique index while writing rather than
    // looked up first: for a valid file of a million rows the lookup costs seconds.
    // A file that hits one is rolled back, and only then are its taken emails listed.
    match crate::repo::page_cache::bulk(db, write_file(db, actor, data, today)).await {
        Err(DomainError::Duplicate { message, existing_id }) => {
            let taken = taken_emails(db, data, today).await?;
            if taken.is_empty() {
                // Taken by a transaction that has not committed (or has been undone since).
                Err(DomainError::Duplicate { message, existing_id })
            } else {
                Err(rejected(taken))
            }
        }
        written => written,
    }
}

/// Writes the rows of a checked file in one transaction, batch by batch, and indexes
/// the customers for the search once they are all in ([`Deferred`]).
///
/// The customers of a batch are inserted first (their ids are needed for the rest);
/// then their events and audit entries are made into statements on a blocking thread
/// while the database works on the previous batch, so that the JSON and the statements
/// are built while the database writes, not between its writes. Tags are carried over
/// from batch to batch into full statements: fewer, same-sized statements.
async fn write_file(db: &DatabaseConnection, actor: &Actor, data: &[u8], today: NaiveDate) -> Result<ImportReport> {
    let txn = db.begin().await?;
    let backend = txn.get_database_backend();
    let hooks = Subscribers::load(&txn).await?;
    let at = now();
    let mut imported = 0;
    let mut building: Option<tokio::task::JoinHandle<Result<Dependants>>> = None;
    let mut tags = Vec::new();
    let tags_per_insert = rows_per_insert::<customer_tag::Entity>(backend);
    let mut batches = Batches::new(Rows::new(data, today)?, backend);
    let mut search = Deferred::start(&txn).await?;
    while let Some(batch) = batches.next_batch()? {
        let ids = repo::insert_many(&txn, batch.iter().map(|c| customer_row(c, at)).collect())
            .await
            .map_err(|e| crate::repo::unique_violation(e, || "a customer already has an email of the file".into()))?;
        imported += ids.len() as u64;
        search.inserted(ids.iter().copied());
        let (actor, hooks) = (actor.clone(), hooks.clone());
        let next = tokio::task::spawn_blocking(move || dependants(backend, &actor, &hooks, at, batch, ids));
        if let Some(previous) = building.replace(next) {
            let previous = joined(previous.await)?;
            tags.extend(previous.tags);
            while tags.len() >= tags_per_insert {
                let rest = tags.split_off(tags_per_insert);
                repo::insert_tags(&txn, std::mem::replace(&mut tags, rest)).await?;
            }
            execute_all(&txn, previous.statements).await?;
        }
    }
    if let Some(last) = building {
        let last = joined(last.await)?;
        tags.extend(last.tags);
        execute_all(&txn, last.statements).await?;
    }
    repo::insert_tags(&txn, tags).await?;
    search.index(&txn).await?;
    txn.commit().await?;
    Ok(ImportReport { imported })
}

fn joined(r: std::result::Result<Result<Dependants>, tokio::task::JoinError>) -> Result<Dependants> {
    r.map_err(|e| DomainError::Internal(format!("building an import batch: {e}")))?
}

/// Valid rows of a checked file gathered into insert batches.
struct Batches<'a> {
    rows: Rows<'a>,
    batcher: Batcher<NewCustomer>,
}

impl<'a> Batches<'a> {
    fn new(rows: Rows<'a>, backend: DbBackend) -> Self {
        Self { rows, batcher: Batcher::for_insert::<customer::Entity>(backend) }
    }

    fn next_batch(&mut self) -> Result<Option<Vec<NewCustomer>>> {
        for row in self.rows.by_ref() {
            let (_, c) = row.map_err(|_| DomainError::Internal("the import file read differently twice".into()))?;
            let bytes = approx_bytes(&c);
            if let Some(batch) = self.batcher.push(c, bytes) {
                return Ok(Some(batch));
            }
        }
        let rest = self.batcher.take();
        Ok((!rest.is_empty()).then_some(rest))
    }
}

/// What a batch of inserted customers gets besides its rows: what
/// [`super::create_in`] writes for one customer (tags, `customer.created` events for
/// the subscriptions that want them, audit entries).
struct Dependants {
    /// (customer id, tag) pairs.
    tags: Vec<(i64, String)>,
    /// The INSERTs of the events and audit entries.
    statements: Vec<Statement>,
}

fn dependants(
    backend: DbBackend,
    actor: &Actor,
    hooks: &Subscribers,
    at: NaiveDateTime,
    batch: Vec<NewCustomer>,
    ids: Vec<i64>,
) -> Result<Dependants> {
    let tags = ids.iter().zip(&batch).flat_map(|(id, c)| c.tags.iter().map(|t| (*id, t.clone()))).collect();
    let created: Vec<Customer> = ids.into_iter().zip(batch).map(|(id, c)| Customer::created(id, c, at)).collect();
    let created: Vec<&Customer> = created.iter().collect();
    let statements = super::creation_statements(backend, hooks, actor, "import", &created, now())?;
    Ok(Dependants { tags, statements })
}

/// About the data a customer puts into one statement (its row, its audit entry, its
/// event): the texts plus the fixed fields and JSON keys.
fn approx_bytes(c: &NewCustomer) -> usize {
    let texts = [&c.email, &c.phone, &c.address, &c.company, &c.city, &c.source, &c.notes];
    300 + c.name.len()
        + texts.iter().map(|t| t.as_ref().map_or(0, String::len)).sum::<usize>()
        + c.tags.iter().map(|t| t.len() + 3).sum::<usize>()
}
