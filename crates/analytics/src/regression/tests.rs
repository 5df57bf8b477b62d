use super::*;

fn design(names: &[&str], rows: &[Vec<f64>]) -> Design {
    Design::from_rows(names.iter().copied(), rows).expect("valid design")
}

fn column(values: &[f64]) -> Vec<Vec<f64>> {
    values.iter().map(|&v| vec![v]).collect()
}

fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * b.abs().max(f64::MIN_POSITIVE)
}

#[test]
fn a_straight_line_matches_the_closed_form() {
    let x = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
    let y = [2.9, 5.2, 6.8, 9.1, 11.0, 13.2];
    let fit = LinearRegression::new().fit(&design(&["x"], &column(&x)), &y).expect("fits");
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let sxx: f64 = x.iter().map(|v| (v - mx).powi(2)).sum();
    let sxy: f64 = x.iter().zip(&y).map(|(a, b)| (a - mx) * (b - my)).sum();
    let syy: f64 = y.iter().map(|v| (v - my).powi(2)).sum();
    let slope = sxy / sxx;
    let icpt = my - slope * mx;
    let sse = syy - slope * sxy;
    let s = (sse / (n - 2.0)).sqrt();
    let c = &fit.coefficients;
    assert_eq!((c[0].name.as_str(), c[1].name.as_str()), (INTERCEPT, "x"));
    assert!(close(c[1].estimate, slope, 1e-13) && close(c[0].estimate, icpt, 1e-13), "{c:?}");
    assert!(close(fit.residual_std_error, s, 1e-12));
    assert!(close(c[1].std_error, s / sxx.sqrt(), 1e-12));
    assert!(close(c[0].std_error, s * (1.0 / n + mx * mx / sxx).sqrt(), 1e-12));
    assert!(close(c[1].t, slope / (s / sxx.sqrt()), 1e-12));
    assert!(close(fit.r_squared, 1.0 - sse / syy, 1e-13));
    assert!(close(fit.f_statistic, c[1].t * c[1].t, 1e-12));
    assert_eq!((fit.df_model, fit.df_residual, fit.n_obs), (1, 4, 6));
    assert!(c[1].p < 1e-5 && (fit.f_p_value - c[1].p).abs() < 1e-15);

    // Prediction at x̄ has the smallest standard error, s/√n.
    let at_mean = fit.predict(&design(&["x"], &[vec![mx]]), 0.95).expect("predicts");
    assert!(close(at_mean[0].fit, my, 1e-13));
    assert!(close(at_mean[0].std_error, s / n.sqrt(), 1e-12));
    // t(0.975, 4) = 2.7764451051977987.
    let q = 2.776_445_105_197_798_7;
    assert!(close(at_mean[0].ci_high - at_mean[0].fit, q * s / n.sqrt(), 1e-9));
    assert!(close(at_mean[0].pi_high - at_mean[0].fit, q * s * (1.0 + 1.0 / n).sqrt(), 1e-9));
}

#[test]
fn without_intercept_r_squared_is_uncentered() {
    let x = [1.0, 2.0, 3.0, 4.0];
    let y = [2.1, 3.9, 6.2, 7.8];
    let fit = LinearRegression::new().with_intercept(false).fit(&design(&["x"], &column(&x)), &y).expect("fits");
    let sxy: f64 = x.iter().zip(&y).map(|(a, b)| a * b).sum();
    let sxx: f64 = x.iter().map(|a| a * a).sum();
    let syy: f64 = y.iter().map(|a| a * a).sum();
    let b = sxy / sxx;
    assert_eq!(fit.coefficients.len(), 1);
    assert!(close(fit.coefficients[0].estimate, b, 1e-14));
    assert!(close(fit.r_squared, 1.0 - (syy - b * sxy) / syy, 1e-12));
    assert!(close(fit.adj_r_squared, 1.0 - (1.0 - fit.r_squared) * 4.0 / 3.0, 1e-12));
    assert_eq!((fit.df_model, fit.df_residual), (1, 3));
}

#[test]
fn an_intercept_only_model_estimates_the_mean() {
    let y = [3.0, 5.0, 4.0, 8.0];
    let fit = LinearRegression::new().fit(&design(&[], &[vec![], vec![], vec![], vec![]]), &y).expect("fits");
    assert_eq!(fit.coefficients[0].estimate, 5.0);
    let sd = (14.0_f64 / 3.0).sqrt();
    assert!(close(fit.coefficients[0].std_error, sd / 2.0, 1e-14));
    assert_eq!(fit.r_squared, 0.0);
    assert!(fit.f_statistic.is_nan() && fit.f_p_value.is_nan(), "no regressors, no F");
}

#[test]
fn an_exact_fit_has_zero_errors_and_infinite_t() {
    let x = [1.0, 2.0, 3.0, 4.0];
    let y: Vec<f64> = x.iter().map(|v| 1.5 + 0.25 * v).collect();
    let fit = LinearRegression::new().fit(&design(&["x"], &column(&x)), &y).expect("fits");
    assert_eq!(fit.coefficients[1].estimate, 0.25);
    assert_eq!(fit.residual_std_error, 0.0);
    assert_eq!(fit.coefficients[1].std_error, 0.0);
    assert_eq!(fit.coefficients[1].t, f64::INFINITY);
    assert_eq!(fit.coefficients[1].p, 0.0);
    assert_eq!(fit.r_squared, 1.0);
    assert_eq!(fit.f_statistic, f64::INFINITY);
    let p = fit.predict(&design(&["x"], &[vec![10.0]]), 0.9).expect("predicts");
    assert_eq!((p[0].fit, p[0].ci_low, p[0].pi_high), (4.0, 4.0, 4.0));
}

#[test]
fn a_constant_y_has_no_r_squared() {
    let fit = LinearRegression::new().fit(&design(&["x"], &column(&[1.0, 2.0, 3.0])), &[7.0; 3]).expect("fits");
    assert!(fit.r_squared.is_nan() && fit.adj_r_squared.is_nan());
    assert_eq!(fit.coefficients[1].estimate, 0.0);
    assert!(fit.coefficients[1].t.is_nan() && fit.coefficients[1].p.is_nan());
}

#[test]
fn empty_input_is_refused() {
    let none: [Vec<f64>; 0] = [];
    let e = LinearRegression::new().fit(&design(&["x"], &none), &[]).expect_err("empty");
    assert_eq!(e, RegressionError::Empty);
    let e = LinearRegression::new().with_intercept(false).fit(&design(&[], &[vec![], vec![]]), &[1.0, 2.0]);
    assert_eq!(e.expect_err("nothing to fit"), RegressionError::NoParameters);
}

#[test]
fn mismatched_lengths_are_refused() {
    let e = LinearRegression::new().fit(&design(&["x"], &column(&[1.0, 2.0, 3.0])), &[1.0, 2.0]);
    assert_eq!(e.expect_err("mismatch"), RegressionError::LengthMismatch { rows: 3, values: 2 });
}

#[test]
fn non_finite_y_is_refused() {
    let e = LinearRegression::new().fit(&design(&["x"], &column(&[1.0, 2.0, 3.0])), &[1.0, f64::NAN, 2.0]);
    assert_eq!(e.expect_err("NaN"), RegressionError::NotFiniteY { row: 1 });
}

#[test]
fn fewer_rows_than_parameters_are_refused() {
    let x = design(&["a", "b"], &[vec![1.0, 2.0], vec![2.0, 1.0]]);
    let e = LinearRegression::new().fit(&x, &[1.0, 2.0]).expect_err("2 rows, 3 parameters");
    assert_eq!(e, RegressionError::TooFewRows { rows: 2, parameters: 3 });
    // As many rows as parameters leave nothing to estimate the error with.
    let x = design(&["a", "b"], &[vec![1.0, 2.0], vec![2.0, 1.0], vec![3.0, 5.0]]);
    let e = LinearRegression::new().fit(&x, &[1.0, 2.0, 4.0]).expect_err("3 rows, 3 parameters");
    assert_eq!(e, RegressionError::TooFewRows { rows: 3, parameters: 3 });
    assert!(e.to_string().contains("at least 4"), "{e}");
}

#[test]
fn a_constant_column_is_named_when_an_intercept_is_fitted() {
    let rows: Vec<Vec<f64>> = (0..5).map(|i| vec![i as f64, 2.5]).collect();
    let y = [1.0, 3.0, 2.0, 5.0, 4.0];
    let e = LinearRegression::new().fit(&design(&["season", "promotion"], &rows), &y).expect_err("constant");
    assert_eq!(e, RegressionError::ConstantColumn { index: 1, name: "promotion".into() });
    assert!(e.to_string().contains("`promotion` (index 1)"), "{e}");
    // Without an intercept the constant column is the intercept.
    let fit = LinearRegression::new().with_intercept(false).fit(&design(&["season", "promotion"], &rows), &y);
    assert!(fit.is_ok());
}

#[test]
fn a_zero_column_is_named_without_an_intercept() {
    let rows: Vec<Vec<f64>> = (0..5).map(|i| vec![0.0, i as f64]).collect();
    let e = LinearRegression::new()
        .with_intercept(false)
        .fit(&design(&["none", "x"], &rows), &[1.0, 3.0, 2.0, 5.0, 4.0])
        .expect_err("zero column");
    assert_eq!(e, RegressionError::ZeroColumn { index: 0, name: "none".into() });
}

#[test]
fn an_exactly_collinear_column_is_named_with_the_columns_it_depends_on() {
    let rows: Vec<Vec<f64>> = (0..6).map(|i| vec![i as f64, (i * i) as f64, 2.0 * i as f64 + 3.0]).collect();
    let y = [1.0, 3.0, 2.0, 5.0, 4.0, 7.0];
    let e = LinearRegression::new().fit(&design(&["a", "b", "c"], &rows), &y).expect_err("collinear");
    assert_eq!(e, RegressionError::Collinear { index: 2, name: "c".into(), earlier: "intercept, a, b".into() });
    // Decimal multiples are collinear up to the rounding of their f64 values.
    let rows: Vec<Vec<f64>> = (0..6).map(|i| vec![0.7 * i as f64, 0.1 * (0.7 * i as f64) + 0.3]).collect();
    let e = LinearRegression::new().fit(&design(&["cost", "price"], &rows), &y).expect_err("collinear");
    assert!(matches!(e, RegressionError::Collinear { index: 1, .. }), "{e}");
}

#[test]
fn nearly_collinear_columns_are_refused_as_ill_conditioned() {
    // x and x ± 10⁻¹¹: independent, but only just — no nine digits to be had.
    let rows: Vec<Vec<f64>> =
        (0..8).map(|i| vec![1.0 + i as f64, 1.0 + i as f64 + if i % 2 == 0 { 1e-11 } else { -1e-11 }]).collect();
    let y = [1.0, 3.0, 2.0, 5.0, 4.0, 7.0, 6.0, 8.0];
    let e = LinearRegression::new().fit(&design(&["a", "b"], &rows), &y).expect_err("ill-conditioned");
    assert!(
        matches!(&e, RegressionError::IllConditioned { index: 1, condition, .. } if *condition > MAX_CONDITION),
        "{e:?}"
    );
}

#[test]
fn the_intercept_name_is_reserved_when_an_intercept_is_fitted() {
    let e = LinearRegression::new().fit(&design(&["intercept"], &column(&[1.0, 2.0, 3.0])), &[1.0, 2.0, 4.0]);
    assert_eq!(e.expect_err("reserved"), RegressionError::ReservedName);
}

#[test]
fn predictions_check_their_level_and_columns() {
    let fit = LinearRegression::new()
        .fit(&design(&["x"], &column(&[1.0, 2.0, 3.0, 4.0])), &[1.0, 3.0, 2.0, 5.0])
        .expect("fits");
    let one = design(&["x"], &[vec![2.0]]);
    for bad in [0.0, 1.0, -0.5, 95.0, f64::NAN] {
        let e = fit.predict(&one, bad).expect_err("bad level");
        assert!(matches!(e, RegressionError::InvalidConfidence(_)), "{bad}");
    }
    let e = fit.predict(&design(&["x", "z"], &[vec![2.0, 1.0]]), 0.95).expect_err("two columns");
    assert_eq!(e, RegressionError::ColumnCount { expected: 1, found: 2 });
    assert!(fit.predict(&design(&["x"], &[] as &[Vec<f64>]), 0.95).expect("no rows").is_empty());
}

#[test]
fn huge_and_tiny_scales_fit_alike() {
    // Power-of-two scaling makes the fit blind to units: a factor 2⁴⁰ on x and 2⁻³⁰ on y
    // changes the estimates by exactly those factors.
    let x = [1.0, 2.0, 3.0, 4.0, 5.0];
    let y = [1.1, 1.9, 3.2, 3.9, 5.1];
    let base = LinearRegression::new().fit(&design(&["x"], &column(&x)), &y).expect("fits");
    let (fx, fy) = (2f64.powi(40), 2f64.powi(-30));
    let xs: Vec<f64> = x.iter().map(|v| v * fx).collect();
    let ys: Vec<f64> = y.iter().map(|v| v * fy).collect();
    let scaled = LinearRegression::new().fit(&design(&["x"], &column(&xs)), &ys).expect("fits");
    assert_eq!(scaled.coefficients[1].estimate, base.coefficients[1].estimate * fy / fx);
    assert_eq!(scaled.coefficients[0].estimate, base.coefficients[0].estimate * fy);
    assert_eq!(scaled.r_squared, base.r_squared);
}

#[test]
fn values_near_the_f64_limits_do_not_overflow() {
    // s² of this y is about 10⁵⁹⁸: beyond f64, though s and the fit are not.
    let x = [1.0, 2.0, 3.0, 4.0, 5.0];
    let y = [1.1, 1.9, 3.2, 3.9, 5.1];
    let base = LinearRegression::new().fit(&design(&["x"], &column(&x)), &y).expect("fits");
    let big: Vec<f64> = y.iter().map(|v| v * 1e300).collect();
    let fit = LinearRegression::new().fit(&design(&["x"], &column(&x)), &big).expect("fits");
    assert!(close(fit.residual_std_error, base.residual_std_error * 1e300, 1e-14));
    assert!(close(fit.coefficients[1].std_error, base.coefficients[1].std_error * 1e300, 1e-14));
    assert!(close(fit.r_squared, base.r_squared, 1e-14));
    assert_eq!(fit.sse, f64::INFINITY);
    let tiny: Vec<f64> = x.iter().map(|v| v * 1e-300).collect();
    let fit = LinearRegression::new().fit(&design(&["x"], &column(&tiny)), &y).expect("fits");
    assert!(close(fit.coefficients[1].estimate, base.coefficients[1].estimate * 1e300, 1e-14));
}
