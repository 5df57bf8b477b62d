//! Tracking (opens, clicks, unsubscribes) and last-touch attribution with ROI.

use rapport_domain::Role;
use rapport_tests::{Session, TestApp, assert_problem, db_tests, read};
use reqwest::{Method, StatusCode};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

use crate::campaigns::{campaign, launch, outbox, segment, wait_status};

/// The tracking token in a delivered message to `to`.
async fn token(s: &Session<'_>, to: &str, campaign_subject: &str) -> String {
    let msgs = outbox(s).await;
    let m = msgs.iter().find(|m| m["recipient"] == to && m["subject"] == campaign_subject).unwrap();
    let html = m["html"].as_str().unwrap();
    let start = html.find("/t/o/").unwrap() + 5;
    html[start..].split(".gif").next().unwrap().to_owned()
}

async fn order(s: &Session<'_>, customer: &Value, product: &Value, qty: u32) -> Value {
    let body = json!({ "customer_id": customer["id"], "lines": [{ "product_id": product["id"], "quantity": qty.to_string() }] });
    let (status, o) = read(s.post("/api/v1/orders", &body).await).await;
    assert_eq!(status, StatusCode::CREATED, "{o}");
    o
}

fn num(v: &Value) -> f64 {
    v.as_str().unwrap().parse().unwrap()
}

async fn opens_clicks_and_last_touch_attribution_give_the_roi(app: TestApp) {
    let m = app.login_as(Role::Manager).await;
    let (_, tea) =
        read(m.post("/api/v1/products", &json!({ "sku": "TEA", "name": "Tea", "price": "100.00" })).await).await;
    let c1 = m.create_customer(json!({ "name": "One", "email": "one@example.com", "city": "Jinan" })).await;
    let c2 = m.create_customer(json!({ "name": "Two", "email": "two@example.com", "city": "Jinan" })).await;
    let c3 = m.create_customer(json!({ "name": "Three", "email": "three@example.com", "city": "Jinan" })).await;
    let outsider = m.create_customer(json!({ "name": "Out", "email": "out@example.com", "city": "Qingdao" })).await;
    let mk = app.login_as(Role::Marketing).await;
    let seg = segment(&mk, "Jinan").await;
    let a =
        campaign(&mk, seg, json!({ "subject": "A", "cost": "100.00", "goal_metric": "revenue", "goal_target": "500" }))
            .await;
    launch(&mk, &a["id"]).await;
    wait_status(&mk, &a["id"], "completed").await;

    // Tracking: a pixel always answers; a click goes only to the message's own link.
    let t1 = token(&mk, "one@example.com", "A").await;
    let pixel = app.request(Method::GET, &format!("/t/o/{t1}.gif")).send().await.unwrap();
    assert_eq!(pixel.status(), StatusCode::OK);
    assert_eq!(pixel.headers()["content-type"], "image/gif");
    assert_eq!(app.request(Method::GET, "/t/o/nonsense.gif").send().await.unwrap().status(), StatusCode::OK);
    let link = "https%3A%2F%2Fshop.example%2Fspring%3Fsrc%3Dmail";
    let click = app.request(Method::GET, &format!("/t/c/{t1}?u={link}")).send().await.unwrap();
    assert_eq!(click.status(), StatusCode::FOUND);
    assert_eq!(click.headers()["location"], "https://shop.example/spring?src=mail");
    let evil = app.request(Method::GET, &format!("/t/c/{t1}?u=https%3A%2F%2Fevil.example")).send().await.unwrap();
    assert_problem(evil, StatusCode::NOT_FOUND, "not_found").await;

    // Unsubscribing from the email records an email opt-out.
    let t2 = token(&mk, "two@example.com", "A").await;
    let page = app.request(Method::GET, &format!("/t/u/{t2}")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains("emails"));
    let (_, opts) = read(m.get(&format!("/api/v1/customers/{}/opt-outs", c2["id"])).await).await;
    assert_eq!(opts[0]["channel"], "email");
    assert_eq!(opts[0]["source"], "unsubscribe_link");

    // Orders: c1's counts (200.00); c2's is cancelled; the outsider was never targeted.
    order(&m, &c1, &tea, 2).await;
    let cancelled = order(&m, &c2, &tea, 5).await;
    m.post(&format!("/api/v1/orders/{}/status", cancelled["id"]), &json!({ "status": "cancelled" })).await;
    order(&m, &outsider, &tea, 9).await;
    let (_, s) = read(mk.get(&format!("/api/v1/campaigns/{}/stats", a["id"])).await).await;
    assert_eq!((s["sent"].as_i64(), s["opened"].as_i64(), s["clicked"].as_i64()), (Some(3), Some(1), Some(1)), "{s}");
    assert_eq!((s["converted"].as_i64(), s["orders"].as_i64()), (Some(1), Some(1)), "{s}");
    assert_eq!(s["revenue"], "200.00");
    assert_eq!(s["cost"], "100.00");
    assert_eq!(num(&s["roi"]), 1.0, "(200 − 100) / 100");
    assert_eq!(num(&s["goal"]["progress"]), 0.4);
    assert_eq!(num(&s["rates"]["open"]), 0.3333);
    let today = s["by_day"][0].clone();
    assert_eq!(
        (today["opened"].as_i64(), today["clicked"].as_i64(), today["converted"].as_i64()),
        (Some(1), Some(1), Some(1))
    );

    // A later campaign B takes c1's next order (last touch). B's message to c3 is made to
    // look 20 days old with its 14-day window closed, so c3's order falls back to A.
    let b = campaign(&mk, seg, json!({ "name": "B", "subject": "B", "cost": "50.00" })).await;
    launch(&mk, &b["id"]).await;
    wait_status(&mk, &b["id"], "completed").await;
    let backdate = format!(
        "UPDATE campaign_messages SET sent_at = {p}, attribute_until = {q} WHERE campaign_id = {} AND customer_id = {}",
        b["id"],
        c3["id"],
        p = past(&app, 20),
        q = past(&app, 6),
    );
    app.db.execute_raw(Statement::from_string(app.db.get_database_backend(), backdate)).await.unwrap();
    order(&m, &c1, &tea, 1).await;
    order(&m, &c3, &tea, 3).await;
    let (_, cmp) = read(mk.get(&format!("/api/v1/campaigns/compare?ids={},{}", a["id"], b["id"])).await).await;
    assert_eq!(cmp[0]["revenue"], "500.00", "A: c1's first order and c3's: {cmp}");
    assert_eq!(cmp[1]["revenue"], "100.00", "B: c1's second order");
    assert_eq!(num(&cmp[1]["roi"]), 1.0);
    assert_eq!(num(&cmp[0]["goal"]["progress"]), 1.0);
    assert_problem(
        mk.get("/api/v1/campaigns/compare?ids=1,x").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;

    // The dashboard shows both campaigns' return; sales reps do not see marketing.
    let day = chrono::Utc::now().date_naive();
    let q = format!(
        "/api/v1/analytics/dashboard?from={}&to={}",
        day - chrono::Duration::days(1),
        day + chrono::Duration::days(1)
    );
    let (status, dash) = read(mk.get(&q).await).await;
    assert_eq!(status, StatusCode::OK, "{dash}");
    let roi: Vec<(&str, &str)> = dash["campaigns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["name"].as_str().unwrap(), c["revenue"].as_str().unwrap()))
        .collect();
    assert_eq!(roi, [("B", "100.00"), ("Spring tea", "500.00")], "newest first: {dash}");
    let sales = app.login_as(Role::Sales).await;
    let (_, dash) = read(sales.get(&q).await).await;
    assert!(dash.get("campaigns").is_none_or(Value::is_null), "{dash}");

    // The messages show on the customer's timeline.
    let (_, tl) = read(m.get(&format!("/api/v1/customers/{}/timeline", c1["id"])).await).await;
    let kinds: Vec<&str> = tl.as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds.iter().filter(|k| **k == "campaign_message").count(), 2, "{tl}");
}

/// A timestamp `days` ago, as SQL for the backend.
fn past(app: &TestApp, days: i64) -> String {
    let t = (chrono::Utc::now() - chrono::Duration::days(days)).naive_utc().format("%Y-%m-%d %H:%M:%S%.6f");
    match app.backend {
        rapport_tests::Backend::Postgres => format!("TIMESTAMP '{t}'"),
        _ => format!("'{t}'"),
    }
}

db_tests!(opens_clicks_and_last_touch_attribution_give_the_roi);
