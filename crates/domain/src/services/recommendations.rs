//! Personal product recommendations and related products, from the co-occurrence
//! counts that orders keep up to date (no self-join of order lines per request).

use std::collections::{BTreeSet, HashMap};

use rapport_analytics::recommend::{self, PairCount, Recommendation};
use rust_decimal::Decimal;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde::Serialize;

use crate::entities::product;
use crate::error::{DomainError, Result};
use crate::money::from_cents;
use crate::repo::{counters, product_pairs as repo};
use crate::{Action, Actor};

/// Pairs seen in fewer orders than this are ignored: one coincidence is no pattern.
pub const DEFAULT_MIN_ORDERS: i64 = 2;

/// A recommended product with its reason.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ProductRecommendation {
    pub product_id: i64,
    pub sku: String,
    pub name: String,
    pub price: Decimal,
    /// "often bought with <product>".
    pub reason: String,
    pub because_of: i64,
    /// Share of all orders holding both.
    pub support: f64,
    /// How many times more often they are bought together than by chance.
    pub lift: f64,
    pub orders_together: i64,
}

fn enrich(recs: Vec<Recommendation>, names: &HashMap<i64, product::Model>) -> Vec<ProductRecommendation> {
    recs.into_iter()
        .filter_map(|r| {
            let p = names.get(&r.product_id)?;
            let because =
                names.get(&r.because_of).map_or_else(|| format!("product {}", r.because_of), |b| b.name.clone());
            Some(ProductRecommendation {
                product_id: p.id,
                sku: p.sku.clone(),
                name: p.name.clone(),
                price: from_cents(p.price_cents),
                reason: format!("often bought with {because}"),
                because_of: r.because_of,
                support: r.support,
                lift: r.lift,
                orders_together: r.together,
            })
        })
        .collect()
}

async fn recommend_for(
    db: &impl ConnectionTrait,
    basket: BTreeSet<i64>,
    limit: u64,
    min_orders: i64,
) -> Result<Vec<ProductRecommendation>> {
    if !(1..=100).contains(&limit) {
        return Err(DomainError::invalid("limit", "must be between 1 and 100"));
    }
    if min_orders < 1 {
        return Err(DomainError::invalid("min_orders", "must be at least 1"));
    }
    let basket_ids: Vec<i64> = basket.iter().copied().collect();
    let pairs: Vec<PairCount> = repo::pairs_with(db, &basket_ids, min_orders)
        .await?
        .into_iter()
        .map(|p| PairCount { a: p.product_a, b: p.product_b, together: p.orders })
        .collect();
    let mut ids: BTreeSet<i64> = basket.clone();
    ids.extend(pairs.iter().flat_map(|p| [p.a, p.b]));
    let ids: Vec<i64> = ids.into_iter().collect();
    let counts = repo::order_counts(db, &ids).await?;
    let orders = counters::value(db, repo::ORDERS_COUNTER).await?;
    let mut products: HashMap<i64, product::Model> = HashMap::new();
    for chunk in ids.chunks(500) {
        for p in product::Entity::find().filter(product::Column::Id.is_in(chunk.iter().copied())).all(db).await? {
            products.insert(p.id, p);
        }
    }
    let allowed: BTreeSet<i64> =
        products.values().filter(|p| p.active && p.deleted_at.is_none()).map(|p| p.id).collect();
    let recs = recommend::recommend(&basket, &pairs, &counts, orders, &allowed, usize::try_from(limit).unwrap_or(100));
    Ok(enrich(recs, &products))
}

/// Products a customer has not bought yet, often bought with what they did buy.
///
/// # Errors
/// `Forbidden`, `NotFound` (customer not visible), `Invalid` limits, database failures.
pub async fn for_customer(
    db: &impl ConnectionTrait,
    actor: &Actor,
    customer_id: i64,
    limit: u64,
    min_orders: i64,
) -> Result<Vec<ProductRecommendation>> {
    crate::services::customers::get(db, actor, customer_id).await?;
    let basket = repo::bought_by(db, customer_id).await?;
    recommend_for(db, basket, limit, min_orders).await
}

/// Products often bought with this one.
///
/// # Errors
/// `Forbidden`, `NotFound`, `Invalid` limits, database failures.
pub async fn related(
    db: &impl ConnectionTrait,
    actor: &Actor,
    product_id: i64,
    limit: u64,
    min_orders: i64,
) -> Result<Vec<ProductRecommendation>> {
    actor.require(Action::ProductsRead)?;
    crate::services::products::get(db, actor, product_id).await?;
    recommend_for(db, BTreeSet::from([product_id]), limit, min_orders).await
}
