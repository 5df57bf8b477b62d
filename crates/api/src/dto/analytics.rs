//! Analytics bodies: the regression request and its result.
//!
//! Numbers are JSON numbers at full f64 precision (the shortest form that reads back
//! to the same f64). A statistic that is not a finite number — `t` and `p` with a zero
//! standard error in an exact fit, R² when `y` does not vary, F without regressors or
//! for an exact fit — is `null`, so the body is always valid JSON.

use rapport_analytics::regression::{Coefficient, Prediction};
use rapport_domain::services::analytics as svc;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A least-squares regression of `y` on the columns of `x`, and rows to predict.
/// At most 100 000 rows of at most 50 columns and 1 000 rows to predict (and the
/// 1 MiB body limit).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "names": ["season", "promotion"],
    "x": [[1, 0], [2, 1], [3, 0], [4, 1], [1, 1], [2, 0]],
    "y": [120.5, 131.0, 128.2, 140.9, 126.3, 124.8],
    "intercept": true,
    "predict": [[3, 1]],
    "confidence": 0.95
}))]
pub struct RegressionRequest {
    /// One name per column of `x`, unique, 1–100 characters (default `x1`, `x2`, …);
    /// not `intercept` when an intercept is fitted.
    #[schema(max_items = 50)]
    pub names: Option<Vec<String>>,
    /// The observations, row-major: one row per observation, one value per column
    /// (at most 50). Every row has as many values as the first.
    #[schema(max_items = 100000)]
    pub x: Vec<Vec<f64>>,
    /// The response: one value per row of `x`.
    #[schema(max_items = 100000)]
    pub y: Vec<f64>,
    /// Whether to fit an intercept (default true).
    #[serde(default = "yes")]
    #[schema(default = true)]
    pub intercept: bool,
    /// Rows to predict, with the columns of `x` (not the intercept).
    #[serde(default)]
    #[schema(max_items = 1000)]
    pub predict: Vec<Vec<f64>>,
    /// The confidence level of the intervals, strictly between 0 and 1 (default 0.95).
    #[schema(exclusive_minimum = 0, exclusive_maximum = 1, default = 0.95)]
    pub confidence: Option<f64>,
}

fn yes() -> bool {
    true
}

impl From<RegressionRequest> for svc::RegressionInput {
    fn from(r: RegressionRequest) -> Self {
        Self { names: r.names, x: r.x, y: r.y, intercept: r.intercept, predict: r.predict, confidence: r.confidence }
    }
}

/// A fitted least-squares regression.
#[derive(Debug, Serialize, ToSchema)]
pub struct Regression {
    /// `intercept` first when fitted, then the columns in the order of `names`.
    pub coefficients: Vec<RegressionCoefficient>,
    /// s = √(SSE / df_residual).
    pub residual_std_error: f64,
    /// Centered R² with an intercept, uncentered (1 − SSE/Σy²) without; null when `y`
    /// does not vary.
    pub r_squared: Option<f64>,
    /// 1 − (1 − R²)(n − k)/df_residual, k = 1 with an intercept, 0 without.
    pub adj_r_squared: Option<f64>,
    /// (explained sum of squares / df_model) / s²; null without regressors or for an exact fit.
    pub f_statistic: Option<f64>,
    /// The p value of the F statistic.
    pub f_p_value: Option<f64>,
    /// Regressors, the intercept not counted.
    pub df_model: u64,
    /// Observations minus parameters.
    pub df_residual: u64,
    /// Observations.
    pub n_obs: u64,
    /// The confidence level of the intervals.
    pub confidence: f64,
    /// One per row of `predict`, in order.
    pub predictions: Vec<RegressionPrediction>,
}

/// One estimated coefficient.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegressionCoefficient {
    /// `intercept` or the column's name.
    pub name: String,
    /// The estimated coefficient.
    pub estimate: f64,
    /// Its standard error.
    pub std_error: f64,
    /// estimate / std_error; null when the standard error is 0 (an exact fit).
    pub t: Option<f64>,
    /// Two-sided p value of `t` on `df_residual` degrees of freedom; null with `t`
    /// undefined (0/0), 0 when `t` is infinite.
    pub p: Option<f64>,
}

/// A prediction for one row, with its intervals at the requested confidence level.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegressionPrediction {
    /// The fitted value.
    pub fit: f64,
    /// Standard error of the fitted mean.
    pub std_error: f64,
    /// Confidence interval of the mean: lower end.
    pub ci_low: f64,
    /// Confidence interval of the mean: upper end.
    pub ci_high: f64,
    /// Prediction interval of a new observation: lower end.
    pub pi_low: f64,
    /// Prediction interval of a new observation: upper end.
    pub pi_high: f64,
}

fn finite(v: f64) -> Option<f64> {
    v.is_finite().then_some(v)
}

impl From<svc::RegressionOutput> for Regression {
    fn from(o: svc::RegressionOutput) -> Self {
        let f = o.fit;
        Self {
            coefficients: f.coefficients.into_iter().map(Into::into).collect(),
            residual_std_error: f.residual_std_error,
            r_squared: finite(f.r_squared),
            adj_r_squared: finite(f.adj_r_squared),
            f_statistic: finite(f.f_statistic),
            f_p_value: finite(f.f_p_value),
            df_model: f.df_model as u64,
            df_residual: f.df_residual as u64,
            n_obs: f.n_obs as u64,
            confidence: o.confidence,
            predictions: o.predictions.into_iter().map(Into::into).collect(),
        }
    }
}

impl From<Coefficient> for RegressionCoefficient {
    fn from(c: Coefficient) -> Self {
        Self { name: c.name, estimate: c.estimate, std_error: c.std_error, t: finite(c.t), p: finite(c.p) }
    }
}

impl From<Prediction> for RegressionPrediction {
    fn from(p: Prediction) -> Self {
        Self {
            fit: p.fit,
            std_error: p.std_error,
            ci_low: p.ci_low,
            ci_high: p.ci_high,
            pi_low: p.pi_low,
            pi_high: p.pi_high,
        }
    }
}
