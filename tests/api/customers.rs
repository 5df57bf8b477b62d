use rapport_domain::Role;
use rapport_tests::{TestApp, assert_problem, db_tests, read};
use reqwest::{Method, StatusCode};
use serde_json::json;

async fn creating_a_customer_returns_it_with_etag_and_location(app: TestApp) {
    let manager = app.login_as(Role::Manager).await;
    let res = manager
        .post(
            "/api/v1/customers",
            &json!({
                "name": "  李娜 ", "email": "Li.Na@Example.com", "phone": "+86 138 0013 8000",
                "birthday": "1990-05-17", "city": "Shenzhen", "tags": ["VIP", "老客户", "b2b", "vip", "Ölkunde"], "source": "referral"
            }),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_eq!(res.headers().get("etag").unwrap(), "\"1\"");
    let location = res.headers().get("location").unwrap().to_str().unwrap().to_owned();
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(location, format!("/api/v1/customers/{}", body["id"]));
    assert_eq!(body["name"], "李娜");
    assert_eq!(body["tags"], json!(["b2b", "vip", "ölkunde", "老客户"]));
    assert_eq!(body["birthday"], "1990-05-17");
    assert_eq!(body["version"], 1);
    let (status, again) = read(manager.get(&location).await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(again, body);
}

async fn invalid_fields_are_all_reported_and_nothing_is_stored(app: TestApp) {
    let admin = app.login_as(Role::Admin).await;
    let res = admin
        .post(
            "/api/v1/customers",
            &json!({ "name": "", "email": "not-an-email", "phone": "call me", "birthday": "2999-01-01" }),
        )
        .await;
    let body = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let mut fields: Vec<&str> =
        body["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    fields.sort_unstable();
    assert_eq!(fields, vec!["birthday", "email", "name", "phone"]);
    let (_, list) = read(admin.get("/api/v1/customers").await).await;
    assert_eq!(list["total"], 0);
    let res = admin.post("/api/v1/customers", &json!({ "name": "X", "favourite_colour": "red" })).await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
}

async fn duplicate_email_is_409_naming_the_existing_customer(app: TestApp) {
    let admin = app.login_as(Role::Admin).await;
    let first = admin.create_customer(json!({ "name": "Wang Fang", "email": "wang@example.com" })).await;
    let res = admin.post("/api/v1/customers", &json!({ "name": "Other", "email": "WANG@example.com" })).await;
    let body = assert_problem(res, StatusCode::CONFLICT, "duplicate").await;
    assert_eq!(body["existing_id"], first["id"]);
    // Once the first is deleted its email is free again.
    let res = admin.delete(&format!("/api/v1/customers/{}", first["id"])).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    admin.create_customer(json!({ "name": "Other", "email": "wang@example.com" })).await;
}

async fn patch_with_a_stale_if_match_is_412_and_changes_nothing(app: TestApp) {
    let admin = app.login_as(Role::Admin).await;
    let c = admin.create_customer(json!({ "name": "Zhang Wei", "city": "Beijing" })).await;
    let path = format!("/api/v1/customers/{}", c["id"]);
    let res = admin
        .request(Method::PATCH, &path)
        .header("if-match", "\"1\"")
        .json(&json!({ "city": "Shanghai" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers().get("etag").unwrap(), "\"2\"");
    let res = admin
        .request(Method::PATCH, &path)
        .header("if-match", "\"1\"")
        .json(&json!({ "city": "Wuhan" }))
        .send()
        .await
        .unwrap();
    assert_problem(res, StatusCode::PRECONDITION_FAILED, "stale_version").await;
    let res = admin.request(Method::DELETE, &path).header("if-match", "\"1\"").send().await.unwrap();
    assert_problem(res, StatusCode::PRECONDITION_FAILED, "stale_version").await;
    let (_, now) = read(admin.get(&path).await).await;
    assert_eq!(now["city"], "Shanghai");
    assert_eq!(now["version"], 2);
    let res = admin
        .request(Method::PATCH, &path)
        .header("if-match", "garbage")
        .json(&json!({ "city": "X" }))
        .send()
        .await
        .unwrap();
    assert_problem(res, StatusCode::BAD_REQUEST, "bad_request").await;
}

async fn patch_changes_only_given_fields_and_null_clears(app: TestApp) {
    let admin = app.login_as(Role::Admin).await;
    let c = admin
        .create_customer(
            json!({ "name": "Emma Clark", "city": "London", "phone": "+44 20 7946 0000", "tags": ["retail"] }),
        )
        .await;
    let path = format!("/api/v1/customers/{}", c["id"]);
    let (status, body) = read(admin.patch(&path, &json!({ "city": null, "company": "Lotus 🌸 Design" })).await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["city"], serde_json::Value::Null);
    assert_eq!(body["company"], "Lotus 🌸 Design", "four-byte characters are stored on every database");
    assert_eq!(body["phone"], "+44 20 7946 0000");
    assert_eq!(body["tags"], json!(["retail"]));
}

async fn each_role_gets_its_own_access_to_customers(app: TestApp) {
    let manager = app.login_as(Role::Manager).await;
    let c = manager.create_customer(json!({ "name": "Shared Ltd" })).await;
    let path = format!("/api/v1/customers/{}", c["id"]);
    for role in [Role::Admin, Role::Manager, Role::Marketing, Role::Support] {
        let s = app.login_as(role).await;
        assert_eq!(s.get(&path).await.status(), StatusCode::OK, "{role} reads");
        assert_eq!(read(s.get("/api/v1/customers").await).await.1["total"], 1, "{role} lists");
    }
    for role in [Role::Marketing, Role::Support] {
        let s = app.login_as(role).await;
        assert_problem(s.patch(&path, &json!({ "city": "X" })).await, StatusCode::FORBIDDEN, "forbidden").await;
        assert_problem(
            s.post("/api/v1/customers", &json!({ "name": "New" })).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;
        assert_problem(s.delete(&path).await, StatusCode::FORBIDDEN, "forbidden").await;
    }
    let admin = app.login_as(Role::Admin).await;
    assert_eq!(admin.patch(&path, &json!({ "city": "Suzhou" })).await.status(), StatusCode::OK);
}

async fn sales_users_see_and_change_only_their_own_customers(app: TestApp) {
    let rep = app.login_as(Role::Sales).await;
    let other = app.login_as(Role::Sales).await;
    let mine = rep.create_customer(json!({ "name": "Mine Co" })).await;
    assert_eq!(mine["owner_id"], rep.user_id, "the creating rep owns it");
    let theirs = other.create_customer(json!({ "name": "Theirs Co" })).await;
    let theirs_path = format!("/api/v1/customers/{}", theirs["id"]);
    assert_problem(rep.get(&theirs_path).await, StatusCode::NOT_FOUND, "not_found").await;
    assert_problem(rep.patch(&theirs_path, &json!({ "city": "X" })).await, StatusCode::NOT_FOUND, "not_found").await;
    assert_problem(rep.delete(&theirs_path).await, StatusCode::NOT_FOUND, "not_found").await;
    assert_problem(rep.get(&format!("{theirs_path}/timeline")).await, StatusCode::NOT_FOUND, "not_found").await;
    let (_, list) = read(rep.get("/api/v1/customers").await).await;
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["id"], mine["id"]);
    // Giving a customer to someone else is a manager's job.
    let res = rep.post("/api/v1/customers", &json!({ "name": "Gift", "owner_id": other.user_id })).await;
    assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    let manager = app.login_as(Role::Manager).await;
    let res = manager.patch(&format!("/api/v1/customers/{}", mine["id"]), &json!({ "owner_id": other.user_id })).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_problem(rep.get(&format!("/api/v1/customers/{}", mine["id"])).await, StatusCode::NOT_FOUND, "not_found")
        .await;
}

async fn owner_must_be_an_active_user(app: TestApp) {
    let admin = app.login_as(Role::Admin).await;
    let res = admin.post("/api/v1/customers", &json!({ "name": "A", "owner_id": 999_999 })).await;
    let body = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "owner_id");
}

async fn deleted_customers_leave_lists_and_reads(app: TestApp) {
    let admin = app.login_as(Role::Admin).await;
    let c = admin.create_customer(json!({ "name": "Gone Soon" })).await;
    let path = format!("/api/v1/customers/{}", c["id"]);
    assert_eq!(admin.delete(&path).await.status(), StatusCode::NO_CONTENT);
    assert_problem(admin.get(&path).await, StatusCode::NOT_FOUND, "not_found").await;
    assert_problem(admin.delete(&path).await, StatusCode::NOT_FOUND, "not_found").await;
    assert_eq!(read(admin.get("/api/v1/customers").await).await.1["total"], 0);
}

async fn timeline_shows_changes_newest_first(app: TestApp) {
    let admin = app.login_as(Role::Admin).await;
    let c = admin.create_customer(json!({ "name": "History Ltd" })).await;
    let path = format!("/api/v1/customers/{}", c["id"]);
    admin.patch(&path, &json!({ "city": "Chengdu" })).await;
    let (status, entries) = read(admin.get(&format!("{path}/timeline")).await).await;
    assert_eq!(status, StatusCode::OK);
    let summaries: Vec<&str> = entries.as_array().unwrap().iter().map(|e| e["summary"].as_str().unwrap()).collect();
    assert_eq!(summaries, vec!["customer updated", "customer created"]);
    assert_eq!(entries[0]["data"]["after"]["city"], "Chengdu");
    assert_eq!(entries[0]["actor"], format!("user:{}", admin.user_id));
    let (_, limited) = read(admin.get(&format!("{path}/timeline?limit=1")).await).await;
    assert_eq!(limited.as_array().unwrap().len(), 1);
}

async fn concurrent_patches_on_one_version_let_exactly_one_win(app: TestApp) {
    let admin = app.login_as(Role::Admin).await;
    let c = admin.create_customer(json!({ "name": "Contended", "notes": "v1" })).await;
    let path = format!("/api/v1/customers/{}", c["id"]);
    let attempts = (0..8).map(|i| {
        admin
            .request(Method::PATCH, &path)
            .header("if-match", "\"1\"")
            .json(&json!({ "notes": format!("writer {i}") }))
            .send()
    });
    let results = futures_util::future::join_all(attempts).await;
    let statuses: Vec<u16> = results.iter().map(|r| r.as_ref().unwrap().status().as_u16()).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == 200 || *s == 412), "{statuses:?}");
    let (_, now) = read(admin.get(&path).await).await;
    assert_eq!(now["version"], 2);
    let (_, audit) = read(admin.get(&format!("/api/v1/audit-log?entity=customer&entity_id={}", c["id"])).await).await;
    assert_eq!(audit["total"], 2, "one create and exactly one update were recorded");
}

db_tests!(
    concurrent_patches_on_one_version_let_exactly_one_win,
    creating_a_customer_returns_it_with_etag_and_location,
    invalid_fields_are_all_reported_and_nothing_is_stored,
    duplicate_email_is_409_naming_the_existing_customer,
    patch_with_a_stale_if_match_is_412_and_changes_nothing,
    patch_changes_only_given_fields_and_null_clears,
    each_role_gets_its_own_access_to_customers,
    sales_users_see_and_change_only_their_own_customers,
    owner_must_be_an_active_user,
    deleted_customers_leave_lists_and_reads,
    timeline_shows_changes_newest_first,
);
