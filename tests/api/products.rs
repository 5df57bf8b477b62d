use rapport_domain::Role;
use rapport_tests::{TestApp, assert_problem, db_tests, read};
use reqwest::{Method, StatusCode};
use serde_json::json;

async fn products_keep_every_cent(app: TestApp) {
    let manager = app.login_as(Role::Manager).await;
    let (status, p) = read(
        manager
            .post("/api/v1/products", &json!({ "sku": "TEA-01", "name": "Longjing tea", "price": "99999999.99" }))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{p}");
    assert_eq!(p["price"], "99999999.99");
    assert_eq!(p["active"], true);
    let (_, p2) =
        read(manager.post("/api/v1/products", &json!({ "sku": "PEN-1", "name": "Pen", "price": "12" })).await).await;
    assert_eq!(p2["price"], "12.00");
    let (_, got) = read(manager.get(&format!("/api/v1/products/{}", p["id"])).await).await;
    assert_eq!(got["price"], "99999999.99");
}

async fn bad_prices_and_duplicate_skus_are_refused(app: TestApp) {
    let admin = app.login_as(Role::Admin).await;
    for price in ["1.005", "-1.00", "100000000.00"] {
        let res = admin.post("/api/v1/products", &json!({ "sku": "X-1", "name": "X", "price": price })).await;
        let body = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        assert_eq!(body["errors"][0]["field"], "price", "{price}");
    }
    let res = admin.post("/api/v1/products", &json!({ "sku": "X-1", "name": "X", "price": 1.5 })).await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let (_, first) =
        read(admin.post("/api/v1/products", &json!({ "sku": "X-1", "name": "X", "price": "1.50" })).await).await;
    let res = admin.post("/api/v1/products", &json!({ "sku": "x-1", "name": "Y", "price": "2.00" })).await;
    let body = assert_problem(res, StatusCode::CONFLICT, "duplicate").await;
    assert_eq!(body["existing_id"], first["id"]);
}

async fn product_list_filters_sorts_and_pages(app: TestApp) {
    let admin = app.login_as(Role::Admin).await;
    for (sku, name, price, active) in [
        ("A-1", "Green tea", "10.00", true),
        ("B-2", "Black tea", "30.00", true),
        ("C-3", "Teapot", "20.00", false),
        ("D-4", "Cup", "5.00", true),
    ] {
        let res = admin
            .post("/api/v1/products", &json!({ "sku": sku, "name": name, "price": price, "active": active }))
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
    }
    let sales = app.login_as(Role::Sales).await;
    let (_, body) = read(sales.get("/api/v1/products?q=TEA&active=true&sort=-price").await).await;
    let skus: Vec<&str> = body["items"].as_array().unwrap().iter().map(|p| p["sku"].as_str().unwrap()).collect();
    assert_eq!(skus, vec!["B-2", "A-1"]);
    let (_, body) = read(sales.get("/api/v1/products?per_page=3&page=2").await).await;
    assert_eq!(body["total"], 4);
    assert_eq!(body["items"][0]["name"], "Teapot");
    assert_problem(sales.get("/api/v1/products?cursor=").await, StatusCode::BAD_REQUEST, "bad_request").await;
    assert_problem(
        sales.get("/api/v1/products?sort=cost").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
}

async fn only_admins_and_managers_change_products(app: TestApp) {
    let admin = app.login_as(Role::Admin).await;
    let (_, p) =
        read(admin.post("/api/v1/products", &json!({ "sku": "K-1", "name": "Kettle", "price": "45.00" })).await).await;
    let path = format!("/api/v1/products/{}", p["id"]);
    for role in [Role::Sales, Role::Marketing, Role::Support] {
        let s = app.login_as(role).await;
        assert_eq!(s.get(&path).await.status(), StatusCode::OK);
        assert_problem(s.patch(&path, &json!({ "price": "1.00" })).await, StatusCode::FORBIDDEN, "forbidden").await;
        assert_problem(
            s.post("/api/v1/products", &json!({ "sku": "Z", "name": "Z", "price": "1.00" })).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;
    }
}

async fn product_update_and_delete_follow_versions(app: TestApp) {
    let admin = app.login_as(Role::Admin).await;
    let (_, p) = read(
        admin
            .post("/api/v1/products", &json!({ "sku": "M-1", "name": "Mug", "price": "8.00", "description": "White" }))
            .await,
    )
    .await;
    let path = format!("/api/v1/products/{}", p["id"]);
    let res = admin
        .request(Method::PATCH, &path)
        .header("if-match", "\"1\"")
        .json(&json!({ "price": "9.50", "description": null }))
        .send()
        .await
        .unwrap();
    let (status, body) = read(res).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["price"], "9.50");
    assert_eq!(body["description"], serde_json::Value::Null);
    let res = admin.request(Method::DELETE, &path).header("if-match", "\"1\"").send().await.unwrap();
    assert_problem(res, StatusCode::PRECONDITION_FAILED, "stale_version").await;
    assert_eq!(admin.delete(&path).await.status(), StatusCode::NO_CONTENT);
    assert_problem(admin.get(&path).await, StatusCode::NOT_FOUND, "not_found").await;
    // The sku is free again.
    let res = admin.post("/api/v1/products", &json!({ "sku": "M-1", "name": "Mug 2", "price": "8.00" })).await;
    assert_eq!(res.status(), StatusCode::CREATED);
}

db_tests!(
    products_keep_every_cent,
    bad_prices_and_duplicate_skus_are_refused,
    product_list_filters_sorts_and_pages,
    only_admins_and_managers_change_products,
    product_update_and_delete_follow_versions,
);
