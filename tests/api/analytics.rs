use rapport_domain::Role;
use rapport_tests::{TestApp, assert_problem, db_tests, read};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const REGRESSION: &str = "/api/v1/analytics/regression";

/// The statsmodels fixture of the analytics crate (see its `make_prediction_fixture.py`).
fn fixture() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../crates/analytics/tests/data/prediction_fixture.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[track_caller]
fn assert_close(what: &str, ours: &Value, theirs: &Value) {
    let (a, b) = (ours.as_f64().unwrap_or(f64::NAN), theirs.as_f64().unwrap());
    let err = (a - b).abs() / b.abs();
    assert!(err <= 1e-9, "{what}: ours {ours}, statsmodels {theirs}, relative difference {err:.1e}");
}

async fn regression_answers_in_the_documented_shape_with_statsmodels_numbers(app: TestApp) {
    let f = fixture();
    let sales = app.login_as(Role::Sales).await;
    let body = json!({ "names": f["names"], "x": f["x"], "y": f["y"], "predict": f["predict"] });
    let (status, r) = read(sales.post(REGRESSION, &body).await).await;
    assert_eq!(status, StatusCode::OK, "{r}");
    let sm = &f["with_intercept"];
    let names: Vec<&str> = r["coefficients"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["intercept", "season", "promotion", "competitor"]);
    for (i, c) in r["coefficients"].as_array().unwrap().iter().enumerate() {
        assert_close("estimate", &c["estimate"], &sm["params"][i]);
        assert_close("std_error", &c["std_error"], &sm["bse"][i]);
        assert_close("t", &c["t"], &sm["tvalues"][i]);
        assert_close("p", &c["p"], &sm["pvalues"][i]);
    }
    assert_close("residual_std_error", &r["residual_std_error"], &sm["residual_std_error"]);
    assert_close("r_squared", &r["r_squared"], &sm["rsquared"]);
    assert_close("adj_r_squared", &r["adj_r_squared"], &sm["rsquared_adj"]);
    assert_close("f_statistic", &r["f_statistic"], &sm["fvalue"]);
    assert_eq!(r["df_residual"], json!(8));
    assert_eq!(r["confidence"], json!(0.95));
    let frame = &sm["summary_frame"]["0.95"];
    for (i, p) in r["predictions"].as_array().unwrap().iter().enumerate() {
        for (ours, theirs) in [
            ("fit", "mean"),
            ("ci_low", "mean_ci_lower"),
            ("ci_high", "mean_ci_upper"),
            ("pi_low", "obs_ci_lower"),
            ("pi_high", "obs_ci_upper"),
        ] {
            assert_close(ours, &p[ours], &frame[theirs][i]);
        }
    }

    // Without an intercept, at 90 %.
    let body = json!({ "names": f["names"], "x": f["x"], "y": f["y"], "intercept": false,
                       "predict": f["predict"], "confidence": 0.9 });
    let (status, r) = read(sales.post(REGRESSION, &body).await).await;
    assert_eq!(status, StatusCode::OK, "{r}");
    let sm = &f["without_intercept"];
    assert_eq!(r["coefficients"][0]["name"], "season");
    assert_close("uncentered r_squared", &r["r_squared"], &sm["rsquared"]);
    assert_close("pi_high at 90 %", &r["predictions"][2]["pi_high"], &sm["summary_frame"]["0.9"]["obs_ci_upper"][2]);
}

async fn an_exact_fit_answers_valid_json_with_null_t(app: TestApp) {
    let support = app.login_as(Role::Support).await;
    let body = json!({ "x": [[1], [2], [3], [4]], "y": [3, 5, 7, 9], "predict": [[10]] });
    let (status, r) = read(support.post(REGRESSION, &body).await).await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(r["coefficients"][1]["name"], "x1", "names default to x1, x2, …");
    assert_eq!(r["coefficients"][1]["estimate"], json!(2.0));
    assert_eq!(r["coefficients"][1]["std_error"], json!(0.0));
    assert_eq!(r["coefficients"][1]["t"], Value::Null);
    assert_eq!(r["coefficients"][1]["p"], json!(0.0));
    assert_eq!(r["residual_std_error"], json!(0.0));
    assert_eq!(r["r_squared"], json!(1.0));
    assert_eq!(r["f_statistic"], Value::Null);
    assert_eq!(r["predictions"][0]["fit"], json!(21.0));
    assert_eq!(r["predictions"][0]["pi_low"], json!(21.0));
}

async fn degenerate_input_is_422_naming_the_field_and_column(app: TestApp) {
    let manager = app.login_as(Role::Manager).await;
    let cases = [
        (
            json!({ "names": ["season", "promotion", "double_season"],
                    "x": [[1, 0, 2], [2, 1, 4], [3, 0, 6], [4, 1, 8], [5, 0, 10]], "y": [1, 2, 3, 5, 4] }),
            "x",
            "`double_season` (index 2) is a linear combination of the columns before it (intercept, season, promotion)",
        ),
        (
            json!({ "names": ["season", "promotion"], "x": [[1, 1], [2, 1], [3, 1], [4, 1]], "y": [1, 2, 3, 5] }),
            "x",
            "`promotion` (index 1) is constant",
        ),
        (json!({ "x": [[1, 2], [2, 1]], "y": [1, 2] }), "x", "at least 4 are needed"),
        (json!({ "x": [], "y": [] }), "x", "no observations"),
        (json!({ "x": [[1], [2], [3]], "y": [1, 2] }), "y", "2 values of y for 3 rows of x"),
        (json!({ "x": [[1], [2, 3], [3]], "y": [1, 2, 3] }), "x", "row 1 has 2 values; expected 1"),
        (json!({ "names": ["a", "b"], "x": [[1], [2], [3]], "y": [1, 2, 3] }), "names", "2 names for 1 columns"),
        (json!({ "names": ["a", "a"], "x": [[1, 2], [2, 5], [3, 1], [4, 4]], "y": [1, 2, 3, 4] }), "names", "`a`"),
        (json!({ "x": [[1], [2], [4]], "y": [1, 2, 3], "confidence": 1.5 }), "confidence", "strictly between 0 and 1"),
        (json!({ "x": [[1], [2], [4]], "y": [1, 2, 3], "predict": [[1, 2]] }), "predict", "need 1 values"),
    ];
    for (body, field, message) in cases {
        let res = manager.post(REGRESSION, &body).await;
        let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        assert_eq!(problem["errors"][0]["field"], field, "{body} → {problem}");
        let got = problem["errors"][0]["message"].as_str().unwrap();
        assert!(got.contains(message), "{body}: `{got}` lacks `{message}`");
    }
}

async fn oversize_input_is_refused(app: TestApp) {
    let admin = app.login_as(Role::Admin).await;
    let wide: Vec<Vec<f64>> = (0..60).map(|i| (0..51).map(|j| f64::from(i * j)).collect()).collect();
    let res = admin.post(REGRESSION, &json!({ "x": wide, "y": vec![1.0; 60] })).await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(problem["errors"][0]["message"], "has 51 columns; at most 50 are allowed");

    // 100 001 one-value rows fit in the 1 MiB body, but not in the row limit.
    let body = json!({ "x": vec![[0]; 100_001], "y": vec![0; 100_001] });
    let problem =
        assert_problem(admin.post(REGRESSION, &body).await, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed")
            .await;
    assert_eq!(problem["errors"][0]["field"], "x", "{problem}");

    let body = json!({ "x": [[1], [2], [4]], "y": [1, 2, 3], "predict": vec![[1]; 1001] });
    let problem =
        assert_problem(admin.post(REGRESSION, &body).await, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed")
            .await;
    assert_eq!(problem["errors"][0]["field"], "predict");

    let body = json!({ "x": vec![[123_456.5]; 120_000], "y": vec![1; 120_000] });
    assert_problem(admin.post(REGRESSION, &body).await, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
}

async fn regression_needs_a_caller_and_a_well_formed_body(app: TestApp) {
    let body = json!({ "x": [[1], [2], [4]], "y": [1, 2, 3] });
    let res = app.request(Method::POST, REGRESSION).json(&body).send().await.unwrap();
    assert_problem(res, StatusCode::UNAUTHORIZED, "unauthorized").await;
    let marketing = app.login_as(Role::Marketing).await;
    assert_eq!(marketing.post(REGRESSION, &body).await.status(), StatusCode::OK);
    let res = marketing.post(REGRESSION, &json!({ "x": [[1], [2], [4]], "y": [1, 2, 3], "weights": [1, 1, 1] })).await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let res = marketing.post(REGRESSION, &json!({ "x": [[1], [2], [4]], "y": [1, "two", 3] })).await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
}

db_tests!(
    regression_answers_in_the_documented_shape_with_statsmodels_numbers,
    an_exact_fit_answers_valid_json_with_null_t,
    degenerate_input_is_422_naming_the_field_and_column,
    oversize_input_is_refused,
    regression_needs_a_caller_and_a_well_formed_body,
);
