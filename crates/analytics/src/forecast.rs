//! Monthly sales forecast: revenue = β0 + β1·t + Σ γm·\[month = m\], plus δ·promotion
//! and any extra regressors, fitted by the exact least squares of
//! [`crate::regression`], with 95% prediction intervals and a rolling-origin backtest.

use crate::regression::{Coefficient, Design, LinearRegression, Prediction, RegressionError};

/// What to forecast from.
#[derive(Clone, Debug, PartialEq)]
pub struct ForecastInput {
    /// Revenue per month, oldest first, consecutive months.
    pub revenue: Vec<f64>,
    /// Calendar month (1–12) of the first value.
    pub first_month: u32,
    /// Months to forecast.
    pub horizon: usize,
    /// Extra regressors, each with one value per history month and per forecast month
    /// (promotion activity, say). A column that is zero throughout is left out.
    pub extras: Vec<(String, Vec<f64>)>,
}

/// The rolling-origin backtest: one-step-ahead forecasts of the last months.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Backtest {
    /// Months forecast.
    pub points: usize,
    /// Mean absolute percentage error, in percent (months with zero revenue skipped).
    pub mape: Option<f64>,
    /// Root mean squared error.
    pub rmse: f64,
}

/// A fitted forecast.
#[derive(Clone, Debug, PartialEq)]
pub struct Forecast {
    /// The model's value for each history month.
    pub fitted: Vec<f64>,
    /// Each forecast month with its intervals.
    pub forecast: Vec<Prediction>,
    pub coefficients: Vec<Coefficient>,
    pub r_squared: f64,
    pub adj_r_squared: f64,
    pub residual_std_error: f64,
    /// `None` when the history is too short to hold any month back.
    pub backtest: Option<Backtest>,
}

/// Why there is no forecast.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ForecastError {
    /// Not enough months to estimate trend and seasonality.
    #[error("the forecast needs at least {need} months of history; there are {have}")]
    TooShort {
        /// Months given.
        have: usize,
        /// Months needed.
        need: usize,
    },
    /// An extra regressor does not cover history and horizon.
    #[error("regressor {name} has {have} values; it needs {need} (history and horizon)")]
    ExtraLength { name: String, have: usize, need: usize },
    /// The regression failed (a degenerate regressor, say).
    #[error(transparent)]
    Regression(#[from] RegressionError),
}

/// The extra regressors that vary over the history (one that is zero throughout the
/// history, e.g. promotions before the first campaign, cannot be fitted and is left out).
fn columns(input: &ForecastInput) -> Vec<&(String, Vec<f64>)> {
    let n = input.revenue.len();
    input.extras.iter().filter(|(_, v)| v.iter().take(n).any(|x| *x != 0.0)).collect()
}

/// Names and rows of the design for months `range` (0-based from the first history month).
fn design(
    input: &ForecastInput,
    extras: &[&(String, Vec<f64>)],
    range: std::ops::Range<usize>,
) -> Result<Design, RegressionError> {
    let mut names = vec!["trend".to_owned()];
    names.extend((2..=12).map(|m| format!("month_{m:02}")));
    names.extend(extras.iter().map(|(n, _)| n.clone()));
    let rows: Vec<Vec<f64>> = range
        .map(|i| {
            let month = (input.first_month as usize - 1 + i) % 12 + 1;
            let mut row = vec![(i + 1) as f64];
            row.extend((2..=12).map(|m| if m == month { 1.0 } else { 0.0 }));
            row.extend(extras.iter().map(|(_, v)| v[i]));
            row
        })
        .collect();
    Design::from_rows(names, &rows)
}

/// The months of history a forecast needs with `extras` regressors.
pub fn months_needed(extras: usize) -> usize {
    // Intercept, trend and eleven month effects, plus two degrees of freedom.
    (13 + extras + 2).max(12)
}

/// Fits and forecasts.
///
/// # Errors
/// [`ForecastError::TooShort`], [`ForecastError::ExtraLength`], or the regression's error.
pub fn forecast(input: &ForecastInput) -> Result<Forecast, ForecastError> {
    let n = input.revenue.len();
    for (name, values) in &input.extras {
        if values.len() != n + input.horizon {
            return Err(ForecastError::ExtraLength { name: name.clone(), have: values.len(), need: n + input.horizon });
        }
    }
    let extras = columns(input);
    let need = months_needed(extras.len());
    if n < need {
        return Err(ForecastError::TooShort { have: n, need });
    }
    let model = LinearRegression::new();
    let fit = model.fit(&design(input, &extras, 0..n)?, &input.revenue)?;
    let fitted: Vec<f64> = fit.predict(&design(input, &extras, 0..n)?, 0.95)?.into_iter().map(|p| p.fit).collect();
    let forecast =
        if input.horizon > 0 { fit.predict(&design(input, &extras, n..n + input.horizon)?, 0.95)? } else { Vec::new() };

    // Rolling origin: refit on everything before each of the last (up to) 12 months.
    let first_origin = need.max(n.saturating_sub(12));
    let (mut ape, mut sq, mut points) = (Vec::new(), 0.0, 0usize);
    for origin in first_origin..n {
        let Ok(f) = model.fit(&design(input, &extras, 0..origin)?, &input.revenue[..origin]) else { continue };
        let Some(p) = f.predict(&design(input, &extras, origin..origin + 1)?, 0.95)?.pop() else { continue };
        let actual = input.revenue[origin];
        let err = p.fit - actual;
        sq += err * err;
        points += 1;
        if actual != 0.0 {
            ape.push((err / actual).abs() * 100.0);
        }
    }
    let backtest = (points > 0).then(|| Backtest {
        points,
        mape: (!ape.is_empty()).then(|| ape.iter().sum::<f64>() / ape.len() as f64),
        rmse: (sq / points as f64).sqrt(),
    });
    Ok(Forecast {
        fitted,
        forecast,
        coefficients: fit.coefficients.clone(),
        r_squared: fit.r_squared,
        adj_r_squared: fit.adj_r_squared,
        residual_std_error: fit.residual_std_error,
        backtest,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn synthetic(months: usize) -> Vec<f64> {
        // 1000 + 25 per month + a season that peaks in December, starting in January.
        let season = [-80.0, -60.0, -30.0, 0.0, 10.0, 20.0, 0.0, -10.0, 0.0, 30.0, 120.0, 200.0];
        (0..months).map(|i| 1000.0 + 25.0 * (i + 1) as f64 + season[i % 12]).collect()
    }

    #[test]
    fn trend_and_season_are_recovered() {
        let input = ForecastInput { revenue: synthetic(36), first_month: 1, horizon: 12, extras: Vec::new() };
        let f = forecast(&input).expect("forecast");
        let coef =
            |name: &str| f.coefficients.iter().find(|c| c.name == name).map(|c| c.estimate).expect("coefficient");
        assert!((coef("trend") - 25.0).abs() < 1e-8, "{}", coef("trend"));
        // December relative to January: 200 − (−80).
        assert!((coef("month_12") - 280.0).abs() < 1e-7);
        let expected = synthetic(48);
        for (k, p) in f.forecast.iter().enumerate() {
            assert!((p.fit - expected[36 + k]).abs() < 1e-6, "month {k}: {} vs {}", p.fit, expected[36 + k]);
        }
        assert!(f.r_squared > 0.999_999);
        let b = f.backtest.expect("backtest");
        assert_eq!(b.points, 12);
        assert!(b.rmse < 1e-6 && b.mape.unwrap_or(1.0) < 1e-6);
    }

    #[test]
    fn noise_gives_honest_intervals() {
        let mut r = synthetic(30);
        // Deterministic noise that no trend or month effect can absorb.
        for (i, v) in r.iter_mut().enumerate() {
            *v += ((i * 7919) % 31) as f64 - 15.0;
        }
        let f =
            forecast(&ForecastInput { revenue: r, first_month: 4, horizon: 3, extras: Vec::new() }).expect("forecast");
        for p in &f.forecast {
            assert!(p.pi_low < p.fit && p.fit < p.pi_high && p.pi_high - p.pi_low > p.ci_high - p.ci_low);
        }
        assert!(f.residual_std_error > 5.0);
    }

    #[test]
    fn short_histories_say_how_much_is_needed() {
        let err = forecast(&ForecastInput { revenue: synthetic(10), first_month: 1, horizon: 1, extras: Vec::new() });
        assert_eq!(err, Err(ForecastError::TooShort { have: 10, need: 15 }));
        let with_extra = ForecastInput {
            revenue: synthetic(20),
            first_month: 1,
            horizon: 2,
            extras: vec![("promotion".into(), vec![1.0; 5])],
        };
        assert!(matches!(forecast(&with_extra), Err(ForecastError::ExtraLength { .. })));
    }

    #[test]
    fn an_all_zero_regressor_is_left_out() {
        let input = ForecastInput {
            revenue: synthetic(24),
            first_month: 1,
            horizon: 1,
            extras: vec![("promotion".into(), vec![0.0; 25])],
        };
        let f = forecast(&input).expect("forecast");
        assert!(f.coefficients.iter().all(|c| c.name != "promotion"));
    }
}
