//! Placeholder: filled in by the OLS work.
