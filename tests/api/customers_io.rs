use rapport_domain::Role;
use rapport_tests::{TestApp, assert_problem, db_tests, read};
use reqwest::{Method, StatusCode};
use serde_json::json;

async fn import(app: &TestApp, token: &str, csv: &str) -> reqwest::Response {
    app.request(Method::POST, "/api/v1/customers/import")
        .bearer_auth(token)
        .header("content-type", "text/csv")
        .body(csv.to_owned())
        .send()
        .await
        .unwrap()
}

async fn a_good_file_imports_every_row(app: TestApp) {
    let admin = app.login_as(Role::Admin).await;
    let csv = "name,email,city,birthday,tags\n\
               王芳,wang.fang@example.com,Shenzhen,1988-08-08,vip;b2b\n\
               \"Smith, John\",john@example.com,London,,\n";
    let (status, body) = read(import(&app, &admin.token, csv).await).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["imported"], 2);
    let (_, list) = read(admin.get("/api/v1/customers?sort=name").await).await;
    assert_eq!(list["total"], 2);
    assert_eq!(list["items"][0]["name"], "Smith, John");
    assert_eq!(list["items"][1]["tags"], json!(["b2b", "vip"]));
    assert_eq!(list["items"][1]["source"], "import");
    let (_, audit) = read(admin.get("/api/v1/audit-log?entity=customer").await).await;
    assert_eq!(audit["total"], 2);
    assert_eq!(audit["items"][0]["action"], "import");
}

async fn a_bad_file_is_rejected_whole_with_every_bad_row(app: TestApp) {
    let admin = app.login_as(Role::Admin).await;
    admin.create_customer(json!({ "name": "Existing", "email": "taken@example.com" })).await;
    let csv = "name,email,birthday\n\
               Good Row,good@example.com,1990-01-01\n\
               ,missing-name@example.com,\n\
               Bad Email,nope,\n\
               Bad Date,date@example.com,17/05/1990\n\
               Taken,TAKEN@example.com,\n\
               Twice A,twice@example.com,\n\
               Twice B,twice@example.com,\n";
    let body =
        assert_problem(import(&app, &admin.token, csv).await, StatusCode::UNPROCESSABLE_ENTITY, "import_rejected")
            .await;
    let lines: Vec<(u64, &str)> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["line"].as_u64().unwrap(), e["field"].as_str().unwrap()))
        .collect();
    assert_eq!(lines, vec![(3, "name"), (4, "email"), (5, "birthday"), (6, "email"), (8, "email")]);
    let (_, list) = read(admin.get("/api/v1/customers").await).await;
    assert_eq!(list["total"], 1, "nothing from the file was imported");
}

async fn unknown_columns_and_missing_name_are_rejected(app: TestApp) {
    let admin = app.login_as(Role::Admin).await;
    let body = assert_problem(
        import(&app, &admin.token, "email,salary\nx@example.com,1\n").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "import_rejected",
    )
    .await;
    let fields: Vec<&str> = body["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, vec!["salary", "name"]);
    assert_problem(import(&app, &admin.token, "name\n").await, StatusCode::UNPROCESSABLE_ENTITY, "import_rejected")
        .await;
    let res =
        admin.request(Method::POST, "/api/v1/customers/import").json(&json!({ "name": "x" })).send().await.unwrap();
    assert_problem(res, StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type").await;
}

async fn only_admins_and_managers_import(app: TestApp) {
    for role in [Role::Sales, Role::Marketing, Role::Support] {
        let s = app.login_as(role).await;
        assert_problem(import(&app, &s.token, "name\nA\n").await, StatusCode::FORBIDDEN, "forbidden").await;
    }
}

async fn export_streams_the_filtered_list_as_csv(app: TestApp) {
    let admin = app.login_as(Role::Admin).await;
    admin.create_customer(json!({ "name": "Shenzhen One", "city": "Shenzhen", "tags": ["vip"] })).await;
    admin.create_customer(json!({ "name": "=HYPERLINK(\"x\")", "city": "Shenzhen" })).await;
    admin.create_customer(json!({ "name": "London One", "city": "London" })).await;
    let res = admin.get("/api/v1/customers/export.csv?city=Shenzhen").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers().get("content-type").unwrap(), "text/csv; charset=utf-8");
    let text = res.text().await.unwrap();
    let mut rows = text.lines();
    assert!(rows.next().unwrap().starts_with("id,name,email,phone,address,city,birthday"));
    let rest: Vec<&str> = rows.collect();
    assert_eq!(rest.len(), 2, "{text}");
    assert!(rest[0].contains("Shenzhen One") && rest[0].contains(",vip,"));
    assert!(rest[1].contains("'=HYPERLINK"), "formula cells are neutralised: {}", rest[1]);
    assert_problem(admin.get("/api/v1/customers/export.csv?nope=1").await, StatusCode::BAD_REQUEST, "bad_request")
        .await;
}

async fn export_of_many_rows_spans_chunks(app: TestApp) {
    let admin = app.login_as(Role::Admin).await;
    let mut csv = String::from("name,city\n");
    for i in 0..2500 {
        csv.push_str(&format!("Customer {i},{}\n", if i % 2 == 0 { "Even" } else { "Odd" }));
    }
    assert_eq!(import(&app, &admin.token, &csv).await.status(), StatusCode::CREATED);
    let text = admin.get("/api/v1/customers/export.csv?city=Even").await.text().await.unwrap();
    assert_eq!(text.lines().count(), 1 + 1250);
    let rep = app.login_as(Role::Sales).await;
    let text = rep.get("/api/v1/customers/export.csv").await.text().await.unwrap();
    assert_eq!(text.lines().count(), 1, "a sales rep exports only their own customers");
}

db_tests!(
    a_good_file_imports_every_row,
    a_bad_file_is_rejected_whole_with_every_bad_row,
    unknown_columns_and_missing_name_are_rejected,
    only_admins_and_managers_import,
    export_streams_the_filtered_list_as_csv,
    export_of_many_rows_spans_chunks,
);
