//! The fit statistics and the Student's t distribution they are tested against.

use statrs::distribution::{ContinuousCDF, FisherSnedecor, StudentsT};

use super::qr::{Dd, ZERO, div, dot};

/// The fit statistics, from the residuals of the scaled problem (they are scale-free,
/// except `sse` and `sigma`, which are in the scaled units).
pub(super) struct Statistics {
    pub(super) sse: Dd,
    pub(super) sigma: Dd,
    pub(super) r_squared: f64,
    pub(super) adj_r_squared: f64,
    pub(super) f_statistic: f64,
    pub(super) f_p_value: f64,
    pub(super) df_model: usize,
    pub(super) df_residual: usize,
}

impl Statistics {
    pub(super) fn new(r: &[Dd], ys: &[Dd], intercept: bool, n: usize, p: usize) -> Self {
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

pub(super) fn student(df: usize) -> Option<StudentsT> {
    StudentsT::new(0.0, 1.0, df as f64).ok()
}
