//! Pure numerics for Rapport (OLS forecast, RFM, recommendations, service statistics):
//! no database, no runtime, no clock — callers pass plain values.

pub mod forecast;
pub mod recommend;
pub mod regression;
pub mod rfm;
pub mod service_stats;
