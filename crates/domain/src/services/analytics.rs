//! Analytics use cases.
//!
//! A regression runs on data the caller supplies: nothing is read or stored, so there is
//! no transaction and no audit entry — only the rights check, the size limits, and the
//! mapping of degenerate input to field errors.

use rapport_analytics::regression::{Design, FittedLinearRegression, LinearRegression, Prediction, RegressionError};

use crate::error::{DomainError, FieldError, Result};
use crate::{Action, Actor};

/// The most observations a regression takes.
pub const MAX_ROWS: usize = 100_000;
/// The most columns of `x` a regression takes.
pub const MAX_COLUMNS: usize = 50;
/// The most rows to predict in one request.
pub const MAX_PREDICT_ROWS: usize = 1_000;
/// The longest column name.
pub const MAX_NAME_LENGTH: usize = 100;
/// The confidence level of the intervals when none is asked for.
pub const DEFAULT_CONFIDENCE: f64 = 0.95;

/// A regression to run: `y` on the columns of `x`, and rows to predict.
#[derive(Clone, Debug, PartialEq)]
pub struct RegressionInput {
    /// One name per column of `x`; `x1`, `x2`, … when absent.
    pub names: Option<Vec<String>>,
    /// Row-major observations: one row per observation.
    pub x: Vec<Vec<f64>>,
    /// The response, one value per row of `x`.
    pub y: Vec<f64>,
    /// Whether to fit an intercept.
    pub intercept: bool,
    /// Rows to predict, with the columns of `x`.
    pub predict: Vec<Vec<f64>>,
    /// The intervals' confidence level in (0, 1); [`DEFAULT_CONFIDENCE`] when absent.
    pub confidence: Option<f64>,
}

/// A fitted regression and the predictions asked for.
#[derive(Clone, Debug)]
pub struct RegressionOutput {
    /// The fit: coefficients and statistics.
    pub fit: FittedLinearRegression,
    /// The confidence level the intervals were computed at.
    pub confidence: f64,
    /// One per row of `predict`.
    pub predictions: Vec<Prediction>,
}

/// Fits a least-squares regression on the caller's data and predicts the rows asked for.
/// The numerics run on a blocking thread, so that request threads keep serving.
///
/// # Errors
/// `Forbidden` without `regression:run`; `Invalid` for input over the size limits or
/// degenerate input (the field is `x`, `y`, `names`, `predict` or `confidence`, and the
/// message names the column at fault).
pub async fn run_regression(actor: &Actor, input: RegressionInput) -> Result<RegressionOutput> {
    actor.require(Action::RegressionRun)?;
    check_limits(&input)?;
    tokio::task::spawn_blocking(move || regress(input))
        .await
        .map_err(|e| DomainError::Internal(format!("join: {e}")))?
}

fn check_limits(input: &RegressionInput) -> Result<()> {
    let mut problems = Vec::new();
    if input.x.len() > MAX_ROWS {
        problems.push(FieldError::new("x", format!("has {} rows; at most {MAX_ROWS} are allowed", input.x.len())));
    }
    if let Some(row) = input.x.iter().find(|r| r.len() > MAX_COLUMNS) {
        problems.push(FieldError::new("x", format!("has {} columns; at most {MAX_COLUMNS} are allowed", row.len())));
    }
    if input.y.len() > MAX_ROWS {
        problems.push(FieldError::new("y", format!("has {} values; at most {MAX_ROWS} are allowed", input.y.len())));
    }
    if input.predict.len() > MAX_PREDICT_ROWS {
        problems.push(FieldError::new(
            "predict",
            format!("has {} rows; at most {MAX_PREDICT_ROWS} are allowed", input.predict.len()),
        ));
    }
    if let Some(names) = &input.names {
        if names.len() > MAX_COLUMNS {
            problems.push(FieldError::new(
                "names",
                format!("has {} names; at most {MAX_COLUMNS} are allowed", names.len()),
            ));
        }
        if let Some(bad) = names.iter().find(|n| n.trim().is_empty() || n.chars().count() > MAX_NAME_LENGTH) {
            problems.push(FieldError::new(
                "names",
                format!("`{bad}`: a name must be 1 to {MAX_NAME_LENGTH} characters, not blank"),
            ));
        }
    }
    if let Some(c) = input.confidence
        && !(c > 0.0 && c < 1.0)
    {
        problems.push(FieldError::new("confidence", RegressionError::InvalidConfidence(c).to_string()));
    }
    if problems.is_empty() { Ok(()) } else { Err(DomainError::Invalid(problems)) }
}

fn regress(input: RegressionInput) -> Result<RegressionOutput> {
    let confidence = input.confidence.unwrap_or(DEFAULT_CONFIDENCE);
    let width = input.x.first().map_or(0, Vec::len);
    let names = input.names.unwrap_or_else(|| (1..=width).map(|j| format!("x{j}")).collect());
    let x = Design::from_rows(names.iter().cloned(), &input.x).map_err(|e| invalid(field(&e), &e))?;
    let fit = LinearRegression::new()
        .with_intercept(input.intercept)
        .fit(&x, &input.y)
        .map_err(|e| invalid(field(&e), &e))?;
    let new = Design::from_rows(names, &input.predict).map_err(|e| match e {
        RegressionError::NameCount { names, columns } => DomainError::invalid(
            "predict",
            RegressionError::ColumnCount { expected: names, found: columns }.to_string(),
        ),
        e => invalid("predict", &e),
    })?;
    let predictions = fit.predict(&new, confidence).map_err(|e| invalid(field(&e), &e))?;
    Ok(RegressionOutput { fit, confidence, predictions })
}

/// The request field a fitting error is about.
fn field(e: &RegressionError) -> &'static str {
    use RegressionError as E;
    match e {
        E::NameCount { .. } | E::DuplicateName { .. } | E::ReservedName => "names",
        E::LengthMismatch { .. } | E::NotFiniteY { .. } => "y",
        E::InvalidConfidence(_) => "confidence",
        E::ColumnCount { .. } => "predict",
        _ => "x",
    }
}

fn invalid(field: &str, e: &RegressionError) -> DomainError {
    DomainError::invalid(field, e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Role;

    fn input() -> RegressionInput {
        RegressionInput {
            names: Some(vec!["season".into(), "promotion".into()]),
            x: vec![vec![1.0, 0.0], vec![2.0, 1.0], vec![3.0, 0.0], vec![4.0, 1.0], vec![5.0, 0.0]],
            y: vec![120.5, 131.0, 128.0, 140.5, 135.0],
            intercept: true,
            predict: vec![vec![6.0, 1.0]],
            confidence: None,
        }
    }

    fn fields(e: DomainError) -> Vec<(String, String)> {
        match e {
            DomainError::Invalid(errors) => errors.into_iter().map(|f| (f.field, f.message)).collect(),
            other => panic!("expected Invalid, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn every_role_may_run_a_regression() {
        for role in Role::ALL {
            let out = run_regression(&Actor::user(1, role), input()).await.expect("fits");
            assert_eq!(out.fit.coefficients.len(), 3);
            assert_eq!(out.fit.coefficients[0].name, "intercept");
            assert_eq!(out.confidence, 0.95);
            assert_eq!(out.predictions.len(), 1);
            assert!(out.predictions[0].pi_low < out.predictions[0].ci_low);
        }
    }

    #[tokio::test]
    async fn a_collinear_column_is_a_field_error_naming_it() {
        let mut i = input();
        i.names = Some(vec!["season".into(), "promotion".into(), "double_season".into()]);
        for row in &mut i.x {
            row.push(2.0 * row[0]);
        }
        i.predict = vec![];
        let errors = fields(run_regression(&Actor::system(), i).await.expect_err("collinear"));
        assert_eq!(errors[0].0, "x");
        assert!(errors[0].1.contains("`double_season` (index 2)"), "{errors:?}");
    }

    #[tokio::test]
    async fn mismatched_y_and_bad_prediction_rows_name_their_field() {
        let mut i = input();
        i.y.pop();
        assert_eq!(fields(run_regression(&Actor::system(), i).await.expect_err("short y"))[0].0, "y");
        let mut i = input();
        i.predict = vec![vec![1.0]];
        let errors = fields(run_regression(&Actor::system(), i).await.expect_err("narrow row"));
        assert_eq!(errors[0], ("predict".into(), "rows to predict need 2 values, one per column of x; got 1".into()));
    }

    #[tokio::test]
    async fn limits_and_the_confidence_level_are_checked_first() {
        let mut i = input();
        i.x = vec![vec![0.0; MAX_COLUMNS + 1]; 3];
        i.confidence = Some(1.0);
        i.names = None;
        let errors = fields(run_regression(&Actor::system(), i).await.expect_err("too wide"));
        let named: Vec<&str> = errors.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(named, ["x", "confidence"]);
        let mut i = input();
        i.predict = vec![vec![1.0, 0.0]; MAX_PREDICT_ROWS + 1];
        assert_eq!(fields(run_regression(&Actor::system(), i).await.expect_err("too many"))[0].0, "predict");
    }

    #[tokio::test]
    async fn names_default_to_x1_x2() {
        let mut i = input();
        i.names = None;
        let out = run_regression(&Actor::system(), i).await.expect("fits");
        let names: Vec<&str> = out.fit.coefficients.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["intercept", "x1", "x2"]);
    }
}
