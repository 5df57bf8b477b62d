//! The persisted scores equal the computed ones after every kind of refresh, and the
//! segment and score conditions select exactly the customers the scores say.

use std::collections::BTreeSet;

use rust_decimal::Decimal;
use sea_orm::{EntityTrait, QueryFilter, QuerySelect};

use super::*;
use crate::entities::customer_rfm;
use crate::repo::customer_rfm::{ScoreRanges, score_condition, segment_condition};
use crate::services::orders::{self, NewOrder};
use crate::services::quotes::lines::NewLine;
use crate::services::seed::{SeedOptions, seed};

async fn stored_equals_computed(db: &DatabaseConnection, today: NaiveDate) -> Computed {
    ensure_fresh(db, db, today).await.expect("refresh");
    let c = compute(db, today).await.expect("compute");
    let mut stored = Vec::new();
    crate::repo::customer_rfm::each(db, |r| stored.push(r)).await.expect("stored");
    assert_eq!(stored.len(), c.inputs.len());
    for ((row, i), s) in stored.iter().zip(&c.inputs).zip(&c.scores) {
        let recency = i64::from(chrono::Datelike::num_days_from_ce(&today)) - row.last_order_day;
        let got = (row.customer_id, recency, row.frequency, row.monetary_cents);
        assert_eq!(got, (i.customer_id, i.recency_days, i.frequency, i.monetary_cents));
        assert_eq!((row.r, row.f, row.m), (i16::from(s.r), i16::from(s.f), i16::from(s.m)));
        assert_eq!(row.segment, s.segment.as_str());
    }
    // The stored segment sums give the summary of the computed scores.
    let stored_summary = stored::summary(db, db, today).await.expect("summary");
    let computed: Vec<Summary> =
        rapport_analytics::rfm::summary(&c.inputs, &c.scores).into_iter().map(Summary::from).collect();
    assert_eq!(stored_summary, computed);
    c
}

async fn ids(db: &DatabaseConnection, cond: sea_orm::Condition) -> BTreeSet<i64> {
    customer::Entity::find()
        .select_only()
        .column(customer::Column::Id)
        .filter(cond)
        .into_tuple::<i64>()
        .all(db)
        .await
        .expect("ids")
        .into_iter()
        .collect()
}

#[tokio::test]
async fn stored_scores_follow_orders_and_days_and_conditions_select_them() {
    let db = crate::testing::db().await;
    seed(&db, SeedOptions { customers: 300, seed: 3 }).await.expect("seed");
    let today = crate::time::today();
    stored_equals_computed(&db, today).await;

    // A new order on the same day: only the differing rows are rewritten.
    let customer = customer::Entity::find().one(&db).await.expect("query").expect("a customer");
    let product = crate::entities::product::Entity::find().one(&db).await.expect("query").expect("a product");
    let line = NewLine {
        product_id: Some(product.id),
        description: None,
        quantity: Decimal::from(50),
        unit_price: None,
        discount_pct: None,
    };
    let input = NewOrder {
        customer_id: customer.id,
        order_date: Some(today - chrono::Duration::days(1)),
        currency: None,
        tax_rate: None,
        notes: None,
        lines: vec![line],
    };
    orders::create(&db, &Actor::system(), input).await.expect("order");
    stored_equals_computed(&db, today).await;
    // Another day: everything is rewritten.
    let c = stored_equals_computed(&db, today + chrono::Duration::days(3)).await;

    let scored = |keep: &dyn Fn(&RfmScore) -> bool| -> BTreeSet<i64> {
        c.scores.iter().filter(|s| keep(s)).map(|s| s.customer_id).collect()
    };
    for seg in Segment::ALL {
        assert_eq!(ids(&db, segment_condition(seg)).await, scored(&|s| s.segment == seg), "{seg:?}");
    }
    let ranges = ScoreRanges { r: Some(4..=5), f: None, m: Some(1..=2) };
    let want = scored(&|s| s.r >= 4 && s.m <= 2);
    assert!(!want.is_empty());
    assert_eq!(ids(&db, score_condition(&ranges)).await, want);
    assert_eq!(ids(&db, score_condition(&ScoreRanges::default())).await, scored(&|_| true));
    let rows = customer_rfm::Entity::find().all(&db).await.expect("rows");
    assert_eq!(rows.len(), c.scores.len());

    // With no orders between two days, the stored rows of the later day are the same
    // rows (the table keeps the last order's day, not the recency): a new day alone
    // rewrites nothing.
    let later = today + chrono::Duration::days(100);
    let next = later + chrono::Duration::days(1);
    let a = stored::rows_of(&compute(&db, later).await.expect("compute"), later);
    let b = stored::rows_of(&compute(&db, next).await.expect("compute"), next);
    assert_eq!(a.len(), rows.len());
    let a: Vec<customer_rfm::Model> = a.iter().map(stored::Fresh::model).collect();
    let (gone, changed) = stored::difference(&a, &b);
    assert!(gone.is_empty() && changed.is_empty(), "{} gone, {} changed", gone.len(), changed.len());
}

#[test]
fn the_difference_deletes_and_inserts_exactly_what_changed() {
    let row = |id: i64, f: i64| customer_rfm::Model {
        customer_id: id,
        first_order_date: NaiveDate::from_ymd_opt(2026, 1, 1).expect("date"),
        last_order_day: 700_000,
        frequency: f,
        monetary_cents: 100,
        r: 1,
        f: 1,
        m: 1,
        segment: "lost".into(),
    };
    let old = vec![row(1, 1), row(2, 1), row(4, 1), row(6, 1), row(9, 1)];
    let fresh = [row(2, 1), row(3, 1), row(4, 2), row(6, 1), row(10, 1)];
    let fresh: Vec<stored::Fresh> = fresh.iter().map(stored::Fresh::of).collect();
    let (gone, changed) = stored::difference(&old, &fresh);
    assert_eq!(gone, vec![1, 4, 9]);
    assert_eq!(changed.iter().map(|r| (r.customer_id, r.frequency)).collect::<Vec<_>>(), vec![(3, 1), (4, 2), (10, 1)]);
    let (gone, changed) = stored::difference(&[], &[stored::Fresh::of(&row(1, 1))]);
    assert!(gone.is_empty() && changed.len() == 1);
    let (gone, changed) = stored::difference(&old, &[]);
    assert_eq!((gone.len(), changed.len()), (5, 0));
}

#[test]
fn merging_late_customers_keeps_every_column_in_customer_id_order() {
    let input = |id: i64| RfmInput { customer_id: id, recency_days: id * 2, frequency: id * 3, monetary_cents: id * 5 };
    let day = |id: i64| NaiveDate::from_num_days_from_ce_opt(700_000 + id as i32).expect("date");
    for (base, extra) in [
        (vec![2, 4, 6, 8], vec![1, 3, 5, 7, 9]),
        (vec![], vec![1, 2]),
        (vec![1, 2], vec![]),
        (vec![5, 6, 7], vec![1, 2]),
        (vec![1, 2], vec![5, 6, 7]),
        (vec![10, 20, 30, 40], vec![25]),
    ] {
        let mut c = Computed {
            inputs: base.iter().map(|&id| input(id)).collect(),
            scores: Vec::new(),
            first: base.iter().map(|&id| day(id)).collect(),
        };
        c.merge(extra.iter().map(|&id| (input(id), day(id))).collect());
        let mut want: Vec<i64> = base.iter().chain(&extra).copied().collect();
        want.sort_unstable();
        assert_eq!(c.inputs, want.iter().map(|&id| input(id)).collect::<Vec<_>>(), "{base:?} + {extra:?}");
        assert_eq!(c.first, want.iter().map(|&id| day(id)).collect::<Vec<_>>(), "{base:?} + {extra:?}");
    }
}
