//! Service requests: assignment, status table, SLA, statistics, roles.

use rapport_domain::Role;
use rapport_tests::{Session, TestApp, assert_problem, db_tests, read};
use reqwest::{Method, StatusCode};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

pub(crate) async fn open_request(s: &Session<'_>, body: Value) -> Value {
    let (status, r) = read(s.post("/api/v1/service-requests", &body).await).await;
    assert_eq!(status, StatusCode::CREATED, "{r}");
    r
}

pub(crate) async fn move_to(s: &Session<'_>, id: &Value, status: &str) -> (StatusCode, Value) {
    read(s.post(&format!("/api/v1/service-requests/{id}/status"), &json!({ "status": status })).await).await
}

async fn assignment_is_fair_under_parallel_creates(app: TestApp) {
    let mut agents = Vec::new();
    for _ in 0..3 {
        agents.push(app.create_user(Role::Support).await.0);
    }
    let manager = app.login_as(Role::Manager).await;
    let c = manager.create_customer(json!({ "name": "Busy Customer" })).await;
    let creates = (0..12).map(|i| {
        manager
            .request(Method::POST, "/api/v1/service-requests")
            .json(&json!({ "customer_id": c["id"], "subject": format!("Problem {i}"), "channel": "phone" }))
            .send()
    });
    let mut per_agent = std::collections::HashMap::new();
    for r in futures_util::future::join_all(creates).await {
        let (status, body) = read(r.unwrap()).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(body["status"], "assigned");
        *per_agent.entry(body["assignee_id"].as_i64().unwrap()).or_insert(0) += 1;
    }
    let counts: Vec<i32> = agents.iter().map(|a| per_agent.get(a).copied().unwrap_or(0)).collect();
    assert_eq!(counts, vec![4, 4, 4], "12 requests over 3 idle agents: {per_agent:?}");
    // The agent with the fewest open requests gets the next one.
    let first = agents[0];
    let (_, list) = read(manager.get(&format!("/api/v1/service-requests?assignee_id={first}")).await).await;
    let done = &list["items"][0]["id"];
    move_to(&manager, done, "resolved").await;
    let next = open_request(&manager, json!({ "customer_id": c["id"], "subject": "Next", "channel": "web" })).await;
    assert_eq!(next["assignee_id"], first);
}

async fn every_status_move_follows_the_table(app: TestApp) {
    let manager = app.login_as(Role::Manager).await;
    let c = manager.create_customer(json!({ "name": "Transition Co" })).await;
    // No support agent yet: the request stays open and cannot jump ahead.
    let r =
        open_request(&manager, json!({ "customer_id": c["id"], "subject": "Unassigned", "channel": "email" })).await;
    assert_eq!((r["status"].as_str(), r["assignee_id"].is_null()), (Some("open"), true));
    for illegal in ["in_progress", "resolved", "closed"] {
        let (status, body) = move_to(&manager, &r["id"], illegal).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::CONFLICT, Some("invalid_transition")),
            "open → {illegal}"
        );
    }
    let (_, unassigned) = read(manager.get("/api/v1/service-requests?assigned=false").await).await;
    assert_eq!(unassigned["items"][0]["id"], r["id"], "{unassigned}");
    let (agent, _) = app.create_user(Role::Support).await;
    let (status, r2) = read(
        manager.post(&format!("/api/v1/service-requests/{}/assign", r["id"]), &json!({ "assignee_id": agent })).await,
    )
    .await;
    assert_eq!((status, r2["status"].as_str()), (StatusCode::OK, Some("assigned")));
    // The unassigned queue: `assigned=false` lists requests nobody has yet.
    let waiting =
        open_request(&manager, json!({ "customer_id": c["id"], "subject": "Waiting", "channel": "web" })).await;
    assert_eq!(waiting["assignee_id"], agent, "auto-assigned now that an agent exists");
    let (_, unassigned) = read(manager.get("/api/v1/service-requests?assigned=false").await).await;
    assert_eq!(unassigned["items"].as_array().unwrap().len(), 0, "{unassigned}");
    let (_, assigned) = read(manager.get("/api/v1/service-requests?assigned=true").await).await;
    assert_eq!(assigned["items"].as_array().unwrap().len(), 2, "{assigned}");
    let id = &r["id"];
    let legal = ["in_progress", "resolved", "closed", "in_progress", "resolved", "in_progress", "resolved"];
    for next in legal {
        let (status, body) = move_to(&manager, id, next).await;
        assert_eq!(status, StatusCode::OK, "→ {next}: {body}");
        assert_eq!(body["status"], next);
    }
    for (from_path, illegal) in [("resolved", "assigned"), ("resolved", "open")] {
        let (status, body) = move_to(&manager, id, illegal).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::CONFLICT, Some("invalid_transition")),
            "{from_path} → {illegal}"
        );
    }
    move_to(&manager, id, "closed").await;
    let (status, _) = move_to(&manager, id, "resolved").await;
    assert_eq!(status, StatusCode::CONFLICT, "closed → resolved");
    let (status, body) = move_to(&manager, id, "done").await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("validation_failed")));
    let (_, timeline) = read(manager.get(&format!("/api/v1/service-requests/{id}/timeline")).await).await;
    let kinds: Vec<&str> = timeline.as_array().unwrap().iter().map(|u| u["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds.iter().filter(|k| **k == "status").count(), legal.len() + 1);
    assert_eq!(kinds[0], "created");
    assert!(kinds.contains(&"assignment"));
}

async fn sla_due_times_and_overdue_filter(app: TestApp) {
    app.create_user(Role::Support).await;
    let manager = app.login_as(Role::Manager).await;
    let c = manager.create_customer(json!({ "name": "SLA Co" })).await;
    let now = chrono::Utc::now();
    let five_hours_ago = (now - chrono::Duration::hours(5)).to_rfc3339();
    let late = open_request(&manager, json!({ "customer_id": c["id"], "subject": "Down!", "channel": "phone", "priority": "urgent", "request_date": five_hours_ago })).await;
    let due: chrono::DateTime<chrono::Utc> = late["due_at"].as_str().unwrap().parse().unwrap();
    let requested: chrono::DateTime<chrono::Utc> = late["request_date"].as_str().unwrap().parse().unwrap();
    assert_eq!(due - requested, chrono::Duration::hours(4), "urgent: 4 hours");
    assert_eq!(late["sla"]["breached"], true);
    assert!((-3700..=-3500).contains(&late["sla"]["seconds_left"].as_i64().unwrap()), "{late}");
    let fine = open_request(
        &manager,
        json!({ "customer_id": c["id"], "subject": "Question", "channel": "chat", "priority": "high" }),
    )
    .await;
    assert_eq!(fine["sla"]["breached"], false);
    assert!((28_700..=28_800).contains(&fine["sla"]["seconds_left"].as_i64().unwrap()));
    let (_, overdue) = read(manager.get("/api/v1/service-requests?overdue=true").await).await;
    assert_eq!(overdue["total"], 1);
    assert_eq!(overdue["items"][0]["id"], late["id"]);
    let soon = (now + chrono::Duration::hours(1)).to_rfc3339().replace('+', "%2B");
    let (_, due_soon) = read(manager.get(&format!("/api/v1/service-requests?due_before={soon}")).await).await;
    assert_eq!(due_soon["total"], 1);
    let res = manager
        .request(Method::PUT, "/api/v1/settings/service")
        .json(&json!({ "sla_hours": { "low": 96, "normal": 12, "high": 6, "urgent": 2 }, "support_own_only": false }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let faster = open_request(
        &manager,
        json!({ "customer_id": c["id"], "subject": "New rules", "channel": "web", "priority": "urgent" }),
    )
    .await;
    assert!((7100..=7200).contains(&faster["sla"]["seconds_left"].as_i64().unwrap()), "{faster}");
    let res = manager
        .request(Method::PUT, "/api/v1/settings/service")
        .json(&json!({ "sla_hours": { "low": 0, "normal": 12, "high": 6, "urgent": 2 }, "support_own_only": false }))
        .send()
        .await
        .unwrap();
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let tomorrow = (now + chrono::Duration::days(1)).to_rfc3339();
    let res = manager
        .post(
            "/api/v1/service-requests",
            &json!({ "customer_id": c["id"], "subject": "x", "channel": "web", "request_date": tomorrow }),
        )
        .await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
}

async fn stats_match_hand_computed_figures(app: TestApp) {
    let (agent, _) = app.create_user(Role::Support).await;
    let manager = app.login_as(Role::Manager).await;
    let c = manager.create_customer(json!({ "name": "Stats Co" })).await;
    let mut ids = Vec::new();
    for (subject, priority) in [("a", "high"), ("b", "low"), ("c", "high")] {
        ids.push(
            open_request(
                &manager,
                json!({ "customer_id": c["id"], "subject": subject, "channel": "phone", "priority": priority }),
            )
            .await["id"]
                .as_i64()
                .unwrap(),
        );
    }
    use rapport_domain::entities::service_request;
    let t = |s: &str| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap();
    let fixtures = [
        (
            ids[0],
            t("2026-01-10 09:00:00"),
            Some(t("2026-01-10 09:10:00")),
            Some(t("2026-01-10 10:00:00")),
            Some(5),
            "resolved",
        ),
        (
            ids[1],
            t("2026-01-20 09:00:00"),
            Some(t("2026-01-20 09:20:00")),
            Some(t("2026-01-20 11:00:00")),
            Some(3),
            "closed",
        ),
        (ids[2], t("2026-02-03 09:00:00"), Some(t("2026-02-03 09:05:00")), None, None, "in_progress"),
    ];
    for (id, requested, first, resolved, rating, status) in fixtures {
        service_request::Entity::update_many()
            .set(service_request::ActiveModel {
                request_date: Set(requested),
                due_at: Set(requested + chrono::Duration::hours(8)),
                first_response_at: Set(first),
                resolved_at: Set(resolved),
                rating: Set(rating),
                status: Set(status.to_owned()),
                ..Default::default()
            })
            .filter(service_request::Column::Id.eq(id))
            .exec(&app.db)
            .await
            .unwrap();
    }
    let (status, s) =
        read(manager.get("/api/v1/service-requests/stats?from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z").await)
            .await;
    assert_eq!(status, StatusCode::OK, "{s}");
    let total = &s["total"];
    assert_eq!(
        (total["requests"].as_u64(), total["open"].as_u64(), total["overdue"].as_u64(), total["resolved"].as_u64()),
        (Some(3), Some(1), Some(1), Some(2))
    );
    assert_eq!(total["avg_first_response_seconds"], 700.0, "(600 + 1200 + 300) / 3");
    assert_eq!(total["avg_resolution_seconds"], 5400.0, "(3600 + 7200) / 2");
    assert_eq!(total["csat_average"], 4.0);
    assert_eq!(total["distribution"], json!([0, 0, 1, 0, 1]));
    assert_eq!(s["by_agent"][0]["agent_id"], agent);
    let months: Vec<&str> = s["by_month"].as_array().unwrap().iter().map(|m| m["key"].as_str().unwrap()).collect();
    assert_eq!(months, vec!["2026-01", "2026-02"]);
    assert_eq!(s["by_month"][0]["csat_average"], 4.0);
    let prios: Vec<&str> = s["by_priority"].as_array().unwrap().iter().map(|m| m["key"].as_str().unwrap()).collect();
    assert_eq!(prios, vec!["low", "high"]);
    assert_eq!(s["by_priority"][1]["requests"], 2);
    // The dashboard aggregates the same figures in the database: they must agree.
    let (status, d) = read(manager.get("/api/v1/analytics/dashboard?from=2026-01-01&to=2026-03-01").await).await;
    assert_eq!(status, StatusCode::OK, "{d}");
    assert_eq!(
        d["service"],
        json!({"open": 1, "overdue": 1, "avg_resolution_seconds": 5400.0, "csat_average": 4.0}),
        "dashboard service glance = stats total"
    );
    let (_, none) =
        read(manager.get("/api/v1/service-requests/stats?from=2025-01-01T00:00:00Z&to=2025-02-01T00:00:00Z").await)
            .await;
    assert_eq!(none["total"]["requests"], 0);
    assert!(none["total"]["csat_average"].is_null());
}

async fn roles_and_visibility_of_service_requests(app: TestApp) {
    let (agent_a, _) = app.create_user(Role::Support).await;
    let rep = app.login_as(Role::Sales).await;
    let mine = rep.create_customer(json!({ "name": "Rep's customer" })).await;
    let manager = app.login_as(Role::Manager).await;
    let other = manager.create_customer(json!({ "name": "Someone else's" })).await;
    let r1 = open_request(&manager, json!({ "customer_id": mine["id"], "subject": "rep's", "channel": "email" })).await;
    let r2 =
        open_request(&manager, json!({ "customer_id": other["id"], "subject": "other", "channel": "email" })).await;
    let (_, list) = read(rep.get("/api/v1/service-requests").await).await;
    assert_eq!(list["total"], 1, "sales see their customers' requests");
    assert_eq!(list["items"][0]["id"], r1["id"]);
    assert_problem(
        rep.get(&format!("/api/v1/service-requests/{}", r2["id"])).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let (status, _) = move_to(&rep, &r1["id"], "in_progress").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "read-only for sales");
    let (_, by_customer) = read(rep.get(&format!("/api/v1/customers/{}/service-requests", mine["id"])).await).await;
    assert_eq!(by_customer["total"], 1);
    assert_problem(
        rep.get(&format!("/api/v1/customers/{}/service-requests", other["id"])).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    // Support agents see all requests until the setting limits them to their own.
    let support = app.login_as(Role::Support).await;
    let (_, all) = read(support.get("/api/v1/service-requests").await).await;
    assert_eq!(all["total"], 2);
    let res = manager
        .request(Method::PUT, "/api/v1/settings/service")
        .json(&json!({ "sla_hours": { "low": 72, "normal": 24, "high": 8, "urgent": 4 }, "support_own_only": true }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let (_, own) = read(support.get("/api/v1/service-requests").await).await;
    assert_eq!(own["total"], 0, "the new agent was assigned nothing");
    let res = support
        .post(&format!("/api/v1/service-requests/{}/assign", r1["id"]), &json!({ "assignee_id": support.user_id }))
        .await;
    assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    let res = manager
        .post(&format!("/api/v1/service-requests/{}/assign", r1["id"]), &json!({ "assignee_id": support.user_id }))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let (_, own) = read(support.get("/api/v1/service-requests").await).await;
    assert_eq!(own["total"], 1);
    let res = manager
        .post(&format!("/api/v1/service-requests/{}/assign", r1["id"]), &json!({ "assignee_id": rep.user_id }))
        .await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    // A customer-visible comment is the first response.
    let (status, u) = read(
        support
            .post(
                &format!("/api/v1/service-requests/{}/updates", r1["id"]),
                &json!({ "body": "On it", "visibility": "customer" }),
            )
            .await,
    )
    .await;
    assert_eq!((status, u["kind"].as_str()), (StatusCode::CREATED, Some("comment")));
    support.post(&format!("/api/v1/service-requests/{}/updates", r1["id"]), &json!({ "body": "internal note" })).await;
    let (_, r) = read(support.get(&format!("/api/v1/service-requests/{}", r1["id"])).await).await;
    assert!(r["first_response_at"].is_string());
    let (_, rep_view) = read(rep.get(&format!("/api/v1/service-requests/{}/timeline", r1["id"])).await).await;
    assert!(rep_view.as_array().unwrap().iter().all(|u| u["visibility"] == "customer"), "{rep_view}");
    let _ = agent_a;
}

async fn an_order_must_belong_to_the_customer(app: TestApp) {
    let manager = app.login_as(Role::Manager).await;
    let a = manager.create_customer(json!({ "name": "A" })).await;
    let b = manager.create_customer(json!({ "name": "B" })).await;
    use rapport_domain::entities::order;
    let now = chrono::Utc::now().naive_utc();
    let o = order::Entity::insert(order::ActiveModel {
        number: Set("O-TEST-1".into()),
        customer_id: Set(a["id"].as_i64().unwrap()),
        quote_id: Set(None),
        owner_id: Set(None),
        order_date: Set(now.date()),
        status: Set("paid".into()),
        currency: Set("CNY".into()),
        tax_rate_bp: Set(0),
        tax_cents: Set(0),
        total_cents: Set(100),
        notes: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
        ..Default::default()
    })
    .exec(&app.db)
    .await
    .unwrap()
    .last_insert_id;
    let res = manager
        .post(
            "/api/v1/service-requests",
            &json!({ "customer_id": b["id"], "order_id": o, "subject": "x", "channel": "web" }),
        )
        .await;
    let body = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "order_id");
    open_request(&manager, json!({ "customer_id": a["id"], "order_id": o, "subject": "x", "channel": "web" })).await;
}

db_tests!(
    assignment_is_fair_under_parallel_creates,
    every_status_move_follows_the_table,
    sla_due_times_and_overdue_filter,
    stats_match_hand_computed_figures,
    roles_and_visibility_of_service_requests,
    an_order_must_belong_to_the_customer,
);
