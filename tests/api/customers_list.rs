use rapport_domain::Role;
use rapport_tests::{Session, TestApp, assert_problem, db_tests, read};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn seed(s: &Session<'_>) -> Vec<Value> {
    let rows = [
        json!({ "name": "Wang Fang", "email": "fang@example.com", "city": "Shenzhen", "tags": ["vip"], "birthday": "1985-03-02", "company": "Pearl River Foods" }),
        json!({ "name": "Li Wei", "email": "li.wei@example.com", "city": "Shanghai", "tags": ["b2b"], "birthday": "1990-03-20", "phone": "+86 139 1234 5678" }),
        json!({ "name": "Emma Wang", "email": "emma@example.co.uk", "city": "London", "tags": ["vip", "b2b"], "birthday": "1979-11-11" }),
        json!({ "name": "100% Real_Name", "city": "Shenzhen" }),
    ];
    let mut out = Vec::new();
    for r in rows {
        out.push(s.create_customer(r).await);
    }
    out
}

fn names(body: &Value) -> Vec<&str> {
    body["items"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect()
}

async fn q_searches_name_email_phone_and_company_case_insensitively(app: TestApp) {
    let s = app.login_as(Role::Manager).await;
    seed(&s).await;
    let (_, body) = read(s.get("/api/v1/customers?q=WANG&sort=name").await).await;
    assert_eq!(names(&body), vec!["Emma Wang", "Wang Fang"]);
    let (_, body) = read(s.get("/api/v1/customers?q=co.uk").await).await;
    assert_eq!(names(&body), vec!["Emma Wang"]);
    let (_, body) = read(s.get("/api/v1/customers?q=1234").await).await;
    assert_eq!(names(&body), vec!["Li Wei"]);
    let (_, body) = read(s.get("/api/v1/customers?q=pearl%20river").await).await;
    assert_eq!(names(&body), vec!["Wang Fang"]);
    // LIKE wildcards in q are taken literally.
    let (_, body) = read(s.get("/api/v1/customers?q=100%25").await).await;
    assert_eq!(names(&body), vec!["100% Real_Name"]);
    let (_, body) = read(s.get("/api/v1/customers?q=_").await).await;
    assert_eq!(names(&body), vec!["100% Real_Name"]);
}

async fn filters_combine(app: TestApp) {
    let s = app.login_as(Role::Manager).await;
    seed(&s).await;
    let (_, body) = read(s.get("/api/v1/customers?city=Shenzhen&tag=vip").await).await;
    assert_eq!(names(&body), vec!["Wang Fang"]);
    let (_, body) = read(s.get("/api/v1/customers?birthday_month=3&sort=name").await).await;
    assert_eq!(names(&body), vec!["Li Wei", "Wang Fang"]);
    let (_, body) = read(s.get("/api/v1/customers?email=LI.WEI@example.com").await).await;
    assert_eq!(names(&body), vec!["Li Wei"]);
    let (_, body) =
        read(s.get("/api/v1/customers?created_from=2000-01-01T00:00:00Z&created_to=2100-01-01T00:00:00Z").await).await;
    assert_eq!(body["total"], 4);
    let (_, body) = read(s.get("/api/v1/customers?created_to=2000-01-01T00:00:00Z").await).await;
    assert_eq!(body["total"], 0);
}

async fn sort_and_pages_with_total(app: TestApp) {
    let s = app.login_as(Role::Manager).await;
    seed(&s).await;
    let (_, body) = read(s.get("/api/v1/customers?sort=-name&per_page=3&page=1").await).await;
    assert_eq!(names(&body), vec!["Wang Fang", "Li Wei", "Emma Wang"]);
    assert_eq!(body["total"], 4);
    assert_eq!(body["page"], 1);
    let (_, body) = read(s.get("/api/v1/customers?sort=-name&per_page=3&page=2&count=false").await).await;
    assert_eq!(names(&body), vec!["100% Real_Name"]);
    assert!(body.get("total").is_none(), "{body}");
    // The last page (not full: its rows tell the total) and a page past the end (counted).
    for page in [2, 3] {
        let (_, body) = read(s.get(&format!("/api/v1/customers?sort=-name&per_page=3&page={page}")).await).await;
        assert_eq!(body["total"], 4, "page {page}");
    }
    assert!(body.get("total").is_none());
    let (_, body) = read(s.get("/api/v1/customers?sort=city,-name").await).await;
    assert_eq!(names(&body)[0], "Emma Wang");
}

async fn cursor_pages_cover_every_row_once(app: TestApp) {
    let s = app.login_as(Role::Manager).await;
    let created = seed(&s).await;
    for sort in ["-created_at", "name", "id", "-updated_at"] {
        let mut seen = Vec::new();
        let mut cursor = String::new();
        loop {
            let (status, body) =
                read(s.get(&format!("/api/v1/customers?sort={sort}&per_page=3&cursor={cursor}")).await).await;
            assert_eq!(status, StatusCode::OK, "{body}");
            seen.extend(body["items"].as_array().unwrap().iter().map(|c| c["id"].as_i64().unwrap()));
            match body["next_cursor"].as_str() {
                Some(c) => cursor = c.to_owned(),
                None => break,
            }
        }
        let mut ids: Vec<i64> = created.iter().map(|c| c["id"].as_i64().unwrap()).collect();
        ids.sort_unstable();
        let mut sorted = seen.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, ids, "sort {sort} saw {seen:?}");
    }
    let (_, first) = read(s.get("/api/v1/customers?sort=name&per_page=1&cursor=").await).await;
    let c = first["next_cursor"].as_str().unwrap();
    let res = s.get(&format!("/api/v1/customers?sort=id&cursor={c}")).await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_problem(
        s.get("/api/v1/customers?cursor=garbage").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
}

async fn unknown_or_bad_query_parameters_are_rejected(app: TestApp) {
    let s = app.login_as(Role::Admin).await;
    assert_problem(s.get("/api/v1/customers?pag=2").await, StatusCode::BAD_REQUEST, "bad_request").await;
    assert_problem(s.get("/api/v1/customers?page=abc").await, StatusCode::BAD_REQUEST, "bad_request").await;
    assert_problem(s.get("/api/v1/customers?created_from=yesterday").await, StatusCode::BAD_REQUEST, "bad_request")
        .await;
    let body = assert_problem(
        s.get("/api/v1/customers?sort=password").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "sort");
    assert_problem(
        s.get("/api/v1/customers?per_page=500").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_problem(s.get("/api/v1/customers?page=0").await, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed")
        .await;
    let deep = format!("/api/v1/customers?page={}&per_page=200", u64::MAX);
    assert_problem(s.get(&deep).await, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_problem(
        s.get("/api/v1/customers?birthday_month=13").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_problem(
        s.get("/api/v1/customers?page=2&cursor=").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_problem(s.get("/api/v1/customers/not-a-number").await, StatusCode::BAD_REQUEST, "bad_request").await;
}

/// Past `TOTAL_CAP` matching rows a page gives the cap and `total_capped`; a narrower
/// filter is counted exactly. Keyset pages walk every row once, also through rows that
/// share their sort value (an import gives every row the same `created_at`).
async fn a_large_list_counts_up_to_the_cap_and_cursors_walk_it_whole(app: TestApp) {
    use rapport_domain::list::TOTAL_CAP;
    let s = app.login_as(Role::Admin).await;
    let rows = usize::try_from(TOTAL_CAP).unwrap() + 1;
    let mut csv = String::from("name,city\n");
    for i in 0..rows {
        csv.push_str(&format!("Bulk {i:05},{}\n", if i % 1000 == 7 { "Dalian" } else { "Xi'an" }));
    }
    let res = s.request(reqwest::Method::POST, "/api/v1/customers/import").header("content-type", "text/csv").body(csv);
    let (status, body) = read(res.send().await.unwrap()).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    let (_, body) = read(s.get("/api/v1/customers?per_page=5").await).await;
    assert_eq!((&body["total"], &body["total_capped"]), (&json!(TOTAL_CAP), &json!(true)));
    let (_, body) = read(s.get("/api/v1/customers?city=Dalian").await).await;
    assert_eq!(body["total"], 10);
    assert!(body.get("total_capped").is_none(), "{body}");

    for sort in ["-created_at", "name"] {
        let (mut seen, mut cursor) = (std::collections::HashSet::new(), String::new());
        loop {
            let (status, body) =
                read(s.get(&format!("/api/v1/customers?sort={sort}&per_page=200&cursor={cursor}")).await).await;
            assert_eq!(status, StatusCode::OK, "{body}");
            for c in body["items"].as_array().unwrap() {
                assert!(seen.insert(c["id"].as_i64().unwrap()), "sort {sort}: {} seen twice", c["id"]);
            }
            match body["next_cursor"].as_str() {
                Some(c) => cursor = c.to_owned(),
                None => break,
            }
        }
        assert_eq!(seen.len(), rows, "sort {sort}");
    }
}

/// The list's pages and keyset cursors come out of an index in sort order: the database
/// reads a page's rows, never sorts the live customers (PostgreSQL by its partial
/// indexes, SQLite by the indexes led by `deleted_at`). Checked in the plans, with
/// sequential scans priced out on PostgreSQL so that a small table plans like a large one.
/// MySQL's plans for a table this small are its own choice (a filesort is cheaper), so
/// there the list's answers alone are checked, by the tests above.
async fn pages_and_cursors_are_read_in_index_order_without_sorting(app: TestApp) {
    use sea_orm::{ConnectionTrait, Statement, TransactionTrait};
    let backend = app.db.get_database_backend();
    for (col, index) in [
        ("created_at", "idx_customers_created"),
        ("updated_at", "idx_customers_updated"),
        ("name_lower", "idx_customers_name"),
    ] {
        for cursor in ["", &format!(" AND ({col} < '2026-01-01' OR ({col} = '2026-01-01' AND id < 7))")] {
            let query = format!(
                "SELECT * FROM customers WHERE deleted_at IS NULL{cursor} ORDER BY {col} DESC, id DESC LIMIT 26"
            );
            let plan: Vec<String> = match app.backend {
                rapport_tests::Backend::Postgres => {
                    let txn = app.db.begin().await.unwrap();
                    txn.execute_unprepared("SET LOCAL enable_seqscan = off").await.unwrap();
                    let rows = txn.query_all_raw(Statement::from_string(backend, format!("EXPLAIN {query}"))).await;
                    rows.unwrap().iter().map(|r| r.try_get_by_index::<String>(0).unwrap()).collect()
                }
                rapport_tests::Backend::Sqlite => {
                    let sql = format!("EXPLAIN QUERY PLAN {query}");
                    let rows = app.db.query_all_raw(Statement::from_string(backend, sql)).await.unwrap();
                    rows.iter().map(|r| r.try_get::<String>("", "detail").unwrap()).collect()
                }
                rapport_tests::Backend::Mysql => return,
            };
            let text = plan.join("\n");
            assert!(text.contains(index), "{col}{cursor}: reads {index}:\n{text}");
            assert!(!text.contains("Sort") && !text.contains("TEMP B-TREE"), "{col}{cursor}: no sort:\n{text}");
        }
    }
}

db_tests!(
    pages_and_cursors_are_read_in_index_order_without_sorting,
    a_large_list_counts_up_to_the_cap_and_cursors_walk_it_whole,
    q_searches_name_email_phone_and_company_case_insensitively,
    filters_combine,
    sort_and_pages_with_total,
    cursor_pages_cover_every_row_once,
    unknown_or_bad_query_parameters_are_rejected,
);
