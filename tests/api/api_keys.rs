use rapport_domain::Role;
use rapport_tests::{TestApp, assert_problem, db_tests, read};
use reqwest::StatusCode;
use serde_json::json;

async fn an_api_key_works_once_made_and_stops_when_revoked(app: TestApp) {
    let admin = app.login_as(Role::Admin).await;
    let (status, created) =
        read(admin.post("/api/v1/api-keys", &json!({ "name": "ERP sync", "role": "manager" })).await).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let key = created["key"].as_str().unwrap().to_owned();
    assert!(key.starts_with("rk_"));
    assert_eq!(created["prefix"].as_str().unwrap(), &key[..10]);
    let integration = app.with_token(&key);
    let c = integration.create_customer(json!({ "name": "Via API key" })).await;
    let (_, audit) = read(admin.get(&format!("/api/v1/audit-log?entity=customer&entity_id={}", c["id"])).await).await;
    assert_eq!(audit["items"][0]["actor"], format!("api_key:{}", created["id"]));
    // The role binds: a manager key may not manage users.
    assert_problem(integration.get("/api/v1/users").await, StatusCode::FORBIDDEN, "forbidden").await;
    let (_, list) = read(admin.get("/api/v1/api-keys").await).await;
    assert!(list["items"][0].get("key").is_none(), "secrets are never listed");
    assert!(list["items"][0]["last_used_at"].is_string());
    let res = admin.delete(&format!("/api/v1/api-keys/{}", created["id"])).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_problem(integration.get("/api/v1/customers").await, StatusCode::UNAUTHORIZED, "unauthorized").await;
    assert_problem(
        app.with_token("rk_made-up").get("/api/v1/customers").await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
}

async fn only_admins_manage_api_keys(app: TestApp) {
    let manager = app.login_as(Role::Manager).await;
    assert_problem(manager.get("/api/v1/api-keys").await, StatusCode::FORBIDDEN, "forbidden").await;
    assert_problem(
        manager.post("/api/v1/api-keys", &json!({ "name": "x", "role": "admin" })).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let admin = app.login_as(Role::Admin).await;
    assert_problem(admin.delete("/api/v1/api-keys/999").await, StatusCode::NOT_FOUND, "not_found").await;
}

async fn an_api_key_cannot_revoke_itself(app: TestApp) {
    let admin = app.login_as(Role::Admin).await;
    let (_, created) = read(admin.post("/api/v1/api-keys", &json!({ "name": "ops", "role": "admin" })).await).await;
    let integration = app.with_token(created["key"].as_str().unwrap());
    let own = format!("/api/v1/api-keys/{}", created["id"]);
    assert_problem(integration.delete(&own).await, StatusCode::CONFLICT, "conflict").await;
    assert_eq!(integration.get("/api/v1/api-keys").await.status(), StatusCode::OK, "the key still works");
    assert_eq!(admin.delete(&own).await.status(), StatusCode::NO_CONTENT, "a person revokes it");
}

db_tests!(
    an_api_key_works_once_made_and_stops_when_revoked,
    only_admins_manage_api_keys,
    an_api_key_cannot_revoke_itself
);
