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
    /// "often bought with <product>" (same order) or "customers who bought <product> also
    /// bought <this>" (same customer).
    pub reason: String,
    /// The product that links it.
    pub because_of: i64,
    /// The link behind `support` and `lift`: `same_order` or `same_customer`.
    #[schema(example = "same_order")]
    pub kind: String,
    /// Share of all orders (same_order) or of all buying customers (same_customer)
    /// holding both products.
    pub support: f64,
    /// n(A, B) · N / (n(A) · n(B)) over orders or customers, by `kind`: how many times
    /// more often they go together than by chance.
    pub lift: f64,
    /// Orders holding both products.
    pub orders_together: i64,
    /// Customers who bought both products (in any orders).
    pub customers_together: i64,
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
            kind: r.kind.to_owned(),
            support: r.support,
            lift: r.lift,
            orders_together: r.orders_together,
            customers_together: r.customers_together,
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
    /// Ignore same-order links seen in fewer orders (minimum support; default 2).
    #[param(minimum = 1)]
    pub min_orders: Option<i64>,
    /// Ignore same-customer links seen with fewer customers (minimum support; default 2).
    #[param(minimum = 1)]
    pub min_customers: Option<i64>,
}

impl RecommendationQuery {
    /// The limit (default 5) and the minimum supports (defaults 2 and 2).
    pub fn split(self) -> (u64, svc::MinSupport) {
        let d = svc::MinSupport::default();
        let min = svc::MinSupport {
            orders: self.min_orders.unwrap_or(d.orders),
            customers: self.min_customers.unwrap_or(d.customers),
        };
        (self.limit.unwrap_or(5), min)
    }
}
