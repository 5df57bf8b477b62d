//! HTTP handlers, one module per resource; each has a `configure` that registers
//! its services (with `.service`, so that they appear in the OpenAPI document).

pub mod activities;
pub mod analytics;
pub mod api_keys;
pub mod audit;
pub mod auth;
pub mod campaigns;
pub mod customers;
pub mod dashboard;
pub mod health;
pub mod leads;
pub mod opportunities;
pub mod orders;
pub mod outreach;
pub mod products;
pub mod quotes;
pub mod rating;
pub mod recommendations;
pub mod rfm;
pub mod roles;
pub mod segments;
pub mod service_requests;
pub mod tracking;
pub mod users;
pub mod webhooks;

use utoipa_actix_web::service_config::ServiceConfig;

/// Everything under `/api/v1`.
pub fn api_v1(cfg: &mut ServiceConfig) {
    auth::configure(cfg);
    users::configure(cfg);
    api_keys::configure(cfg);
    customers::configure(cfg);
    products::configure(cfg);
    leads::configure(cfg);
    opportunities::configure(cfg);
    activities::configure(cfg);
    service_requests::configure(cfg);
    analytics::configure(cfg);
    rfm::configure(cfg);
    recommendations::configure(cfg);
    dashboard::configure(cfg);
    quotes::configure(cfg);
    orders::configure(cfg);
    segments::configure(cfg);
    campaigns::configure(cfg);
    outreach::configure(cfg);
    audit::configure(cfg);
    roles::configure(cfg);
    webhooks::configure(cfg);
}

/// Public pages outside `/api/v1` that are still part of the documented API.
pub fn public(cfg: &mut ServiceConfig) {
    rating::configure(cfg);
    tracking::configure(cfg);
}
