//! Pure business rules: no database, no clock, unit-tested in place.

pub mod access;
pub mod validate;
