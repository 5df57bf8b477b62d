//! Quote pricing: totals, defaults from the catalogue, rejected client totals, draft-only edits.

use rapport_domain::Role;
use rapport_tests::{Session, TestApp, assert_problem, db_tests, read};
use reqwest::{Method, StatusCode};
use sea_orm::prelude::ChronoDate;
use serde_json::{Value, json};

/// Creates a product (as an admin or manager) and returns its id.
pub(crate) async fn product(s: &Session<'_>, sku: &str, name: &str, price: &str) -> i64 {
    let (status, p) =
        read(s.post("/api/v1/products", &json!({ "sku": sku, "name": name, "price": price })).await).await;
    assert_eq!(status, StatusCode::CREATED, "{p}");
    p["id"].as_i64().unwrap()
}

/// POSTs a body that must be created; returns the new record.
pub(crate) async fn created(s: &Session<'_>, path: &str, body: &Value) -> Value {
    let (status, v) = read(s.post(path, body).await).await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    v
}

/// A quote with one free-text line.
pub(crate) async fn simple_quote(s: &Session<'_>, customer_id: &Value) -> Value {
    let line = json!({ "description": "Consulting", "quantity": "1", "unit_price": "100.00" });
    created(s, "/api/v1/quotes", &json!({ "customer_id": customer_id, "lines": [line] })).await
}

/// The day a response's `created_at` fell on (the server's "today", UTC).
pub(crate) fn day_of(record: &Value) -> ChronoDate {
    ChronoDate::parse_from_str(&record["created_at"].as_str().unwrap()[..10], "%Y-%m-%d").unwrap()
}

async fn quote_totals_round_half_even_at_every_step(app: TestApp) {
    let manager = app.login_as(Role::Manager).await;
    let c = manager.create_customer(json!({ "name": "Wu Hao" })).await;
    let body = json!({
        "customer_id": c["id"], "tax_rate": "13",
        "lines": [
            { "description": "Silk thread", "quantity": "0.335", "unit_price": "3.00", "discount_pct": "12.5" },
            { "description": "Tea tin", "quantity": "1.5", "unit_price": "19.99" },
            { "description": "Stamp", "quantity": "7", "unit_price": "0.07", "discount_pct": "33.33" },
        ]
    });
    let res = manager.post("/api/v1/quotes", &body).await;
    assert_eq!(res.headers().get("etag").unwrap(), "\"1\"");
    let location = res.headers().get("location").unwrap().to_str().unwrap().to_owned();
    let (status, q) = read(res).await;
    assert_eq!(status, StatusCode::CREATED, "{q}");
    assert_eq!(location, format!("/api/v1/quotes/{}", q["id"]));
    assert_eq!(q["customer_name"], "Wu Hao", "quotes name their customer");
    // 0.335 × 3.00 = 1.005 → 1.00; 12.5 % of 1.00 = 0.125 → 0.12; 1.5 × 19.99 = 29.985 → 29.98;
    // 7 × 0.07 = 0.49, 33.33 % = 0.163317 → 0.16; net 31.19 × 13 % = 4.0547 → 4.05.
    let lines = q["lines"].as_array().unwrap();
    let shown: Vec<[&str; 5]> = lines
        .iter()
        .map(|l| {
            ["quantity", "unit_price", "discount_pct", "line_total", "description"].map(|f| l[f].as_str().unwrap())
        })
        .collect();
    assert_eq!(
        shown,
        vec![
            ["0.335", "3.00", "12.50", "0.88", "Silk thread"],
            ["1.5", "19.99", "0.00", "29.98", "Tea tin"],
            ["7", "0.07", "33.33", "0.33", "Stamp"],
        ]
    );
    assert_eq!(lines.iter().map(|l| l["position"].as_i64().unwrap()).collect::<Vec<_>>(), vec![1, 2, 3]);
    assert_eq!(
        [&q["subtotal"], &q["discount_total"], &q["tax_total"], &q["total"], &q["tax_rate"]],
        ["31.47", "0.28", "4.05", "35.24", "13.00"]
    );
    assert_eq!(
        (q["status"].as_str(), q["currency"].as_str(), q["version"].as_i64()),
        (Some("draft"), Some("CNY"), Some(1))
    );
    let today = day_of(&q);
    assert_eq!(q["number"], format!("Q-{}-000001", today.format("%Y")));
    assert_eq!(q["valid_until"], today.iter_days().nth(30).unwrap().to_string());
    assert_eq!(q["owner_id"], manager.user_id);
    let (_, again) = read(manager.get(&location).await).await;
    assert_eq!(again, q);
    // Unit prices are kept in cents: a third place is refused, as is an unknown currency form.
    let bad = json!({ "customer_id": c["id"], "currency": "cny", "lines": [{ "description": "x", "quantity": "3", "unit_price": "0.335" }] });
    let body = assert_problem(
        manager.post("/api/v1/quotes", &bad).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let fields: Vec<&str> = body["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, vec!["currency", "lines[0].unit_price"]);
}

async fn unit_price_and_description_default_from_the_product(app: TestApp) {
    let admin = app.login_as(Role::Admin).await;
    let c = admin.create_customer(json!({ "name": "Sun Li" })).await;
    let tea = product(&admin, "LJ-1", "Longjing tea", "88.80").await;
    let body = json!({ "customer_id": c["id"], "lines": [
        { "product_id": tea, "quantity": "2" },
        { "product_id": tea, "quantity": "1", "unit_price": "80.00", "description": "Longjing, friends' price" },
    ]});
    let q = created(&admin, "/api/v1/quotes", &body).await;
    assert_eq!(q["lines"][0]["unit_price"], "88.80");
    assert_eq!(q["lines"][0]["description"], "Longjing tea");
    assert_eq!(q["lines"][0]["product_id"], tea);
    assert_eq!(q["lines"][0]["line_total"], "177.60");
    assert_eq!(q["lines"][1]["unit_price"], "80.00");
    assert_eq!(q["lines"][1]["description"], "Longjing, friends' price");
    assert_eq!(q["total"], "257.60");
    // Inactive and unknown products, and free lines without a price, are named by line.
    let (_, _) = read(admin.patch(&format!("/api/v1/products/{tea}"), &json!({ "active": false })).await).await;
    let body = json!({ "customer_id": c["id"], "lines": [
        { "product_id": tea, "quantity": "1" },
        { "product_id": 999_999, "quantity": "1" },
        { "description": "Free text", "quantity": "1" },
        { "description": "Too many", "quantity": "1000000.001", "unit_price": "1.00", "discount_pct": "100.5" },
    ]});
    let res = admin.post("/api/v1/quotes", &body).await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let fields: Vec<&str> =
        problem["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(
        fields,
        vec![
            "lines[0].product_id",
            "lines[1].product_id",
            "lines[2].unit_price",
            "lines[3].quantity",
            "lines[3].discount_pct"
        ]
    );
    let empty = json!({ "customer_id": c["id"], "lines": [] });
    let problem = assert_problem(
        admin.post("/api/v1/quotes", &empty).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "lines");
}

async fn client_sent_totals_are_rejected(app: TestApp) {
    let admin = app.login_as(Role::Admin).await;
    let c = admin.create_customer(json!({ "name": "Ma Lin" })).await;
    let line = json!({ "description": "Service", "quantity": "1", "unit_price": "10.00" });
    let res = admin.post("/api/v1/quotes", &json!({ "customer_id": c["id"], "lines": [line], "total": "1.00" })).await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let sneaky = json!({ "description": "Service", "quantity": "1", "unit_price": "10.00", "line_total": "1.00" });
    let res = admin.post("/api/v1/quotes", &json!({ "customer_id": c["id"], "lines": [sneaky] })).await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    // A JSON number could already have lost cents: amounts are strings.
    let res = admin
        .post(
            "/api/v1/quotes",
            &json!({ "customer_id": c["id"], "lines": [{ "description": "x", "quantity": 1, "unit_price": "1.00" }] }),
        )
        .await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let q = simple_quote(&admin, &c["id"]).await;
    let res = admin.patch(&format!("/api/v1/quotes/{}", q["id"]), &json!({ "subtotal": "1.00" })).await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let (_, list) = read(admin.get("/api/v1/quotes").await).await;
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["total"], "100.00");
}

async fn lines_are_editable_only_in_draft(app: TestApp) {
    let admin = app.login_as(Role::Admin).await;
    let c = admin.create_customer(json!({ "name": "Gao Yan" })).await;
    let q = simple_quote(&admin, &c["id"]).await;
    let path = format!("/api/v1/quotes/{}", q["id"]);
    let res = admin
        .request(Method::PATCH, &path)
        .header("if-match", "\"1\"")
        .json(&json!({ "tax_rate": "6", "notes": "Net 30", "lines": [
            { "description": "Design", "quantity": "2", "unit_price": "150.00", "discount_pct": "10" },
            { "description": "Print", "quantity": "3", "unit_price": "9.99" },
        ]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers().get("etag").unwrap(), "\"2\"");
    let (status, q2) = read(res).await;
    assert_eq!(status, StatusCode::OK, "{q2}");
    assert_eq!(q2["lines"].as_array().unwrap().len(), 2);
    // 300.00 − 30.00 + 29.97 = 299.97; 6 % = 17.9982 → 18.00.
    assert_eq!(
        [&q2["subtotal"], &q2["discount_total"], &q2["tax_total"], &q2["total"]],
        ["329.97", "30.00", "18.00", "317.97"]
    );
    assert_eq!(q2["notes"], "Net 30");
    // Changing the tax alone recomputes from the stored lines.
    let (_, q3) = read(admin.patch(&path, &json!({ "tax_rate": "0", "notes": null })).await).await;
    assert_eq!(
        (q3["tax_total"].as_str(), q3["total"].as_str(), &q3["notes"]),
        (Some("0.00"), Some("299.97"), &Value::Null)
    );
    let res = admin
        .request(Method::PATCH, &path)
        .header("if-match", "\"1\"")
        .json(&json!({ "notes": "x" }))
        .send()
        .await
        .unwrap();
    assert_problem(res, StatusCode::PRECONDITION_FAILED, "stale_version").await;
    let (status, _) = read(admin.post(&format!("{path}/send"), &json!({})).await).await;
    assert_eq!(status, StatusCode::OK);
    let res =
        admin.patch(&path, &json!({ "lines": [{ "description": "x", "quantity": "1", "unit_price": "1.00" }] })).await;
    assert_problem(res, StatusCode::CONFLICT, "conflict").await;
    assert_problem(admin.patch(&path, &json!({ "notes": "late" })).await, StatusCode::CONFLICT, "conflict").await;
    assert_problem(admin.delete(&path).await, StatusCode::CONFLICT, "conflict").await;
    let (_, still) = read(admin.get(&path).await).await;
    assert_eq!((still["total"].as_str(), still["status"].as_str()), (Some("299.97"), Some("sent")));
    // A draft is deleted softly: gone from reads and lists.
    let draft = simple_quote(&admin, &c["id"]).await;
    let draft_path = format!("/api/v1/quotes/{}", draft["id"]);
    assert_eq!(admin.delete(&draft_path).await.status(), StatusCode::NO_CONTENT);
    assert_problem(admin.get(&draft_path).await, StatusCode::NOT_FOUND, "not_found").await;
    let (_, list) = read(admin.get("/api/v1/quotes").await).await;
    assert_eq!(list["total"], 1);
}

db_tests!(
    quote_totals_round_half_even_at_every_step,
    unit_price_and_description_default_from_the_product,
    client_sent_totals_are_rejected,
    lines_are_editable_only_in_draft,
);
