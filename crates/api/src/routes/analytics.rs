//! Placeholder: filled in by the OLS work.

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(_cfg: &mut ServiceConfig) {}
