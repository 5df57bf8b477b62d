//! Why a regression cannot be fitted: degenerate input gets one of these, never a
//! wrong answer or a panic.

/// Degenerate input for [`LinearRegression`](super::LinearRegression), its
/// [`Design`](super::Design) or a prediction. Column indices count the columns of `x`
/// from 0 (the intercept is not one of them); rows count from 0.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum RegressionError {
    /// No observations at all.
    #[error("there are no observations")]
    Empty,
    /// No columns and no intercept: nothing to estimate.
    #[error("nothing to estimate: no columns and no intercept")]
    NoParameters,
    /// The names do not match the columns.
    #[error("{names} names for {columns} columns")]
    NameCount {
        /// How many names were given.
        names: usize,
        /// How many columns the rows have.
        columns: usize,
    },
    /// Two columns have the same name.
    #[error("the column name `{name}` is used twice")]
    DuplicateName {
        /// The name.
        name: String,
    },
    /// A column is called `intercept` while an intercept is fitted, which has that name.
    #[error("the column name `intercept` is reserved for the fitted intercept")]
    ReservedName,
    /// A row has a different number of values than the first.
    #[error("row {row} has {found} values; expected {expected}")]
    RaggedRow {
        /// The row.
        row: usize,
        /// Its number of values.
        found: usize,
        /// The number of columns.
        expected: usize,
    },
    /// `y` and `x` differ in length.
    #[error("{values} values of y for {rows} rows of x")]
    LengthMismatch {
        /// Rows of `x`.
        rows: usize,
        /// Values of `y`.
        values: usize,
    },
    /// A value of `x` (or of a derived column such as a power) is NaN or infinite.
    #[error("row {row}, column `{column}`: not a finite number")]
    NotFinite {
        /// The row.
        row: usize,
        /// The column's name.
        column: String,
    },
    /// A value of `y` is NaN or infinite.
    #[error("y[{row}]: not a finite number")]
    NotFiniteY {
        /// The row.
        row: usize,
    },
    /// Fewer observations than needed: the parameters, plus one to estimate the error.
    #[error("{rows} observations cannot estimate {parameters} parameters and their errors: at least {} are needed", .parameters + 1)]
    TooFewRows {
        /// Observations given.
        rows: usize,
        /// Parameters to estimate, the intercept included.
        parameters: usize,
    },
    /// With an intercept, a constant column cannot be told apart from it.
    #[error("column `{name}` (index {index}) is constant, so it cannot be told apart from the intercept")]
    ConstantColumn {
        /// The column.
        index: usize,
        /// Its name.
        name: String,
    },
    /// Without an intercept, a column of zeros estimates nothing.
    #[error("column `{name}` (index {index}) is all zeros")]
    ZeroColumn {
        /// The column.
        index: usize,
        /// Its name.
        name: String,
    },
    /// A column is a linear combination of the columns before it (up to the rounding
    /// of its values), so its coefficient is not determined.
    #[error("column `{name}` (index {index}) is a linear combination of the columns before it ({earlier})")]
    Collinear {
        /// The column.
        index: usize,
        /// Its name.
        name: String,
        /// The names of the columns before it, comma-separated, `intercept` first when fitted.
        earlier: String,
    },
    /// The columns are so nearly collinear that the fit could not be trusted to nine digits.
    #[error(
        "the columns are too nearly collinear for a trustworthy fit (condition number {condition:.1e}, limit {limit:.0e}); column `{name}` (index {index}) is closest to a combination of the columns before it"
    )]
    IllConditioned {
        /// The estimated condition number of the column-scaled design.
        condition: f64,
        /// The largest condition number accepted.
        limit: f64,
        /// The column whose part independent of the earlier columns is smallest.
        index: usize,
        /// Its name.
        name: String,
    },
    /// A confidence level outside (0, 1).
    #[error("the confidence level must lie strictly between 0 and 1, not {0}")]
    InvalidConfidence(f64),
    /// Rows to predict with a different number of columns than the model.
    #[error("rows to predict need {expected} values, one per column of x; got {found}")]
    ColumnCount {
        /// The model's columns (without the intercept).
        expected: usize,
        /// The columns given.
        found: usize,
    },
}
