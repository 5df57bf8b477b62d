//! Fitting: the input checks, the scaled and factored problem, and the coefficients
//! with their statistics.

use statrs::distribution::ContinuousCDF;

use super::qr::{Dd, Qr, ZERO};
use super::refine::{pow2_scale, refine, settle};
use super::stats::{Statistics, student};
use super::{
    COLLINEAR_TOL, Coefficient, Design, FittedLinearRegression, INTERCEPT, LinearRegression, MAX_CONDITION,
    RegressionError,
};

impl LinearRegression {
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
