//! A campaign's messages: delivery progress, the message list, and the customer
//! timeline's view of them.

use chrono::NaiveDateTime;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};

use super::{Campaign, get};
use crate::Actor;
use crate::entities::{campaign, campaign_message};
use crate::error::{DomainError, Result};
use crate::list::Page;

/// How far a campaign's delivery has got: messages by status (test sends excluded).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Progress {
    pub queued: i64,
    pub sent: i64,
    pub failed: i64,
    pub cancelled: i64,
}

/// A campaign with its delivery progress.
///
/// # Errors
/// `Forbidden`, `NotFound`, database failures.
pub async fn get_with_progress(db: &impl ConnectionTrait, actor: &Actor, id: i64) -> Result<(Campaign, Progress)> {
    let c = get(db, actor, id).await?;
    let rows: Vec<(String, i64)> = campaign_message::Entity::find()
        .select_only()
        .column(campaign_message::Column::Status)
        .column_as(campaign_message::Column::Id.count(), "n")
        .filter(campaign_message::Column::CampaignId.eq(id))
        .filter(campaign_message::Column::IsTest.eq(false))
        .group_by(campaign_message::Column::Status)
        .into_tuple()
        .all(db)
        .await?;
    let mut p = Progress::default();
    for (status, n) in rows {
        match status.as_str() {
            "queued" | "sending" => p.queued += n,
            "sent" => p.sent += n,
            "failed" => p.failed += n,
            _ => p.cancelled += n,
        }
    }
    Ok((c, p))
}

/// One message of a campaign, as the message list shows it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Message {
    pub id: i64,
    pub customer_id: i64,
    pub channel: String,
    pub recipient: String,
    pub is_test: bool,
    pub status: String,
    pub attempts: i32,
    pub error: Option<String>,
    pub subject: Option<String>,
    pub sent_at: Option<chrono::DateTime<chrono::Utc>>,
    pub opened_at: Option<chrono::DateTime<chrono::Utc>>,
    pub clicked_at: Option<chrono::DateTime<chrono::Utc>>,
    pub opens: i32,
    pub clicks: i32,
    pub activity_id: Option<i64>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

impl From<campaign_message::Model> for Message {
    fn from(m: campaign_message::Model) -> Self {
        use crate::time::utc;
        Self {
            id: m.id,
            customer_id: m.customer_id,
            channel: m.channel,
            recipient: m.recipient,
            is_test: m.is_test,
            status: m.status,
            attempts: m.attempts,
            error: m.error,
            subject: m.subject,
            sent_at: m.sent_at.map(utc),
            opened_at: m.opened_at.map(utc),
            clicked_at: m.clicked_at.map(utc),
            opens: m.opens,
            clicks: m.clicks,
            activity_id: m.activity_id,
            created_at: utc(m.created_at),
        }
    }
}

/// Message statuses, for filtering.
pub const MESSAGE_STATUSES: &[&str] = &["queued", "sending", "sent", "failed", "cancelled"];

/// A page of a campaign's messages by id.
///
/// # Errors
/// `Forbidden`, `NotFound`, `Invalid` status, database failures.
pub async fn messages(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: i64,
    status: Option<&str>,
    page: u64,
    per_page: u64,
) -> Result<Page<Message>> {
    get(db, actor, id).await?;
    let mut q = campaign_message::Entity::find().filter(campaign_message::Column::CampaignId.eq(id));
    if let Some(s) = status {
        if !MESSAGE_STATUSES.contains(&s) {
            return Err(DomainError::invalid("status", format!("must be one of {}", MESSAGE_STATUSES.join(", "))));
        }
        q = q.filter(campaign_message::Column::Status.eq(s));
    }
    let total = q.clone().count(db).await?;
    let rows =
        q.order_by_asc(campaign_message::Column::Id).offset((page - 1) * per_page).limit(per_page).all(db).await?;
    Ok(Page {
        items: rows.into_iter().map(Message::from).collect(),
        page: Some(page),
        per_page,
        total: Some(total),
        total_capped: false,
        next_cursor: None,
    })
}

/// A customer's campaign messages that went out, for the timeline (newest first).
///
/// # Errors
/// Database failures.
pub async fn timeline_entries(
    db: &impl ConnectionTrait,
    customer_id: i64,
    before: Option<NaiveDateTime>,
    limit: u64,
) -> Result<Vec<crate::services::timeline::TimelineEntry>> {
    let mut q = campaign_message::Entity::find()
        .filter(campaign_message::Column::CustomerId.eq(customer_id))
        .filter(campaign_message::Column::IsTest.eq(false))
        .filter(campaign_message::Column::Status.eq("sent"));
    if let Some(b) = before {
        q = q.filter(campaign_message::Column::SentAt.lt(b));
    }
    let rows = q.order_by_desc(campaign_message::Column::SentAt).limit(limit).all(db).await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.campaign_id).collect();
    let names: std::collections::HashMap<i64, String> = campaign::Entity::find()
        .filter(campaign::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect();
    Ok(rows
        .into_iter()
        .filter_map(|m| {
            let at = m.sent_at?;
            let name = names.get(&m.campaign_id).cloned().unwrap_or_default();
            Some(crate::services::timeline::TimelineEntry {
                at: crate::time::utc(at),
                kind: "campaign_message".into(),
                summary: format!("{} campaign “{name}” sent", m.channel),
                ref_id: m.id,
                actor: None,
                data: serde_json::json!({
                    "campaign_id": m.campaign_id,
                    "channel": m.channel,
                    "subject": m.subject,
                    "opened_at": m.opened_at.map(crate::time::utc),
                    "clicked_at": m.clicked_at.map(crate::time::utc),
                }),
            })
        })
        .collect())
}
