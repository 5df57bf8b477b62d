use rapport_tests::{TestApp, assert_problem, db_tests, read};
use reqwest::{Method, StatusCode};

async fn health_ready_and_metrics_answer(app: TestApp) {
    let (status, body) = read(app.request(Method::GET, "/health").send().await.unwrap()).await;
    assert_eq!((status, body["status"].as_str()), (StatusCode::OK, Some("ok")));
    let (status, body) = read(app.request(Method::GET, "/ready").send().await.unwrap()).await;
    assert_eq!((status, body["status"].as_str()), (StatusCode::OK, Some("ready")));
    let metrics = app.request(Method::GET, "/metrics").send().await.unwrap().text().await.unwrap();
    assert!(metrics.contains("rapport_http_requests_total{endpoint=\"/health\""), "{metrics}");
    assert!(metrics.contains("rapport_http_requests_duration_seconds_bucket"));
}

async fn unknown_endpoints_are_404_problems(app: TestApp) {
    assert_problem(
        app.request(Method::GET, "/api/v1/nothing-here").send().await.unwrap(),
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    assert_problem(app.request(Method::GET, "/nothing-here").send().await.unwrap(), StatusCode::NOT_FOUND, "not_found")
        .await;
}

async fn a_known_path_with_another_method_is_405_with_allow(app: TestApp) {
    for (method, path, allow) in [
        (Method::TRACE, "/api/v1/customers/1", "GET, PATCH, DELETE"),
        (Method::PUT, "/api/v1/customers", "GET, POST"),
        (Method::DELETE, "/rate/some-token", "GET, POST"),
    ] {
        let res = app.request(method.clone(), path).send().await.unwrap();
        let header = res.headers().get("allow").and_then(|v| v.to_str().ok()).map(str::to_owned);
        assert_eq!(header.as_deref(), Some(allow), "{method} {path}");
        assert_problem(res, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed").await;
    }
    // A fixed path that an `{id}` route would otherwise take.
    let admin = app.login_as(rapport_domain::Role::Admin).await;
    let res =
        admin.request(Method::PATCH, "/api/v1/campaigns/compare").json(&serde_json::json!({})).send().await.unwrap();
    assert_eq!(res.headers().get("allow").and_then(|v| v.to_str().ok()), Some("GET"));
    assert_problem(res, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed").await;
}

async fn docs_and_spec_are_served_offline(app: TestApp) {
    let res = app.request(Method::GET, "/docs").send().await.unwrap();
    assert!(res.status().is_redirection());
    let html = app.request(Method::GET, "/docs/").send().await.unwrap().text().await.unwrap();
    assert!(html.contains("swagger-ui"), "{html}");
    let res = app.request(Method::GET, "/docs/swagger-ui-bundle.js").send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK, "Swagger UI is vendored, not fetched");
    let (status, spec) = read(app.request(Method::GET, "/api-docs/openapi.json").send().await.unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(spec["paths"]["/api/v1/customers"]["get"].is_object());
    assert!(spec["components"]["securitySchemes"]["bearer"].is_object());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_single_page_app_is_served_with_index_fallback() {
    let dir = std::env::temp_dir().join(format!("rapport-spa-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(dir.join("assets")).unwrap();
    std::fs::write(dir.join("index.html"), "<!doctype html><title>Rapport</title><div id=root></div>").unwrap();
    std::fs::write(dir.join("assets/app.js"), "console.log('rapport')").unwrap();
    let app = TestApp::spawn_serving(rapport_tests::Backend::Sqlite, dir.clone()).await;
    let get = |p: &'static str| app.request(Method::GET, p).send();
    let index = get("/").await.unwrap().text().await.unwrap();
    assert!(index.contains("<title>Rapport</title>"));
    let js = get("/assets/app.js").await.unwrap().text().await.unwrap();
    assert!(js.contains("rapport"));
    let client_route = get("/customers/42/edit").await.unwrap();
    assert_eq!(client_route.status(), StatusCode::OK);
    assert!(client_route.text().await.unwrap().contains("<div id=root>"), "client routes get index.html");
    assert_problem(get("/api/v1/nothing").await.unwrap(), StatusCode::NOT_FOUND, "not_found").await;
    let rate = get("/rate/abc").await.unwrap();
    assert_eq!(rate.status(), StatusCode::NOT_FOUND);
    assert!(!rate.text().await.unwrap().contains("<div id=root>"), "rating links are not swallowed by the app");
    assert_eq!(get("/health").await.unwrap().status(), StatusCode::OK);
    std::fs::remove_dir_all(dir).ok();
}

/// Reads go through a pool of their own: on SQLite several connections that may not
/// write, beside the one writer; elsewhere the writer's pool. Either way a read sees
/// what was committed before it, and two reads can be open at once.
async fn reads_have_a_pool_of_their_own(app: TestApp) {
    use sea_orm::{ConnectionTrait, TransactionTrait};
    let read = rapport_api::connect_reads(app.database_url(), &app.db).await.unwrap();
    app.db.execute_unprepared("CREATE TABLE read_probe (n INTEGER)").await.unwrap();
    app.db.execute_unprepared("INSERT INTO read_probe (n) VALUES (1)").await.unwrap();
    let count = |rows: Option<sea_orm::QueryResult>| rows.unwrap().try_get_by_index::<i64>(0).unwrap();
    let sql = "SELECT COUNT(*) FROM read_probe";
    let first = read.begin().await.unwrap();
    let second = read.begin().await.expect("a second read while the first is open");
    assert_eq!(
        count(first.query_one_raw(sea_orm::Statement::from_string(first.get_database_backend(), sql)).await.unwrap()),
        1
    );
    assert_eq!(
        count(second.query_one_raw(sea_orm::Statement::from_string(second.get_database_backend(), sql)).await.unwrap()),
        1
    );
    drop((first, second));
    let write = read.execute_unprepared("INSERT INTO read_probe (n) VALUES (2)").await;
    if app.backend == rapport_tests::Backend::Sqlite {
        assert!(write.is_err(), "a SQLite read connection refuses writes");
    } else {
        assert!(write.is_ok(), "elsewhere reads share the writer's pool");
    }
    let expected = if app.backend == rapport_tests::Backend::Sqlite { 1 } else { 2 };
    let stored =
        app.db.query_one_raw(sea_orm::Statement::from_string(app.db.get_database_backend(), sql)).await.unwrap();
    assert_eq!(count(stored), expected);
}

db_tests!(
    reads_have_a_pool_of_their_own,
    health_ready_and_metrics_answer,
    unknown_endpoints_are_404_problems,
    a_known_path_with_another_method_is_405_with_allow,
    docs_and_spec_are_served_offline
);

#[test]
fn committed_openapi_matches_the_code() {
    let generated = rapport_api::cli::openapi_json().unwrap();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi/openapi.json");
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == generated,
        "openapi/openapi.json is out of date with the code: run `make openapi` and commit the result"
    );
}

#[test]
fn every_api_operation_documents_its_roles() {
    let spec = serde_json::to_value(rapport_api::openapi()).unwrap();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let id = op["operationId"].as_str().unwrap();
            let public = path.starts_with("/api/v1/auth/") || path.starts_with("/rate/") || path.starts_with("/t/");
            let described = op["description"].as_str().is_some_and(|d| d.contains("Roles: `"));
            assert!(public || described, "{method} {path} ({id}) has no role line in its description");
        }
    }
}

#[test]
fn the_readme_role_table_matches_the_code() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    for (action, _) in rapport_domain::rules::access::PERMISSIONS {
        let line = rapport_domain::rules::access::describe(*action);
        assert!(readme.contains(&line), "README.md lacks the role line: {line}");
    }
}
