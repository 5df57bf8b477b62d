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

/// A product of one yuan, and customers `C1`…`Cn` with no orders.
async fn unit_and_customers(s: &Session<'_>, n: usize) -> (Value, Vec<Value>) {
    let (_, unit) =
        read(s.post("/api/v1/products", &json!({ "sku": "UNIT", "name": "One yuan", "price": "1.00" })).await).await;
    let mut cs = Vec::new();
    for i in 1..=n {
        cs.push(s.create_customer(json!({ "name": format!("C{i}") })).await);
    }
    (unit, cs)
}

async fn names_in(s: &Session<'_>, segment: &str) -> Vec<String> {
    let (status, page) = read(s.get(&format!("/api/v1/customers?rfm_segment={segment}&sort=name")).await).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page["items"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap().to_owned()).collect()
}

async fn the_customer_list_filters_by_todays_rfm_segment_and_follows_order_changes(app: TestApp) {
    let m = app.login_as(Role::Manager).await;
    let (unit, cs) = unit_and_customers(&m, 6).await;
    // All dates lie before today, so the scores depend only on their order. With 5 scored
    // customers every bucket holds one (C6 has no orders and is never scored).
    // last order: C1 05-31, C2 05-20, C3 03-01, C4 2025-06-01, C5 05-25
    //   → R (recency descending): C4 1, C3 2, C2 3, C5 4, C1 5
    // frequency: C1 1, C2 2, C3 3, C4 1, C5 4 → F (ties by id): C1 1, C4 2, C2 3, C3 4, C5 5
    // monetary: C1 100, C2 100, C3 600, C4 10, C5 1200 → M: C4 1, C1 2, C2 3, C3 4, C5 5
    // FM = ⌈(F+M)/2⌉: C1 R5 FM2 potential_loyalists, C2 R3 FM3 need_attention,
    // C3 R2 FM4 at_risk, C4 R1 FM2 lost, C5 R4 FM5 champions.
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
    assert_eq!(names_in(&m, "champions").await, ["C5"]);
    assert_eq!(names_in(&m, "lost").await, ["C4"]);
    assert_eq!(names_in(&m, "at_risk").await, ["C3"]);
    assert_eq!(names_in(&m, "potential_loyalists").await, ["C1"]);
    assert_eq!(names_in(&m, "hibernating").await, Vec::<String>::new());

    // C4 orders big on 2026-06-01, after every other order:
    // R: C3 1, C2 2, C5 3, C1 4, C4 5; frequency C1 1, C2 2, C3 3, C4 2, C5 4 → F: C1 1, C2 2,
    // C4 3, C3 4, C5 5; monetary C1 100, C2 100, C3 600, C4 5010, C5 1200 → M: C1 1, C2 2, C3 3,
    // C5 4, C4 5. C4 R5 FM4 champions, C5 R3 FM5 loyal_customers, C1 R4 FM1 promising,
    // C2 R2 FM2 hibernating, C3 R1 FM4 at_risk.
    let big = order(&m, &cs[3], &unit, "2026-06-01", 5000).await;
    assert_eq!(names_in(&m, "champions").await, ["C4"]);
    assert_eq!(names_in(&m, "loyal_customers").await, ["C5"]);
    assert_eq!(names_in(&m, "promising").await, ["C1"]);
    assert_eq!(names_in(&m, "hibernating").await, ["C2"]);
    assert_eq!(names_in(&m, "lost").await, Vec::<String>::new());
    let (_, seg) = read(m.get("/api/v1/analytics/rfm").await).await;
    let champions = seg.as_array().unwrap().iter().find(|s| s["segment"] == "champions").unwrap();
    assert_eq!((champions["customers"].as_u64(), champions["revenue"].as_str()), (Some(1), Some("5010.00")));
    let (_, one) = read(m.get(&format!("/api/v1/customers/{}/rfm", cs[3]["id"])).await).await;
    assert_eq!((one["frequency"].as_i64(), one["r_score"].as_u64()), (Some(2), Some(5)));

    // Cancelling it restores the first scores.
    let res = m.post(&format!("/api/v1/orders/{}/status", big["id"]), &json!({ "status": "cancelled" })).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(names_in(&m, "champions").await, ["C5"]);
    assert_eq!(names_in(&m, "lost").await, ["C4"]);
    let (_, page) = read(m.get("/api/v1/analytics/rfm/customers?sort=customer_id").await).await;
    let segments: Vec<&str> =
        page["items"].as_array().unwrap().iter().map(|r| r["segment"].as_str().unwrap()).collect();
    assert_eq!(segments, ["potential_loyalists", "need_attention", "at_risk", "lost", "champions"]);

    // Combined with other filters, and for a sales rep only their own customers.
    let (_, page) = read(m.get("/api/v1/customers?rfm_segment=champions&q=c4").await).await;
    assert_eq!(page["total"], 0);
    let rep = app.login_as(Role::Sales).await;
    let (status, page) = read(rep.get("/api/v1/customers?rfm_segment=champions").await).await;
    assert_eq!((status, page["total"].as_u64()), (StatusCode::OK, Some(0)));
}

/// The names in an export of one segment, sorted (the name is the second column).
async fn exported_in(s: &Session<'_>, segment: &str) -> Vec<String> {
    let res = s.get(&format!("/api/v1/customers/export.csv?rfm_segment={segment}")).await;
    let status = res.status();
    let text = res.text().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{segment}: {text}");
    let mut names: Vec<String> =
        text.lines().skip(1).map(|l| l.split(',').nth(1).unwrap_or_default().to_owned()).collect();
    names.sort();
    names
}

/// The export's RFM filter brings stale scores up to date before it reads them, as the
/// list's does (on SQLite it reads through connections that cannot write), and then
/// exports exactly the customers the list shows in each segment.
async fn the_export_filters_by_todays_rfm_segment_when_the_scores_are_stale(app: TestApp) {
    let m = app.login_as(Role::Manager).await;
    let (unit, cs) = unit_and_customers(&m, 4).await;
    order(&m, &cs[0], &unit, "2026-05-31", 100).await;
    order(&m, &cs[1], &unit, "2025-06-01", 10).await;
    for d in ["2026-02-01", "2026-04-01", "2026-05-25"] {
        order(&m, &cs[2], &unit, d, 300).await;
    }
    for stage in ["never scored", "an order since"] {
        // The export is the first request to read the scores.
        let first = exported_in(&m, "champions").await;
        let (_, segments) = read(m.get("/api/v1/analytics/rfm").await).await;
        let mut scored = Vec::new();
        for seg in segments.as_array().unwrap() {
            let segment = seg["segment"].as_str().unwrap();
            let mut listed = names_in(&m, segment).await;
            listed.sort();
            assert_eq!(exported_in(&m, segment).await, listed, "{stage}: {segment}");
            if segment == "champions" {
                assert_eq!(first, listed, "{stage}: the first export");
            }
            scored.extend(listed);
        }
        scored.sort();
        assert_eq!(scored.len(), 3 + usize::from(stage != "never scored"), "{stage}: {scored:?}");
        order(&m, &cs[3], &unit, "2026-06-01", 5000).await;
    }
}

async fn an_unknown_rfm_segment_is_rejected(app: TestApp) {
    let m = app.login_as(Role::Manager).await;
    assert_problem(
        m.get("/api/v1/customers?rfm_segment=vip").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_problem(
        m.get("/api/v1/customers/export.csv?rfm_segment=Champions").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
}

db_tests!(
    the_customer_list_filters_by_todays_rfm_segment_and_follows_order_changes,
    the_export_filters_by_todays_rfm_segment_when_the_scores_are_stale,
    an_unknown_rfm_segment_is_rejected
);
