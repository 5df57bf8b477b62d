//! `/api/v1/analytics/rfm` and a customer's RFM values. They read through the read pool
//! and hand the writer (`state.db`) along: the stored scores of today are refreshed first
//! when orders or the day changed.

use actix_web::get;
use actix_web::web::{Data, Json, Path, Query};
use rapport_domain::list::Paging;
use rapport_domain::services::rfm as svc;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::AuthUser;
use crate::dto::paging;
use crate::dto::rfm::*;
use crate::error::ApiError;
use crate::openapi::*;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(rfm_segments).service(rfm_customers).service(customer_rfm);
}

fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

/// RFM segments
///
/// Size and value of the 11 segments. Definitions: only orders dated before `as_of` and
/// not cancelled; recency = days from the last order to `as_of`, frequency = number of
/// orders, monetary = sum of totals; scores 1–5 (5 best) with NTILE(5) semantics — R
/// ordered by recency descending, F and M ascending, ties by customer id ascending, the
/// first n mod 5 buckets one larger. Segments by R and FM = ⌈(F + M) / 2⌉: champions (R5
/// FM4–5, R4 FM5), loyal_customers (R4 FM4, R3 FM4–5), potential_loyalists (R4–5 FM2–3),
/// new_customers (R5 FM1), promising (R4 FM1), need_attention (R3 FM3), about_to_sleep
/// (R3 FM1–2), cant_lose_them (R1–2 FM5), at_risk (R1–2 FM3–4), hibernating (R2 FM1–2),
/// lost (R1 FM1–2). Customers without orders are not scored.
#[utoipa::path(
    tag = "analytics",
    params(AsOfQuery),
    responses((status = 200, description = "Every segment", body = Vec<RfmSegment>), BadRequest, Unauthorized, Forbidden),
    security(("bearer" = []), ("api_key" = []))
)]
#[get("/analytics/rfm")]
async fn rfm_segments(
    user: AuthUser,
    state: Data<AppState>,
    q: Query<AsOfQuery>,
) -> Result<Json<Vec<RfmSegment>>, ApiError> {
    let rows = svc::summary(&state.db, &state.read, &user.0, q.as_of.unwrap_or_else(today)).await?;
    Ok(Json(rows.into_iter().map(RfmSegment::from).collect()))
}

/// Customers by RFM value
#[utoipa::path(
    tag = "analytics",
    params(RfmCustomerQuery),
    responses((status = 200, description = "A page of customers with their scores", body = RfmCustomerPage), BadRequest, Unauthorized, Forbidden, Unprocessable),
    security(("bearer" = []), ("api_key" = []))
)]
#[get("/analytics/rfm/customers")]
async fn rfm_customers(
    user: AuthUser,
    state: Data<AppState>,
    q: Query<RfmCustomerQuery>,
) -> Result<Json<RfmCustomerPage>, ApiError> {
    let q = q.into_inner();
    let Paging::Offset { page, per_page, .. } = paging(q.page, q.per_page, None, None)? else {
        return Err(ApiError::bad_request("numbered pages only"));
    };
    let as_of = q.as_of.unwrap_or_else(today);
    let query = svc::CustomersQuery { as_of, segment: q.segment.as_deref(), sort: q.sort.as_deref(), page, per_page };
    let p = svc::customers(&state.db, &state.read, &user.0, &query).await?;
    Ok(Json(RfmCustomerPage {
        items: p.items.into_iter().map(CustomerRfm::from).collect(),
        page,
        per_page,
        total: p.total.unwrap_or_default(),
    }))
}

/// A customer's RFM values
///
/// 404 also when the customer has no orders before `as_of`.
#[utoipa::path(
    tag = "analytics",
    params(("id" = i64, Path, description = "Customer id"), AsOfQuery),
    responses((status = 200, description = "The scores", body = CustomerRfm), BadRequest, Unauthorized, Forbidden, NotFound),
    security(("bearer" = []), ("api_key" = []))
)]
#[get("/customers/{id}/rfm")]
async fn customer_rfm(
    user: AuthUser,
    state: Data<AppState>,
    id: Path<i64>,
    q: Query<AsOfQuery>,
) -> Result<Json<CustomerRfm>, ApiError> {
    let row =
        svc::for_customer(&state.db, &state.read, &user.0, id.into_inner(), q.as_of.unwrap_or_else(today)).await?;
    row.map(|r| Json(r.into())).ok_or_else(|| ApiError::new("not_found", "the customer has no orders before as_of"))
}
