use rapport_domain::Role;
use rapport_tests::{Session, TestApp, assert_problem, db_tests, read};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn opportunity(s: &Session<'_>, body: Value) -> Value {
    let (status, o) = read(s.post("/api/v1/opportunities", &body).await).await;
    assert_eq!(status, StatusCode::CREATED, "{o}");
    o
}

async fn stages_set_probability_and_closing_rules(app: TestApp) {
    let manager = app.login_as(Role::Manager).await;
    let c = manager.create_customer(json!({ "name": "Deal Co" })).await;
    let o = opportunity(&manager, json!({ "title": "Big deal", "customer_id": c["id"], "amount": "10000.00" })).await;
    assert_eq!((o["stage"].as_str(), o["probability"].as_i64()), (Some("prospecting"), Some(10)));
    let path = format!("/api/v1/opportunities/{}", o["id"]);
    let (_, o) = read(manager.patch(&path, &json!({ "stage": "negotiation" })).await).await;
    assert_eq!(o["probability"], 70);
    let (_, o) = read(manager.patch(&path, &json!({ "probability": 85 })).await).await;
    assert_eq!(o["probability"], 85, "overridable");
    let body = assert_problem(
        manager.patch(&path, &json!({ "stage": "lost" })).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "lost_reason");
    let (status, lost) = read(manager.patch(&path, &json!({ "stage": "lost", "lost_reason": "price" })).await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(lost["probability"], 0);
    assert!(lost["closed_at"].is_string());
    let (_, reopened) = read(manager.patch(&path, &json!({ "stage": "prospecting" })).await).await;
    assert!(reopened["closed_at"].is_null());
    assert!(reopened["lost_reason"].is_null());
    let (_, won) = read(manager.patch(&path, &json!({ "stage": "won" })).await).await;
    assert_eq!((won["probability"].as_i64(), won["closed_at"].is_string()), (Some(100), true));
    let body = assert_problem(
        manager.patch(&path, &json!({ "stage": "negotiation" })).await,
        StatusCode::CONFLICT,
        "invalid_transition",
    )
    .await;
    assert!(body["detail"].as_str().unwrap().contains("none"), "{body}");
}

async fn pipeline_sums_count_total_and_weighted_amount(app: TestApp) {
    let manager = app.login_as(Role::Manager).await;
    let c = manager.create_customer(json!({ "name": "Pipe Co" })).await;
    for (amount, stage) in [("1000.00", "proposal"), ("333.33", "proposal"), ("500.00", "negotiation")] {
        opportunity(&manager, json!({ "title": "x", "customer_id": c["id"], "amount": amount, "stage": stage })).await;
    }
    let (status, rows) = read(manager.get("/api/v1/opportunities/pipeline").await).await;
    assert_eq!(status, StatusCode::OK);
    let stages: Vec<&str> = rows.as_array().unwrap().iter().map(|r| r["stage"].as_str().unwrap()).collect();
    assert_eq!(stages, vec!["prospecting", "qualification", "proposal", "negotiation", "won", "lost"]);
    assert_eq!(
        rows[2],
        json!({ "stage": "proposal", "count": 2, "total_amount": "1333.33", "weighted_amount": "666.66" })
    );
    assert_eq!(rows[3]["weighted_amount"], "350.00");
    assert_eq!(rows[0]["total_amount"], "0.00");
}

async fn opportunity_list_filters_by_stage_amount_and_close_date(app: TestApp) {
    let manager = app.login_as(Role::Manager).await;
    let c = manager.create_customer(json!({ "name": "Filter Co" })).await;
    opportunity(
        &manager,
        json!({ "title": "Small", "customer_id": c["id"], "amount": "100.00", "expected_close_date": "2027-01-15" }),
    )
    .await;
    opportunity(&manager, json!({ "title": "Large", "customer_id": c["id"], "amount": "9000.00", "stage": "proposal", "expected_close_date": "2027-03-01" })).await;
    let (_, body) = read(manager.get("/api/v1/opportunities?amount_from=1000&sort=-amount").await).await;
    assert_eq!(body["items"][0]["title"], "Large");
    assert_eq!(body["total"], 1);
    let (_, body) = read(manager.get("/api/v1/opportunities?close_to=2027-02-01").await).await;
    assert_eq!(body["items"][0]["title"], "Small");
    let (_, body) =
        read(manager.get(&format!("/api/v1/opportunities?stage=proposal&customer_id={}", c["id"])).await).await;
    assert_eq!(body["total"], 1);
    assert_problem(
        manager.get("/api/v1/opportunities?amount_from=lots").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_problem(
        manager.get("/api/v1/opportunities?stage=maybe").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
}

async fn sales_reps_work_only_their_own_opportunities(app: TestApp) {
    let rep = app.login_as(Role::Sales).await;
    let other = app.login_as(Role::Sales).await;
    let mine = rep.create_customer(json!({ "name": "Rep Customer" })).await;
    let theirs = other.create_customer(json!({ "name": "Other Customer" })).await;
    let o = opportunity(&rep, json!({ "title": "Mine", "customer_id": mine["id"], "amount": "1.00" })).await;
    assert_eq!(o["owner_id"], rep.user_id);
    let res = rep
        .post("/api/v1/opportunities", &json!({ "title": "Sneaky", "customer_id": theirs["id"], "amount": "1.00" }))
        .await;
    let body = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "customer_id");
    assert_problem(other.get(&format!("/api/v1/opportunities/{}", o["id"])).await, StatusCode::NOT_FOUND, "not_found")
        .await;
    let (_, pipe) = read(other.get("/api/v1/opportunities/pipeline").await).await;
    assert_eq!(pipe[0]["count"], 0, "the pipeline counts only what the rep may see");
    assert_problem(
        app.login_as(Role::Support).await.get("/api/v1/opportunities").await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
}

async fn bad_amounts_are_refused(app: TestApp) {
    let manager = app.login_as(Role::Manager).await;
    let c = manager.create_customer(json!({ "name": "Amount Co" })).await;
    for amount in [json!("1.005"), json!("-5.00"), json!(12.5)] {
        let res = manager
            .post("/api/v1/opportunities", &json!({ "title": "x", "customer_id": c["id"], "amount": amount }))
            .await;
        assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    }
    let res = manager
        .post(
            "/api/v1/opportunities",
            &json!({ "title": "x", "customer_id": c["id"], "amount": "1.00", "stage": "won" }),
        )
        .await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
}

db_tests!(
    stages_set_probability_and_closing_rules,
    pipeline_sums_count_total_and_weighted_amount,
    opportunity_list_filters_by_stage_amount_and_close_date,
    sales_reps_work_only_their_own_opportunities,
    bad_amounts_are_refused,
);
