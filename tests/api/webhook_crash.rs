//! A server killed in the middle of webhook delivery: after a restart every event
//! arrives, and only a delivery in flight at the crash may arrive twice — with the
//! same `X-Rapport-Delivery`, so receivers drop the repeat.
use std::collections::HashMap;
use std::time::{Duration, Instant};

use rapport_domain::Role;
use rapport_tests::outreach::ServerProcess;
use rapport_tests::{Backend, TestApp};
use serde_json::json;

use super::webhooks::{Receiver, allow_private, subscribe, verify, wait_deliveries};

async fn a_crash_mid_delivery_loses_no_event_and_repeats_at_most_those_in_flight(b: Backend) {
    const N: usize = 20;
    let rx = Receiver::start_slow(0, 150);
    // This server only takes requests; a separate process (killed below) delivers.
    let app = TestApp::spawn_with(b, |c| {
        allow_private(c);
        c.webhooks.worker = false;
    })
    .await;
    let admin = app.login_as(Role::Admin).await;
    let (hook, secret) = subscribe(&admin, &rx.url, json!(["customer.created"])).await;
    for i in 0..N {
        admin.create_customer(json!({ "name": format!("Hooked {i}") })).await;
    }
    let env = [
        ("RAPPORT_ALLOW_PRIVATE_WEBHOOKS", "1".to_owned()),
        ("RAPPORT_DELIVERY_WORKER", "off".to_owned()),
        ("RAPPORT_WEBHOOK_POLL_MS", "100".to_owned()),
        ("RAPPORT_WEBHOOK_TIMEOUT_MS", "1000".to_owned()),
        ("RAPPORT_WEBHOOK_LEASE_SECS", "2".to_owned()),
    ];
    let first = ServerProcess::start(app.database_url(), &env);
    let start = Instant::now();
    while rx.got.lock().unwrap().len() < N / 3 {
        assert!(start.elapsed() < Duration::from_secs(60), "the first server delivered nothing");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    first.kill();
    let before_restart = rx.ok.lock().unwrap().len();
    assert!(before_restart < N, "the crash came mid-delivery ({before_restart} of {N} answered)");

    let _second = ServerProcess::start(app.database_url(), &env);
    let items = wait_deliveries(&admin, hook, |d| d.len() == N && d.iter().all(|x| x["status"] == "delivered")).await;
    assert_eq!(items.len(), N);
    let got = rx.got.lock().unwrap().clone();
    let mut per_delivery: HashMap<String, usize> = HashMap::new();
    for r in &got {
        verify(&secret, r);
        assert_eq!(r.event, "customer.created");
        *per_delivery.entry(r.delivery.clone()).or_default() += 1;
    }
    assert_eq!(per_delivery.len(), N, "every event arrived");
    let repeated: Vec<_> = per_delivery.iter().filter(|(_, n)| **n > 1).collect();
    assert!(repeated.len() <= 1 && got.len() <= N + 1, "only the delivery in flight may repeat: {per_delivery:?}");
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

backends!(a_crash_mid_delivery_loses_no_event_and_repeats_at_most_those_in_flight);
