//! `/api/v1/analytics`: regression on the caller's data.

use actix_web::post;
use actix_web::web::Json;
use rapport_domain::services::analytics as svc;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::AuthUser;
use crate::dto::analytics::*;
use crate::error::ApiError;
use crate::openapi::*;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(run_regression);
}

/// Fit a least-squares regression
///
/// Ordinary least squares of `y` on the columns of `x`, with or without intercept:
/// coefficients with standard errors, t and p values, residual standard error, R²
/// (centered with an intercept, uncentered without), adjusted R², F, degrees of freedom,
/// and for each row of `predict` the fitted value with the confidence interval of the
/// mean and the prediction interval of a new observation. Numerically exact: Householder
/// QR in double-double arithmetic with iterative refinement, every value of the NIST StRD
/// linear regression suite to at least 9 digits. Degenerate data (too few rows, a
/// constant or collinear column, mismatched lengths) is a 422 whose error names the
/// column. Nothing is stored.
#[utoipa::path(
    tag = "analytics",
    request_body = RegressionRequest,
    responses(
        (status = 200, description = "The fit and the predictions", body = Regression),
        BadRequest, Unauthorized, Forbidden, PayloadTooLarge, UnsupportedMediaType, Unprocessable
    ),
    security(("bearer" = []), ("api_key" = []))
)]
#[post("/analytics/regression")]
async fn run_regression(user: AuthUser, body: Json<RegressionRequest>) -> Result<Json<Regression>, ApiError> {
    Ok(Json(svc::run_regression(&user.0, body.into_inner().into()).await?.into()))
}
