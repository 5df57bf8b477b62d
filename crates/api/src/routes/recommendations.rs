//! Personal recommendations and related products.

use actix_web::get;
use actix_web::web::{Data, Json, Path, Query};
use rapport_domain::services::recommendations as svc;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::AuthUser;
use crate::dto::recommendations::*;
use crate::error::ApiError;
use crate::openapi::*;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(customer_recommendations).service(related_products);
}

/// Recommendations for a customer
///
/// Products the customer has not bought, linked to what they did buy by being bought in
/// the same orders ("often bought with X") or by the same customers ("customers who
/// bought X also bought Y"), best lift first, each with its reason, kind, support and
/// lift. Each product takes its strongest link of either kind.
#[utoipa::path(
    tag = "analytics",
    params(("id" = i64, Path, description = "Customer id"), RecommendationQuery),
    responses((status = 200, description = "Best first", body = Vec<ProductRecommendation>), BadRequest, Unauthorized, Forbidden, NotFound, Unprocessable),
    security(("bearer" = []), ("api_key" = []))
)]
#[get("/customers/{id}/recommendations")]
async fn customer_recommendations(
    user: AuthUser,
    state: Data<AppState>,
    id: Path<i64>,
    q: Query<RecommendationQuery>,
) -> Result<Json<Vec<ProductRecommendation>>, ApiError> {
    let (limit, min) = q.into_inner().split();
    let recs = svc::for_customer(&state.read, &user.0, id.into_inner(), limit, min).await?;
    Ok(Json(recs.into_iter().map(ProductRecommendation::from).collect()))
}

/// Products often bought with this one
///
/// Linked by the same orders or the same customers, as for a customer's recommendations.
#[utoipa::path(
    tag = "analytics",
    params(("id" = i64, Path, description = "Product id"), RecommendationQuery),
    responses((status = 200, description = "Best first", body = Vec<ProductRecommendation>), BadRequest, Unauthorized, Forbidden, NotFound, Unprocessable),
    security(("bearer" = []), ("api_key" = []))
)]
#[get("/products/{id}/related")]
async fn related_products(
    user: AuthUser,
    state: Data<AppState>,
    id: Path<i64>,
    q: Query<RecommendationQuery>,
) -> Result<Json<Vec<ProductRecommendation>>, ApiError> {
    let (limit, min) = q.into_inner().split();
    let recs = svc::related(&state.read, &user.0, id.into_inner(), limit, min).await?;
    Ok(Json(recs.into_iter().map(ProductRecommendation::from).collect()))
}
