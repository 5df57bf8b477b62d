//! The order as the outside world sees it, and the fields a new one is made from.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::entities::{order, order_line};
use crate::money::{from_bp, from_cents};
use crate::services::quotes::lines::{DocumentLine, NewLine};
use crate::time::utc;

/// An order as the outside world sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Order {
    pub id: i64,
    /// `O-2026-000012`.
    pub number: String,
    pub customer_id: i64,
    /// The accepted quote it came from.
    pub quote_id: Option<i64>,
    pub owner_id: Option<i64>,
    pub order_date: NaiveDate,
    /// `pending`, `paid`, `shipped`, `completed` or `cancelled`.
    pub status: String,
    pub currency: String,
    /// Percent.
    pub tax_rate: Decimal,
    pub notes: Option<String>,
    pub lines: Vec<DocumentLine>,
    /// round(Σ line totals × tax rate / 100).
    pub tax_total: Decimal,
    /// Σ line totals + tax total.
    pub total_amount: Decimal,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

impl Order {
    pub(super) fn build(m: order::Model, lines: Vec<order_line::Model>) -> Self {
        Self {
            id: m.id,
            number: m.number,
            customer_id: m.customer_id,
            quote_id: m.quote_id,
            owner_id: m.owner_id,
            order_date: m.order_date,
            status: m.status,
            currency: m.currency,
            tax_rate: from_bp(m.tax_rate_bp),
            notes: m.notes,
            lines: lines.into_iter().map(DocumentLine::from).collect(),
            tax_total: from_cents(m.tax_cents),
            total_amount: from_cents(m.total_cents),
            created_at: utc(m.created_at),
            updated_at: utc(m.updated_at),
            version: m.version,
        }
    }
}

/// The fields an order is created from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NewOrder {
    pub customer_id: i64,
    /// Defaults to today (UTC).
    pub order_date: Option<NaiveDate>,
    /// Three upper-case letters; defaults to `CNY`.
    pub currency: Option<String>,
    /// Percent, 0–100 with two places; defaults to 0.
    pub tax_rate: Option<Decimal>,
    pub notes: Option<String>,
    /// At least one; lines without a price take the product's.
    pub lines: Vec<NewLine>,
}
