//! The server process: SIGTERM drains the request in hand; SIGKILL in the middle of a
//! CSV import leaves nothing half-imported.
use std::time::Duration;

use rapport_domain::Role;
use rapport_domain::entities::customer;
use rapport_tests::outreach::ServerProcess;
use rapport_tests::{PASSWORD, TestApp, db_tests};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};

/// Rows per file: enough for the import to be in flight when the signal comes (it
/// writes in multi-row batches: a debug build takes 2–5 s for these), and few enough
/// to finish within the server's 30 s drain.
fn rows(app: &TestApp) -> usize {
    if app.database_url().starts_with("sqlite") { 100_000 } else { 40_000 }
}

fn csv(prefix: &str, rows: usize) -> String {
    let mut s = String::from("name,email,city\n");
    for i in 0..rows {
        s.push_str(&format!("{prefix} {i},{prefix}{i}@bulk.example.com,Shenzhen\n"));
    }
    s
}

async fn token(address: &str, email: &str) -> String {
    let res = reqwest::Client::new()
        .post(format!("{address}/api/v1/auth/login"))
        .json(&json!({ "email": email, "password": PASSWORD }))
        .send()
        .await
        .unwrap();
    let body: Value = res.json().await.unwrap();
    body["access_token"].as_str().unwrap().to_owned()
}

async fn imported(app: &TestApp, prefix: &str) -> u64 {
    customer::Entity::find()
        .filter(customer::Column::Email.like(format!("{prefix}%@bulk.example.com")))
        .count(&app.db)
        .await
        .unwrap()
}

fn start_import(
    address: &str,
    token: &str,
    body: String,
) -> tokio::task::JoinHandle<reqwest::Result<reqwest::Response>> {
    let request = reqwest::Client::new()
        .post(format!("{address}/api/v1/customers/import"))
        .bearer_auth(token)
        .header("content-type", "text/csv")
        .body(body);
    tokio::spawn(request.send())
}

/// Waits until the server has the request in hand (its body is sent and it is working).
async fn until_in_flight(handle: &tokio::task::JoinHandle<reqwest::Result<reqwest::Response>>) {
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert!(!handle.is_finished(), "the import finished before the signal: make the file bigger");
}

async fn sigterm_lets_the_request_in_hand_finish(app: TestApp) {
    let (_, email) = app.create_user(Role::Admin).await;
    let env = [("RAPPORT_DELIVERY_WORKER", "off".to_owned())];
    let (server, address) = ServerProcess::start_http(app.database_url(), &env).await;
    let token = token(&address, &email).await;
    let n = rows(&app);
    let import = start_import(&address, &token, csv("drain", n));
    until_in_flight(&import).await;
    server.terminate();
    let res = import.await.unwrap().expect("the in-flight import gets its answer");
    assert_eq!(res.status(), reqwest::StatusCode::CREATED);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["imported"], n);
    let status = tokio::task::spawn_blocking(move || server.wait_exit(Duration::from_secs(40))).await.unwrap();
    assert!(status.success(), "a clean exit after draining: {status:?}");
    assert_eq!(imported(&app, "drain").await, n as u64);
    // Stopped means stopped: nobody answers any more.
    assert!(reqwest::Client::new().get(format!("{address}/health")).send().await.is_err());
}

async fn sigkill_mid_import_leaves_nothing_half_imported(app: TestApp) {
    let (_, email) = app.create_user(Role::Admin).await;
    let env = [("RAPPORT_DELIVERY_WORKER", "off".to_owned())];
    let (server, address) = ServerProcess::start_http(app.database_url(), &env).await;
    let token = token(&address, &email).await;
    let n = rows(&app);
    let import = start_import(&address, &token, csv("crash", n));
    until_in_flight(&import).await;
    server.kill();
    assert!(import.await.unwrap().is_err(), "the connection died with the process");
    assert_eq!(imported(&app, "crash").await, 0, "all rows or none: the transaction never committed");

    // A restarted server takes the same file whole.
    let (_again, address) = ServerProcess::start_http(app.database_url(), &env).await;
    let token = self::token(&address, &email).await;
    let res = start_import(&address, &token, csv("crash", n)).await.unwrap().unwrap();
    assert_eq!(res.status(), reqwest::StatusCode::CREATED);
    assert_eq!(imported(&app, "crash").await, n as u64);
}

db_tests!(sigterm_lets_the_request_in_hand_finish, sigkill_mid_import_leaves_nothing_half_imported);
