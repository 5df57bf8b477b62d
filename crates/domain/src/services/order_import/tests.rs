//! An import adds to what the orders already there built up: the aggregates RFM reads,
//! the products each customer bought, and the co-occurrence counts by order and by
//! customer all equal a computation from every order afterwards.

use std::collections::{BTreeMap, BTreeSet};

use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use crate::entities::{
    customer, customer_order_stats, customer_product, customer_product_pair, order, order_line, product_customer_stats,
    product_order_stats, product_pair,
};
use crate::repo::{counters, customer_products, customer_stats, product_pairs};
use crate::services::customers::{self, NewCustomer};
use crate::services::seed;
use crate::{Actor, testing};

/// Baskets counted: product → baskets, (a, b) → baskets, non-empty baskets.
type Counts = (BTreeMap<i64, i64>, BTreeMap<(i64, i64), i64>, i64);

/// Everything the import maintains besides the orders and the rollups.
#[derive(Debug, PartialEq, Eq)]
struct Derived {
    stats: Vec<customer_order_stats::Model>,
    /// (customer, product) → orders holding it
    customer_products: BTreeMap<(i64, i64), i64>,
    /// by customer: their products over time
    by_customer: Counts,
    /// by order
    by_order: Counts,
}

fn pairs_of(set: &BTreeSet<i64>) -> impl Iterator<Item = (i64, i64)> + '_ {
    set.iter().flat_map(move |a| set.range(a + 1..).map(move |b| (*a, *b)))
}

/// Counts of products and pairs over baskets, and the number of non-empty baskets.
fn count(baskets: impl Iterator<Item = BTreeSet<i64>>) -> Counts {
    let (mut products, mut pairs, mut n) = (BTreeMap::new(), BTreeMap::new(), 0);
    for b in baskets.filter(|b| !b.is_empty()) {
        n += 1;
        for p in &b {
            *products.entry(*p).or_default() += 1;
        }
        for pair in pairs_of(&b) {
            *pairs.entry(pair).or_default() += 1;
        }
    }
    (products, pairs, n)
}

async fn from_scratch(db: &DatabaseConnection) -> Derived {
    let customers: Vec<i64> =
        customer::Entity::find().all(db).await.expect("customers").into_iter().map(|c| c.id).collect();
    let mut stats = customer_stats::from_orders(db, &customers, None).await.expect("stats");
    stats.sort_by_key(|s| s.customer_id);
    let orders: BTreeMap<i64, order::Model> = order::Entity::find()
        .filter(order::Column::Status.ne("cancelled"))
        .all(db)
        .await
        .expect("orders")
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    let mut baskets: BTreeMap<i64, BTreeSet<i64>> = BTreeMap::new();
    for l in order_line::Entity::find().all(db).await.expect("lines") {
        if let (Some(p), true) = (l.product_id, orders.contains_key(&l.order_id)) {
            baskets.entry(l.order_id).or_default().insert(p);
        }
    }
    let mut cp: BTreeMap<(i64, i64), i64> = BTreeMap::new();
    let mut bought: BTreeMap<i64, BTreeSet<i64>> = BTreeMap::new();
    for (id, basket) in &baskets {
        let c = orders[id].customer_id;
        for p in basket {
            *cp.entry((c, *p)).or_default() += 1;
            bought.entry(c).or_default().insert(*p);
        }
    }
    Derived {
        stats,
        customer_products: cp,
        by_customer: count(bought.into_values()),
        by_order: count(baskets.into_values()),
    }
}

/// Rows whose count went back to zero (after cancellations) are as good as none.
fn nonzero<K: Ord>(m: BTreeMap<K, i64>) -> BTreeMap<K, i64> {
    m.into_iter().filter(|(_, n)| *n != 0).collect()
}

async fn stored(db: &DatabaseConnection) -> Derived {
    let stats = customer_order_stats::Entity::find()
        .order_by_asc(customer_order_stats::Column::CustomerId)
        .all(db)
        .await
        .expect("stats");
    let cp = customer_product::Entity::find().all(db).await.expect("cp");
    let pcs = product_customer_stats::Entity::find().all(db).await.expect("pcs");
    let cpp = customer_product_pair::Entity::find().all(db).await.expect("cpp");
    let pos = product_order_stats::Entity::find().all(db).await.expect("pos");
    let pp = product_pair::Entity::find().all(db).await.expect("pp");
    Derived {
        stats,
        customer_products: nonzero(cp.into_iter().map(|r| ((r.customer_id, r.product_id), r.orders)).collect()),
        by_customer: (
            nonzero(pcs.into_iter().map(|r| (r.product_id, r.customers)).collect()),
            nonzero(cpp.into_iter().map(|r| ((r.product_a, r.product_b), r.customers)).collect()),
            counters::value(db, customer_products::CUSTOMERS_COUNTER).await.expect("counter"),
        ),
        by_order: (
            nonzero(pos.into_iter().map(|r| (r.product_id, r.orders)).collect()),
            nonzero(pp.into_iter().map(|r| ((r.product_a, r.product_b), r.orders)).collect()),
            counters::value(db, product_pairs::ORDERS_COUNTER).await.expect("counter"),
        ),
    }
}

#[tokio::test]
async fn an_import_adds_to_the_aggregates_and_co_occurrence_counts_of_the_orders_before_it() {
    let db = testing::db().await;
    seed::seed(&db, seed::SeedOptions { customers: 30, seed: 4 }).await.expect("seed");
    let before = stored(&db).await;
    assert_eq!(before, from_scratch(&db).await, "seeded");
    let system = Actor::system();
    let input = NewCustomer { name: "New".into(), email: Some("new@example.com".into()), ..Default::default() };
    customers::create(&db, &system, input).await.expect("customer");
    // A seeded customer with orders, who gets products they have and products they lack.
    let old_id = customer_order_stats::Entity::find()
        .order_by_asc(customer_order_stats::Column::OrderCount)
        .all(&db)
        .await
        .expect("stats")
        .into_iter()
        .map(|s| s.customer_id)
        .find(|id| before.customer_products.keys().any(|k| k.0 == *id))
        .expect("a seeded customer with products");
    let old_email = customer::Entity::find_by_id(old_id)
        .one(&db)
        .await
        .expect("query")
        .and_then(|c| c.email)
        .expect("seeded customers have emails");
    let skus = testing::skus(&db).await;
    let has: BTreeSet<i64> = before.customer_products.keys().filter(|k| k.0 == old_id).map(|k| k.1).collect();
    let owned = skus.iter().find(|p| has.contains(&p.0)).expect("an owned product").1.clone();
    let fresh: Vec<&String> = skus.iter().filter(|p| !has.contains(&p.0)).map(|p| &p.1).take(3).collect();
    assert_eq!(fresh.len(), 3, "products the customer lacks");
    let (f0, f1, f2) = (fresh[0], fresh[1], fresh[2]);
    let csv = format!(
        "order_ref,customer_email,order_date,status,sku,quantity,unit_price\n\
         A,{old_email},2020-05-01,completed,{owned},1,5.00\n\
         A,{old_email},2020-05-01,completed,{f0},2,5.00\n\
         A,{old_email},2020-05-01,completed,{f0},1,5.00\n\
         B,{old_email},2030-01-02,paid,{f1},1,7.00\n\
         C,{old_email},2021-01-01,cancelled,{f2},1,9.00\n\
         D,new@example.com,2022-02-02,completed,{f0},1,1.00\n\
         D,new@example.com,2022-02-02,completed,{owned},1,1.00\n\
         E,new@example.com,2022-03-03,shipped,{f0},4,1.00\n\
         F,new@example.com,2022-04-04,cancelled,{f2},1,1.00\n"
    );
    let report = crate::services::order_import::import(&db, &system, csv.as_bytes()).await.expect("import");
    assert_eq!((report.orders, report.lines), (6, 9));
    let after = stored(&db).await;
    assert_eq!(after, from_scratch(&db).await, "imported");
    assert_ne!(after, before, "the import changed the counts");
}
