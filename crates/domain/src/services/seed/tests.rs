//! Seeding is deterministic and its sales history adds up.
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use super::*;
use crate::repo::customers as repo;
use crate::testing;

async fn snapshot(db: &DatabaseConnection) -> Vec<(String, Option<String>, Option<String>, Option<i64>, Vec<String>)> {
    let rows = customer::Entity::find().order_by_asc(customer::Column::Id).all(db).await.expect("rows");
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut tags = repo::tags(db, &ids).await.expect("tags");
    rows.into_iter().map(|r| (r.name, r.email, r.city, r.owner_id, tags.remove(&r.id).unwrap_or_default())).collect()
}

#[tokio::test]
async fn the_same_seed_gives_the_same_customers() {
    let (a, b) = (testing::db().await, testing::db().await);
    let opts = SeedOptions { customers: 1500, seed: 9 };
    let report = seed(&a, opts).await.expect("seed a");
    seed(&b, opts).await.expect("seed b");
    assert_eq!(report.customers, 1500);
    assert_eq!(report.logins.len(), DEMO_USERS.len());
    let (sa, sb) = (snapshot(&a).await, snapshot(&b).await);
    assert_eq!(sa.len(), 1500);
    assert_eq!(sa, sb);
    let other = testing::db().await;
    seed(&other, SeedOptions { customers: 1500, seed: 10 }).await.expect("seed other");
    assert_ne!(snapshot(&other).await, sa, "another seed gives other data");
}

#[tokio::test]
async fn seeding_twice_adds_customers_and_keeps_users_and_products() {
    let db = testing::db().await;
    seed(&db, SeedOptions { customers: 100, seed: 1 }).await.expect("first");
    let second = seed(&db, SeedOptions { customers: 100, seed: 1 }).await.expect("second");
    assert_eq!(second.products, 0, "products exist already");
    assert_eq!(second.marketing, marketing::MarketingCounts::default(), "segments and campaigns only once");
    let campaigns = crate::entities::campaign::Entity::find().all(&db).await.expect("campaigns");
    let mut states: Vec<(String, String)> = campaigns.into_iter().map(|c| (c.channel, c.status)).collect();
    states.sort();
    assert_eq!(
        states,
        [("email", "draft"), ("phone", "draft"), ("sms", "scheduled")].map(|(a, b)| (a.to_owned(), b.to_owned())),
        "one campaign per channel, the SMS one scheduled"
    );
    assert_eq!(crate::entities::segment::Entity::find().all(&db).await.expect("segments").len(), 3);
    assert_eq!(snapshot(&db).await.len(), 200);
    let users = crate::entities::user::Entity::find().all(&db).await.expect("users");
    assert_eq!(users.len(), DEMO_USERS.len());
}

#[tokio::test]
async fn seeded_sales_history_covers_every_state_and_adds_up() {
    use std::collections::{BTreeSet, HashMap};

    use crate::entities::{activity, lead, opportunity, order, order_line};
    let db = testing::db().await;
    let report = seed(&db, SeedOptions { customers: 300, seed: 3 }).await.expect("seed");
    assert!(report.sales.orders > 1500, "{:?}", report.sales);
    let statuses: BTreeSet<String> =
        lead::Entity::find().all(&db).await.expect("leads").into_iter().map(|l| l.status).collect();
    assert_eq!(statuses.len(), 5, "{statuses:?}");
    let stages: BTreeSet<String> =
        opportunity::Entity::find().all(&db).await.expect("opps").into_iter().map(|o| o.stage).collect();
    assert_eq!(stages.len(), 6, "{stages:?}");
    let orders = order::Entity::find().all(&db).await.expect("orders");
    let mut sums: HashMap<i64, i64> = HashMap::new();
    for l in order_line::Entity::find().all(&db).await.expect("lines") {
        *sums.entry(l.order_id).or_default() += l.line_total_cents;
    }
    let today = chrono::Utc::now().date_naive();
    for o in &orders {
        assert_eq!(sums.get(&o.id).copied().unwrap_or(0), o.total_cents, "order {} adds up", o.number);
        assert!((today - o.order_date).num_days() < 3 * 365);
    }
    let numbers: BTreeSet<&str> = orders.iter().map(|o| o.number.as_str()).collect();
    assert_eq!(numbers.len(), orders.len(), "order numbers are unique");
    let overdue = activity::Entity::find()
        .all(&db)
        .await
        .expect("activities")
        .into_iter()
        .filter(|a| a.done_at.is_none() && a.due_at.is_some_and(|d| d < crate::time::now()))
        .count();
    assert!(overdue > 0, "some follow-ups are overdue");
    use crate::entities::service_request;
    let requests = service_request::Entity::find().all(&db).await.expect("requests");
    assert_eq!(requests.len() as u64, report.sales.service_requests);
    assert!(requests.len() >= 100);
    assert!(requests.iter().any(|r| r.rating.is_some()), "some are rated");
    assert!(requests.iter().any(|r| r.resolved_at.is_some_and(|t| t > r.due_at)), "some broke their SLA");
    assert!(requests.iter().all(|r| r.rating.is_none() || r.resolved_at.is_some()), "only resolved ones are rated");
}

#[tokio::test]
async fn seeded_sales_rollups_equal_the_orders_for_whole_and_partial_months() {
    use crate::repo::sales_rollups::{Fact, facts, facts_from_orders};
    let db = testing::db().await;
    seed(&db, SeedOptions { customers: 300, seed: 4 }).await.expect("seed");
    let today = crate::time::today();
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("date");
    for (from, to) in [
        (day(2000, 1, 1), day(2100, 1, 1)),
        (today - chrono::Duration::days(400), today - chrono::Duration::days(17)),
        (today - chrono::Duration::days(40), today + chrono::Duration::days(1)),
        (today - chrono::Duration::days(9), today - chrono::Duration::days(3)),
    ] {
        let want = facts_from_orders(&db, from, to, None).await.expect("scratch");
        assert!(!want.by_month.is_empty(), "{from}..{to} has orders");
        assert_eq!(facts(&db, from, to, None, &Fact::ALL).await.expect("rollups"), want, "{from}..{to}");
        // Asked for some figures, only those are read, and they are the same.
        let some = facts(&db, from, to, None, &[Fact::Month, Fact::Product]).await.expect("rollups");
        assert_eq!((&some.by_month, &some.by_product), (&want.by_month, &want.by_product), "{from}..{to}");
        assert!(some.by_owner.is_empty() && some.by_city.is_empty(), "{from}..{to}: only what was asked");
    }
    let owner: Option<i64> = crate::entities::order::Entity::find()
        .filter(crate::entities::order::Column::OwnerId.is_not_null())
        .one(&db)
        .await
        .expect("query")
        .and_then(|o| o.owner_id);
    let (from, to) = (today - chrono::Duration::days(200), today);
    assert_eq!(
        facts(&db, from, to, owner, &Fact::ALL).await.expect("rollups"),
        facts_from_orders(&db, from, to, owner).await.expect("scratch")
    );
}

/// The daily counts and pipeline sums the triggers keep (and, on SQLite, the seed's
/// deferred insert adds) equal the seeded customers, requests and opportunities.
#[tokio::test]
async fn seeded_counts_equal_the_customers_requests_and_opportunities() {
    use crate::entities::service_request;
    use crate::repo::daily_counts::{self, ServiceSums};
    use std::collections::BTreeMap;
    let db = testing::db().await;
    seed(&db, SeedOptions { customers: 400, seed: 5 }).await.expect("seed");
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("date");
    let (from, to) = (day(2000, 1, 1), day(2100, 1, 1));
    let customers = customer::Entity::find().all(&db).await.expect("customers");
    let owner = customers.iter().find_map(|c| c.owner_id);
    for owner in [None, owner] {
        let mut want = BTreeMap::<NaiveDate, i64>::new();
        for c in customers.iter().filter(|c| c.deleted_at.is_none() && owner.is_none_or(|o| c.owner_id == Some(o))) {
            *want.entry(c.created_at.date()).or_default() += 1;
        }
        let live: i64 = want.values().sum();
        let got = daily_counts::new_customers(&db, from, to, owner).await.expect("counts");
        assert_eq!(got, want.into_iter().collect::<Vec<_>>(), "owner {owner:?}");
        let by_owner = daily_counts::live_customers(&db, owner).await.expect("by owner");
        assert_eq!(i64::try_from(by_owner).expect("a count"), live, "owner {owner:?}");
    }
    let mut want = ServiceSums::default();
    for r in service_request::Entity::find().all(&db).await.expect("requests") {
        if let Some(at) = r.resolved_at {
            want.resolved += 1;
            want.resolution_seconds += at.and_utc().timestamp() - r.request_date.and_utc().timestamp();
        }
        if let Some(rating) = r.rating {
            (want.rated, want.rating_sum) = (want.rated + 1, want.rating_sum + i64::from(rating));
        }
    }
    assert!(want.resolved > 0 && want.rated > 0, "the seed resolves and rates requests");
    assert_eq!(daily_counts::service(&db, from, to).await.expect("sums"), want);
    // The pipeline: kept by stage and owner (unfiltered) against summed from the
    // opportunities (filtered by an amount every one of them has).
    use crate::repo::opportunities::{OpportunityFilter, pipeline};
    let every = OpportunityFilter { amount_from: Some(i64::MIN), ..Default::default() };
    for owner in [None, owner] {
        let mut kept = pipeline(&db, &OpportunityFilter::default(), owner).await.expect("kept");
        let mut summed = pipeline(&db, &every, owner).await.expect("summed");
        kept.sort();
        summed.sort();
        assert!(!summed.is_empty(), "the seed makes opportunities");
        assert_eq!(kept, summed, "owner {owner:?}");
    }
}
