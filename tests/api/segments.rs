use rapport_domain::Role;
use rapport_tests::{Session, TestApp, assert_problem, db_tests, read};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn product(s: &Session<'_>, sku: &str, category: &str) -> Value {
    let body = json!({ "sku": sku, "name": sku, "price": "1.00", "category": category });
    let (status, p) = read(s.post("/api/v1/products", &body).await).await;
    assert_eq!(status, StatusCode::CREATED, "{p}");
    p
}

async fn order(s: &Session<'_>, customer: &Value, product: &Value, date: &str, amount: u32) -> Value {
    let body = json!({ "customer_id": customer["id"], "order_date": date, "lines": [{ "product_id": product["id"], "quantity": amount.to_string() }] });
    let (status, o) = read(s.post("/api/v1/orders", &body).await).await;
    assert_eq!(status, StatusCode::CREATED, "{o}");
    o
}

/// Four customers: A (Shenzhen, vip, born in May; tea 100 + ware 50), B (Shenzhen; ware 20;
/// an open service request), C (Beijing, vip; tea 500, a cancelled ware order), D (Shenzhen,
/// no orders).
async fn fixture(m: &Session<'_>) -> (Value, [i64; 4]) {
    let tea = product(m, "TEA", "tea").await;
    let ware = product(m, "WARE", "ware").await;
    let a = m
        .create_customer(
            json!({ "name": "A", "city": "Shenzhen", "tags": ["VIP"], "birthday": "1990-05-03", "source": "web" }),
        )
        .await;
    let b = m.create_customer(json!({ "name": "B", "city": "Shenzhen" })).await;
    let c = m.create_customer(json!({ "name": "C", "city": "Beijing", "tags": ["vip"] })).await;
    let d = m.create_customer(json!({ "name": "D", "city": "Shenzhen" })).await;
    order(m, &a, &tea, "2026-03-01", 100).await;
    order(m, &a, &ware, "2026-05-01", 50).await;
    order(m, &b, &ware, "2026-01-10", 20).await;
    order(m, &c, &tea, "2025-12-01", 500).await;
    let cancelled = order(m, &c, &ware, "2026-02-01", 70).await;
    let res = m.post(&format!("/api/v1/orders/{}/status", cancelled["id"]), &json!({ "status": "cancelled" })).await;
    assert_eq!(res.status(), StatusCode::OK);
    let sr = json!({ "customer_id": b["id"], "subject": "Broken cup", "channel": "phone" });
    let (status, body) = read(m.post("/api/v1/service-requests", &sr).await).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let ids =
        [a["id"].as_i64().unwrap(), b["id"].as_i64().unwrap(), c["id"].as_i64().unwrap(), d["id"].as_i64().unwrap()];
    (tea, ids)
}

async fn members(s: &Session<'_>, filter: Value) -> Vec<i64> {
    let (status, body) = read(s.post("/api/v1/segments/preview", &json!({ "filter": filter })).await).await;
    assert_eq!(status, StatusCode::OK, "{filter}: {body}");
    let ids: Vec<i64> = body["sample"].as_array().unwrap().iter().map(|c| c["id"].as_i64().unwrap()).collect();
    assert_eq!(body["count"].as_u64().unwrap() as usize, ids.len(), "{filter}");
    ids
}

async fn segment_filters_select_exactly_the_fixture_customers(app: TestApp) {
    let m = app.login_as(Role::Manager).await;
    let (tea, [a, b, c, d]) = fixture(&m).await;
    let mk = app.login_as(Role::Marketing).await;
    assert_eq!(members(&mk, json!({})).await, [a, b, c, d]);
    assert_eq!(members(&mk, json!({ "city": "Shenzhen" })).await, [a, b, d]);
    assert_eq!(members(&mk, json!({ "tags": ["vip"] })).await, [a, c]);
    assert_eq!(members(&mk, json!({ "birthday_month": 5 })).await, [a]);
    assert_eq!(members(&mk, json!({ "source": "web" })).await, [a]);
    assert_eq!(members(&mk, json!({ "bought_product_id": tea["id"] })).await, [a, c]);
    assert_eq!(members(&mk, json!({ "bought_category": "ware" })).await, [a, b], "C's ware order was cancelled");
    assert_eq!(members(&mk, json!({ "total_spend_min": "100" })).await, [a, c]);
    assert_eq!(members(&mk, json!({ "total_spend_max": "100.00" })).await, [b, d], "no orders = 0 spent");
    assert_eq!(members(&mk, json!({ "total_spend_min": "20", "total_spend_max": "150" })).await, [a, b]);
    assert_eq!(members(&mk, json!({ "order_count_min": 2 })).await, [a]);
    assert_eq!(members(&mk, json!({ "order_count_max": 0 })).await, [d]);
    assert_eq!(members(&mk, json!({ "last_order_from": "2026-04-01" })).await, [a]);
    assert_eq!(members(&mk, json!({ "last_order_to": "2026-02-01" })).await, [b, c]);
    assert_eq!(members(&mk, json!({ "has_open_service_request": true })).await, [b]);
    assert_eq!(members(&mk, json!({ "has_open_service_request": false })).await, [a, c, d]);
    assert_eq!(members(&mk, json!({ "city": "Shenzhen", "total_spend_min": "100" })).await, [a]);

    // RFM segments: the same customers as today's scores say, each in exactly one.
    let (status, rfm) = read(m.get("/api/v1/analytics/rfm/customers?per_page=100&sort=customer_id").await).await;
    assert_eq!(status, StatusCode::OK, "{rfm}");
    let mut covered = Vec::new();
    for row in rfm["items"].as_array().unwrap() {
        let seg = row["segment"].as_str().unwrap();
        let expect: Vec<i64> = rfm["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["segment"] == seg)
            .map(|r| r["customer_id"].as_i64().unwrap())
            .collect();
        assert_eq!(members(&mk, json!({ "rfm_segment": seg })).await, expect, "{seg}");
        covered.push(row["customer_id"].as_i64().unwrap());
    }
    assert_eq!(covered, [a, b, c], "D never ordered and has no RFM segment");
    let scored = |key: &str, lo: u64, hi: u64| -> Vec<i64> {
        rfm["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| (lo..=hi).contains(&r[key].as_u64().unwrap()))
            .map(|r| r["customer_id"].as_i64().unwrap())
            .collect()
    };
    assert_eq!(members(&mk, json!({ "m_score_min": 4 })).await, scored("m_score", 4, 5));
    assert_eq!(members(&mk, json!({ "r_score_min": 2, "r_score_max": 3 })).await, scored("r_score", 2, 3));
}

async fn bad_filters_are_refused_with_the_field_named(app: TestApp) {
    let mk = app.login_as(Role::Marketing).await;
    let cases = [
        (json!({ "birthday_month": 13 }), "birthday_month"),
        (json!({ "bought_product_id": 999_999 }), "bought_product_id"),
        (json!({ "rfm_segment": "whales" }), "rfm_segment"),
        (json!({ "f_score_min": 6 }), "f_score_min"),
        (json!({ "total_spend_min": "-1" }), "total_spend_min"),
        (json!({ "order_count_min": 5, "order_count_max": 1 }), "order_count_max"),
    ];
    for (filter, field) in cases {
        let body = assert_problem(
            mk.post("/api/v1/segments/preview", &json!({ "filter": filter })).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(body["errors"][0]["field"], field, "{filter}: {body}");
    }
    let res = mk.post("/api/v1/segments/preview", &json!({ "filter": { "cty": "x" } })).await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let res = mk.post("/api/v1/segments", &json!({ "name": "", "filter": {} })).await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let (_, list) = read(mk.get("/api/v1/segments").await).await;
    assert_eq!(list["total"], 0, "nothing was saved");
}

async fn saved_segments_are_listed_changed_paged_and_deleted(app: TestApp) {
    let m = app.login_as(Role::Manager).await;
    let (_, [a, b, _, d]) = fixture(&m).await;
    let mk = app.login_as(Role::Marketing).await;
    let res = mk.post("/api/v1/segments", &json!({ "name": "Shenzhen", "filter": { "city": "Shenzhen" } })).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let etag = res.headers()["etag"].to_str().unwrap().to_owned();
    let seg: Value = res.json().await.unwrap();
    let path = format!("/api/v1/segments/{}", seg["id"]);
    assert_eq!(seg["filter"], json!({ "city": "Shenzhen" }));

    let (status, page) = read(mk.get(&format!("{path}/customers?per_page=2")).await).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["total"], 3);
    let first: Vec<i64> = page["items"].as_array().unwrap().iter().map(|c| c["id"].as_i64().unwrap()).collect();
    assert_eq!(first, [a, b]);
    let (_, page) = read(mk.get(&format!("{path}/customers?per_page=2&after={}", page["next_after"])).await).await;
    assert_eq!(page["items"][0]["id"], d);
    assert!(page.get("next_after").is_none(), "{page}");

    let change = json!({ "filter": { "city": "Shenzhen", "order_count_min": 1 } });
    let stale =
        mk.request(reqwest::Method::PATCH, &path).header("If-Match", "\"99\"").json(&change).send().await.unwrap();
    assert_problem(stale, StatusCode::PRECONDITION_FAILED, "stale_version").await;
    let res = mk.request(reqwest::Method::PATCH, &path).header("If-Match", etag).json(&change).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let (_, page) = read(mk.get(&format!("{path}/customers")).await).await;
    assert_eq!(page["total"], 2, "D has no orders");

    let sales = app.login_as(Role::Sales).await;
    assert_problem(sales.get("/api/v1/segments").await, StatusCode::FORBIDDEN, "forbidden").await;
    assert_problem(
        sales.post("/api/v1/segments/preview", &json!({ "filter": {} })).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;

    assert_eq!(mk.delete(&path).await.status(), StatusCode::NO_CONTENT);
    assert_problem(mk.get(&path).await, StatusCode::NOT_FOUND, "not_found").await;
}

db_tests!(
    segment_filters_select_exactly_the_fixture_customers,
    bad_filters_are_refused_with_the_field_named,
    saved_segments_are_listed_changed_paged_and_deleted,
);
