use std::collections::{HashMap, HashSet};

use futures_util::StreamExt;
use rapport_domain::Role;
use rapport_domain::entities::{audit_log, customer, webhook_delivery};
use rapport_domain::repo::batch::rows_per_insert;
use rapport_tests::{Backend, TestApp, assert_problem, db_tests, read};
use reqwest::{Method, StatusCode};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};

use crate::webhooks::{allow_private, subscribe};

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

/// Enough rows for three multi-row INSERTs of customers on the app's database.
fn bulk_rows(app: &TestApp) -> usize {
    rows_per_insert::<customer::Entity>(app.db.get_database_backend()) * 2 + 100
}

/// Row `i` of a bulk file: (name, email, phone, city, tags as written, tags as stored).
fn bulk_row(i: usize) -> (String, String, String, &'static str, &'static str, Vec<&'static str>) {
    let (written, stored) = match i % 3 {
        0 => ("vip;B2B", vec!["b2b", "vip"]),
        1 => ("", vec![]),
        _ => ("retail", vec!["retail"]),
    };
    let city = if i.is_multiple_of(2) { "Shenzhen" } else { "London" };
    (format!("Bulk {i}"), format!("bulk{i}@example.com"), format!("+1 555 {i:06}"), city, written, stored)
}

fn bulk_csv(rows: usize) -> String {
    let mut csv = String::from("name,email,phone,city,tags\n");
    for i in 0..rows {
        let (name, email, phone, city, tags, _) = bulk_row(i);
        csv.push_str(&format!("{name},{email},{phone},{city},{tags}\n"));
    }
    csv
}

async fn a_large_file_gives_each_customer_its_row_tags_audit_entry_and_event(b: Backend) {
    let app = TestApp::spawn_with(b, |c| {
        allow_private(c);
        c.webhooks.worker = false;
    })
    .await;
    let admin = app.login_as(Role::Admin).await;
    let (hook, _) = subscribe(&admin, "http://127.0.0.1:9/hook", json!(["customer.created"])).await;
    let n = bulk_rows(&app);
    let (status, body) = read(import(&app, &admin.token, &bulk_csv(n)).await).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["imported"], n);

    let rows = customer::Entity::find().all(&app.db).await.unwrap();
    assert_eq!(rows.len(), n);
    let ids: HashSet<i64> = rows.iter().map(|r| r.id).collect();
    assert_eq!(ids.len(), n, "every customer has its own id");
    let email_of: HashMap<i64, String> = rows.iter().map(|r| (r.id, r.email.clone().unwrap())).collect();

    // Each customer reads back by id as its row of the file says.
    let admin = &admin;
    let mut reads = futures_util::stream::iter(rows.iter().map(|r| async move {
        let (status, got) = read(admin.get(&format!("/api/v1/customers/{}", r.id)).await).await;
        assert_eq!(status, StatusCode::OK, "{got}");
        got
    }))
    .buffer_unordered(8);
    let mut seen = 0;
    while let Some(got) = reads.next().await {
        let i: usize = got["name"].as_str().unwrap().strip_prefix("Bulk ").unwrap().parse().unwrap();
        let (name, email, phone, city, _, tags) = bulk_row(i);
        assert_eq!(
            (&got["name"], &got["email"], &got["phone"], &got["city"], &got["tags"]),
            (&json!(name), &json!(email), &json!(phone), &json!(city), &json!(tags)),
            "{got}"
        );
        assert_eq!((&got["source"], &got["version"], &got["owner_id"]), (&json!("import"), &json!(1), &Value::Null));
        assert_eq!(got["created_at"], got["updated_at"], "{got}");
        seen += 1;
    }
    assert_eq!(seen, n);

    // One audit entry per customer, about that customer.
    let entries = audit_log::Entity::find()
        .filter(audit_log::Column::Entity.eq("customer"))
        .filter(audit_log::Column::Action.eq("import"))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(entries.len(), n);
    let audited: HashSet<i64> = entries.iter().map(|e| e.entity_id).collect();
    assert_eq!(audited, ids, "one entry for each customer");
    for e in &entries {
        let after: Value = serde_json::from_str(e.after.as_deref().unwrap()).unwrap();
        assert_eq!(
            (after["id"].as_i64(), after["email"].as_str()),
            (Some(e.entity_id), Some(&*email_of[&e.entity_id]))
        );
    }

    // One queued customer.created event per customer, with that customer as its data.
    let events = webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::WebhookId.eq(hook))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(events.len(), n);
    assert_eq!(events.iter().map(|e| &e.event_id).collect::<HashSet<_>>().len(), n, "one event id each");
    let mut announced = HashSet::new();
    for e in &events {
        assert_eq!((e.event_type.as_str(), e.status.as_str()), ("customer.created", "queued"));
        let payload: Value = serde_json::from_str(&e.payload).unwrap();
        let id = payload["data"]["id"].as_i64().unwrap();
        assert_eq!(payload["data"]["email"].as_str(), Some(&*email_of[&id]), "{payload}");
        announced.insert(id);
    }
    assert_eq!(announced, ids);
}

async fn a_file_whose_last_row_is_bad_imports_nothing(app: TestApp) {
    let admin = app.login_as(Role::Admin).await;
    let existing = admin.create_customer(json!({ "name": "Existing", "email": "taken@example.com" })).await;
    let n = bulk_rows(&app);
    let last_line = n as u64 + 2;
    for (row, field) in [("Last,not-an-email,,,\n", "email"), ("Last,TAKEN@example.com,,,\n", "email")] {
        let csv = bulk_csv(n) + row;
        let body =
            assert_problem(import(&app, &admin.token, &csv).await, StatusCode::UNPROCESSABLE_ENTITY, "import_rejected")
                .await;
        let errors = body["errors"].as_array().unwrap();
        assert_eq!(errors.len(), 1, "{body}");
        assert_eq!((errors[0]["line"].as_u64(), errors[0]["field"].as_str()), (Some(last_line), Some(field)));
    }
    assert_eq!(customer::Entity::find().count(&app.db).await.unwrap(), 1, "only {existing}");
    let imports =
        audit_log::Entity::find().filter(audit_log::Column::Action.eq("import")).count(&app.db).await.unwrap();
    assert_eq!(imports, 0);
}

async fn an_import_with_an_idempotency_key_is_replayed(app: TestApp) {
    let admin = app.login_as(Role::Admin).await;
    let send = || {
        admin
            .request(Method::POST, "/api/v1/customers/import")
            .header("content-type", "text/csv")
            .header("idempotency-key", "import-1")
            .body(bulk_csv(50))
            .send()
    };
    let (status, first) = read(send().await.unwrap()).await;
    assert_eq!((status, first["imported"].as_u64()), (StatusCode::CREATED, Some(50)));
    let again = send().await.unwrap();
    assert_eq!(again.headers().get("idempotent-replayed").map(|v| v.to_str().unwrap()), Some("true"));
    assert_eq!(read(again).await, (StatusCode::CREATED, first));
    assert_eq!(customer::Entity::find().count(&app.db).await.unwrap(), 50);
}

mod a_large_file_gives_each_customer_its_row_tags_audit_entry_and_event {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        super::a_large_file_gives_each_customer_its_row_tags_audit_entry_and_event(rapport_tests::Backend::Sqlite).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        super::a_large_file_gives_each_customer_its_row_tags_audit_entry_and_event(rapport_tests::Backend::Postgres)
            .await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn mysql() {
        super::a_large_file_gives_each_customer_its_row_tags_audit_entry_and_event(rapport_tests::Backend::Mysql).await
    }
}

db_tests!(
    a_good_file_imports_every_row,
    a_file_whose_last_row_is_bad_imports_nothing,
    an_import_with_an_idempotency_key_is_replayed,
    a_bad_file_is_rejected_whole_with_every_bad_row,
    unknown_columns_and_missing_name_are_rejected,
    only_admins_and_managers_import,
    export_streams_the_filtered_list_as_csv,
    export_of_many_rows_spans_chunks,
);
