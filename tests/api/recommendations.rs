use rapport_domain::Role;
use rapport_tests::{Session, TestApp, assert_problem, db_tests, read};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn product(s: &Session<'_>, sku: &str, name: &str) -> i64 {
    let (_, p) = read(s.post("/api/v1/products", &json!({ "sku": sku, "name": name, "price": "10.00" })).await).await;
    p["id"].as_i64().unwrap()
}

async fn order(s: &Session<'_>, customer: &Value, products: &[i64]) -> Value {
    let lines: Vec<Value> = products.iter().map(|p| json!({ "product_id": p, "quantity": "1" })).collect();
    let (status, o) =
        read(s.post("/api/v1/orders", &json!({ "customer_id": customer["id"], "lines": lines })).await).await;
    assert_eq!(status, StatusCode::CREATED, "{o}");
    o
}

fn close(a: &Value, b: f64) -> bool {
    (a.as_f64().unwrap() - b).abs() < 1e-9
}

async fn recommendations_follow_lift_on_a_fixture(app: TestApp) {
    let m = app.login_as(Role::Manager).await;
    let (tea, cups, kettle, chair) = (
        product(&m, "TEA", "Tea").await,
        product(&m, "CUP", "Cups").await,
        product(&m, "KET", "Kettle").await,
        product(&m, "CHR", "Chair").await,
    );
    let others = m.create_customer(json!({ "name": "Many orders" })).await;
    let x = m.create_customer(json!({ "name": "Tea lover" })).await;
    let first = order(&m, &others, &[tea, cups]).await;
    for _ in 0..3 {
        order(&m, &others, &[tea, cups]).await;
    }
    order(&m, &others, &[tea, kettle]).await;
    order(&m, &x, &[tea]).await;
    order(&m, &others, &[cups]).await;
    order(&m, &others, &[kettle, chair]).await;
    order(&m, &others, &[chair]).await;
    order(&m, &others, &[chair]).await;
    // N = 10; n(tea) 6, n(cups) 5, n(kettle) 2, n(chair) 3; tea+cups 4, tea+kettle 1, kettle+chair 1.
    let path = format!("/api/v1/customers/{}/recommendations", x["id"]);
    let (status, recs) = read(m.get(&path).await).await;
    assert_eq!(status, StatusCode::OK, "{recs}");
    assert_eq!(recs.as_array().unwrap().len(), 1, "tea+kettle was seen once only: {recs}");
    assert_eq!(recs[0]["product_id"], cups);
    assert_eq!(recs[0]["reason"], "often bought with Tea");
    assert!(close(&recs[0]["lift"], 4.0 * 10.0 / 30.0) && close(&recs[0]["support"], 0.4), "{recs}");
    let (_, recs) = read(m.get(&format!("{path}?min_orders=1")).await).await;
    let ids: Vec<i64> = recs.as_array().unwrap().iter().map(|r| r["product_id"].as_i64().unwrap()).collect();
    assert_eq!(ids, vec![cups, kettle]);
    assert!(close(&recs[1]["lift"], 10.0 / 12.0));
    let (_, related) = read(m.get(&format!("/api/v1/products/{kettle}/related?min_orders=1")).await).await;
    let ids: Vec<i64> = related.as_array().unwrap().iter().map(|r| r["product_id"].as_i64().unwrap()).collect();
    assert_eq!(ids, vec![chair, tea], "chair lift 10/6 beats tea 10/12");
    // A cancelled order stops counting: N 9, tea 5, cups 4, together 3 → lift 27/20.
    let res = m.post(&format!("/api/v1/orders/{}/status", first["id"]), &json!({ "status": "cancelled" })).await;
    assert_eq!(res.status(), StatusCode::OK);
    let (_, recs) = read(m.get(&path).await).await;
    assert!(close(&recs[0]["lift"], 27.0 / 20.0), "{recs}");
    // What the customer bought is never recommended back.
    let (_, mine) =
        read(m.get(&format!("/api/v1/customers/{}/recommendations?min_orders=1", others["id"])).await).await;
    assert!(mine.as_array().unwrap().is_empty(), "{mine}");
    assert_problem(m.get(&format!("{path}?limit=0")).await, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed")
        .await;
    let rep = app.login_as(Role::Sales).await;
    assert_problem(rep.get(&path).await, StatusCode::NOT_FOUND, "not_found").await;
    // Only products on sale are recommended; a link from one no longer on sale still names it.
    assert_eq!(
        (&recs[0]["sku"], &recs[0]["name"], &recs[0]["price"]),
        (&json!("CUP"), &json!("Cups"), &json!("10.00"))
    );
    let all = format!("{path}?min_orders=1");
    let ids = |recs: &Value| -> Vec<i64> {
        recs.as_array().unwrap().iter().map(|r| r["product_id"].as_i64().unwrap()).collect()
    };
    let on_sale = |id: i64, on: bool| {
        let m = &m;
        async move {
            let res = m.patch(&format!("/api/v1/products/{id}"), &json!({ "active": on })).await;
            assert_eq!(res.status(), StatusCode::OK);
        }
    };
    on_sale(kettle, false).await;
    assert_eq!(ids(&read(m.get(&all).await).await.1), vec![cups], "kettle is not on sale");
    on_sale(kettle, true).await;
    assert_eq!(m.delete(&format!("/api/v1/products/{tea}")).await.status(), StatusCode::NO_CONTENT);
    let (_, recs) = read(m.get(&all).await).await;
    assert_eq!(ids(&recs), vec![cups, kettle]);
    assert_eq!(recs[1]["reason"], "often bought with Tea", "{recs}");
    assert_eq!(m.delete(&format!("/api/v1/products/{cups}")).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(ids(&read(m.get(&all).await).await.1), vec![kettle], "cups are deleted");
}

async fn links_by_the_same_customer_count_with_their_own_lift(app: TestApp) {
    let m = app.login_as(Role::Manager).await;
    let (tea, cups, kettle, chair) = (
        product(&m, "TEA", "Tea").await,
        product(&m, "CUP", "Cups").await,
        product(&m, "KET", "Kettle").await,
        product(&m, "CHR", "Chair").await,
    );
    let mut c = Vec::new();
    for name in ["A", "B", "C", "D", "E", "F", "G", "X"] {
        c.push(m.create_customer(json!({ "name": name })).await);
    }
    let [a, b, cc, d, e, f, g, x] = [&c[0], &c[1], &c[2], &c[3], &c[4], &c[5], &c[6], &c[7]];
    order(&m, a, &[tea]).await;
    let a_cups = order(&m, a, &[cups]).await;
    order(&m, b, &[tea]).await;
    order(&m, b, &[cups]).await;
    order(&m, b, &[cups]).await; // buying cups again adds no customer-level pair
    order(&m, cc, &[tea, kettle]).await;
    order(&m, d, &[chair]).await;
    order(&m, e, &[kettle]).await;
    order(&m, e, &[cups]).await;
    order(&m, f, &[chair]).await;
    order(&m, g, &[chair]).await;
    order(&m, x, &[tea]).await;
    // Orders: N 12; tea 4, cups 4, kettle 2, chair 3; tea+kettle together in 1 → lift 12/8 = 1.5.
    // Customers: N 8; tea 4 (A B C X), cups 3 (A B E), kettle 2 (C E), chair 3 (D F G);
    // tea+cups 2 (A B) → lift 2·8/(4·3) = 4/3, support 2/8; tea+kettle 1 (C) → lift 1;
    // cups+kettle 1 (E) → lift 1·8/(3·2) = 4/3, support 1/8.
    let path = format!("/api/v1/customers/{}/recommendations", x["id"]);
    let (status, recs) = read(m.get(&path).await).await;
    assert_eq!(status, StatusCode::OK, "{recs}");
    assert_eq!(recs.as_array().unwrap().len(), 1, "only tea+cups has two customers: {recs}");
    assert_eq!((recs[0]["product_id"].as_i64(), recs[0]["kind"].as_str()), (Some(cups), Some("same_customer")));
    assert_eq!(recs[0]["reason"], "customers who bought Tea also bought Cups");
    assert!(close(&recs[0]["lift"], 4.0 / 3.0) && close(&recs[0]["support"], 0.25), "{recs}");
    assert_eq!((recs[0]["customers_together"].as_i64(), recs[0]["orders_together"].as_i64()), (Some(2), Some(0)));

    let (_, recs) = read(m.get(&format!("{path}?min_orders=1&min_customers=1")).await).await;
    let got: Vec<(i64, &str)> = recs
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["product_id"].as_i64().unwrap(), r["kind"].as_str().unwrap()))
        .collect();
    assert_eq!(
        got,
        vec![(kettle, "same_order"), (cups, "same_customer")],
        "kettle: order lift 1.5 beats customer lift 1"
    );
    assert_eq!(recs[0]["reason"], "often bought with Tea");
    assert!(close(&recs[0]["lift"], 1.5) && close(&recs[0]["support"], 1.0 / 12.0), "{recs}");
    assert_eq!((recs[0]["customers_together"].as_i64(), recs[0]["orders_together"].as_i64()), (Some(1), Some(1)));

    let (_, related) =
        read(m.get(&format!("/api/v1/products/{cups}/related?min_orders=1&min_customers=1")).await).await;
    let got: Vec<(i64, f64)> = related
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["product_id"].as_i64().unwrap(), r["support"].as_f64().unwrap()))
        .collect();
    assert_eq!(got, vec![(tea, 0.25), (kettle, 0.125)], "equal lifts 4/3: support decides");
    assert_eq!(related[0]["reason"], "customers who bought Cups also bought Tea");

    // Cancelling A's only cups order: A no longer bought cups → cups 2 customers, tea+cups 1.
    let res = m.post(&format!("/api/v1/orders/{}/status", a_cups["id"]), &json!({ "status": "cancelled" })).await;
    assert_eq!(res.status(), StatusCode::OK);
    let (_, recs) = read(m.get(&path).await).await;
    assert!(recs.as_array().unwrap().is_empty(), "{recs}");
    let (_, recs) = read(m.get(&format!("{path}?min_orders=1&min_customers=1")).await).await;
    // Orders N 11: kettle lift 11/8; cups: 1·8/(4·2) = 1.
    assert!(close(&recs[0]["lift"], 11.0 / 8.0) && close(&recs[1]["lift"], 1.0), "{recs}");
    assert_problem(
        m.get(&format!("{path}?min_customers=0")).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
}

db_tests!(recommendations_follow_lift_on_a_fixture, links_by_the_same_customer_count_with_their_own_lift);
