//! `/api/v1/audit-log`.

use actix_web::get;
use actix_web::web::{Data, Json, Query};
use rapport_domain::list::Paging;
use rapport_domain::repo::audit::AuditFilter;
use rapport_domain::services::audit as svc;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::AuthUser;
use crate::dto::audit::*;
use crate::dto::paging;
use crate::error::ApiError;
use crate::openapi::*;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_audit_log);
}

/// Read the audit log
///
/// Every change with who, when, what, before and after; newest first.
#[utoipa::path(
    tag = "audit",
    params(AuditQuery),
    responses((status = 200, description = "A page of entries", body = AuditPage), BadRequest, Unauthorized, Forbidden, Unprocessable),
    security(("bearer" = []), ("api_key" = []))
)]
#[get("/audit-log")]
async fn list_audit_log(
    user: AuthUser,
    state: Data<AppState>,
    q: Query<AuditQuery>,
) -> Result<Json<AuditPage>, ApiError> {
    let q = q.into_inner();
    let Paging::Offset { page, per_page, count } = paging(q.page, q.per_page, None, q.count)? else {
        return Err(ApiError::bad_request("the audit log is read in numbered pages"));
    };
    let filter = AuditFilter {
        entity: q.entity,
        entity_id: q.entity_id,
        actor_id: q.user_id,
        from: q.from.map(|t| t.naive_utc()),
        to: q.to.map(|t| t.naive_utc()),
    };
    Ok(Json(svc::list(&state.read, &user.0, &filter, page, per_page, count).await?.into()))
}
