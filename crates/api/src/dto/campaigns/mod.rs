//! Campaign, message, statistics, outbox and opt-out bodies.

mod campaign;
mod input;
mod messages;
mod stats;

pub use campaign::{Campaign, CampaignPage, CampaignQuery, Progress};
pub use input::{CampaignCreate, CampaignUpdate};
pub use messages::{CampaignMessage, CampaignMessagePage, MessageQuery, TestSendRequest, TestSendResult};
pub use stats::{CampaignStats, CompareQuery, DayCounts, GoalProgress, Rates};
