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
mod qr;

use statrs::distribution::{ContinuousCDF, FisherSnedecor, StudentsT};

pub use design::Design;
pub use error::RegressionError;
use qr::{Dd, Qr, ZERO, div, dot};

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

/// A generous double-double rounding unit, 2⁻¹⁰⁰ (the unit itself is 2⁻¹⁰⁴): a
/// quantity within (parameters × this) of the terms it is computed from is rounding.
const DD_UNIT: f64 = 7.888_609_052_210_118e-31;

/// Refinement stops after this many corrections even if they still shrink (they
/// reach double-double resolution in two or three).
const MAX_REFINEMENTS: usize = 10;

/// A correction this small relative to the solution is at double-double resolution:
/// nothing left to improve.
const DD_RESOLUTION: f64 = 1e-31;

/// The last correction must be at least this small, relative to the solution, for the
/// solution to be trusted to f64 precision; otherwise the fit is refused.
const SETTLED: f64 = 1e-16;

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

    /// Fits `y` on the columns of `x`.
    ///
    /// # Errors
    /// [`RegressionError`] for degenerate input: no observations or no parameters, `y`
    /// not matching `x` or not finite, no more observations than parameters, the name
    /// `intercept` taken, a constant column (with an intercept), a zero column, a column
    /// that is a linear combination of the earlier ones, or columns too nearly
    /// collinear for nine correct digits.
    pub fn fit(&self, x: &Design, y: &[f64]) -> Result<FittedLinearRegression, RegressionError> {
        self.validate(x, y)?;
        let (n, k) = (x.rows, usize::from(self.intercept));
        let p = k + x.columns.len();

        // The column-scaled design Xs = X·D and response ys = y·sy, D and sy powers of two.
        let mut names: Vec<&str> = Vec::with_capacity(p);
        let mut scale = Vec::with_capacity(p);
        let mut a = Vec::with_capacity(n * p);
        if self.intercept {
            names.push(INTERCEPT);
            scale.push(1.0);
            a.resize(n, Dd::from(1.0));
        }
        for (name, column) in x.names.iter().zip(&x.columns) {
            let s = pow2_scale(column);
            names.push(name);
            scale.push(s);
            a.extend(column.iter().map(|v| *v * s));
        }
        let y_dd: Vec<Dd> = y.iter().map(|&v| Dd::from(v)).collect();
        let sy = pow2_scale(&y_dd);
        let ys: Vec<Dd> = y_dd.iter().map(|v| *v * sy).collect();

        // A column of x by its index in the design (which counts the intercept).
        let column = |d: usize| {
            let j = d.saturating_sub(k).min(x.names.len().saturating_sub(1));
            (j, x.names.get(j).cloned().unwrap_or_else(|| INTERCEPT.to_owned()))
        };
        let qr = Qr::factor(a.clone(), n, p, COLLINEAR_TOL).map_err(|d| {
            let (index, name) = column(d.column);
            if x.columns.get(index).is_some_and(|c| c.iter().all(|v| *v == 0.0)) {
                RegressionError::ZeroColumn { index, name }
            } else {
                RegressionError::Collinear { index, name, earlier: names[..d.column].join(", ") }
            }
        })?;

        // diag((XsᵀXs)⁻¹), and with it ‖R⁻¹‖_F² for the condition estimate.
        let mut unit = vec![ZERO; p];
        let diag: Vec<Dd> = (0..p)
            .map(|j| {
                unit[j] = Dd::from(1.0);
                let q = qr.quadratic_form(&unit);
                unit[j] = ZERO;
                q
            })
            .collect();
        let inv_frobenius = diag.iter().fold(ZERO, |s, d| s + *d).sqrt();
        let condition = f64::from(qr.r_frobenius() * inv_frobenius);
        let ill = || {
            let (index, name) = column(qr.weakest_column());
            RegressionError::IllConditioned { condition, limit: MAX_CONDITION, index, name }
        };
        if condition.is_nan() || condition > MAX_CONDITION {
            return Err(ill());
        }
        let (mut beta, steps) = refine(&qr, &a, n, &ys).ok_or_else(ill)?;
        let r = settle(&a, n, &ys, &mut beta);
        let stats = Statistics::new(&r, &ys, self.intercept, n, p);

        let t_dist = student(stats.df_residual);
        let beta: Vec<Dd> = beta.iter().zip(&scale).map(|(b, s)| *b * (*s / sy)).collect();
        let sigma = stats.sigma / sy;
        let coefficients = (0..p)
            .map(|j| {
                let estimate = f64::from(beta[j]);
                let std_error = f64::from(sigma * diag[j].sqrt() * scale[j]);
                let t = estimate / std_error;
                let p = match &t_dist {
                    Some(d) if !t.is_nan() => 2.0 * d.sf(t.abs()),
                    _ => f64::NAN,
                };
                Coefficient { name: names[j].to_owned(), estimate, std_error, t, p }
            })
            .collect();

        Ok(FittedLinearRegression {
            coefficients,
            residual_std_error: f64::from(sigma),
            r_squared: stats.r_squared,
            adj_r_squared: stats.adj_r_squared,
            f_statistic: stats.f_statistic,
            f_p_value: stats.f_p_value,
            df_model: stats.df_model,
            df_residual: stats.df_residual,
            n_obs: n,
            sse: f64::from(stats.sse) / sy / sy,
            condition_number: condition,
            refinement_steps: steps,
            intercept: self.intercept,
            columns: x.columns.len(),
            beta,
            scale,
            qr,
            sigma,
        })
    }

    fn validate(&self, x: &Design, y: &[f64]) -> Result<(), RegressionError> {
        let n = x.rows;
        if n == 0 && y.is_empty() {
            return Err(RegressionError::Empty);
        }
        if y.len() != n {
            return Err(RegressionError::LengthMismatch { rows: n, values: y.len() });
        }
        if let Some(row) = y.iter().position(|v| !v.is_finite()) {
            return Err(RegressionError::NotFiniteY { row });
        }
        let p = usize::from(self.intercept) + x.columns.len();
        if p == 0 {
            return Err(RegressionError::NoParameters);
        }
        if n <= p {
            return Err(RegressionError::TooFewRows { rows: n, parameters: p });
        }
        if self.intercept {
            if x.names.iter().any(|name| name == INTERCEPT) {
                return Err(RegressionError::ReservedName);
            }
            if let Some(j) = x.columns.iter().position(|c| c.iter().all(|v| *v == c[0])) {
                return Err(RegressionError::ConstantColumn { index: j, name: x.names[j].clone() });
            }
        }
        Ok(())
    }
}

/// The solution of the scaled problem, refined: β ← β + LS(y − Xβ) with the residual
/// accumulated in double-double, while the correction keeps shrinking. Returns it with
/// the number of corrections applied, or `None` when it did not settle to f64 precision.
fn refine(qr: &Qr, a: &[Dd], n: usize, ys: &[Dd]) -> Option<(Vec<Dd>, usize)> {
    let mut beta = qr.solve(ys);
    let mut steps = 0;
    let mut last = f64::INFINITY;
    for _ in 0..MAX_REFINEMENTS {
        let delta = qr.solve(&residuals(a, n, ys, &beta));
        let size = relative_size(&delta, &beta);
        if size.is_nan() || size >= last {
            break;
        }
        for (b, d) in beta.iter_mut().zip(&delta) {
            *b += *d;
        }
        steps += 1;
        last = size;
        if size <= DD_RESOLUTION {
            break;
        }
    }
    (last <= SETTLED).then_some((beta, steps))
}

/// The residuals of the refined solution, with what the arithmetic cannot resolve set to
/// exactly zero: a residual within the double-double rounding of its own row's terms
/// (so an exact fit has s = 0 and infinite t, as NIST certifies Wampler1), and first a
/// coefficient whose whole contribution is within that rounding of the largest row.
fn settle(a: &[Dd], n: usize, ys: &[Dd], beta: &mut [Dd]) -> Vec<Dd> {
    let terms = row_magnitudes(a, n, ys, beta);
    let resolution = beta.len() as f64 * DD_UNIT;
    let largest = terms.iter().fold(0.0_f64, |m, t| m.max(*t));
    for (column, b) in a.chunks_exact(n).zip(beta.iter_mut()) {
        let contribution = column.iter().fold(0.0_f64, |m, x| m.max((*x * *b).hi().abs()));
        if contribution <= resolution * largest {
            *b = ZERO;
        }
    }
    let mut r = residuals(a, n, ys, beta);
    for (ri, t) in r.iter_mut().zip(&terms) {
        if ri.hi().abs() <= resolution * t {
            *ri = ZERO;
        }
    }
    r
}

/// The fit statistics, from the residuals of the scaled problem (they are scale-free,
/// except `sse` and `sigma`, which are in the scaled units).
struct Statistics {
    sse: Dd,
    sigma: Dd,
    r_squared: f64,
    adj_r_squared: f64,
    f_statistic: f64,
    f_p_value: f64,
    df_model: usize,
    df_residual: usize,
}

impl Statistics {
    fn new(r: &[Dd], ys: &[Dd], intercept: bool, n: usize, p: usize) -> Self {
        let k = usize::from(intercept);
        let (df_model, df_residual) = (p - k, n - p);
        let sse = dot(r, r);
        let sst = if intercept {
            let mean = ys.iter().fold(ZERO, |s, v| s + *v) / n as f64;
            ys.iter().fold(ZERO, |s, v| s + (*v - mean) * (*v - mean))
        } else {
            dot(ys, ys)
        };
        let r_squared = if sst.hi() > 0.0 { f64::from(1.0 - div(sse, sst)) } else { f64::NAN };
        let adj_r_squared = 1.0 - (1.0 - r_squared) * (n - k) as f64 / df_residual as f64;
        let f_statistic = if df_model == 0 {
            f64::NAN
        } else if sse.hi() == 0.0 {
            f64::INFINITY
        } else {
            f64::from(div((sst - sse) / df_model as f64, sse / df_residual as f64))
        };
        let f_p_value = FisherSnedecor::new(df_model as f64, df_residual as f64)
            .ok()
            .filter(|_| !f_statistic.is_nan())
            .map_or(f64::NAN, |f| f.sf(f_statistic));
        Self {
            sse,
            sigma: (sse / df_residual as f64).sqrt(),
            r_squared,
            adj_r_squared,
            f_statistic,
            f_p_value,
            df_model,
            df_residual,
        }
    }
}

impl FittedLinearRegression {
    /// Predicts each row of `x` (the same columns as the fit, without the intercept),
    /// with the confidence interval of the mean and the prediction interval of a new
    /// observation at level `confidence` (0.95 for 95 %), from Student's t on
    /// `df_residual` degrees of freedom.
    ///
    /// # Errors
    /// [`RegressionError::InvalidConfidence`] outside (0, 1);
    /// [`RegressionError::ColumnCount`] when `x` has other columns than the model.
    pub fn predict(&self, x: &Design, confidence: f64) -> Result<Vec<Prediction>, RegressionError> {
        if !(confidence > 0.0 && confidence < 1.0) {
            return Err(RegressionError::InvalidConfidence(confidence));
        }
        if x.columns.len() != self.columns {
            return Err(RegressionError::ColumnCount { expected: self.columns, found: x.columns.len() });
        }
        let q = student(self.df_residual).map_or(f64::NAN, |d| d.inverse_cdf((1.0 + confidence) / 2.0));
        let k = usize::from(self.intercept);
        let mut row = vec![Dd::from(1.0); k + self.columns];
        let mut scaled = row.clone();
        Ok((0..x.rows)
            .map(|i| {
                for (j, column) in x.columns.iter().enumerate() {
                    row[k + j] = column[i];
                }
                for ((s, v), f) in scaled.iter_mut().zip(&row).zip(&self.scale) {
                    *s = *v * *f;
                }
                let fit = dot(&row, &self.beta);
                let h = self.qr.quadratic_form(&scaled);
                let std_error = f64::from(self.sigma * h.sqrt());
                let obs_error = f64::from(self.sigma * (h + 1.0).sqrt());
                let fit = f64::from(fit);
                Prediction {
                    fit,
                    std_error,
                    ci_low: fit - q * std_error,
                    ci_high: fit + q * std_error,
                    pi_low: fit - q * obs_error,
                    pi_high: fit + q * obs_error,
                }
            })
            .collect())
    }
}

/// |yᵢ| + Σⱼ|xᵢⱼβⱼ| per row: the size of what a residual is computed from.
fn row_magnitudes(a: &[Dd], n: usize, y: &[Dd], beta: &[Dd]) -> Vec<f64> {
    let mut t: Vec<f64> = y.iter().map(|v| v.hi().abs()).collect();
    for (column, b) in a.chunks_exact(n).zip(beta) {
        for (ti, xi) in t.iter_mut().zip(column) {
            *ti += (xi.hi() * b.hi()).abs();
        }
    }
    t
}

/// y − Xβ in double-double, X column-major `n × β.len()`.
fn residuals(a: &[Dd], n: usize, y: &[Dd], beta: &[Dd]) -> Vec<Dd> {
    let mut r = y.to_vec();
    for (column, b) in a.chunks_exact(n).zip(beta) {
        for (ri, xi) in r.iter_mut().zip(column) {
            *ri -= *xi * *b;
        }
    }
    r
}

/// max|δ| / max|β| (0 for a zero correction).
fn relative_size(delta: &[Dd], beta: &[Dd]) -> f64 {
    let max = |v: &[Dd]| v.iter().fold(0.0_f64, |m, x| m.max(x.hi().abs()));
    let d = max(delta);
    if d == 0.0 { 0.0 } else { d / max(beta) }
}

/// The power of two 2⁻ᵉ that brings the largest |value| into [½, 1): scaling by it is
/// exact, so the scaled problem is the same problem (1 for a zero column).
fn pow2_scale(values: &[Dd]) -> f64 {
    let m = values.iter().fold(0.0_f64, |m, v| m.max(v.hi().abs()));
    if !(m > 0.0 && m.is_finite()) {
        return 1.0;
    }
    let e = (m.log2().floor() as i64 + 1).clamp(-1022, 1022);
    f64::from_bits(((1023 - e) as u64) << 52)
}

fn student(df: usize) -> Option<StudentsT> {
    StudentsT::new(0.0, 1.0, df as f64).ok()
}

#[cfg(test)]
mod tests;
