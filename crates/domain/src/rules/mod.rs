//! Pure business rules: no database, no clock, unit-tested in place.

pub mod access;
pub mod assignment;
pub mod password;
pub mod pricing;
pub mod segment_filter;
pub mod sla;
pub mod template;
pub mod transitions;
pub mod validate;
pub mod webhooks;
