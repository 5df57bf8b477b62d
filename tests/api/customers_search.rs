//! `GET /api/v1/customers?q=`: a case-insensitive substring of name, email, phone or
//! company, answered by an index (trigram GIN on PostgreSQL, FTS5 trigram on SQLite for
//! needles of three characters or more) with the results of a plain scan.

use rapport_domain::Role;
use rapport_tests::{Session, TestApp, db_tests, read};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn seed(s: &Session<'_>) -> Vec<Value> {
    let rows = [
        json!({ "name": "Zhang Xiaoming", "email": "xm@example.com", "city": "Ningbo" }),
        json!({ "name": "Olga Petrova", "email": "Sales.Team@NorthWind.example", "city": "Ningbo" }),
        json!({ "name": "Henrik Berg", "phone": "+86 21 5555 0199", "city": "Hangzhou" }),
        json!({ "name": "Amara Okafor", "company": "Blue Harbour Trading", "city": "Ningbo" }),
        json!({ "name": "王伟明", "city": "Hangzhou" }),
        json!({ "name": "王伟", "city": "Ningbo" }),
        json!({ "name": "李伟明", "city": "Ningbo" }),
        json!({ "name": "Cotton Mill", "company": "100% Cotton_Co" }),
        json!({ "name": "Cotton Corner", "company": "1000 Cotton Co" }),
        json!({ "name": "Quoted Ltd", "company": "Acme \"Best\" Goods" }),
    ];
    let mut out = Vec::new();
    for r in rows {
        out.push(s.create_customer(r).await);
    }
    out
}

/// The names found for `q` (and any other query parameters), sorted by name.
async fn search(s: &Session<'_>, q: &str, more: &str) -> Vec<String> {
    let url = reqwest::Url::parse_with_params("http://x/api/v1/customers?sort=name&per_page=200", [("q", q)]).unwrap();
    let path = format!("/api/v1/customers?{}{more}", url.query().unwrap());
    let (status, body) = read(s.get(&path).await).await;
    assert_eq!(status, StatusCode::OK, "q={q:?}: {body}");
    let names: Vec<String> =
        body["items"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap().to_owned()).collect();
    if let Some(total) = body["total"].as_u64() {
        assert_eq!(total, names.len() as u64, "q={q:?}: total counts the same rows");
    }
    names
}

async fn q_finds_a_substring_in_the_middle_of_name_email_phone_or_company_in_any_case(app: TestApp) {
    let s = app.login_as(Role::Manager).await;
    seed(&s).await;
    for q in ["xiaom", "XIAOM", "ng Xiao"] {
        assert_eq!(search(&s, q, "").await, ["Zhang Xiaoming"], "name, q={q:?}");
    }
    for q in ["northwind", "TEAM@NORTH", "s.team"] {
        assert_eq!(search(&s, q, "").await, ["Olga Petrova"], "email, q={q:?}");
    }
    for q in ["5555 01", "21 5", "019"] {
        assert_eq!(search(&s, q, "").await, ["Henrik Berg"], "phone, q={q:?}");
    }
    for q in ["harbour tr", "HARBOUR", "e Har"] {
        assert_eq!(search(&s, q, "").await, ["Amara Okafor"], "company, q={q:?}");
    }
    // Short needles (the scan on SQLite) and long ones (the index) agree.
    assert_eq!(search(&s, "Pe", "").await, ["Olga Petrova"]);
    assert_eq!(search(&s, "nobody here", "").await, Vec::<String>::new());
}

async fn q_finds_chinese_names_by_two_and_three_characters(app: TestApp) {
    let s = app.login_as(Role::Manager).await;
    seed(&s).await;
    assert_eq!(search(&s, "王伟", "").await, ["王伟", "王伟明"]);
    assert_eq!(search(&s, "伟明", "").await, ["李伟明", "王伟明"]);
    assert_eq!(search(&s, "伟", "").await, ["李伟明", "王伟", "王伟明"]);
    assert_eq!(search(&s, "王伟明", "").await, ["王伟明"]);
    assert_eq!(search(&s, "李伟明", "").await, ["李伟明"]);
    assert_eq!(search(&s, "伟明王", "").await, Vec::<String>::new());
}

async fn q_takes_percent_underscore_and_double_quotes_literally(app: TestApp) {
    let s = app.login_as(Role::Manager).await;
    seed(&s).await;
    assert_eq!(search(&s, "%", "").await, ["Cotton Mill"]);
    assert_eq!(search(&s, "0%", "").await, ["Cotton Mill"]);
    assert_eq!(search(&s, "0% cotton", "").await, ["Cotton Mill"]);
    assert_eq!(search(&s, "_", "").await, ["Cotton Mill"]);
    // As wildcards, `_` would also match the space of "Cotton Co" and `%` anything.
    assert_eq!(search(&s, "on_co", "").await, ["Cotton Mill"]);
    assert_eq!(search(&s, "100%", "").await, ["Cotton Mill"]);
    assert_eq!(search(&s, "cotton co", "").await, ["Cotton Corner"]);
    assert_eq!(search(&s, "\"", "").await, ["Quoted Ltd"]);
    assert_eq!(search(&s, "\"best\"", "").await, ["Quoted Ltd"]);
    assert_eq!(search(&s, "e \"B", "").await, ["Quoted Ltd"]);
    // Full-text query syntax in the needle is text too.
    assert_eq!(search(&s, "\"best\" OR \"cotton\"", "").await, Vec::<String>::new());
    assert_eq!(search(&s, "cott*", "").await, Vec::<String>::new());
    assert_eq!(search(&s, "name_lower: cotton", "").await, Vec::<String>::new());
}

async fn q_follows_renames_and_soft_deletes(app: TestApp) {
    let s = app.login_as(Role::Manager).await;
    let created = seed(&s).await;
    let zhang = format!("/api/v1/customers/{}", created[0]["id"]);
    let (status, body) = read(s.patch(&zhang, &json!({ "name": "Zhou Jielun" })).await).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(search(&s, "xiaom", "").await, Vec::<String>::new());
    assert_eq!(search(&s, "jielu", "").await, ["Zhou Jielun"]);
    // An edit of other fields keeps the customer findable.
    let (status, body) = read(s.patch(&zhang, &json!({ "city": "Xiamen" })).await).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(search(&s, "jielu", "").await, ["Zhou Jielun"]);
    let (status, body) = read(s.patch(&zhang, &json!({ "company": "Harbour Lights" })).await).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(search(&s, "harbour", "").await, ["Amara Okafor", "Zhou Jielun"]);

    let olga = format!("/api/v1/customers/{}", created[1]["id"]);
    assert_eq!(s.delete(&olga).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(search(&s, "petrov", "").await, Vec::<String>::new());
    assert_eq!(search(&s, "northwind", "").await, Vec::<String>::new());
    assert_eq!(search(&s, "Pe", "").await, Vec::<String>::new());
    // The freed email may be taken by a new customer, who is found.
    s.create_customer(json!({ "name": "Pavel Orlov", "email": "sales.team@northwind.example" })).await;
    assert_eq!(search(&s, "northwind", "").await, ["Pavel Orlov"]);
}

async fn q_combines_with_other_filters_and_cursor_pages(app: TestApp) {
    let s = app.login_as(Role::Manager).await;
    seed(&s).await;
    for (name, city) in
        [("Harbour A", "Ningbo"), ("Harbour B", "Xiamen"), ("Harbour C", "Ningbo"), ("Harbour D", "Ningbo")]
    {
        s.create_customer(json!({ "name": name, "city": city })).await;
    }
    assert_eq!(search(&s, "harbour", "&city=Ningbo").await, ["Amara Okafor", "Harbour A", "Harbour C", "Harbour D"]);
    assert_eq!(search(&s, "伟明", "&city=Ningbo").await, ["李伟明"]);

    let (_, body) = read(s.get("/api/v1/customers?q=HARBOUR&city=Ningbo&per_page=3&page=2").await).await;
    assert_eq!(body["total"], 4);
    assert_eq!(body["items"].as_array().unwrap().len(), 1);

    let mut seen = Vec::new();
    let mut cursor = String::new();
    loop {
        let path = format!("/api/v1/customers?q=harbour&city=Ningbo&sort=-name&per_page=2&cursor={cursor}");
        let (status, body) = read(s.get(&path).await).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        seen.extend(body["items"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap().to_owned()));
        match body["next_cursor"].as_str() {
            Some(c) => cursor = c.to_owned(),
            None => break,
        }
    }
    assert_eq!(seen, ["Harbour D", "Harbour C", "Harbour A", "Amara Okafor"]);
}

/// Imports a CSV file as `s`, which must succeed.
async fn import(app: &TestApp, s: &Session<'_>, csv: String) {
    let res = app
        .request(reqwest::Method::POST, "/api/v1/customers/import")
        .bearer_auth(&s.token)
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED, "{}", res.text().await.unwrap());
}

/// A bulk import goes into PostgreSQL's trigram indexes through their pending lists
/// (several times over: 2 000 customers fill 256 kB lists more than once); searches see
/// the merged entries and the pending ones alike.
async fn q_finds_every_customer_of_a_bulk_import(app: TestApp) {
    let s = app.login_as(Role::Admin).await;
    let mut csv = String::from("name,email,phone,company\n");
    for i in 0..2000 {
        csv.push_str(&format!("Bulk Person {i:04},bulk.{i:04}@imports.example,+44 20 7946 {i:04},Firm {i:04}\n"));
    }
    import(&app, &s, csv).await;
    for i in [0, 1, 777, 1500, 1999] {
        let name = format!("Bulk Person {i:04}");
        assert_eq!(search(&s, &format!("person {i:04}"), "").await, [name.as_str()], "name {i}");
        assert_eq!(search(&s, &format!("k.{i:04}@imp"), "").await, [name.as_str()], "email {i}");
        assert_eq!(search(&s, &format!("7946 {i:04}"), "").await, [name.as_str()], "phone {i}");
        assert_eq!(search(&s, &format!("firm {i:04}"), "").await, [name.as_str()], "company {i}");
    }
    assert_eq!(search(&s, "person 19", "").await.len(), 100, "Bulk Person 1900 to 1999");
    if app.backend == rapport_tests::Backend::Postgres {
        use sea_orm::ConnectionTrait;
        let sql = "SELECT relname, array_to_string(reloptions, ',') AS o FROM pg_class \
                   WHERE relname LIKE 'idx_customers_search_%' ORDER BY relname";
        let rows = app.db.query_all_raw(sea_orm::Statement::from_string(app.db.get_database_backend(), sql)).await;
        let rows: Vec<String> = rows.unwrap().iter().map(|r| r.try_get::<String>("", "o").unwrap()).collect();
        assert_eq!(rows, vec!["fastupdate=on,gin_pending_list_limit=256"; 4]);
    }
}

/// Every customer's (id, lower-cased name, lower-cased company), newest first, read
/// through the list without a search.
async fn everyone_newest_first(s: &Session<'_>) -> Vec<(i64, String, String)> {
    let (mut out, mut cursor) = (Vec::new(), String::new());
    loop {
        let (status, body) = read(s.get(&format!("/api/v1/customers?per_page=200&cursor={cursor}")).await).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        for c in body["items"].as_array().unwrap() {
            let lower = |k: &str| c[k].as_str().unwrap_or_default().to_lowercase();
            out.push((c["id"].as_i64().unwrap(), lower("name"), lower("company")));
        }
        match body["next_cursor"].as_str() {
            Some(c) => cursor = c.to_owned(),
            None => return out,
        }
    }
}

/// The ids a search for `q` lists, sorted by `sort`: by cursor to the end, with the
/// first numbered page's total.
async fn searched_ids(s: &Session<'_>, q: &str, sort: &str) -> (Vec<i64>, Value, Vec<i64>) {
    let base = format!("/api/v1/customers?q={}&sort={sort}", q.replace(' ', "%20"));
    let ids = |body: &Value| -> Vec<i64> {
        body["items"].as_array().unwrap().iter().map(|c| c["id"].as_i64().unwrap()).collect()
    };
    let (status, first) = read(s.get(&format!("{base}&per_page=25&page=2")).await).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    let page_two = ids(&first);
    let (mut all, mut cursor) = (Vec::new(), String::new());
    loop {
        let (status, body) = read(s.get(&format!("{base}&per_page=200&cursor={cursor}")).await).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        all.extend(ids(&body));
        match body["next_cursor"].as_str() {
            Some(c) => cursor = c.to_owned(),
            None => return (all, first, page_two),
        }
    }
}

/// A search is read one of several ways, by how many customers it finds and the sort
/// (the ids found, the sort index walked, the index's own text tested, the trigram
/// indexes and a sort): each way lists the customers of the unsearched list that hold the
/// needle, in its order, with the total counted up to the cap.
async fn q_lists_what_the_unsearched_list_holds_however_many_it_finds(app: TestApp) {
    let s = app.login_as(Role::Admin).await;
    // 16 000 customers: every third of Northwind, the others of "Acme <n>".
    let mut csv = String::from("name,company\n");
    for i in 0..16_000 {
        let company = if i % 3 == 0 { "Northwind".to_owned() } else { format!("Acme {i}") };
        csv.push_str(&format!("Person {i:05},{company}\n"));
    }
    import(&app, &s, csv).await;
    let everyone = everyone_newest_first(&s).await;
    assert_eq!(everyone.len(), 16_000);
    let mut by_name = everyone.clone();
    by_name.sort_by(|a, b| (&a.1, a.0).cmp(&(&b.1, b.0)));

    // (needle, sort, customers found): more than the cap, thousands, tens, and more than
    // the cap listed by name.
    for (q, sort, found) in [
        ("acme", "-created_at", 10_666),
        ("northwind", "-created_at", 5_334),
        ("acme 17", "-created_at", 75),
        ("ACME", "name", 10_666),
    ] {
        let order = if sort == "name" { &by_name } else { &everyone };
        let needle = q.to_lowercase();
        let expected: Vec<i64> =
            order.iter().filter(|c| c.1.contains(&needle) || c.2.contains(&needle)).map(|c| c.0).collect();
        assert_eq!(expected.len(), found, "{q}: the fixture");
        let (all, first, page_two) = searched_ids(&s, q, sort).await;
        assert_eq!(all, expected, "{q} by {sort}, by cursor");
        assert_eq!(page_two, expected[25..50], "{q} by {sort}, page 2");
        let capped = found > 10_000;
        assert_eq!(first["total"], json!(found.min(10_000)), "{q}");
        assert_eq!(first["total_capped"].as_bool().unwrap_or(false), capped, "{q}");
    }
}

db_tests!(
    q_lists_what_the_unsearched_list_holds_however_many_it_finds,
    q_finds_every_customer_of_a_bulk_import,
    q_finds_a_substring_in_the_middle_of_name_email_phone_or_company_in_any_case,
    q_finds_chinese_names_by_two_and_three_characters,
    q_takes_percent_underscore_and_double_quotes_literally,
    q_follows_renames_and_soft_deletes,
    q_combines_with_other_filters_and_cursor_pages,
);
