//! The public satisfaction link: valid, reused, tampered, expired and retired.

use rapport_domain::Role;
use rapport_tests::{Session, TestApp, assert_problem, db_tests, read};
use reqwest::{Method, StatusCode};
use sea_orm::EntityTrait;
use serde_json::{Value, json};

use super::service_requests::{move_to, open_request};

async fn resolve(app: &TestApp, s: &Session<'_>) -> Value {
    let c = s.create_customer(json!({ "name": format!("Rated {}", uuid::Uuid::new_v4().simple()) })).await;
    let _ = app;
    let r = open_request(s, json!({ "customer_id": c["id"], "subject": "Printer jam", "channel": "phone" })).await;
    let (status, resolved) = move_to(s, &r["id"], "resolved").await;
    assert_eq!(status, StatusCode::OK, "{resolved}");
    resolved
}

async fn the_public_rating_link_works_once(app: TestApp) {
    app.create_user(Role::Support).await;
    let manager = app.login_as(Role::Manager).await;
    let r = resolve(&app, &manager).await;
    let url = r["rating_url"].as_str().expect("a resolved request carries its rating link").to_owned();
    assert!(url.starts_with("/rate/"));
    let page = app.request(Method::GET, &url).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains("Printer jam"));
    let post = |body: Value| app.request(Method::POST, &url).json(&body).send();
    assert_problem(post(json!({ "rating": 9 })).await.unwrap(), StatusCode::UNPROCESSABLE_ENTITY, "validation_failed")
        .await;
    assert_eq!(post(json!({ "rating": 4, "comment": "quick fix" })).await.unwrap().status(), StatusCode::NO_CONTENT);
    assert_problem(post(json!({ "rating": 5 })).await.unwrap(), StatusCode::CONFLICT, "conflict").await;
    assert_eq!(app.request(Method::GET, &url).send().await.unwrap().status(), StatusCode::CONFLICT);
    let (_, after) = read(manager.get(&format!("/api/v1/service-requests/{}", r["id"])).await).await;
    assert_eq!((after["rating"].as_i64(), after["rating_comment"].as_str()), (Some(4), Some("quick fix")));
    assert!(after["rating_url"].is_null(), "no link once rated");
    let (_, timeline) = read(manager.get(&format!("/api/v1/customers/{}/timeline", r["customer_id"])).await).await;
    let kinds: Vec<&str> = timeline.as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert!(kinds.contains(&"rating") && kinds.contains(&"service_request"), "{kinds:?}");
    let res = manager.post(&format!("/api/v1/service-requests/{}/rating", r["id"]), &json!({ "rating": 2 })).await;
    assert_problem(res, StatusCode::CONFLICT, "conflict").await;
}

async fn tampered_expired_and_retired_links_fail(app: TestApp) {
    app.create_user(Role::Support).await;
    let manager = app.login_as(Role::Manager).await;
    let r = resolve(&app, &manager).await;
    let url = r["rating_url"].as_str().unwrap().to_owned();
    let token = url.trim_start_matches("/rate/").to_owned();
    let (payload, sig) = token.split_once('.').unwrap();
    let mut bad_sig = sig.to_owned();
    bad_sig.replace_range(0..1, if sig.starts_with('A') { "B" } else { "A" });
    let tampered = format!("/rate/{payload}.{bad_sig}");
    let res = app.request(Method::POST, &tampered).json(&json!({ "rating": 1 })).send().await.unwrap();
    assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;
    assert_eq!(app.request(Method::GET, &tampered).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    // An expired link: signed with the real secret, but made for a resolution 31 days ago.
    use rapport_domain::entities::service_request;
    let row = service_request::Entity::find_by_id(r["id"].as_i64().unwrap()).one(&app.db).await.unwrap().unwrap();
    let secret = rapport_domain::repo::settings::get(&app.db, "rating_secret").await.unwrap().unwrap();
    let old = (chrono::Utc::now() - chrono::Duration::days(31)).naive_utc();
    let expired = rapport_domain::services::service_requests::rating::make_token(
        secret.as_bytes(),
        row.id,
        row.rating_nonce.as_deref().unwrap(),
        old,
    )
    .unwrap();
    let res =
        app.request(Method::POST, &format!("/rate/{expired}")).json(&json!({ "rating": 1 })).send().await.unwrap();
    assert_problem(res, StatusCode::GONE, "gone").await;
    // Reopening retires the link; resolving again issues a new one.
    move_to(&manager, &r["id"], "in_progress").await;
    let res = app.request(Method::POST, &url).json(&json!({ "rating": 1 })).send().await.unwrap();
    assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;
    let (_, again) = move_to(&manager, &r["id"], "resolved").await;
    let fresh = again["rating_url"].as_str().unwrap();
    assert_ne!(fresh, url);
    // The page's own form post works too.
    let res = app
        .request(Method::POST, fresh)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("rating=5&comment=great")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().contains("Thank you"));
}

db_tests!(the_public_rating_link_works_once, tampered_expired_and_retired_links_fail,);
