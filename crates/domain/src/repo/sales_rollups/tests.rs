//! The rollup by status equals the orders after seeding, after orders move on through
//! their statuses or are cancelled, and after its migration is rolled back and filled
//! again from the orders; over whole and open periods and per owner.

use chrono::{Duration, NaiveDate};
use rapport_migrations::{Migrator, MigratorTrait};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Statement};

use super::status::{by_month_status, by_month_status_from_orders};
use crate::entities::order;
use crate::services::{orders, seed};
use crate::{Actor, testing};

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
