//! The dashboard's new customers and service figures come from daily counts, the
//! pipeline from sums by stage and owner, and the customer list's totals from counts by
//! owner, that the database keeps by triggers. After creates, imports, moves in time,
//! owner changes, stage and amount changes, deletions, resolutions, ratings and reopenings — through the API and by statements straight to
//! the tables, one row or many at a time — they still equal a count of the rows
//! themselves, for whole and partial months; and so do the counts that the migrations fill
//! from the rows.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDateTime};
use rapport_domain::Role;
use rapport_domain::entities::{customer, opportunity, service_request};
use rapport_migrations::{Migrator, MigratorTrait};
use rapport_tests::{Session, TestApp, db_tests, read};
use reqwest::{Method, StatusCode};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

fn t(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap()
}

/// Migrates down through `name` and up again, so that the migration fills the counts
/// from the rows as they are now.
async fn refill(app: &TestApp, name: &str) {
    let names: Vec<String> = Migrator::migrations().iter().map(|m| m.name().to_owned()).collect();
    let at = names.iter().position(|n| n == name).unwrap();
    Migrator::down(&app.db, Some(u32::try_from(names.len() - at).unwrap())).await.unwrap();
    Migrator::up(&app.db, None).await.unwrap();
}

/// The two ways the counts are made: kept by the triggers, then filled by the migration.
const PASSES: [&str; 2] = ["kept", "filled"];

async fn dashboard(s: &Session<'_>, from: &str, to: &str) -> Value {
    let (status, d) = read(s.get(&format!("/api/v1/analytics/dashboard?from={from}&to={to}")).await).await;
    assert_eq!(status, StatusCode::OK, "{d}");
    d
}

/// New customers by month of `[from, to)` counted from the customers themselves.
async fn customers_from_scratch(app: &TestApp, from: &str, to: &str, owner: Option<i64>) -> Value {
    let (from, to) = (t(&format!("{from} 00:00:00")), t(&format!("{to} 00:00:00")));
    let mut months = BTreeMap::<String, i64>::new();
    for c in customer::Entity::find().all(&app.db).await.unwrap() {
        if c.deleted_at.is_none()
            && c.created_at >= from
            && c.created_at < to
            && owner.is_none_or(|o| c.owner_id == Some(o))
        {
            *months.entry(c.created_at.format("%Y-%m").to_string()).or_default() += 1;
        }
    }
    months.into_iter().map(|(month, count)| json!({ "month": month, "count": count })).collect()
}

/// The live customers, or one owner's, counted from the customers themselves.
async fn live_customers(app: &TestApp, owner: Option<i64>) -> u64 {
    let all = customer::Entity::find().all(&app.db).await.unwrap();
    all.iter().filter(|c| c.deleted_at.is_none() && owner.is_none_or(|o| c.owner_id == Some(o))).count() as u64
}

/// The `total` of a page of the customer list: one customer a page, so that the page
/// alone does not tell it.
async fn list_total(s: &Session<'_>, path: &str) -> u64 {
    let (status, page) = read(s.get(path).await).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["items"].as_array().map(Vec::len), Some(1), "{page}");
    page["total"].as_u64().unwrap()
}

async fn set_created(app: &TestApp, ids: &[i64], at: &str) {
    customer::Entity::update_many()
        .col_expr(customer::Column::CreatedAt, Expr::value(t(at)))
        .filter(customer::Column::Id.is_in(ids.iter().copied()))
        .exec(&app.db)
        .await
        .unwrap();
}

async fn new_customers_follow_every_change(app: TestApp) {
    let m = app.login_as(Role::Manager).await;
    let rep = app.login_as(Role::Sales).await;
    let other = app.login_as(Role::Sales).await;
    let mut ids = Vec::new();
    for (i, owner) in
        [rep.user_id, rep.user_id, other.user_id, rep.user_id, other.user_id, rep.user_id].iter().enumerate()
    {
        let c = m.create_customer(json!({ "name": format!("Daily {i}"), "owner_id": owner })).await;
        ids.push(c["id"].as_i64().unwrap());
    }
    // Moved in time one at a time and several in one statement.
    set_created(&app, &ids[..1], "2026-01-10 08:00:00").await;
    set_created(&app, &ids[1..3], "2026-01-31 23:59:59").await;
    set_created(&app, &ids[3..4], "2026-02-01 00:00:00").await;
    set_created(&app, &ids[4..6], "2026-03-15 12:00:00").await;
    // Handed to the other owner, deleted, moved again after being deleted.
    let res = m.patch(&format!("/api/v1/customers/{}", ids[1]), &json!({ "owner_id": other.user_id })).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(m.delete(&format!("/api/v1/customers/{}", ids[4])).await.status(), StatusCode::NO_CONTENT);
    set_created(&app, &ids[4..5], "2026-02-20 10:00:00").await;
    // Left without an owner, and brought back to life by a statement.
    customer::Entity::update_many()
        .col_expr(customer::Column::OwnerId, Expr::value(Option::<i64>::None))
        .filter(customer::Column::Id.eq(ids[5]))
        .exec(&app.db)
        .await
        .unwrap();
    // Imported (on SQLite counted once at the end of the import), then some moved.
    let res = app
        .request(Method::POST, "/api/v1/customers/import")
        .bearer_auth(&m.token)
        .header("content-type", "text/csv")
        .body("name,city\nImported A,Berlin\nImported B,Paris\nImported C,Rome\n")
        .send()
        .await
        .unwrap();
    let (status, body) = read(res).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let imported: Vec<i64> = customer::Entity::find()
        .filter(customer::Column::Name.starts_with("Imported"))
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(imported.len(), 3);
    set_created(&app, &imported[..2], "2026-02-03 09:00:00").await;
    // Removed outright.
    customer::Entity::delete_by_id(ids[0]).exec(&app.db).await.unwrap();

    for pass in PASSES {
        if pass == "filled" {
            refill(&app, "m20261207_000025_daily_counts").await;
        }
        let periods = [("2026-01-01", "2027-01-01"), ("2026-01-15", "2026-03-16"), ("2026-02-01", "2026-02-04")];
        for (from, to) in periods {
            let expected = customers_from_scratch(&app, from, to, None).await;
            assert_eq!(dashboard(&m, from, to).await["new_customers_by_month"], expected, "{pass} {from}..{to}");
            for s in [&rep, &other] {
                let expected = customers_from_scratch(&app, from, to, Some(s.user_id)).await;
                let got = &dashboard(s, from, to).await["new_customers_by_month"];
                assert_eq!(got, &expected, "{pass} {from}..{to} own");
            }
        }
        let others = format!("/api/v1/customers?per_page=1&owner_id={}", other.user_id);
        for (s, path, owner) in [
            (&m, "/api/v1/customers?per_page=1", None),
            (&m, others.as_str(), Some(other.user_id)),
            (&rep, "/api/v1/customers?per_page=1", Some(rep.user_id)),
        ] {
            assert_eq!(list_total(s, path).await, live_customers(&app, owner).await, "{pass} {path}");
        }
        let whole = dashboard(&m, "2026-01-01", "2026-12-01").await;
        assert_eq!(
            whole["new_customers_by_month"],
            json!([{ "month": "2026-01", "count": 2 }, { "month": "2026-02", "count": 3 }, { "month": "2026-03", "count": 1 }]),
            "{pass}, by hand: Daily 1 and 2; Daily 3 and two imports; Daily 5 (Daily 0 is gone, Daily 4 deleted)"
        );
    }
}

/// The service glance of `[from, to)` counted from the requests themselves (whole-second
/// times, so that every database agrees on the seconds).
async fn glance_from_scratch(app: &TestApp, from: &str, to: &str) -> Value {
    let (from, to) = (t(&format!("{from} 00:00:00")), t(&format!("{to} 00:00:00")));
    let now = chrono::Utc::now().naive_utc();
    let (mut open, mut overdue, mut secs, mut ratings) = (0, 0, Vec::new(), Vec::new());
    for r in service_request::Entity::find().all(&app.db).await.unwrap() {
        if r.request_date < from || r.request_date >= to {
            continue;
        }
        if ["open", "assigned", "in_progress"].contains(&r.status.as_str()) {
            open += 1;
            overdue += i64::from(r.due_at < now);
        }
        secs.extend(r.resolved_at.map(|at| (at - r.request_date).num_seconds() as f64));
        ratings.extend(r.rating.map(f64::from));
    }
    let avg = |v: &[f64]| (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64);
    json!({ "open": open, "overdue": overdue, "avg_resolution_seconds": avg(&secs), "csat_average": avg(&ratings) })
}

async fn set_request(app: &TestApp, ids: &[i64], am: service_request::ActiveModel) {
    service_request::Entity::update_many()
        .set(am)
        .filter(service_request::Column::Id.is_in(ids.iter().copied()))
        .exec(&app.db)
        .await
        .unwrap();
}

async fn service_figures_follow_every_change(app: TestApp) {
    let (agent, _) = app.create_user(Role::Support).await;
    let m = app.login_as(Role::Manager).await;
    let c = m.create_customer(json!({ "name": "Service Daily" })).await;
    let mut ids = Vec::new();
    for i in 0..6 {
        let body = json!({ "customer_id": c["id"], "subject": format!("r{i}"), "channel": "email" });
        let (status, r) = read(m.post("/api/v1/service-requests", &body).await).await;
        assert_eq!(status, StatusCode::CREATED, "{r}");
        ids.push(r["id"].as_i64().unwrap());
    }
    let status = |id: i64, to: &'static str| {
        let m = &m;
        async move { m.post(&format!("/api/v1/service-requests/{id}/status"), &json!({ "status": to })).await.status() }
    };
    // Through the API: assigned and resolved now (with fractions of a second).
    for id in &ids[..4] {
        let res = m.post(&format!("/api/v1/service-requests/{id}/assign"), &json!({ "assignee_id": agent })).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(status(*id, "resolved").await, StatusCode::OK);
    }
    // Then given whole-second times: two at once, the others one by one.
    let at = |req: &str, resolved: Option<&str>, rating: Option<i16>| service_request::ActiveModel {
        request_date: Set(t(req)),
        due_at: Set(t(req) + Duration::hours(8)),
        resolved_at: Set(resolved.map(t)),
        rating: Set(rating),
        ..Default::default()
    };
    set_request(&app, &ids[..2], at("2026-01-10 09:00:00", Some("2026-01-10 10:00:00"), Some(5))).await;
    set_request(&app, &ids[2..3], at("2026-01-31 22:00:00", Some("2026-02-01 01:30:00"), Some(2))).await;
    set_request(&app, &ids[3..4], at("2026-02-14 09:00:00", Some("2026-02-14 09:00:45"), None)).await;
    set_request(&app, &ids[4..5], at("2026-02-20 09:00:00", None, None)).await;
    set_request(&app, &ids[5..6], at("2026-03-02 09:00:00", None, None)).await;
    // Reopened: its resolution no longer counts, its rating still does.
    assert_eq!(status(ids[1], "in_progress").await, StatusCode::OK);
    // Rated again, made on another day, and one removed outright.
    set_request(&app, &ids[..1], service_request::ActiveModel { rating: Set(Some(3)), ..Default::default() }).await;
    let later = service_request::ActiveModel { request_date: Set(t("2026-01-30 22:00:00")), ..Default::default() };
    set_request(&app, &ids[2..3], later).await;
    service_request::Entity::delete_by_id(ids[3]).exec(&app.db).await.unwrap();

    for pass in PASSES {
        if pass == "filled" {
            refill(&app, "m20261207_000025_daily_counts").await;
        }
        let periods = [("2026-01-01", "2027-01-01"), ("2026-01-10", "2026-02-02"), ("2026-02-02", "2026-03-01")];
        for (from, to) in periods {
            let expected = glance_from_scratch(&app, from, to).await;
            assert_eq!(dashboard(&m, from, to).await["service"], expected, "{pass} {from}..{to}");
        }
        // By hand, the whole year: r0 resolved in 3 600 s and rated 3; r1 reopened, rated 5;
        // r2 resolved in 99 000 s (27.5 h), rated 2; r3 gone; r1, r4 and r5 open and overdue.
        assert_eq!(
            dashboard(&m, "2026-01-01", "2027-01-01").await["service"],
            json!({ "open": 3, "overdue": 3, "avg_resolution_seconds": 51300.0, "csat_average": 10.0 / 3.0 }),
            "{pass}"
        );
    }
    // A sales user's glance counts their customers' requests from the requests themselves.
    let rep = app.login_as(Role::Sales).await;
    assert_eq!(dashboard(&rep, "2026-01-01", "2027-01-01").await["service"]["open"], 0);
}

async fn pipeline(s: &Session<'_>, query: &str) -> Value {
    let (status, rows) = read(s.get(&format!("/api/v1/opportunities/pipeline{query}")).await).await;
    assert_eq!(status, StatusCode::OK, "{rows}");
    rows
}

/// Unfiltered, the pipeline comes from the kept sums; filtered by the one customer that
/// every opportunity here belongs to, from the opportunities themselves.
async fn the_pipeline_follows_every_change(app: TestApp) {
    let m = app.login_as(Role::Manager).await;
    let rep = app.login_as(Role::Sales).await;
    let other = app.login_as(Role::Sales).await;
    let c = m.create_customer(json!({ "name": "Pipeline Daily", "owner_id": rep.user_id })).await;
    let mut ids = Vec::new();
    for (i, (amount, stage, owner)) in [
        ("1000.00", "proposal", rep.user_id),
        ("333.33", "proposal", rep.user_id),
        ("500.00", "negotiation", other.user_id),
        ("250.50", "qualification", rep.user_id),
        ("75.25", "prospecting", other.user_id),
        ("10.00", "prospecting", rep.user_id),
    ]
    .into_iter()
    .enumerate()
    {
        let body = json!({ "title": format!("o{i}"), "customer_id": c["id"], "amount": amount, "stage": stage, "owner_id": owner });
        let (status, o) = read(m.post("/api/v1/opportunities", &body).await).await;
        assert_eq!(status, StatusCode::CREATED, "{o}");
        ids.push(o["id"].as_i64().unwrap());
    }
    let patch = |id: i64, body: Value| {
        let m = &m;
        async move { m.patch(&format!("/api/v1/opportunities/{id}"), &body).await.status() }
    };
    // Through the API: a new stage (and its probability), a probability, an amount, an
    // owner, a win, a deletion.
    assert_eq!(patch(ids[0], json!({ "stage": "negotiation" })).await, StatusCode::OK);
    assert_eq!(patch(ids[1], json!({ "probability": 85 })).await, StatusCode::OK);
    assert_eq!(patch(ids[2], json!({ "amount": "650.00" })).await, StatusCode::OK);
    assert_eq!(patch(ids[3], json!({ "owner_id": other.user_id })).await, StatusCode::OK);
    assert_eq!(patch(ids[4], json!({ "stage": "won" })).await, StatusCode::OK);
    assert_eq!(m.delete(&format!("/api/v1/opportunities/{}", ids[5])).await.status(), StatusCode::NO_CONTENT);
    // By statements: two amounts at once, an owner taken away, one removed outright.
    opportunity::Entity::update_many()
        .col_expr(opportunity::Column::AmountCents, Expr::value(12_345_i64))
        .filter(opportunity::Column::Id.is_in([ids[1], ids[2]]))
        .exec(&app.db)
        .await
        .unwrap();
    opportunity::Entity::update_many()
        .col_expr(opportunity::Column::OwnerId, Expr::value(Option::<i64>::None))
        .filter(opportunity::Column::Id.eq(ids[3]))
        .exec(&app.db)
        .await
        .unwrap();
    opportunity::Entity::delete_by_id(ids[4]).exec(&app.db).await.unwrap();

    for pass in PASSES {
        if pass == "filled" {
            refill(&app, "m20261207_000026_opportunity_pipeline").await;
        }
        let scan = format!("?customer_id={}", c["id"]);
        for (s, query) in [(&m, String::new()), (&m, format!("?owner_id={}", rep.user_id)), (&rep, String::new())] {
            let and = if query.is_empty() { scan.clone() } else { format!("{query}&customer_id={}", c["id"]) };
            assert_eq!(pipeline(s, &query).await, pipeline(s, &and).await, "{pass} {query}");
        }
        assert_eq!(pipeline(&other, "").await, pipeline(&other, &scan).await, "{pass}: the other rep's own");
        let (_, d) = read(m.get("/api/v1/analytics/dashboard").await).await;
        assert_eq!(d["pipeline"], pipeline(&m, &scan).await, "{pass}: the dashboard's pipeline");
        // By hand: o0 in negotiation at 70%; o1 (123.45 at 85%) in proposal; o2 (123.45) in
        // negotiation at 70% (1 123.45 × 0.7 = 786.415, rounded half up); o3 in qualification
        // without an owner; o4 gone; o5 deleted.
        let rows = pipeline(&m, "").await;
        assert_eq!(
            rows[3],
            json!({ "stage": "negotiation", "count": 2, "total_amount": "1123.45", "weighted_amount": "786.42" })
        );
        assert_eq!(rows[0]["count"], 0, "o5 deleted, o4 won then removed");
        assert_eq!(rows[4]["count"], 0);
        assert_eq!(pipeline(&rep, "").await[1]["count"], 0, "{pass}: o3 no longer the rep's");
    }
}

db_tests!(new_customers_follow_every_change, service_figures_follow_every_change, the_pipeline_follows_every_change);
