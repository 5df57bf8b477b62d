//! Product co-occurrence counts, kept in step with orders.

use std::collections::BTreeSet;

use sea_orm::sea_query::{Alias, Expr, ExprTrait, IntoIden, OnConflict, Query, TableRef};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect,
};

use crate::entities::{order_line, product_order_stats as stats, product_pair as pair};
use crate::repo::batch::upsert_add;
use crate::repo::counters;
use crate::repo::json_rows::json_rows;

/// The counter holding the number of orders that count for co-occurrence.
pub const ORDERS_COUNTER: &str = "orders_with_products";

/// Counts one order's products (`delta` 1) or takes it back (`delta` -1, on cancel):
/// each product once, each pair of different products once.
///
/// # Errors
/// Database failures.
pub async fn record(db: &impl ConnectionTrait, products: &[i64], delta: i64) -> Result<(), DbErr> {
    let distinct: Vec<i64> = products.iter().copied().collect::<BTreeSet<_>>().into_iter().collect();
    if distinct.is_empty() {
        return Ok(());
    }
    counters::add(db, ORDERS_COUNTER, delta).await?;
    // One upsert per table; rows in key order so that concurrent orders lock alike.
    stats::Entity::insert_many(distinct.iter().map(|p| stats::ActiveModel { product_id: Set(*p), orders: Set(delta) }))
        .on_conflict(
            OnConflict::column(stats::Column::ProductId)
                .value(stats::Column::Orders, Expr::col((stats::Entity, stats::Column::Orders)).add(delta))
                .to_owned(),
        )
        .exec(db)
        .await?;
    let pairs: Vec<pair::ActiveModel> = distinct
        .iter()
        .enumerate()
        .flat_map(|(i, a)| distinct[i + 1..].iter().map(move |b| (*a, *b)))
        .map(|(a, b)| pair::ActiveModel { product_a: Set(a), product_b: Set(b), orders: Set(delta) })
        .collect();
    if !pairs.is_empty() {
        pair::Entity::insert_many(pairs)
            .on_conflict(
                OnConflict::columns([pair::Column::ProductA, pair::Column::ProductB])
                    .value(pair::Column::Orders, Expr::col((pair::Entity, pair::Column::Orders)).add(delta))
                    .to_owned(),
            )
            .exec(db)
            .await?;
    }
    Ok(())
}

/// The distinct products of an order.
///
/// # Errors
/// Database failures.
pub async fn products_of_order(db: &impl ConnectionTrait, order_id: i64) -> Result<Vec<i64>, DbErr> {
    let rows: Vec<Option<i64>> = order_line::Entity::find()
        .select_only()
        .column(order_line::Column::ProductId)
        .filter(order_line::Column::OrderId.eq(order_id))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().flatten().collect::<BTreeSet<_>>().into_iter().collect())
}

/// The pairs of `table` (`product_pairs` or `customer_product_pairs`) with exactly one
/// product in `basket` and at least `min` in their `count` column: (product_a,
/// product_b, count), in no order. Pairs with both products in the basket recommend
/// nothing and are left out (of a large basket read in parts, those across two parts
/// may come back).
///
/// # Errors
/// Database failures.
pub async fn pairs_with(
    db: &impl ConnectionTrait,
    table: &str,
    count: &str,
    basket: &[i64],
    min: i64,
) -> Result<Vec<(i64, i64, i64)>, DbErr> {
    let col = |name: &str| Expr::col(Alias::new(name));
    let mut out = Vec::new();
    for part in basket.chunks(200) {
        let within = |name: &str| col(name).is_in(part.iter().copied());
        let q = Query::select()
            .columns([Alias::new("product_a"), Alias::new("product_b"), Alias::new(count)])
            .from(Alias::new(table))
            .cond_where(Condition::any().add(within("product_a")).add(within("product_b")))
            .cond_where(Condition::all().add(within("product_a")).add(within("product_b")).not())
            .and_where(col(count).gte(min))
            .to_owned();
        out.extend(json_rows::<(i64, i64, i64)>(db, q, &["product_a", "product_b", count]).await?);
    }
    Ok(out)
}

/// A product as recommendations show it, with how many orders and customers hold it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProductCounts {
    pub id: i64,
    pub sku: String,
    pub name: String,
    pub price_cents: i64,
    /// Active and not deleted: may be recommended.
    pub live: bool,
    /// Orders that hold it (`product_order_stats`).
    pub orders: i64,
    /// Customers who bought it (`product_customer_stats`).
    pub customers: i64,
}

/// These products (those that exist) with their counts, in no order.
///
/// # Errors
/// Database failures.
pub async fn with_counts(db: &impl ConnectionTrait, ids: &[i64]) -> Result<Vec<ProductCounts>, DbErr> {
    let (p, o, c) = (Alias::new("p"), Alias::new("o"), Alias::new("c"));
    let mut out = Vec::new();
    for part in ids.chunks(500) {
        let q = Query::select()
            .columns([(p.clone(), Alias::new("id")), (p.clone(), Alias::new("sku")), (p.clone(), Alias::new("name"))])
            .column((p.clone(), Alias::new("price_cents")))
            .expr_as(Expr::cust("CASE WHEN p.active AND p.deleted_at IS NULL THEN 1 ELSE 0 END"), Alias::new("live"))
            .expr_as(Expr::cust("COALESCE(o.orders, 0)"), Alias::new("orders"))
            .expr_as(Expr::cust("COALESCE(c.customers, 0)"), Alias::new("customers"))
            .from_as(Alias::new("products"), p.clone())
            .left_join(
                TableRef::Table(Alias::new("product_order_stats").into_iden().into(), Some(o.clone().into_iden())),
                Expr::col((o.clone(), Alias::new("product_id"))).equals((p.clone(), Alias::new("id"))),
            )
            .left_join(
                TableRef::Table(Alias::new("product_customer_stats").into_iden().into(), Some(c.clone().into_iden())),
                Expr::col((c.clone(), Alias::new("product_id"))).equals((p.clone(), Alias::new("id"))),
            )
            .and_where(Expr::col((p.clone(), Alias::new("id"))).is_in(part.iter().copied()))
            .to_owned();
        let rows: Vec<(i64, String, String, i64, i64, i64, i64)> =
            json_rows(db, q, &["id", "sku", "name", "price_cents", "live", "orders", "customers"]).await?;
        out.extend(rows.into_iter().map(|(id, sku, name, price_cents, live, orders, customers)| ProductCounts {
            id,
            sku,
            name,
            price_cents,
            live: live != 0,
            orders,
            customers,
        }));
    }
    Ok(out)
}

/// Adds bulk counts (seeding): orders per product, per pair (a < b), and the order total.
///
/// # Errors
/// Database failures.
pub async fn add_counts(
    db: &impl ConnectionTrait,
    products: &std::collections::HashMap<i64, i64>,
    pairs: &std::collections::HashMap<(i64, i64), i64>,
    orders: i64,
) -> Result<(), DbErr> {
    counters::add(db, ORDERS_COUNTER, orders).await?;
    let products: Vec<(Vec<i64>, i64)> = products.iter().map(|(p, n)| (vec![*p], *n)).collect();
    upsert_add(db, "product_order_stats", &["product_id"], "orders", &products).await?;
    let pairs: Vec<(Vec<i64>, i64)> = pairs.iter().map(|((a, b), n)| (vec![*a, *b], *n)).collect();
    upsert_add(db, "product_pairs", &["product_a", "product_b"], "orders", &pairs).await?;
    Ok(())
}
