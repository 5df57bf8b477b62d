//! Quote bodies and query parameters; the line types are shared with orders.

use chrono::{DateTime, NaiveDate, Utc};
use rapport_domain::list::Paging;
use rapport_domain::repo::quotes::QuoteFilter;
use rapport_domain::services::quotes as svc;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::patch;
use crate::error::ApiError;

/// One line of a quote or an order.
#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentLine {
    pub id: i64,
    /// 1-based, in the order the lines were sent.
    pub position: i32,
    pub product_id: Option<i64>,
    pub description: String,
    /// Decimal string, up to three places.
    #[schema(value_type = String, example = "2.5")]
    pub quantity: Decimal,
    /// Decimal string with two places.
    #[schema(value_type = String, example = "1299.00")]
    pub unit_price: Decimal,
    /// Percent, decimal string with two places.
    #[schema(value_type = String, example = "12.50")]
    pub discount_pct: Decimal,
    /// round(quantity × unit_price) − round(that × discount_pct / 100), half-even to cents.
    #[schema(value_type = String, example = "2841.56")]
    pub line_total: Decimal,
}

impl From<svc::DocumentLine> for DocumentLine {
    fn from(l: svc::DocumentLine) -> Self {
        Self {
            id: l.id,
            position: l.position,
            product_id: l.product_id,
            description: l.description,
            quantity: l.quantity,
            unit_price: l.unit_price,
            discount_pct: l.discount_pct,
            line_total: l.line_total,
        }
    }
}

/// A line to store. With a `product_id`, `description` defaults to the product's name
/// and `unit_price` to its price; without one, both are required.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DocumentLineInput {
    /// An active product of the catalogue.
    pub product_id: Option<i64>,
    #[schema(max_length = 500)]
    pub description: Option<String>,
    /// Decimal string, more than 0, at most 1000000, up to three places.
    #[serde(with = "rust_decimal::serde::str")]
    #[schema(value_type = String, example = "2.5", pattern = r"^\d{1,7}(\.\d{1,3})?$")]
    pub quantity: Decimal,
    /// Decimal string, 0.00–99999999.99.
    #[serde(default, with = "rust_decimal::serde::str_option")]
    #[schema(value_type = Option<String>, example = "1299.00", pattern = r"^\d{1,8}(\.\d{1,2})?$")]
    pub unit_price: Option<Decimal>,
    /// Percent, 0–100 with up to two places; default 0.
    #[serde(default, with = "rust_decimal::serde::str_option")]
    #[schema(value_type = Option<String>, example = "12.5", pattern = r"^\d{1,3}(\.\d{1,2})?$")]
    pub discount_pct: Option<Decimal>,
}

impl From<DocumentLineInput> for svc::NewLine {
    fn from(l: DocumentLineInput) -> Self {
        Self {
            product_id: l.product_id,
            description: l.description,
            quantity: l.quantity,
            unit_price: l.unit_price,
            discount_pct: l.discount_pct,
        }
    }
}

/// A quote. Every amount is computed by the server, rounded half-even (banker's
/// rounding) to two places at each step, so that the same lines always give the same
/// totals: line gross = round(quantity × unit_price); line discount = round(gross ×
/// discount_pct / 100); line_total = gross − discount; subtotal = Σ gross;
/// discount_total = Σ discounts; tax_total = round((subtotal − discount_total) ×
/// tax_rate / 100); total = subtotal − discount_total + tax_total.
///
/// A draft or sent quote whose `valid_until` lies before today (UTC) is reported as
/// `expired`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Quote {
    pub id: i64,
    #[schema(example = "Q-2026-000123")]
    pub number: String,
    pub customer_id: i64,
    /// The customer's name.
    pub customer_name: String,
    pub opportunity_id: Option<i64>,
    pub owner_id: Option<i64>,
    /// One of draft, sent, accepted, rejected, expired.
    #[schema(example = "draft")]
    pub status: String,
    pub valid_until: NaiveDate,
    #[schema(example = "CNY")]
    pub currency: String,
    /// Percent, decimal string with two places.
    #[schema(value_type = String, example = "13.00")]
    pub tax_rate: Decimal,
    pub notes: Option<String>,
    pub lines: Vec<DocumentLine>,
    #[schema(value_type = String, example = "3247.50")]
    pub subtotal: Decimal,
    #[schema(value_type = String, example = "405.94")]
    pub discount_total: Decimal,
    #[schema(value_type = String, example = "369.40")]
    pub tax_total: Decimal,
    #[schema(value_type = String, example = "3210.96")]
    pub total: Decimal,
    pub sent_at: Option<DateTime<Utc>>,
    /// When it was accepted or rejected.
    pub decided_at: Option<DateTime<Utc>>,
    /// The order created on acceptance.
    pub order_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Increases with every change; send it back in `If-Match`.
    pub version: i32,
}

impl From<svc::Quote> for Quote {
    fn from(q: svc::Quote) -> Self {
        Self {
            id: q.id,
            number: q.number,
            customer_id: q.customer_id,
            customer_name: q.customer_name,
            opportunity_id: q.opportunity_id,
            owner_id: q.owner_id,
            status: q.status,
            valid_until: q.valid_until,
            currency: q.currency,
            tax_rate: q.tax_rate,
            notes: q.notes,
            lines: q.lines.into_iter().map(DocumentLine::from).collect(),
            subtotal: q.subtotal,
            discount_total: q.discount_total,
            tax_total: q.tax_total,
            total: q.total,
            sent_at: q.sent_at,
            decided_at: q.decided_at,
            order_id: q.order_id,
            created_at: q.created_at,
            updated_at: q.updated_at,
            version: q.version,
        }
    }
}

/// A new draft quote. Totals are never sent: the server computes them.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuoteCreate {
    /// A customer you can see.
    pub customer_id: i64,
    /// An opportunity of the same customer.
    pub opportunity_id: Option<i64>,
    /// Defaults to the customer's owner, else you; a sales user may only name themselves.
    pub owner_id: Option<i64>,
    /// Defaults to today + 30 days; not in the past.
    pub valid_until: Option<NaiveDate>,
    /// Three upper-case letters; default CNY.
    #[schema(example = "CNY", pattern = "^[A-Z]{3}$")]
    pub currency: Option<String>,
    /// Percent, 0–100 with up to two places; default 0.
    #[serde(default, with = "rust_decimal::serde::str_option")]
    #[schema(value_type = Option<String>, example = "13", pattern = r"^\d{1,3}(\.\d{1,2})?$")]
    pub tax_rate: Option<Decimal>,
    #[schema(max_length = 10000)]
    pub notes: Option<String>,
    /// 1–200 lines.
    #[schema(min_items = 1, max_items = 200)]
    pub lines: Vec<DocumentLineInput>,
}

impl From<QuoteCreate> for svc::NewQuote {
    fn from(q: QuoteCreate) -> Self {
        Self {
            customer_id: q.customer_id,
            opportunity_id: q.opportunity_id,
            owner_id: q.owner_id,
            valid_until: q.valid_until,
            currency: q.currency,
            tax_rate: q.tax_rate,
            notes: q.notes,
            lines: q.lines.into_iter().map(Into::into).collect(),
        }
    }
}

/// Fields of a draft to change; absent fields stay, `lines` replaces every line.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuoteUpdate {
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<i64>)]
    pub opportunity_id: Option<Option<i64>>,
    pub owner_id: Option<i64>,
    pub valid_until: Option<NaiveDate>,
    #[schema(example = "CNY", pattern = "^[A-Z]{3}$")]
    pub currency: Option<String>,
    #[serde(default, with = "rust_decimal::serde::str_option")]
    #[schema(value_type = Option<String>, example = "13", pattern = r"^\d{1,3}(\.\d{1,2})?$")]
    pub tax_rate: Option<Decimal>,
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>, max_length = 10000)]
    pub notes: Option<Option<String>>,
    #[schema(min_items = 1, max_items = 200)]
    pub lines: Option<Vec<DocumentLineInput>>,
}

impl From<QuoteUpdate> for svc::QuoteChanges {
    fn from(q: QuoteUpdate) -> Self {
        Self {
            opportunity_id: q.opportunity_id,
            owner_id: q.owner_id,
            valid_until: q.valid_until,
            currency: q.currency,
            tax_rate: q.tax_rate,
            notes: q.notes,
            lines: q.lines.map(|l| l.into_iter().map(Into::into).collect()),
        }
    }
}

/// One line of a quote made for an opportunity: a product of the catalogue, at its price.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpportunityQuoteLine {
    /// An active product.
    pub product_id: i64,
    /// Decimal string, more than 0, at most 1000000, up to three places.
    #[serde(with = "rust_decimal::serde::str")]
    #[schema(value_type = String, example = "2", pattern = r"^\d{1,7}(\.\d{1,3})?$")]
    pub quantity: Decimal,
    /// Percent, 0–100 with up to two places; default 0.
    #[serde(default, with = "rust_decimal::serde::str_option")]
    #[schema(value_type = Option<String>, example = "5", pattern = r"^\d{1,3}(\.\d{1,2})?$")]
    pub discount_pct: Option<Decimal>,
}

/// A draft quote for an opportunity, priced from the catalogue.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpportunityQuoteCreate {
    /// 1–200 lines.
    #[schema(min_items = 1, max_items = 200)]
    pub lines: Vec<OpportunityQuoteLine>,
    /// Percent, 0–100 with up to two places; default 0.
    #[serde(default, with = "rust_decimal::serde::str_option")]
    #[schema(value_type = Option<String>, example = "13", pattern = r"^\d{1,3}(\.\d{1,2})?$")]
    pub tax_rate: Option<Decimal>,
    /// Defaults to today + 30 days.
    pub valid_until: Option<NaiveDate>,
}

impl From<OpportunityQuoteCreate> for svc::OpportunityQuote {
    fn from(q: OpportunityQuoteCreate) -> Self {
        Self {
            lines: q
                .lines
                .into_iter()
                .map(|l| svc::NewLine {
                    product_id: Some(l.product_id),
                    quantity: l.quantity,
                    discount_pct: l.discount_pct,
                    ..Default::default()
                })
                .collect(),
            tax_rate: q.tax_rate,
            valid_until: q.valid_until,
        }
    }
}

/// List parameters: filters, sorting and paging.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct QuoteQuery {
    pub customer_id: Option<i64>,
    pub opportunity_id: Option<i64>,
    /// Owner's user id.
    pub owner_id: Option<i64>,
    /// One of draft, sent, accepted, rejected, expired (as reported).
    pub status: Option<String>,
    /// Case-insensitive substring of the number.
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// Created at or after (RFC 3339).
    pub created_from: Option<DateTime<Utc>>,
    /// Created before (RFC 3339).
    pub created_to: Option<DateTime<Utc>>,
    /// Comma list of id, number, total, valid_until, created_at; `-` for descending. Default `-created_at`.
    pub sort: Option<String>,
    /// Page number from 1 (not with `cursor`).
    #[param(minimum = 1)]
    pub page: Option<u64>,
    /// Rows per page, 1–200, default 25.
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u64>,
    /// Keyset paging: empty for the first page, then the `next_cursor` of the previous one.
    /// Sorts by one of id, number, total, valid_until, created_at.
    pub cursor: Option<String>,
    /// `false` skips counting the total.
    pub count: Option<bool>,
}

impl QuoteQuery {
    /// Splits into the filter, the sort spec and the paging.
    ///
    /// # Errors
    /// `validation_failed` for bad paging values.
    pub fn split(self) -> Result<(QuoteFilter, Option<String>, Paging), ApiError> {
        let paging = super::paging(self.page, self.per_page, self.cursor.as_deref(), self.count)?;
        let filter = QuoteFilter {
            customer_id: self.customer_id,
            opportunity_id: self.opportunity_id,
            owner_id: self.owner_id,
            status: self.status,
            q: self.q.filter(|s| !s.trim().is_empty()),
            created_from: self.created_from.map(|t| t.naive_utc()),
            created_to: self.created_to.map(|t| t.naive_utc()),
        };
        Ok((filter, self.sort, paging))
    }
}

super::page_type!(QuotePage, Quote, svc::Quote, "quotes");
