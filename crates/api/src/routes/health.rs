//! `/health` and `/ready` for load balancers and orchestrators.

use actix_web::web::Data;
use actix_web::{HttpResponse, get};

use crate::error::ApiError;
use crate::state::AppState;

/// The process is up.
#[get("/health")]
pub async fn health() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({ "status": "ok" }))
}

/// The database answers.
#[get("/ready")]
pub async fn ready(state: Data<AppState>) -> Result<HttpResponse, ApiError> {
    match state.db.ping().await {
        Ok(()) => Ok(HttpResponse::Ok().json(serde_json::json!({ "status": "ready" }))),
        Err(e) => {
            tracing::warn!(error = %e, "database not ready");
            Err(ApiError::new("unavailable", "the database does not answer"))
        }
    }
}
