//! Campaigns: a message to a segment over email, SMS or phone, with a goal, a budget and
//! a schedule. Launching materialises one message per reachable customer (see
//! [`launch`]); the delivery worker sends them (see `services::delivery`); tracking and
//! attribution feed the statistics (see [`stats`]).

mod edit;
pub mod launch;
mod messages;
mod model;
mod queries;
pub mod render;
pub mod stats;
mod status;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

pub use edit::{create, delete, update};
pub use messages::{MESSAGE_STATUSES, Message, Progress, get_with_progress, messages, timeline_entries};
pub use model::{CHANNELS, Campaign, CampaignChanges, CampaignInput, DEFAULT_ATTRIBUTION_DAYS, GOAL_METRICS};
pub use queries::{CampaignFilter, get, list, running_between};
pub use status::{cancel, schedule, unschedule};
pub(crate) use status::{cancel_queued, transition};

use crate::entities::campaign;
use crate::error::{DomainError, Result};

pub(crate) async fn find_live(db: &impl ConnectionTrait, id: i64) -> Result<campaign::Model> {
    campaign::Entity::find_by_id(id)
        .filter(campaign::Column::DeletedAt.is_null())
        .one(db)
        .await?
        .ok_or(DomainError::NotFound("campaign"))
}
