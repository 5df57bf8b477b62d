use rapport_domain::Role;
use rapport_tests::{TestApp, assert_problem, db_tests, read};
use reqwest::StatusCode;
use serde_json::json;

async fn every_change_is_audited_with_before_and_after(app: TestApp) {
    let admin = app.login_as(Role::Admin).await;
    let c = admin.create_customer(json!({ "name": "Audit Me", "city": "Hangzhou" })).await;
    let path = format!("/api/v1/customers/{}", c["id"]);
    admin.patch(&path, &json!({ "city": "Nanjing" })).await;
    admin.delete(&path).await;
    let (status, body) =
        read(admin.get(&format!("/api/v1/audit-log?entity=customer&entity_id={}", c["id"])).await).await;
    assert_eq!(status, StatusCode::OK);
    let actions: Vec<&str> = body["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, vec!["delete", "update", "create"]);
    let update = &body["items"][1];
    assert_eq!(update["before"]["city"], "Hangzhou");
    assert_eq!(update["after"]["city"], "Nanjing");
    assert_eq!(update["actor_id"], admin.user_id);
    let (_, by_user) =
        read(admin.get(&format!("/api/v1/audit-log?entity=customer&user_id={}&per_page=1", admin.user_id)).await).await;
    assert_eq!(by_user["total"], 3);
    assert_eq!(by_user["items"].as_array().unwrap().len(), 1);
    let (_, none) = read(admin.get("/api/v1/audit-log?from=2999-01-01T00:00:00Z").await).await;
    assert_eq!(none["total"], 0);
}

async fn audit_log_is_for_admins_and_managers(app: TestApp) {
    assert_eq!(app.login_as(Role::Manager).await.get("/api/v1/audit-log").await.status(), StatusCode::OK);
    for role in [Role::Sales, Role::Marketing, Role::Support] {
        assert_problem(app.login_as(role).await.get("/api/v1/audit-log").await, StatusCode::FORBIDDEN, "forbidden")
            .await;
    }
}

db_tests!(every_change_is_audited_with_before_and_after, audit_log_is_for_admins_and_managers);
