//! Pure business rules: no database, no clock, unit-tested in place.

pub mod access;
pub mod assignment;
pub mod pricing;
pub mod sla;
pub mod transitions;
pub mod validate;
