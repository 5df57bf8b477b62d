//! Security headers on every kind of response, and CORS: closed by default, open to listed origins.

use rapport_tests::{Backend, TestApp};
use reqwest::{Method, Response, StatusCode};

fn assert_security_headers(res: &Response, what: &str) {
    let h = res.headers();
    let get = |name: &str| h.get(name).map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    assert_eq!(get("x-content-type-options"), "nosniff", "{what}");
    assert_eq!(get("x-frame-options"), "DENY", "{what}");
    assert_eq!(get("referrer-policy"), "no-referrer", "{what}");
    assert_eq!(get("cross-origin-opener-policy"), "same-origin", "{what}");
    let csp = get("content-security-policy");
    assert!(csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"), "{what}: {csp}");
    assert!(!csp.contains("script-src 'self' 'unsafe-inline'"), "{what}: no inline scripts");
    assert!(h.keys().all(|k| !k.as_str().starts_with("access-control-")), "{what}: CORS is closed by default");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_response_carries_the_security_headers() {
    let dir = std::env::temp_dir().join(format!("rapport-spa-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("index.html"), "<!doctype html><title>Rapport</title><div id=root></div>").unwrap();
    let app = TestApp::spawn_serving(Backend::Sqlite, dir.clone()).await;
    let origin = ("origin", "https://evil.example");
    let api = app.request(Method::GET, "/api/v1/customers").header(origin.0, origin.1).send().await.unwrap();
    assert_eq!(api.status(), StatusCode::UNAUTHORIZED);
    assert_security_headers(&api, "API error");
    let health = app.request(Method::GET, "/health").header(origin.0, origin.1).send().await.unwrap();
    assert_security_headers(&health, "health");
    let docs = app.request(Method::GET, "/docs/").send().await.unwrap();
    assert_eq!(docs.status(), StatusCode::OK);
    assert_security_headers(&docs, "Swagger UI");
    let html = docs.text().await.unwrap();
    assert!(html.contains("swagger-ui") && !html.contains("<script>"), "Swagger UI loads only script files: {html}");
    let spa = app.request(Method::GET, "/customers/7").send().await.unwrap();
    assert_eq!(spa.status(), StatusCode::OK);
    assert_security_headers(&spa, "SPA fallback");
    let preflight = app
        .request(Method::OPTIONS, "/api/v1/customers")
        .header(origin.0, origin.1)
        .header("access-control-request-method", "POST")
        .send()
        .await
        .unwrap();
    assert!(preflight.headers().keys().all(|k| !k.as_str().starts_with("access-control-")), "no preflight answer");
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listed_origins_get_cors_and_others_do_not() {
    let app = TestApp::spawn_with(Backend::Sqlite, |c| {
        c.security.cors_origins = vec!["https://crm.example.com".into(), "http://localhost:5173".into()];
    })
    .await;
    let preflight = app
        .request(Method::OPTIONS, "/api/v1/customers")
        .header("origin", "https://crm.example.com")
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "authorization, content-type, idempotency-key")
        .send()
        .await
        .unwrap();
    assert!(preflight.status().is_success(), "{}", preflight.status());
    let h = preflight.headers();
    assert_eq!(h.get("access-control-allow-origin").unwrap(), "https://crm.example.com");
    assert!(h.get("access-control-allow-methods").unwrap().to_str().unwrap().contains("POST"));
    let allowed = h.get("access-control-allow-headers").unwrap().to_str().unwrap().to_lowercase();
    assert!(allowed.contains("authorization") && allowed.contains("idempotency-key"), "{allowed}");
    let res =
        app.request(Method::GET, "/api/v1/customers").header("origin", "http://localhost:5173").send().await.unwrap();
    assert_eq!(res.headers().get("access-control-allow-origin").unwrap(), "http://localhost:5173");
    assert!(
        res.headers().get("access-control-expose-headers").unwrap().to_str().unwrap().to_lowercase().contains("etag")
    );
    let other =
        app.request(Method::GET, "/api/v1/customers").header("origin", "https://evil.example").send().await.unwrap();
    assert_eq!(other.status(), StatusCode::UNAUTHORIZED, "not blocked, just not shared");
    assert!(other.headers().get("access-control-allow-origin").is_none());
    let same = app.request(Method::GET, "/health").header("origin", "https://evil.example").send().await.unwrap();
    assert_eq!(same.status(), StatusCode::OK);
}
