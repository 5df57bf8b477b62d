//! `/api/v1/analytics/dashboard`.

use actix_web::web::{Data, Json, Query};
use actix_web::{get, post};
use rapport_domain::services::dashboard as svc;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::AuthUser;
use crate::dto::dashboard::*;
use crate::error::ApiError;
use crate::openapi::*;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(get_dashboard).service(sales_analysis).service(sales_forecast).service(sales_forecast_with);
}

/// The dashboard
///
/// Revenue and new customers by month, the pipeline, the win rate, the top products and
/// service figures for a period (default: the last twelve months).
#[utoipa::path(
    tag = "analytics",
    params(DashboardQuery),
    responses((status = 200, description = "The dashboard", body = Dashboard), BadRequest, Unauthorized, Forbidden, Unprocessable),
    security(("bearer" = []), ("api_key" = []))
)]
#[get("/analytics/dashboard")]
async fn get_dashboard(
    user: AuthUser,
    state: Data<AppState>,
    q: Query<DashboardQuery>,
) -> Result<Json<Dashboard>, ApiError> {
    let (from, to) = svc::default_period(chrono::Utc::now().date_naive());
    let d = svc::dashboard(&state.read, &user.0, q.from.unwrap_or(from), q.to.unwrap_or(to)).await?;
    Ok(Json(d.into()))
}

/// Sales analysis
///
/// Revenue, order count and average order value by month, product, owner and city, with
/// the win rate and the average sales cycle, for a period (default: the last twelve months).
#[utoipa::path(
    tag = "analytics",
    params(DashboardQuery),
    responses((status = 200, description = "The analysis", body = SalesAnalysis), BadRequest, Unauthorized, Forbidden, Unprocessable),
    security(("bearer" = []), ("api_key" = []))
)]
#[get("/analytics/sales")]
async fn sales_analysis(
    user: AuthUser,
    state: Data<AppState>,
    q: Query<DashboardQuery>,
) -> Result<Json<SalesAnalysis>, ApiError> {
    let (from, to) = svc::default_period(chrono::Utc::now().date_naive());
    let a = rapport_domain::services::sales_analytics::analyse(
        &state.read,
        &user.0,
        q.from.unwrap_or(from),
        q.to.unwrap_or(to),
    )
    .await?;
    Ok(Json(a.into()))
}

/// The sales forecast
///
/// Monthly revenue from orders (paid, shipped or completed; cancelled and pending left
/// out) over whole months, fitted as revenue = β0 + β1·t + Σ γm·[month = m] (+ promotion
/// activity once campaigns exist) by exact least squares; returns history with fitted
/// values, the forecast with 95% prediction intervals, the coefficients, R², and a
/// rolling-origin backtest (MAPE and RMSE of one-step-ahead forecasts over the last
/// 12 months). Too little history is 422, saying how many months are needed.
#[utoipa::path(
    tag = "analytics",
    params(ForecastQuery),
    responses((status = 200, description = "The forecast", body = SalesForecast), BadRequest, Unauthorized, Forbidden, Unprocessable),
    security(("bearer" = []), ("api_key" = []))
)]
#[get("/analytics/forecast")]
async fn sales_forecast(
    user: AuthUser,
    state: Data<AppState>,
    q: Query<ForecastQuery>,
) -> Result<Json<SalesForecast>, ApiError> {
    let q = q.into_inner();
    if q.granularity.as_deref().is_some_and(|g| g != "month") {
        return Err(rapport_domain::DomainError::invalid("granularity", "only month is supported").into());
    }
    let today = chrono::Utc::now().date_naive();
    let f = rapport_domain::services::forecast::forecast(
        &state.read,
        &user.0,
        q.horizon.unwrap_or(12),
        q.from,
        q.to,
        today,
    )
    .await?;
    Ok(Json(f.into()))
}

/// The sales forecast with extra regressors
///
/// As `GET /analytics/forecast`, with regressors the caller supplies for every history
/// and forecast month; a missing month is 422 naming it.
#[utoipa::path(
    tag = "analytics",
    request_body = ForecastRequest,
    responses(
        (status = 200, description = "The forecast", body = SalesForecast),
        BadRequest, Unauthorized, Forbidden, PayloadTooLarge, UnsupportedMediaType, Unprocessable
    ),
    security(("bearer" = []), ("api_key" = []))
)]
#[post("/analytics/forecast")]
async fn sales_forecast_with(
    user: AuthUser,
    state: Data<AppState>,
    body: Json<ForecastRequest>,
) -> Result<Json<SalesForecast>, ApiError> {
    let b = body.into_inner();
    if b.regressors.len() > 10 {
        return Err(rapport_domain::DomainError::invalid("regressors", "at most 10").into());
    }
    let extra: Vec<_> = b
        .regressors
        .into_iter()
        .map(|r| rapport_domain::services::forecast::ExtraRegressor { name: r.name, values: r.values })
        .collect();
    let today = chrono::Utc::now().date_naive();
    let f = rapport_domain::services::forecast::forecast_with(
        &state.db,
        &user.0,
        b.horizon.unwrap_or(12),
        b.from,
        b.to,
        today,
        &extra,
    )
    .await?;
    Ok(Json(f.into()))
}
