//! Reading opportunities: one, a page, and the pipeline by stage.

use rust_decimal::Decimal;
use sea_orm::ConnectionTrait;
use serde::Serialize;

use super::{Opportunity, visible};
use crate::error::{DomainError, Result};
use crate::list::{Page, Paging, parse_sort};
use crate::money::from_cents;
use crate::repo::opportunities::{self as repo, OpportunityFilter};
use crate::rules::transitions::{self, OPPORTUNITY};
use crate::{Action, Actor};

/// One opportunity.
///
/// # Errors
/// `Forbidden`, `NotFound`, database failures.
pub async fn get(db: &impl ConnectionTrait, actor: &Actor, id: i64) -> Result<Opportunity> {
    let scope = actor.require(Action::OpportunitiesRead)?;
    Ok(visible(db, actor, scope, id).await?.into())
}

/// A page of the opportunities the actor may see.
///
/// # Errors
/// `Forbidden`, `Invalid`, database failures.
pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: &OpportunityFilter,
    sort: Option<&str>,
    paging: &Paging,
) -> Result<Page<Opportunity>> {
    let scope = actor.require(Action::OpportunitiesRead)?;
    if filter.q.as_deref().is_some_and(|q| q.chars().count() > 200) {
        return Err(DomainError::invalid("q", "must be at most 200 characters"));
    }
    if let Some(s) = &filter.stage
        && !transitions::is_state(OPPORTUNITY, s)
    {
        return Err(DomainError::invalid(
            "stage",
            format!("must be one of {}", transitions::states(OPPORTUNITY).join(", ")),
        ));
    }
    let keys = parse_sort(sort, repo::SORT_FIELDS, repo::DEFAULT_SORT)?;
    let (rows, total, next) = repo::list(db, filter, actor.owner_filter(scope), &keys, paging).await?;
    Ok(crate::repo::page_of(rows.into_iter().map(Opportunity::from).collect(), paging, total, next))
}

/// One stage of the pipeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PipelineStage {
    pub stage: String,
    pub count: i64,
    pub total_amount: Decimal,
    /// Σ amount × probability / 100.
    pub weighted_amount: Decimal,
}

/// Count, total and weighted amount per stage (every stage, in pipeline order).
///
/// # Errors
/// `Forbidden`, database failures.
pub async fn pipeline(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: &OpportunityFilter,
) -> Result<Vec<PipelineStage>> {
    let scope = actor.require(Action::OpportunitiesRead)?;
    let rows = repo::pipeline(db, filter, actor.owner_filter(scope)).await?;
    Ok(transitions::states(OPPORTUNITY)
        .into_iter()
        .map(|stage| {
            let (count, total, weighted) = rows.iter().find(|r| r.0 == stage).map_or((0, 0, 0), |r| (r.1, r.2, r.3));
            PipelineStage {
                stage: stage.to_owned(),
                count,
                total_amount: from_cents(total),
                weighted_amount: crate::rules::pricing::round(Decimal::new(weighted, 4)),
            }
        })
        .collect())
}
