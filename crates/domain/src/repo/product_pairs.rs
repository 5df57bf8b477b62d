//! Product co-occurrence counts, kept in step with orders.

use std::collections::BTreeSet;

use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect,
};

use crate::entities::{order, order_line, product_order_stats as stats, product_pair as pair};
use crate::repo::batch::upsert_add;
use crate::repo::counters;

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

/// The distinct products a customer bought (orders not cancelled).
///
/// # Errors
/// Database failures.
pub async fn bought_by(db: &impl ConnectionTrait, customer_id: i64) -> Result<BTreeSet<i64>, DbErr> {
    use sea_orm::sea_query::Query;
    let rows: Vec<Option<i64>> = order_line::Entity::find()
        .select_only()
        .column(order_line::Column::ProductId)
        .distinct()
        .filter(
            order_line::Column::OrderId.in_subquery(
                Query::select()
                    .column(order::Column::Id)
                    .from(order::Entity)
                    .and_where(order::Column::CustomerId.eq(customer_id))
                    .and_where(order::Column::Status.ne("cancelled"))
                    .to_owned(),
            ),
        )
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().flatten().collect())
}

/// Pairs that involve any of these products, with at least `min_orders` orders together.
///
/// # Errors
/// Database failures.
pub async fn pairs_with(
    db: &impl ConnectionTrait,
    products: &[i64],
    min_orders: i64,
) -> Result<Vec<pair::Model>, DbErr> {
    let mut out = Vec::new();
    for chunk in products.chunks(200) {
        out.extend(
            pair::Entity::find()
                .filter(
                    Condition::any()
                        .add(pair::Column::ProductA.is_in(chunk.iter().copied()))
                        .add(pair::Column::ProductB.is_in(chunk.iter().copied())),
                )
                .filter(pair::Column::Orders.gte(min_orders))
                .all(db)
                .await?,
        );
    }
    Ok(out)
}

/// How many orders hold each of these products.
///
/// # Errors
/// Database failures.
pub async fn order_counts(
    db: &impl ConnectionTrait,
    products: &[i64],
) -> Result<std::collections::HashMap<i64, i64>, DbErr> {
    let mut out = std::collections::HashMap::new();
    for chunk in products.chunks(500) {
        for s in stats::Entity::find().filter(stats::Column::ProductId.is_in(chunk.iter().copied())).all(db).await? {
            out.insert(s.product_id, s.orders);
        }
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
