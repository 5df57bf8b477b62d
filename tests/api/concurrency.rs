//! Concurrency under load: optimistic `If-Match` writes (many writers, one record), and
//! creates that the server writes in groups.
use rapport_domain::Role;
use rapport_tests::{Session, TestApp, db_tests, read};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn patch_if_match(s: &Session<'_>, path: &str, version: i64, body: &Value) -> (StatusCode, Value) {
    read(s.request(Method::PATCH, path).header("If-Match", format!("\"{version}\"")).json(body).send().await.unwrap())
        .await
}

async fn exactly_one_concurrent_patch_wins_each_version(app: TestApp) {
    let s = app.login_as(Role::Manager).await;
    let c = s.create_customer(json!({ "name": "Contended Co" })).await;
    let path = format!("/api/v1/customers/{}", c["id"]);
    for version in 1..=3_i64 {
        let writes = (0..20).map(|i| {
            let body = json!({ "notes": format!("writer {i} at version {version}") });
            let path = path.clone();
            let s = &s;
            async move { patch_if_match(s, &path, version, &body).await }
        });
        let results = futures_util::future::join_all(writes).await;
        let winners: Vec<&Value> = results.iter().filter(|(st, _)| *st == StatusCode::OK).map(|(_, b)| b).collect();
        let stale =
            results.iter().filter(|(st, b)| *st == StatusCode::PRECONDITION_FAILED && b["code"] == "stale_version");
        assert_eq!(winners.len(), 1, "one winner for version {version}: {results:?}");
        assert_eq!(stale.count(), 19, "the others are told the version is stale");
        assert_eq!(winners[0]["version"], version + 1);
        let (_, now) = read(s.get(&path).await).await;
        assert_eq!(now["notes"], winners[0]["notes"], "the stored record is the winner's");
        assert_eq!(now["version"], version + 1);
    }
}

async fn writers_that_reread_on_412_lose_no_update(app: TestApp) {
    let s = app.login_as(Role::Manager).await;
    let c = s.create_customer(json!({ "name": "Tagged Co", "tags": [] })).await;
    let path = format!("/api/v1/customers/{}", c["id"]);
    let writers = (0..8).map(|i| {
        let path = path.clone();
        let s = &s;
        async move {
            let mine = format!("writer-{i}");
            for attempt in 0..200 {
                let (_, current) = read(s.get(&path).await).await;
                let mut tags: Vec<Value> = current["tags"].as_array().unwrap().clone();
                tags.push(json!(mine));
                let version = current["version"].as_i64().unwrap();
                let (status, body) = patch_if_match(s, &path, version, &json!({ "tags": tags })).await;
                match status {
                    StatusCode::OK => return attempt,
                    StatusCode::PRECONDITION_FAILED => continue,
                    other => panic!("writer {i}: unexpected {other}: {body}"),
                }
            }
            panic!("writer {i} never got through");
        }
    });
    let attempts = futures_util::future::join_all(writers).await;
    let (_, last) = read(s.get(&path).await).await;
    let mut tags: Vec<String> =
        last["tags"].as_array().unwrap().iter().map(|t| t.as_str().unwrap().to_owned()).collect();
    tags.sort();
    let expected: Vec<String> = (0..8).map(|i| format!("writer-{i}")).collect();
    assert_eq!(tags, expected, "every writer's tag is there (attempts per writer: {attempts:?})");
    assert_eq!(last["version"], 9, "eight successful writes on version 1");
}

/// Settings carry a version too: of concurrent `PUT`s with the same `If-Match`, one wins
/// and the rest get 412; a `PUT` without `If-Match` always applies and raises the version.
async fn settings_take_if_match(app: TestApp) {
    let s = app.login_as(Role::Admin).await;
    for (path, bodies) in [
        (
            "/api/v1/settings/service",
            (0..10)
                .map(|i| json!({ "sla_hours": { "low": 72, "normal": 24 + i, "high": 8, "urgent": 4 }, "support_own_only": false }))
                .collect::<Vec<_>>(),
        ),
        (
            "/api/v1/settings/lead-assignment",
            (0..10).map(|i| json!({ "rule": if i % 2 == 0 { "least_open" } else { "round_robin" } })).collect(),
        ),
    ] {
        let res = s.get(path).await;
        let tag = res.headers()["etag"].to_str().unwrap().to_owned();
        assert_eq!(tag, "\"0\"", "{path}: nothing stored yet is version 0");
        let s = &s;
        let writes = bodies.iter().map(|body| async move {
            let res = s.request(Method::PUT, path).header("If-Match", "\"0\"").json(body).send().await.unwrap();
            let etag = res.headers().get("etag").map(|v| v.to_str().unwrap().to_owned());
            let (status, answer) = read(res).await;
            (status, etag, answer)
        });
        let results = futures_util::future::join_all(writes).await;
        let winners: Vec<_> = results.iter().filter(|(st, _, _)| *st == StatusCode::OK).collect();
        assert_eq!(winners.len(), 1, "{path}: one winner: {results:?}");
        assert_eq!(winners[0].1.as_deref(), Some("\"1\""), "{path}");
        let stale = results.iter().filter(|(st, _, b)| *st == StatusCode::PRECONDITION_FAILED && b["code"] == "stale_version");
        assert_eq!(stale.count(), 9, "{path}: the others are stale");
        let res = s.get(path).await;
        assert_eq!(res.headers()["etag"].to_str().unwrap(), "\"1\"");
        let (_, stored) = read(res).await;
        assert_eq!(stored, winners[0].2, "{path}: the stored settings are the winner's");
        // Without If-Match the write applies over whatever is stored.
        let res = s.request(Method::PUT, path).json(&bodies[0]).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers()["etag"].to_str().unwrap(), "\"2\"");
    }
}

/// Creates sent at once are written in groups: each still gets its own answer (201, or
/// 409 naming the customer that has the email), and each created customer reads back
/// as it was answered.
async fn creates_sent_at_once_each_get_their_own_answer(app: TestApp) {
    let s = app.login_as(Role::Manager).await;
    let taken = s.create_customer(json!({ "name": "First", "email": "first@example.com" })).await;
    let mut bodies: Vec<Value> = (0..40)
        .map(|i| json!({ "name": format!("Batch {i}"), "email": format!("b{i}@example.com"), "tags": ["batch"] }))
        .collect();
    bodies.extend((0..5).map(|i| json!({ "name": format!("Twin {i}"), "email": "twin@example.com" })));
    bodies.push(json!({ "name": "Late", "email": "FIRST@example.com" }));
    let sends = bodies.iter().map(|b| {
        let s = &s;
        async move { read(s.post("/api/v1/customers", b).await).await }
    });
    let results = futures_util::future::join_all(sends).await;
    for (i, (status, body)) in results[..40].iter().enumerate() {
        assert_eq!(*status, StatusCode::CREATED, "{body}");
        assert_eq!(body["email"], format!("b{i}@example.com"));
        let (_, stored) = read(s.get(&format!("/api/v1/customers/{}", body["id"])).await).await;
        assert_eq!(&stored, body);
    }
    let twins: Vec<&(StatusCode, Value)> = results[40..45].iter().collect();
    let winner =
        twins.iter().filter(|(st, _)| *st == StatusCode::CREATED).map(|(_, b)| b["id"].clone()).collect::<Vec<_>>();
    assert_eq!(winner.len(), 1, "one twin is created: {twins:?}");
    for (status, body) in twins.iter().filter(|(st, _)| *st != StatusCode::CREATED) {
        assert_eq!((*status, &body["code"]), (StatusCode::CONFLICT, &json!("duplicate")));
        assert_eq!(body["existing_id"], winner[0]);
    }
    let (status, body) = &results[45];
    assert_eq!((*status, &body["existing_id"]), (StatusCode::CONFLICT, &taken["id"]));
    let (_, list) = read(s.get("/api/v1/customers?per_page=100").await).await;
    assert_eq!(list["total"], 42);
}

db_tests!(
    exactly_one_concurrent_patch_wins_each_version,
    writers_that_reread_on_412_lose_no_update,
    settings_take_if_match,
    creates_sent_at_once_each_get_their_own_answer
);
