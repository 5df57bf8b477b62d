//! Pure numerics for Rapport (OLS forecast, RFM, recommendations): no database, no runtime, no clock.
