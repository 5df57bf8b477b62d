//! Webhooks: subscriptions, signed deliveries to a real HTTP receiver, retries, switching
//! off after repeated failures, redelivery, SSRF refusals, and the outbox's transaction.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use hmac::{Hmac, KeyInit, Mac};
use rapport_api::config::Config;
use rapport_domain::Role;
use rapport_tests::{Backend, Session, TestApp, assert_problem, read};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sha2::Sha256;

/// One request the receiver got.
#[derive(Clone, Debug)]
pub(crate) struct Received {
    pub(crate) event: String,
    pub(crate) delivery: String,
    signature: String,
    body: String,
}

/// An HTTP receiver on 127.0.0.1 that records every request and answers 500 to the first
/// `fail_first` ones and while `failing` is set, 200 otherwise.
pub(crate) struct Receiver {
    pub(crate) url: String,
    pub(crate) got: Arc<Mutex<Vec<Received>>>,
    pub(crate) ok: Arc<Mutex<Vec<Received>>>,
    failing: Arc<AtomicBool>,
    handle: actix_web::dev::ServerHandle,
}

impl Receiver {
    fn start(fail_first: usize) -> Self {
        Self::start_slow(fail_first, 0)
    }

    /// Like [`Receiver::start`], taking `delay_ms` to answer each request.
    pub(crate) fn start_slow(fail_first: usize, delay_ms: u64) -> Self {
        let got: Arc<Mutex<Vec<Received>>> = Arc::default();
        let ok: Arc<Mutex<Vec<Received>>> = Arc::default();
        let failing = Arc::new(AtomicBool::new(false));
        let calls = Arc::new(AtomicUsize::new(0));
        let (g, o, f) = (got.clone(), ok.clone(), failing.clone());
        let server = HttpServer::new(move || {
            let (g, o, f, calls) = (g.clone(), o.clone(), f.clone(), calls.clone());
            App::new().route(
                "/hook",
                web::post().to(move |req: HttpRequest, body: web::Bytes| {
                    let (g, o, f, calls) = (g.clone(), o.clone(), f.clone(), calls.clone());
                    async move {
                        tokio::time::sleep(Duration::from_millis(delay_ms)).await;
                        let h =
                            |n: &str| req.headers().get(n).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
                        let r = Received {
                            event: h("X-Rapport-Event"),
                            delivery: h("X-Rapport-Delivery"),
                            signature: h("X-Rapport-Signature"),
                            body: String::from_utf8_lossy(&body).into_owned(),
                        };
                        g.lock().unwrap().push(r.clone());
                        let n = calls.fetch_add(1, Ordering::SeqCst);
                        if n < fail_first || f.load(Ordering::SeqCst) {
                            return HttpResponse::InternalServerError().finish();
                        }
                        o.lock().unwrap().push(r);
                        HttpResponse::Ok().finish()
                    }
                }),
            )
        })
        .workers(1)
        .bind("127.0.0.1:0")
        .unwrap();
        let port = server.addrs()[0].port();
        let server = server.run();
        let handle = server.handle();
        tokio::spawn(server);
        Self { url: format!("http://127.0.0.1:{port}/hook"), got, ok, failing, handle }
    }

    /// Waits until `n` requests were answered 200 (panics after 20 s).
    async fn wait_ok(&self, n: usize) -> Vec<Received> {
        let start = Instant::now();
        loop {
            let ok = self.ok.lock().unwrap().clone();
            if ok.len() >= n {
                return ok;
            }
            assert!(start.elapsed() < Duration::from_secs(20), "only {} of {n} deliveries arrived", ok.len());
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        let h = self.handle.clone();
        tokio::spawn(async move { h.stop(false).await });
    }
}

/// Checks `X-Rapport-Signature` the way a receiver would: HMAC-SHA256 of "t.body".
pub(crate) fn verify(secret: &str, r: &Received) {
    let (t, v1) = r.signature.split_once(",v1=").unwrap();
    let t = t.strip_prefix("t=").unwrap();
    let age = chrono::Utc::now().timestamp() - t.parse::<i64>().unwrap();
    assert!((0..300).contains(&age), "a fresh timestamp: {}", r.signature);
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{t}.{}", r.body).as_bytes());
    let want: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(v1, want, "signature of {}", r.body);
}

pub(crate) fn allow_private(c: &mut Config) {
    c.webhooks.allow_private = true;
}

/// Subscribes `url` to `events`; returns (id, secret).
pub(crate) async fn subscribe(admin: &Session<'_>, url: &str, events: Value) -> (i64, String) {
    let (status, body) = read(admin.post("/api/v1/webhooks", &json!({ "url": url, "events": events })).await).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    (body["id"].as_i64().unwrap(), body["secret"].as_str().unwrap().to_owned())
}

async fn deliveries(admin: &Session<'_>, id: i64) -> Vec<Value> {
    let (status, body) = read(admin.get(&format!("/api/v1/webhooks/{id}/deliveries")).await).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["items"].as_array().unwrap().clone()
}

/// Polls the deliveries until `done` holds for them (panics after 20 s).
pub(crate) async fn wait_deliveries(admin: &Session<'_>, id: i64, done: impl Fn(&[Value]) -> bool) -> Vec<Value> {
    let start = Instant::now();
    loop {
        let items = deliveries(admin, id).await;
        if done(&items) {
            return items;
        }
        assert!(start.elapsed() < Duration::from_secs(20), "deliveries did not settle: {items:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn webhook_crud_shows_the_secret_only_once(b: Backend) {
    let app = TestApp::spawn_with(b, allow_private).await;
    let admin = app.login_as(Role::Admin).await;
    let res = admin
        .post(
            "/api/v1/webhooks",
            &json!({ "url": "http://127.0.0.1:9/hook", "events": ["customer.*", "order.created"], "description": "ERP" }),
        )
        .await;
    assert_eq!(res.headers()["etag"], "\"1\"");
    let (status, created) = read(res).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert!(created["secret"].as_str().unwrap().starts_with("whsec_"), "{created}");
    assert_eq!(created["events"], json!(["customer.*", "order.created"]));
    assert_eq!(created["active"], true);
    let path = format!("/api/v1/webhooks/{}", created["id"]);
    let (_, got) = read(admin.get(&path).await).await;
    assert!(got.get("secret").is_none(), "{got}");
    assert_eq!(got["description"], "ERP");
    let (_, list) = read(admin.get("/api/v1/webhooks").await).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    assert!(list["items"][0].get("secret").is_none(), "{list}");

    let patch = json!({ "events": ["lead.created"], "description": null });
    let res = admin.request(Method::PATCH, &path).header("If-Match", "\"1\"").json(&patch).send().await.unwrap();
    let (status, changed) = read(res).await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!((changed["version"].clone(), changed["description"].clone()), (json!(2), Value::Null));
    assert!(changed.get("secret").is_none());
    let stale = admin.request(Method::PATCH, &path).header("If-Match", "\"1\"").json(&patch).send().await.unwrap();
    assert_problem(stale, StatusCode::PRECONDITION_FAILED, "stale_version").await;
    let res = admin.request(Method::DELETE, &path).header("If-Match", "\"2\"").send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_problem(admin.get(&path).await, StatusCode::NOT_FOUND, "not_found").await;
}

async fn unknown_events_and_private_urls_are_refused(b: Backend) {
    let app = TestApp::spawn(b).await;
    let admin = app.login_as(Role::Admin).await;
    let body = json!({ "url": "http://93.184.216.34/hook", "events": ["customer.created", "customer.exploded"] });
    let p = assert_problem(
        admin.post("/api/v1/webhooks", &body).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(p["errors"][0]["field"], "events", "{p}");
    assert!(p["errors"][0]["message"].as_str().unwrap().contains("customer.exploded"), "{p}");
    for url in [
        "http://127.0.0.1:8080/hook",
        "http://localhost/hook",
        "http://10.1.2.3/",
        "http://[::1]/",
        "http://169.254.169.254/",
        "ftp://93.184.216.34/",
    ] {
        let body = json!({ "url": url, "events": ["*"] });
        let p = assert_problem(
            admin.post("/api/v1/webhooks", &body).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(p["errors"][0]["field"], "url", "{url}: {p}");
    }
    let (status, ok) = read(
        admin
            .post("/api/v1/webhooks", &json!({ "url": "https://93.184.216.34/h", "events": ["service_request.*"] }))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "a public address is fine: {ok}");
}

async fn creating_a_customer_delivers_one_signed_event(b: Backend) {
    let rx = Receiver::start(0);
    let app = TestApp::spawn_with(b, allow_private).await;
    let admin = app.login_as(Role::Admin).await;
    let (hook, secret) = subscribe(&admin, &rx.url, json!(["customer.*"])).await;
    let customer = admin.create_customer(json!({ "name": "Zhou Yu", "email": "zhou@example.com" })).await;
    let got = rx.wait_ok(1).await;
    verify(&secret, &got[0]);
    assert_eq!(got[0].event, "customer.created");
    let body: Value = serde_json::from_str(&got[0].body).unwrap();
    assert_eq!(body["type"], "customer.created");
    assert_eq!(body["data"]["id"], customer["id"]);
    assert_eq!(body["data"]["email"], "zhou@example.com");
    assert!(body["id"].as_str().is_some_and(|id| !id.is_empty()) && body["created_at"].is_string(), "{body}");
    let items = wait_deliveries(&admin, hook, |d| d.iter().all(|x| x["status"] == "delivered")).await;
    assert_eq!(items.len(), 1, "{items:?}");
    assert_eq!(got[0].delivery, items[0]["id"].to_string());
    assert_eq!((items[0]["attempts"].clone(), items[0]["response_code"].clone()), (json!(1), json!(200)));
    // A change that fails writes no event; one nobody subscribed to writes none either.
    let bad = admin.post("/api/v1/customers", &json!({ "name": "X", "email": "not-an-email" })).await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    admin.post("/api/v1/products", &json!({ "sku": "TEA-1", "name": "Tea", "price": "10.00" })).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(deliveries(&admin, hook).await.len(), 1);
    assert_eq!(rx.got.lock().unwrap().len(), 1, "exactly one request");
}

async fn a_rolled_back_change_leaves_no_event(b: Backend) {
    let app = TestApp::spawn_with(b, allow_private).await;
    let admin = app.login_as(Role::Admin).await;
    let (hook, _) = subscribe(&admin, "http://127.0.0.1:9/hook", json!(["customer.created", "lead.converted"])).await;
    let (rep, _) = app.create_user(Role::Sales).await;
    let (_, lead) = read(
        admin
            .post("/api/v1/leads", &json!({ "name": "Half Way", "email": "half@way.example.com", "owner_id": rep }))
            .await,
    )
    .await;
    let path = format!("/api/v1/leads/{}", lead["id"]);
    admin.patch(&path, &json!({ "status": "qualified" })).await;
    // The conversion writes the customer (and its event), then fails on the lead's owner.
    admin.patch(&format!("/api/v1/users/{rep}"), &json!({ "active": false })).await;
    let res = admin.post(&format!("{path}/convert"), &json!({})).await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert!(deliveries(&admin, hook).await.is_empty(), "the customer.created of the rolled-back conversion");
}

async fn a_failed_delivery_is_retried(b: Backend) {
    let rx = Receiver::start(1);
    let app = TestApp::spawn_with(b, allow_private).await;
    let admin = app.login_as(Role::Admin).await;
    let (hook, secret) = subscribe(&admin, &rx.url, json!(["customer.created"])).await;
    admin.create_customer(json!({ "name": "Retry Me" })).await;
    let ok = rx.wait_ok(1).await;
    verify(&secret, &ok[0]);
    let items = wait_deliveries(&admin, hook, |d| d.first().is_some_and(|x| x["status"] == "delivered")).await;
    assert_eq!(items[0]["attempts"], 2, "{items:?}");
    assert_eq!(items[0]["response_code"], 200);
    let got = rx.got.lock().unwrap().clone();
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].delivery, got[1].delivery, "the same delivery id on every attempt");
}

async fn repeated_failures_switch_the_webhook_off_until_redelivered(b: Backend) {
    let rx = Receiver::start(0);
    rx.failing.store(true, Ordering::SeqCst);
    let app = TestApp::spawn_with(b, |c| {
        allow_private(c);
        c.webhooks.max_attempts = 2;
        c.webhooks.disable_after = 2;
    })
    .await;
    let admin = app.login_as(Role::Admin).await;
    let (hook, secret) = subscribe(&admin, &rx.url, json!(["customer.created"])).await;
    admin.create_customer(json!({ "name": "One" })).await;
    admin.create_customer(json!({ "name": "Two" })).await;
    let items = wait_deliveries(&admin, hook, |d| d.len() == 2 && d.iter().all(|x| x["status"] == "failed")).await;
    for d in &items {
        assert_eq!((d["attempts"].clone(), d["response_code"].clone()), (json!(2), json!(500)), "{d}");
        assert!(d["last_error"].as_str().unwrap().contains("gave up after 2 attempts"), "{d}");
    }
    let path = format!("/api/v1/webhooks/{hook}");
    let (_, w) = read(admin.get(&path).await).await;
    assert_eq!(w["active"], false, "{w}");
    assert!(w["disabled_reason"].as_str().unwrap().contains("2 failed deliveries in a row"), "{w}");
    admin.create_customer(json!({ "name": "Three" })).await;
    assert_eq!(deliveries(&admin, hook).await.len(), 2, "nothing is queued for a switched-off webhook");
    let first = items.last().unwrap()["id"].as_i64().unwrap();
    let redeliver = format!("{path}/deliveries/{first}/redeliver");
    assert_problem(admin.post(&redeliver, &json!({})).await, StatusCode::CONFLICT, "conflict").await;

    rx.failing.store(false, Ordering::SeqCst);
    let (_, on) = read(admin.patch(&path, &json!({ "active": true })).await).await;
    assert_eq!((on["active"].clone(), on["disabled_reason"].clone()), (json!(true), Value::Null), "{on}");
    let (status, again) = read(admin.post(&redeliver, &json!({})).await).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{again}");
    assert_eq!((again["redelivery_of"].clone(), again["status"].clone()), (json!(first), json!("queued")));
    let ok = rx.wait_ok(1).await;
    verify(&secret, &ok[0]);
    assert_eq!(ok[0].delivery, again["id"].to_string());
    let original = rx.got.lock().unwrap().iter().find(|r| r.delivery == first.to_string()).cloned().unwrap();
    assert_eq!(ok[0].body, original.body, "the same event, the same body");
    wait_deliveries(&admin, hook, |d| d[0]["status"] == "delivered").await;
}

async fn a_private_target_is_refused_at_send_time(b: Backend) {
    use rapport_domain::entities::webhook;
    use sea_orm::{ActiveValue::Set, EntityTrait};
    let app = TestApp::spawn(b).await;
    let admin = app.login_as(Role::Admin).await;
    // Saved before the address became private (say, DNS changed): only the send-time check stands.
    let at = chrono::Utc::now().naive_utc();
    let id = webhook::Entity::insert(webhook::ActiveModel {
        url: Set("http://127.0.0.1:9/hook".into()),
        events: Set("[\"*\"]".into()),
        secret: Set("whsec_x".into()),
        active: Set(true),
        failure_streak: Set(0),
        created_at: Set(at),
        updated_at: Set(at),
        version: Set(1),
        ..Default::default()
    })
    .exec(&app.db)
    .await
    .unwrap()
    .last_insert_id;
    admin.create_customer(json!({ "name": "Nosy" })).await;
    let items = wait_deliveries(&admin, id, |d| d.first().is_some_and(|x| x["status"] == "failed")).await;
    assert_eq!(items[0]["attempts"], 1, "not retried: {items:?}");
    assert!(items[0]["last_error"].as_str().unwrap().contains("loopback"), "{items:?}");
}

async fn only_admins_manage_webhooks(b: Backend) {
    let app = TestApp::spawn(b).await;
    for role in [Role::Manager, Role::Sales, Role::Marketing, Role::Support] {
        let s = app.login_as(role).await;
        assert_problem(s.get("/api/v1/webhooks").await, StatusCode::FORBIDDEN, "forbidden").await;
        let body = json!({ "url": "https://93.184.216.34/h", "events": ["*"] });
        assert_problem(s.post("/api/v1/webhooks", &body).await, StatusCode::FORBIDDEN, "forbidden").await;
        assert_problem(s.get("/api/v1/webhooks/1/deliveries").await, StatusCode::FORBIDDEN, "forbidden").await;
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

backends!(
    webhook_crud_shows_the_secret_only_once,
    unknown_events_and_private_urls_are_refused,
    creating_a_customer_delivers_one_signed_event,
    a_rolled_back_change_leaves_no_event,
    a_failed_delivery_is_retried,
    repeated_failures_switch_the_webhook_off_until_redelivered,
    a_private_target_is_refused_at_send_time,
    only_admins_manage_webhooks,
);
