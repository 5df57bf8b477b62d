use rapport_domain::Role;
use rapport_tests::{TestApp, assert_problem, db_tests, read};
use reqwest::StatusCode;
use serde_json::json;

async fn activities_link_to_one_record_and_complete_once(app: TestApp) {
    let rep = app.login_as(Role::Sales).await;
    let c = rep.create_customer(json!({ "name": "Call Me" })).await;
    let (status, a) = read(rep.post("/api/v1/activities", &json!({ "kind": "call", "subject": "Intro call", "customer_id": c["id"], "due_at": "2030-01-01T09:00:00Z" })).await).await;
    assert_eq!(status, StatusCode::CREATED, "{a}");
    assert_eq!(a["owner_id"], rep.user_id);
    let res = rep.post("/api/v1/activities", &json!({ "kind": "call", "subject": "x" })).await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let res = rep.post("/api/v1/activities", &json!({ "kind": "fax", "subject": "x", "customer_id": c["id"] })).await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let path = format!("/api/v1/activities/{}/complete", a["id"]);
    let (status, done) = read(rep.post(&path, &json!({})).await).await;
    assert_eq!(status, StatusCode::OK);
    assert!(done["done_at"].is_string());
    assert_problem(rep.post(&path, &json!({})).await, StatusCode::CONFLICT, "conflict").await;
    let (_, timeline) = read(rep.get(&format!("/api/v1/customers/{}/timeline", c["id"])).await).await;
    let kinds: Vec<&str> = timeline.as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert!(kinds.contains(&"activity"), "{kinds:?}");
    let other = app.login_as(Role::Sales).await;
    assert_problem(other.get(&format!("/api/v1/activities/{}", a["id"])).await, StatusCode::NOT_FOUND, "not_found")
        .await;
    let res =
        other.post("/api/v1/activities", &json!({ "kind": "note", "subject": "x", "customer_id": c["id"] })).await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
}

async fn follow_ups_list_overdue_due_today_and_idle_records(app: TestApp) {
    let rep = app.login_as(Role::Sales).await;
    let c = rep.create_customer(json!({ "name": "Follow Co" })).await;
    let now = chrono::Utc::now();
    let overdue = (now - chrono::Duration::hours(30)).to_rfc3339();
    let later_today = (now.date_naive().and_hms_opt(23, 59, 59).unwrap().and_utc()).to_rfc3339();
    for (subject, due) in [
        ("Overdue call", overdue.as_str()),
        ("Today call", later_today.as_str()),
        ("Next year", "2099-01-01T00:00:00Z"),
    ] {
        let res = rep
            .post(
                "/api/v1/activities",
                &json!({ "kind": "call", "subject": subject, "customer_id": c["id"], "due_at": due }),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
    }
    let (_, lead) = read(rep.post("/api/v1/leads", &json!({ "name": "Quiet lead" })).await).await;
    // Nothing happened on the lead for 20 days.
    use rapport_domain::entities::lead;
    use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
    lead::Entity::update_many()
        .set(lead::ActiveModel {
            last_activity_at: Set((now - chrono::Duration::days(20)).naive_utc()),
            ..Default::default()
        })
        .filter(lead::Column::Id.eq(lead["id"].as_i64().unwrap()))
        .exec(&app.db)
        .await
        .unwrap();
    let (status, f) = read(rep.get("/api/v1/follow-ups").await).await;
    assert_eq!(status, StatusCode::OK, "{f}");
    assert_eq!(f["overdue"].as_array().unwrap().len(), 1);
    assert_eq!(f["overdue"][0]["subject"], "Overdue call");
    if now.time() < chrono::NaiveTime::from_hms_opt(23, 59, 0).unwrap() {
        assert_eq!(f["due_today"][0]["subject"], "Today call");
    }
    assert_eq!(f["idle_leads"][0]["id"], lead["id"]);
    let (_, f) = read(rep.get("/api/v1/follow-ups?idle_days=30").await).await;
    assert_eq!(f["idle_leads"].as_array().unwrap().len(), 0);
    // Logging a call on the lead makes it active again.
    rep.post("/api/v1/activities", &json!({ "kind": "call", "subject": "Woke it", "lead_id": lead["id"] })).await;
    let (_, f) = read(rep.get("/api/v1/follow-ups").await).await;
    assert_eq!(f["idle_leads"].as_array().unwrap().len(), 0);
    let other = app.login_as(Role::Sales).await;
    assert_problem(
        other.get(&format!("/api/v1/follow-ups?user_id={}", rep.user_id)).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let manager = app.login_as(Role::Manager).await;
    let (status, f) = read(manager.get(&format!("/api/v1/follow-ups?user_id={}", rep.user_id)).await).await;
    assert_eq!((status, f["overdue"].as_array().unwrap().len()), (StatusCode::OK, 1));
}

db_tests!(activities_link_to_one_record_and_complete_once, follow_ups_list_overdue_due_today_and_idle_records);
