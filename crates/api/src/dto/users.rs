//! User and API-key bodies.

use chrono::{DateTime, Utc};
use rapport_domain::Role;
use rapport_domain::services::{api_keys, users as svc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A role: what a user or key may do (see the role table in each operation).
#[derive(Clone, Copy, Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RoleName {
    Admin,
    Manager,
    Sales,
    Marketing,
    Support,
}

impl From<RoleName> for Role {
    fn from(r: RoleName) -> Self {
        match r {
            RoleName::Admin => Role::Admin,
            RoleName::Manager => Role::Manager,
            RoleName::Sales => Role::Sales,
            RoleName::Marketing => Role::Marketing,
            RoleName::Support => Role::Support,
        }
    }
}

impl From<Role> for RoleName {
    fn from(r: Role) -> Self {
        match r {
            Role::Admin => RoleName::Admin,
            Role::Manager => RoleName::Manager,
            Role::Sales => RoleName::Sales,
            Role::Marketing => RoleName::Marketing,
            Role::Support => RoleName::Support,
        }
    }
}

/// A user (never the password).
#[derive(Debug, Serialize, ToSchema)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: RoleName,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

impl From<svc::User> for User {
    fn from(u: svc::User) -> Self {
        Self {
            id: u.id,
            email: u.email,
            name: u.name,
            role: u.role.into(),
            active: u.active,
            created_at: u.created_at,
            updated_at: u.updated_at,
            version: u.version,
        }
    }
}

/// A new user.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserCreate {
    #[schema(max_length = 254)]
    pub email: String,
    #[schema(max_length = 200, min_length = 1)]
    pub name: String,
    pub role: RoleName,
    /// 12 to 128 characters.
    #[schema(min_length = 12, max_length = 128)]
    pub password: String,
}

/// Fields to change. `active: false` deactivates (users are never deleted) and ends their sessions.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserUpdate {
    #[schema(max_length = 200, min_length = 1)]
    pub name: Option<String>,
    pub role: Option<RoleName>,
    pub active: Option<bool>,
    #[schema(min_length = 12, max_length = 128)]
    pub password: Option<String>,
}

/// User list parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UserQuery {
    pub role: Option<RoleName>,
    pub active: Option<bool>,
    #[param(minimum = 1)]
    pub page: Option<u64>,
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u64>,
}

/// A page of users.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserPage {
    pub items: Vec<User>,
    pub page: u64,
    pub per_page: u64,
    pub total: u64,
}

/// An API key (without its secret).
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiKey {
    pub id: i64,
    pub name: String,
    /// The key's first characters, to recognise it.
    pub prefix: String,
    pub role: RoleName,
    pub created_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// Only GET and HEAD; any other method is refused (403).
    pub read_only: bool,
}

impl From<api_keys::ApiKey> for ApiKey {
    fn from(k: api_keys::ApiKey) -> Self {
        Self {
            id: k.id,
            name: k.name,
            prefix: k.prefix,
            role: k.role.into(),
            created_by: k.created_by,
            created_at: k.created_at,
            last_used_at: k.last_used_at,
            revoked_at: k.revoked_at,
            read_only: k.read_only,
        }
    }
}

/// A new API key.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiKeyCreate {
    #[schema(max_length = 100, min_length = 1)]
    pub name: String,
    /// The rights the key carries.
    pub role: RoleName,
    /// Only reading (GET and HEAD) with the role's rights; default false.
    #[serde(default)]
    pub read_only: bool,
}

/// A new API key with its secret, shown only this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiKeyCreated {
    #[serde(flatten)]
    pub api_key: ApiKey,
    /// The key itself (`rk_…`): send it as `Authorization: Bearer <key>`.
    pub key: String,
}

/// All API keys.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiKeyList {
    pub items: Vec<ApiKey>,
}
