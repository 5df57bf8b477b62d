//! The named columns a regression is fitted on, or predicts from.

use std::collections::HashSet;

use super::error::RegressionError;
use super::qr::Dd;

/// Named columns of observations, held in double-double so that derived columns
/// (powers) keep the digits that rounding them to f64 would lose.
#[derive(Clone, Debug, PartialEq)]
pub struct Design {
    pub(crate) names: Vec<String>,
    pub(crate) rows: usize,
    /// Column-major.
    pub(crate) columns: Vec<Vec<Dd>>,
}

impl Design {
    /// Columns from row-major data: one row per observation, one value per name.
    /// An empty `names` with rows of no values is a design of no columns (an
    /// intercept-only model, or its rows to predict).
    ///
    /// # Errors
    /// [`RegressionError::NameCount`] when the first row's width differs from the
    /// names, [`RegressionError::DuplicateName`], [`RegressionError::RaggedRow`],
    /// [`RegressionError::NotFinite`].
    pub fn from_rows<S, R>(names: impl IntoIterator<Item = S>, rows: &[R]) -> Result<Self, RegressionError>
    where
        S: Into<String>,
        R: AsRef<[f64]>,
    {
        let names: Vec<String> = names.into_iter().map(Into::into).collect();
        check_names(&names)?;
        let width = names.len();
        if let Some(first) = rows.first()
            && first.as_ref().len() != width
        {
            return Err(RegressionError::NameCount { names: width, columns: first.as_ref().len() });
        }
        let mut columns = vec![Vec::with_capacity(rows.len()); width];
        for (i, row) in rows.iter().enumerate() {
            let row = row.as_ref();
            if row.len() != width {
                return Err(RegressionError::RaggedRow { row: i, found: row.len(), expected: width });
            }
            for (j, &v) in row.iter().enumerate() {
                if !v.is_finite() {
                    return Err(RegressionError::NotFinite { row: i, column: names[j].clone() });
                }
                columns[j].push(Dd::from(v));
            }
        }
        Ok(Self { names, rows: rows.len(), columns })
    }

    /// The polynomial columns `name`, `name^2`, …, `name^degree` of `x`.
    ///
    /// The powers are formed in double-double: rounded to f64 they would perturb an
    /// ill-conditioned fit far beyond its own error (NIST's Filip keeps 7 of its
    /// digits with f64 powers, 14 with these).
    ///
    /// # Errors
    /// [`RegressionError::NotFinite`] for a value of `x`, or a power, that is not finite.
    pub fn polynomial(name: &str, x: &[f64], degree: usize) -> Result<Self, RegressionError> {
        let names: Vec<String> =
            (1..=degree).map(|k| if k == 1 { name.to_owned() } else { format!("{name}^{k}") }).collect();
        let mut columns = vec![Vec::with_capacity(x.len()); degree];
        for (i, &v) in x.iter().enumerate() {
            let mut power = Dd::from(1.0);
            for (k, column) in columns.iter_mut().enumerate() {
                power *= v;
                if !v.is_finite() || !power.hi().is_finite() {
                    return Err(RegressionError::NotFinite { row: i, column: names[k].clone() });
                }
                column.push(power);
            }
        }
        Ok(Self { names, rows: x.len(), columns })
    }

    /// The column names.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The number of rows (observations).
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// The number of columns.
    pub fn columns(&self) -> usize {
        self.columns.len()
    }
}

fn check_names(names: &[String]) -> Result<(), RegressionError> {
    let mut seen = HashSet::new();
    for n in names {
        if !seen.insert(n.as_str()) {
            return Err(RegressionError::DuplicateName { name: n.clone() });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_become_columns() {
        let d = Design::from_rows(["a", "b"], &[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]).expect("valid");
        assert_eq!((d.rows(), d.columns()), (3, 2));
        assert_eq!(d.columns[1], vec![Dd::from(2.0), Dd::from(4.0), Dd::from(6.0)]);
    }

    #[test]
    fn ragged_rows_are_refused_with_their_index() {
        let rows = vec![vec![1.0, 2.0], vec![3.0]];
        let e = Design::from_rows(["a", "b"], &rows).expect_err("ragged");
        assert_eq!(e, RegressionError::RaggedRow { row: 1, found: 1, expected: 2 });
    }

    #[test]
    fn names_must_match_the_columns_and_differ() {
        let e = Design::from_rows(["a"], &[[1.0, 2.0]]).expect_err("too few names");
        assert_eq!(e, RegressionError::NameCount { names: 1, columns: 2 });
        let e = Design::from_rows(["a", "a"], &[[1.0, 2.0]]).expect_err("twice");
        assert_eq!(e, RegressionError::DuplicateName { name: "a".into() });
    }

    #[test]
    fn nan_and_infinity_are_refused_with_their_place() {
        for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            let e = Design::from_rows(["a", "b"], &[[1.0, 2.0], [3.0, bad]]).expect_err("not finite");
            assert_eq!(e, RegressionError::NotFinite { row: 1, column: "b".into() });
        }
        let e = Design::polynomial("x", &[1.0, 1e200], 2).expect_err("overflows");
        assert_eq!(e, RegressionError::NotFinite { row: 1, column: "x^2".into() });
    }

    #[test]
    fn polynomial_powers_keep_double_double_digits() {
        let x = 0.1_f64;
        let d = Design::polynomial("x", &[x], 3).expect("finite");
        assert_eq!(d.names(), ["x", "x^2", "x^3"]);
        // x³ exactly is x·x·x of the f64 x; the double-double power holds it to ~2⁻¹⁰⁴.
        let cube = d.columns[2][0];
        let exact_lo = Dd::new_mul(x, x) * x;
        assert_eq!(cube, exact_lo);
        assert!(cube.lo() != 0.0, "the low word carries the digits f64 would lose");
    }
}
