//! Every role against every operation: exactly the documented outcome. Forbidden means
//! 403 whatever the body; permitted means anything but 403 (the request may still be
//! invalid or name a missing record). Sales users see other owners' records as missing.
use rapport_api::openapi::{OPERATION_ACTIONS, role_matrix};
use rapport_domain::Role;
use rapport_domain::rules::access::grant;
use rapport_tests::{TestApp, db_tests, read};
use reqwest::{Method, StatusCode};
use serde_json::json;

#[test]
fn the_readme_matrix_is_the_enforced_one() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    let expected = format!("<!-- role-matrix -->\n{}<!-- /role-matrix -->", role_matrix(&rapport_api::openapi()));
    assert!(
        readme.contains(&expected),
        "README.md's role matrix is stale: paste `rapport role-matrix` between the markers"
    );
}

/// A concrete URL for a path template: ids 1, a channel, a token.
fn concrete(path: &str) -> String {
    let mut out = String::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = rest[open..].find('}').unwrap() + open;
        let value = match &rest[open + 1..close] {
            "channel" => "email",
            "file" => "x.gif",
            "token" => "no-such-token",
            _ => "1",
        };
        out.push_str(value);
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

async fn every_role_gets_the_documented_outcome_on_every_operation(app: TestApp) {
    let spec = serde_json::to_value(rapport_api::openapi()).unwrap();
    let mut sessions = Vec::new();
    for role in Role::ALL {
        sessions.push((role, app.login_as(role).await));
    }
    let mut checked = 0;
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let id = op["operationId"].as_str().unwrap();
            let Some((_, action)) = OPERATION_ACTIONS.iter().find(|(o, _)| *o == id) else { continue };
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let url = concrete(path);
            for (role, s) in &sessions {
                let mut req = s.request(method.clone(), &url);
                if method != Method::GET && method != Method::DELETE {
                    req = req.json(&json!({}));
                }
                let (status, body) = read(req.send().await.unwrap()).await;
                let allowed = grant(*role, *action).is_some();
                if allowed {
                    assert_ne!(status, StatusCode::FORBIDDEN, "{role} may {method} {path} ({id}): {body}");
                    assert!(!status.is_server_error(), "{role} {method} {path}: {status} {body}");
                } else {
                    assert_eq!(status, StatusCode::FORBIDDEN, "{role} may not {method} {path} ({id}): {body}");
                    assert_eq!(body["code"], "forbidden");
                }
                checked += 1;
            }
        }
    }
    assert!(checked >= 5 * 100, "every operation as every role: {checked} calls");
}

async fn sales_users_see_other_owners_records_as_missing(app: TestApp) {
    let (other_rep, _) = app.create_user(Role::Sales).await;
    let manager = app.login_as(Role::Manager).await;
    let rep = app.login_as(Role::Sales).await;
    let c = manager.create_customer(json!({ "name": "Not Yours Ltd", "owner_id": other_rep })).await;
    let (_, lead) =
        read(manager.post("/api/v1/leads", &json!({ "name": "Not your lead", "owner_id": other_rep })).await).await;
    let (_, opp) = read(
        manager
            .post(
                "/api/v1/opportunities",
                &json!({ "customer_id": c["id"], "title": "Not your deal", "amount": "10.00", "owner_id": other_rep }),
            )
            .await,
    )
    .await;
    assert!(opp["id"].is_i64() && lead["id"].is_i64(), "{lead} {opp}");
    for (path, name_field) in [
        (format!("/api/v1/customers/{}", c["id"]), "name"),
        (format!("/api/v1/leads/{}", lead["id"]), "name"),
        (format!("/api/v1/opportunities/{}", opp["id"]), "title"),
    ] {
        let (status, body) = read(rep.get(&path).await).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "GET {path}: {body}");
        let patch =
            rep.request(Method::PATCH, &path).header("If-Match", "\"1\"").json(&json!({ name_field: "Mine now" }));
        let (status, body) = read(patch.send().await.unwrap()).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "PATCH {path}: {body}");
        let delete = rep.request(Method::DELETE, &path).header("If-Match", "\"1\"");
        let (status, body) = read(delete.send().await.unwrap()).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "DELETE {path}: {body}");
        let (status, _) = read(manager.get(&path).await).await;
        assert_eq!(status, StatusCode::OK, "{path} is untouched and still there");
    }
}

db_tests!(every_role_gets_the_documented_outcome_on_every_operation, sales_users_see_other_owners_records_as_missing);
