//! Ordinary least squares, numerically exact: linfa-style parameters → `fit` →
//! fitted model → `predict`.
//!
//! How: the columns are scaled by powers of two (exact) to a largest value in [½, 1),
//! factored by Householder QR in double-double arithmetic (never forming or inverting
//! XᵀX), and the solution is refined with residuals accumulated in double-double until
//! the correction stops shrinking. Standard errors and prediction variances are sums of
//! squares of R⁻ᵀc, so they keep their digits too. The NIST StRD linear regression
//! suite (`tests/nist.rs`) is the yardstick: every coefficient and standard deviation
//! to at least 9 significant digits, Filip and Wampler5 included.
//!
//! Non-finite results are real outcomes, not errors: in an exact fit (zero residuals;
//! residuals within double-double rounding of their terms count as zero) `t` is
//! infinite (NaN when the estimate is 0 too); R² is NaN when `y` has no
//! variation to explain; the F statistic is NaN without regressors and infinite for an
//! exact fit.

mod design;
mod error;
mod fit;
mod predict;
mod qr;
mod refine;
mod stats;

pub use design::Design;
pub use error::RegressionError;
use qr::{Dd, Qr};

/// The name of the intercept among the coefficients.
pub const INTERCEPT: &str = "intercept";

/// A column is taken as a linear combination of the columns before it when its part
/// orthogonal to them is at most this fraction of its norm: about 10⁴ times the f64
/// rounding of its own values (2⁻⁵³ ≈ 1.1·10⁻¹⁶), so that columns computed from others
/// with a few roundings still count as collinear, and far below Filip's 5·10⁻⁸.
const COLLINEAR_TOL: f64 = 1e-12;

/// The largest accepted condition number ‖R‖_F‖R⁻¹‖_F of the column-scaled design.
/// The double-double solution's relative error is about κ²·2⁻¹⁰⁴ at worst (a large
/// residual), ≈ 5·10⁻⁸ at this limit, which refinement then reduces; beyond it nine
/// digits are no longer assured. Filip's is about 10¹⁰.
const MAX_CONDITION: f64 = 1e12;

/// The parameters of an ordinary least-squares fit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LinearRegression {
    intercept: bool,
}

impl Default for LinearRegression {
    fn default() -> Self {
        Self { intercept: true }
    }
}

/// One estimated coefficient.
#[derive(Clone, Debug, PartialEq)]
pub struct Coefficient {
    /// The column's name, or [`INTERCEPT`].
    pub name: String,
    /// The estimate.
    pub estimate: f64,
    /// Its standard error.
    pub std_error: f64,
    /// estimate / std_error (infinite or NaN when the standard error is 0).
    pub t: f64,
    /// The two-sided p value of `t` on `df_residual` degrees of freedom.
    pub p: f64,
}

/// A prediction for one new row, with its intervals.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Prediction {
    /// The fitted value xᵀβ.
    pub fit: f64,
    /// The standard error of the fitted mean, s·√(xᵀ(XᵀX)⁻¹x).
    pub std_error: f64,
    /// Confidence interval for the mean, lower end.
    pub ci_low: f64,
    /// Confidence interval for the mean, upper end.
    pub ci_high: f64,
    /// Prediction interval for a new observation, lower end.
    pub pi_low: f64,
    /// Prediction interval for a new observation, upper end.
    pub pi_high: f64,
}

/// A fitted model: its estimates and statistics, and what [`predict`](Self::predict) needs.
#[derive(Clone, Debug)]
pub struct FittedLinearRegression {
    /// The coefficients, [`INTERCEPT`] first when fitted, then the columns in order.
    pub coefficients: Vec<Coefficient>,
    /// s = √(SSE / df_residual).
    pub residual_std_error: f64,
    /// R²: centered (1 − SSE/Σ(y−ȳ)²) with an intercept, uncentered (1 − SSE/Σy²)
    /// without, as NIST certifies NoInt1 and NoInt2 and as R and statsmodels report.
    pub r_squared: f64,
    /// 1 − (1 − R²)(n − k)/df_residual, k = 1 with an intercept, 0 without.
    pub adj_r_squared: f64,
    /// (explained SS / df_model) / s².
    pub f_statistic: f64,
    /// The p value of the F statistic on (df_model, df_residual) degrees of freedom.
    pub f_p_value: f64,
    /// The number of regressors, the intercept not counted.
    pub df_model: usize,
    /// Observations minus parameters.
    pub df_residual: usize,
    /// The number of observations.
    pub n_obs: usize,
    /// The residual sum of squares (infinite if it exceeds the f64 range, which s and
    /// everything else, computed on the scaled problem, do not).
    pub sse: f64,
    /// ‖R‖_F‖R⁻¹‖_F of the column-scaled design: an upper estimate of its condition number.
    pub condition_number: f64,
    /// How many refinement corrections were applied.
    pub refinement_steps: usize,
    intercept: bool,
    columns: usize,
    /// The estimates in double-double, for predictions.
    beta: Vec<Dd>,
    /// The power-of-two scale of each column (the intercept's is 1).
    scale: Vec<f64>,
    qr: Qr,
    /// s, in the units of y.
    sigma: Dd,
}

impl LinearRegression {
    /// A fit with an intercept.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether to fit an intercept (default: yes).
    pub fn with_intercept(mut self, intercept: bool) -> Self {
        self.intercept = intercept;
        self
    }
}

#[cfg(test)]
mod tests;
