use rapport_domain::Role;
use rapport_tests::{PASSWORD, TestApp, assert_problem, db_tests, read};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn login(app: &TestApp, email: &str, password: &str) -> reqwest::Response {
    app.request(Method::POST, "/api/v1/auth/login")
        .json(&json!({ "email": email, "password": password }))
        .send()
        .await
        .unwrap()
}

async fn login_returns_tokens_and_the_user(app: TestApp) {
    let (id, email) = app.create_user(Role::Manager).await;
    let (status, body) = read(login(&app, &email.to_uppercase(), PASSWORD).await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 900);
    assert_eq!(body["user"]["id"], id);
    assert_eq!(body["user"]["role"], "manager");
    let me = app.with_token(body["access_token"].as_str().unwrap()).get("/api/v1/auth/me").await;
    let (status, me) = read(me).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["email"], email);
}

async fn wrong_password_and_unknown_email_get_the_same_401(app: TestApp) {
    let (_, email) = app.create_user(Role::Sales).await;
    let wrong =
        assert_problem(login(&app, &email, "not-the-password").await, StatusCode::UNAUTHORIZED, "unauthorized").await;
    let unknown = assert_problem(
        login(&app, "nobody@test.example.com", PASSWORD).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
    assert_eq!(wrong, unknown, "the two failures must not be told apart");
}

/// The token of a session in use stops working on the next request, although the server
/// keeps recently checked tokens for a moment (`token_states`).
async fn deactivated_users_cannot_sign_in_and_their_tokens_stop_at_once(app: TestApp) {
    let admin = app.login_as(Role::Admin).await;
    let (id, email) = app.create_user(Role::Support).await;
    let (_, session) = read(login(&app, &email, PASSWORD).await).await;
    let user = app.with_token(session["access_token"].as_str().unwrap());
    assert_eq!(user.get("/api/v1/auth/me").await.status(), StatusCode::OK);
    let res = admin.patch(&format!("/api/v1/users/{id}"), &json!({ "active": false })).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_problem(user.get("/api/v1/auth/me").await, StatusCode::UNAUTHORIZED, "unauthorized").await;
    assert_problem(login(&app, &email, PASSWORD).await, StatusCode::UNAUTHORIZED, "unauthorized").await;
}

async fn refresh_rotates_and_reuse_revokes_the_family(app: TestApp) {
    let (_, email) = app.create_user(Role::Sales).await;
    let (_, first) = read(login(&app, &email, PASSWORD).await).await;
    let r1 = first["refresh_token"].as_str().unwrap().to_owned();
    let refresh =
        |t: String| app.request(Method::POST, "/api/v1/auth/refresh").json(&json!({ "refresh_token": t })).send();
    let (status, second) = read(refresh(r1.clone()).await.unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    let r2 = second["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(r1, r2);
    // The spent token comes back: someone copied it. The whole family dies, r2 included.
    assert_problem(refresh(r1).await.unwrap(), StatusCode::UNAUTHORIZED, "unauthorized").await;
    assert_problem(refresh(r2).await.unwrap(), StatusCode::UNAUTHORIZED, "unauthorized").await;
}

async fn logout_revokes_the_refresh_token(app: TestApp) {
    let (_, email) = app.create_user(Role::Sales).await;
    let (_, body) = read(login(&app, &email, PASSWORD).await).await;
    let token = body["refresh_token"].clone();
    let res =
        app.request(Method::POST, "/api/v1/auth/logout").json(&json!({ "refresh_token": token })).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let res = app
        .request(Method::POST, "/api/v1/auth/refresh")
        .json(&json!({ "refresh_token": token }))
        .send()
        .await
        .unwrap();
    assert_problem(res, StatusCode::UNAUTHORIZED, "unauthorized").await;
}

async fn requests_without_a_valid_token_get_401(app: TestApp) {
    let res = app.request(Method::GET, "/api/v1/customers").send().await.unwrap();
    assert_eq!(res.headers().get("www-authenticate").unwrap(), "Bearer");
    assert_problem(res, StatusCode::UNAUTHORIZED, "unauthorized").await;
    let forged = app.with_token("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIiwicm9sZSI6ImFkbWluIiwiZXhwIjo5OTk5OTk5OTk5fQ.x");
    assert_problem(forged.get("/api/v1/customers").await, StatusCode::UNAUTHORIZED, "unauthorized").await;
    let res = app.request(Method::GET, "/api/v1/customers").header("authorization", "Basic abc").send().await.unwrap();
    assert_problem(res, StatusCode::UNAUTHORIZED, "unauthorized").await;
}

async fn malformed_login_bodies_are_problems(app: TestApp) {
    let res = app
        .request(Method::POST, "/api/v1/auth/login")
        .body("{not json")
        .header("content-type", "application/json")
        .send()
        .await
        .unwrap();
    assert_problem(res, StatusCode::BAD_REQUEST, "bad_request").await;
    let res = app.request(Method::POST, "/api/v1/auth/login").json(&json!({ "email": "a@b.c" })).send().await.unwrap();
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let res = app
        .request(Method::POST, "/api/v1/auth/login")
        .body("email=a")
        .header("content-type", "text/plain")
        .send()
        .await
        .unwrap();
    assert_problem(res, StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type").await;
    let body: Value = json!({ "email": "a@b.c", "password": "x".repeat(2 * 1024 * 1024) });
    let res = app.request(Method::POST, "/api/v1/auth/login").json(&body).send().await.unwrap();
    assert_problem(res, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
}

/// A JSON body sent in chunks, without a length to refuse it by, gets a 413 problem (the
/// server stops reading it at the JSON limit of 1 MiB, not at the import limit).
async fn chunked_oversize_json_gets_a_413_problem(app: TestApp) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let host = app.address.trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(&host).await.unwrap();
    let head = format!(
        "POST /api/v1/auth/login HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n\
         Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let chunk = format!("{:x}\r\n{}\r\n", 64 * 1024, " ".repeat(64 * 1024));
    // Up to 4 MiB of padding: the server may answer (and close) before it has read it all.
    for _ in 0..64 {
        if stream.write_all(chunk.as_bytes()).await.is_err() {
            break;
        }
    }
    let _ = stream.write_all(b"0\r\n\r\n").await;
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer).await;
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 413"), "{}", text.lines().next().unwrap_or(""));
    assert!(text.contains("payload_too_large"), "{text}");
}

db_tests!(
    chunked_oversize_json_gets_a_413_problem,
    login_returns_tokens_and_the_user,
    wrong_password_and_unknown_email_get_the_same_401,
    deactivated_users_cannot_sign_in_and_their_tokens_stop_at_once,
    refresh_rotates_and_reuse_revokes_the_family,
    logout_revokes_the_refresh_token,
    requests_without_a_valid_token_get_401,
    malformed_login_bodies_are_problems,
);
