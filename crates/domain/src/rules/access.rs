//! Who may do what: the one role table of Rapport.
//!
//! Every service asks [`Actor::require`] before it acts. The README's role table
//! and each operation's description in the OpenAPI document are written from
//! [`PERMISSIONS`]; a test keeps the README in step with it.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::DomainError;

/// A user's role.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Manages users, API keys, imports; may do everything.
    Admin,
    /// Sees and changes all sales, marketing and service data.
    Manager,
    /// Works their own customers, leads and opportunities.
    Sales,
    /// Reads customers, runs campaigns.
    Marketing,
    /// Reads customers, works service requests.
    Support,
}

impl Role {
    /// Every role, in the order of the role table.
    pub const ALL: [Role; 5] = [Role::Admin, Role::Manager, Role::Sales, Role::Marketing, Role::Support];

    /// The stored and serialised name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Manager => "manager",
            Role::Sales => "sales",
            Role::Marketing => "marketing",
            Role::Support => "support",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = DomainError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| DomainError::invalid("role", "must be one of admin, manager, sales, marketing, support"))
    }
}

/// Something an actor may want to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    /// Read customers, their timeline, export them.
    CustomersRead,
    /// Create, change and delete customers.
    CustomersWrite,
    /// Import customers from CSV.
    CustomersImport,
    /// Read products.
    ProductsRead,
    /// Create, change and delete products.
    ProductsWrite,
    /// List, create and change users.
    UsersManage,
    /// List, create and revoke API keys.
    ApiKeysManage,
    /// Read the audit log.
    AuditRead,
    /// Read leads.
    LeadsRead,
    /// Create, change, convert and delete leads.
    LeadsWrite,
    /// Read opportunities and the pipeline.
    OpportunitiesRead,
    /// Create, change and delete opportunities.
    OpportunitiesWrite,
    /// Read quotes.
    QuotesRead,
    /// Create, change, send, accept and reject quotes.
    QuotesWrite,
    /// Read orders.
    OrdersRead,
    /// Create orders and move their status.
    OrdersWrite,
    /// Read activities.
    ActivitiesRead,
    /// Create, change, complete and delete activities.
    ActivitiesWrite,
    /// Read anyone's follow-up lists (everyone reads their own).
    FollowUpsAny,
    /// Change system settings such as lead assignment.
    SettingsManage,
    /// Read service requests (sales: their customers' requests).
    ServiceRead,
    /// Create service requests, move their status, comment, record ratings.
    ServiceWrite,
    /// Reassign service requests by hand.
    ServiceAssign,
    /// Fit regressions on data the caller supplies.
    RegressionRun,
    /// Read sales analytics, RFM values, recommendations and the dashboard.
    AnalyticsRead,
    /// Read segments, campaigns, their messages and statistics, and the outbox.
    MarketingRead,
    /// Create and change segments and campaigns; test-send, launch, cancel.
    MarketingWrite,
    /// Record or lift a customer's opt-out of a channel (SMS STOP replies, requests).
    OptOutsWrite,
    /// Subscribe URLs to events, read and redeliver their deliveries.
    WebhooksManage,
}

impl Action {
    /// The name used in documentation, e.g. `customers:write`.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::CustomersRead => "customers:read",
            Action::CustomersWrite => "customers:write",
            Action::CustomersImport => "customers:import",
            Action::ProductsRead => "products:read",
            Action::ProductsWrite => "products:write",
            Action::UsersManage => "users:manage",
            Action::ApiKeysManage => "api_keys:manage",
            Action::AuditRead => "audit:read",
            Action::LeadsRead => "leads:read",
            Action::LeadsWrite => "leads:write",
            Action::OpportunitiesRead => "opportunities:read",
            Action::OpportunitiesWrite => "opportunities:write",
            Action::QuotesRead => "quotes:read",
            Action::QuotesWrite => "quotes:write",
            Action::OrdersRead => "orders:read",
            Action::OrdersWrite => "orders:write",
            Action::ActivitiesRead => "activities:read",
            Action::ActivitiesWrite => "activities:write",
            Action::FollowUpsAny => "follow_ups:any",
            Action::SettingsManage => "settings:manage",
            Action::ServiceRead => "service:read",
            Action::ServiceWrite => "service:write",
            Action::ServiceAssign => "service:assign",
            Action::RegressionRun => "regression:run",
            Action::AnalyticsRead => "analytics:read",
            Action::MarketingRead => "marketing:read",
            Action::MarketingWrite => "marketing:write",
            Action::OptOutsWrite => "opt_outs:write",
            Action::WebhooksManage => "webhooks:manage",
        }
    }
}

/// How far a granted action reaches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Every record.
    All,
    /// Only records the actor owns; others look as if they did not exist.
    Own,
}

use Role::{Admin, Manager, Marketing, Sales, Support};
use Scope::{All, Own};

/// The role table: for each action, which roles may do it and how far.
pub const PERMISSIONS: &[(Action, &[(Role, Scope)])] = &[
    (Action::CustomersRead, &[(Admin, All), (Manager, All), (Sales, Own), (Marketing, All), (Support, All)]),
    (Action::CustomersWrite, &[(Admin, All), (Manager, All), (Sales, Own)]),
    (Action::CustomersImport, &[(Admin, All), (Manager, All)]),
    (Action::ProductsRead, &[(Admin, All), (Manager, All), (Sales, All), (Marketing, All), (Support, All)]),
    (Action::ProductsWrite, &[(Admin, All), (Manager, All)]),
    (Action::UsersManage, &[(Admin, All)]),
    (Action::ApiKeysManage, &[(Admin, All)]),
    (Action::AuditRead, &[(Admin, All), (Manager, All)]),
    (Action::LeadsRead, &[(Admin, All), (Manager, All), (Sales, Own), (Marketing, All)]),
    (Action::LeadsWrite, &[(Admin, All), (Manager, All), (Sales, Own)]),
    (Action::OpportunitiesRead, &[(Admin, All), (Manager, All), (Sales, Own), (Marketing, All)]),
    (Action::OpportunitiesWrite, &[(Admin, All), (Manager, All), (Sales, Own)]),
    (Action::QuotesRead, &[(Admin, All), (Manager, All), (Sales, Own)]),
    (Action::QuotesWrite, &[(Admin, All), (Manager, All), (Sales, Own)]),
    (Action::OrdersRead, &[(Admin, All), (Manager, All), (Sales, Own), (Marketing, All), (Support, All)]),
    (Action::OrdersWrite, &[(Admin, All), (Manager, All), (Sales, Own)]),
    (Action::ActivitiesRead, &[(Admin, All), (Manager, All), (Sales, Own), (Marketing, Own), (Support, Own)]),
    (Action::ActivitiesWrite, &[(Admin, All), (Manager, All), (Sales, Own), (Marketing, Own), (Support, Own)]),
    (Action::FollowUpsAny, &[(Admin, All), (Manager, All)]),
    (Action::SettingsManage, &[(Admin, All), (Manager, All)]),
    (Action::ServiceRead, &[(Admin, All), (Manager, All), (Sales, Own), (Support, All)]),
    (Action::ServiceWrite, &[(Admin, All), (Manager, All), (Support, All)]),
    (Action::ServiceAssign, &[(Admin, All), (Manager, All)]),
    (Action::RegressionRun, &[(Admin, All), (Manager, All), (Sales, All), (Marketing, All), (Support, All)]),
    (Action::AnalyticsRead, &[(Admin, All), (Manager, All), (Sales, Own), (Marketing, All)]),
    (Action::MarketingRead, &[(Admin, All), (Manager, All), (Marketing, All)]),
    (Action::MarketingWrite, &[(Admin, All), (Manager, All), (Marketing, All)]),
    (Action::OptOutsWrite, &[(Admin, All), (Manager, All), (Sales, Own), (Marketing, All), (Support, All)]),
    (Action::WebhooksManage, &[(Admin, All)]),
];

/// The scope a role has for an action, or `None` when it may not do it at all.
pub fn grant(role: Role, action: Action) -> Option<Scope> {
    PERMISSIONS
        .iter()
        .find(|(a, _)| *a == action)
        .and_then(|(_, grants)| grants.iter().find(|(r, _)| *r == role))
        .map(|(_, scope)| *scope)
}

/// One line per action for documentation: `customers:write — admin, manager, sales (own)`.
pub fn describe(action: Action) -> String {
    let grants = PERMISSIONS.iter().find(|(a, _)| *a == action).map(|(_, g)| *g).unwrap_or(&[]);
    let who: Vec<String> = grants
        .iter()
        .map(|(r, s)| match s {
            All => r.as_str().to_owned(),
            Own => format!("{} (own records only)", r.as_str()),
        })
        .collect();
    format!("`{}`: {}", action.as_str(), who.join(", "))
}

/// Who is acting: a signed-in user or an API key, with its role.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    /// The user, when a person is acting (an API key's creator is not the actor).
    pub user_id: Option<i64>,
    /// The API key, when an integration is acting.
    pub api_key_id: Option<i64>,
    /// The role whose rights apply.
    pub role: Role,
}

impl Actor {
    /// A signed-in user.
    pub fn user(id: i64, role: Role) -> Self {
        Self { user_id: Some(id), api_key_id: None, role }
    }

    /// An integration with an API key.
    pub fn api_key(id: i64, role: Role) -> Self {
        Self { user_id: None, api_key_id: Some(id), role }
    }

    /// The server itself (seeding, the `admin create` command).
    pub fn system() -> Self {
        Self { user_id: None, api_key_id: None, role: Role::Admin }
    }

    /// How the audit log names this actor: `user:3`, `api_key:2` or `system`.
    pub fn label(&self) -> String {
        match (self.user_id, self.api_key_id) {
            (Some(id), _) => format!("user:{id}"),
            (None, Some(id)) => format!("api_key:{id}"),
            (None, None) => "system".to_owned(),
        }
    }

    /// The scope this actor has for `action`.
    ///
    /// # Errors
    /// `Forbidden` when the role may not do it.
    pub fn require(&self, action: Action) -> Result<Scope, DomainError> {
        grant(self.role, action)
            .ok_or_else(|| DomainError::Forbidden(format!("role {} may not do {}", self.role, action.as_str())))
    }

    /// The owner a query must be restricted to under `scope` (`None`: no restriction).
    /// An API key with an own-records role owns nothing, so it matches no record.
    pub fn owner_filter(&self, scope: Scope) -> Option<i64> {
        match scope {
            All => None,
            Own => Some(self.user_id.unwrap_or(-1)),
        }
    }

    /// Whether a record owned by `owner_id` is visible under `scope`.
    pub fn reaches(&self, scope: Scope, owner_id: Option<i64>) -> bool {
        match scope {
            All => true,
            Own => self.user_id.is_some() && owner_id == self.user_id,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_is_in_the_table_once() {
        for (i, (a, _)) in PERMISSIONS.iter().enumerate() {
            assert!(PERMISSIONS.iter().skip(i + 1).all(|(b, _)| a != b), "{a:?} twice");
        }
    }

    #[test]
    fn sales_reach_only_their_own_customers() {
        let rep = Actor::user(7, Role::Sales);
        let scope = rep.require(Action::CustomersWrite).expect("granted");
        assert_eq!(scope, Own);
        assert!(rep.reaches(scope, Some(7)));
        assert!(!rep.reaches(scope, Some(8)));
        assert!(!rep.reaches(scope, None));
    }

    #[test]
    fn support_reads_customers_but_cannot_change_them() {
        let agent = Actor::user(1, Role::Support);
        assert_eq!(agent.require(Action::CustomersRead).expect("granted"), All);
        assert!(matches!(agent.require(Action::CustomersWrite), Err(DomainError::Forbidden(_))));
    }

    #[test]
    fn only_admins_manage_users_keys_and_webhooks() {
        for role in Role::ALL {
            let ok = grant(role, Action::UsersManage).is_some();
            assert_eq!(ok, role == Admin, "{role}");
            assert_eq!(grant(role, Action::ApiKeysManage).is_some(), role == Admin);
            assert_eq!(grant(role, Action::WebhooksManage).is_some(), role == Admin);
        }
    }

    #[test]
    fn description_names_the_scope() {
        assert_eq!(describe(Action::CustomersWrite), "`customers:write`: admin, manager, sales (own records only)");
    }
}
