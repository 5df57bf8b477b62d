use rapport_domain::Role;
use rapport_tests::{TestApp, assert_problem, db_tests, read};
use reqwest::StatusCode;
use serde_json::json;

async fn the_dashboard_adds_up_a_known_period(app: TestApp) {
    let m = app.login_as(Role::Manager).await;
    let (_, a) =
        read(m.post("/api/v1/products", &json!({ "sku": "A", "name": "Alpha", "price": "10.00" })).await).await;
    let (_, b) = read(m.post("/api/v1/products", &json!({ "sku": "B", "name": "Beta", "price": "1.00" })).await).await;
    let c = m.create_customer(json!({ "name": "Dash Co" })).await;
    let order = |date: &str, lines: serde_json::Value| {
        let body = json!({ "customer_id": c["id"], "order_date": date, "lines": lines });
        let m = &m;
        async move { m.post("/api/v1/orders", &body).await }
    };
    assert_eq!(
        order("2026-03-15", json!([{ "product_id": a["id"], "quantity": "10" }])).await.status(),
        StatusCode::CREATED
    );
    assert_eq!(
        order("2026-03-20", json!([{ "product_id": b["id"], "quantity": "50" }])).await.status(),
        StatusCode::CREATED
    );
    assert_eq!(
        order("2026-04-02", json!([{ "product_id": a["id"], "quantity": "3" }])).await.status(),
        StatusCode::CREATED
    );
    assert_eq!(
        order("2025-12-31", json!([{ "product_id": b["id"], "quantity": "7" }])).await.status(),
        StatusCode::CREATED
    );
    let (_, gone) = read(order("2026-04-03", json!([{ "product_id": a["id"], "quantity": "100" }])).await).await;
    m.post(&format!("/api/v1/orders/{}/status", gone["id"]), &json!({ "status": "cancelled" })).await;
    for (stage, reason) in [("won", None), ("lost", Some("price"))] {
        let (_, o) = read(
            m.post("/api/v1/opportunities", &json!({ "title": stage, "customer_id": c["id"], "amount": "100.00" }))
                .await,
        )
        .await;
        let body = match reason {
            Some(r) => json!({ "stage": stage, "lost_reason": r }),
            None => json!({ "stage": stage }),
        };
        assert_eq!(m.patch(&format!("/api/v1/opportunities/{}", o["id"]), &body).await.status(), StatusCode::OK);
    }
    let (status, d) = read(m.get("/api/v1/analytics/dashboard?from=2026-01-01&to=2027-01-01").await).await;
    assert_eq!(status, StatusCode::OK, "{d}");
    assert_eq!(
        d["revenue_by_month"],
        json!([
            { "month": "2026-03", "revenue": "150.00", "orders": 2 },
            { "month": "2026-04", "revenue": "30.00", "orders": 1 }
        ])
    );
    assert_eq!(
        d["new_customers_by_month"].as_array().unwrap().iter().map(|x| x["count"].as_i64().unwrap()).sum::<i64>(),
        1
    );
    assert_eq!(
        (d["win_rate"]["won"].as_i64(), d["win_rate"]["lost"].as_i64(), d["win_rate"]["rate"].as_f64()),
        (Some(1), Some(1), Some(0.5))
    );
    assert_eq!(
        d["top_products"][0],
        json!({ "product_id": a["id"], "name": "Alpha", "revenue": "130.00", "quantity": "13" })
    );
    // Beta's quantity (50) and revenue (5 000 cents) differ, unlike Alpha's 13 units at 10.00.
    assert_eq!(
        d["top_products"][1],
        json!({ "product_id": b["id"], "name": "Beta", "revenue": "50.00", "quantity": "50" })
    );
    assert_eq!(d["pipeline"].as_array().unwrap().len(), 6);
    assert_eq!(d["service"]["open"], 0);
    assert_problem(
        m.get("/api/v1/analytics/dashboard?from=2026-05-01&to=2026-01-01").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let (_, mkt) = read(app.login_as(Role::Marketing).await.get("/api/v1/analytics/dashboard").await).await;
    assert!(mkt["service"].is_null(), "marketing does not read service requests");
    assert_problem(
        app.login_as(Role::Support).await.get("/api/v1/analytics/dashboard").await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
}

/// New customers count in the month they were created, within the period's bounds
/// (the partial months at its edges too); deleted customers and empty months are left out.
async fn new_customers_are_counted_by_month_within_the_period(app: TestApp) {
    use chrono::NaiveDateTime;
    use rapport_domain::entities::customer;
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let m = app.login_as(Role::Manager).await;
    let created = [
        "2026-01-10 08:00:00",
        "2026-01-31 23:59:59",
        "2026-02-01 00:00:00",
        "2026-02-14 09:30:00",
        "2026-03-15 12:00:00",
        "2026-04-20 00:00:00",
        "2025-12-31 23:59:59",
    ];
    for (i, at) in created.iter().enumerate() {
        let c = m.create_customer(json!({ "name": format!("New {i}") })).await;
        let at = NaiveDateTime::parse_from_str(at, "%Y-%m-%d %H:%M:%S").unwrap();
        let mut update = customer::Entity::update_many().col_expr(customer::Column::CreatedAt, Expr::value(at));
        if at.format("%m").to_string() == "03" {
            update = update.col_expr(customer::Column::DeletedAt, Expr::value(Some(at)));
        }
        update.filter(customer::Column::Id.eq(c["id"].as_i64().unwrap())).exec(&app.db).await.unwrap();
    }
    let (status, d) = read(m.get("/api/v1/analytics/dashboard?from=2026-01-15&to=2026-04-20").await).await;
    assert_eq!(status, StatusCode::OK, "{d}");
    assert_eq!(
        d["new_customers_by_month"],
        json!([{ "month": "2026-01", "count": 1 }, { "month": "2026-02", "count": 2 }])
    );
}

db_tests!(the_dashboard_adds_up_a_known_period, new_customers_are_counted_by_month_within_the_period);
