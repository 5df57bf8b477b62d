//! Product bodies and query parameters.

use chrono::{DateTime, Utc};
use rapport_domain::list::Page;
use rapport_domain::services::products as svc;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::patch;

/// A product.
#[derive(Debug, Serialize, ToSchema)]
pub struct Product {
    pub id: i64,
    #[schema(example = "RP-0001")]
    pub sku: String,
    pub name: String,
    pub description: Option<String>,
    /// Decimal string with two places.
    #[schema(value_type = String, example = "1299.00")]
    pub price: Decimal,
    pub active: bool,
    /// A free-text grouping such as "Tea".
    pub category: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

impl From<svc::Product> for Product {
    fn from(p: svc::Product) -> Self {
        Self {
            id: p.id,
            sku: p.sku,
            name: p.name,
            description: p.description,
            price: p.price.round_dp(2),
            active: p.active,
            category: p.category,
            created_at: p.created_at,
            updated_at: p.updated_at,
            version: p.version,
        }
    }
}

/// A new product.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProductCreate {
    /// Unique stock-keeping unit: letters, digits, `-`, `_`, `.`.
    #[schema(max_length = 64, min_length = 1, pattern = r"^\s*[A-Za-z0-9._-]+\s*$")]
    pub sku: String,
    #[schema(max_length = 200, min_length = 1)]
    pub name: String,
    #[schema(max_length = 10000)]
    pub description: Option<String>,
    /// Decimal string, 0.00–99999999.99 (a JSON number is refused: it may already have lost cents).
    #[serde(with = "rust_decimal::serde::str")]
    #[schema(value_type = String, example = "1299.00", pattern = r"^\d{1,8}(\.\d{1,2})?$")]
    pub price: Decimal,
    /// Defaults to true.
    #[serde(default = "yes")]
    pub active: bool,
    #[schema(max_length = 100)]
    pub category: Option<String>,
}

fn yes() -> bool {
    true
}

impl From<ProductCreate> for svc::NewProduct {
    fn from(p: ProductCreate) -> Self {
        Self {
            sku: p.sku,
            name: p.name,
            description: p.description,
            price: p.price,
            active: p.active,
            category: p.category,
        }
    }
}

/// Fields to change; absent fields stay.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProductUpdate {
    #[schema(max_length = 64, min_length = 1, pattern = r"^\s*[A-Za-z0-9._-]+\s*$")]
    pub sku: Option<String>,
    #[schema(max_length = 200, min_length = 1)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>, max_length = 10000)]
    pub description: Option<Option<String>>,
    #[serde(default, with = "rust_decimal::serde::str_option")]
    #[schema(value_type = Option<String>, example = "1299.00", pattern = r"^\d{1,8}(\.\d{1,2})?$")]
    pub price: Option<Decimal>,
    pub active: Option<bool>,
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>, max_length = 100)]
    pub category: Option<Option<String>>,
}

impl From<ProductUpdate> for svc::ProductChanges {
    fn from(p: ProductUpdate) -> Self {
        Self {
            sku: p.sku,
            name: p.name,
            description: p.description,
            price: p.price,
            active: p.active,
            category: p.category,
        }
    }
}

/// List parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ProductQuery {
    /// Case-insensitive substring of sku or name.
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// Only active (`true`) or inactive (`false`) products.
    pub active: Option<bool>,
    /// Exact category.
    #[param(max_length = 100)]
    pub category: Option<String>,
    /// Comma list of id, sku, name, price, created_at; `-` for descending. Default `name`.
    pub sort: Option<String>,
    #[param(minimum = 1)]
    pub page: Option<u64>,
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u64>,
    /// `false` skips counting the total.
    pub count: Option<bool>,
}

/// A page of products.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProductPage {
    pub items: Vec<Product>,
    pub page: u64,
    pub per_page: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<u64>,
}

impl From<Page<svc::Product>> for ProductPage {
    fn from(p: Page<svc::Product>) -> Self {
        Self {
            items: p.items.into_iter().map(Product::from).collect(),
            page: p.page.unwrap_or(1),
            per_page: p.per_page,
            total: p.total,
        }
    }
}
