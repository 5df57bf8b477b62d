//! Recommendation bodies.

use rapport_domain::services::recommendations as svc;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A recommended product and why.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProductRecommendation {
    pub product_id: i64,
    pub sku: String,
    pub name: String,
    #[schema(value_type = String, example = "129.00")]
    pub price: Decimal,
    /// "often bought with <product>".
    pub reason: String,
    /// The product that links it.
    pub because_of: i64,
    /// Share of all orders holding both products.
    pub support: f64,
    /// n(A, B) · N / (n(A) · n(B)): how many times more often bought together than by chance.
    pub lift: f64,
    pub orders_together: i64,
}

impl From<svc::ProductRecommendation> for ProductRecommendation {
    fn from(r: svc::ProductRecommendation) -> Self {
        Self {
            product_id: r.product_id,
            sku: r.sku,
            name: r.name,
            price: r.price,
            reason: r.reason,
            because_of: r.because_of,
            support: r.support,
            lift: r.lift,
            orders_together: r.orders_together,
        }
    }
}

/// Recommendation parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RecommendationQuery {
    /// At most this many (1–100, default 5).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u64>,
    /// Ignore pairs seen in fewer orders (minimum support; default 2).
    #[param(minimum = 1)]
    pub min_orders: Option<i64>,
}
