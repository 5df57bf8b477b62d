//! The dashboard and the sales analysis read monthly rollups kept with the orders; after
//! creates, cancellations, an import and city changes they still equal an aggregation of
//! the orders from scratch, for whole and partial months.

use std::collections::{BTreeMap, BTreeSet};

use rapport_domain::Role;
use rapport_tests::{Session, TestApp, db_tests, read};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// A decimal string as an integer scaled by 10^places ("12.5", 2 → 1250).
fn scaled(s: &str, places: usize) -> i64 {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    let frac = format!("{frac:0<places$}");
    format!("{int}{}", &frac[..places]).parse().unwrap()
}

type Groups = BTreeMap<Option<String>, (i64, i64)>;

#[derive(Debug, Default, PartialEq)]
struct Expected {
    total: (i64, i64),
    by_month: Groups,
    by_owner: Groups,
    by_city: Groups,
    by_product: Groups,
    /// product id → (cents, milli)
    products: BTreeMap<i64, (i64, i64)>,
}

/// The figures of `[from, to)` from the orders themselves.
async fn from_scratch(m: &Session<'_>, from: &str, to: &str, owner: Option<i64>) -> Expected {
    let (_, page) = read(m.get("/api/v1/orders?per_page=200&sort=order_date").await).await;
    let mut e = Expected::default();
    for o in page["items"].as_array().unwrap() {
        let date = o["order_date"].as_str().unwrap();
        if o["status"] == "cancelled" || date < from || date >= to || owner.is_some_and(|w| o["owner_id"] != w) {
            continue;
        }
        let cents = scaled(o["total_amount"].as_str().unwrap(), 2);
        let add = |g: &mut Groups, k: Option<String>| {
            let v = g.entry(k).or_default();
            *v = (v.0 + cents, v.1 + 1);
        };
        e.total = (e.total.0 + cents, e.total.1 + 1);
        add(&mut e.by_month, Some(date[..7].to_owned()));
        add(&mut e.by_owner, o["owner_id"].as_i64().map(|v| v.to_string()));
        let (_, c) = read(m.get(&format!("/api/v1/customers/{}", o["customer_id"])).await).await;
        add(&mut e.by_city, c["city"].as_str().map(str::to_owned));
        let mut names = BTreeSet::new();
        for l in o["lines"].as_array().unwrap() {
            let (id, cents) = (l["product_id"].as_i64().unwrap(), scaled(l["line_total"].as_str().unwrap(), 2));
            let p = e.products.entry(id).or_default();
            *p = (p.0 + cents, p.1 + scaled(l["quantity"].as_str().unwrap(), 3));
            let name = l["description"].as_str().unwrap().to_owned();
            e.by_product.entry(Some(name.clone())).or_default().0 += cents;
            names.insert(name);
        }
        for n in names {
            e.by_product.entry(Some(n)).or_default().1 += 1;
        }
    }
    e
}

fn groups(v: &Value, biggest_first: bool) -> Groups {
    let rows = v.as_array().unwrap();
    let revenues: Vec<i64> = rows.iter().map(|g| scaled(g["revenue"].as_str().unwrap(), 2)).collect();
    assert!(!biggest_first || revenues.windows(2).all(|w| w[0] >= w[1]), "biggest first: {v}");
    rows.iter()
        .map(|g| {
            (
                g["key"].as_str().map(str::to_owned),
                (scaled(g["revenue"].as_str().unwrap(), 2), g["orders"].as_i64().unwrap()),
            )
        })
        .collect()
}

async fn reported(s: &Session<'_>, from: &str, to: &str) -> Expected {
    let (status, a) = read(s.get(&format!("/api/v1/analytics/sales?from={from}&to={to}")).await).await;
    assert_eq!(status, StatusCode::OK, "{a}");
    let (status, d) = read(s.get(&format!("/api/v1/analytics/dashboard?from={from}&to={to}")).await).await;
    assert_eq!(status, StatusCode::OK, "{d}");
    let months: Groups = d["revenue_by_month"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["month"].as_str().map(str::to_owned),
                (scaled(r["revenue"].as_str().unwrap(), 2), r["orders"].as_i64().unwrap()),
            )
        })
        .collect();
    let by_month = groups(&a["by_month"], false);
    assert_eq!(months, by_month, "the dashboard and the analysis agree by month");
    Expected {
        total: (scaled(a["total"]["revenue"].as_str().unwrap(), 2), a["total"]["orders"].as_i64().unwrap()),
        by_month,
        by_owner: groups(&a["by_owner"], true),
        by_city: groups(&a["by_city"], true),
        by_product: groups(&a["by_product"], true),
        products: d["top_products"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                let v = (scaled(p["revenue"].as_str().unwrap(), 2), scaled(p["quantity"].as_str().unwrap(), 3));
                (p["product_id"].as_i64().unwrap(), v)
            })
            .collect(),
    }
}

async fn order(s: &Session<'_>, customer: &Value, date: &str, lines: &[(&Value, &str)]) -> Value {
    let lines: Vec<Value> = lines.iter().map(|(p, q)| json!({ "product_id": p["id"], "quantity": q })).collect();
    let (status, o) = read(
        s.post("/api/v1/orders", &json!({ "customer_id": customer["id"], "order_date": date, "lines": lines })).await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{o}");
    o
}

async fn rollups_equal_an_aggregation_from_scratch_after_creates_cancels_imports_and_moves(app: TestApp) {
    let m = app.login_as(Role::Manager).await;
    let rep = app.login_as(Role::Sales).await;
    let mut ps = Vec::new();
    for (sku, name, price) in [("A", "Alpha", "10.00"), ("B", "Beta", "3.50"), ("G", "Gamma", "7.25")] {
        let (_, p) = read(m.post("/api/v1/products", &json!({ "sku": sku, "name": name, "price": price })).await).await;
        ps.push(p);
    }
    let (a, b, g) = (&ps[0], &ps[1], &ps[2]);
    let c1 = rep.create_customer(json!({ "name": "Rep's", "city": "Shanghai", "email": "one@example.com" })).await;
    let c2 = m.create_customer(json!({ "name": "Two", "city": "Beijing" })).await;
    let c3 = m.create_customer(json!({ "name": "Three", "email": "three@example.com" })).await;
    order(&m, &c1, "2025-11-30", &[(a, "1"), (b, "2")]).await;
    order(&m, &c2, "2025-12-01", &[(a, "3"), (a, "1.5")]).await;
    let gone = order(&m, &c2, "2026-01-15", &[(g, "4")]).await;
    order(&rep, &c1, "2026-01-15", &[(g, "1"), (b, "1")]).await;
    order(&m, &c3, "2026-02-28", &[(b, "10")]).await;
    let gone2 = order(&m, &c1, "2026-03-01", &[(a, "2")]).await;
    order(&m, &c2, "2026-03-01", &[(g, "2"), (a, "1")]).await;
    order(&m, &c2, "2026-03-31", &[(b, "0.5")]).await;
    order(&m, &c3, "2026-04-10", &[(a, "7")]).await;
    for o in [&gone, &gone2] {
        let res = m.post(&format!("/api/v1/orders/{}/status", o["id"]), &json!({ "status": "cancelled" })).await;
        assert_eq!(res.status(), StatusCode::OK);
    }
    let csv = "order_ref,customer_email,order_date,status,sku,quantity,unit_price\n\
               H-1,three@example.com,2026-01-20,completed,A,2,9.00\n\
               H-1,three@example.com,2026-01-20,completed,G,1,7.00\n\
               H-2,one@example.com,2025-12-31,completed,B,4,3.00\n\
               H-3,one@example.com,2026-02-01,cancelled,A,9,10.00\n";
    let res = app
        .request(Method::POST, "/api/v1/orders/import")
        .bearer_auth(&m.token)
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    // Customers move: their orders follow them in the figures by city.
    for (c, city) in [(&c2, json!("Shenzhen")), (&c1, Value::Null)] {
        let res = m.patch(&format!("/api/v1/customers/{}", c["id"]), &json!({ "city": city })).await;
        assert_eq!(res.status(), StatusCode::OK);
    }
    let periods = [
        ("2020-01-01", "2030-01-01"),
        ("2025-11-15", "2026-03-15"),
        ("2025-12-01", "2026-04-01"),
        ("2026-01-10", "2026-01-21"),
        ("2026-03-01", "2026-03-02"),
        ("2025-11-30", "2026-03-01"),
    ];
    for (from, to) in periods {
        let want = from_scratch(&m, from, to, None).await;
        assert_eq!(reported(&m, from, to).await, want, "{from}..{to}");
    }
    // 17.00 + 45.00 + 10.75 + 35.00 + 24.50 + 1.75 + 70.00 created, 25.00 + 12.00 imported.
    assert_eq!(reported(&m, "2020-01-01", "2030-01-01").await.total, (24100, 9));
    let rep_owner = c1["owner_id"].as_i64();
    assert_eq!(rep_owner, Some(rep.user_id));
    for (from, to) in periods {
        let want = from_scratch(&m, from, to, rep_owner).await;
        assert_eq!(reported(&rep, from, to).await, want, "rep {from}..{to}");
    }
}

db_tests!(rollups_equal_an_aggregation_from_scratch_after_creates_cancels_imports_and_moves);
