//! Delivery to real receivers: an SMTP server, an HTTP SMS gateway, and a crash of the
//! server process in the middle of a campaign.

use std::collections::HashMap;
use std::time::Duration;

use rapport_domain::Role;
use rapport_tests::outreach::{ServerProcess, SmsGateway, SmtpSink, header};
use rapport_tests::{Backend, TestApp, read};
use reqwest::StatusCode;
use serde_json::json;

use crate::campaigns::{campaign, launch, segment, wait_status};

async fn email_reaches_a_real_smtp_server_after_a_temporary_refusal(b: Backend) {
    let sink = SmtpSink::start(1, 0);
    let url = sink.url();
    let app = TestApp::spawn_with(b, |c| c.delivery.smtp_url = Some(url)).await;
    let m = app.login_as(Role::Manager).await;
    for (name, email) in [("Li Lei", "li@example.com"), ("Han Meimei", "han@example.com")] {
        m.create_customer(json!({ "name": name, "email": email, "city": "Chengdu" })).await;
    }
    let mk = app.login_as(Role::Marketing).await;
    let c = campaign(&mk, segment(&mk, "Chengdu").await, json!({ "subject": "春茶 for {{first_name}}" })).await;
    launch(&mk, &c["id"]).await;
    let done = wait_status(&mk, &c["id"], "completed").await;
    assert_eq!(done["progress"]["sent"], 2, "{done}");
    let got = sink.messages();
    assert_eq!(got.len(), 2, "one refusal, then each message once");
    let li = got.iter().find(|m| header(m, "X-Envelope-To").as_deref() == Some("li@example.com")).unwrap();
    assert!(header(li, "Message-ID").unwrap().ends_with("@rapport>"), "{li}");
    assert!(header(li, "List-Unsubscribe").unwrap().contains("/t/u/"), "{li}");
    assert_eq!(header(li, "List-Unsubscribe-Post").as_deref(), Some("List-Unsubscribe=One-Click"));
    assert!(header(li, "Subject").unwrap().starts_with("=?utf-8?"), "non-ASCII subjects are encoded: {li}");
    assert!(header(li, "Content-Type").unwrap().starts_with("multipart/alternative"), "{li}");
    assert!(li.contains("Dear Li Lei in Chengdu"), "{li}");
    let (_, msgs) = read(mk.get(&format!("/api/v1/campaigns/{}/messages", c["id"])).await).await;
    let attempts: Vec<i64> =
        msgs["items"].as_array().unwrap().iter().map(|m| m["attempts"].as_i64().unwrap()).collect();
    assert_eq!(attempts, [2, 1], "the first message was retried once");
    assert!(
        mk.get("/api/v1/outbox").await.json::<serde_json::Value>().await.unwrap()["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

async fn sms_go_through_the_gateway_and_stop_replies_opt_out(b: Backend) {
    let gateway = SmsGateway::start(1);
    let url = gateway.url.clone();
    let app = TestApp::spawn_with(b, |c| c.delivery.sms_webhook_url = Some(url)).await;
    let m = app.login_as(Role::Manager).await;
    m.create_customer(json!({ "name": "A", "phone": "+8613800000001", "city": "Xiamen" })).await;
    let stopper = m.create_customer(json!({ "name": "B", "phone": "+8613800000002", "city": "Xiamen" })).await;
    let mk = app.login_as(Role::Marketing).await;
    let seg = segment(&mk, "Xiamen").await;
    let c = campaign(&mk, seg, json!({ "channel": "sms", "subject": null, "body": "Hi {{name}}: https://shop.example/x Reply STOP to opt out" })).await;
    launch(&mk, &c["id"]).await;
    wait_status(&mk, &c["id"], "completed").await;
    let got = gateway.received.lock().unwrap().clone();
    assert_eq!(got.len(), 2, "{got:?}");
    let mut to: Vec<&str> = got.iter().map(|v| v["to"].as_str().unwrap()).collect();
    to.sort_unstable();
    assert_eq!(to, ["+8613800000001", "+8613800000002"]);
    assert!(got.iter().all(|v| v["message_id"].as_str().unwrap().ends_with("@rapport")));
    assert!(got.iter().all(|v| v["body"].as_str().unwrap().contains("/t/c/")), "links are tracked: {got:?}");

    let (status, r) =
        read(mk.post("/api/v1/sms/replies", &json!({ "from": "+8613800000002", "body": " stop " })).await).await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(r, json!({ "stop": true, "customer_ids": [stopper["id"]] }));
    let (_, r) =
        read(mk.post("/api/v1/sms/replies", &json!({ "from": "+8613800000001", "body": "thanks!" })).await).await;
    assert_eq!(r["stop"], false);
    let c2 =
        campaign(&mk, seg, json!({ "name": "Again", "channel": "sms", "subject": null, "body": "Hi again" })).await;
    assert_eq!(launch(&mk, &c2["id"]).await["skipped_opt_out"], 1);
}

async fn a_crash_mid_batch_loses_nothing_and_repeats_at_most_the_message_in_flight(b: Backend) {
    const N: usize = 40;
    let sink = SmtpSink::start(0, 60);
    // This server only takes requests; a separate process (killed below) delivers.
    let app = TestApp::spawn_with(b, |c| c.delivery.worker = false).await;
    let m = app.login_as(Role::Manager).await;
    for i in 0..N {
        m.create_customer(json!({ "name": format!("C{i}"), "email": format!("c{i}@example.com"), "city": "Dalian" }))
            .await;
    }
    let mk = app.login_as(Role::Marketing).await;
    let c = campaign(&mk, segment(&mk, "Dalian").await, json!({})).await;
    launch(&mk, &c["id"]).await;
    let env = [
        ("RAPPORT_SMTP_URL", sink.url()),
        ("RAPPORT_DELIVERY_POLL_MS", "100".to_owned()),
        ("RAPPORT_DELIVERY_LEASE_SECS", "2".to_owned()),
    ];
    let first = ServerProcess::start(app.database_url(), &env);
    sink.wait_for(N / 3, Duration::from_secs(60)).await;
    first.kill();
    let before_restart = sink.messages().len();
    assert!(before_restart < N, "the crash came mid-campaign ({before_restart} of {N} delivered)");
    let _second = ServerProcess::start(app.database_url(), &env);
    wait_status(&mk, &c["id"], "completed").await;
    let got = sink.messages();
    let mut per_id: HashMap<String, usize> = HashMap::new();
    for msg in &got {
        *per_id.entry(header(msg, "Message-ID").unwrap()).or_default() += 1;
    }
    assert_eq!(per_id.len(), N, "every message delivered");
    let repeated = per_id.values().filter(|n| **n > 1).count();
    assert!(
        repeated <= 1 && got.len() <= N + 1,
        "only the message in flight may repeat, with its Message-ID: {per_id:?}"
    );
    let (_, done) = read(mk.get(&format!("/api/v1/campaigns/{}", c["id"])).await).await;
    assert_eq!(done["progress"]["sent"], N);
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
    email_reaches_a_real_smtp_server_after_a_temporary_refusal,
    sms_go_through_the_gateway_and_stop_replies_opt_out,
    a_crash_mid_batch_loses_nothing_and_repeats_at_most_the_message_in_flight,
);
