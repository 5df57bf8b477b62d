//! Order bodies and query parameters.

use chrono::{DateTime, NaiveDate, Utc};
use rapport_domain::list::Paging;
use rapport_domain::repo::orders::OrderFilter;
use rapport_domain::services::orders as svc;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::quotes::{DocumentLine, DocumentLineInput};
use crate::error::ApiError;

/// An order. Amounts are computed by the server with the quote rules (half-even to
/// cents at each step): total_amount = Σ line totals + tax_total, tax_total =
/// round(Σ line totals × tax_rate / 100). An order from a quote copies its amounts.
#[derive(Debug, Serialize, ToSchema)]
pub struct Order {
    pub id: i64,
    #[schema(example = "O-2026-000012")]
    pub number: String,
    pub customer_id: i64,
    /// The accepted quote it came from.
    pub quote_id: Option<i64>,
    /// The customer's owner (or the creator); for orders from quotes, the quote's owner.
    pub owner_id: Option<i64>,
    pub order_date: NaiveDate,
    /// One of pending, paid, shipped, completed, cancelled.
    #[schema(example = "pending")]
    pub status: String,
    #[schema(example = "CNY")]
    pub currency: String,
    /// Percent, decimal string with two places.
    #[schema(value_type = String, example = "13.00")]
    pub tax_rate: Decimal,
    pub notes: Option<String>,
    pub lines: Vec<DocumentLine>,
    #[schema(value_type = String, example = "369.40")]
    pub tax_total: Decimal,
    #[schema(value_type = String, example = "3210.96")]
    pub total_amount: Decimal,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Increases with every change; send it back in `If-Match`.
    pub version: i32,
}

impl From<svc::Order> for Order {
    fn from(o: svc::Order) -> Self {
        Self {
            id: o.id,
            number: o.number,
            customer_id: o.customer_id,
            quote_id: o.quote_id,
            owner_id: o.owner_id,
            order_date: o.order_date,
            status: o.status,
            currency: o.currency,
            tax_rate: o.tax_rate,
            notes: o.notes,
            lines: o.lines.into_iter().map(DocumentLine::from).collect(),
            tax_total: o.tax_total,
            total_amount: o.total_amount,
            created_at: o.created_at,
            updated_at: o.updated_at,
            version: o.version,
        }
    }
}

/// A new order. Totals are never sent: the server computes them.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderCreate {
    /// A customer you can see.
    pub customer_id: i64,
    /// Defaults to today (UTC).
    pub order_date: Option<NaiveDate>,
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

impl From<OrderCreate> for svc::NewOrder {
    fn from(o: OrderCreate) -> Self {
        Self {
            customer_id: o.customer_id,
            order_date: o.order_date,
            currency: o.currency,
            tax_rate: o.tax_rate,
            notes: o.notes,
            lines: o.lines.into_iter().map(Into::into).collect(),
        }
    }
}

/// A status move.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderStatusChange {
    /// pending → paid | cancelled; paid → shipped | cancelled; shipped → completed.
    #[schema(example = "paid")]
    pub status: String,
    /// Why, kept in the audit log.
    #[schema(max_length = 2000)]
    pub note: Option<String>,
}

/// List parameters: filters, sorting and paging.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OrderQuery {
    pub customer_id: Option<i64>,
    /// One of pending, paid, shipped, completed, cancelled.
    pub status: Option<String>,
    /// Owner's user id.
    pub owner_id: Option<i64>,
    /// Order date on or after.
    pub date_from: Option<NaiveDate>,
    /// Order date on or before.
    pub date_to: Option<NaiveDate>,
    /// Total amount at least (decimal string).
    #[param(value_type = Option<String>, example = "100.00")]
    pub total_from: Option<Decimal>,
    /// Total amount at most (decimal string).
    #[param(value_type = Option<String>, example = "5000.00")]
    pub total_to: Option<Decimal>,
    /// Comma list of id, number, order_date, total, created_at; `-` for descending. Default `-order_date`.
    pub sort: Option<String>,
    /// Page number from 1 (not with `cursor`).
    #[param(minimum = 1)]
    pub page: Option<u64>,
    /// Rows per page, 1–200, default 25.
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u64>,
    /// Keyset paging: empty for the first page, then the `next_cursor` of the previous one.
    /// Sorts by one of id, number, order_date, total, created_at.
    pub cursor: Option<String>,
    /// `false` skips counting the total.
    pub count: Option<bool>,
}

impl OrderQuery {
    /// Splits into the filter, the sort spec and the paging.
    ///
    /// # Errors
    /// `validation_failed` for bad paging or amount values.
    pub fn split(self) -> Result<(OrderFilter, Option<String>, Paging), ApiError> {
        let paging = super::paging(self.page, self.per_page, self.cursor.as_deref(), self.count)?;
        let filter = OrderFilter {
            customer_id: self.customer_id,
            status: self.status,
            owner_id: self.owner_id,
            date_from: self.date_from,
            date_to: self.date_to,
            total_from: svc::amount_filter("total_from", self.total_from)?,
            total_to: svc::amount_filter("total_to", self.total_to)?,
        };
        Ok((filter, self.sort, paging))
    }
}

/// Parameters of a customer's order list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CustomerOrderQuery {
    /// One of pending, paid, shipped, completed, cancelled.
    pub status: Option<String>,
    /// Comma list of id, number, order_date, total, created_at; `-` for descending. Default `-order_date`.
    pub sort: Option<String>,
    /// Page number from 1 (not with `cursor`).
    #[param(minimum = 1)]
    pub page: Option<u64>,
    /// Rows per page, 1–200, default 25.
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u64>,
    /// Keyset paging: empty for the first page, then the `next_cursor` of the previous one.
    pub cursor: Option<String>,
    /// `false` skips counting the total.
    pub count: Option<bool>,
}

impl CustomerOrderQuery {
    /// Splits into the filter, the sort spec and the paging.
    ///
    /// # Errors
    /// `validation_failed` for bad paging values.
    pub fn split(self) -> Result<(OrderFilter, Option<String>, Paging), ApiError> {
        let paging = super::paging(self.page, self.per_page, self.cursor.as_deref(), self.count)?;
        Ok((OrderFilter { status: self.status, ..Default::default() }, self.sort, paging))
    }
}

super::page_type!(OrderPage, Order, svc::Order, "orders");

/// The outcome of an accepted order import.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct OrderImportResult {
    /// Orders created.
    pub orders: u64,
    /// Order lines created.
    pub lines: u64,
}
