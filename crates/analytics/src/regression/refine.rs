//! Iterative refinement of the scaled solution, and the residual arithmetic it rests on.

use super::qr::{Dd, Qr, ZERO};

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

/// The solution of the scaled problem, refined: β ← β + LS(y − Xβ) with the residual
/// accumulated in double-double, while the correction keeps shrinking. Returns it with
/// the number of corrections applied, or `None` when it did not settle to f64 precision.
pub(super) fn refine(qr: &Qr, a: &[Dd], n: usize, ys: &[Dd]) -> Option<(Vec<Dd>, usize)> {
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
pub(super) fn settle(a: &[Dd], n: usize, ys: &[Dd], beta: &mut [Dd]) -> Vec<Dd> {
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
pub(super) fn pow2_scale(values: &[Dd]) -> f64 {
    let m = values.iter().fold(0.0_f64, |m, v| m.max(v.hi().abs()));
    if !(m > 0.0 && m.is_finite()) {
        return 1.0;
    }
    let e = (m.log2().floor() as i64 + 1).clamp(-1022, 1022);
    f64::from_bits(((1023 - e) as u64) << 52)
}
