//! Sign-in throttling, password policy, session revocation, read-only keys, audit of denials.

use std::time::Duration;

use rapport_domain::Role;
use rapport_tests::{Backend, PASSWORD, TestApp, assert_problem, db_tests, read};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn login(app: &TestApp, email: &str, password: &str) -> reqwest::Response {
    app.request(Method::POST, "/api/v1/auth/login")
        .json(&json!({ "email": email, "password": password }))
        .send()
        .await
        .unwrap()
}

fn retry_after(res: &reqwest::Response) -> u64 {
    res.headers().get("retry-after").expect("Retry-After").to_str().unwrap().parse().unwrap()
}

/// The audit entries of one user record, oldest first, as (action, after).
async fn user_audit(app: &TestApp, user_id: i64) -> Vec<(String, Value)> {
    let admin = app.login_as(Role::Admin).await;
    let (_, body) =
        read(admin.get(&format!("/api/v1/audit-log?entity=user&entity_id={user_id}&per_page=200")).await).await;
    let mut items: Vec<(String, Value)> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["action"].as_str().unwrap().to_owned(), e["after"].clone()))
        .collect();
    items.reverse();
    items
}

async fn the_account_locks_after_repeated_failures_and_unlocks_by_itself(backend: Backend) {
    let app = TestApp::spawn_with(backend, |c| {
        c.security.login_max_failures = 3;
        c.security.login_lock = Duration::from_secs(2);
    })
    .await;
    let (id, email) = app.create_user(Role::Sales).await;
    for _ in 0..2 {
        assert_problem(login(&app, &email, "wrong-password-x").await, StatusCode::UNAUTHORIZED, "unauthorized").await;
    }
    let res = login(&app, &email, "wrong-password-x").await;
    assert!((1..=2).contains(&retry_after(&res)));
    assert_problem(res, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    // Locked: even the right password is refused, with the time to wait.
    let res = login(&app, &email, PASSWORD).await;
    assert!((1..=2).contains(&retry_after(&res)));
    assert_problem(res, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    tokio::time::sleep(Duration::from_millis(2200)).await;
    assert_eq!(login(&app, &email, PASSWORD).await.status(), StatusCode::OK, "the lock lifts by itself");
    // A success resets the count: two more failures do not lock again.
    for _ in 0..2 {
        assert_problem(login(&app, &email, "wrong-password-x").await, StatusCode::UNAUTHORIZED, "unauthorized").await;
    }
    assert_eq!(login(&app, &email, PASSWORD).await.status(), StatusCode::OK);

    let audit = user_audit(&app, id).await;
    let actions: Vec<&str> = audit.iter().map(|(a, _)| a.as_str()).collect();
    assert_eq!(
        actions,
        [
            "create",
            "login_failed",
            "login_failed",
            "login_failed",
            "lockout",
            "login",
            "login_failed",
            "login_failed",
            "login"
        ]
    );
    assert_eq!(audit[1].1["email"], email);
    assert!(audit[4].1["locked_until"].is_string());
    let text = serde_json::to_string(&audit).unwrap();
    assert!(!text.contains("wrong-password-x") && !text.contains(PASSWORD), "passwords are never audited");
}

async fn too_many_attempts_from_one_address_get_429(backend: Backend) {
    let app = TestApp::spawn_with(backend, |c| c.security.login_per_minute = 3).await;
    for _ in 0..3 {
        assert_problem(
            login(&app, "nobody@example.com", "whatever-pass").await,
            StatusCode::UNAUTHORIZED,
            "unauthorized",
        )
        .await;
    }
    let res = login(&app, "nobody@example.com", "whatever-pass").await;
    assert!(retry_after(&res) >= 1);
    assert_problem(res, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    // Whoever signs in from this address now waits too: the limit is per address.
    let (_, email) = app.create_user(Role::Sales).await;
    assert_problem(login(&app, &email, PASSWORD).await, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
}

async fn common_and_email_based_passwords_are_refused(app: TestApp) {
    let admin = app.login_as(Role::Admin).await;
    for (email, password) in [("kim@example.com", "Password1234"), ("kim.lee@example.com", "i-am-kim.lee-2026")] {
        let res = admin
            .post("/api/v1/users", &json!({ "email": email, "name": "Kim", "role": "sales", "password": password }))
            .await;
        let body = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        assert_eq!(body["errors"][0]["field"], "password", "{body}");
    }
    let (id, _) = app.create_user(Role::Support).await;
    let res = admin.patch(&format!("/api/v1/users/{id}"), &json!({ "password": "QWERTYUIOP123" })).await;
    let body = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "password");
    let me = app.login_as(Role::Sales).await;
    let res = me
        .post("/api/v1/auth/password", &json!({ "current_password": PASSWORD, "new_password": "letmein12345" }))
        .await;
    let body = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "new_password");
}

async fn changing_the_password_ends_every_session(app: TestApp) {
    let (id, email) = app.create_user(Role::Sales).await;
    let (_, first) = read(login(&app, &email, PASSWORD).await).await;
    let (_, second) = read(login(&app, &email, PASSWORD).await).await;
    let me = app.with_token(first["access_token"].as_str().unwrap());
    let res = me
        .post(
            "/api/v1/auth/password",
            &json!({ "current_password": "not-my-password", "new_password": "violet-kettle-orbit-9" }),
        )
        .await;
    let body = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "current_password");
    assert_eq!(me.get("/api/v1/auth/me").await.status(), StatusCode::OK, "a wrong current password changes nothing");
    let res = me
        .post(
            "/api/v1/auth/password",
            &json!({ "current_password": PASSWORD, "new_password": "violet-kettle-orbit-9" }),
        )
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    // Both sessions end: access tokens issued before and every refresh token.
    for session in [&first, &second] {
        let old = app.with_token(session["access_token"].as_str().unwrap());
        assert_problem(old.get("/api/v1/auth/me").await, StatusCode::UNAUTHORIZED, "unauthorized").await;
        let res = app
            .request(Method::POST, "/api/v1/auth/refresh")
            .json(&json!({ "refresh_token": session["refresh_token"] }))
            .send()
            .await
            .unwrap();
        assert_problem(res, StatusCode::UNAUTHORIZED, "unauthorized").await;
    }
    assert_problem(login(&app, &email, PASSWORD).await, StatusCode::UNAUTHORIZED, "unauthorized").await;
    let (status, fresh) = read(login(&app, &email, "violet-kettle-orbit-9").await).await;
    assert_eq!(status, StatusCode::OK);
    let res = app
        .request(Method::POST, "/api/v1/auth/logout")
        .json(&json!({ "refresh_token": fresh["refresh_token"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let actions: Vec<String> = user_audit(&app, id).await.into_iter().map(|(a, _)| a).collect();
    assert!(
        actions.ends_with(&["password_change", "login_failed", "login", "logout"].map(String::from)),
        "{actions:?}"
    );
}

async fn an_admin_password_reset_ends_the_users_sessions(app: TestApp) {
    let admin = app.login_as(Role::Admin).await;
    let (id, email) = app.create_user(Role::Support).await;
    let (_, session) = read(login(&app, &email, PASSWORD).await).await;
    let user = app.with_token(session["access_token"].as_str().unwrap());
    assert_eq!(user.get("/api/v1/auth/me").await.status(), StatusCode::OK);
    let res = admin.patch(&format!("/api/v1/users/{id}"), &json!({ "password": "amber-violin-harbour" })).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_problem(user.get("/api/v1/auth/me").await, StatusCode::UNAUTHORIZED, "unauthorized").await;
    let res = app
        .request(Method::POST, "/api/v1/auth/refresh")
        .json(&json!({ "refresh_token": session["refresh_token"] }))
        .send()
        .await
        .unwrap();
    assert_problem(res, StatusCode::UNAUTHORIZED, "unauthorized").await;
    let actions: Vec<String> = user_audit(&app, id).await.into_iter().map(|(a, _)| a).collect();
    assert!(actions.contains(&"password_reset".to_owned()), "{actions:?}");
}

async fn a_read_only_api_key_reads_but_never_writes(app: TestApp) {
    let admin = app.login_as(Role::Admin).await;
    let (status, created) = read(
        admin.post("/api/v1/api-keys", &json!({ "name": "BI export", "role": "manager", "read_only": true })).await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["read_only"], true);
    let key = app.with_token(created["key"].as_str().unwrap());
    assert_eq!(key.get("/api/v1/customers").await.status(), StatusCode::OK);
    let res = key.post("/api/v1/customers", &json!({ "name": "Nope" })).await;
    assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    let res =
        key.request(Method::POST, "/api/v1/customers").header("idempotency-key", "k1").json(&json!({ "name": "Nope" }));
    assert_problem(res.send().await.unwrap(), StatusCode::FORBIDDEN, "forbidden").await;
    let (_, list) = read(admin.get("/api/v1/api-keys").await).await;
    assert_eq!(list["items"][0]["read_only"], true);
    let (_, customers) = read(admin.get("/api/v1/customers").await).await;
    assert_eq!(customers["total"], 0, "nothing was written");
    // A key made without the flag writes as before.
    let (_, rw) = read(admin.post("/api/v1/api-keys", &json!({ "name": "ERP", "role": "manager" })).await).await;
    assert_eq!(rw["read_only"], false);
    app.with_token(rw["key"].as_str().unwrap()).create_customer(json!({ "name": "Yes" })).await;
}

async fn refused_requests_are_audited(app: TestApp) {
    let sales = app.login_as(Role::Sales).await;
    assert_problem(sales.get("/api/v1/audit-log").await, StatusCode::FORBIDDEN, "forbidden").await;
    assert_problem(sales.delete("/api/v1/api-keys/1").await, StatusCode::FORBIDDEN, "forbidden").await;
    let admin = app.login_as(Role::Admin).await;
    let (_, body) = read(admin.get("/api/v1/audit-log?entity=request").await).await;
    assert_eq!(body["total"], 2, "{body}");
    let newest = &body["items"][0];
    assert_eq!(newest["action"], "denied");
    assert_eq!(newest["actor_id"], sales.user_id);
    assert_eq!(newest["after"], json!({ "method": "DELETE", "path": "/api/v1/api-keys/1" }));
    assert_eq!(body["items"][1]["after"], json!({ "method": "GET", "path": "/api/v1/audit-log" }));
    // Unauthenticated requests are 401s, not denials.
    app.request(Method::GET, "/api/v1/audit-log").send().await.unwrap();
    let (_, again) = read(admin.get("/api/v1/audit-log?entity=request").await).await;
    assert_eq!(again["total"], 2);
}

async fn the_audit_log_cannot_be_changed_through_the_api(app: TestApp) {
    let admin = app.login_as(Role::Admin).await;
    for method in [Method::PATCH, Method::DELETE, Method::PUT, Method::POST] {
        let res = admin.request(method.clone(), "/api/v1/audit-log").json(&json!({})).send().await.unwrap();
        assert_eq!(res.headers().get("allow").unwrap(), "GET", "{method}");
        assert_problem(res, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed").await;
    }
    for method in [Method::PATCH, Method::DELETE] {
        let res = admin.request(method.clone(), "/api/v1/audit-log/1").json(&json!({})).send().await.unwrap();
        assert!(!res.status().is_success(), "{method} on an entry");
    }
}

macro_rules! backends {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() { super::$name(rapport_tests::Backend::Sqlite).await }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() { super::$name(rapport_tests::Backend::Postgres).await }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn mysql() { super::$name(rapport_tests::Backend::Mysql).await }
        }
    )*};
}

backends!(the_account_locks_after_repeated_failures_and_unlocks_by_itself, too_many_attempts_from_one_address_get_429);

db_tests!(
    common_and_email_based_passwords_are_refused,
    changing_the_password_ends_every_session,
    an_admin_password_reset_ends_the_users_sessions,
    a_read_only_api_key_reads_but_never_writes,
    refused_requests_are_audited,
    the_audit_log_cannot_be_changed_through_the_api,
);
