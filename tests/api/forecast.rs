use std::collections::BTreeMap;

use rapport_domain::Role;
use rapport_migrations::{Migrator, MigratorTrait};
use rapport_tests::{Session, TestApp, assert_problem, db_tests, read};
use reqwest::{Method, StatusCode};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

fn ts(app: &TestApp, t: &str) -> String {
    match app.backend {
        rapport_tests::Backend::Postgres => format!("TIMESTAMP '{t}'"),
        _ => format!("'{t}'"),
    }
}

async fn the_forecast_recovers_trend_and_season_from_orders(app: TestApp) {
    let m = app.login_as(Role::Manager).await;
    let (_, unit) =
        read(m.post("/api/v1/products", &json!({ "sku": "U", "name": "Unit", "price": "1.00" })).await).await;
    let c = m.create_customer(json!({ "name": "Steady buyer" })).await;
    // 24 months from 2024-01: 1000 + 10 per month, +300 in December.
    for i in 0..24u32 {
        let (y, mo) = (2024 + i / 12, i % 12 + 1);
        let amount = 1000 + 10 * (i + 1) + if mo == 12 { 300 } else { 0 };
        let body = json!({ "customer_id": c["id"], "order_date": format!("{y}-{mo:02}-15"), "lines": [{ "product_id": unit["id"], "quantity": amount.to_string() }] });
        let (status, o) = read(m.post("/api/v1/orders", &body).await).await;
        assert_eq!(status, StatusCode::CREATED, "{o}");
        let res = m.post(&format!("/api/v1/orders/{}/status", o["id"]), &json!({ "status": "paid" })).await;
        assert_eq!(res.status(), StatusCode::OK);
    }
    let (status, f) = read(m.get("/api/v1/analytics/forecast?horizon=3&from=2024-01-01&to=2026-01-01").await).await;
    assert_eq!(status, StatusCode::OK, "{f}");
    assert_eq!(f["history"].as_array().unwrap().len(), 24);
    let trend = f["coefficients"].as_array().unwrap().iter().find(|c| c["name"] == "trend").unwrap();
    assert!((trend["estimate"].as_f64().unwrap() - 10.0).abs() < 1e-6, "{trend}");
    let periods: Vec<&str> = f["forecast"].as_array().unwrap().iter().map(|p| p["period"].as_str().unwrap()).collect();
    assert_eq!(periods, vec!["2026-01", "2026-02", "2026-03"]);
    assert!((f["forecast"][0]["revenue"].as_f64().unwrap() - 1250.0).abs() < 1e-6, "{}", f["forecast"][0]);
    assert_eq!(f["backtest"]["points"], 9, "origins 15..24");
    assert!(!f["coefficients"].as_array().unwrap().iter().any(|c| c["name"] == "promotion"), "no campaign has run");

    // A campaign ran in March 2025 and that month sold 500 more: the promotion regressor
    // takes exactly the 500, the trend stays 10.
    let mk = app.login_as(Role::Marketing).await;
    let (_, camp) =
        read(mk.post("/api/v1/campaigns", &json!({ "name": "March", "channel": "sms", "body": "Sale" })).await).await;
    let sql = format!(
        "UPDATE campaigns SET status = 'completed', launched_at = {l}, completed_at = {c} WHERE id = {}",
        camp["id"],
        l = ts(&app, "2025-03-10 09:00:00"),
        c = ts(&app, "2025-03-20 09:00:00"),
    );
    app.db.execute_raw(Statement::from_string(app.db.get_database_backend(), sql)).await.unwrap();
    let body = json!({ "customer_id": c["id"], "order_date": "2025-03-20", "lines": [{ "product_id": unit["id"], "quantity": "500" }] });
    let (_, o) = read(m.post("/api/v1/orders", &body).await).await;
    m.post(&format!("/api/v1/orders/{}/status", o["id"]), &json!({ "status": "paid" })).await;
    let (status, f) = read(m.get("/api/v1/analytics/forecast?horizon=3&from=2024-01-01&to=2026-01-01").await).await;
    assert_eq!(status, StatusCode::OK, "{f}");
    let coef = |name: &str| {
        f["coefficients"].as_array().unwrap().iter().find(|c| c["name"] == name).unwrap()["estimate"].as_f64().unwrap()
    };
    assert!((coef("promotion") - 500.0).abs() < 1e-6, "{f}");
    assert!((coef("trend") - 10.0).abs() < 1e-6, "{f}");
    let (status, short) = read(m.get("/api/v1/analytics/forecast?from=2025-06-01&to=2026-01-01").await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(short["errors"][0]["message"].as_str().unwrap().contains("at least 15 months"), "{short}");
    assert_problem(
        m.get("/api/v1/analytics/forecast?horizon=0").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_problem(
        m.get("/api/v1/analytics/forecast?granularity=week").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
}

/// A decimal string as cents ("12.5" → 1250).
fn cents(s: &str) -> i64 {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    format!("{int}{:0<2}", frac).parse().unwrap()
}

/// Revenue (cents) by month of the paid, shipped and completed orders dated in
/// `[from, to)`, from the order list.
async fn counted_from_orders(m: &Session<'_>, from: &str, to: &str) -> BTreeMap<String, i64> {
    let (_, page) = read(m.get("/api/v1/orders?per_page=200&sort=order_date").await).await;
    let items = page["items"].as_array().unwrap();
    assert_eq!(page["total"].as_u64(), Some(items.len() as u64), "one page holds every order");
    let mut by_month = BTreeMap::new();
    for o in items {
        let date = o["order_date"].as_str().unwrap();
        if ["paid", "shipped", "completed"].contains(&o["status"].as_str().unwrap()) && date >= from && date < to {
            *by_month.entry(date[..7].to_owned()).or_insert(0) += cents(o["total_amount"].as_str().unwrap());
        }
    }
    by_month
}

/// The forecast's history as (period, cents), checked to be every month from its first.
async fn history(m: &Session<'_>, query: &str) -> Vec<(String, i64)> {
    let (status, f) = read(m.get(&format!("/api/v1/analytics/forecast?horizon=3&{query}")).await).await;
    assert_eq!(status, StatusCode::OK, "{f}");
    f["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h["period"].as_str().unwrap().to_owned(), cents(h["revenue"].as_str().unwrap())))
        .collect()
}

/// Every month of `[first, to)` with its counted revenue (zero when none).
fn expected(counted: &BTreeMap<String, i64>, first: &str, to: &str) -> Vec<(String, i64)> {
    let (mut y, mut mo): (u32, u32) = (first[..4].parse().unwrap(), first[5..7].parse().unwrap());
    let mut out = Vec::new();
    loop {
        let p = format!("{y}-{mo:02}");
        if p.as_str() >= &to[..7] {
            break;
        }
        out.push((p.clone(), counted.get(&p).copied().unwrap_or(0)));
        (y, mo) = if mo == 12 { (y + 1, 1) } else { (y, mo + 1) };
    }
    out
}

async fn move_order(m: &Session<'_>, id: &Value, status: &str) {
    let (code, o) = read(m.post(&format!("/api/v1/orders/{id}/status"), &json!({ "status": status })).await).await;
    assert_eq!(code, StatusCode::OK, "{o}");
}

async fn the_forecast_history_equals_the_orders_through_status_changes_and_cancellations(app: TestApp) {
    let m = app.login_as(Role::Manager).await;
    let rep = app.login_as(Role::Sales).await;
    let body = json!({ "sku": "U", "name": "Unit", "price": "1.00" });
    let (_, unit) = read(m.post("/api/v1/products", &body).await).await;
    let c1 = rep.create_customer(json!({ "name": "Rep's buyer", "email": "rep@example.com" })).await;
    let c2 = m.create_customer(json!({ "name": "House buyer" })).await;
    // 18 months from 2024-01, three orders a month of two owners, each taking one path
    // through the statuses; 2024-01 and 2024-06 end with none that counts.
    let paths: [&[&str]; 6] = [
        &[],
        &["paid"],
        &["paid", "shipped"],
        &["paid", "shipped", "completed"],
        &["cancelled"],
        &["paid", "cancelled"],
    ];
    let mut paid = Vec::new();
    for i in 0..18u32 {
        let (y, mo) = (2024 + i / 12, i % 12 + 1);
        for (k, c) in [(0u32, &c1), (1, &c2), (2, &c2)] {
            let quantity = (100 + 7 * i + 31 * k).to_string();
            let body = json!({ "customer_id": c["id"], "order_date": format!("{y}-{mo:02}-{:02}", 1 + 13 * k), "lines": [{ "product_id": unit["id"], "quantity": quantity }] });
            let (status, o) = read(m.post("/api/v1/orders", &body).await).await;
            assert_eq!(status, StatusCode::CREATED, "{o}");
            let path = if i == 0 || i == 5 { [0, 4, 5][k as usize] } else { ((3 * i + k) % 6) as usize };
            for s in paths[path] {
                move_order(&m, &o["id"], s).await;
            }
            if path == 1 {
                paid.push(o["id"].clone());
            }
        }
    }
    let csv = "order_ref,customer_email,order_date,status,sku,quantity,unit_price\n\
               H-1,rep@example.com,2024-03-20,completed,U,40,1.00\n\
               H-2,rep@example.com,2024-03-21,shipped,U,8,1.00\n\
               H-3,rep@example.com,2024-03-22,cancelled,U,900,1.00\n\
               H-4,rep@example.com,2024-04-02,pending,U,700,1.00\n";
    let res = app
        .request(Method::POST, "/api/v1/orders/import")
        .bearer_auth(&m.token)
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let check = async |label: &str| {
        let counted = counted_from_orders(&m, "2024-01-01", "2025-07-01").await;
        assert!(!counted.contains_key("2024-01") && !counted.contains_key("2024-06"), "{counted:?}");
        // Without `from` the history starts at the first month with revenue.
        let want = expected(&counted, "2024-02", "2025-07");
        assert_eq!(history(&m, "to=2025-07-01").await, want, "{label}");
        let want = expected(&counted, "2024-01", "2025-07");
        assert_eq!(history(&m, "from=2024-01-01&to=2025-07-01").await, want, "{label}");
        let counted = counted_from_orders(&m, "2024-03-01", "2025-06-01").await;
        let want = expected(&counted, "2024-03", "2025-06");
        assert_eq!(history(&m, "from=2024-03-15&to=2025-06-20").await, want, "{label}, partial months");
    };
    check("after the first moves").await;
    // Paid orders move on again: half shipped and completed, half cancelled.
    for (n, id) in paid.iter().enumerate() {
        let steps: &[&str] = if n % 2 == 0 { &["shipped", "completed"] } else { &["cancelled"] };
        for s in steps {
            move_order(&m, id, s).await;
        }
    }
    check("after the second moves").await;
    // The rollup's migration fills it from the orders a database already holds.
    let names: Vec<String> = Migrator::migrations().iter().map(|m| m.name().to_owned()).collect();
    let at = names.iter().position(|n| n == "m20261206_000017_sales_monthly_status").unwrap();
    Migrator::down(&app.db, Some(u32::try_from(names.len() - at).unwrap())).await.unwrap();
    Migrator::up(&app.db, None).await.unwrap();
    check("after the migration filled the rollup").await;
}

db_tests!(
    the_forecast_recovers_trend_and_season_from_orders,
    the_forecast_history_equals_the_orders_through_status_changes_and_cancellations,
);
