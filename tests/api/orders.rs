use rapport_domain::Role;
use rapport_tests::{Session, TestApp, assert_problem, db_tests, read};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::quotes::{created, product};

/// An order with one free-text line at `price`.
async fn order_for(s: &Session<'_>, customer: &Value, price: &str, date: &str) -> Value {
    let line = json!({ "description": "Goods", "quantity": "1", "unit_price": price });
    let body = json!({ "customer_id": customer["id"], "order_date": date, "lines": [line] });
    created(s, "/api/v1/orders", &body).await
}

fn numbers(page: &Value) -> Vec<String> {
    page["items"].as_array().unwrap().iter().map(|o| o["number"].as_str().unwrap().to_owned()).collect()
}

async fn orders_are_created_with_server_computed_amounts(app: TestApp) {
    let manager = app.login_as(Role::Manager).await;
    let rep = app.login_as(Role::Sales).await;
    let c = manager.create_customer(json!({ "name": "Pearl River Foods", "owner_id": rep.user_id })).await;
    let rice = product(&manager, "R-1", "Jasmine rice", "23.45").await;
    let body = json!({ "customer_id": c["id"], "tax_rate": "9", "currency": "USD", "notes": "Dock 4", "lines": [
        { "product_id": rice, "quantity": "12.5", "discount_pct": "7.5" },
        { "description": "Freight", "quantity": "1", "unit_price": "35.00" },
    ]});
    let res = manager.post("/api/v1/orders", &body).await;
    assert_eq!(res.headers().get("etag").unwrap(), "\"1\"");
    let location = res.headers().get("location").unwrap().to_str().unwrap().to_owned();
    let (status, o) = read(res).await;
    assert_eq!(status, StatusCode::CREATED, "{o}");
    assert_eq!(location, format!("/api/v1/orders/{}", o["id"]));
    // 12.5 × 23.45 = 293.125 → 293.12; 7.5 % = 21.984 → 21.98; 271.14 + 35.00 = 306.14; 9 % = 27.5526 → 27.55.
    assert_eq!(
        [&o["lines"][0]["unit_price"], &o["lines"][0]["description"], &o["lines"][0]["line_total"]],
        ["23.45", "Jasmine rice", "271.14"]
    );
    assert_eq!([&o["tax_total"], &o["total_amount"], &o["tax_rate"]], ["27.55", "333.69", "9.00"]);
    assert_eq!(
        (o["status"].as_str(), o["currency"].as_str(), o["notes"].as_str()),
        (Some("pending"), Some("USD"), Some("Dock 4"))
    );
    let year = &o["created_at"].as_str().unwrap()[..4];
    assert_eq!(o["number"], format!("O-{year}-000001"));
    assert_eq!(o["order_date"].as_str().unwrap(), &o["created_at"].as_str().unwrap()[..10]);
    assert_eq!(o["owner_id"], rep.user_id, "the customer's owner owns the order");
    assert_eq!(o["quote_id"], Value::Null);
    let (_, again) = read(manager.get(&location).await).await;
    assert_eq!(again, o);
    // Totals come from the server only; an order needs lines and a customer you can see.
    let line = json!({ "description": "x", "quantity": "1", "unit_price": "1.00" });
    let res = manager
        .post("/api/v1/orders", &json!({ "customer_id": c["id"], "lines": [line], "total_amount": "1.00" }))
        .await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let res = manager.post("/api/v1/orders", &json!({ "customer_id": c["id"], "lines": [] })).await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "lines");
    let res = manager.post("/api/v1/orders", &json!({ "customer_id": 999_999, "lines": [line] })).await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "customer_id");
    let stranger = app.login_as(Role::Sales).await;
    let res = stranger.post("/api/v1/orders", &json!({ "customer_id": c["id"], "lines": [line] })).await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let support = app.login_as(Role::Support).await;
    assert_problem(
        support.post("/api/v1/orders", &json!({ "customer_id": c["id"], "lines": [line] })).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    assert_eq!(support.get(&location).await.status(), StatusCode::OK);
}

async fn order_status_moves_follow_the_rules_and_cancel_keeps_the_record(app: TestApp) {
    let admin = app.login_as(Role::Admin).await;
    let c = admin.create_customer(json!({ "name": "Jade Imports" })).await;
    let o = order_for(&admin, &c, "99.00", "2026-03-01").await;
    let path = format!("/api/v1/orders/{}", o["id"]);
    let status_path = format!("{path}/status");
    let body = assert_problem(
        admin.post(&status_path, &json!({ "status": "shipped" })).await,
        StatusCode::CONFLICT,
        "invalid_transition",
    )
    .await;
    assert!(body["detail"].as_str().unwrap().contains("paid"), "{body}");
    let res = admin.post(&status_path, &json!({ "status": "lost" })).await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "status");
    let res = admin
        .request(Method::POST, &status_path)
        .header("if-match", "\"1\"")
        .json(&json!({ "status": "paid" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers().get("etag").unwrap(), "\"2\"");
    let (status, paid) = read(res).await;
    assert_eq!((status, paid["status"].as_str()), (StatusCode::OK, Some("paid")));
    let res = admin
        .request(Method::POST, &status_path)
        .header("if-match", "\"1\"")
        .json(&json!({ "status": "shipped" }))
        .send()
        .await
        .unwrap();
    assert_problem(res, StatusCode::PRECONDITION_FAILED, "stale_version").await;
    let (status, cancelled) =
        read(admin.post(&status_path, &json!({ "status": "cancelled", "note": "Customer changed their mind" })).await)
            .await;
    assert_eq!((status, cancelled["status"].as_str()), (StatusCode::OK, Some("cancelled")));
    let (status, kept) = read(admin.get(&path).await).await;
    assert_eq!(
        (status, kept["status"].as_str(), kept["total_amount"].as_str()),
        (StatusCode::OK, Some("cancelled"), Some("99.00"))
    );
    assert_problem(
        admin.post(&status_path, &json!({ "status": "paid" })).await,
        StatusCode::CONFLICT,
        "invalid_transition",
    )
    .await;
    let (_, list) = read(admin.get("/api/v1/orders?status=cancelled").await).await;
    assert_eq!(list["total"], 1);
    let (_, log) = read(admin.get(&format!("/api/v1/audit-log?entity=order&entity_id={}", o["id"])).await).await;
    let actions: Vec<&str> = log["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, vec!["status", "status", "create"]);
    assert_eq!(log["items"][0]["after"]["status_note"], "Customer changed their mind");
    assert_eq!(log["items"][0]["before"]["status"], "paid");
}

async fn order_list_filters_by_status_date_and_total_and_pages(app: TestApp) {
    let admin = app.login_as(Role::Admin).await;
    let a = admin.create_customer(json!({ "name": "A" })).await;
    let b = admin.create_customer(json!({ "name": "B" })).await;
    let first = order_for(&admin, &a, "10.00", "2026-01-10").await;
    order_for(&admin, &b, "250.00", "2026-02-10").await;
    order_for(&admin, &a, "99.99", "2026-03-10").await;
    read(admin.post(&format!("/api/v1/orders/{}/status", first["id"]), &json!({ "status": "paid" })).await).await;
    let admin = &admin;
    let get = |q: String| async move { read(admin.get(&format!("/api/v1/orders{q}")).await).await.1 };
    let all = get(String::new()).await;
    let dates: Vec<&str> = all["items"].as_array().unwrap().iter().map(|o| o["order_date"].as_str().unwrap()).collect();
    assert_eq!(dates, vec!["2026-03-10", "2026-02-10", "2026-01-10"], "newest order date first");
    let by_customer = get(format!("?customer_id={}&sort=order_date", a["id"])).await;
    assert_eq!(by_customer["total"], 2);
    assert_eq!(by_customer["items"][0]["id"], first["id"]);
    let paid = get("?status=paid".into()).await;
    assert_eq!(numbers(&paid), vec![first["number"].as_str().unwrap()]);
    let window = get("?date_from=2026-02-01&date_to=2026-03-10".into()).await;
    assert_eq!(window["total"], 2);
    let mid = get("?total_from=99.99&total_to=250".into()).await;
    let totals: Vec<&str> =
        mid["items"].as_array().unwrap().iter().map(|o| o["total_amount"].as_str().unwrap()).collect();
    assert_eq!(totals, vec!["99.99", "250.00"]);
    let page1 = get("?sort=total&cursor=&per_page=2".into()).await;
    let page2 = get(format!("?sort=total&per_page=2&cursor={}", page1["next_cursor"].as_str().unwrap())).await;
    let mut seen = numbers(&page1);
    seen.extend(numbers(&page2));
    assert_eq!(seen.len(), 3);
    assert!(page2.get("next_cursor").is_none());
    assert_eq!(page1["items"][0]["total_amount"], "10.00");
    assert_problem(
        admin.get("/api/v1/orders?total_from=1.005").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_problem(
        admin.get("/api/v1/orders?date_from=2026-03-01&date_to=2026-02-01").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_problem(
        admin.get("/api/v1/orders?status=lost").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_problem(admin.get("/api/v1/orders?date_from=yesterday").await, StatusCode::BAD_REQUEST, "bad_request").await;
    assert_problem(admin.get("/api/v1/orders?total_from=lots").await, StatusCode::BAD_REQUEST, "bad_request").await;
}

async fn customer_orders_lists_the_orders_of_a_visible_customer(app: TestApp) {
    let rep = app.login_as(Role::Sales).await;
    let other = app.login_as(Role::Sales).await;
    let mine = rep.create_customer(json!({ "name": "Mine" })).await;
    let theirs = other.create_customer(json!({ "name": "Theirs" })).await;
    let o1 = order_for(&rep, &mine, "5.00", "2026-04-01").await;
    let o2 = order_for(&rep, &mine, "6.00", "2026-04-02").await;
    order_for(&other, &theirs, "7.00", "2026-04-03").await;
    let (status, page) = read(rep.get(&format!("/api/v1/customers/{}/orders?sort=id", mine["id"])).await).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(numbers(&page), vec![o1["number"].as_str().unwrap(), o2["number"].as_str().unwrap()]);
    assert_eq!(page["total"], 2);
    let (_, cursor) = read(rep.get(&format!("/api/v1/customers/{}/orders?cursor=&per_page=1", mine["id"])).await).await;
    assert_eq!(numbers(&cursor), vec![o2["number"].as_str().unwrap()]);
    assert!(cursor["next_cursor"].is_string());
    let theirs_path = format!("/api/v1/customers/{}/orders", theirs["id"]);
    assert_problem(rep.get(&theirs_path).await, StatusCode::NOT_FOUND, "not_found").await;
    assert_problem(rep.get("/api/v1/customers/999999/orders").await, StatusCode::NOT_FOUND, "not_found").await;
    let marketing = app.login_as(Role::Marketing).await;
    let (_, all) = read(marketing.get(&theirs_path).await).await;
    assert_eq!(all["total"], 1);
    assert_problem(
        rep.get(&format!("{theirs_path}?page=0")).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
}

async fn sales_users_see_only_their_own_orders(app: TestApp) {
    let rep = app.login_as(Role::Sales).await;
    let other = app.login_as(Role::Sales).await;
    let c = rep.create_customer(json!({ "name": "Rep's customer" })).await;
    let o = order_for(&rep, &c, "12.00", "2026-05-05").await;
    assert_eq!(o["owner_id"], rep.user_id);
    let path = format!("/api/v1/orders/{}", o["id"]);
    assert_problem(other.get(&path).await, StatusCode::NOT_FOUND, "not_found").await;
    assert_problem(
        other.post(&format!("{path}/status"), &json!({ "status": "paid" })).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let (_, theirs) = read(other.get("/api/v1/orders").await).await;
    assert_eq!(theirs["total"], 0);
    let (_, mine) = read(rep.get("/api/v1/orders").await).await;
    assert_eq!(mine["total"], 1);
    let (status, _) = read(rep.post(&format!("{path}/status"), &json!({ "status": "paid" })).await).await;
    assert_eq!(status, StatusCode::OK);
}

db_tests!(
    orders_are_created_with_server_computed_amounts,
    order_status_moves_follow_the_rules_and_cancel_keeps_the_record,
    order_list_filters_by_status_date_and_total_and_pages,
    customer_orders_lists_the_orders_of_a_visible_customer,
    sales_users_see_only_their_own_orders,
);
