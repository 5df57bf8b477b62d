//! Personal product recommendations and related products, from the co-occurrence
//! counts that orders keep up to date (no self-join of order lines per request): in
//! the same order (`product_pairs`) and by the same customer (`customer_product_pairs`).
//! Each candidate takes its strongest link of either kind. A request reads the basket,
//! its links and the totals in one statement, and the products they name with their
//! counts in a second (`repo::product_pairs::links`, `with_counts`).

use std::collections::{BTreeSet, HashMap};

use rapport_analytics::recommend::{self, Cooccurrence, Kind, PairCount, Recommendation};
use rust_decimal::Decimal;
use sea_orm::ConnectionTrait;
use serde::Serialize;

use crate::error::{DomainError, Result};
use crate::money::from_cents;
use crate::repo::product_pairs::{self as repo, Basket, ProductCounts};
use crate::{Action, Actor};

/// Pairs seen in fewer orders than this are ignored: one coincidence is no pattern.
pub const DEFAULT_MIN_ORDERS: i64 = 2;
/// Pairs bought by fewer customers than this are ignored, likewise.
pub const DEFAULT_MIN_CUSTOMERS: i64 = 2;

/// The minimum supports of the two kinds of link.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MinSupport {
    /// Orders holding both products.
    pub orders: i64,
    /// Customers who bought both products.
    pub customers: i64,
}

impl Default for MinSupport {
    fn default() -> Self {
        Self { orders: DEFAULT_MIN_ORDERS, customers: DEFAULT_MIN_CUSTOMERS }
    }
}

/// A recommended product with its reason.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ProductRecommendation {
    pub product_id: i64,
    pub sku: String,
    pub name: String,
    pub price: Decimal,
    /// "often bought with <product>" (same order) or "customers who bought <product>
    /// also bought <this>" (same customer).
    pub reason: String,
    pub because_of: i64,
    /// `same_order` or `same_customer`: the link behind `support` and `lift`.
    pub kind: &'static str,
    /// Share of all orders (or customers, by `kind`) holding both.
    pub support: f64,
    /// How many times more often they go together than by chance.
    pub lift: f64,
    /// Orders holding both products.
    pub orders_together: i64,
    /// Customers who bought both products.
    pub customers_together: i64,
}

fn enrich(
    recs: Vec<Recommendation>,
    names: &HashMap<i64, ProductCounts>,
    together: &HashMap<(Kind, i64, i64), i64>,
) -> Vec<ProductRecommendation> {
    recs.into_iter()
        .filter_map(|r| {
            let p = names.get(&r.product_id)?;
            let because =
                names.get(&r.because_of).map_or_else(|| format!("product {}", r.because_of), |b| b.name.clone());
            let key = (r.product_id.min(r.because_of), r.product_id.max(r.because_of));
            let count = |k: Kind| together.get(&(k, key.0, key.1)).copied().unwrap_or(0);
            let (kind, reason) = match r.kind {
                Kind::SameOrder => ("same_order", format!("often bought with {because}")),
                Kind::SameCustomer => {
                    ("same_customer", format!("customers who bought {because} also bought {}", p.name))
                }
            };
            Some(ProductRecommendation {
                product_id: p.id,
                sku: p.sku.clone(),
                name: p.name.clone(),
                price: from_cents(p.price_cents),
                reason,
                because_of: r.because_of,
                kind,
                support: r.support,
                lift: r.lift,
                orders_together: count(Kind::SameOrder),
                customers_together: count(Kind::SameCustomer),
            })
        })
        .collect()
}

async fn recommend_for(
    db: &impl ConnectionTrait,
    basket: Basket,
    limit: u64,
    min: MinSupport,
) -> Result<Vec<ProductRecommendation>> {
    if !(1..=100).contains(&limit) {
        return Err(DomainError::invalid("limit", "must be between 1 and 100"));
    }
    if min.orders < 1 {
        return Err(DomainError::invalid("min_orders", "must be at least 1"));
    }
    if min.customers < 1 {
        return Err(DomainError::invalid("min_customers", "must be at least 1"));
    }
    let links = repo::links(db, basket, min.orders, min.customers).await?;
    let pairs = |rows: Vec<(i64, i64, i64)>| -> Vec<PairCount> {
        rows.into_iter().map(|(a, b, together)| PairCount { a, b, together }).collect()
    };
    let (order_pairs, customer_pairs) = (pairs(links.order_pairs), pairs(links.customer_pairs));
    let basket = links.basket;
    let mut ids: BTreeSet<i64> = basket.clone();
    ids.extend(order_pairs.iter().chain(&customer_pairs).flat_map(|p| [p.a, p.b]));
    let ids: Vec<i64> = ids.into_iter().collect();
    let products: HashMap<i64, ProductCounts> =
        repo::with_counts(db, &ids).await?.into_iter().map(|p| (p.id, p)).collect();
    let (orders, customers) = (links.orders, links.customers);
    let order_counts: HashMap<i64, i64> = products.values().map(|p| (p.id, p.orders)).collect();
    let customer_counts: HashMap<i64, i64> = products.values().map(|p| (p.id, p.customers)).collect();
    let allowed: BTreeSet<i64> = products.values().filter(|p| p.live).map(|p| p.id).collect();
    let sources = [
        Cooccurrence { kind: Kind::SameOrder, pairs: &order_pairs, counts: &order_counts, total: orders },
        Cooccurrence { kind: Kind::SameCustomer, pairs: &customer_pairs, counts: &customer_counts, total: customers },
    ];
    let recs = recommend::recommend_from(&basket, &sources, &allowed, usize::try_from(limit).unwrap_or(100));
    let together: HashMap<(Kind, i64, i64), i64> =
        sources.iter().flat_map(|s| s.pairs.iter().map(move |p| ((s.kind, p.a, p.b), p.together))).collect();
    Ok(enrich(recs, &products, &together))
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
    min: MinSupport,
) -> Result<Vec<ProductRecommendation>> {
    crate::services::customers::get(db, actor, customer_id).await?;
    recommend_for(db, Basket::Customer(customer_id), limit, min).await
}

/// Products often bought with this one (in its orders or by its buyers).
///
/// # Errors
/// `Forbidden`, `NotFound`, `Invalid` limits, database failures.
pub async fn related(
    db: &impl ConnectionTrait,
    actor: &Actor,
    product_id: i64,
    limit: u64,
    min: MinSupport,
) -> Result<Vec<ProductRecommendation>> {
    actor.require(Action::ProductsRead)?;
    crate::services::products::get(db, actor, product_id).await?;
    recommend_for(db, Basket::Product(product_id), limit, min).await
}
