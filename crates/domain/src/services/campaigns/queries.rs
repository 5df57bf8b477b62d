//! Reading campaigns: one, a filtered page, and those running in a period.

use chrono::NaiveDateTime;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};

use super::{CHANNELS, Campaign, find_live};
use crate::entities::campaign;
use crate::error::{DomainError, Result};
use crate::list::Page;
use crate::rules::transitions::{self, CAMPAIGN};
use crate::{Action, Actor};

/// Filters of the campaign list.
#[derive(Clone, Debug, Default)]
pub struct CampaignFilter {
    pub status: Option<String>,
    pub channel: Option<String>,
}

/// One campaign.
///
/// # Errors
/// `Forbidden`, `NotFound`, database failures.
pub async fn get(db: &impl ConnectionTrait, actor: &Actor, id: i64) -> Result<Campaign> {
    actor.require(Action::MarketingRead)?;
    Ok(find_live(db, id).await?.into())
}

/// Campaigns, newest first, in numbered pages.
///
/// # Errors
/// `Forbidden`, `Invalid` filter, database failures.
pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    f: &CampaignFilter,
    page: u64,
    per_page: u64,
) -> Result<Page<Campaign>> {
    actor.require(Action::MarketingRead)?;
    let mut q = campaign::Entity::find().filter(campaign::Column::DeletedAt.is_null());
    if let Some(s) = &f.status {
        if !transitions::is_state(CAMPAIGN, s) {
            return Err(DomainError::invalid(
                "status",
                format!("must be one of {}", transitions::states(CAMPAIGN).join(", ")),
            ));
        }
        q = q.filter(campaign::Column::Status.eq(s.clone()));
    }
    if let Some(c) = &f.channel {
        if !CHANNELS.contains(&c.as_str()) {
            return Err(DomainError::invalid("channel", format!("must be one of {}", CHANNELS.join(", "))));
        }
        q = q.filter(campaign::Column::Channel.eq(c.clone()));
    }
    let total = q.clone().count(db).await?;
    let rows = q
        .order_by_desc(campaign::Column::CreatedAt)
        .order_by_desc(campaign::Column::Id)
        .offset((page - 1) * per_page)
        .limit(per_page)
        .all(db)
        .await?;
    Ok(Page {
        items: rows.into_iter().map(Campaign::from).collect(),
        page: Some(page),
        per_page,
        total: Some(total),
        total_capped: false,
        next_cursor: None,
    })
}

/// Campaigns running at some time in `[from, to)`: launched before `to` and not
/// finished before `from` (the forecast's promotion regressor counts these).
///
/// # Errors
/// Database failures.
pub async fn running_between(
    db: &impl ConnectionTrait,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<Vec<(NaiveDateTime, Option<NaiveDateTime>)>> {
    let rows: Vec<(Option<NaiveDateTime>, Option<NaiveDateTime>)> = campaign::Entity::find()
        .select_only()
        .column(campaign::Column::LaunchedAt)
        .column(campaign::Column::CompletedAt)
        .filter(campaign::Column::DeletedAt.is_null())
        .filter(campaign::Column::LaunchedAt.is_not_null())
        .filter(campaign::Column::LaunchedAt.lt(to))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().filter_map(|(l, c)| l.map(|l| (l, c))).filter(|(_, c)| c.is_none_or(|c| c >= from)).collect())
}
