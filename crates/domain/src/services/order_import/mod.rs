//! Historical orders from CSV, so that a company analyses its past sales on day one.
//!
//! One row per order line; rows with the same `order_ref` form one order (and must
//! agree on customer, date and status). Customers (by email) and products (by sku)
//! must exist. All rows or none; every problem is reported with its line.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::Datelike;

use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, QueryFilter,
    QuerySelect, TransactionTrait,
};

use crate::entities::{customer_order_stats, order, order_line, product};
use crate::error::{DomainError, FieldError, Result};
use crate::money::{to_bp, to_cents, to_milli};
use crate::repo::audit::{self, Change};
use crate::repo::sales_rollups::totals::{self, Totals};
use crate::repo::{batch, counters, customers as customer_repo, product_pairs};
use crate::rules::pricing::{self, Line};
use crate::time::now;
use crate::{Action, Actor};

mod parse;
#[cfg(test)]
mod tests;

use parse::{Row, parse};

/// The columns of an order import; `discount_pct` may be left out.
pub const COLUMNS: &[&str] =
    &["order_ref", "customer_email", "order_date", "status", "sku", "quantity", "unit_price", "discount_pct"];

/// What an accepted import created.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OrderImportReport {
    pub orders: u64,
    pub lines: u64,
}

/// A line ready to store: product id, description, the row, line total in cents.
type PricedLine<'a> = (i64, String, &'a Row, i64);

async fn products_by_sku(db: &impl ConnectionTrait, skus: &[String]) -> Result<HashMap<String, (i64, String)>> {
    let mut out = HashMap::new();
    for chunk in skus.chunks(500) {
        let found: Vec<(i64, Option<String>, String)> = product::Entity::find()
            .select_only()
            .column(product::Column::Id)
            .column(product::Column::SkuKey)
            .column(product::Column::Name)
            .filter(product::Column::SkuKey.is_in(chunk.iter().cloned()))
            .into_tuple()
            .all(db)
            .await?;
        out.extend(found.into_iter().filter_map(|(id, k, n)| k.map(|k| (k, (id, n)))));
    }
    Ok(out)
}

/// Inserts order heads, which all set the same columns; their ids by number.
async fn insert_heads(db: &impl ConnectionTrait, heads: Vec<order::ActiveModel>) -> Result<HashMap<String, i64>> {
    let backend = db.get_database_backend();
    let rows: Vec<(String, i64)> = if backend == DbBackend::MySql {
        // No RETURNING: the numbers are unique, so they find the rows again.
        let numbers: Vec<String> = heads.iter().filter_map(|h| h.number.try_as_ref().cloned()).collect();
        db.execute_raw(batch::insert_statement(backend, heads, &[])?).await?;
        order::Entity::find()
            .select_only()
            .column(order::Column::Number)
            .column(order::Column::Id)
            .filter(order::Column::Number.is_in(numbers))
            .into_tuple()
            .all(db)
            .await?
    } else {
        let insert = batch::insert_statement(backend, heads, &[order::Column::Id, order::Column::Number])?;
        let rows = db.query_all_raw(insert).await?;
        rows.iter().map(|r| Ok((r.try_get("", "number")?, r.try_get("", "id")?))).collect::<Result<_>>()?
    };
    Ok(rows.into_iter().collect())
}

/// Imports historical orders; see the module documentation for the format.
///
/// # Errors
/// `Forbidden`; `ImportRejected` listing every bad row; database failures.
pub async fn import(db: &DatabaseConnection, actor: &Actor, data: &[u8]) -> Result<OrderImportReport> {
    actor.require(Action::CustomersImport)?;
    actor.require(Action::OrdersWrite)?;
    let mut errors = Vec::new();
    let rows = parse(data, &mut errors)?;
    if rows.is_empty() && errors.is_empty() {
        errors.push(FieldError::at_line(2, "file", "has no data rows"));
    }
    let emails: Vec<String> = rows.iter().map(|r| r.email.clone()).collect::<BTreeSet<_>>().into_iter().collect();
    // With the city, for the rollups by city: one lookup instead of two.
    let customers = customer_repo::with_cities_by_emails(db, &emails).await?;
    let skus: Vec<String> = rows.iter().map(|r| r.sku.clone()).collect::<BTreeSet<_>>().into_iter().collect();
    let products = products_by_sku(db, &skus).await?;
    let mut by_ref: HashMap<&str, Vec<&Row>> = HashMap::new();
    for r in &rows {
        if !customers.contains_key(&r.email) {
            errors.push(FieldError::at_line(
                r.line,
                "customer_email",
                format!("no customer has the email {}", r.email),
            ));
        }
        if !products.contains_key(&r.sku) {
            errors.push(FieldError::at_line(r.line, "sku", format!("no product has the sku {}", r.sku)));
        }
        by_ref.entry(r.order_ref.as_str()).or_default().push(r);
    }
    // Orders by reference: numbers are given in that order.
    let mut orders: Vec<(&str, Vec<&Row>)> = by_ref.into_iter().collect();
    orders.sort_unstable_by(|a, b| a.0.cmp(b.0));
    for (_, lines) in &orders {
        let first = lines[0];
        for r in &lines[1..] {
            if (r.email.as_str(), r.date, r.status.as_str())
                != (first.email.as_str(), first.date, first.status.as_str())
            {
                errors.push(FieldError::at_line(
                    r.line,
                    "order_ref",
                    format!("differs in customer, date or status from line {} of the same order", first.line),
                ));
            }
        }
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.line);
        return Err(DomainError::ImportRejected(errors));
    }

    crate::repo::page_cache::bulk(db, write(db, actor, &orders, &customers, &products)).await
}

/// Customers by email: id and city.
type Customers = HashMap<String, (i64, Option<String>)>;

/// Writes the orders of a checked file in one transaction, with everything derived
/// from them (rollups, aggregates, co-occurrence counts).
async fn write(
    db: &DatabaseConnection,
    actor: &Actor,
    orders: &[(&str, Vec<&Row>)],
    customers: &Customers,
    products: &HashMap<String, (i64, String)>,
) -> Result<OrderImportReport> {
    let txn = db.begin().await?;
    let at = now();
    // Numbers are reserved per year in one step: the counter row stays locked until commit.
    let mut per_year: BTreeMap<i32, i64> = BTreeMap::new();
    for (_, lines) in orders {
        *per_year.entry(lines[0].date.year()).or_default() += 1;
    }
    let mut next_number: HashMap<i32, i64> = HashMap::new();
    for (year, n) in &per_year {
        let name = format!("order:{year}");
        counters::add(&txn, &name, *n).await?;
        next_number.insert(*year, counters::value(&txn, &name).await? - n + 1);
    }
    let (mut product_orders, mut pairs, mut counted) = (HashMap::new(), HashMap::new(), 0i64);
    let mut line_count = 0u64;
    let mut rollups = Totals::default();
    // What the imported orders that count (not cancelled) add per customer: aggregates
    // for RFM, and orders per product for the recommendations.
    let mut stats: BTreeMap<i64, customer_order_stats::Model> = BTreeMap::new();
    let mut bought: BTreeMap<i64, BTreeMap<i64, i64>> = BTreeMap::new();
    for chunk in orders.chunks(500) {
        let mut heads = Vec::with_capacity(chunk.len());
        let mut priced: Vec<(String, Vec<PricedLine<'_>>)> = Vec::with_capacity(chunk.len());
        for (_, lines) in chunk {
            let first = lines[0];
            let year = first.date.year();
            let n = next_number.entry(year).or_insert(1);
            let number = format!("O-{year}-{:06}", *n);
            *n += 1;
            let mut total = 0i64;
            let mut priced_lines = Vec::with_capacity(lines.len());
            for r in lines.iter() {
                let amounts =
                    pricing::line(Line { quantity: r.quantity, unit_price: r.unit_price, discount_pct: r.discount });
                let cents =
                    to_cents(amounts.total).ok_or_else(|| DomainError::Internal("line total out of range".into()))?;
                total += cents;
                let (pid, name) = products.get(&r.sku).cloned().unwrap_or_default();
                priced_lines.push((pid, name, *r, cents));
            }
            let (customer, city) = customers.get(&first.email).map_or((0, None), |(id, city)| (*id, city.as_deref()));
            let rollup_lines: Vec<totals::Line> = priced_lines
                .iter()
                .map(|(pid, _, r, cents)| totals::Line {
                    product_id: Some(*pid),
                    quantity_milli: to_milli(r.quantity).unwrap_or_default(),
                    total_cents: *cents,
                })
                .collect();
            rollups.add(&totals::Order {
                date: first.date,
                owner_id: None,
                status: &first.status,
                city,
                total_cents: total,
                lines: &rollup_lines,
            });
            if first.status != "cancelled" {
                counted += 1;
                let s = stats.entry(customer).or_insert(customer_order_stats::Model {
                    customer_id: customer,
                    first_order_date: first.date,
                    last_order_date: first.date,
                    order_count: 0,
                    total_cents: 0,
                });
                s.first_order_date = s.first_order_date.min(first.date);
                s.last_order_date = s.last_order_date.max(first.date);
                (s.order_count, s.total_cents) = (s.order_count + 1, s.total_cents + total);
                let ps: BTreeSet<i64> = priced_lines.iter().map(|l| l.0).collect();
                let mine = bought.entry(customer).or_default();
                for p in &ps {
                    *mine.entry(*p).or_default() += 1;
                }
                let ps: Vec<i64> = ps.into_iter().collect();
                for (i, a) in ps.iter().enumerate() {
                    *product_orders.entry(*a).or_insert(0i64) += 1;
                    for b in &ps[i + 1..] {
                        *pairs.entry((*a, *b)).or_insert(0i64) += 1;
                    }
                }
            }
            heads.push(order::ActiveModel {
                number: Set(number.clone()),
                customer_id: Set(customer),
                quote_id: Set(None),
                owner_id: Set(None),
                order_date: Set(first.date),
                status: Set(first.status.clone()),
                currency: Set("CNY".into()),
                tax_rate_bp: Set(0),
                tax_cents: Set(0),
                total_cents: Set(total),
                notes: Set(Some(format!("imported as {}", first.order_ref))),
                created_at: Set(at),
                updated_at: Set(at),
                version: Set(1),
                ..Default::default()
            });
            priced.push((number, priced_lines));
        }
        let ids = insert_heads(&txn, heads).await?;
        let mut line_rows = Vec::new();
        for (number, lines) in priced {
            let order_id = ids.get(&number).copied().ok_or(DomainError::NotFound("order"))?;
            for (pos, (pid, name, r, cents)) in lines.into_iter().enumerate() {
                line_rows.push(order_line::ActiveModel {
                    order_id: Set(order_id),
                    position: Set(i32::try_from(pos + 1).unwrap_or(i32::MAX)),
                    product_id: Set(Some(pid)),
                    description: Set(name),
                    quantity_milli: Set(to_milli(r.quantity).unwrap_or_default()),
                    unit_price_cents: Set(to_cents(r.unit_price).unwrap_or_default()),
                    discount_bp: Set(to_bp(r.discount).unwrap_or_default()),
                    line_total_cents: Set(cents),
                    ..Default::default()
                });
            }
        }
        line_count += line_rows.len() as u64;
        crate::repo::orders::insert_lines(&txn, line_rows).await?;
    }
    rollups.write(&txn).await?;
    crate::repo::customer_stats::merge(&txn, &stats.into_values().collect::<Vec<_>>()).await?;
    product_pairs::add_counts(&txn, &product_orders, &pairs, counted).await?;
    crate::repo::customer_products::add(&txn, &bought).await?;
    crate::repo::customer_rfm::orders_changed(&txn).await?;
    let report = OrderImportReport { orders: orders.len() as u64, lines: line_count };
    audit::record(
        &txn,
        actor,
        Change {
            entity: "order_import",
            entity_id: 0,
            action: "import",
            before: None,
            after: Some(serde_json::json!({ "orders": report.orders, "lines": report.lines })),
        },
    )
    .await?;

    txn.commit().await?;
    Ok(report)
}
