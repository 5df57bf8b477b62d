//! Householder QR in double-double arithmetic, and the triangular solves built on it.
//!
//! Why double-double and not f64: the data come in as f64, but a polynomial design
//! needs its powers to more than 16 digits (rounding x¹⁰ to f64 alone costs NIST's
//! Filip seven of its fifteen digits, measured), and the standard errors need the
//! diagonal of (XᵀX)⁻¹, whose error from an f64 factor is κ·2⁻⁵³ ≈ 10⁻⁶ on Filip
//! (scaled κ ≈ 5·10⁹). With a unit roundoff of 2⁻¹⁰⁴ the same factorisation leaves
//! κ·2⁻¹⁰⁴ ≈ 10⁻²², far below the f64 results we hand out.

use twofloat::TwoFloat;

/// Double-double: an unevaluated sum of two f64, about 32 significant digits.
pub(crate) type Dd = TwoFloat;

/// 0 in double-double.
pub(crate) const ZERO: Dd = TwoFloat::from_f64(0.0);

/// A Householder QR factorisation of a tall matrix, stored as in LINPACK: R strictly
/// above the diagonal, the Householder vectors on and below it, R's diagonal apart.
#[derive(Clone, Debug)]
pub(crate) struct Qr {
    rows: usize,
    cols: usize,
    /// Column-major, `rows × cols`.
    qr: Vec<Dd>,
    rdiag: Vec<Dd>,
    /// The norms of the columns as given.
    norms: Vec<Dd>,
}

/// Why a factorisation stopped.
#[derive(Debug, PartialEq)]
pub(crate) struct Dependent {
    /// The first column whose part orthogonal to the earlier columns is negligible.
    pub column: usize,
}

impl Qr {
    /// Factors the column-major `rows × cols` matrix `a` (`rows ≥ cols`).
    ///
    /// Without pivoting, so that the first column whose part orthogonal to the columns
    /// before it is at most `tol` times its own norm is the one to blame for a rank
    /// defect, and is reported as such.
    pub(crate) fn factor(mut a: Vec<Dd>, rows: usize, cols: usize, tol: f64) -> Result<Self, Dependent> {
        debug_assert_eq!(a.len(), rows * cols);
        let norms: Vec<Dd> = (0..cols).map(|j| norm(&a[j * rows..(j + 1) * rows])).collect();
        let mut rdiag = vec![ZERO; cols];
        for k in 0..cols {
            let (left, right) = a.split_at_mut((k + 1) * rows);
            let v = &mut left[k * rows + k..];
            let mut nrm = norm(v);
            if nrm.hi().is_nan() || nrm.hi() <= tol * norms[k].hi() {
                return Err(Dependent { column: k });
            }
            if v[0] < 0.0 {
                nrm = -nrm;
            }
            for x in v.iter_mut() {
                *x = div(*x, nrm);
            }
            v[0] += 1.0;
            let v = &*v;
            for j in 0..cols - k - 1 {
                let c = &mut right[j * rows + k..(j + 1) * rows];
                let s = -div(dot(v, c), v[0]);
                for (ci, vi) in c.iter_mut().zip(v) {
                    *ci += s * *vi;
                }
            }
            rdiag[k] = -nrm;
        }
        Ok(Self { rows, cols, qr: a, rdiag, norms })
    }

    /// Rᵢⱼ for i < j.
    fn r(&self, i: usize, j: usize) -> Dd {
        self.qr[j * self.rows + i]
    }

    /// The least-squares solution of `A x ≈ b`: x = R⁻¹ (Qᵀb)₁..ₚ.
    pub(crate) fn solve(&self, b: &[Dd]) -> Vec<Dd> {
        let mut c = b.to_vec();
        for k in 0..self.cols {
            let v = &self.qr[k * self.rows + k..(k + 1) * self.rows];
            let c = &mut c[k..];
            let s = -div(dot(v, c), v[0]);
            for (ci, vi) in c.iter_mut().zip(v) {
                *ci += s * *vi;
            }
        }
        let mut x = c[..self.cols].to_vec();
        for k in (0..self.cols).rev() {
            x[k] = div(x[k], self.rdiag[k]);
            let xk = x[k];
            for (i, xi) in x.iter_mut().enumerate().take(k) {
                *xi -= xk * self.r(i, k);
            }
        }
        x
    }

    /// ‖R⁻ᵀc‖², that is cᵀ(AᵀA)⁻¹c, by forward substitution: a sum of squares, so the
    /// cancellation that cᵀ·C·c with an explicit inverse C would suffer never happens.
    pub(crate) fn quadratic_form(&self, c: &[Dd]) -> Dd {
        let mut z = vec![ZERO; self.cols];
        let mut sum = ZERO;
        for k in 0..self.cols {
            let mut s = c[k];
            for (i, zi) in z.iter().enumerate().take(k) {
                s -= self.r(i, k) * *zi;
            }
            z[k] = div(s, self.rdiag[k]);
            sum += z[k] * z[k];
        }
        sum
    }

    /// The column whose part orthogonal to the columns before it, |rₖₖ|, is the smallest
    /// fraction of its norm: the one closest to a combination of the earlier ones.
    pub(crate) fn weakest_column(&self) -> usize {
        let ratio = |k: usize| self.rdiag[k].hi().abs() / self.norms[k].hi();
        (0..self.cols).min_by(|&a, &b| ratio(a).total_cmp(&ratio(b))).unwrap_or(0)
    }

    /// ‖R‖_F, for the condition estimate ‖R‖_F·‖R⁻¹‖_F.
    pub(crate) fn r_frobenius(&self) -> Dd {
        let mut sum = ZERO;
        for j in 0..self.cols {
            sum += self.rdiag[j] * self.rdiag[j];
            for i in 0..j {
                sum += self.r(i, j) * self.r(i, j);
            }
        }
        sum.sqrt()
    }
}

/// a / b to double-double accuracy, by long division with `Dd × f64` products.
///
/// Not twofloat's `Dd / Dd`: it forms 1 − b·(1/b) with the product rounded to f64
/// (where Joldes et al.'s Algorithm 18 uses an FMA), which leaves its quotient only
/// about f64-accurate: in twofloat 0.8.4, 1/√8 came out wrong in the 17th digit, and
/// Householder vectors built with it cost the solve half its digits.
pub(crate) fn div(a: Dd, b: Dd) -> Dd {
    let q1 = a.hi() / b.hi();
    let r = a - b * q1;
    let q2 = r.hi() / b.hi();
    let r = r - b * q2;
    let q3 = r.hi() / b.hi();
    Dd::new_add(q1, q2) + q3
}

/// Σ aᵢbᵢ in double-double.
pub(crate) fn dot(a: &[Dd], b: &[Dd]) -> Dd {
    a.iter().zip(b).fold(ZERO, |s, (x, y)| s + *x * *y)
}

/// The Euclidean norm in double-double; callers scale columns to about 1 first,
/// so squaring neither overflows nor underflows.
pub(crate) fn norm(a: &[Dd]) -> Dd {
    dot(a, a).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dd(v: &[f64]) -> Vec<Dd> {
        v.iter().map(|&x| Dd::from(x)).collect()
    }

    #[test]
    fn solves_a_small_exact_system() {
        // Columns (1, 1, 1) and (1, 2, 3); y = 1 + 2x exactly.
        let qr = Qr::factor(dd(&[1.0, 1.0, 1.0, 1.0, 2.0, 3.0]), 3, 2, 1e-12).expect("full rank");
        let x = qr.solve(&dd(&[3.0, 5.0, 7.0]));
        assert!((x[0] - 1.0).abs() < 1e-30 && (x[1] - 2.0).abs() < 1e-30, "{x:?}");
        // (XᵀX)⁻¹ = [[14, -6], [-6, 3]] / 6.
        let q = qr.quadratic_form(&dd(&[1.0, 0.0]));
        assert!((q * 3.0 - 7.0).abs() < 1e-29, "{q:?} {:?}", q * 3.0 - 7.0);
    }

    #[test]
    fn division_keeps_double_double_digits() {
        // 1/3 and 1/√8 to 32 digits, checked by multiplying back.
        let three = Dd::from(3.0);
        let q = div(Dd::from(1.0), three);
        assert!((q * three - 1.0).abs() < 1e-31, "{q:?}");
        let root8 = Dd::from(8.0).sqrt();
        assert!((root8 * root8 - 8.0).abs() < 1e-30);
        let q = div(Dd::from(1.0), root8);
        assert!((q * root8 - 1.0).abs() < 1e-31, "{q:?}");
    }

    #[test]
    fn stops_at_the_first_dependent_column() {
        let a = dd(&[1.0, 1.0, 1.0, 1.0, 2.0, 3.0, 2.0, 3.0, 4.0]);
        assert_eq!(Qr::factor(a, 3, 3, 1e-12).err(), Some(Dependent { column: 2 }));
    }
}
