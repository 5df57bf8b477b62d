use std::time::{Duration, Instant};

use rapport_domain::Role;
use rapport_tests::{Session, TestApp, assert_problem, db_tests, read};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A segment of the customers in `city`.
pub(crate) async fn segment(s: &Session<'_>, city: &str) -> i64 {
    let (status, body) =
        read(s.post("/api/v1/segments", &json!({ "name": city, "filter": { "city": city } })).await).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["id"].as_i64().unwrap()
}

/// A draft campaign; `extra` overrides the defaults (an email to `segment_id`).
pub(crate) async fn campaign(s: &Session<'_>, segment_id: i64, extra: Value) -> Value {
    let mut body = json!({
        "name": "Spring tea",
        "channel": "email",
        "segment_id": segment_id,
        "subject": "Hello {{first_name}}",
        "body": "Dear {{name}} in {{city}}, see https://shop.example/spring?src=mail\nUnsubscribe: {{unsubscribe_url}}",
    });
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    let (status, c) = read(s.post("/api/v1/campaigns", &body).await).await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    c
}

pub(crate) async fn launch(s: &Session<'_>, id: &Value) -> Value {
    let (status, c) = read(s.post(&format!("/api/v1/campaigns/{id}/launch"), &json!({})).await).await;
    assert_eq!(status, StatusCode::OK, "{c}");
    c
}

/// Waits until the campaign reaches `status` (panics after 20 s).
pub(crate) async fn wait_status(s: &Session<'_>, id: &Value, status: &str) -> Value {
    let start = Instant::now();
    loop {
        let (_, c) = read(s.get(&format!("/api/v1/campaigns/{id}")).await).await;
        if c["status"] == status {
            return c;
        }
        assert!(start.elapsed() < Duration::from_secs(20), "campaign {id} stayed {}: {c}", c["status"]);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

pub(crate) async fn outbox(s: &Session<'_>) -> Vec<Value> {
    let (status, page) = read(s.get("/api/v1/outbox?per_page=200").await).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page["items"].as_array().unwrap().clone()
}

async fn templates_are_checked_when_saved(app: TestApp) {
    let mk = app.login_as(Role::Marketing).await;
    let seg = segment(&mk, "Shenzhen").await;
    let bad =
        json!({ "name": "x", "channel": "email", "segment_id": seg, "subject": "Hi", "body": "Dear {{nickname}}" });
    let body =
        assert_problem(mk.post("/api/v1/campaigns", &bad).await, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed")
            .await;
    assert_eq!(body["errors"][0]["field"], "body");
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("{{nickname}}"), "{body}");
    let unclosed = json!({ "name": "x", "channel": "email", "subject": "Hi {{name", "body": "ok" });
    let body = assert_problem(
        mk.post("/api/v1/campaigns", &unclosed).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "subject");
    let no_subject = json!({ "name": "x", "channel": "email", "body": "ok" });
    assert_problem(
        mk.post("/api/v1/campaigns", &no_subject).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let bad_channel = json!({ "name": "x", "channel": "fax", "body": "ok" });
    assert_problem(
        mk.post("/api/v1/campaigns", &bad_channel).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let bad_money = json!({ "name": "x", "channel": "sms", "body": "ok", "budget": "12.345" });
    assert_problem(
        mk.post("/api/v1/campaigns", &bad_money).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;

    let c = campaign(&mk, seg, json!({ "budget": "5000", "cost": "1200.5", "goal": "200 orders", "goal_metric": "orders", "goal_target": "200" })).await;
    assert_eq!(c["status"], "draft");
    assert_eq!(c["attribution_days"], 14);
    assert_eq!(c["budget"], "5000.00");
    assert_eq!(c["cost"], "1200.50");
    let path = format!("/api/v1/campaigns/{}", c["id"]);
    let res = mk.patch(&path, &json!({ "body": "Hi {{unknown}}" })).await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let (_, same) = read(mk.get(&path).await).await;
    assert_eq!(same["body"], c["body"], "a refused change changes nothing");
    let (status, changed) =
        read(mk.patch(&path, &json!({ "body": "Hi {{ first_name }}", "budget": null })).await).await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(changed["budget"], Value::Null);
    assert_eq!(changed["version"], 2);

    let sales = app.login_as(Role::Sales).await;
    assert_problem(sales.post("/api/v1/campaigns", &bad).await, StatusCode::FORBIDDEN, "forbidden").await;
}

async fn launch_sends_one_message_per_reachable_customer(app: TestApp) {
    let m = app.login_as(Role::Manager).await;
    let mut ids = Vec::new();
    for (name, email) in [
        ("Li Lei", Some("li@example.com")),
        ("Han Meimei", Some("han@example.com")),
        ("Wang Fang", Some("wang@example.com")),
        ("Zhao Yun", None),
        ("Opted Out", Some("out@example.com")),
    ] {
        let c = m.create_customer(json!({ "name": name, "email": email, "city": "Hangzhou" })).await;
        ids.push(c["id"].as_i64().unwrap());
    }
    m.create_customer(json!({ "name": "Elsewhere", "email": "else@example.com", "city": "Beijing" })).await;
    let (status, opts) =
        read(m.post(&format!("/api/v1/customers/{}/opt-outs", ids[4]), &json!({ "channel": "email" })).await).await;
    assert_eq!(status, StatusCode::OK, "{opts}");
    assert_eq!(opts[0]["source"], "api");

    let mk = app.login_as(Role::Marketing).await;
    let seg = segment(&mk, "Hangzhou").await;
    let c = campaign(&mk, seg, json!({})).await;
    let launched = launch(&mk, &c["id"]).await;
    assert_eq!(launched["status"], "running");
    assert_eq!(launched["targeted"], 5);
    assert_eq!(launched["skipped_opt_out"], 1);
    assert_eq!(launched["skipped_no_address"], 1);
    let again = mk.post(&format!("/api/v1/campaigns/{}/launch", c["id"]), &json!({})).await;
    assert_problem(again, StatusCode::CONFLICT, "invalid_transition").await;

    let done = wait_status(&mk, &c["id"], "completed").await;
    assert_eq!(done["progress"], json!({ "queued": 0, "sent": 3, "failed": 0, "cancelled": 0 }));
    let sent = outbox(&mk).await;
    let mut to: Vec<&str> = sent.iter().map(|m| m["recipient"].as_str().unwrap()).collect();
    to.sort_unstable();
    assert_eq!(to, ["han@example.com", "li@example.com", "wang@example.com"]);
    let li = sent.iter().find(|m| m["recipient"] == "li@example.com").unwrap();
    assert_eq!(li["subject"], "Hello Li");
    let text = li["body"].as_str().unwrap();
    assert!(text.starts_with("Dear Li Lei in Hangzhou, see "), "{text}");
    assert!(text.contains("/t/c/") && text.contains("u=https%3A%2F%2Fshop.example%2Fspring%3Fsrc%3Dmail"), "{text}");
    assert!(text.contains("/t/u/"), "{text}");
    assert!(li["html"].as_str().unwrap().contains("/t/o/"), "the HTML part carries the open pixel");

    let (_, msgs) = read(mk.get(&format!("/api/v1/campaigns/{}/messages", c["id"])).await).await;
    assert_eq!(msgs["total"], 3);
    assert!(msgs["items"].as_array().unwrap().iter().all(|m| m["status"] == "sent" && m["attempts"] == 1));
    let (_, stats) = read(mk.get(&format!("/api/v1/campaigns/{}/stats", c["id"])).await).await;
    assert_eq!(
        (stats["targeted"].as_i64(), stats["skipped"].as_i64(), stats["sent"].as_i64()),
        (Some(5), Some(2), Some(3))
    );
    assert_eq!(stats["rates"]["delivery"], "1");

    // A later campaign still skips the opted-out customer; lifting the opt-out includes them again.
    assert_eq!(
        m.delete(&format!("/api/v1/customers/{}/opt-outs/email", ids[4])).await.status(),
        StatusCode::NO_CONTENT
    );
    let c2 = campaign(&mk, seg, json!({ "name": "Second" })).await;
    assert_eq!(launch(&mk, &c2["id"]).await["skipped_opt_out"], 0);
}

async fn test_send_renders_for_one_customer_and_is_not_counted(app: TestApp) {
    let m = app.login_as(Role::Manager).await;
    let cust = m.create_customer(json!({ "name": "Li Lei", "email": "li@example.com", "city": "Xi'an" })).await;
    let mk = app.login_as(Role::Marketing).await;
    let c = campaign(&mk, segment(&mk, "Xi'an").await, json!({})).await;
    let path = format!("/api/v1/campaigns/{}/test-send", c["id"]);
    let (status, r) = read(mk.post(&path, &json!({ "customer_id": cust["id"] })).await).await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(r["subject"], "Hello Li");
    assert!(r["text"].as_str().unwrap().starts_with("Dear Li Lei in Xi'an"));
    assert!(r["message_id"].is_null());
    assert!(outbox(&mk).await.is_empty());
    let res = mk.post(&path, &json!({ "customer_id": cust["id"], "to": "not-an-address" })).await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let (_, r) = read(mk.post(&path, &json!({ "customer_id": cust["id"], "to": "me@agency.example" })).await).await;
    assert!(r["message_id"].is_i64(), "{r}");
    let start = Instant::now();
    while outbox(&mk).await.is_empty() {
        assert!(start.elapsed() < Duration::from_secs(20), "the test message never arrived");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(outbox(&mk).await[0]["recipient"], "me@agency.example");
    let (_, c) = read(mk.get(&format!("/api/v1/campaigns/{}", c["id"])).await).await;
    assert_eq!(c["status"], "draft", "a test send does not launch");
    assert_eq!(c["progress"]["sent"], 0, "test messages are not counted");
}

async fn phone_campaigns_put_calls_on_the_owners_lists(app: TestApp) {
    let m = app.login_as(Role::Manager).await;
    let rep = app.login_as(Role::Sales).await;
    let owned = rep.create_customer(json!({ "name": "Owned", "phone": "+86 138 0000 0001", "city": "Wuhan" })).await;
    m.create_customer(json!({ "name": "Unowned", "phone": "+86 138 0000 0002", "city": "Wuhan" })).await;
    m.create_customer(json!({ "name": "No phone", "city": "Wuhan" })).await;
    let mk = app.login_as(Role::Marketing).await;
    let c = campaign(
        &mk,
        segment(&mk, "Wuhan").await,
        json!({ "channel": "phone", "subject": null, "body": "Call {{name}} about the spring tea." }),
    )
    .await;
    let launched = launch(&mk, &c["id"]).await;
    assert_eq!((launched["targeted"].as_i64(), launched["skipped_no_address"].as_i64()), (Some(3), Some(1)));
    wait_status(&mk, &c["id"], "completed").await;
    let (_, mine) = read(rep.get("/api/v1/activities?kind=call").await).await;
    let calls = mine["items"].as_array().unwrap();
    assert_eq!(calls.len(), 1, "{mine}");
    assert_eq!(calls[0]["customer_id"], owned["id"]);
    assert_eq!(calls[0]["body"], "Call Owned about the spring tea.");
    let (_, theirs) = read(mk.get("/api/v1/activities?kind=call").await).await;
    assert_eq!(
        theirs["items"].as_array().unwrap().len(),
        1,
        "the customer without an owner goes to the campaign's creator"
    );
    let done = rep
        .post(
            &format!("/api/v1/activities/{}/complete", calls[0]["id"]),
            &json!({ "outcome": "Reached; wants a quote" }),
        )
        .await;
    let (status, done) = read(done).await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(done["outcome"], "Reached; wants a quote");
    assert!(done["done_at"].is_string());
}

async fn scheduled_campaigns_launch_themselves_and_cancelled_ones_send_nothing(app: TestApp) {
    let m = app.login_as(Role::Manager).await;
    m.create_customer(json!({ "name": "A", "email": "a@example.com", "city": "Suzhou" })).await;
    let mk = app.login_as(Role::Marketing).await;
    let seg = segment(&mk, "Suzhou").await;
    let start = (chrono::Utc::now() + chrono::Duration::milliseconds(300)).to_rfc3339();
    let c = campaign(&mk, seg, json!({ "start_at": start })).await;
    let (status, s) = read(mk.post(&format!("/api/v1/campaigns/{}/schedule", c["id"]), &json!({})).await).await;
    assert_eq!(status, StatusCode::OK, "{s}");
    assert_eq!(s["status"], "scheduled");
    let done = wait_status(&mk, &c["id"], "completed").await;
    assert_eq!(done["targeted"], 1);
    assert!(done["launched_at"].is_string());

    let unscheduled = campaign(&mk, seg, json!({ "name": "No start" })).await;
    let res = mk.post(&format!("/api/v1/campaigns/{}/schedule", unscheduled["id"]), &json!({})).await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let (status, _) = read(mk.post(&format!("/api/v1/campaigns/{}/cancel", unscheduled["id"]), &json!({})).await).await;
    assert_eq!(status, StatusCode::OK);
    let res = mk.post(&format!("/api/v1/campaigns/{}/launch", unscheduled["id"]), &json!({})).await;
    assert_problem(res, StatusCode::CONFLICT, "invalid_transition").await;
    let (_, draft) =
        read(mk.post("/api/v1/campaigns", &json!({ "name": "d", "channel": "sms", "body": "x" })).await).await;
    assert_eq!(mk.delete(&format!("/api/v1/campaigns/{}", draft["id"])).await.status(), StatusCode::NO_CONTENT);
    let res = mk.delete(&format!("/api/v1/campaigns/{}", c["id"])).await;
    assert_problem(res, StatusCode::CONFLICT, "conflict").await;
}

async fn cancelling_a_running_campaign_drops_its_queued_messages(app: TestApp) {
    let m = app.login_as(Role::Manager).await;
    for i in 0..3 {
        m.create_customer(json!({ "name": format!("C{i}"), "email": format!("c{i}@example.com"), "city": "Ningbo" }))
            .await;
    }
    let mk = app.login_as(Role::Marketing).await;
    let c = campaign(&mk, segment(&mk, "Ningbo").await, json!({})).await;
    launch(&mk, &c["id"]).await;
    let (status, cancelled) = read(mk.post(&format!("/api/v1/campaigns/{}/cancel", c["id"]), &json!({})).await).await;
    assert_eq!(status, StatusCode::OK, "{cancelled}");
    assert_eq!(cancelled["status"], "cancelled");
    let (_, c) = read(mk.get(&format!("/api/v1/campaigns/{}", c["id"])).await).await;
    assert_eq!(c["progress"]["queued"], 0);
    assert_eq!(c["progress"]["cancelled"], 3);
    assert!(outbox(&mk).await.is_empty());
}

db_tests!(
    templates_are_checked_when_saved,
    launch_sends_one_message_per_reachable_customer,
    test_send_renders_for_one_customer_and_is_not_counted,
    phone_campaigns_put_calls_on_the_owners_lists,
    scheduled_campaigns_launch_themselves_and_cancelled_ones_send_nothing,
);

mod no_worker {
    use super::*;
    use rapport_tests::Backend;

    async fn spawn(b: Backend) -> TestApp {
        TestApp::spawn_with(b, |c| c.delivery.worker = false).await
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn cancelling_drops_queued_messages_sqlite() {
        cancelling_a_running_campaign_drops_its_queued_messages(spawn(Backend::Sqlite).await).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn cancelling_drops_queued_messages_postgres() {
        cancelling_a_running_campaign_drops_its_queued_messages(spawn(Backend::Postgres).await).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn cancelling_drops_queued_messages_mysql() {
        cancelling_a_running_campaign_drops_its_queued_messages(spawn(Backend::Mysql).await).await;
    }
}
