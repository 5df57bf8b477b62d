use rapport_domain::Role;
use rapport_tests::{TestApp, assert_problem, db_tests, read};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn create_lead(s: &rapport_tests::Session<'_>, body: Value) -> Value {
    let (status, lead) = read(s.post("/api/v1/leads", &body).await).await;
    assert_eq!(status, StatusCode::CREATED, "{lead}");
    lead
}

async fn round_robin_is_fair_under_parallel_creates(app: TestApp) {
    let mut reps = Vec::new();
    for _ in 0..3 {
        reps.push(app.create_user(Role::Sales).await.0);
    }
    let manager = app.login_as(Role::Manager).await;
    let creates = (0..20)
        .map(|i| manager.request(Method::POST, "/api/v1/leads").json(&json!({ "name": format!("Lead {i}") })).send());
    let results = futures_util::future::join_all(creates).await;
    let mut per_rep = std::collections::HashMap::new();
    for r in results {
        let (status, lead) = read(r.unwrap()).await;
        assert_eq!(status, StatusCode::CREATED, "{lead}");
        *per_rep.entry(lead["owner_id"].as_i64().unwrap()).or_insert(0) += 1;
    }
    let counts: Vec<i32> = reps.iter().map(|r| per_rep.get(r).copied().unwrap_or(0)).collect();
    assert_eq!(counts.iter().sum::<i32>(), 20, "{per_rep:?}");
    let (min, max) = (counts.iter().min().unwrap(), counts.iter().max().unwrap());
    assert!(max - min <= 1, "20 leads over 3 reps differ by at most one: {counts:?}");
}

async fn least_open_assigns_to_the_rep_with_fewest_open_leads(app: TestApp) {
    let (busy, _) = app.create_user(Role::Sales).await;
    let (idle, _) = app.create_user(Role::Sales).await;
    let manager = app.login_as(Role::Manager).await;
    for i in 0..2 {
        create_lead(&manager, json!({ "name": format!("Busy {i}"), "owner_id": busy })).await;
    }
    let res = manager
        .request(Method::PUT, "/api/v1/settings/lead-assignment")
        .json(&json!({ "rule": "least_open" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let (_, rule) = read(manager.get("/api/v1/settings/lead-assignment").await).await;
    assert_eq!(rule["rule"], "least_open");
    let a = create_lead(&manager, json!({ "name": "Next" })).await;
    let b = create_lead(&manager, json!({ "name": "After" })).await;
    assert_eq!(a["owner_id"], idle);
    assert_eq!(b["owner_id"], idle, "idle has 1 open, busy 2");
    let rep = app.login_as(Role::Sales).await;
    assert_problem(rep.get("/api/v1/settings/lead-assignment").await, StatusCode::FORBIDDEN, "forbidden").await;
    let res = manager
        .request(Method::PUT, "/api/v1/settings/lead-assignment")
        .json(&json!({ "rule": "random" }))
        .send()
        .await
        .unwrap();
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
}

async fn a_sales_rep_owns_the_leads_they_create_and_sees_only_those(app: TestApp) {
    let rep = app.login_as(Role::Sales).await;
    let other = app.login_as(Role::Sales).await;
    let mine = create_lead(&rep, json!({ "name": "Mine", "source": "event" })).await;
    assert_eq!(mine["owner_id"], rep.user_id);
    assert_eq!(mine["status"], "new");
    let theirs = create_lead(&other, json!({ "name": "Theirs" })).await;
    assert_problem(rep.get(&format!("/api/v1/leads/{}", theirs["id"])).await, StatusCode::NOT_FOUND, "not_found").await;
    let (_, list) = read(rep.get("/api/v1/leads").await).await;
    assert_eq!(list["total"], 1);
    let (_, list) = read(app.login_as(Role::Manager).await.get("/api/v1/leads?source=event").await).await;
    assert_eq!(list["total"], 1);
    assert_problem(app.login_as(Role::Support).await.get("/api/v1/leads").await, StatusCode::FORBIDDEN, "forbidden")
        .await;
}

async fn status_moves_follow_the_rule_table(app: TestApp) {
    let manager = app.login_as(Role::Manager).await;
    let lead = create_lead(&manager, json!({ "name": "Mover" })).await;
    let path = format!("/api/v1/leads/{}", lead["id"]);
    let (status, moved) = read(manager.patch(&path, &json!({ "status": "contacted" })).await).await;
    assert_eq!((status, moved["status"].as_str()), (StatusCode::OK, Some("contacted")));
    let body = assert_problem(
        manager.patch(&path, &json!({ "status": "new" })).await,
        StatusCode::CONFLICT,
        "invalid_transition",
    )
    .await;
    assert!(body["detail"].as_str().unwrap().contains("qualified, disqualified"), "{body}");
    assert_problem(
        manager.patch(&path, &json!({ "status": "converted" })).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_problem(
        manager.patch(&path, &json!({ "status": "won" })).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
}

async fn converting_a_qualified_lead_makes_customer_and_opportunity(app: TestApp) {
    let rep = app.login_as(Role::Sales).await;
    let lead =
        create_lead(&rep, json!({ "name": "Zhou Jie", "company": "Lotus Design", "email": "zhou@lotus.example.com" }))
            .await;
    let path = format!("/api/v1/leads/{}", lead["id"]);
    assert_problem(rep.post(&format!("{path}/convert"), &json!({})).await, StatusCode::CONFLICT, "invalid_transition")
        .await;
    rep.patch(&path, &json!({ "status": "qualified" })).await;
    let (status, done) = read(rep.post(&format!("{path}/convert"), &json!({ "amount": "50000.00" })).await).await;
    assert_eq!(status, StatusCode::CREATED, "{done}");
    assert_eq!(done["lead"]["status"], "converted");
    assert_eq!(done["customer_linked"], false);
    assert_eq!(done["customer"]["email"], "zhou@lotus.example.com");
    assert_eq!(done["customer"]["owner_id"], rep.user_id);
    assert_eq!(done["opportunity"]["title"], "Lotus Design opportunity");
    assert_eq!(done["opportunity"]["amount"], "50000.00");
    assert_eq!(done["opportunity"]["stage"], "prospecting");
    assert_eq!(done["lead"]["customer_id"], done["customer"]["id"]);
    assert_problem(rep.post(&format!("{path}/convert"), &json!({})).await, StatusCode::CONFLICT, "conflict").await;
}

async fn converting_links_an_existing_customer_by_email(app: TestApp) {
    let manager = app.login_as(Role::Manager).await;
    let customer = manager.create_customer(json!({ "name": "Known Co", "email": "buyer@known.example.com" })).await;
    let lead = create_lead(&manager, json!({ "name": "Buyer", "email": "BUYER@known.example.com" })).await;
    let path = format!("/api/v1/leads/{}", lead["id"]);
    manager.patch(&path, &json!({ "status": "qualified" })).await;
    let (status, done) =
        read(manager.post(&format!("{path}/convert"), &json!({ "opportunity_title": "Renewal" })).await).await;
    assert_eq!(status, StatusCode::CREATED, "{done}");
    assert_eq!(done["customer_linked"], true);
    assert_eq!(done["customer"]["id"], customer["id"]);
    let (_, list) = read(manager.get("/api/v1/customers").await).await;
    assert_eq!(list["total"], 1, "no second customer");
}

async fn a_failed_conversion_leaves_nothing_behind(app: TestApp) {
    let admin = app.login_as(Role::Admin).await;
    let (rep, _) = app.create_user(Role::Sales).await;
    let lead =
        create_lead(&admin, json!({ "name": "Half Way", "email": "half@way.example.com", "owner_id": rep })).await;
    let path = format!("/api/v1/leads/{}", lead["id"]);
    admin.patch(&path, &json!({ "status": "qualified" })).await;
    // The owner leaves: the customer is written first, then the opportunity fails on its owner.
    let res = admin.patch(&format!("/api/v1/users/{rep}"), &json!({ "active": false })).await;
    assert_eq!(res.status(), StatusCode::OK);
    let body = assert_problem(
        admin.post(&format!("{path}/convert"), &json!({})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "owner_id");
    let (_, customers) = read(admin.get("/api/v1/customers?email=half@way.example.com").await).await;
    assert_eq!(customers["total"], 0, "the customer written before the failure was rolled back");
    let (_, opps) = read(admin.get("/api/v1/opportunities").await).await;
    assert_eq!(opps["total"], 0);
    let (_, again) = read(admin.get(&path).await).await;
    assert_eq!(again["status"], "qualified");
    assert_eq!(again["version"], lead["version"].as_i64().unwrap() + 1);
}

async fn lead_list_searches_filters_and_pages_by_cursor(app: TestApp) {
    let manager = app.login_as(Role::Manager).await;
    for (name, source) in [("Alpha Trading", "web"), ("Beta Foods", "referral"), ("Gamma Alpha", "web")] {
        create_lead(&manager, json!({ "name": name, "source": source })).await;
    }
    let (_, body) = read(manager.get("/api/v1/leads?q=alpha&source=web&sort=name").await).await;
    let names: Vec<&str> = body["items"].as_array().unwrap().iter().map(|l| l["name"].as_str().unwrap()).collect();
    assert_eq!(names, vec!["Alpha Trading", "Gamma Alpha"]);
    let (_, first) = read(manager.get("/api/v1/leads?sort=name&per_page=2&cursor=").await).await;
    let next = first["next_cursor"].as_str().unwrap();
    let (_, second) = read(manager.get(&format!("/api/v1/leads?sort=name&per_page=2&cursor={next}")).await).await;
    assert_eq!(second["items"][0]["name"], "Gamma Alpha");
    assert!(second.get("next_cursor").is_none());
    assert_problem(
        manager.get("/api/v1/leads?status=hot").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_problem(manager.get("/api/v1/leads?stat=new").await, StatusCode::BAD_REQUEST, "bad_request").await;
}

db_tests!(
    round_robin_is_fair_under_parallel_creates,
    least_open_assigns_to_the_rep_with_fewest_open_leads,
    a_sales_rep_owns_the_leads_they_create_and_sees_only_those,
    status_moves_follow_the_rule_table,
    converting_a_qualified_lead_makes_customer_and_opportunity,
    converting_links_an_existing_customer_by_email,
    a_failed_conversion_leaves_nothing_behind,
    lead_list_searches_filters_and_pages_by_cursor,
);
