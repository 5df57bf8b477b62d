//! What quotes and orders share: their lines (checked, defaulted from the catalogue
//! and priced with [`crate::rules::pricing`]), currency and tax rate.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use sea_orm::ConnectionTrait;
use serde::Serialize;

use crate::entities::{order_line, quote_line};
use crate::error::{DomainError, Result};
use crate::money::{MAX_PRICE_CENTS, from_bp, from_cents, from_milli, to_bp, to_cents, to_milli};
use crate::repo::products;
use crate::rules::pricing::{self, LineAmounts, Totals};
use crate::rules::validate::{self, Problems};

/// Most lines one quote or order may have.
pub const MAX_LINES: usize = 200;
/// The largest quantity of one line, in thousandths (1 000 000).
pub const MAX_QUANTITY_MILLI: i64 = 1_000_000_000;
/// The currency when none is given.
pub const DEFAULT_CURRENCY: &str = "CNY";

/// One line as the client describes it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NewLine {
    /// A catalogue product: its name and price are the line's defaults.
    pub product_id: Option<i64>,
    /// Defaults to the product's name; required without a product.
    pub description: Option<String>,
    /// More than 0, at most 1 000 000, at most three places.
    pub quantity: Decimal,
    /// Defaults to the product's price; required without a product.
    pub unit_price: Option<Decimal>,
    /// 0–100 with at most two places; defaults to 0.
    pub discount_pct: Option<Decimal>,
}

/// One stored line of a quote or an order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DocumentLine {
    pub id: i64,
    /// 1-based, in the order the lines were given.
    pub position: i32,
    pub product_id: Option<i64>,
    pub description: String,
    pub quantity: Decimal,
    pub unit_price: Decimal,
    pub discount_pct: Decimal,
    /// round(quantity × unit price) − round(that × discount % / 100).
    pub line_total: Decimal,
}

impl From<quote_line::Model> for DocumentLine {
    fn from(m: quote_line::Model) -> Self {
        Self {
            id: m.id,
            position: m.position,
            product_id: m.product_id,
            description: m.description,
            quantity: from_milli(m.quantity_milli),
            unit_price: from_cents(m.unit_price_cents),
            discount_pct: from_bp(m.discount_bp),
            line_total: from_cents(m.line_total_cents),
        }
    }
}

impl From<order_line::Model> for DocumentLine {
    fn from(m: order_line::Model) -> Self {
        Self {
            id: m.id,
            position: m.position,
            product_id: m.product_id,
            description: m.description,
            quantity: from_milli(m.quantity_milli),
            unit_price: from_cents(m.unit_price_cents),
            discount_pct: from_bp(m.discount_bp),
            line_total: from_cents(m.line_total_cents),
        }
    }
}

/// A checked and priced line, ready to be stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PricedLine {
    pub position: i32,
    pub product_id: Option<i64>,
    pub description: String,
    pub quantity_milli: i64,
    pub unit_price_cents: i64,
    pub discount_bp: i32,
    pub amounts: LineAmounts,
}

impl PricedLine {
    /// The stored total of the line.
    pub fn total_cents(&self) -> Result<i64> {
        cents(self.amounts.total)
    }

    /// The line as a quote line row.
    pub fn quote_row(&self, quote_id: i64) -> Result<quote_line::ActiveModel> {
        use sea_orm::ActiveValue::Set;
        Ok(quote_line::ActiveModel {
            quote_id: Set(quote_id),
            position: Set(self.position),
            product_id: Set(self.product_id),
            description: Set(self.description.clone()),
            quantity_milli: Set(self.quantity_milli),
            unit_price_cents: Set(self.unit_price_cents),
            discount_bp: Set(self.discount_bp),
            line_total_cents: Set(self.total_cents()?),
            ..Default::default()
        })
    }

    /// The line as an order line row.
    pub fn order_row(&self, order_id: i64) -> Result<order_line::ActiveModel> {
        use sea_orm::ActiveValue::Set;
        Ok(order_line::ActiveModel {
            order_id: Set(order_id),
            position: Set(self.position),
            product_id: Set(self.product_id),
            description: Set(self.description.clone()),
            quantity_milli: Set(self.quantity_milli),
            unit_price_cents: Set(self.unit_price_cents),
            discount_bp: Set(self.discount_bp),
            line_total_cents: Set(self.total_cents()?),
            ..Default::default()
        })
    }
}

/// A stored quote line priced again (the rules are deterministic: the same amounts come out).
pub(crate) fn repriced(m: &quote_line::Model) -> PricedLine {
    PricedLine {
        position: m.position,
        product_id: m.product_id,
        description: m.description.clone(),
        quantity_milli: m.quantity_milli,
        unit_price_cents: m.unit_price_cents,
        discount_bp: m.discount_bp,
        amounts: pricing::line(pricing::Line {
            quantity: from_milli(m.quantity_milli),
            unit_price: from_cents(m.unit_price_cents),
            discount_pct: from_bp(m.discount_bp),
        }),
    }
}

/// An amount the pricing rules produced (two places, bounded by the input limits) as cents.
pub(crate) fn cents(amount: Decimal) -> Result<i64> {
    to_cents(amount).ok_or_else(|| DomainError::Internal(format!("amount {amount} does not fit in cents")))
}

/// A document's totals from its priced lines and tax rate.
pub(crate) fn totals(lines: &[PricedLine], tax_rate_bp: i32) -> Totals {
    let amounts: Vec<LineAmounts> = lines.iter().map(|l| l.amounts).collect();
    pricing::totals(&amounts, from_bp(tax_rate_bp))
}

/// A percentage field (0–100, two places) as basis points; 0 when absent.
pub(crate) fn percent(p: &mut Problems, field: &str, value: Option<Decimal>) -> i32 {
    let Some(v) = value else { return 0 };
    match to_bp(v) {
        Some(bp) if (0..=10_000).contains(&bp) => bp,
        Some(_) => {
            p.add(field, "must be between 0 and 100");
            0
        }
        None => {
            p.add(field, "must have at most two decimal places");
            0
        }
    }
}

/// A currency code: three upper-case letters (ISO 4217); `CNY` when absent.
pub(crate) fn currency(p: &mut Problems, value: Option<&str>) -> String {
    let Some(c) = value else { return DEFAULT_CURRENCY.to_owned() };
    if c.len() != 3 || !c.chars().all(|ch| ch.is_ascii_uppercase()) {
        p.add("currency", "must be three upper-case letters, like CNY");
    }
    c.to_owned()
}

/// Dates are kept to years every database stores (1000–9999).
pub(crate) fn storable_date(p: &mut Problems, field: &str, value: Option<NaiveDate>) {
    if value.is_some_and(|d| !(1000..=9999).contains(&d.year())) {
        p.add(field, "must lie between the years 1000 and 9999");
    }
}

/// Checks every line, fills product defaults and prices them; problems name the line,
/// e.g. `lines[1].product_id` (0-based, as in the request).
///
/// With `from_catalogue`, every line must name a product and takes its price.
///
/// # Errors
/// Database failures (field problems are collected in `p`).
pub(crate) async fn price_lines(
    db: &impl ConnectionTrait,
    p: &mut Problems,
    lines: &[NewLine],
    from_catalogue: bool,
) -> Result<Vec<PricedLine>> {
    if lines.is_empty() {
        p.add("lines", "must have at least one line");
    } else if lines.len() > MAX_LINES {
        p.add("lines", format!("must have at most {MAX_LINES} lines"));
        return Ok(Vec::new());
    }
    let mut out = Vec::with_capacity(lines.len());
    for (i, l) in lines.iter().enumerate() {
        let field = |name: &str| format!("lines[{i}].{name}");
        let quantity_milli = match to_milli(l.quantity) {
            Some(q) if q > 0 && q <= MAX_QUANTITY_MILLI => q,
            Some(_) => {
                p.add(&field("quantity"), "must be more than 0 and at most 1000000");
                0
            }
            None => {
                p.add(&field("quantity"), "must have at most three decimal places");
                0
            }
        };
        let discount_bp = percent(p, &field("discount_pct"), l.discount_pct);
        let given_price = l.unit_price.and_then(|price| match to_cents(price) {
            Some(c) if (0..=MAX_PRICE_CENTS).contains(&c) => Some(c),
            Some(_) => {
                p.add(&field("unit_price"), "must be between 0.00 and 99999999.99");
                None
            }
            None => {
                p.add(&field("unit_price"), "must have at most two decimal places");
                None
            }
        });
        let description = validate::optional(p, &field("description"), l.description.as_deref(), 500);
        let product = match l.product_id {
            Some(id) => match products::find_live(db, id).await? {
                Some(prod) if prod.active => Some(prod),
                Some(_) => {
                    p.add(&field("product_id"), "is an inactive product");
                    None
                }
                None => {
                    p.add(&field("product_id"), "is not a product of the catalogue");
                    None
                }
            },
            None if from_catalogue => {
                p.add(&field("product_id"), "is required");
                None
            }
            None => None,
        };
        let unit_price_cents = given_price.or(product.as_ref().map(|prod| prod.price_cents));
        let description = description.or(product.as_ref().map(|prod| prod.name.clone()));
        if l.product_id.is_none() {
            if l.unit_price.is_none() && !from_catalogue {
                p.add(&field("unit_price"), "is required for a line without a product");
            }
            if description.is_none() && !from_catalogue {
                p.add(&field("description"), "is required for a line without a product");
            }
        }
        let (Some(unit_price_cents), Some(description)) = (unit_price_cents, description) else { continue };
        let amounts = pricing::line(pricing::Line {
            quantity: from_milli(quantity_milli),
            unit_price: from_cents(unit_price_cents),
            discount_pct: from_bp(discount_bp),
        });
        out.push(PricedLine {
            position: i32::try_from(i + 1).unwrap_or(i32::MAX),
            product_id: l.product_id,
            description,
            quantity_milli,
            unit_price_cents,
            discount_bp,
            amounts,
        });
    }
    Ok(out)
}

/// An amount for people: two places, thousands separated by spaces (`1 234.50`).
pub(crate) fn grouped(amount: Decimal) -> String {
    let text = format!("{:.2}", amount.round_dp(2));
    let (sign, digits) = text.strip_prefix('-').map_or(("", text.as_str()), |d| ("-", d));
    let (int, frac) = digits.split_once('.').unwrap_or((digits, "00"));
    let mut out = String::with_capacity(int.len() + int.len() / 3 + 4);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(' ');
        }
        out.push(c);
    }
    format!("{sign}{out}.{frac}")
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).expect("decimal")
    }

    #[test]
    fn amounts_for_people_group_thousands() {
        assert_eq!(grouped(d("1234.5")), "1 234.50");
        assert_eq!(grouped(d("0")), "0.00");
        assert_eq!(grouped(d("999.99")), "999.99");
        assert_eq!(grouped(d("1234567.00")), "1 234 567.00");
    }

    #[test]
    fn percentages_and_currencies_are_checked() {
        let mut p = Problems::default();
        assert_eq!(percent(&mut p, "tax_rate", Some(d("12.5"))), 1250);
        assert_eq!(percent(&mut p, "tax_rate", None), 0);
        assert!(p.0.is_empty());
        percent(&mut p, "tax_rate", Some(d("100.01")));
        percent(&mut p, "tax_rate", Some(d("1.001")));
        currency(&mut p, Some("cny"));
        assert_eq!(currency(&mut p, None), "CNY");
        assert_eq!(p.0.len(), 3);
    }

    #[tokio::test]
    async fn lines_without_products_need_price_and_description() {
        let db = crate::testing::db().await;
        let mut p = Problems::default();
        let lines = [
            NewLine {
                quantity: d("0.335"),
                unit_price: Some(d("3")),
                description: Some("Tea".into()),
                ..Default::default()
            },
            NewLine { quantity: d("0"), ..Default::default() },
            NewLine { quantity: d("1"), product_id: Some(99), ..Default::default() },
        ];
        let priced = price_lines(&db, &mut p, &lines, false).await.expect("db");
        assert_eq!(priced.len(), 1);
        assert_eq!(priced[0].amounts.total, d("1.00"));
        let fields: Vec<&str> = p.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            vec!["lines[1].quantity", "lines[1].unit_price", "lines[1].description", "lines[2].product_id"]
        );
    }
}
