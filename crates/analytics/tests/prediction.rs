//! Predictions and their intervals against values computed independently by
//! statsmodels (`data/prediction_fixture.json`, written once by
//! `data/make_prediction_fixture.py`; the tests never run Python).
#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use rapport_analytics::regression::{Design, FittedLinearRegression, LinearRegression};
use serde_json::Value;

/// Agreement demanded. The two agree to about 10⁻¹⁴ on this well-conditioned fixture
/// (statsmodels solves with a pseudo-inverse in f64, and its t quantiles come from
/// scipy rather than statrs), so this leaves room only for such last-digit differences.
const REL: f64 = 1e-9;

fn fixture() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/prediction_fixture.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn numbers(v: &Value) -> Vec<f64> {
    v.as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect()
}

fn rows(v: &Value) -> Vec<Vec<f64>> {
    v.as_array().unwrap().iter().map(numbers).collect()
}

#[track_caller]
fn assert_close(what: &str, ours: f64, theirs: f64) {
    let err = (ours - theirs).abs() / theirs.abs();
    assert!(err <= REL, "{what}: ours {ours:e}, statsmodels {theirs:e}, relative difference {err:.1e}");
}

fn fit(f: &Value, intercept: bool) -> (FittedLinearRegression, Design) {
    let names: Vec<String> = f["names"].as_array().unwrap().iter().map(|n| n.as_str().unwrap().to_owned()).collect();
    let x = Design::from_rows(names.clone(), &rows(&f["x"])).unwrap();
    let fitted = LinearRegression::new().with_intercept(intercept).fit(&x, &numbers(&f["y"])).unwrap();
    (fitted, Design::from_rows(names, &rows(&f["predict"])).unwrap())
}

fn check(intercept: bool) {
    let f = fixture();
    let sm = &f[if intercept { "with_intercept" } else { "without_intercept" }];
    let (model, new) = fit(&f, intercept);

    for (i, c) in model.coefficients.iter().enumerate() {
        assert_close(&format!("estimate {}", c.name), c.estimate, numbers(&sm["params"])[i]);
        assert_close(&format!("std error {}", c.name), c.std_error, numbers(&sm["bse"])[i]);
        assert_close(&format!("t {}", c.name), c.t, numbers(&sm["tvalues"])[i]);
        assert_close(&format!("p {}", c.name), c.p, numbers(&sm["pvalues"])[i]);
    }
    assert_close("residual std error", model.residual_std_error, sm["residual_std_error"].as_f64().unwrap());
    assert_close("R²", model.r_squared, sm["rsquared"].as_f64().unwrap());
    assert_close("adjusted R²", model.adj_r_squared, sm["rsquared_adj"].as_f64().unwrap());
    assert_close("F", model.f_statistic, sm["fvalue"].as_f64().unwrap());
    assert_close("F p value", model.f_p_value, sm["f_pvalue"].as_f64().unwrap());
    assert_eq!(model.df_residual as f64, sm["df_resid"].as_f64().unwrap());
    assert_eq!(model.df_model as f64, sm["df_model"].as_f64().unwrap());

    for (level, frame) in sm["summary_frame"].as_object().unwrap() {
        let confidence: f64 = level.parse().unwrap();
        let predictions = model.predict(&new, confidence).unwrap();
        let col = |name: &str| numbers(&frame[name]);
        for (i, p) in predictions.iter().enumerate() {
            let at = |what: &str| format!("row {i} at {level}: {what}");
            assert_close(&at("mean"), p.fit, col("mean")[i]);
            assert_close(&at("mean_se"), p.std_error, col("mean_se")[i]);
            assert_close(&at("mean_ci_lower"), p.ci_low, col("mean_ci_lower")[i]);
            assert_close(&at("mean_ci_upper"), p.ci_high, col("mean_ci_upper")[i]);
            assert_close(&at("obs_ci_lower"), p.pi_low, col("obs_ci_lower")[i]);
            assert_close(&at("obs_ci_upper"), p.pi_high, col("obs_ci_upper")[i]);
        }
    }
}

#[test]
fn predictions_with_an_intercept_match_statsmodels() {
    check(true);
}

#[test]
fn predictions_without_an_intercept_match_statsmodels() {
    check(false);
}
