//! The rollup by status equals the orders after seeding, after orders move on through
//! their statuses or are cancelled, and after its migration is rolled back and filled
//! again from the orders; over whole and open periods and per owner. Every rollup table
//! equals its grouped SELECT over the orders after seeding and after a historical
//! import, which sums the groups in memory ([`super::totals`]).

use chrono::{Duration, NaiveDate};
use rapport_migrations::{Migrator, MigratorTrait};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Statement};

use std::collections::BTreeMap;

use super::status::{by_month_status, by_month_status_from_orders};
use super::{By, ROLLUPS, Rollup, STATUS, int, select};
use crate::entities::{customer, order};
use crate::services::customers::{self, NewCustomer};
use crate::services::{order_import, orders, seed};
use crate::{Actor, testing};

/// A rollup's rows with orders: (period, owner, product or city or status) → sums.
type Table = BTreeMap<(String, i64, String), Vec<i64>>;

async fn table(db: &DatabaseConnection, r: &Rollup, sql: String) -> Table {
    let rows = db.query_all_raw(Statement::from_string(db.get_database_backend(), sql)).await.expect("query");
    let mut out = Table::new();
    for row in rows {
        let period = if r.daily {
            row.try_get::<NaiveDate>("", "day").expect("day").to_string()
        } else {
            row.try_get::<String>("", "month").expect("month")
        };
        let part = match r.by {
            By::Total => String::new(),
            By::Product => int(&row, "product_id").expect("product").to_string(),
            By::City => row.try_get("", "city").expect("city"),
            By::Status => row.try_get("", "status").expect("status"),
        };
        let sums: Vec<i64> = r.sums().iter().map(|c| int(&row, c).expect("sum")).collect();
        if sums.last().is_some_and(|n| *n != 0) {
            out.insert((period, int(&row, "owner_id").expect("owner"), part), sums);
        }
    }
    out
}

async fn assert_tables_equal_the_orders(db: &DatabaseConnection, when: &str) {
    let backend = db.get_database_backend();
    for r in ROLLUPS.iter().chain([&STATUS]) {
        let want = table(db, r, select(r, backend, "1 = 1", 1)).await;
        assert!(!want.is_empty(), "{when}: {} has groups", r.table);
        let cols: Vec<&str> = r.keys().into_iter().chain(r.sums().iter().copied()).collect();
        let got = table(db, r, format!("SELECT {} FROM {}", cols.join(", "), r.table)).await;
        assert_eq!(got, want, "{when}: {}", r.table);
    }
}

#[tokio::test]
async fn every_rollup_equals_the_orders_after_seeding_and_an_import() {
    let db = testing::db().await;
    seed::seed(&db, seed::SeedOptions { customers: 40, seed: 11 }).await.expect("seed");
    assert_tables_equal_the_orders(&db, "seeded").await;
    let system = Actor::system();
    let input = NewCustomer { name: "No City".into(), email: Some("nocity@example.com".into()), ..Default::default() };
    customers::create(&db, &system, input).await.expect("customer");
    let with_city = customer::Entity::find()
        .filter(customer::Column::City.is_not_null())
        .filter(customer::Column::Email.is_not_null())
        .one(&db)
        .await
        .expect("query")
        .expect("a seeded customer with a city and an email");
    let skus: Vec<String> = testing::skus(&db).await.into_iter().map(|p| p.1).take(2).collect();
    let (a, b, city) = (&skus[0], &skus[1], with_city.email.as_deref().expect("email"));
    // A product twice in one order (one order for it, both lines' revenue); a day and a
    // month the seed has orders in; a cancelled order; a customer without a city.
    let day = order::Entity::find().one(&db).await.expect("query").expect("an order").order_date;
    let csv = format!(
        "order_ref,customer_email,order_date,status,sku,quantity,unit_price,discount_pct\n\
         R-1,{city},{day},completed,{a},2,10.00,\n\
         R-1,{city},{day},completed,{a},1.5,4.00,10\n\
         R-1,{city},{day},completed,{b},1,3.25,\n\
         R-2,nocity@example.com,2019-02-28,paid,{b},3,1.10,\n\
         R-3,nocity@example.com,2019-02-01,cancelled,{a},9,9.00,\n\
         R-4,{city},2019-03-01,shipped,{b},1,2.00,\n"
    );
    let report = order_import::import(&db, &system, csv.as_bytes()).await.expect("import");
    assert_eq!((report.orders, report.lines), (4, 6));
    assert_tables_equal_the_orders(&db, "imported").await;
}

async fn assert_rollup_equals_the_orders(db: &DatabaseConnection, when: &str) {
    let today = crate::time::today();
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("date");
    for (from, to) in [
        (None, day(2100, 1, 1)),
        (Some(today - Duration::days(400)), today - Duration::days(17)),
        (Some(today - Duration::days(40)), today + Duration::days(1)),
    ] {
        let want = by_month_status_from_orders(db, from, to, None).await.expect("scratch");
        assert!(!want.is_empty(), "{when}: {from:?}..{to} has orders");
        assert_eq!(by_month_status(db, from, to, None).await.expect("rollup"), want, "{when}: {from:?}..{to}");
    }
    let owner = order::Entity::find()
        .filter(order::Column::OwnerId.is_not_null())
        .one(db)
        .await
        .expect("query")
        .and_then(|o| o.owner_id);
    let to = day(2100, 1, 1);
    let want = by_month_status_from_orders(db, None, to, owner).await.expect("scratch");
    assert!(!want.is_empty(), "{when}: owner {owner:?} has orders");
    assert_eq!(by_month_status(db, None, to, owner).await.expect("rollup"), want, "{when}: owner {owner:?}");
}

#[tokio::test]
async fn the_status_rollup_equals_the_orders_after_seeding_and_status_changes() {
    let db = testing::db().await;
    seed::seed(&db, seed::SeedOptions { customers: 150, seed: 5 }).await.expect("seed");
    assert_rollup_equals_the_orders(&db, "seeded").await;
    let all = order::Entity::find().order_by_asc(order::Column::Id).all(&db).await.expect("orders");
    let statuses: std::collections::BTreeSet<&str> = all.iter().map(|o| o.status.as_str()).collect();
    assert!(statuses.len() >= 4, "the seed covers the statuses: {statuses:?}");
    // A third cancelled where they still can be, a third one step on, a third all the
    // way to completed.
    let mut moves = 0;
    for (i, o) in all.iter().enumerate() {
        let mut status = o.status.clone();
        loop {
            let next = match (i % 3, status.as_str()) {
                (_, "completed" | "cancelled") => break,
                (0, "pending" | "paid") => "cancelled",
                (_, "pending") => "paid",
                (_, "paid") => "shipped",
                _ => "completed",
            };
            orders::change_status(&db, &Actor::system(), o.id, None, next, None).await.expect("status");
            moves += 1;
            status = next.to_owned();
            if i % 3 < 2 {
                break;
            }
        }
    }
    assert!(moves > 50, "{moves} moves");
    assert_rollup_equals_the_orders(&db, "moved").await;

    // Down through the rollup's migration (and any after it), then up: the backfill.
    let names: Vec<String> = Migrator::migrations().iter().map(|m| m.name().to_owned()).collect();
    let at = names.iter().position(|n| n == "m20261206_000017_sales_monthly_status").expect("migration");
    let down = u32::try_from(names.len() - at).expect("count");
    Migrator::down(&db, Some(down)).await.expect("down");
    let sql = "SELECT name FROM sqlite_master WHERE name = 'sales_monthly_status'";
    let left = db.query_all_raw(Statement::from_string(db.get_database_backend(), sql)).await.expect("tables");
    assert!(left.is_empty(), "down drops the table");
    Migrator::up(&db, None).await.expect("up");
    assert_rollup_equals_the_orders(&db, "filled by the migration").await;
}
