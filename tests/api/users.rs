use rapport_domain::Role;
use rapport_tests::{TestApp, assert_problem, db_tests, read};
use reqwest::{Method, StatusCode};
use serde_json::json;

async fn admins_create_list_and_change_users(app: TestApp) {
    let admin = app.login_as(Role::Admin).await;
    let res = admin.post("/api/v1/users", &json!({ "email": "New.Rep@Example.com", "name": "New Rep", "role": "sales", "password": "a-long-password-1" })).await;
    let (status, user) = read(res).await;
    assert_eq!(status, StatusCode::CREATED, "{user}");
    assert_eq!(user["email"], "new.rep@example.com");
    assert!(user.get("password").is_none() && user.get("password_hash").is_none());
    let (_, list) = read(admin.get("/api/v1/users?role=sales").await).await;
    assert_eq!(list["total"], 1);
    let path = format!("/api/v1/users/{}", user["id"]);
    let (status, changed) = read(admin.patch(&path, &json!({ "role": "manager", "name": "Promoted" })).await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(changed["role"], "manager");
    let res = admin.post("/api/v1/users", &json!({ "email": "new.rep@example.com", "name": "Again", "role": "sales", "password": "a-long-password-1" })).await;
    assert_problem(res, StatusCode::CONFLICT, "duplicate").await;
}

async fn weak_passwords_and_bad_roles_are_refused(app: TestApp) {
    let admin = app.login_as(Role::Admin).await;
    let res = admin
        .post("/api/v1/users", &json!({ "email": "x@example.com", "name": "X", "role": "sales", "password": "short" }))
        .await;
    let body = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "password");
    let res = admin
        .post(
            "/api/v1/users",
            &json!({ "email": "x@example.com", "name": "X", "role": "emperor", "password": "long-enough-password" }),
        )
        .await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
}

async fn only_admins_manage_users(app: TestApp) {
    for role in [Role::Manager, Role::Sales, Role::Marketing, Role::Support] {
        let s = app.login_as(role).await;
        assert_problem(s.get("/api/v1/users").await, StatusCode::FORBIDDEN, "forbidden").await;
        let res = s
            .post(
                "/api/v1/users",
                &json!({ "email": "y@example.com", "name": "Y", "role": "admin", "password": "long-enough-password" }),
            )
            .await;
        assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    }
}

async fn the_last_active_admin_stays(app: TestApp) {
    let admin = app.login_as(Role::Admin).await;
    let path = format!("/api/v1/users/{}", admin.user_id);
    assert_problem(admin.patch(&path, &json!({ "active": false })).await, StatusCode::CONFLICT, "conflict").await;
    assert_problem(admin.patch(&path, &json!({ "role": "sales" })).await, StatusCode::CONFLICT, "conflict").await;
    let (other, _) = app.create_user(Role::Admin).await;
    let res = admin
        .request(Method::PATCH, &format!("/api/v1/users/{other}"))
        .json(&json!({ "active": false }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

async fn every_role_reads_the_role_table_the_server_enforces(app: TestApp) {
    use rapport_domain::rules::access::{PERMISSIONS, Scope};
    let anonymous = app.request(Method::GET, "/api/v1/roles").send().await.unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    for role in Role::ALL {
        let s = app.login_as(role).await;
        let (status, table) = read(s.get("/api/v1/roles").await).await;
        assert_eq!(status, StatusCode::OK, "{role}: {table}");
        assert_eq!(table["roles"], json!(["admin", "manager", "sales", "marketing", "support"]));
        let expected: Vec<serde_json::Value> = PERMISSIONS
            .iter()
            .map(|(a, g)| {
                let grants: Vec<serde_json::Value> = g
                    .iter()
                    .map(|(r, sc)| json!({"role": r.as_str(), "scope": if *sc == Scope::All { "all" } else { "own" }}))
                    .collect();
                json!({"action": a.as_str(), "grants": grants})
            })
            .collect();
        assert_eq!(table["permissions"], json!(expected));
    }
    let (_, table) = read(app.login_as(Role::Sales).await.get("/api/v1/roles").await).await;
    let customers_write = table["permissions"].as_array().unwrap().iter().find(|p| p["action"] == "customers:write");
    assert!(
        customers_write.unwrap()["grants"].as_array().unwrap().contains(&json!({"role": "sales", "scope": "own"})),
        "sales writes its own customers"
    );
}

db_tests!(
    every_role_reads_the_role_table_the_server_enforces,
    admins_create_list_and_change_users,
    weak_passwords_and_bad_roles_are_refused,
    only_admins_manage_users,
    the_last_active_admin_stays,
);
