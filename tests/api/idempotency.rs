//! `Idempotency-Key` (API.md): replay, mismatch, concurrency, expiry, per caller.
use rapport_domain::Role;
use rapport_domain::entities::{customer, idempotency_key};
use rapport_tests::{TestApp, assert_problem, db_tests, read};
use reqwest::{Method, StatusCode};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};

async fn customers_named(app: &TestApp, name: &str) -> u64 {
    customer::Entity::find().filter(customer::Column::Name.eq(name)).count(&app.db).await.unwrap()
}

async fn post_with_key(s: &rapport_tests::Session<'_>, key: &str, body: &Value) -> reqwest::Response {
    s.request(Method::POST, "/api/v1/customers").header("Idempotency-Key", key).json(body).send().await.unwrap()
}

async fn a_retry_with_the_same_key_replays_the_first_response(app: TestApp) {
    let s = app.login_as(Role::Manager).await;
    let body = json!({ "name": "Replay Ltd", "email": "replay@example.com" });
    let first = post_with_key(&s, "key-1", &body).await;
    let location = first.headers().get("location").map(|v| v.to_str().unwrap().to_owned());
    assert!(first.headers().get("idempotent-replayed").is_none());
    let (status, created) = read(first).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");

    let again = post_with_key(&s, "key-1", &body).await;
    assert_eq!(again.headers().get("idempotent-replayed").unwrap(), "true");
    assert_eq!(again.headers().get("location").map(|v| v.to_str().unwrap().to_owned()), location);
    assert_eq!(again.headers().get("content-type").unwrap(), "application/json");
    let (status, replayed) = read(again).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(replayed, created, "the very same body");
    assert_eq!(customers_named(&app, "Replay Ltd").await, 1, "created once");

    // Without a key (or with another) a POST creates again: here the email is taken.
    let other = post_with_key(&s, "key-2", &body).await;
    assert_problem(other, StatusCode::CONFLICT, "duplicate").await;
}

async fn the_same_key_with_another_body_is_refused(app: TestApp) {
    let s = app.login_as(Role::Manager).await;
    let (status, _) = read(post_with_key(&s, "key-x", &json!({ "name": "First Body" })).await).await;
    assert_eq!(status, StatusCode::CREATED);
    let res = post_with_key(&s, "key-x", &json!({ "name": "Second Body" })).await;
    let p = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(p["errors"][0]["field"], "Idempotency-Key", "{p}");
    assert_eq!(customers_named(&app, "Second Body").await, 0, "nothing created");
    // A malformed key is refused before anything runs.
    let res = post_with_key(&s, &"k".repeat(256), &json!({ "name": "Long Key" })).await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(customers_named(&app, "Long Key").await, 0);
}

async fn fifty_parallel_requests_with_one_key_create_one_record(app: TestApp) {
    let s = app.login_as(Role::Manager).await;
    let body = json!({ "name": "Parallel Co", "city": "Shenzhen" });
    let sends = (0..50).map(|_| post_with_key(&s, "the-one-key", &body));
    let results = futures_util::future::join_all(sends).await;
    let mut ids = std::collections::BTreeSet::new();
    let mut statuses = std::collections::BTreeMap::new();
    for r in results {
        let (status, b) = read(r).await;
        *statuses.entry(status.as_u16()).or_insert(0) += 1;
        if status == StatusCode::CREATED {
            ids.insert(b["id"].as_i64().unwrap());
        }
    }
    assert_eq!(statuses.get(&201), Some(&50), "every request gets the one response: {statuses:?}");
    assert_eq!(ids.len(), 1, "one id in all responses: {ids:?}");
    assert_eq!(customers_named(&app, "Parallel Co").await, 1, "exactly one record");
}

async fn keys_belong_to_the_caller_and_expire_after_a_day(app: TestApp) {
    let a = app.login_as(Role::Manager).await;
    let b = app.login_as(Role::Manager).await;
    let body = json!({ "name": "Shared Key Name" });
    let (s1, c1) = read(post_with_key(&a, "same", &body).await).await;
    let (s2, c2) = read(post_with_key(&b, "same", &body).await).await;
    assert_eq!((s1, s2), (StatusCode::CREATED, StatusCode::CREATED));
    assert_ne!(c1["id"], c2["id"], "two callers, two records");

    // A day later the key is forgotten: the same request runs again.
    let old = rapport_domain::time::now() - chrono::Duration::hours(25);
    idempotency_key::Entity::update_many()
        .col_expr(idempotency_key::Column::CreatedAt, sea_orm::sea_query::Expr::value(old))
        .filter(idempotency_key::Column::Key.eq("same"))
        .exec(&app.db)
        .await
        .unwrap();
    let res = post_with_key(&a, "same", &body).await;
    assert!(res.headers().get("idempotent-replayed").is_none());
    let (s3, c3) = read(res).await;
    assert_eq!(s3, StatusCode::CREATED);
    assert_ne!(c3["id"], c1["id"]);
    assert_eq!(customers_named(&app, "Shared Key Name").await, 3);
}

async fn errors_are_replayed_too_and_unauthenticated_calls_pass_through(app: TestApp) {
    let s = app.login_as(Role::Manager).await;
    let bad = json!({ "name": "" });
    let first = post_with_key(&s, "bad-one", &bad).await;
    assert_problem(first, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let again = post_with_key(&s, "bad-one", &bad).await;
    assert_eq!(again.headers().get("idempotent-replayed").unwrap(), "true");
    assert_problem(again, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;

    let anonymous = app
        .request(Method::POST, "/api/v1/customers")
        .header("Idempotency-Key", "anon")
        .json(&json!({ "name": "Anon" }))
        .send()
        .await
        .unwrap();
    assert_problem(anonymous, StatusCode::UNAUTHORIZED, "unauthorized").await;
    let kept = idempotency_key::Entity::find().filter(idempotency_key::Column::Key.eq("anon")).count(&app.db).await;
    assert_eq!(kept.unwrap(), 0, "no key is kept for an unauthenticated call");
}

db_tests!(
    a_retry_with_the_same_key_replays_the_first_response,
    the_same_key_with_another_body_is_refused,
    fifty_parallel_requests_with_one_key_create_one_record,
    keys_belong_to_the_caller_and_expire_after_a_day,
    errors_are_replayed_too_and_unauthenticated_calls_pass_through,
);
