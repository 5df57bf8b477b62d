//! Reading an order import: the header checked, then every row, each problem with its line.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use super::COLUMNS;
use crate::error::{DomainError, FieldError, Result};
use crate::money::{to_bp, to_cents, to_milli};
use crate::rules::transitions::{self, ORDER};

/// A row that reads well (whether its customer and product exist is checked later).
pub(super) struct Row {
    pub(super) line: u64,
    pub(super) order_ref: String,
    pub(super) email: String,
    pub(super) date: NaiveDate,
    pub(super) status: String,
    pub(super) sku: String,
    pub(super) quantity: Decimal,
    pub(super) unit_price: Decimal,
    pub(super) discount: Decimal,
}

pub(super) fn parse(data: &[u8], errors: &mut Vec<FieldError>) -> Result<Vec<Row>> {
    let mut reader = csv::ReaderBuilder::new().has_headers(true).from_reader(data);
    let headers = reader
        .headers()
        .map_err(|e| DomainError::ImportRejected(vec![FieldError::at_line(1, "file", e.to_string())]))?
        .clone();
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut header_errors = Vec::new();
    for (i, h) in headers.iter().enumerate() {
        let name = h.trim().trim_start_matches('\u{feff}').to_lowercase();
        match COLUMNS.iter().find(|c| **c == name) {
            Some(c) if index.insert(c, i).is_none() => {}
            Some(_) => header_errors.push(FieldError::at_line(1, name, "column appears twice")),
            None => header_errors.push(FieldError::at_line(
                1,
                name,
                format!("unknown column; allowed: {}", COLUMNS.join(", ")),
            )),
        }
    }
    for required in &COLUMNS[..7] {
        if !index.contains_key(required) {
            header_errors.push(FieldError::at_line(1, *required, "the column is required"));
        }
    }
    if !header_errors.is_empty() {
        return Err(DomainError::ImportRejected(header_errors));
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                errors.push(FieldError::at_line(
                    e.position().map_or(0, |p| p.line()),
                    "row",
                    format!("unreadable row: {e}"),
                ));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        let cell = |c: &str| index.get(c).and_then(|i| record.get(*i)).map(str::trim).unwrap_or_default();
        let mut bad = |field: &str, msg: &str| errors.push(FieldError::at_line(line, field, msg));
        let decimal = |s: &str| s.parse::<Decimal>().ok();
        let order_ref = cell("order_ref").to_owned();
        if order_ref.is_empty() || order_ref.chars().count() > 100 {
            bad("order_ref", "needs 1 to 100 characters");
        }
        let date = NaiveDate::parse_from_str(cell("order_date"), "%Y-%m-%d")
            .ok()
            .filter(|d| (1900..=9999).contains(&d.year()));
        if date.is_none() {
            bad("order_date", "must be a date like 2024-03-31");
        }
        let status = cell("status").to_lowercase();
        if !transitions::is_state(ORDER, &status) {
            bad("status", &format!("must be one of {}", transitions::states(ORDER).join(", ")));
        }
        let quantity = decimal(cell("quantity"))
            .filter(|q| *q > Decimal::ZERO && *q <= Decimal::from(1_000_000) && to_milli(*q).is_some());
        if quantity.is_none() {
            bad("quantity", "must be a number above 0 with at most three decimal places");
        }
        let unit_price = decimal(cell("unit_price"))
            .filter(|p| *p >= Decimal::ZERO && to_cents(*p).is_some_and(|c| c <= crate::money::MAX_PRICE_CENTS));
        if unit_price.is_none() {
            bad("unit_price", "must be an amount like 12.50");
        }
        let discount = match cell("discount_pct") {
            "" => Some(Decimal::ZERO),
            s => decimal(s).filter(|d| *d >= Decimal::ZERO && *d <= Decimal::ONE_HUNDRED && to_bp(*d).is_some()),
        };
        if discount.is_none() {
            bad("discount_pct", "must be a percentage from 0 to 100 with at most two places");
        }
        if let (Some(date), Some(quantity), Some(unit_price), Some(discount)) = (date, quantity, unit_price, discount) {
            rows.push(Row {
                line,
                order_ref,
                email: cell("customer_email").to_lowercase(),
                date,
                status,
                sku: cell("sku").to_lowercase(),
                quantity,
                unit_price,
                discount,
            });
        }
    }
    Ok(rows)
}
