//! Service statistics over a period: the database selects the rows, the analytics
//! crate aggregates them.

use chrono::NaiveDateTime;
use rapport_analytics::service_stats::{self, RequestFacts, ServiceStats};
use sea_orm::{ConnectionTrait, QuerySelect};

use super::reach;
use crate::entities::service_request;
use crate::error::{DomainError, Result};
use crate::repo::service_requests::{self as repo, RequestFilter};
use crate::time::now;
use crate::{Action, Actor};

type Row = (
    Option<i64>,
    String,
    String,
    NaiveDateTime,
    NaiveDateTime,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
    Option<i16>,
);

/// Statistics of the requests made in `[from, to)` that the actor reaches.
///
/// # Errors
/// `Forbidden`, `Invalid` period, database failures.
pub async fn stats(
    db: &impl ConnectionTrait,
    actor: &Actor,
    from: Option<NaiveDateTime>,
    to: Option<NaiveDateTime>,
) -> Result<ServiceStats> {
    let scope = actor.require(Action::ServiceRead)?;
    if let (Some(a), Some(b)) = (from, to)
        && a >= b
    {
        return Err(DomainError::invalid("from", "must be before to"));
    }
    let at = now();
    let filter = RequestFilter { from, to, ..Default::default() };
    use service_request::Column as C;
    let rows: Vec<Row> = repo::filtered(&filter, reach(db, actor, scope).await?, at)
        .select_only()
        .column(C::AssigneeId)
        .column(C::Priority)
        .column(C::Status)
        .column(C::RequestDate)
        .column(C::DueAt)
        .column(C::FirstResponseAt)
        .column(C::ResolvedAt)
        .column(C::Rating)
        .into_tuple()
        .all(db)
        .await?;
    let facts: Vec<RequestFacts> = rows
        .into_iter()
        .map(|(agent, priority, status, requested, due, first, resolved, rating)| {
            let open = repo::OPEN.contains(&status.as_str());
            RequestFacts {
                agent,
                priority,
                month: requested.format("%Y-%m").to_string(),
                open,
                overdue: open && due < at,
                first_response_secs: first.map(|t| (t - requested).num_seconds()),
                resolution_secs: resolved.map(|t| (t - requested).num_seconds()),
                rating: rating.and_then(|r| u8::try_from(r).ok()),
            }
        })
        .collect();
    Ok(service_stats::compute(&facts))
}
