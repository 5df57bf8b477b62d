//! Contract tightening: makes the generated document state what the server enforces
//! (positive ids, `If-Match` and money patterns, closed value sets as enums, declared
//! 400/422 answers, create → read/update/delete links), so that generated clients and
//! the schemathesis contract test agree with the server.

use super::*;

/// What an `If-Match` header must look like: `*`, an ETag this API returned (`"3"`, `W/"3"`)
/// or a bare version (`3`).
pub const IF_MATCH_PATTERN: &str = r#"^[ \t]*(\*|(W/)?"[0-9]{1,9}"|[0-9]{1,9})[ \t]*$"#;

/// A decimal string as query parameters take it (`1299`, `-5.5`).
pub const DECIMAL_PATTERN: &str = r"^-?[0-9]{1,13}(\.[0-9]{1,4})?$";
const DECIMAL_PARAMS: &[&str] = &["total_from", "total_to", "amount_from", "amount_to"];

/// Makes the document state what the server enforces, so that generated clients and
/// contract tests (schemathesis) agree with it: record ids in paths are positive,
/// `If-Match` is an ETag, and every create links to the operations on what it made.
pub fn tighten(doc: &mut utoipa::openapi::OpenApi) {
    for item in doc.paths.paths.values_mut() {
        let ops = [&mut item.get, &mut item.post, &mut item.patch, &mut item.delete, &mut item.put];
        for op in ops.into_iter().flatten() {
            for p in op.parameters.iter_mut().flatten() {
                if let RefOr::T(p) = p {
                    tighten_parameter(p);
                }
            }
            // Any parameter or body can be malformed (400); any POST can reuse an
            // `Idempotency-Key` for another request (422).
            let has_input = op.parameters.as_ref().is_some_and(|p| !p.is_empty()) || op.request_body.is_some();
            if has_input {
                op.responses
                    .responses
                    .entry("400".into())
                    .or_insert_with(|| BadRequest::responses().remove("400").unwrap_or_else(|| problem("")));
            }
            let idempotent =
                op.parameters.iter().flatten().any(|p| matches!(p, RefOr::T(p) if p.name == "Idempotency-Key"));
            if idempotent {
                op.responses
                    .responses
                    .entry("422".into())
                    .or_insert_with(|| Unprocessable::responses().remove("422").unwrap_or_else(|| problem("")));
            }
        }
    }
    close_value_sets(doc);
    money_patterns(doc);
    add_links(doc);
}

/// Fields and query parameters that take one of a fixed list of values, from the domain's
/// own lists: (component schemas or operation ids, field or parameter, values).
fn closed_sets() -> Vec<(&'static [&'static str], &'static str, Vec<&'static str>)> {
    use rapport_domain::rules::{sla, transitions as t, webhooks};
    use rapport_domain::services::{activities, campaigns, customers, leads, service_requests, webhooks as wh};
    let rfm = rapport_analytics::rfm::Segment::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>();
    vec![
        (&["ActivityCreate", "ActivityUpdate", "list_activities"], "kind", activities::KINDS.to_vec()),
        (&["CustomerCreate", "CustomerUpdate"], "source", customers::SOURCES.to_vec()),
        (&["LeadCreate", "LeadUpdate", "list_leads"], "source", leads::SOURCES.to_vec()),
        (&["LeadUpdate", "list_leads"], "status", t::states(t::LEAD)),
        (&["OpportunityCreate", "OpportunityUpdate", "list_opportunities"], "stage", t::states(t::OPPORTUNITY)),
        (
            &["CampaignCreate", "CampaignUpdate", "list_campaigns", "OptOutCreate", "remove_opt_out"],
            "channel",
            campaigns::CHANNELS.to_vec(),
        ),
        (&["CampaignCreate", "CampaignUpdate"], "goal_metric", campaigns::GOAL_METRICS.to_vec()),
        (&["list_campaigns"], "status", t::states(t::CAMPAIGN)),
        (&["campaign_messages"], "status", campaigns::MESSAGE_STATUSES.to_vec()),
        (&["list_outbox"], "channel", campaigns::CHANNELS.to_vec()),
        (&["CommentCreate"], "visibility", vec!["internal", "customer"]),
        (
            &["ServiceRequestCreate", "list_service_requests", "customer_service_requests"],
            "channel",
            service_requests::CHANNELS.to_vec(),
        ),
        (
            &["ServiceRequestCreate", "list_service_requests", "customer_service_requests"],
            "priority",
            sla::PRIORITIES.to_vec(),
        ),
        (&["StatusChange", "list_service_requests", "customer_service_requests"], "status", t::states(t::SERVICE)),
        (&["OrderStatusChange", "list_orders", "customer_orders"], "status", t::states(t::ORDER)),
        (&["list_quotes"], "status", t::states(t::QUOTE)),
        (&["list_webhook_deliveries"], "status", wh::deliveries::STATUSES.to_vec()),
        (&["WebhookCreate", "WebhookUpdate"], "events", webhooks::subscribable()),
        (&["SegmentFilter", "list_customers", "export_customers"], "rfm_segment", rfm.clone()),
        (&["rfm_customers"], "segment", rfm),
        (&["sales_forecast"], "granularity", vec!["month"]),
    ]
}

/// An amount of money in a body: a decimal string, 0.00–99999999999.99.
pub const MONEY_PATTERN: &str = r"^[0-9]{1,11}(\.[0-9]{1,2})?$";

/// An amount of money a campaign takes (budget, cost, goal target): 0.00–99999999.99.
pub const CAMPAIGN_MONEY_PATTERN: &str = r"^[0-9]{1,8}(\.[0-9]{1,2})?$";

/// Money fields of request bodies that carry no pattern of their own: (schema, field, pattern).
const MONEY_FIELDS: &[(&str, &str, &str)] = &[
    ("LeadConvert", "amount", MONEY_PATTERN),
    ("OpportunityCreate", "amount", MONEY_PATTERN),
    ("OpportunityUpdate", "amount", MONEY_PATTERN),
    ("CampaignCreate", "budget", CAMPAIGN_MONEY_PATTERN),
    ("CampaignCreate", "cost", CAMPAIGN_MONEY_PATTERN),
    ("CampaignCreate", "goal_target", CAMPAIGN_MONEY_PATTERN),
    ("CampaignUpdate", "budget", CAMPAIGN_MONEY_PATTERN),
    ("CampaignUpdate", "cost", CAMPAIGN_MONEY_PATTERN),
    ("CampaignUpdate", "goal_target", CAMPAIGN_MONEY_PATTERN),
    ("SegmentFilter", "total_spend_min", MONEY_PATTERN),
    ("SegmentFilter", "total_spend_max", MONEY_PATTERN),
];

/// Arrays of strings whose items the server bounds: (schema, field, min, max characters).
const ITEM_LENGTHS: &[(&str, &str, usize, usize)] = &[
    ("CustomerCreate", "tags", 1, 50),
    ("CustomerUpdate", "tags", 1, 50),
    ("SegmentFilter", "tags", 1, 50),
    ("RegressionRequest", "names", 1, rapport_domain::services::analytics::MAX_NAME_LENGTH),
];

fn money_patterns(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::schema::{ArrayItems, Schema};
    let Some(components) = doc.components.as_mut() else { return };
    for (schema, field, pattern) in MONEY_FIELDS {
        if let Some(RefOr::T(Schema::Object(o))) = components.schemas.get_mut(*schema)
            && let Some(RefOr::T(Schema::Object(prop))) = o.properties.get_mut(*field)
            && prop.pattern.is_none()
        {
            prop.pattern = Some((*pattern).into());
        }
    }
    for (schema, field, min, max) in ITEM_LENGTHS {
        if let Some(RefOr::T(Schema::Object(o))) = components.schemas.get_mut(*schema)
            && let Some(RefOr::T(Schema::Array(a))) = o.properties.get_mut(*field)
            && let ArrayItems::RefOrSchema(item) = &mut a.items
            && let RefOr::T(Schema::Object(item)) = item.as_mut()
        {
            item.min_length = Some(*min);
            item.max_length = Some(*max);
        }
    }
}

fn close_value_sets(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::schema::{ArrayItems, Schema, SchemaType, Type};
    let sets = closed_sets();
    let restrict = |schema: &mut RefOr<Schema>, values: &[&str]| match schema {
        RefOr::T(Schema::Object(o)) => {
            let mut list: Vec<serde_json::Value> = values.iter().map(|v| serde_json::Value::from(*v)).collect();
            // A nullable field (`null` clears it) keeps `null` among its values.
            if let SchemaType::Array(types) = &o.schema_type
                && types.contains(&Type::Null)
            {
                list.push(serde_json::Value::Null);
            }
            o.enum_values = Some(list);
        }
        RefOr::T(Schema::Array(a)) => {
            if let ArrayItems::RefOrSchema(item) = &mut a.items
                && let RefOr::T(Schema::Object(o)) = item.as_mut()
            {
                o.enum_values = Some(values.iter().map(|v| serde_json::Value::from(*v)).collect());
            }
        }
        _ => {}
    };
    if let Some(components) = doc.components.as_mut() {
        for (name, schema) in components.schemas.iter_mut() {
            let RefOr::T(Schema::Object(o)) = schema else { continue };
            for (targets, field, values) in &sets {
                if targets.contains(&name.as_str())
                    && let Some(prop) = o.properties.get_mut(*field)
                {
                    restrict(prop, values);
                }
            }
        }
    }
    for item in doc.paths.paths.values_mut() {
        let ops = [&mut item.get, &mut item.post, &mut item.patch, &mut item.delete, &mut item.put];
        for op in ops.into_iter().flatten() {
            let Some(id) = op.operation_id.clone() else { continue };
            for p in op.parameters.iter_mut().flatten() {
                let RefOr::T(p) = p else { continue };
                for (targets, field, values) in &sets {
                    if targets.contains(&id.as_str())
                        && p.name == *field
                        && let Some(schema) = p.schema.as_mut()
                    {
                        restrict(schema, values);
                    }
                }
            }
        }
    }
}

fn tighten_parameter(p: &mut utoipa::openapi::path::Parameter) {
    use utoipa::openapi::path::ParameterIn;
    use utoipa::openapi::schema::{Schema, SchemaType, Type};
    let Some(RefOr::T(Schema::Object(o))) = p.schema.as_mut() else { return };
    if p.parameter_in == ParameterIn::Path && o.schema_type == SchemaType::new(Type::Integer) && o.minimum.is_none() {
        o.minimum = Some(1.into());
    }
    if p.parameter_in == ParameterIn::Query && p.name == "page" {
        o.minimum = Some(1.into());
        o.maximum = Some((rapport_domain::list::MAX_PAGE as usize).into());
    }
    if p.parameter_in == ParameterIn::Query && p.name == "per_page" && o.maximum.is_none() {
        o.minimum = Some(1.into());
        o.maximum = Some((rapport_domain::list::MAX_PER_PAGE as usize).into());
    }
    // Money bounds in queries are decimal strings.
    if p.parameter_in == ParameterIn::Query && DECIMAL_PARAMS.contains(&p.name.as_str()) {
        o.pattern = Some(DECIMAL_PATTERN.into());
    }
    if p.parameter_in == ParameterIn::Header && p.name.eq_ignore_ascii_case("if-match") {
        o.schema_type = SchemaType::new(Type::String);
        o.pattern = Some(IF_MATCH_PATTERN.into());
    }
}

/// Links from each `POST /x` that answers 201 with a record to the operations on `/x/{id}`
/// and its sub-resources (those whose only path parameter is the id), for clients and
/// stateful tests that follow a create with what can be done to the result.
fn add_links(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::link::LinkBuilder;
    let paths = &mut doc.paths.paths;
    let mut found: Vec<(String, Vec<String>)> = Vec::new();
    for (path, item) in paths.iter() {
        let Some(RefOr::T(created)) = item.post.as_ref().and_then(|op| op.responses.responses.get("201")) else {
            continue;
        };
        if !created
            .content
            .get("application/json")
            .is_some_and(|c| matches!(c, RefOr::T(c) if matches!(c.schema, Some(RefOr::Ref(_)))))
        {
            continue;
        }
        let prefix = format!("{path}/{{id}}");
        let mut targets = Vec::new();
        for (other, other_item) in paths.iter() {
            let under = *other == prefix || other.starts_with(&format!("{prefix}/"));
            if !under || other.matches('{').count() != 1 {
                continue;
            }
            let ops = [&other_item.get, &other_item.post, &other_item.patch, &other_item.delete, &other_item.put];
            targets.extend(ops.into_iter().flatten().filter_map(|op| op.operation_id.clone()));
        }
        if !targets.is_empty() {
            found.push((path.clone(), targets));
        }
    }
    for (path, targets) in found {
        let Some(RefOr::T(created)) =
            paths.get_mut(&path).and_then(|i| i.post.as_mut()).and_then(|op| op.responses.responses.get_mut("201"))
        else {
            continue;
        };
        for id in targets {
            let link = LinkBuilder::new().operation_id(&id).parameter("id", "$response.body#/id").build();
            created.links.insert(id, RefOr::T(link));
        }
    }
}
