//! The OpenAPI document: info, security schemes, shared error responses, and the
//! role table written into each operation's description.

use std::collections::BTreeMap;

use rapport_domain::Action;
use rapport_domain::rules::access::describe;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{Content, RefOr, Response, ResponseBuilder};
use utoipa::{IntoResponses, Modify, OpenApi};

use crate::error::Problem;

mod contract;
pub use contract::{DECIMAL_PATTERN, IF_MATCH_PATTERN, MONEY_PATTERN, tighten};

/// The document's fixed parts; paths are collected from the registered services.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Rapport CRM API",
        description = "Customers, sales, marketing, service and analysis for small and mid-sized companies.\n\n\
            Conventions: JSON with snake_case fields, money as decimal strings, RFC 3339 UTC times, \
            problem+json errors with a stable `code`, `ETag`/`If-Match` on mutable resources.",
        license(name = "AGPL-3.0-only")
    ),
    components(schemas(Problem)),
    modifiers(&Security),
    tags(
        (name = "auth", description = "Sign-in, sessions and the current user"),
        (name = "users", description = "User management (admin)"),
        (name = "api-keys", description = "API keys for integrations (admin)"),
        (name = "customers", description = "Customer information"),
        (name = "products", description = "The product catalogue"),
        (name = "leads", description = "Leads and their automatic assignment"),
        (name = "opportunities", description = "Opportunities and the pipeline"),
        (name = "quotes", description = "Quotes with server-computed totals"),
        (name = "orders", description = "Orders and their lines"),
        (name = "activities", description = "Calls, emails, meetings, notes, tasks and follow-ups"),
        (name = "service", description = "Service requests, SLA and satisfaction"),
        (name = "analytics", description = "Regression, forecast, RFM, recommendations, dashboard"),
        (name = "marketing", description = "Segments, campaigns, delivery, tracking and the outbox"),
        (name = "settings", description = "System settings"),
        (name = "public", description = "Pages for customers, without login"),
        (name = "audit", description = "The audit log"),
        (name = "webhooks", description = "Webhooks for integrations: subscriptions, signed deliveries, retries (admin)"),
    )
)]
pub struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        let mut jwt = Http::new(HttpAuthScheme::Bearer);
        jwt.bearer_format = Some("JWT".into());
        jwt.description = Some("An access token from POST /api/v1/auth/login.".into());
        components.add_security_scheme("bearer", SecurityScheme::Http(jwt));
        let mut key = Http::new(HttpAuthScheme::Bearer);
        key.bearer_format = Some("rk_…".into());
        key.description = Some("An API key (rk_…) made by an admin under /api/v1/api-keys.".into());
        components.add_security_scheme("api_key", SecurityScheme::Http(key));
    }
}

/// Operations any signed-in caller may use: they need no action of the role table.
/// (`follow_ups`: one's own list; another user's needs `follow_ups:any`, checked by the service.)
pub const SIGNED_IN_OPERATIONS: &[&str] = &["list_roles", "follow_ups"];

/// Which action of the role table each operation needs (operation id → action).
pub const OPERATION_ACTIONS: &[(&str, Action)] = &[
    ("list_customers", Action::CustomersRead),
    ("get_customer", Action::CustomersRead),
    ("create_customer", Action::CustomersWrite),
    ("update_customer", Action::CustomersWrite),
    ("delete_customer", Action::CustomersWrite),
    ("customer_timeline", Action::CustomersRead),
    ("import_customers", Action::CustomersImport),
    ("export_customers", Action::CustomersRead),
    ("list_products", Action::ProductsRead),
    ("get_product", Action::ProductsRead),
    ("create_product", Action::ProductsWrite),
    ("update_product", Action::ProductsWrite),
    ("delete_product", Action::ProductsWrite),
    ("list_users", Action::UsersManage),
    ("get_user", Action::UsersManage),
    ("create_user", Action::UsersManage),
    ("update_user", Action::UsersManage),
    ("list_api_keys", Action::ApiKeysManage),
    ("create_api_key", Action::ApiKeysManage),
    ("revoke_api_key", Action::ApiKeysManage),
    ("list_audit_log", Action::AuditRead),
    ("list_leads", Action::LeadsRead),
    ("get_lead", Action::LeadsRead),
    ("create_lead", Action::LeadsWrite),
    ("update_lead", Action::LeadsWrite),
    ("delete_lead", Action::LeadsWrite),
    ("convert_lead", Action::LeadsWrite),
    ("get_lead_assignment", Action::SettingsManage),
    ("set_lead_assignment", Action::SettingsManage),
    ("opportunity_pipeline", Action::OpportunitiesRead),
    ("list_opportunities", Action::OpportunitiesRead),
    ("get_opportunity", Action::OpportunitiesRead),
    ("create_opportunity", Action::OpportunitiesWrite),
    ("update_opportunity", Action::OpportunitiesWrite),
    ("delete_opportunity", Action::OpportunitiesWrite),
    ("list_activities", Action::ActivitiesRead),
    ("get_activity", Action::ActivitiesRead),
    ("create_activity", Action::ActivitiesWrite),
    ("update_activity", Action::ActivitiesWrite),
    ("delete_activity", Action::ActivitiesWrite),
    ("complete_activity", Action::ActivitiesWrite),
    ("run_regression", Action::RegressionRun),
    ("rfm_segments", Action::AnalyticsRead),
    ("rfm_customers", Action::AnalyticsRead),
    ("customer_rfm", Action::AnalyticsRead),
    ("get_dashboard", Action::AnalyticsRead),
    ("sales_analysis", Action::AnalyticsRead),
    ("sales_forecast", Action::AnalyticsRead),
    ("sales_forecast_with", Action::AnalyticsRead),
    ("customer_recommendations", Action::CustomersRead),
    ("related_products", Action::ProductsRead),
    ("service_stats", Action::ServiceRead),
    ("list_service_requests", Action::ServiceRead),
    ("get_service_request", Action::ServiceRead),
    ("service_timeline", Action::ServiceRead),
    ("customer_service_requests", Action::ServiceRead),
    ("create_service_request", Action::ServiceWrite),
    ("change_service_status", Action::ServiceWrite),
    ("add_service_update", Action::ServiceWrite),
    ("rate_service_request", Action::ServiceWrite),
    ("assign_service_request", Action::ServiceAssign),
    ("get_service_settings", Action::SettingsManage),
    ("set_service_settings", Action::SettingsManage),
    ("list_quotes", Action::QuotesRead),
    ("get_quote", Action::QuotesRead),
    ("create_quote", Action::QuotesWrite),
    ("update_quote", Action::QuotesWrite),
    ("delete_quote", Action::QuotesWrite),
    ("send_quote", Action::QuotesWrite),
    ("accept_quote", Action::QuotesWrite),
    ("reject_quote", Action::QuotesWrite),
    ("quote_from_opportunity", Action::QuotesWrite),
    ("import_orders", Action::CustomersImport),
    ("list_orders", Action::OrdersRead),
    ("get_order", Action::OrdersRead),
    ("create_order", Action::OrdersWrite),
    ("change_order_status", Action::OrdersWrite),
    ("customer_orders", Action::OrdersRead),
    ("preview_segment", Action::MarketingRead),
    ("list_segments", Action::MarketingRead),
    ("get_segment", Action::MarketingRead),
    ("segment_members", Action::MarketingRead),
    ("create_segment", Action::MarketingWrite),
    ("update_segment", Action::MarketingWrite),
    ("delete_segment", Action::MarketingWrite),
    ("list_campaigns", Action::MarketingRead),
    ("get_campaign", Action::MarketingRead),
    ("campaign_stats", Action::MarketingRead),
    ("compare_campaigns", Action::MarketingRead),
    ("campaign_messages", Action::MarketingRead),
    ("create_campaign", Action::MarketingWrite),
    ("update_campaign", Action::MarketingWrite),
    ("delete_campaign", Action::MarketingWrite),
    ("schedule_campaign", Action::MarketingWrite),
    ("unschedule_campaign", Action::MarketingWrite),
    ("launch_campaign", Action::MarketingWrite),
    ("cancel_campaign", Action::MarketingWrite),
    ("test_send_campaign", Action::MarketingWrite),
    ("list_outbox", Action::MarketingRead),
    ("list_opt_outs", Action::CustomersRead),
    ("add_opt_out", Action::OptOutsWrite),
    ("remove_opt_out", Action::OptOutsWrite),
    ("sms_reply", Action::OptOutsWrite),
    ("list_webhooks", Action::WebhooksManage),
    ("get_webhook", Action::WebhooksManage),
    ("create_webhook", Action::WebhooksManage),
    ("update_webhook", Action::WebhooksManage),
    ("delete_webhook", Action::WebhooksManage),
    ("list_webhook_deliveries", Action::WebhooksManage),
    ("redeliver_webhook", Action::WebhooksManage),
];

/// Appends "Roles: …" from the role table to each operation's description.
pub fn document_roles(doc: &mut utoipa::openapi::OpenApi) {
    for (path, item) in &mut doc.paths.paths {
        if path.starts_with("/api/v1/")
            && !path.starts_with("/api/v1/auth/")
            && let Some(op) = item.post.as_mut()
        {
            op.parameters.get_or_insert_with(Vec::new).push(RefOr::T(idempotency_key()));
        }
        let ops = [&mut item.get, &mut item.post, &mut item.patch, &mut item.delete, &mut item.put];
        for op in ops.into_iter().flatten() {
            let Some(id) = op.operation_id.as_deref() else { continue };
            let roles = match OPERATION_ACTIONS.iter().find(|(o, _)| *o == id) {
                Some((_, action)) => Some(format!("Roles: {}", describe(*action))),
                None if SIGNED_IN_OPERATIONS.contains(&id) => Some("Roles: `any signed-in caller`".to_owned()),
                None => None,
            };
            if let Some(roles) = roles {
                op.description = Some(match op.description.take() {
                    Some(d) if !d.is_empty() => format!("{d}\n\n{roles}"),
                    _ => roles,
                });
            }
        }
    }
}

/// The optional `Idempotency-Key` header every authenticated POST accepts.
fn idempotency_key() -> utoipa::openapi::path::Parameter {
    use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
    use utoipa::openapi::{ObjectBuilder, Required, Type};
    ParameterBuilder::new()
        .name("Idempotency-Key")
        .parameter_in(ParameterIn::Header)
        .required(Required::False)
        .description(Some(
            "Makes a retry safe: the first response with this key is kept 24 hours and \
             replayed (with `Idempotent-Replayed: true`) for the same request; the same key \
             with a different request is a 422; while the first runs, a retry waits for it.",
        ))
        .schema(Some(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .min_length(Some(1))
                .max_length(Some(255))
                .pattern(Some("^[!-~]+$")),
        ))
        .build()
}

/// The role × operation matrix as a Markdown table (README, CI log): for every
/// role-checked operation, `all`, `own` (only records the caller owns) or `—` per role.
pub fn role_matrix(doc: &utoipa::openapi::OpenApi) -> String {
    use rapport_domain::Role;
    use rapport_domain::rules::access::{Scope, grant};
    let mut rows = Vec::new();
    for (path, item) in &doc.paths.paths {
        let ops = [
            ("GET", &item.get),
            ("POST", &item.post),
            ("PUT", &item.put),
            ("PATCH", &item.patch),
            ("DELETE", &item.delete),
        ];
        for (method, op) in ops {
            let Some(id) = op.as_ref().and_then(|o| o.operation_id.as_deref()) else { continue };
            let Some((_, action)) = OPERATION_ACTIONS.iter().find(|(o, _)| *o == id) else { continue };
            let cells: Vec<&str> = Role::ALL
                .iter()
                .map(|r| match grant(*r, *action) {
                    Some(Scope::All) => "all",
                    Some(Scope::Own) => "own",
                    None => "—",
                })
                .collect();
            rows.push(format!("| `{method} {path}` | `{}` | {} |", action.as_str(), cells.join(" | ")));
        }
    }
    let roles: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
    let mut out = format!("| operation | action | {} |\n|---|---|{}\n", roles.join(" | "), "---|".repeat(roles.len()));
    for r in rows {
        out.push_str(&r);
        out.push('\n');
    }
    out
}

fn problem(description: &str) -> RefOr<Response> {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/problem+json",
            Content::new(Some(RefOr::Ref(utoipa::openapi::Ref::from_schema_name("Problem")))),
        )
        .build()
        .into()
}

macro_rules! problem_responses {
    ($($name:ident => $status:literal, $desc:literal;)*) => {$(
        #[doc = $desc]
        pub struct $name;
        impl IntoResponses for $name {
            fn responses() -> BTreeMap<String, RefOr<Response>> {
                BTreeMap::from([($status.to_owned(), problem($desc))])
            }
        }
    )*};
}

problem_responses! {
    BadRequest => "400", "Malformed request: bad JSON, unknown or wrong query parameters (`bad_request`)";
    Unauthorized => "401", "Not signed in, or the token or key is invalid (`unauthorized`)";
    Forbidden => "403", "The caller's role may not do this (`forbidden`)";
    NotFound => "404", "No such record, or not visible to the caller (`not_found`)";
    Conflict => "409", "A unique value is taken (`duplicate`, with `existing_id`) or the state forbids it (`conflict`)";
    PreconditionFailed => "412", "`If-Match` names a stale version (`stale_version`)";
    PayloadTooLarge => "413", "The body is too large (`payload_too_large`)";
    UnsupportedMediaType => "415", "Wrong Content-Type (`unsupported_media_type`)";
    Unprocessable => "422", "Invalid fields, listed in `errors` (`validation_failed`, `import_rejected`)";
    TooManyRequests => "429", "Too many attempts: wait the seconds in `Retry-After` (`rate_limited`)";
}
