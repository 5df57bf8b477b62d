//! Customer-level co-occurrence: the products each customer bought, how many customers
//! bought each product, and each pair (a < b) — kept in step with orders.
//!
//! Maintenance is by difference: [`refresh`] compares a customer's stored products with
//! those of their orders now, and the first time a customer buys P it counts P once and
//! the pair of P with every product the customer already had (or takes them back when
//! a cancellation leaves the customer without P).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect, Statement,
};

use crate::entities::customer_product as cp;
use crate::repo::batch::upsert_add;
use crate::repo::counters;

/// The counter holding the number of customers who bought any product.
pub const CUSTOMERS_COUNTER: &str = "customers_with_products";

/// Each customer's products now: product → orders (not cancelled) that hold it.
async fn from_orders(db: &impl ConnectionTrait, customers: &[i64]) -> Result<Vec<(i64, i64, i64)>, DbErr> {
    let backend = db.get_database_backend();
    let ids: Vec<String> = customers.iter().map(i64::to_string).collect();
    let sql = format!(
        "SELECT o.customer_id AS c, l.product_id AS p, COUNT(DISTINCT o.id) AS n FROM order_lines l \
         JOIN orders o ON o.id = l.order_id WHERE o.status <> 'cancelled' AND l.product_id IS NOT NULL \
         AND o.customer_id IN ({}) GROUP BY o.customer_id, l.product_id",
        ids.join(", ")
    );
    let mut out = Vec::new();
    for r in db.query_all_raw(Statement::from_string(backend, sql)).await? {
        out.push((r.try_get("", "c")?, r.try_get("", "p")?, r.try_get("", "n")?));
    }
    Ok(out)
}

/// Brings these customers' stored products, and the product and pair counts built on
/// them, in line with their orders. Call it in the transaction that created, cancelled
/// or imported their orders.
///
/// # Errors
/// Database failures.
pub async fn refresh(db: &impl ConnectionTrait, customers: &[i64]) -> Result<(), DbErr> {
    let ids: Vec<i64> = customers.iter().copied().collect::<BTreeSet<_>>().into_iter().collect();
    let mut counts = Counts::default();
    for chunk in ids.chunks(500) {
        let old = stored(db, chunk).await?;
        let now = from_orders(db, chunk).await?;
        let mut new: HashMap<i64, BTreeSet<i64>> = HashMap::new();
        for (c, p, _) in &now {
            new.entry(*c).or_default().insert(*p);
        }
        let empty = BTreeSet::new();
        for c in chunk {
            let (o, n) = (old.get(c).unwrap_or(&empty), new.get(c).unwrap_or(&empty));
            counts.change(o, n);
        }
        cp::Entity::delete_many().filter(cp::Column::CustomerId.is_in(chunk.iter().copied())).exec(db).await?;
        for rows in now.chunks(1000) {
            let rows = rows.iter().map(|(c, p, n)| cp::ActiveModel {
                customer_id: Set(*c),
                product_id: Set(*p),
                orders: Set(*n),
            });
            cp::Entity::insert_many(rows).exec(db).await?;
        }
    }
    counts.write(db).await
}

/// Adds orders of these customers, each product with the number of new orders (not
/// cancelled) that hold it: the stored products gain them, and the product and pair
/// counts what is new to each customer. For bulk writers (the historical import): it
/// reads only the customers' stored products, not their orders.
///
/// # Errors
/// Database failures.
pub async fn add(db: &impl ConnectionTrait, bought: &BTreeMap<i64, BTreeMap<i64, i64>>) -> Result<(), DbErr> {
    let ids: Vec<i64> = bought.keys().copied().collect();
    let mut counts = Counts::default();
    let mut rows = Vec::new();
    for chunk in ids.chunks(5000) {
        let old = stored(db, chunk).await?;
        let empty = BTreeSet::new();
        for c in chunk {
            let o = old.get(c).unwrap_or(&empty);
            let added = &bought[c];
            let mut n = o.clone();
            n.extend(added.keys().copied());
            counts.change(o, &n);
            rows.extend(added.iter().map(|(p, k)| (vec![*c, *p], *k)));
        }
    }
    upsert_add(db, "customer_products", &["customer_id", "product_id"], "orders", &rows).await?;
    counts.write(db).await
}

/// The products stored for these customers.
async fn stored(db: &impl ConnectionTrait, customers: &[i64]) -> Result<HashMap<i64, BTreeSet<i64>>, DbErr> {
    let mut out: HashMap<i64, BTreeSet<i64>> = HashMap::new();
    let rows: Vec<(i64, i64)> = cp::Entity::find()
        .select_only()
        .columns([cp::Column::CustomerId, cp::Column::ProductId])
        .filter(cp::Column::CustomerId.is_in(customers.iter().copied()))
        .into_tuple()
        .all(db)
        .await?;
    for (c, p) in rows {
        out.entry(c).or_default().insert(p);
    }
    Ok(out)
}

/// Changes to the product and pair counts and to the number of buyers.
#[derive(Default)]
struct Counts {
    products: BTreeMap<i64, i64>,
    pairs: BTreeMap<(i64, i64), i64>,
    buyers: i64,
}

impl Counts {
    /// Counts a customer's products going from `old` to `new`.
    fn change(&mut self, old: &BTreeSet<i64>, new: &BTreeSet<i64>) {
        if old == new {
            return;
        }
        self.buyers += i64::from(old.is_empty() && !new.is_empty()) - i64::from(!old.is_empty() && new.is_empty());
        for (set, gone, delta) in [(new, old, 1i64), (old, new, -1i64)] {
            // Products in `set` but not in `gone` enter (or leave) with each partner in `set`.
            let moved: BTreeSet<i64> = set.difference(gone).copied().collect();
            for a in &moved {
                *self.products.entry(*a).or_insert(0) += delta;
                for b in set {
                    if b != a && (!moved.contains(b) || a < b) {
                        *self.pairs.entry((*a.min(b), *a.max(b))).or_insert(0) += delta;
                    }
                }
            }
        }
    }

    async fn write(self, db: &impl ConnectionTrait) -> Result<(), DbErr> {
        let products: Vec<(Vec<i64>, i64)> = self.products.into_iter().map(|(p, d)| (vec![p], d)).collect();
        upsert_add(db, "product_customer_stats", &["product_id"], "customers", &products).await?;
        let pairs: Vec<(Vec<i64>, i64)> = self.pairs.into_iter().map(|((a, b), d)| (vec![a, b], d)).collect();
        upsert_add(db, "customer_product_pairs", &["product_a", "product_b"], "customers", &pairs).await?;
        if self.buyers != 0 {
            counters::add(db, CUSTOMERS_COUNTER, self.buyers).await?;
        }
        Ok(())
    }
}
