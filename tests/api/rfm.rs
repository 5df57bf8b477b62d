use rapport_domain::Role;
use rapport_tests::{Session, TestApp, assert_problem, db_tests, read};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn order(s: &Session<'_>, customer: &Value, product: &Value, date: &str, amount: u32) -> Value {
    let body = json!({ "customer_id": customer["id"], "order_date": date, "lines": [{ "product_id": product["id"], "quantity": amount.to_string() }] });
    let (status, o) = read(s.post("/api/v1/orders", &body).await).await;
    assert_eq!(status, StatusCode::CREATED, "{o}");
    o
}

async fn rfm_scores_and_segments_match_the_hand_computed_fixture(app: TestApp) {
    let m = app.login_as(Role::Manager).await;
    let (_, unit) =
        read(m.post("/api/v1/products", &json!({ "sku": "UNIT", "name": "One yuan", "price": "1.00" })).await).await;
    let mut cs = Vec::new();
    for i in 1..=6 {
        cs.push(m.create_customer(json!({ "name": format!("C{i}") })).await);
    }
    // as_of 2026-06-01: (recency, frequency, monetary) c1 (1, 1, 100), c2 (12, 2, 100), c3 (92, 3, 600), c4 (365, 1, 10), c5 (7, 4, 1200)
    order(&m, &cs[0], &unit, "2026-05-31", 100).await;
    order(&m, &cs[1], &unit, "2026-05-01", 50).await;
    order(&m, &cs[1], &unit, "2026-05-20", 50).await;
    for d in ["2026-01-10", "2026-02-10", "2026-03-01"] {
        order(&m, &cs[2], &unit, d, 200).await;
    }
    order(&m, &cs[3], &unit, "2025-06-01", 10).await;
    for d in ["2026-02-01", "2026-03-01", "2026-04-01", "2026-05-25"] {
        order(&m, &cs[4], &unit, d, 300).await;
    }
    // Not counted: a cancelled order, and orders on or after as_of.
    let cancelled = order(&m, &cs[4], &unit, "2026-05-30", 5000).await;
    let res = m.post(&format!("/api/v1/orders/{}/status", cancelled["id"]), &json!({ "status": "cancelled" })).await;
    assert_eq!(res.status(), StatusCode::OK);
    order(&m, &cs[5], &unit, "2026-06-05", 999).await;
    order(&m, &cs[0], &unit, "2026-06-01", 777).await;

    let (status, page) = read(m.get("/api/v1/analytics/rfm/customers?as_of=2026-06-01&sort=customer_id").await).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["total"], 5, "c6 ordered only after as_of");
    let rows: Vec<(i64, i64, String, u64, u64, u64, String)> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["recency_days"].as_i64().unwrap(),
                r["frequency"].as_i64().unwrap(),
                r["monetary"].as_str().unwrap().to_owned(),
                r["r_score"].as_u64().unwrap(),
                r["f_score"].as_u64().unwrap(),
                r["m_score"].as_u64().unwrap(),
                r["segment"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expect = |r: i64, f: i64, mo: &str, rs, fs, ms, seg: &str| (r, f, mo.to_owned(), rs, fs, ms, seg.to_owned());
    assert_eq!(
        rows,
        vec![
            expect(1, 1, "100.00", 5, 1, 2, "potential_loyalists"),
            expect(12, 2, "100.00", 3, 3, 3, "need_attention"),
            expect(92, 3, "600.00", 2, 4, 4, "at_risk"),
            expect(365, 1, "10.00", 1, 2, 1, "lost"),
            expect(7, 4, "1200.00", 4, 5, 5, "champions"),
        ]
    );
    let (_, summary) = read(m.get("/api/v1/analytics/rfm?as_of=2026-06-01").await).await;
    let champions = summary.as_array().unwrap().iter().find(|s| s["segment"] == "champions").unwrap();
    assert_eq!((champions["customers"].as_u64(), champions["revenue"].as_str()), (Some(1), Some("1200.00")));
    assert_eq!(summary.as_array().unwrap().len(), 11);
    let (status, one) = read(m.get(&format!("/api/v1/customers/{}/rfm?as_of=2026-06-01", cs[4]["id"])).await).await;
    assert_eq!((status, one["segment"].as_str()), (StatusCode::OK, Some("champions")));
    assert_eq!(one["purchases_per_month"], 1.015, "4 orders over 120 days = 3.94 months");
    // With today's date every order counts, c6 included.
    let (_, now) = read(m.get("/api/v1/analytics/rfm/customers").await).await;
    assert_eq!(now["total"], 6);
    let (_, champs) = read(m.get("/api/v1/analytics/rfm/customers?as_of=2026-06-01&segment=champions").await).await;
    assert_eq!(champs["total"], 1);
    assert_problem(
        m.get("/api/v1/analytics/rfm/customers?segment=vip").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_problem(
        m.get(&format!("/api/v1/customers/{}/rfm?as_of=2020-01-01", cs[0]["id"])).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}

async fn sales_see_the_rfm_of_their_own_customers(app: TestApp) {
    let rep = app.login_as(Role::Sales).await;
    let m = app.login_as(Role::Manager).await;
    let (_, unit) =
        read(m.post("/api/v1/products", &json!({ "sku": "U2", "name": "Unit", "price": "1.00" })).await).await;
    let mine = rep.create_customer(json!({ "name": "Mine" })).await;
    let other = m.create_customer(json!({ "name": "Other" })).await;
    order(&m, &mine, &unit, "2026-01-05", 10).await;
    order(&m, &other, &unit, "2026-01-06", 20).await;
    let (_, page) = read(rep.get("/api/v1/analytics/rfm/customers").await).await;
    assert_eq!(page["total"], 1);
    assert_eq!(page["items"][0]["customer_id"], mine["id"]);
    assert_problem(
        rep.get(&format!("/api/v1/customers/{}/rfm", other["id"])).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    assert_problem(
        app.login_as(Role::Support).await.get("/api/v1/analytics/rfm").await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
}

/// Today's figures come from the stored scores, which keep the day of the last order:
/// recency, its sort and its averages must still be today's.
async fn todays_stored_scores_sort_and_average_by_recency(app: TestApp) {
    let m = app.login_as(Role::Manager).await;
    let (_, unit) =
        read(m.post("/api/v1/products", &json!({ "sku": "U3", "name": "Unit", "price": "1.00" })).await).await;
    let today = chrono::Utc::now().date_naive();
    let mut ids = Vec::new();
    for (days, n) in [(10, 1), (1, 2), (100, 3)] {
        let c = m.create_customer(json!({ "name": format!("Ago {days}") })).await;
        for _ in 0..n {
            order(&m, &c, &unit, &(today - chrono::Duration::days(days)).to_string(), 5).await;
        }
        ids.push((days, c["id"].as_i64().unwrap()));
    }
    let recencies = |page: &Value| -> Vec<i64> {
        page["items"].as_array().unwrap().iter().map(|r| r["recency_days"].as_i64().unwrap()).collect()
    };
    let (status, page) = read(m.get("/api/v1/analytics/rfm/customers?sort=recency_days").await).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(recencies(&page), vec![1, 10, 100]);
    let (_, page) = read(m.get("/api/v1/analytics/rfm/customers?sort=-recency_days").await).await;
    assert_eq!(recencies(&page), vec![100, 10, 1]);
    assert_eq!(page["items"][0]["months_since_last"], 3.29, "100 days / 30.4375");
    let (_, summary) = read(m.get("/api/v1/analytics/rfm").await).await;
    let total: f64 = summary
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["avg_recency_days"].as_f64().unwrap() * s["customers"].as_f64().unwrap())
        .sum();
    assert!((total - 111.0).abs() < 1e-9, "Σ recency {total}");
    let (_, one) = read(m.get(&format!("/api/v1/customers/{}/rfm", ids[0].1)).await).await;
    assert_eq!((one["recency_days"].as_i64(), one["frequency"].as_i64()), (Some(10), Some(1)));
    // A new order moves the customer up the recency sort at once.
    let (_, late) = read(m.get(&format!("/api/v1/customers/{}", ids[2].1)).await).await;
    order(&m, &late, &unit, &today.to_string(), 5).await;
    let (_, page) = read(m.get("/api/v1/analytics/rfm/customers?sort=recency_days").await).await;
    assert_eq!(recencies(&page), vec![1, 10, 100], "an order dated today counts from tomorrow");
    assert_eq!(page["items"][2]["frequency"].as_i64(), Some(3));
    order(&m, &late, &unit, &(today - chrono::Duration::days(2)).to_string(), 5).await;
    let (_, page) = read(m.get("/api/v1/analytics/rfm/customers?sort=recency_days").await).await;
    assert_eq!(recencies(&page), vec![1, 2, 10]);
    assert_eq!(page["items"][1]["customer_id"].as_i64(), Some(ids[2].1));
    assert_eq!(page["items"][1]["frequency"].as_i64(), Some(4));
}

db_tests!(
    rfm_scores_and_segments_match_the_hand_computed_fixture,
    sales_see_the_rfm_of_their_own_customers,
    todays_stored_scores_sort_and_average_by_recency
);
