use rapport_domain::Role;
use rapport_tests::{TestApp, assert_problem, db_tests, read};
use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::json;

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

db_tests!(the_forecast_recovers_trend_and_season_from_orders);
