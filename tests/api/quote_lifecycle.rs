//! Quotes moving through their statuses, expiry, acceptance into orders, access and numbering.

use futures_util::future::join_all;
use rapport_domain::entities::{opportunity, quote};
use rapport_domain::services::opportunities::{self, NewOpportunity};
use rapport_domain::{Actor, Role};
use rapport_tests::{TestApp, assert_problem, db_tests, read};
use reqwest::{Method, StatusCode};
use sea_orm::prelude::{ChronoDate, Decimal};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use super::quotes::{created, day_of, product, simple_quote};

async fn quotes_move_through_send_accept_and_reject(app: TestApp) {
    let admin = app.login_as(Role::Admin).await;
    let c = admin.create_customer(json!({ "name": "Yang Mei" })).await;
    let q = simple_quote(&admin, &c["id"]).await;
    let path = format!("/api/v1/quotes/{}", q["id"]);
    let body = assert_problem(
        admin.post(&format!("{path}/accept"), &json!({})).await,
        StatusCode::CONFLICT,
        "invalid_transition",
    )
    .await;
    assert!(body["detail"].as_str().unwrap().contains("draft"), "{body}");
    let (status, sent) = read(admin.post(&format!("{path}/send"), &json!({})).await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(sent["status"], "sent");
    assert!(sent["sent_at"].is_string());
    assert_eq!(sent["version"], 2);
    assert_problem(admin.post(&format!("{path}/send"), &json!({})).await, StatusCode::CONFLICT, "invalid_transition")
        .await;
    let res = admin.request(Method::POST, &format!("{path}/accept")).header("if-match", "\"1\"").send().await.unwrap();
    assert_problem(res, StatusCode::PRECONDITION_FAILED, "stale_version").await;
    let (status, accepted) = read(admin.post(&format!("{path}/accept"), &json!({})).await).await;
    assert_eq!(status, StatusCode::OK, "{accepted}");
    assert_eq!(accepted["status"], "accepted");
    assert!(accepted["decided_at"].is_string() && accepted["order_id"].is_i64(), "{accepted}");
    assert_problem(admin.post(&format!("{path}/reject"), &json!({})).await, StatusCode::CONFLICT, "invalid_transition")
        .await;
    // Drafts and sent quotes may be rejected; rejected is final.
    let draft = simple_quote(&admin, &c["id"]).await;
    let (_, rejected) = read(admin.post(&format!("/api/v1/quotes/{}/reject", draft["id"]), &json!({})).await).await;
    assert_eq!(rejected["status"], "rejected");
    assert_problem(
        admin.post(&format!("/api/v1/quotes/{}/send", draft["id"]), &json!({})).await,
        StatusCode::CONFLICT,
        "invalid_transition",
    )
    .await;
    let (_, log) = read(admin.get(&format!("/api/v1/audit-log?entity=quote&entity_id={}", q["id"])).await).await;
    let actions: Vec<&str> = log["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, vec!["accept", "send", "create"]);
}

/// Moves a quote's validity to `day` behind the API's back.
async fn set_valid_until(app: &TestApp, id: &Value, day: ChronoDate) {
    quote::Entity::update_many()
        .col_expr(quote::Column::ValidUntil, Expr::value(day))
        .filter(quote::Column::Id.eq(id.as_i64().unwrap()))
        .exec(&app.db)
        .await
        .unwrap();
}

async fn lapsed_quotes_are_reported_expired_and_cannot_be_sent_or_accepted(app: TestApp) {
    let admin = app.login_as(Role::Admin).await;
    let c = admin.create_customer(json!({ "name": "He Ping" })).await;
    let draft = simple_quote(&admin, &c["id"]).await;
    let sent = simple_quote(&admin, &c["id"]).await;
    let fresh = simple_quote(&admin, &c["id"]).await;
    read(admin.post(&format!("/api/v1/quotes/{}/send", sent["id"]), &json!({})).await).await;
    let today = day_of(&draft);
    let yesterday = today.pred_opt().unwrap();
    set_valid_until(&app, &draft["id"], yesterday).await;
    set_valid_until(&app, &sent["id"], yesterday).await;
    // Valid through today still counts.
    set_valid_until(&app, &fresh["id"], today).await;
    for q in [&draft, &sent] {
        let (_, got) = read(admin.get(&format!("/api/v1/quotes/{}", q["id"])).await).await;
        assert_eq!(got["status"], "expired", "{got}");
    }
    let ids = |v: &Value| -> Vec<i64> {
        let mut ids: Vec<i64> = v["items"].as_array().unwrap().iter().map(|q| q["id"].as_i64().unwrap()).collect();
        ids.sort_unstable();
        ids
    };
    let (_, expired) = read(admin.get("/api/v1/quotes?status=expired").await).await;
    assert_eq!(ids(&expired), vec![draft["id"].as_i64().unwrap(), sent["id"].as_i64().unwrap()]);
    assert!(expired["items"].as_array().unwrap().iter().all(|q| q["status"] == "expired"));
    let (_, drafts) = read(admin.get("/api/v1/quotes?status=draft").await).await;
    assert_eq!(ids(&drafts), vec![fresh["id"].as_i64().unwrap()]);
    let (_, sent_list) = read(admin.get("/api/v1/quotes?status=sent").await).await;
    assert_eq!(sent_list["total"], 0);
    assert_problem(
        admin.post(&format!("/api/v1/quotes/{}/accept", sent["id"]), &json!({})).await,
        StatusCode::CONFLICT,
        "invalid_transition",
    )
    .await;
    assert_problem(
        admin.post(&format!("/api/v1/quotes/{}/send", draft["id"]), &json!({})).await,
        StatusCode::CONFLICT,
        "invalid_transition",
    )
    .await;
    // A lapsed draft is revived by a new validity; the past is refused.
    let path = format!("/api/v1/quotes/{}", draft["id"]);
    let res = admin.patch(&path, &json!({ "valid_until": yesterday.to_string() })).await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let (_, revived) = read(admin.patch(&path, &json!({ "valid_until": today.to_string() })).await).await;
    assert_eq!(revived["status"], "draft");
    assert_problem(
        admin.get("/api/v1/quotes?status=lapsed").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
}

async fn accepting_a_quote_creates_its_order_and_wins_the_opportunity(app: TestApp) {
    let admin = app.login_as(Role::Admin).await;
    let c = admin.create_customer(json!({ "name": "Lotus Trading" })).await;
    let kettle = product(&admin, "K-9", "Kettle", "45.50").await;
    let opp = opportunities::create(
        &app.db,
        &Actor::system(),
        NewOpportunity {
            title: "Kettles for Lotus".into(),
            customer_id: c["id"].as_i64().unwrap(),
            amount: Decimal::new(100_000, 2),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let body = json!({
        "customer_id": c["id"], "opportunity_id": opp.id, "tax_rate": "13", "notes": "Deliver in March",
        "lines": [
            { "product_id": kettle, "quantity": "3", "discount_pct": "12.5" },
            { "description": "Installation", "quantity": "1.25", "unit_price": "80.00" },
        ]
    });
    let q = created(&admin, "/api/v1/quotes", &body).await;
    let path = format!("/api/v1/quotes/{}", q["id"]);
    read(admin.post(&format!("{path}/send"), &json!({})).await).await;
    let (status, accepted) = read(admin.post(&format!("{path}/accept"), &json!({})).await).await;
    assert_eq!(status, StatusCode::OK, "{accepted}");
    let (status, order) = read(admin.get(&format!("/api/v1/orders/{}", accepted["order_id"])).await).await;
    assert_eq!(status, StatusCode::OK, "{order}");
    assert_eq!(order["quote_id"], q["id"]);
    assert_eq!(order["customer_id"], c["id"]);
    assert_eq!(order["status"], "pending");
    assert_eq!(order["notes"], "Deliver in March");
    assert_eq!(
        (&order["tax_total"], &order["total_amount"], &order["tax_rate"]),
        (&q["tax_total"], &q["total"], &q["tax_rate"])
    );
    // 136.50 − 17.06 (17.0625) = 119.44; 100.00; net 219.44; 13 % = 28.5272 → 28.53.
    assert_eq!((order["tax_total"].as_str(), order["total_amount"].as_str()), (Some("28.53"), Some("247.97")));
    for (ol, ql) in order["lines"].as_array().unwrap().iter().zip(q["lines"].as_array().unwrap()) {
        for f in ["position", "product_id", "description", "quantity", "unit_price", "discount_pct", "line_total"] {
            assert_eq!(ol[f], ql[f], "{f}");
        }
    }
    assert!(order["number"].as_str().unwrap().starts_with("O-"), "{order}");
    let stored = opportunity::Entity::find_by_id(opp.id).one(&app.db).await.unwrap().unwrap();
    assert_eq!(stored.stage, "won");
    assert!(stored.closed_at.is_some());
}

/// An opportunity owned by `owner`, created behind the API (its routes live elsewhere).
async fn opportunity_of(app: &TestApp, customer: &Value, owner: Option<i64>) -> i64 {
    let input = NewOpportunity {
        title: "Office tea supply".into(),
        customer_id: customer["id"].as_i64().unwrap(),
        amount: Decimal::new(500_000, 2),
        owner_id: owner,
        ..Default::default()
    };
    opportunities::create(&app.db, &Actor::system(), input).await.unwrap().id
}

async fn an_opportunity_is_quoted_from_the_catalogue(app: TestApp) {
    let manager = app.login_as(Role::Manager).await;
    let rep = app.login_as(Role::Sales).await;
    let other = app.login_as(Role::Sales).await;
    let c = manager.create_customer(json!({ "name": "Hill Tea House", "owner_id": rep.user_id })).await;
    let green = product(&manager, "G-1", "Green tea", "12.34").await;
    let white = product(&manager, "W-1", "White tea", "56.78").await;
    let old = product(&manager, "O-1", "Old tea", "1.00").await;
    let opp = opportunity_of(&app, &c, Some(rep.user_id)).await;
    let path = format!("/api/v1/opportunities/{opp}/quote");
    let body = json!({ "tax_rate": "9", "lines": [
        { "product_id": green, "quantity": "10", "discount_pct": "5" },
        { "product_id": white, "quantity": "0.5" },
    ]});
    let q = created(&rep, &path, &body).await;
    assert_eq!((&q["customer_id"], &q["opportunity_id"], &q["owner_id"]), (&c["id"], &json!(opp), &json!(rep.user_id)));
    assert_eq!(q["status"], "draft");
    // 123.40 − 6.17 = 117.23; 28.39; net 145.62; 9 % = 13.1058 → 13.11.
    assert_eq!([&q["lines"][0]["unit_price"], &q["lines"][1]["description"]], ["12.34", "White tea"]);
    assert_eq!(
        [&q["subtotal"], &q["discount_total"], &q["tax_total"], &q["total"]],
        ["151.79", "6.17", "13.11", "158.73"]
    );
    // Inactive and deleted products are refused by line.
    read(manager.patch(&format!("/api/v1/products/{white}"), &json!({ "active": false })).await).await;
    assert_eq!(manager.delete(&format!("/api/v1/products/{old}")).await.status(), StatusCode::NO_CONTENT);
    let body = json!({ "lines": [
        { "product_id": green, "quantity": "1" }, { "product_id": white, "quantity": "1" }, { "product_id": old, "quantity": "1" },
    ]});
    let problem =
        assert_problem(rep.post(&path, &body).await, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let fields: Vec<&str> =
        problem["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, vec!["lines[1].product_id", "lines[2].product_id"]);
    // Prices come from the catalogue only.
    let priced = json!({ "lines": [{ "product_id": green, "quantity": "1", "unit_price": "0.01" }] });
    assert_problem(rep.post(&path, &priced).await, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let one = json!({ "lines": [{ "product_id": green, "quantity": "1" }] });
    assert_problem(other.post(&path, &one).await, StatusCode::NOT_FOUND, "not_found").await;
    assert_problem(rep.post("/api/v1/opportunities/999999/quote", &one).await, StatusCode::NOT_FOUND, "not_found")
        .await;
    let marketing = app.login_as(Role::Marketing).await;
    assert_problem(marketing.post(&path, &one).await, StatusCode::FORBIDDEN, "forbidden").await;
}

async fn sales_users_see_only_their_own_quotes(app: TestApp) {
    let rep = app.login_as(Role::Sales).await;
    let other = app.login_as(Role::Sales).await;
    let manager = app.login_as(Role::Manager).await;
    let c = rep.create_customer(json!({ "name": "Rep's customer" })).await;
    let q = simple_quote(&rep, &c["id"]).await;
    assert_eq!(q["owner_id"], rep.user_id);
    let path = format!("/api/v1/quotes/{}", q["id"]);
    assert_problem(other.get(&path).await, StatusCode::NOT_FOUND, "not_found").await;
    assert_problem(other.patch(&path, &json!({ "notes": "mine now" })).await, StatusCode::NOT_FOUND, "not_found").await;
    assert_problem(other.post(&format!("{path}/send"), &json!({})).await, StatusCode::NOT_FOUND, "not_found").await;
    assert_problem(other.delete(&path).await, StatusCode::NOT_FOUND, "not_found").await;
    let (_, theirs) = read(other.get("/api/v1/quotes").await).await;
    assert_eq!(theirs["total"], 0);
    let (_, mine) = read(rep.get("/api/v1/quotes").await).await;
    assert_eq!(mine["total"], 1);
    // Another rep's customer is not theirs to quote; nor may they give quotes away.
    let line = json!({ "description": "x", "quantity": "1", "unit_price": "1.00" });
    let res = other.post("/api/v1/quotes", &json!({ "customer_id": c["id"], "lines": [line] })).await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "customer_id");
    let res = rep
        .post("/api/v1/quotes", &json!({ "customer_id": c["id"], "owner_id": other.user_id, "lines": [line] }))
        .await;
    assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    assert_eq!(manager.get(&path).await.status(), StatusCode::OK);
    let support = app.login_as(Role::Support).await;
    assert_problem(support.get("/api/v1/quotes").await, StatusCode::FORBIDDEN, "forbidden").await;
}

async fn quote_numbers_are_unique_and_sequential_under_parallel_creates(app: TestApp) {
    let admin = app.login_as(Role::Admin).await;
    let c = admin.create_customer(json!({ "name": "Busy Ltd" })).await;
    let creates = (0..10).map(|_| simple_quote(&admin, &c["id"]));
    let quotes = join_all(creates).await;
    let year = day_of(&quotes[0]).format("%Y").to_string();
    let mut numbers: Vec<String> = quotes.iter().map(|q| q["number"].as_str().unwrap().to_owned()).collect();
    numbers.sort();
    let expected: Vec<String> = (1..=10).map(|n| format!("Q-{year}-{n:06}")).collect();
    assert_eq!(numbers, expected);
}

async fn quote_list_filters_sorts_and_pages(app: TestApp) {
    let admin = app.login_as(Role::Admin).await;
    let a = admin.create_customer(json!({ "name": "A" })).await;
    let b = admin.create_customer(json!({ "name": "B" })).await;
    for (customer, price) in [(&a, "30.00"), (&b, "10.00"), (&a, "20.00")] {
        let line = json!({ "description": "x", "quantity": "1", "unit_price": price });
        created(&admin, "/api/v1/quotes", &json!({ "customer_id": customer["id"], "lines": [line] })).await;
    }
    let totals = |v: &Value| -> Vec<String> {
        v["items"].as_array().unwrap().iter().map(|q| q["total"].as_str().unwrap().to_owned()).collect()
    };
    let (_, by_a) = read(admin.get(&format!("/api/v1/quotes?customer_id={}&sort=total", a["id"])).await).await;
    assert_eq!(totals(&by_a), vec!["20.00", "30.00"]);
    let (_, one) = read(admin.get("/api/v1/quotes?q=-000002").await).await;
    assert_eq!(totals(&one), vec!["10.00"]);
    let (_, first) = read(admin.get("/api/v1/quotes?sort=-total&cursor=&per_page=2").await).await;
    assert_eq!(totals(&first), vec!["30.00", "20.00"]);
    let next = first["next_cursor"].as_str().unwrap();
    let (_, second) = read(admin.get(&format!("/api/v1/quotes?sort=-total&per_page=2&cursor={next}")).await).await;
    assert_eq!(totals(&second), vec!["10.00"]);
    assert!(second.get("next_cursor").is_none());
    let (_, none) = read(admin.get("/api/v1/quotes?created_from=2999-01-01T00:00:00Z").await).await;
    assert_eq!(none["total"], 0);
    assert_problem(
        admin.get("/api/v1/quotes?sort=customer").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_problem(admin.get("/api/v1/quotes?pag=2").await, StatusCode::BAD_REQUEST, "bad_request").await;
}

db_tests!(
    quotes_move_through_send_accept_and_reject,
    lapsed_quotes_are_reported_expired_and_cannot_be_sent_or_accepted,
    accepting_a_quote_creates_its_order_and_wins_the_opportunity,
    an_opportunity_is_quoted_from_the_catalogue,
    sales_users_see_only_their_own_quotes,
    quote_numbers_are_unique_and_sequential_under_parallel_creates,
    quote_list_filters_sorts_and_pages,
);
