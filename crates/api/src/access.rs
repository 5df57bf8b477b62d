//! The role check at the door: every documented operation names the action it needs
//! (`OPERATION_ACTIONS`), so a caller whose role lacks it gets 403 before the request
//! body is even read — the same answer whatever the body, and nothing about validation
//! leaks to someone who may not call the operation. The services still check again
//! (and apply the `own` scope, which depends on the record).

use std::collections::HashMap;
use std::sync::Arc;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{ResponseError, web};
use rapport_domain::Action;

use crate::error::ApiError;
use crate::openapi::OPERATION_ACTIONS;

/// (method, route pattern) → the action the operation needs.
#[derive(Clone, Debug, Default)]
pub struct OperationTable(Arc<HashMap<(String, String), Action>>);

impl OperationTable {
    /// The table of a document's operations.
    pub fn from_doc(doc: &utoipa::openapi::OpenApi) -> Self {
        let mut map = HashMap::new();
        for (path, item) in &doc.paths.paths {
            let ops = [
                ("GET", &item.get),
                ("POST", &item.post),
                ("PATCH", &item.patch),
                ("PUT", &item.put),
                ("DELETE", &item.delete),
            ];
            for (method, op) in ops {
                let Some(id) = op.as_ref().and_then(|o| o.operation_id.as_deref()) else { continue };
                if let Some((_, action)) = OPERATION_ACTIONS.iter().find(|(o, _)| *o == id) {
                    map.insert((method.to_owned(), path.clone()), *action);
                }
            }
        }
        Self(Arc::new(map))
    }

    /// The action `method` on `pattern` needs, if it is a role-checked operation.
    pub fn action(&self, method: &str, pattern: &str) -> Option<Action> {
        self.0.get(&(method.to_owned(), pattern.to_owned())).copied()
    }
}

/// The middleware (`actix_web::middleware::from_fn`).
///
/// # Errors
/// Those of the wrapped service.
pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let action = match (req.app_data::<web::Data<OperationTable>>(), req.match_pattern()) {
        (Some(table), Some(pattern)) => table.action(req.method().as_str(), &pattern),
        _ => None,
    };
    if let Some(action) = action
        // Without valid credentials the handler answers 401 as before.
        && let Ok(actor) = crate::auth::caller(req.request()).await
        && let Err(denied) = actor.require(action)
    {
        let (http_req, _) = req.into_parts();
        return Ok(ServiceResponse::new(http_req, ApiError::from(denied).error_response()));
    }
    Ok(next.call(req).await?.map_into_boxed_body())
}
