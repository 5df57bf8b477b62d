//! `/api/v1/roles`: the role table, as the server enforces it.

use actix_web::get;
use actix_web::web::Json;
use rapport_domain::rules::access::{PERMISSIONS, Role, Scope};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::AuthUser;
use crate::openapi::*;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_roles);
}

/// One role's right to one action.
#[derive(Debug, Serialize, ToSchema)]
pub struct Grant {
    /// `admin`, `manager`, `sales`, `marketing` or `support`.
    pub role: String,
    /// `all` records, or only the `own` ones (owned by or assigned to the caller).
    pub scope: String,
}

/// One action and who may do it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Permission {
    /// The action, e.g. `customers:write` (the roles line of each operation names it).
    pub action: String,
    pub grants: Vec<Grant>,
}

/// The role table.
#[derive(Debug, Serialize, ToSchema)]
pub struct RoleTable {
    /// Every role.
    pub roles: Vec<String>,
    /// Every action with the roles granted it; a role not listed may not do it.
    pub permissions: Vec<Permission>,
}

/// The role table
///
/// Every action and the roles that may do it, with their scope: the table the server
/// enforces (clients use it to show only what a role can use). Any signed-in caller.
#[utoipa::path(
    tag = "users",
    responses((status = 200, description = "The role table", body = RoleTable), Unauthorized),
    security(("bearer" = []), ("api_key" = []))
)]
#[get("/roles")]
async fn list_roles(_user: AuthUser) -> Json<RoleTable> {
    Json(RoleTable {
        roles: Role::ALL.iter().map(|r| r.as_str().to_owned()).collect(),
        permissions: PERMISSIONS
            .iter()
            .map(|(action, grants)| Permission {
                action: action.as_str().to_owned(),
                grants: grants
                    .iter()
                    .map(|(role, scope)| Grant {
                        role: role.as_str().to_owned(),
                        scope: match scope {
                            Scope::All => "all",
                            Scope::Own => "own",
                        }
                        .to_owned(),
                    })
                    .collect(),
            })
            .collect(),
    })
}
