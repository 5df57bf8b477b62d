//! Product co-occurrence counts, kept in step with orders.

use std::collections::BTreeSet;

use sea_orm::sea_query::{Alias, Expr, ExprTrait, IntoIden, OnConflict, Query, SelectStatement, TableRef};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect,
};

use crate::entities::{order_line, product_order_stats as stats, product_pair as pair};
use crate::repo::batch::upsert_add;
use crate::repo::counters;
use crate::repo::customer_products::CUSTOMERS_COUNTER;
use crate::repo::json_rows::{json_rows, json_texts, parse};

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

/// The products recommendations start from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Basket {
    /// What a customer bought (`customer_products`).
    Customer(i64),
    /// One product.
    Product(i64),
}

impl Basket {
    /// `column IN (the basket)`.
    fn holds(self, column: &str) -> Expr {
        let col = Expr::col(Alias::new(column));
        match self {
            Basket::Customer(id) => col.in_subquery(
                Query::select()
                    .column(Alias::new("product_id"))
                    .from(Alias::new("customer_products"))
                    .and_where(Expr::col(Alias::new("customer_id")).eq(id))
                    .to_owned(),
            ),
            Basket::Product(id) => col.eq(id),
        }
    }

    /// The pairs of `table` (`product_pairs` or `customer_product_pairs`) with exactly
    /// one product in the basket and at least `min` in their `count` column: (product_a,
    /// product_b, count). Pairs with both products in the basket recommend nothing.
    fn pairs(self, table: &str, count: &str, min: i64) -> SelectStatement {
        Query::select()
            .columns([Alias::new("product_a"), Alias::new("product_b"), Alias::new(count)])
            .from(Alias::new(table))
            .cond_where(Condition::any().add(self.holds("product_a")).add(self.holds("product_b")))
            .cond_where(Condition::all().add(self.holds("product_a")).add(self.holds("product_b")).not())
            .and_where(Expr::col(Alias::new(count)).gte(min))
            .to_owned()
    }
}

/// What recommendations start from, read in one statement: the basket, the pairs that
/// link it to other products in the same orders (at least `min_orders` of them) and by
/// the same customers (at least `min_customers`), and the totals (orders and customers
/// that count).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Links {
    pub basket: BTreeSet<i64>,
    /// (product_a, product_b, orders), in no order.
    pub order_pairs: Vec<(i64, i64, i64)>,
    /// (product_a, product_b, customers), in no order.
    pub customer_pairs: Vec<(i64, i64, i64)>,
    pub orders: i64,
    pub customers: i64,
}

/// The [`Links`] of a basket.
///
/// # Errors
/// Database failures.
pub async fn links(
    db: &impl ConnectionTrait,
    basket: Basket,
    min_orders: i64,
    min_customers: i64,
) -> Result<Links, DbErr> {
    let counters = Query::select()
        .columns([Alias::new("name"), Alias::new("value")])
        .from(Alias::new("counters"))
        .and_where(Expr::col(Alias::new("name")).is_in([ORDERS_COUNTER, CUSTOMERS_COUNTER]))
        .to_owned();
    let mut parts = vec![
        (basket.pairs("product_pairs", "orders", min_orders), &["product_a", "product_b", "orders"][..]),
        (
            basket.pairs("customer_product_pairs", "customers", min_customers),
            &["product_a", "product_b", "customers"][..],
        ),
        (counters, &["name", "value"][..]),
    ];
    if let Basket::Customer(id) = basket {
        let bought = Query::select()
            .column(Alias::new("product_id"))
            .from(Alias::new("customer_products"))
            .and_where(Expr::col(Alias::new("customer_id")).eq(id))
            .to_owned();
        parts.push((bought, &["product_id"][..]));
    }
    let texts = json_texts(db, parts).await?;
    let counters: Vec<(String, i64)> = parse(texts[2].as_deref())?;
    let counter = |name: &str| counters.iter().find(|(n, _)| n == name).map_or(0, |(_, v)| *v);
    let basket = match basket {
        Basket::Customer(_) => parse::<(i64,)>(texts[3].as_deref())?.into_iter().map(|(p,)| p).collect(),
        Basket::Product(id) => BTreeSet::from([id]),
    };
    Ok(Links {
        basket,
        order_pairs: parse(texts[0].as_deref())?,
        customer_pairs: parse(texts[1].as_deref())?,
        orders: counter(ORDERS_COUNTER),
        customers: counter(CUSTOMERS_COUNTER),
    })
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
