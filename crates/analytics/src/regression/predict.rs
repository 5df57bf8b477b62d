//! Predictions from a fitted model, with confidence and prediction intervals.

use statrs::distribution::ContinuousCDF;

use super::qr::{Dd, dot};
use super::stats::student;
use super::{Design, FittedLinearRegression, Prediction, RegressionError};

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
