use rapport_domain::Role;
use rapport_tests::{TestApp, assert_problem, db_tests, read};
use reqwest::{Method, StatusCode};
use serde_json::json;

async fn import(app: &TestApp, token: &str, csv: &str) -> reqwest::Response {
    app.request(Method::POST, "/api/v1/orders/import")
        .bearer_auth(token)
        .header("content-type", "text/csv")
        .body(csv.to_owned())
        .send()
        .await
        .unwrap()
}

async fn historical_orders_import_and_count_everywhere(app: TestApp) {
    let admin = app.login_as(Role::Admin).await;
    admin.create_customer(json!({ "name": "Old Buyer", "email": "old@buyer.example.com" })).await;
    let c2 = admin.create_customer(json!({ "name": "Other", "email": "other@example.com" })).await;
    for (sku, name) in [("TEA", "Tea"), ("CUP", "Cup")] {
        admin.post("/api/v1/products", &json!({ "sku": sku, "name": name, "price": "9.99" })).await;
    }
    let csv = "order_ref,customer_email,order_date,status,sku,quantity,unit_price,discount_pct\n\
               A-1,OLD@buyer.example.com,2024-03-01,completed,tea,2,10.00,\n\
               A-1,old@buyer.example.com,2024-03-01,completed,CUP,1,5.50,10\n\
               A-2,old@buyer.example.com,2024-07-15,completed,TEA,1,10.00,0\n\
               B-9,other@example.com,2025-01-02,cancelled,CUP,3,5.00,0\n";
    let (status, body) = read(import(&app, &admin.token, csv).await).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body, json!({ "orders": 3, "lines": 4 }));
    let (_, orders) = read(admin.get("/api/v1/orders?sort=order_date").await).await;
    assert_eq!(orders["total"], 3);
    let first = &orders["items"][0];
    assert_eq!(
        (first["order_date"].as_str(), first["total_amount"].as_str()),
        (Some("2024-03-01"), Some("24.95")),
        "{first}"
    );
    assert!(first["number"].as_str().unwrap().starts_with("O-2024-"));
    // RFM and recommendations see the history at once; the cancelled order counts for neither.
    let (_, rfm) = read(admin.get("/api/v1/analytics/rfm/customers?as_of=2025-06-01").await).await;
    assert_eq!(rfm["total"], 1);
    assert_eq!((rfm["items"][0]["frequency"].as_i64(), rfm["items"][0]["monetary"].as_str()), (Some(2), Some("34.95")));
    let (_, recs) =
        read(admin.get(&format!("/api/v1/customers/{}/recommendations?min_orders=1", c2["id"])).await).await;
    assert!(recs.as_array().unwrap().is_empty(), "{recs}");
}

async fn a_bad_order_file_is_rejected_whole(app: TestApp) {
    let admin = app.login_as(Role::Admin).await;
    admin.create_customer(json!({ "name": "Known", "email": "known@example.com" })).await;
    admin.post("/api/v1/products", &json!({ "sku": "TEA", "name": "Tea", "price": "9.99" })).await;
    let csv = "order_ref,customer_email,order_date,status,sku,quantity,unit_price\n\
               X-1,known@example.com,2024-03-01,completed,TEA,1,10.00\n\
               X-1,known@example.com,2024-03-02,completed,TEA,1,10.00\n\
               X-2,ghost@example.com,2024-03-01,completed,TEA,1,10.00\n\
               X-3,known@example.com,yesterday,completed,NOPE,0,abc\n";
    let body =
        assert_problem(import(&app, &admin.token, csv).await, StatusCode::UNPROCESSABLE_ENTITY, "import_rejected")
            .await;
    let found: Vec<(u64, &str)> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["line"].as_u64().unwrap(), e["field"].as_str().unwrap()))
        .collect();
    assert_eq!(
        found,
        vec![(3, "order_ref"), (4, "customer_email"), (5, "order_date"), (5, "quantity"), (5, "unit_price")]
    );
    let (_, orders) = read(admin.get("/api/v1/orders").await).await;
    assert_eq!(orders["total"], 0, "nothing was imported");
    assert_problem(
        import(&app, &admin.token, "ref,email\nx,y\n").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "import_rejected",
    )
    .await;
    let rep = app.login_as(Role::Sales).await;
    assert_problem(import(&app, &rep.token, "order_ref\n").await, StatusCode::FORBIDDEN, "forbidden").await;
}

db_tests!(historical_orders_import_and_count_everywhere, a_bad_order_file_is_rejected_whole);
